"""The Microsoft Graph source against recorded Graph responses served over HTTP on loopback,
and an opt-in live test (DOCAUTO_LIVE_GRAPH_MAILBOX + credentials)."""

from __future__ import annotations

import base64
import json
import os
import stat
from email import message_from_bytes
from email.message import EmailMessage

import pytest
from conftest_recorded import Reply

from docauto.errors import MailError
from docauto.mail.sources import open_source
from docauto.mail.sources.graph import GraphSource
from docauto.mail.sources.retry import PermanentMailError, TransientMailError

MBX = "/v1.0/users/jobbank@buf.kk.dk"
INBOX = "AAMkADInbox0000="
IDS = [f"AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0Msg000{n}=" for n in range(1, 5)]
TENANT = "00000000-0000-0000-0000-00000000c0de"


@pytest.fixture
def graph(recorded_http, monkeypatch, tmp_path):
    s = recorded_http
    monkeypatch.setenv("DOCAUTO_GRAPH_BASE_URL", s.base + "/v1.0")
    monkeypatch.setenv("DOCAUTO_GRAPH_ACCESS_TOKEN", "recorded-token")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    s.route("GET", f"^{MBX}/mailFolders/inbox(\\?|$)", Reply.file("graph/inbox.json"))
    s.route(
        "GET",
        f"^{MBX}/mailFolders/{INBOX}/messages/delta\\?.*skiptoken=SKIP-PAGE-2",
        Reply.file("graph/delta_page2.json"),
    )
    s.route(
        "GET",
        f"^{MBX}/mailFolders/{INBOX}/messages/delta\\?.*deltatoken=ROUND-2",
        Reply.file("graph/delta_round2.json"),
    )
    s.route(
        "GET",
        f"^{MBX}/mailFolders/{INBOX}/messages/delta\\?.*deltatoken=ROUND-3",
        Reply(
            200,
            '{"value": [], "@odata.deltaLink": "{{BASE}}/v1.0/users/jobbank@buf.kk.dk/'
            'mailFolders/AAMkADInbox0000=/messages/delta?$deltatoken=ROUND-3"}',
        ),
    )
    s.route(
        "GET",
        f"^{MBX}/mailFolders/{INBOX}/messages/delta\\?\\$select",
        Reply.file("graph/throttled.json", status=429, headers={"Retry-After": "1"}),
        Reply.file("graph/delta_page1.json"),
    )
    for n, mid in enumerate(IDS, 1):
        s.route("GET", f"^{MBX}/messages/{mid}/\\$value$", Reply.file(f"graph/mail-{n}.eml"))
        s.route("POST", f"^{MBX}/messages/{mid}/move$", Reply.file("graph/moved.json", status=201))
    s.route(
        "GET",
        f"^{MBX}/mailFolders/msgfolderroot/childFolders",
        Reply.file("graph/childfolders_empty.json"),
        Reply.file("graph/childfolders_docauto.json"),
    )
    s.route(
        "POST",
        f"^{MBX}/mailFolders/msgfolderroot/childFolders$",
        Reply.file("graph/created_docauto.json", status=201),
    )
    s.route(
        "GET",
        f"^{MBX}/mailFolders/AAMkADFolderDocauto=/childFolders",
        Reply.file("graph/childfolders_empty.json"),
    )
    s.route(
        "POST",
        f"^{MBX}/mailFolders/AAMkADFolderDocauto=/childFolders$",
        Reply.file("graph/created_Registreret.json", status=201),
        contains="Registreret",
    )
    s.route(
        "POST",
        f"^{MBX}/mailFolders/AAMkADFolderDocauto=/childFolders$",
        Reply.file("graph/created_Afvist.json", status=201),
        contains="Afvist",
    )
    s.route("POST", f"^{MBX}/sendMail$", Reply(202))
    s.route("GET", f"^{MBX}/messages/[^/]+/attachments", Reply(200, '{"value": []}'))
    return s


def _mid(item) -> str:
    return message_from_bytes(item.raw)["Message-ID"]


