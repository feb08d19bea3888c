"""Watch mode: mail arriving while it runs is ingested once; a stop (signal, or kill) in the
middle of a batch leaves the registry consistent and a restart registers each mail once.
Runs against the real Dovecot of tests/conftest_dovecot.py and the demo mailbox."""

from __future__ import annotations

import collections
import imaplib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docauto.cli import cli
from docauto.mail.ingest import ingest
from docauto.mail.sources import open_source
from docauto.mail.sources.retry import Backoff, TransientMailError
from docauto.mail.watch import StopRequest, watch_loop
from docauto.registry.files import RegistryFiles
from docauto.resources import data_dir
from docauto.structure.model import load_structure

DEMO = data_dir() / "demo"
MAILS = sorted((DEMO / "indbakke").glob("*.eml"))


def _message_id(raw: bytes) -> str:
    from email.parser import BytesHeaderParser

    return BytesHeaderParser().parsebytes(raw)["Message-ID"].strip()


def _inbox_ids(registry: Path) -> list[str]:
    wb = openpyxl.load_workbook(registry, read_only=True)
    rows = list(wb["Indbakke"].iter_rows(values_only=True))
    wb.close()
    col = rows[0].index("Message-ID")
    return [r[col] for r in rows[1:] if r and r[col]]


def _registry(tmp_path: Path) -> Path:
    reg = tmp_path / "register.xlsx"
    result = CliRunner().invoke(
        cli,
        ["registry", "init", "--structure", str(DEMO / "struktur.yaml"), "--registry", str(reg)],
    )
    assert result.exit_code == 0, result.output
    return reg


def _append(server, user, password, paths) -> None:
    c = imaplib.IMAP4(server.host, server.port)
    c.login(user, password)
    for p in paths:
        c.append("INBOX", None, None, p.read_bytes())
    c.logout()


def _count(server, user, password, folder="INBOX") -> int:
    c = imaplib.IMAP4(server.host, server.port)
    c.login(user, password)
    typ, data = c.select(f'"{folder}"', readonly=True)
    c.logout()
    return int(data[0]) if typ == "OK" else 0


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def mailbox(imap_account, monkeypatch, tmp_path):
    server, user, password = imap_account
    monkeypatch.setenv("DOCAUTO_IMAP_PASSWORD", password)
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    return server, user, password, f"imap://{user}@{server.host}:{server.port}/INBOX"


def _watch_process(spec: str, registry: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docauto",
            "mail",
            "watch",
            "--source",
            spec,
            "--structure",
            str(DEMO / "struktur.yaml"),
            "--registry",
            str(registry),
            "--json",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )


@pytest.mark.dovecot
@pytest.mark.slow
def test_mail_arriving_while_watching_is_ingested_once(mailbox, tmp_path):
    server, user, password, spec = mailbox
    registry = _registry(tmp_path)
    proc = _watch_process(spec, registry, "--interval", "1", "--verbose")
    try:
        _append(server, user, password, MAILS[:10])
        _wait_for(lambda: _count(server, user, password) == 0, "the first mails to be handled")
        _append(server, user, password, MAILS[10:20])
        _wait_for(lambda: _count(server, user, password) == 0, "the mails that came later")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    polls = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
    assert sum(p["seen"] for p in polls) == 20  # no mail was read twice
    ids = _inbox_ids(registry)
    assert sorted(ids) == sorted(_message_id(p.read_bytes()) for p in MAILS[:20])
    assert (
        _count(server, user, password, "docauto/Registreret")
        + _count(server, user, password, "docauto/Afvist")
        == 20
    )
    # The log (verbose: one line per mail) carries no personal data: no sender's address.
    from email.utils import parseaddr

    log = err.decode()
    assert "INFO docauto.mail.watch: kørsel 1: " in log and " mails læst: " in log  # Danish
    senders = {
        parseaddr(line.split(":", 1)[1])[1]
        for p in MAILS[:20]
        for line in p.read_text(errors="replace").splitlines()
        if line.startswith("From:")
    }
    assert senders and not [s for s in senders if s in log]


