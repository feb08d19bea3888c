"""The EWS source (exchangelib) against recorded SOAP responses served over HTTP on loopback,
and an opt-in live test against an on-premises Exchange (DOCAUTO_LIVE_EWS_*)."""

from __future__ import annotations

import os
import re
from email import message_from_bytes
from email.message import EmailMessage

import pytest
from conftest_recorded import Reply

from docauto.errors import UsageError
from docauto.mail.sources import open_source
from docauto.mail.sources.ews import EwsSource
from docauto.mail.sources.retry import PermanentMailError, TransientMailError

pytest.importorskip("exchangelib")

EWS = "^/EWS/Exchange.asmx$"
IDS = [f"AAMkADEwsItem000{n}=" for n in range(1, 4)]


def _op(seen) -> str:
    m = re.search(r"<m:(\w+)", seen.body.decode())
    return m.group(1) if m else ""


def _ops(server, name):
    return [s for s in server.seen if _op(s) == name]


@pytest.fixture
def ews(recorded_http, monkeypatch, tmp_path):
    s = recorded_http
    monkeypatch.setenv("DOCAUTO_EWS_USERNAME", "KOMMUNE\\svc-jobbank")
    monkeypatch.setenv("DOCAUTO_EWS_PASSWORD", "recorded-password")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    for fid, name in (
        ("root", "root"),
        ("msgfolderroot", "msgfolderroot"),
        ("inbox", "inbox"),
        ("sentitems", "sent"),
    ):
        s.route(
            "POST",
            EWS,
            Reply.file(f"ews/getfolder_{name}.xml"),
            contains=("<m:GetFolder", f'DistinguishedFolderId Id="{fid}"'),
        )
    s.route(
        "POST", EWS, Reply.file("ews/finditem_page2.xml"), contains=("<m:FindItem", 'Offset="2"')
    )
    s.route("POST", EWS, Reply.file("ews/finditem_page1.xml"), contains=("<m:FindItem",))
    for n, item_id in enumerate(IDS, 1):
        s.route("POST", EWS, Reply.file(f"ews/getitem_{n}.xml"), contains=("<m:GetItem", item_id))
    s.route("POST", EWS, Reply.file("ews/moveitem.xml"), contains=("<m:MoveItem",))
    # Under the mailbox root, 'docauto' is missing at first and found once it was created.
    s.route(
        "POST",
        EWS,
        Reply.file("ews/findfolder_empty.xml"),
        Reply.file("ews/findfolder_docauto.xml"),
        contains=("<m:FindFolder", 'DistinguishedFolderId Id="msgfolderroot"'),
    )
    s.route("POST", EWS, Reply.file("ews/findfolder_empty.xml"), contains=("<m:FindFolder",))
    for name in ("docauto", "Registreret", "Afvist"):
        s.route(
            "POST",
            EWS,
            Reply.file(f"ews/createfolder_{name}.xml"),
            contains=("<m:CreateFolder", f"<t:DisplayName>{name}</t:DisplayName>"),
        )
    s.route("POST", EWS, Reply.file("ews/createitem.xml"), contains=("<m:CreateItem",))
    return s


def _spec(server, extra: str = "") -> str:
    return f"ews:jobbank@kommune.dk?endpoint={server.base}/EWS/Exchange.asmx&auth=basic{extra}"


def _mid(item) -> str:
    return message_from_bytes(item.raw)["Message-ID"]


def test_paging_mime_and_moves_to_created_folders(ews):
    src = open_source(_spec(ews))
    assert isinstance(src, EwsSource)
    items = list(src.fetch())
    assert [_mid(i) for i in items] == [
        "<ews-1@kommune.dk>",
        "<ews-2@kommune.dk>",
        "<ews-3@kommune.dk>",
    ]
    finds = _ops(ews, "FindItem")
    assert ['Offset="0"' in f.body.decode() for f in finds] == [True, False]
    assert 'Offset="2"' in finds[1].body.decode()  # the second page was asked for
    assert "item:DateTimeReceived" in finds[0].body.decode()  # oldest first
    assert all(s.headers["Authorization"].startswith("Basic ") for s in ews.seen)

    src.done(items[0], "registered")
    src.done(items[1], "rejected")
    src.close()
    moves = _ops(ews, "MoveItem")
    targets = [
        (
            re.search(r'ToFolderId><t:FolderId Id="([^"]+)"', m.body.decode()).group(1),
            re.search(r'<t:ItemId Id="([^"]+)"', m.body.decode()).group(1),
        )
        for m in moves
    ]
    assert targets == [("AAMkRegistreret=", IDS[0]), ("AAMkAfvist=", IDS[1])]
    creates = _ops(ews, "CreateFolder")
    # docauto once (found the second time), then Registreret and Afvist inside it.
    assert len(creates) == 3
    first = creates[0].body.decode()
    assert "<t:DisplayName>docauto</t:DisplayName>" in first and 'Id="msgfolderroot"' in first
    second = creates[1].body.decode()
    assert "<t:DisplayName>Registreret</t:DisplayName>" in second and 'Id="AAMkDocauto="' in second

    # A new process takes the folder ids from its state file: no FindFolder/CreateFolder.
    before = len(_ops(ews, "CreateFolder")) + len(_ops(ews, "FindFolder"))
    again = open_source(_spec(ews))
    again.done(items[2], "duplicate")
    assert len(_ops(ews, "CreateFolder")) + len(_ops(ews, "FindFolder")) == before
    assert 'Id="AAMkRegistreret="' in _ops(ews, "MoveItem")[-1].body.decode()