def test_paging_throttling_delta_link_and_moves(graph):
    src = open_source("graph:jobbank@buf.kk.dk")
    assert isinstance(src, GraphSource)
    items = list(src.fetch())
    # Both pages were read, and the mails come oldest first whatever the page order.
    assert [_mid(i) for i in items] == [
        "<graph-1@buf.kk.dk>",
        "<graph-2@buf.kk.dk>",
        "<graph-3@buf.kk.dk>",
    ]

    first_delta = graph.requests("GET", "/messages/delta")
    throttled, retried = first_delta[0], first_delta[1]
    assert "$select=id,receivedDateTime" in throttled.query
    assert retried.query == throttled.query
    assert retried.at - throttled.at >= 1.0  # Retry-After: 1 was honoured
    assert "skiptoken=SKIP-PAGE-2" in first_delta[2].query
    for req in graph.seen:
        assert req.headers["Authorization"] == "Bearer recorded-token"
        assert 'IdType="ImmutableId"' in req.headers["Prefer"]
    assert "odata.maxpagesize=50" in first_delta[0].headers["Prefer"]

    src.done(items[0], "registered")
    src.done(items[1], "rejected")
    src.done(items[2], "duplicate")
    moves = graph.requests("POST", "/move")
    assert [(m.path.split("/")[-2], json.loads(m.body)) for m in moves] == [
        (IDS[0], {"destinationId": "AAMkADFolderRegistreret="}),
        (IDS[1], {"destinationId": "AAMkADFolderAfvist="}),
        (IDS[2], {"destinationId": "AAMkADFolderRegistreret="}),
    ]
    # The folders were created once, by id under our own 'docauto' folder, and then remembered.
    creates = graph.requests("POST", "/childFolders")
    assert [json.loads(c.body)["displayName"] for c in creates] == [
        "docauto",
        "Registreret",
        "Afvist",
    ]

    # A new process reuses the saved delta link: only the new mail comes back.
    again = open_source("graph:jobbank@buf.kk.dk")
    newer = list(again.fetch())
    assert [_mid(i) for i in newer] == ["<graph-4@buf.kk.dk>"]
    assert "deltatoken=ROUND-2" in graph.requests("GET", "/messages/delta")[-1].query
    assert len(graph.requests("GET", "/mailFolders/inbox")) == 1  # the folder id came from state
    again.done(newer[0], "registered")
    assert len(graph.requests("POST", "/childFolders")) == 3


def test_stop_in_the_middle_resumes_with_the_rest(graph):
    src = open_source("graph:jobbank@buf.kk.dk")
    it = src.fetch()
    first = next(it)
    src.done(first, "registered")
    it.close()  # watch mode stopped after one mail
    resumed = open_source("graph:jobbank@buf.kk.dk")
    rest = list(resumed.fetch())
    # The queue remembered the two unhandled mails although the delta link moved on.
    assert [_mid(i) for i in rest] == [
        "<graph-2@buf.kk.dk>",
        "<graph-3@buf.kk.dk>",
        "<graph-4@buf.kk.dk>",
    ]


def test_crash_before_the_move_retries_the_move(graph, monkeypatch):
    src = open_source("graph:jobbank@buf.kk.dk")
    items = list(src.fetch())

    def lost(mid, target):
        raise TransientMailError("connection reset")

    monkeypatch.setattr(src, "_move", lost)
    with pytest.raises(TransientMailError):
        src.done(items[0], "registered")
    restarted = open_source("graph:jobbank@buf.kk.dk")
    rest = list(restarted.fetch())
    assert "<graph-1@buf.kk.dk>" not in [_mid(i) for i in rest]
    assert [m.path.split("/")[-2] for m in graph.requests("POST", "/move")] == [IDS[0]]


def test_long_retry_after_goes_to_watch_mode(graph):
    graph.routes.insert(
        0,
        graph.route(
            "GET",
            f"^{MBX}/mailFolders/inbox(\\?|$)",
            Reply(429, "{}", headers={"Retry-After": "3600"}),
        ),
    )
    src = open_source("graph:jobbank@buf.kk.dk")
    with pytest.raises(TransientMailError) as info:
        list(src.fetch())
    assert info.value.retry_after == 3600


def test_expired_delta_link_starts_over(graph, tmp_path):
    src = open_source("graph:jobbank@buf.kk.dk")
    for item in list(src.fetch()):
        src.done(item, "registered")
    graph.routes.insert(
        0,
        graph.route(
            "GET", "deltatoken=ROUND-2", Reply.file("graph/sync_state_not_found.json", status=410)
        ),
    )
    again = open_source("graph:jobbank@buf.kk.dk")
    list(again.fetch())
    last = graph.requests("GET", "/messages/delta")
    assert "deltatoken=ROUND-2" in last[-3].query  # refused with 410
    assert "$select=id,receivedDateTime" in last[-2].query  # a fresh initial round


def test_since_becomes_the_delta_filter(graph):
    list(open_source("graph:jobbank@buf.kk.dk?since=2010-09-01").fetch())
    first = graph.requests("GET", "/messages/delta")[0]
    assert "$filter=receivedDateTime ge 2010-09-01T00:00:00Z" in first.query