@pytest.mark.dovecot
def test_stop_in_the_middle_of_a_batch_then_restart(mailbox, tmp_path):
    server, user, password, spec = mailbox
    registry = _registry(tmp_path)
    structure = load_structure(DEMO / "struktur.yaml")
    _append(server, user, password, MAILS)
    stop = StopRequest()
    handled = []

    def run_once(source, should_stop):
        def on_mail(parsed, outcome):
            handled.append(parsed.message_id)
            if len(handled) == 5:
                stop.set("SIGTERM")  # what the signal handler does, mid-batch

        return ingest(source, structure, registry, should_stop=should_stop, on_mail=on_mail)

    totals = watch_loop(lambda: open_source(spec), run_once, interval=1, stop=stop)
    assert totals.stopped_by == "SIGTERM" and totals.counts["seen"] == 5
    # Consistent: the five handled mails are in the registry and moved, the rest untouched.
    assert _inbox_ids(registry) == handled
    assert _count(server, user, password) == len(MAILS) - 5

    again = watch_loop(
        lambda: open_source(spec),
        lambda s, stop_: ingest(s, structure, registry, should_stop=stop_),
        interval=1,
        stop=StopRequest(),
        max_polls=1,
    )
    assert again.counts["seen"] == len(MAILS) - 5
    ids = _inbox_ids(registry)
    assert len(ids) == len(set(ids)) == len(MAILS)
    assert _count(server, user, password) == 0


@pytest.mark.dovecot
@pytest.mark.slow
def test_killed_mid_batch_then_restarted_registers_each_mail_once(mailbox, tmp_path):
    """SIGKILL lands wherever it lands; whatever the moment, the restart must end with every
    mail registered exactly once."""
    server, user, password, spec = mailbox
    registry = _registry(tmp_path)
    _append(server, user, password, MAILS)
    proc = _watch_process(spec, registry, "--interval", "1")
    time.sleep(1.5)
    proc.kill()
    proc.communicate(timeout=30)
    ids_after_kill = _inbox_ids(registry)
    assert len(ids_after_kill) == len(set(ids_after_kill))

    proc = _watch_process(spec, registry, "--max-runs", "1")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    ids = _inbox_ids(registry)
    counts = collections.Counter(ids)
    assert sorted(counts) == sorted(_message_id(p.read_bytes()) for p in MAILS)
    assert max(counts.values()) == 1
    assert _count(server, user, password) == 0