def test_server_busy_back_off_is_honoured(ews):
    ews.routes.insert(
        0,
        ews.route(
            "POST",
            EWS,
            Reply.file("ews/server_busy.xml", status=500),
            Reply.file("ews/finditem_page1.xml"),
            contains=("<m:FindItem", 'Offset="0"'),
        ),
    )
    items = list(open_source(_spec(ews)).fetch())
    assert len(items) == 3
    busy, retried = _ops(ews, "FindItem")[:2]
    assert retried.at - busy.at >= 1.0  # BackOffMilliseconds 1000


def test_crash_before_the_move_retries_the_move_not_the_mail(ews, monkeypatch):
    src = open_source(_spec(ews))
    items = list(src.fetch())

    def lost(item_id, target):
        raise TransientMailError("connection reset")

    monkeypatch.setattr(src, "_move", lost)
    with pytest.raises(TransientMailError):
        src.done(items[0], "registered")
    restarted = open_source(_spec(ews))
    rest = list(restarted.fetch())
    assert "<ews-1@kommune.dk>" not in [_mid(i) for i in rest]
    (move,) = _ops(ews, "MoveItem")
    assert IDS[0] in move.body.decode()


def test_receipt_is_sent_as_mime_and_saved(ews):
    src = open_source(_spec(ews))
    item = next(src.fetch())
    receipt = EmailMessage()
    receipt["To"] = "chef1@kommune.dk"
    receipt["Subject"] = "Kvittering: Klyngeleder - Registrering af ansøgningerne"
    receipt.set_content("Tak for din mail")
    src.reply(item, receipt)
    (create,) = _ops(ews, "CreateItem")
    body = create.body.decode()
    assert 'MessageDisposition="SendAndSaveCopy"' in body
    import base64

    mime = message_from_bytes(
        base64.b64decode(re.search(r"<t:MimeContent>([^<]+)<", body).group(1))
    )
    assert mime["From"] == "jobbank@kommune.dk" and mime["To"] == "chef1@kommune.dk"


def test_since_restricts_find_item(ews):
    list(open_source(_spec(ews, "&since=2010-09-01")).fetch())
    body = _ops(ews, "FindItem")[0].body.decode()
    assert "<t:IsGreaterThanOrEqualTo>" in body and "item:DateTimeReceived" in body
    assert "2010-09-01T00:00:00" in body


def test_refused_login_is_an_error_not_a_retry(recorded_http, monkeypatch, tmp_path):
    monkeypatch.setenv("DOCAUTO_EWS_USERNAME", "KOMMUNE\\svc-jobbank")
    monkeypatch.setenv("DOCAUTO_EWS_PASSWORD", "forkert")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    recorded_http.route(
        "POST", EWS, Reply(401, "", headers={"WWW-Authenticate": 'Basic realm="ex"'})
    )
    with pytest.raises(PermanentMailError, match="Exchange afviste login") as info:
        list(open_source(_spec(recorded_http)).fetch())
    assert not isinstance(info.value, TransientMailError)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("ews:jobbank@kommune.dk", "endpoint=URL eller server=VÆRT"),
        ("ews:jobbank@kommune.dk?endpoint=http://mail.kommune.dk/EWS/Exchange.asmx", "https"),
        ("ews:jobbank@kommune.dk?server=mail.kommune.dk&auth=digest", "ukendt EWS-godkendelse"),
        ("ews:jobbank?server=mail.kommune.dk", "postkasseadresse"),
    ],
)
def test_bad_specs(spec, message, monkeypatch, tmp_path):
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    with pytest.raises(UsageError, match=message):
        EwsSource(spec)