def test_links_to_other_hosts_are_not_followed(graph, monkeypatch):
    graph.routes.insert(
        0,
        graph.route(
            "GET",
            f"^{MBX}/mailFolders/{INBOX}/messages/delta",
            Reply(200, '{"value": [], "@odata.nextLink": "https://evil.example/steal"}'),
        ),
    )
    with pytest.raises(MailError, match="en anden vært"):
        list(open_source("graph:jobbank@buf.kk.dk").fetch())


def test_receipt_is_sent_as_mime(graph):
    src = open_source("graph:jobbank@buf.kk.dk")
    item = next(src.fetch())
    receipt = EmailMessage()
    receipt["To"] = "chef1@buf.kk.dk"
    receipt["Subject"] = "Kvittering: Klyngeleder - Registrering af ansøgningerne"
    receipt.set_content("Tak for din mail")
    src.reply(item, receipt)
    (sent,) = graph.requests("POST", "/sendMail")
    assert sent.headers["Content-Type"] == "text/plain"
    mime = message_from_bytes(base64.b64decode(sent.body))
    assert mime["From"] == "jobbank@buf.kk.dk"
    assert mime["To"] == "chef1@buf.kk.dk"


def test_msal_client_credentials_and_protected_token_cache(graph, monkeypatch, tmp_path):
    monkeypatch.delenv("DOCAUTO_GRAPH_ACCESS_TOKEN")
    monkeypatch.setenv("DOCAUTO_GRAPH_TENANT_ID", TENANT)
    monkeypatch.setenv("DOCAUTO_GRAPH_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.setenv("DOCAUTO_GRAPH_CLIENT_SECRET", "recorded-secret")
    monkeypatch.setenv("DOCAUTO_GRAPH_LOGIN_URL", graph.base + "/login")
    monkeypatch.setenv("DOCAUTO_CACHE_DIR", str(tmp_path / "cache"))
    graph.route(
        "GET",
        f"^/login/{TENANT}/v2.0/.well-known/openid-configuration$",
        Reply.file("graph/openid-configuration.json"),
    )
    graph.route("POST", f"^/login/{TENANT}/oauth2/v2.0/token$", Reply.file("graph/token.json"))
    list(open_source("graph:jobbank@buf.kk.dk").fetch())
    (token_req,) = graph.requests("POST", "/oauth2/v2.0/token")
    form = token_req.body.decode()
    assert "grant_type=client_credentials" in form
    assert "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default" in form
    assert (
        graph.requests("GET", "/messages/delta")[0].headers["Authorization"].endswith(".recorded")
    )
    (cache,) = (tmp_path / "cache").glob("*.tokencache.json")
    if os.name == "posix":
        assert stat.S_IMODE(cache.stat().st_mode) == 0o600
        assert "recorded-secret" not in cache.read_text()
    # A second process takes the token from the cache instead of signing in again.
    list(open_source("graph:jobbank@buf.kk.dk").fetch())
    assert len(graph.requests("POST", "/oauth2/v2.0/token")) == 1


def test_a_world_readable_token_cache_is_refused(graph, monkeypatch, tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    from docauto.errors import ConfigError
    from docauto.mail import credentials

    monkeypatch.setenv("DOCAUTO_CACHE_DIR", str(tmp_path / "cache"))
    path = credentials.token_cache_path("x")
    path.write_text("{}")
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="kan læses af andre brugere"):
        credentials.read_token_cache(path)


@pytest.mark.live
@pytest.mark.skipif(
    not os.environ.get("DOCAUTO_LIVE_GRAPH_MAILBOX"),
    reason="set DOCAUTO_LIVE_GRAPH_MAILBOX and DOCAUTO_GRAPH_* credentials to run",
)
def test_live_graph_mailbox_reads_without_moving(tmp_path, monkeypatch):
    """Reads the first mail of the live mailbox's inbox; moves nothing."""
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    src = open_source("graph:" + os.environ["DOCAUTO_LIVE_GRAPH_MAILBOX"])
    item = next(iter(src.fetch()), None)
    if item is not None:
        assert message_from_bytes(item.raw)["From"]


def _self_signed_pem(path) -> None:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "docauto jobbank")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        + cert.public_bytes(serialization.Encoding.PEM)
    )


