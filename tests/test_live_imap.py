"""The IMAP source against a real Dovecot on loopback (tests/conftest_dovecot.py)."""

from __future__ import annotations

import imaplib
import os
import socket
import threading
from email.message import EmailMessage

import pytest

from docauto.errors import MailError, UsageError
from docauto.mail.sources import open_source
from docauto.mail.sources.imap import ImapSource, encode_folder
from docauto.mail.sources.retry import PermanentMailError, TransientMailError

pytestmark = pytest.mark.dovecot


def _mail(n: int, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = headers.pop("From", "omraadechef@buf.kk.dk")
    msg["To"] = "jobbank@buf.kk.dk"
    msg["Subject"] = f"Klyngeleder - Registrering af ansøgningerne {n}"
    msg["Message-ID"] = f"<mail-{n}@test>"
    for k, v in headers.items():
        msg[k] = v
    msg.set_content(f"mail nummer {n}")
    return msg.as_bytes()


def _client(server, user, password) -> imaplib.IMAP4:
    c = imaplib.IMAP4(server.host, server.port)
    c.login(user, password)
    return c


def _append(server, user, password, *numbers: int, **headers: str) -> None:
    c = _client(server, user, password)
    for n in numbers:
        c.append("INBOX", None, None, _mail(n, **headers))
    c.logout()


def _subjects(server, user, password, folder: str) -> list[str]:
    c = _client(server, user, password)
    typ, _ = c.select(f'"{encode_folder(folder)}"', readonly=True)
    if typ != "OK":
        c.logout()
        return []
    _, data = c.uid("SEARCH", None, "ALL")
    out = []
    for uid in (data[0] or b"").split():
        _, parts = c.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        header = parts[0][1].decode().strip()
        out.append(header.split(":", 1)[1].strip() if ":" in header else "")
    c.logout()
    return out


@pytest.fixture
def account(imap_account, monkeypatch, tmp_path):
    server, user, password = imap_account
    monkeypatch.setenv("DOCAUTO_IMAP_PASSWORD", password)
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    return server, user, password, f"imap://{user}@{server.host}:{server.port}/INBOX"


def test_fetch_in_order_and_move_to_created_folders(account):
    server, user, password, spec = account
    _append(server, user, password, 1, 2, 3)
    src = open_source(spec)
    assert isinstance(src, ImapSource)
    items = list(src.fetch())
    assert [i.raw.split(b"Message-ID: ")[1].split(b"\r\n")[0] for i in items] == [
        b"<mail-1@test>",
        b"<mail-2@test>",
        b"<mail-3@test>",
    ]
    assert items[0].name.startswith("imap:INBOX/")
    src.done(items[0], "registered")
    src.done(items[1], "rejected")
    src.done(items[2], "duplicate")
    src.close()
    assert _subjects(server, user, password, "INBOX") == []
    assert _subjects(server, user, password, "docauto/Registreret") == [
        "<mail-1@test>",
        "<mail-3@test>",
    ]
    assert _subjects(server, user, password, "docauto/Afvist") == ["<mail-2@test>"]
    # Mail handled once is not offered again by a new connection.
    again = open_source(spec)
    assert list(again.fetch()) == []
    again.close()


def test_new_mail_arriving_between_polls_is_fetched_once(account):
    server, user, password, spec = account
    src = open_source(spec)
    _append(server, user, password, 1)
    first = list(src.fetch())
    for item in first:
        src.done(item, "registered")
    _append(server, user, password, 2)
    second = list(src.fetch())
    assert len(first) == 1 and len(second) == 1
    assert b"<mail-2@test>" in second[0].raw
    src.close()


def test_crash_between_save_and_move_retries_the_move_not_the_mail(account, monkeypatch):
    server, user, password, spec = account
    _append(server, user, password, 1, 2)
    src = open_source(spec)
    items = list(src.fetch())

    def dies(uid, target):
        raise TransientMailError("connection lost")

    monkeypatch.setattr(src, "_move", dies)
    with pytest.raises(TransientMailError):
        src.done(items[0], "rejected")
    src._drop()  # the process "dies" here, the mail is still in INBOX
    assert _subjects(server, user, password, "INBOX") == ["<mail-1@test>", "<mail-2@test>"]

    restarted = open_source(spec)
    offered = list(restarted.fetch())
    assert [b"<mail-2@test>" in i.raw for i in offered] == [True]
    assert _subjects(server, user, password, "docauto/Afvist") == ["<mail-1@test>"]
    restarted.close()


def test_folders_are_configurable_and_may_have_danish_letters(account):
    server, user, password, spec = account
    _append(server, user, password, 7)
    src = open_source(spec + "?done=Behandlet/Registrerede%20ans%C3%B8gninger&rejected=Afviste")
    (item,) = list(src.fetch())
    src.done(item, "pending")
    src.close()
    assert _subjects(server, user, password, "Behandlet/Registrerede ansøgninger") == [
        "<mail-7@test>"
    ]
    c = _client(server, user, password)
    _, boxes = c.list()
    c.logout()
    assert any(b"Registrerede ans&APg-gninger" in b for b in boxes)


def test_receipt_is_stored_as_draft_and_never_answers_an_auto_reply(account):
    server, user, password, spec = account
    _append(server, user, password, 1)
    _append(server, user, password, 2, **{"Auto-Submitted": "auto-replied"})
    src = open_source(spec)
    a, b = list(src.fetch())
    for item in (a, b):
        receipt = EmailMessage()
        receipt["To"] = "omraadechef@buf.kk.dk"
        receipt["Subject"] = "Kvittering"
        receipt["In-Reply-To"] = "<mail-x@test>"
        receipt.set_content("Tak")
        src.reply(item, receipt)
    src.close()
    drafts = _subjects(server, user, password, "docauto/Kvitteringer")
    assert len(drafts) == 1  # the auto-reply got none
    c = _client(server, user, password)
    c.select('"docauto/Kvitteringer"', readonly=True)
    _, data = c.uid("SEARCH", None, "DRAFT")
    c.logout()
    assert len(data[0].split()) == 1


def test_wrong_password_is_an_error_not_a_retry(account, monkeypatch):
    _, _, _, spec = account
    monkeypatch.setenv("DOCAUTO_IMAP_PASSWORD", "forkert")
    src = open_source(spec)
    with pytest.raises(MailError) as info:
        list(src.fetch())
    assert not isinstance(info.value, TransientMailError)
    assert "forkert" not in str(info.value)


def test_unreachable_server_is_transient(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCAUTO_IMAP_PASSWORD", "x")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    src = open_source(f"imap://jobbank@127.0.0.1:{port}/INBOX")
    with pytest.raises(TransientMailError):
        list(src.fetch())


def test_plaintext_to_a_non_loopback_name_without_starttls_is_refused(monkeypatch, tmp_path):
    """A server that offers no STARTTLS never sees the password (127.0.0.2 is not in the
    loopback allow-list, so it stands in for a remote host)."""
    monkeypatch.setenv("DOCAUTO_IMAP_PASSWORD", "hemmeligt")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    received: list[bytes] = []
    srv = socket.socket()
    try:
        srv.bind(("127.0.0.2", 0))
    except OSError:
        pytest.skip("127.0.0.2 not available")
    srv.listen(1)
    port = srv.getsockname()[1]

    def serve() -> None:
        conn, _ = srv.accept()
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
        conn.settimeout(2)
        try:
            while chunk := conn.recv(1000):
                received.append(chunk)
                tag = chunk.split(b" ", 1)[0]
                if b"CAPABILITY" in chunk.upper():
                    conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
                conn.sendall(tag + b" OK done\r\n")
        except OSError:
            pass
        conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    src = ImapSource(f"imap://jobbank@127.0.0.2:{port}/INBOX")
    with pytest.raises(MailError) as info:
        list(src.fetch())
    t.join(5)
    srv.close()
    assert "STARTTLS" in str(info.value)
    assert b"hemmeligt" not in b"".join(received)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("imap://127.0.0.1/INBOX", "mangler en bruger"),
        ("imaps://jobbank:secret@mail.example/INBOX", "ikke i kildeangivelsen"),
        ("imaps://jobbank@mail.example/INBOX?auth=kerberos", "ukendt IMAP-godkendelse"),
    ],
)
def test_bad_specs(spec, message, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    with pytest.raises(UsageError, match=message):
        ImapSource(spec)


@pytest.mark.parametrize(
    "name, encoded",
    [
        ("INBOX", "INBOX"),
        ("Afvist", "Afvist"),
        ("Æble & pære", "&AMY-ble &- p&AOY-re"),
        ("Registrerede ansøgninger", "Registrerede ans&APg-gninger"),
    ],
)
def test_modified_utf7(name, encoded):
    assert encode_folder(name) == encoded


def test_since_skips_mail_that_arrived_before_the_day(account):
    server, user, password, spec = account
    c = _client(server, user, password)
    c.append("INBOX", None, imaplib.Time2Internaldate((2010, 8, 1, 12, 0, 0, 0, 0, -1)), _mail(1))
    c.append("INBOX", None, imaplib.Time2Internaldate((2010, 9, 2, 12, 0, 0, 0, 0, -1)), _mail(2))
    c.logout()
    src = open_source(spec + "?since=2010-09-01")
    assert [b"<mail-2@test>" in i.raw for i in src.fetch()] == [True]
    src.close()


def _serve_once(handler) -> tuple[int, threading.Thread]:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def run() -> None:
        conn, _ = srv.accept()
        conn.settimeout(5)
        try:
            handler(conn, conn.makefile("rb"))
        except OSError:
            pass
        finally:
            conn.close()
            srv.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return port, t


def test_xoauth2_sends_the_bearer_token_in_sasl(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCAUTO_IMAP_ACCESS_TOKEN", "token-fra-entra")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    sent: list[bytes] = []

    def imap(conn, rfile):
        conn.sendall(b"* OK ready\r\n")
        while line := rfile.readline():
            tag = line.split(b" ", 1)[0]
            if b"CAPABILITY" in line:
                conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\n" + tag + b" OK done\r\n")
            elif b"AUTHENTICATE" in line:
                conn.sendall(b"+ \r\n")
                sent.append(rfile.readline().strip())
                conn.sendall(tag + b" NO [AUTHENTICATIONFAILED] test stops here\r\n")
            else:
                conn.sendall(tag + b" OK done\r\n")

    port, t = _serve_once(imap)
    src = ImapSource(f"imap://jobbank%40buf.kk.dk@127.0.0.1:{port}/INBOX?auth=xoauth2")
    with pytest.raises(PermanentMailError, match=r"afviste login.*AUTHENTICATIONFAILED"):
        list(src.fetch())
    t.join(5)
    import base64

    assert (
        base64.b64decode(sent[0])
        == b"user=jobbank@buf.kk.dk\x01auth=Bearer token-fra-entra\x01\x01"
    )


def test_receipt_by_smtp_when_configured(monkeypatch, tmp_path):
    from docauto.mail.sources import SourceItem

    monkeypatch.setenv("DOCAUTO_IMAP_PASSWORD", "x")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    got: dict[str, bytes | list] = {"rcpt": []}

    def smtp(conn, rfile):
        conn.sendall(b"220 fake ESMTP\r\n")
        while line := rfile.readline():
            cmd = line[:4].upper()
            if cmd in (b"EHLO", b"HELO"):
                conn.sendall(b"250-fake\r\n250 8BITMIME\r\n")
            elif cmd == b"RCPT":
                got["rcpt"].append(line.strip())
                conn.sendall(b"250 ok\r\n")
            elif cmd == b"DATA":
                conn.sendall(b"354 go\r\n")
                data = b""
                while (chunk := rfile.readline()) != b".\r\n":
                    data += chunk
                got["data"] = data
                conn.sendall(b"250 queued\r\n")
            elif cmd == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")

    port, t = _serve_once(smtp)
    src = ImapSource(f"imap://jobbank@127.0.0.1:1/INBOX?smtp=127.0.0.1:{port}")
    receipt = EmailMessage()
    receipt["To"] = "chef@buf.kk.dk"
    receipt["Subject"] = "Kvittering"
    receipt.set_content("Tak for din mail")
    src.reply(SourceItem("1:1", _mail(1, From="chef@buf.kk.dk"), "imap:INBOX/1"), receipt)
    t.join(5)
    assert [r.upper() for r in got["rcpt"]] == [b"RCPT TO:<CHEF@BUF.KK.DK>"]
    assert b"Tak for din mail" in got["data"] and b"From: jobbank" in got["data"]


def test_servers_without_move_get_copy_delete_expunge(account):
    server, user, password, spec = account
    _append(server, user, password, 1, 2)
    src = open_source(spec)
    items = list(src.fetch())
    src._caps.discard("MOVE")  # as an older server would announce
    src.done(items[0], "rejected")
    src.close()
    assert _subjects(server, user, password, "INBOX") == ["<mail-2@test>"]
    assert _subjects(server, user, password, "docauto/Afvist") == ["<mail-1@test>"]


@pytest.fixture
def tls_account(dovecot_tls_server, monkeypatch, tmp_path):
    server = dovecot_tls_server
    user, password = server.new_account()
    monkeypatch.setenv("DOCAUTO_IMAP_PASSWORD", password)
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    import ssl

    ctx = ssl.create_default_context(cafile=str(server.cert))
    c = imaplib.IMAP4_SSL("localhost", server.tls_port, ssl_context=ctx)
    c.login(user, password)
    c.append("INBOX", None, None, _mail(1))
    c.logout()
    return server, user


@pytest.mark.parametrize("scheme", ["imaps", "imap"])
def test_tls_and_starttls_against_a_server_that_requires_tls(tls_account, monkeypatch, scheme):
    """Dovecot here has ssl = required: a login succeeds only over TLS, so a mail fetched
    proves the connection was encrypted (implicit TLS, or the STARTTLS upgrade)."""
    server, user = tls_account
    # The test CA is in no trust store but the one installed here: the OS store that
    # truststore reads (OpenSSL's default file on Linux, SSL_CERT_FILE).
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
    monkeypatch.setenv("SSL_CERT_DIR", str(server.root / "tls"))
    port = server.tls_port if scheme == "imaps" else server.port
    src = open_source(f"{scheme}://{user}@localhost:{port}/INBOX")
    (item,) = list(src.fetch())
    src.done(item, "registered")
    src.close()
    assert b"<mail-1@test>" in item.raw


def test_untrusted_certificate_is_an_error_not_a_retry(tls_account, monkeypatch, tmp_path):
    server, user = tls_account
    empty = tmp_path / "no-ca.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    src = open_source(f"imaps://{user}@localhost:{server.tls_port}/INBOX")
    with pytest.raises(PermanentMailError, match="TLS-certifikatet for localhost") as info:
        list(src.fetch())
    # The verification problem itself, as OpenSSL words it, for IT.
    assert "unable to get local issuer certificate" in info.value.message


def test_tls_goes_through_truststore():
    import truststore

    from docauto.mail.sources.tls import ssl_context

    assert isinstance(ssl_context(), truststore.SSLContext)


def test_a_user_whose_acl_forbids_moving_stops_the_run_with_the_servers_words(
    no_move_account, monkeypatch, tmp_path
):
    """IMAP NO on MOVE: exit 1 with Dovecot's own message, not a log line per mail."""
    from click.testing import CliRunner
    from conftest_registry import HR, NORD, XLSX, mail, xlsx_form

    from docauto.cli import cli

    server, user, password = no_move_account
    c = _client(server, user, password)
    form = xlsx_form(
        ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"],
        [["Nord", "K01", "Mette Kjær", "mette@buf.test.dk", "Institutionsleder", "Anemonen"]],
    )
    raw = mail(
        "Klyngeleder - Registrering af ansøgningerne",
        NORD,
        [("skema.xlsx", XLSX, form)],
        message_id="<acl-1@x>",
    )
    c.append("INBOX", None, None, raw)
    c.logout()
    monkeypatch.setenv("DOCAUTO_IMAP_PASSWORD", password)
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    structure = tmp_path / "struktur.yaml"
    import yaml
    from conftest_registry import STRUCTURE

    structure.write_text(yaml.safe_dump(STRUCTURE, allow_unicode=True), encoding="utf-8")
    registry = tmp_path / "hr" / "register.xlsx"
    registry.parent.mkdir()
    runner = CliRunner()
    made = runner.invoke(
        cli, ["registry", "init", "--structure", str(structure), "--registry", str(registry)]
    )
    assert made.exit_code == 0, made.output
    spec = f"imap://{user}@{server.host}:{server.port}/INBOX"
    args = ["--source", spec, "--structure", str(structure), "--registry", str(registry)]
    result = runner.invoke(cli, ["mail", "ingest", *args, "--hr-address", HR])
    assert result.exit_code == 1, result.output
    assert "afviste MOVE" in result.output and "NOPERM" in result.output
    # The registry has the mail (it was saved before the move); nothing is lost.
    from conftest_registry import inbox_by_id

    assert inbox_by_id(registry)["<acl-1@x>"]["Status"] == "Registreret"
    # Watch mode stops on it too instead of retrying forever.
    watched = runner.invoke(cli, ["mail", "watch", *args, "--interval", "1", "--max-runs", "3"])
    assert watched.exit_code == 1, watched.output
    assert "NOPERM" in watched.output


@pytest.mark.live
@pytest.mark.skipif(
    not os.environ.get("DOCAUTO_LIVE_IMAP_SPEC"),
    reason="set DOCAUTO_LIVE_IMAP_SPEC (e.g. imaps://user@host/INBOX) and its credentials to run",
)
def test_live_imap_mailbox_reads_without_moving(tmp_path, monkeypatch):
    """Reads the first mail of a real mailbox over TLS; moves nothing."""
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    src = open_source(os.environ["DOCAUTO_LIVE_IMAP_SPEC"])
    try:
        item = next(iter(src.fetch()), None)
        if item is not None:
            assert b"\n" in item.raw
    finally:
        src.close()