@pytest.mark.live
@pytest.mark.skipif(
    not (
        os.environ.get("DOCAUTO_LIVE_EWS_MAILBOX") and os.environ.get("DOCAUTO_LIVE_EWS_ENDPOINT")
    ),
    reason="set DOCAUTO_LIVE_EWS_MAILBOX, DOCAUTO_LIVE_EWS_ENDPOINT and DOCAUTO_EWS_* credentials to run",
)
def test_live_ews_mailbox_reads_without_moving(tmp_path, monkeypatch):
    """Reads the first mail of an on-premises mailbox's inbox; moves nothing."""
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    src = open_source(
        f"ews:{os.environ['DOCAUTO_LIVE_EWS_MAILBOX']}"
        f"?endpoint={os.environ['DOCAUTO_LIVE_EWS_ENDPOINT']}"
    )
    try:
        item = next(iter(src.fetch()), None)
        if item is not None:
            assert message_from_bytes(item.raw)["From"]
    finally:
        src.close()


def test_access_denied_is_permanent_with_exchanges_words(ews):
    """A service account that may read but not move: the run stops with Exchange's words."""
    ews.routes.insert(
        0,
        ews.route(
            "POST", EWS, Reply.file("ews/moveitem_access_denied.xml"), contains=("<m:MoveItem",)
        ),
    )
    src = open_source(_spec(ews))
    item = next(iter(src.fetch()))
    with pytest.raises(PermanentMailError) as info:
        src.done(item, "registered")
    assert "ErrorAccessDenied" in info.value.message
    assert "Access is denied" in info.value.message
    assert "FullAccess" in info.value.hint


def test_ews_verifies_against_the_os_trust_store(ews):
    from exchangelib.protocol import BaseProtocol

    list(open_source(_spec(ews)).fetch())
    assert getattr(BaseProtocol.HTTP_ADAPTER_CLS, "docauto_trust_store", False)
    adapter = BaseProtocol.HTTP_ADAPTER_CLS()
    import truststore

    assert isinstance(adapter.poolmanager.connection_pool_kw["ssl_context"], truststore.SSLContext)


def test_kerberos_without_its_plugin_names_the_extra(ews, monkeypatch):
    from exchangelib import transport

    from docauto.errors import ConfigError

    monkeypatch.delitem(transport.AUTH_TYPE_MAP, "gssapi", raising=False)
    src = EwsSource(_spec(ews) + "&auth=kerberos")
    with pytest.raises(ConfigError, match=r"docauto\[ews-kerberos\]"):
        list(src.fetch())


def test_kerberos_and_sspi_map_to_exchangelibs_auth_types(ews, monkeypatch):
    import exchangelib
    from exchangelib import transport

    from docauto.mail.sources.ews import _auth_type

    monkeypatch.setitem(transport.AUTH_TYPE_MAP, "gssapi", object)
    monkeypatch.setitem(transport.AUTH_TYPE_MAP, "sspi", object)
    assert _auth_type(exchangelib, "kerberos") == exchangelib.GSSAPI == "gssapi"
    assert _auth_type(exchangelib, "sspi") == exchangelib.SSPI == "sspi"
    assert EwsSource(_spec(ews) + "&auth=sspi")._credentials() is None  # Windows' own logon


def test_ews_certificate_failure_is_permanent_and_named(recorded_https, monkeypatch, tmp_path):
    monkeypatch.setenv("DOCAUTO_EWS_USERNAME", "KOMMUNE\\svc-jobbank")
    monkeypatch.setenv("DOCAUTO_EWS_PASSWORD", "recorded-password")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    empty = tmp_path / "no-ca.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    spec = f"ews:jobbank@kommune.dk?endpoint={recorded_https.base}/EWS/Exchange.asmx&auth=basic"
    with pytest.raises(PermanentMailError) as info:
        list(open_source(spec).fetch())
    assert "TLS-certifikatet for 127.0.0.1" in info.value.message
    assert "certificate" in info.value.message.lower()
    assert "unable to get local issuer certificate" in info.value.message


def test_ews_trusts_a_ca_from_the_os_trust_store(recorded_https, monkeypatch, tmp_path):
    """The CA is only in the store truststore reads, not in certifi's bundle: the TLS
    handshake succeeds and the server's answer (a 401 here) is what stops the run."""
    monkeypatch.setenv("DOCAUTO_EWS_USERNAME", "KOMMUNE\\svc-jobbank")
    monkeypatch.setenv("DOCAUTO_EWS_PASSWORD", "recorded-password")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SSL_CERT_FILE", str(recorded_https.ca))
    recorded_https.route(
        "POST", EWS, Reply(401, "", headers={"WWW-Authenticate": 'Basic realm="ex"'})
    )
    spec = f"ews:jobbank@kommune.dk?endpoint={recorded_https.base}/EWS/Exchange.asmx&auth=basic"
    with pytest.raises(PermanentMailError, match="Exchange afviste login"):
        list(open_source(spec).fetch())
    assert recorded_https.requests("POST")  # the request went through TLS
