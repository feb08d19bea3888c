"""Receipts (Danish replies) and the helpers of the live sources: retry timing, secrets,
token-cache protection."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from docauto.errors import ConfigError, Location, Problem
from docauto.mail import credentials
from docauto.mail.receipts import build_receipt, receipt_allowed
from docauto.mail.sources.retry import (
    Backoff,
    TransientMailError,
    call_with_retries,
    parse_retry_after,
)
from docauto.mail.state import SourceState, state_path_for


@dataclass
class Mail:
    message_id: str = "<abc-1@buf.kk.dk>"
    subject: str = "Klyngeleder – Registrering af ansøgningerne"
    sender: str = "chef.oest@buf.kk.dk"
    sender_name: str = "Områdechef Øst"
    date: datetime | None = datetime(2010, 10, 14, 9, 5, tzinfo=UTC)
    raw: bytes = (
        b"From: chef.oest@buf.kk.dk\r\nTo: Jobbank <jobbank@buf.kk.dk>\r\n"
        b"References: <tidligere@buf.kk.dk>\r\n\r\nhej"
    )
    attachments: list = field(default_factory=list)


def test_registered_receipt_lists_rows_per_position_and_threads():
    msg = build_receipt(
        Mail(),
        "registered",
        {"counts": {"Klyngeleder": 3, "Pædagogisk leder": 1}},
        from_address="jobbank@buf.kk.dk",
    )
    body = msg.get_content()
    assert msg["Subject"] == "SV: Klyngeleder – Registrering af ansøgningerne"
    assert msg["To"] == "Områdechef Øst <chef.oest@buf.kk.dk>"
    assert msg["From"].addresses[0].addr_spec == "jobbank@buf.kk.dk"
    assert msg["X-Unsent"] == "1"
    assert msg["Date"].datetime is not None
    assert msg["In-Reply-To"] == "<abc-1@buf.kk.dk>"
    assert msg["References"] == "<tidligere@buf.kk.dk> <abc-1@buf.kk.dk>"
    assert msg["Auto-Submitted"] == "auto-replied"
    assert body.startswith("Kære Områdechef Øst,")
    assert "modtaget 14.10.2010 kl. 09.05" in body
    assert "- Klyngeleder: 3 rækker" in body
    assert "- Pædagogisk leder: 1 række" in body
    assert "I alt: 4 rækker." in body
    assert "ikke registreret" not in body


def test_rejected_receipt_says_why_once_and_lists_every_problem():
    problems = [
        Problem(
            Location("ansøgere.xlsx", "Registrering", 4, "Klynge"),
            "ukendt klynge 'Klynge Nye Vesterbro'",
        ),
        Problem(Location("ansøgere.xlsx", "Registrering", 7, "E-mail"), "ugyldig e-mailadresse"),
    ]
    reason = "Skemaet kunne ikke registreres: " + "; ".join(str(p) for p in problems)
    details = {"reason": reason, "headline": "Skemaet kunne ikke registreres", "problems": problems}
    body = build_receipt(Mail(), "rejected", details).get_content()
    assert "kunne ikke registreres" not in body  # no "... registreres: Skemaet kunne ikke ..."
    assert "Intet i mailen er registreret, fordi der er fejl i de vedhæftede filer:" in body
    assert (
        "- ansøgere.xlsx, ark 'Registrering', række 4, kolonne 'Klynge': ukendt klynge 'Klynge Nye Vesterbro'"
        in body
    )
    assert "række 7, kolonne 'E-mail': ugyldig e-mailadresse" in body
    assert body.count("ukendt klynge") == 1
    # The mailbox to resend to is the plan's, the one the forms and reminders name.
    from docauto.recruitment.timeline import load_timeline

    assert f"send hele skemaet igen til {load_timeline().mailbox} med samme emne" in body


def test_receipt_text_fits_the_case():
    """HR handles a senior application by hand: "received", no "I alt: 0 rækker"; a mail that
    is not a submission is not told to fix and resend."""
    received = build_receipt(Mail(), "registered", {"text": "received"}).get_content()
    assert "HR-gruppen behandler den" in received
    assert "I alt" not in received and "0 rækker" not in received
    other = build_receipt(
        Mail(subject="Spørgsmål om frister"),
        "rejected",
        {"reason": "Emnet kunne ikke genkendes", "text": "not_submission"},
    ).get_content()
    assert "ikke en indberetning" in other
    assert "Ret venligst" not in other and "send hele skemaet igen" not in other


def test_receipt_from_is_the_one_configured_mailbox(tmp_path, monkeypatch):
    """Forms, reminders and receipts read one setting: mailbox in the recruitment plan."""
    import shutil

    from docauto.recruitment.timeline import load_timeline
    from docauto.resources import mapping_path

    folder = tmp_path / "mappings"
    shutil.copytree(mapping_path("rekrutteringsplan.yaml").parent, folder)
    plan = folder / "rekrutteringsplan.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            f"mailbox: {load_timeline().mailbox}", "mailbox: rekruttering@buf.example.dk"
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("DOCAUTO_MAPPINGS", str(folder))
    assert load_timeline().mailbox == "rekruttering@buf.example.dk"
    msg = build_receipt(Mail(), "rejected", {"reason": "Der er intet skema vedhæftet"})
    assert msg["From"].addresses[0].addr_spec == "rekruttering@buf.example.dk"
    assert "send hele skemaet igen til rekruttering@buf.example.dk" in msg.get_content()


@pytest.mark.parametrize(
    "outcome, phrase",
    [
        ("duplicate", "allerede registreret"),
        ("pending", "bliver skrevet ind ved næste kørsel"),
    ],
)
def test_other_outcomes(outcome, phrase):
    assert phrase in build_receipt(Mail(), outcome, {"rows": 2}).get_content()


def test_receipt_wording_is_hr_data(tmp_path, monkeypatch):
    from docauto.mail import receipts

    folder = tmp_path / "templates" / "tekster"
    folder.mkdir(parents=True)
    folder.joinpath("kvittering.yaml").write_text(
        "emne_praefiks: 'Modtaget: '\nregistered: 'Tak, {{ i_alt }} rækker.'\nduplicate: x\npending: x\nrejected: x\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DOCAUTO_TEMPLATES", str(tmp_path / "templates"))
    receipts._texts.cache_clear()
    try:
        msg = build_receipt(Mail(), "registered", {"counts": {"Klyngeleder": 2}})
    finally:
        receipts._texts.cache_clear()
    assert msg["Subject"].startswith("Modtaget: ")
    assert "Tak, 2 rækker." in msg.get_content()


@pytest.mark.parametrize(
    "raw, allowed",
    [
        (b"From: chef@buf.kk.dk\r\n\r\nx", True),
        (b"From: chef@buf.kk.dk\r\nAuto-Submitted: auto-replied\r\n\r\nx", False),
        (b"From: chef@buf.kk.dk\r\nAuto-Submitted: no\r\n\r\nx", True),
        (b"From: MAILER-DAEMON@buf.kk.dk\r\n\r\nx", False),
        (b"From: chef@buf.kk.dk\r\nPrecedence: bulk\r\n\r\nx", False),
        (b"From: nyhedsbrev@buf.kk.dk\r\nList-Id: <nyt.buf.kk.dk>\r\n\r\nx", False),
        (b"From: ikke en adresse\r\n\r\nx", False),
        (b"From: chef@buf.kk.dk <evil@evil.invalid>\r\n\r\nx", False),
        (b"From: chef@buf.kk.dk, evil@evil.invalid\r\n\r\nx", False),
        (b"From: chef@buf.kk.dk\r\nFrom: evil@evil.invalid\r\n\r\nx", False),
    ],
)
def test_receipt_allowed(raw, allowed):
    assert receipt_allowed(raw) is allowed


def test_retry_after_seconds_and_http_date():
    assert parse_retry_after("7") == 7
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = 1_700_000_000.0
    # 1_700_000_000 is 22:13:20 UTC; the date a minute later means "wait 60 s".
    assert parse_retry_after("Tue, 14 Nov 2023 22:14:20 GMT", now=now) == pytest.approx(60, abs=1)


def test_backoff_grows_with_jitter_and_is_capped():
    values = iter([0.0, 1.0, 0.5, 1.0, 1.0])
    b = Backoff(base=2, cap=10, rng=lambda: next(values))
    assert [b.next_delay(), b.next_delay(), b.next_delay(), b.next_delay()] == [1.0, 4.0, 6.0, 10.0]
    assert b.next_delay(retry_after=60) == 10  # the cap wins over an absurd Retry-After
    b.reset()
    assert b.failures == 0


def test_call_with_retries_waits_short_and_hands_long_waits_up():
    calls, slept = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise TransientMailError("busy", retry_after=2)
        return "ok"

    assert call_with_retries(flaky, sleep=slept.append) == "ok"
    assert len(slept) == 2 and all(s >= 2 for s in slept)
    with pytest.raises(TransientMailError):
        call_with_retries(
            lambda: (_ for _ in ()).throw(TransientMailError("x", retry_after=3600)),
            sleep=slept.append,
        )


def test_secret_from_environment_then_missing(monkeypatch):
    monkeypatch.setenv("DOCAUTO_IMAP_PASSWORD", "s3cret")
    assert credentials.get_secret("imap-password") == "s3cret"
    monkeypatch.delenv("DOCAUTO_IMAP_PASSWORD")
    monkeypatch.setattr(credentials, "_from_keyring", lambda name, account: None)
    with pytest.raises(ConfigError, match="DOCAUTO_IMAP_PASSWORD"):
        credentials.get_secret("imap-password")


def test_secret_from_keyring(monkeypatch):
    monkeypatch.delenv("DOCAUTO_EWS_PASSWORD", raising=False)
    store = {("docauto", "ews-password:svc@mail"): "from-keyring"}

    class FakeKeyring:
        @staticmethod
        def get_password(service, user):
            return store.get((service, user))

    monkeypatch.setitem(__import__("sys").modules, "keyring", FakeKeyring)
    assert credentials.get_secret("ews-password", account="svc@mail") == "from-keyring"


def test_certificate_inside_the_repository_or_readable_by_others_is_refused(tmp_path, monkeypatch):
    repo_file = Path(credentials.__file__).resolve().parent / "no-such-cert.pem"
    with pytest.raises(ConfigError, match="findes ikke"):
        credentials.check_private_file(repo_file, what="certificate")
    registry_dir = tmp_path / "HR"
    registry_dir.mkdir()
    cert = registry_dir / "app.pem"
    cert.write_text("x")
    os.chmod(cert, 0o600)
    with pytest.raises(ConfigError, match="må ikke ligge i"):
        credentials.check_private_file(cert, what="certificate", forbidden=[registry_dir])
    private = tmp_path / "private" / "app.pem"
    private.parent.mkdir()
    private.write_text("x")
    if os.name == "posix":
        os.chmod(private, 0o644)
        with pytest.raises(ConfigError, match="kan læses af andre brugere"):
            credentials.check_private_file(private, what="certificate")
        os.chmod(private, 0o600)
    assert credentials.check_private_file(private, what="certificate") == private


def test_token_cache_written_private(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCAUTO_CACHE_DIR", str(tmp_path / "cache"))
    path = credentials.token_cache_path("msal-test")
    credentials.write_token_cache(path, '{"AccessToken": {}}')
    assert credentials.read_token_cache(path) == '{"AccessToken": {}}'
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_state_file_round_trip_and_names_without_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCAUTO_STATE_DIR", str(tmp_path))
    p = state_path_for("imaps://jobbank@mail.example/INBOX?auth=xoauth2")
    assert p.parent == tmp_path and "xoauth2" not in p.name
    assert p == state_path_for("imaps://jobbank@mail.example/INBOX?done=Andet")
    s = SourceState(p)
    s.set("done", {"17": "docauto/Afvist"})
    s.save()
    assert SourceState(p).get("done") == {"17": "docauto/Afvist"}
    p.write_text("{broken")
    from docauto.errors import MailError

    with pytest.raises(MailError, match="kan ikke læses"):
        SourceState(p)


def test_demo_step_writes_danish_receipts(tmp_path):
    from email import message_from_bytes
    from email.policy import default

    from docauto.demo.municipality import DemoContext, demo_structure_path
    from docauto.demo.receipts import run_demo
    from docauto.resources import data_dir
    from docauto.structure.model import load_structure

    ctx = DemoContext(
        out_dir=tmp_path,
        structure=load_structure(demo_structure_path()),
        structure_path=demo_structure_path(),
    )
    lines = run_demo(ctx)
    drafts = sorted((tmp_path / "hr" / "kvitteringer").glob("*.eml"))
    mails = list((data_dir() / "demo" / "indbakke").glob("*.eml"))
    assert drafts and len(drafts) <= len(mails)
    assert lines == [
        f"{len(drafts)} receipts (Danish replies to the senders) as .eml drafts in "
        f"{tmp_path / 'hr' / 'kvitteringer'}"
    ]
    from docauto.recruitment.timeline import load_timeline

    mailbox = load_timeline().mailbox
    unknown = next(d for d in drafts if "ukendt-klynge" in d.name)
    msg = message_from_bytes(unknown.read_bytes(), policy=default)
    assert msg["Subject"].startswith("SV: ")
    assert "ukendt klynge" in msg.get_content()
    for draft in drafts:  # every receipt opens in Outlook as a draft ready to send
        m = message_from_bytes(draft.read_bytes(), policy=default)
        assert m["X-Unsent"] == "1"
        assert m["From"].addresses[0].addr_spec == mailbox
        assert "@" in m["To"].addresses[0].addr_spec
        assert m["Date"] is not None
        assert "kunne ikke registreres: Skemaet" not in m.get_content()
    names = {d.name.split("-", 2)[-1] for d in drafts}
    # No receipt to an unauthorised or forged sender (the Indbakke says why).
    assert not any("uautoriseret-afsender" in n or "forfalsket-afsender" in n for n in names)
    by_slug = {d.name: d for d in drafts}
    senior = next(v for k, v in by_slug.items() if "seniorordning" in k)
    text = message_from_bytes(senior.read_bytes(), policy=default).get_content()
    assert "HR-gruppen behandler den" in text and "I alt" not in text
    other = next(v for k, v in by_slug.items() if "andet-emne" in k)
    text = message_from_bytes(other.read_bytes(), policy=default).get_content()
    assert "ikke en indberetning" in text and "Ret venligst" not in text