def test_certificate_credential_signs_a_client_assertion(graph, monkeypatch, tmp_path):
    pytest.importorskip("cryptography")
    monkeypatch.delenv("DOCAUTO_GRAPH_ACCESS_TOKEN")
    monkeypatch.delenv("DOCAUTO_GRAPH_CLIENT_SECRET", raising=False)
    cert = tmp_path / "private" / "jobbank.pem"
    cert.parent.mkdir()
    _self_signed_pem(cert)
    if os.name == "posix":
        os.chmod(cert, 0o600)
    monkeypatch.setenv("DOCAUTO_GRAPH_CERT_PATH", str(cert))
    monkeypatch.setenv("DOCAUTO_GRAPH_TENANT_ID", TENANT)
    monkeypatch.setenv("DOCAUTO_GRAPH_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.setenv("DOCAUTO_GRAPH_LOGIN_URL", graph.base + "/login")
    monkeypatch.setenv("DOCAUTO_CACHE_DIR", str(tmp_path / "cache"))
    graph.route(
        "GET",
        f"^/login/{TENANT}/v2.0/.well-known/openid-configuration$",
        Reply.file("graph/openid-configuration.json"),
    )
    graph.route("POST", f"^/login/{TENANT}/oauth2/v2.0/token$", Reply.file("graph/token.json"))
    list(open_source("graph:jobbank@buf.kk.dk").fetch())
    (token_req,) = graph.requests("POST", "/oauth2/v2.0/token")
    form = token_req.body.decode()
    assert (
        "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
        in form
    )
    assert "client_assertion=ey" in form and "client_secret" not in form


# --- permanent and temporary errors, as Graph answers them (issue 16) -------------------------


def _first(graph, method: str, pattern: str, *replies: Reply) -> None:
    graph.routes.insert(0, graph.route(method, pattern, *replies))
    graph.routes.pop()  # route() appended it too


@pytest.mark.parametrize(
    "status, body, words",
    [
        (401, "graph/error_401.json", ["HTTP 401 InvalidAuthenticationToken", "Invalid audience"]),
        (403, "graph/error_403.json", ["HTTP 403 ErrorAccessDenied", "Access is denied"]),
        (
            404,
            "graph/error_mailbox_not_enabled.json",
            ["MailboxNotEnabledForRESTAPI", "hosted on-premise"],
        ),
    ],
)
def test_refusals_are_permanent_with_graphs_own_words(graph, status, body, words):
    _first(graph, "GET", f"^{MBX}/mailFolders/inbox", Reply.file(body, status=status))
    with pytest.raises(PermanentMailError) as info:
        list(open_source("graph:jobbank@buf.kk.dk").fetch())
    for w in words:
        assert w in info.value.message
    # Asked once: a refusal is not retried.
    assert len(graph.requests("GET", "/mailFolders/inbox")) == 1


def test_missing_mail_send_names_the_permission(graph):
    _first(graph, "POST", f"^{MBX}/sendMail$", Reply.file("graph/error_403.json", status=403))
    src = open_source("graph:jobbank@buf.kk.dk")
    item = next(src.fetch())
    receipt = EmailMessage()
    receipt["To"] = "chef1@buf.kk.dk"
    receipt["In-Reply-To"] = "<graph-1@buf.kk.dk>"
    receipt.set_content("Tak")
    with pytest.raises(PermanentMailError) as info:
        src.reply(item, receipt)
    assert "ErrorAccessDenied" in info.value.message and "Mail.Send" in info.value.hint


@pytest.mark.parametrize("status", [503, 504])
def test_503_and_504_are_waited_out(graph, status):
    _first(
        graph,
        "GET",
        f"^{MBX}/mailFolders/inbox",
        Reply.file(f"graph/error_{status}.json", status=status, headers={"Retry-After": "0"}),
        Reply.file("graph/inbox.json"),
    )
    items = list(open_source("graph:jobbank@buf.kk.dk").fetch())
    assert len(items) == 3
    assert len(graph.requests("GET", "/mailFolders/inbox")) == 2


def test_lasting_503_is_temporary_for_watch_mode(graph):
    _first(
        graph,
        "GET",
        f"^{MBX}/mailFolders/inbox",
        Reply.file("graph/error_503.json", status=503, headers={"Retry-After": "3600"}),
    )
    with pytest.raises(TransientMailError) as info:
        list(open_source("graph:jobbank@buf.kk.dk").fetch())
    assert info.value.retry_after == 3600


def test_a_receipt_is_sent_at_most_once_even_after_a_504(graph):
    """A 504 on sendMail may still have sent the mail: never repeated, in this run or the next."""
    _first(graph, "POST", f"^{MBX}/sendMail$", Reply.file("graph/error_504.json", status=504))
    src = open_source("graph:jobbank@buf.kk.dk")
    item = next(src.fetch())
    receipt = EmailMessage()
    receipt["To"] = "chef1@buf.kk.dk"
    receipt["In-Reply-To"] = "<graph-1@buf.kk.dk>"
    receipt.set_content("Tak")
    with pytest.raises(TransientMailError):
        src.reply(item, receipt)
    src.reply(item, receipt)  # a retry by the caller
    again = open_source("graph:jobbank@buf.kk.dk")  # the next run, same state
    again.reply(item, receipt)
    assert len(graph.requests("POST", "/sendMail")) == 1


def test_reference_attachment_is_a_link_not_a_form(graph, hr_structure, tmp_path):
    from docauto.mail.handle import LINK_REASON
    from docauto.mail.prepare import prepare

    _first(
        graph,
        "GET",
        f"^{MBX}/messages/{IDS[2]}/attachments",
        Reply.file("graph/attachments_reference.json"),
    )
    items = list(open_source("graph:jobbank@buf.kk.dk").fetch())
    linked = next(i for i in items if i.id == IDS[2])
    assert linked.links == ("Ansøgere Amager Øst.xlsx",)
    assert all(i.links == () for i in items if i is not linked)
    parsed, decision = prepare(linked, hr_structure, ["chef3@buf.kk.dk"])
    assert decision.status == "Afvist"
    assert "vedhæft skemaet som en kopi, ikke som et link" in decision.reason == LINK_REASON


def test_national_cloud_scope_comes_from_the_clouds_own_host():
    from docauto.mail.sources.graph import graph_scope

    assert graph_scope("https://graph.microsoft.us/v1.0") == "https://graph.microsoft.us/.default"
    assert (
        graph_scope("https://microsoftgraph.chinacloudapi.cn/v1.0")
        == "https://microsoftgraph.chinacloudapi.cn/.default"
    )
    assert graph_scope("https://graph.microsoft.com/v1.0") == "https://graph.microsoft.com/.default"


def test_permanent_graph_error_ends_ingest_with_exit_1(graph, hr_structure_file, hr_registry):
    from click.testing import CliRunner

    from docauto.cli import cli

    _first(graph, "GET", f"^{MBX}/mailFolders/inbox", Reply.file("graph/error_403.json", 403))
    args = ["--structure", str(hr_structure_file), "--registry", str(hr_registry)]
    result = CliRunner().invoke(
        cli, ["mail", "ingest", "--source", "graph:jobbank@buf.kk.dk", *args]
    )
    assert result.exit_code == 1
    assert "ErrorAccessDenied" in result.output
    watched = CliRunner().invoke(
        cli,
        ["mail", "watch", "--source", "graph:jobbank@buf.kk.dk", *args, "--max-runs", "5"],
    )
    assert watched.exit_code == 1 and "ErrorAccessDenied" in watched.output
    assert len(graph.requests("GET", "/mailFolders/inbox")) == 2  # one per run, no retries


@pytest.fixture
def graph_tls(recorded_https, monkeypatch, tmp_path):
    s = recorded_https
    monkeypatch.setenv("DOCAUTO_GRAPH_BASE_URL", s.base + "/v1.0")
    monkeypatch.setenv("DOCAUTO_GRAPH_ACCESS_TOKEN", "recorded-token")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    s.route("GET", f"^{MBX}/mailFolders/inbox(\\?|$)", Reply.file("graph/inbox.json"))
    s.route(
        "GET",
        f"^{MBX}/mailFolders/{INBOX}/messages/delta",
        Reply(200, '{"value": [], "@odata.deltaLink": "{{BASE}}/v1.0/delta?$deltatoken=X"}'),
    )
    return s


def test_graph_trusts_a_ca_from_the_os_trust_store(graph_tls, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(graph_tls.ca))  # the store truststore reads
    assert list(open_source("graph:jobbank@buf.kk.dk").fetch()) == []
    assert graph_tls.requests("GET", "/messages/delta")


def test_graph_certificate_failure_is_permanent_and_named(
    graph_tls, monkeypatch, tmp_path, hr_structure_file, hr_registry
):
    from click.testing import CliRunner

    from docauto.cli import cli

    empty = tmp_path / "no-ca.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with pytest.raises(PermanentMailError) as info:
        list(open_source("graph:jobbank@buf.kk.dk").fetch())
    assert "TLS-certifikatet for 127.0.0.1" in info.value.message
    assert "unable to get local issuer certificate" in info.value.message
    # Watch mode stops on it instead of calling the server unreachable and retrying forever.
    args = ["--structure", str(hr_structure_file), "--registry", str(hr_registry)]
    watched = CliRunner().invoke(
        cli,
        ["mail", "watch", "--source", "graph:jobbank@buf.kk.dk", *args, "--max-runs", "5"],
    )
    assert watched.exit_code == 1
    assert "TLS-certifikatet" in watched.output