@pytest.mark.dovecot
def test_receipts_are_drafted_in_danish_for_new_mail(mailbox, tmp_path):
    server, user, password, spec = mailbox
    registry = _registry(tmp_path)
    # Named by what they are, not by number: the demo mailbox grows.
    chosen = [
        p
        for p in MAILS
        if p.name.endswith(
            ("-klyngeleder-ansoegere-1.eml", "-uautoriseret-afsender.eml", "-andet-emne.eml")
        )
    ]
    assert len(chosen) == 3
    _append(server, user, password, chosen)
    result = CliRunner().invoke(
        cli,
        [
            "mail",
            "watch",
            "--source",
            spec,
            "--structure",
            str(DEMO / "struktur.yaml"),
            "--registry",
            str(registry),
            "--receipts",
            "--max-runs",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    c = imaplib.IMAP4(server.host, server.port)
    c.login(user, password)
    c.select('"docauto/Kvitteringer"', readonly=True)
    _, data = c.uid("SEARCH", None, "ALL")
    drafts = []
    for uid in data[0].split():
        _, parts = c.uid("FETCH", uid, "(BODY.PEEK[])")
        from email import message_from_bytes
        from email.policy import default

        drafts.append(message_from_bytes(parts[0][1], policy=default))
    c.logout()
    originals = {_message_id(p.read_bytes()): p.name for p in chosen}
    by_reply = {d["In-Reply-To"]: d for d in drafts}
    # uautoriseret-afsender comes from an unknown sender: no receipt (no backscatter, issue 12).
    assert set(by_reply) == {
        k for k, v in originals.items() if not v.endswith("-uautoriseret-afsender.eml")
    }
    registered = by_reply[
        next(k for k, v in originals.items() if v.endswith("-klyngeleder-ansoegere-1.eml"))
    ]
    assert "Følgende er registreret" in registered.get_content()
    rejected = by_reply[next(k for k, v in originals.items() if v.endswith("-andet-emne.eml"))]
    # Not a submission at all: no "fix and resend".
    assert "ikke en indberetning" in rejected.get_content()
    assert "Ret venligst" not in rejected.get_content()
    assert rejected["X-Unsent"] == "1" and rejected["Subject"].startswith("SV: ")
    assert rejected["Auto-Submitted"] == "auto-replied"


class _FakeSource:
    def __init__(self, log):
        self.log = log
        log.append("open")

    def close(self):
        self.log.append("close")


class _Summary:
    def __init__(self, seen=0):
        self.seen, self.registered, self.duplicates = seen, seen, 0
        self.rejected = self.pending = self.rows = 0


class _RecordingStop(StopRequest):
    def __init__(self):
        super().__init__()
        self.waits = []

    def wait(self, seconds):
        self.waits.append(seconds)
        return False


def test_transient_errors_back_off_reopen_and_honour_retry_after():
    log, outcomes = (
        [],
        [
            TransientMailError("reset"),
            TransientMailError("429", retry_after=30),
            OSError("unreachable"),
            _Summary(2),
            _Summary(0),
        ],
    )

    def run_once(source, should_stop):
        result = outcomes.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    stop = _RecordingStop()
    totals = watch_loop(
        lambda: _FakeSource(log),
        run_once,
        interval=60,
        stop=stop,
        max_polls=5,
        backoff=Backoff(base=2, cap=900, rng=lambda: 1.0),
    )
    assert totals.failures == 3 and totals.counts["seen"] == 2
    assert stop.waits == [2, 30, 8, 60]  # 2, max(4, Retry-After 30), 8; then the interval again
    assert log == ["open", "close", "open", "close", "open", "close", "open", "close"]


def test_a_permanent_error_ends_the_loop_and_closes_the_source():
    from docauto.errors import MailError

    log = []

    def run_once(source, should_stop):
        raise MailError("IMAP login refused")

    with pytest.raises(MailError):
        watch_loop(lambda: _FakeSource(log), run_once, interval=1, stop=_RecordingStop())
    assert log == ["open", "close"]


@pytest.mark.skipif(
    not hasattr(signal, "SIGTERM") or os.name == "nt", reason="POSIX signal delivery"
)
def test_sigterm_stops_the_command_cleanly(tmp_path, monkeypatch):
    """SIGTERM after a second lands while the command starts, during the first poll or in the
    wait after it (the handlers are in place from the start); either way the command saves
    what it handled, exits 0, restores the handlers, and a second run completes the mailbox
    with no mail registered twice."""
    registry = _registry(tmp_path)
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    args = [
        "mail",
        "watch",
        "--source",
        f"dir:{DEMO / 'indbakke'}",
        "--structure",
        str(DEMO / "struktur.yaml"),
        "--registry",
        str(registry),
    ]
    before = signal.getsignal(signal.SIGTERM)
    done = threading.Event()

    def terminate_once_handled() -> None:
        # Send SIGTERM once the command's handler is in place (a fixed pause is not enough on
        # a loaded machine), then a second later, during the first poll or the wait after it.
        deadline = time.monotonic() + 60
        while signal.getsignal(signal.SIGTERM) == before and time.monotonic() < deadline:
            if done.wait(0.01):
                return
        if not done.wait(1.0):
            os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_once_handled, daemon=True)
    killer.start()
    try:
        result = CliRunner().invoke(cli, [*args, "--interval", "3600"])
    finally:
        done.set()
        killer.join()
    assert result.exit_code == 0, result.output
    assert "stoppet af SIGTERM" in result.output
    assert signal.getsignal(signal.SIGTERM) == before  # handlers restored
    first = _inbox_ids(registry)
    assert len(first) == len(set(first))  # empty when it landed before the first poll

    result = CliRunner().invoke(cli, [*args, "--max-runs", "1"])
    assert result.exit_code == 0, result.output
    ids = _inbox_ids(registry)
    assert len(ids) == len(set(ids)) == len({_message_id(p.read_bytes()) for p in MAILS})


@pytest.mark.dovecot
def test_registry_open_in_excel_mail_waits_in_the_journal_and_is_not_lost(mailbox, tmp_path):
    """While Excel holds the registry, accepted mail is journalled and moved out of INBOX; the
    next poll after Excel closes writes it, once."""
    from docauto.output import owner_file

    server, user, password, spec = mailbox
    registry = _registry(tmp_path)
    chosen = [
        p
        for p in MAILS
        if p.name.endswith(("-klyngeleder-ansoegere-1.eml", "-klyngeleder-ansoegere-2.eml"))
    ]
    _append(server, user, password, chosen)
    owner = owner_file(registry)
    owner.write_bytes(b"HR-medarbejder")
    args = [
        "mail",
        "watch",
        "--source",
        spec,
        "--structure",
        str(DEMO / "struktur.yaml"),
        "--registry",
        str(registry),
        "--max-runs",
        "1",
        "--json",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[0])["pending"] == 2
    assert _inbox_ids(registry) == []
    assert _count(server, user, password) == 0  # safely journalled, so moved on the server

    owner.unlink()
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[0])["seen"] == 0
    assert sorted(_inbox_ids(registry)) == sorted(_message_id(p.read_bytes()) for p in chosen)


def test_a_certificate_beside_the_registry_stops_watch_with_a_reason(tmp_path, monkeypatch):
    registry = _registry(tmp_path)
    cert = registry.parent / "jobbank.pem"
    cert.write_text("-----BEGIN PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n")
    os.chmod(cert, 0o600)
    monkeypatch.delenv("DOCAUTO_GRAPH_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("DOCAUTO_GRAPH_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("DOCAUTO_GRAPH_CERT_PATH", str(cert))
    monkeypatch.setenv("DOCAUTO_GRAPH_TENANT_ID", "t")
    monkeypatch.setenv("DOCAUTO_GRAPH_CLIENT_ID", "c")
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("DOCAUTO_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(
        cli,
        [
            "mail",
            "watch",
            "--source",
            "graph:jobbank@buf.kk.dk",
            "--structure",
            str(DEMO / "struktur.yaml"),
            "--registry",
            str(registry),
            "--interval",
            "1",
        ],
    )
    assert (
        result.exit_code == 2
    )  # a configuration that puts a secret beside the registry is a wrong invocation
    assert "må ikke ligge i" in result.output and str(registry.parent) in result.output


def _folder_ids(server, user, password, folder) -> set[str]:
    c = imaplib.IMAP4(server.host, server.port)
    c.login(user, password)
    typ, _ = c.select(f'"{folder}"', readonly=True)
    ids: set[str] = set()
    if typ == "OK":
        _, data = c.uid("SEARCH", None, "ALL")
        for uid in (data[0] or b"").split():
            _, parts = c.uid("FETCH", uid, "(BODY.PEEK[HEADER])")
            ids.add(_message_id(parts[0][1]))
    c.logout()
    return ids


@pytest.mark.dovecot
@pytest.mark.slow
def test_sigterm_mid_batch_leaves_registry_and_mailbox_agreeing(mailbox, tmp_path):
    """Whenever SIGTERM lands, what the registry holds is exactly what left the INBOX."""
    server, user, password, spec = mailbox
    registry = _registry(tmp_path)
    _append(server, user, password, MAILS)
    proc = _watch_process(spec, registry, "--interval", "1")
    # Land the signal mid-batch: once the run holds the registry's lock (its signal handlers
    # are in place by then), not after a fixed pause that a loaded machine may not honour.
    lock = RegistryFiles(registry).lock
    deadline = time.monotonic() + 60
    while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    registered = set(_inbox_ids(registry))
    moved = _folder_ids(server, user, password, "docauto/Registreret") | _folder_ids(
        server, user, password, "docauto/Afvist"
    )
    left = _folder_ids(server, user, password, "INBOX")
    assert registered == moved
    assert not (left & registered)
    assert len(left) + len(moved) == len(MAILS)
