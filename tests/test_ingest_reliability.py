"""Every mail once, nothing lost: duplicates, Excel holding the file, concurrent runs, crashes,
the edge-case corpus, and logs without personal data."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest_registry import HR, NORD, SYD, XLSX, inbox_by_id, mail, sheet, xlsx_form

from docauto.registry.journal import journal_path
from docauto.registry.lock import lock_path

CL_APP = ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"]
CORPUS = Path("/work/shared/corpora/mail-edge-cases")


def applicants(*names: str, area: str = "Nord", cluster: str = "Klynge Nordhavn") -> bytes:
    return xlsx_form(
        CL_APP,
        [
            [area, cluster, n, f"{n.split()[0].lower()}@buf.test.dk", "Leder", "Huset"]
            for n in names
        ],
    )


def subject() -> str:
    return "Klyngeleder – Registrering af ansøgningerne"


def test_same_message_id_twice_and_rerun_register_once(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    raw = mail(
        subject(), NORD, [("s.xlsx", XLSX, applicants("Anne Ahl", "Bo Bek"))], message_id="<once@x>"
    )
    hr_mailbox.add(raw, "first")
    hr_mailbox.add(raw, "copy")  # the same file saved twice
    first = hr_ingest()
    assert first == {
        "seen": 2,
        "registered": 1,
        "duplicates": 1,
        "rejected": 0,
        "pending": 0,
        "rows": 2,
    }
    second = hr_ingest()
    assert second == {
        "seen": 2,
        "registered": 0,
        "duplicates": 2,
        "rejected": 0,
        "pending": 0,
        "rows": 0,
    }
    assert len(sheet(hr_registry, "Ansøgninger")) == 2
    assert [r["Message-ID"] for r in sheet(hr_registry, "Indbakke")] == ["<once@x>"]


def test_resend_with_new_message_id_is_a_duplicate(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    form = applicants("Anne Ahl")
    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, form)], message_id="<a@x>"))
    hr_ingest()
    hr_mailbox.add(
        mail(
            "VS: " + subject(),
            NORD,
            [("kopi.xlsx", XLSX, form)],
            message_id="<b@x>",
            body="Sender den igen",
        )
    )
    summary = hr_ingest()
    assert (summary["registered"], summary["duplicates"]) == (0, 2)  # the first one seen again too
    inbox = inbox_by_id(hr_registry)
    assert inbox["<b@x>"]["Status"] == "Dublet"
    assert "<a@x>" in inbox["<b@x>"]["Bemærkning"]
    assert len(sheet(hr_registry, "Ansøgninger")) == 1
    # A corrected form (different content) is a new registration.
    hr_mailbox.add(
        mail(
            subject() + " (rettet)",
            NORD,
            [("s.xlsx", XLSX, applicants("Anne Ahl", "Cai Ceder"))],
            message_id="<c@x>",
        )
    )
    assert hr_ingest()["registered"] == 1


def test_resend_of_a_form_saved_again_is_a_duplicate(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    import io

    first = applicants("Anne Ahl", "Bo Bek")
    # The area chief opens the form and saves it again: other bytes, the same rows.
    wb = openpyxl.load_workbook(io.BytesIO(first))
    wb.properties.modified = wb.properties.modified.replace(year=2011)
    wb["Registrering"].column_dimensions["A"].width = 33
    buf = io.BytesIO()
    wb.save(buf)
    assert buf.getvalue() != first
    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, first)], message_id="<f1@x>"))
    hr_mailbox.add(
        mail("VS: " + subject(), NORD, [("s2.xlsx", XLSX, buf.getvalue())], message_id="<f2@x>")
    )
    summary = hr_ingest()
    assert (summary["registered"], summary["duplicates"], summary["rows"]) == (1, 1, 2)
    assert inbox_by_id(hr_registry)["<f2@x>"]["Status"] == "Dublet"


def test_rejected_mail_is_not_retried_as_new_on_a_rerun(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    hr_mailbox.add(mail("Hej HR", NORD, message_id="<hej@x>"))
    assert hr_ingest()["rejected"] == 1
    assert hr_ingest() == {
        "seen": 1,
        "registered": 0,
        "duplicates": 1,
        "rejected": 0,
        "pending": 0,
        "rows": 0,
    }
    assert len(sheet(hr_registry, "Indbakke")) == 1


def _owner_file(hr_registry: Path) -> Path:
    return hr_registry.with_name("~$" + hr_registry.name[2:])


def test_excel_open_journal_then_applied_once(hr_registry: Path, hr_mailbox, hr_ingest) -> None:
    hr_mailbox.add(
        mail(
            subject(),
            NORD,
            [("s.xlsx", XLSX, applicants("Anne Ahl", "Bo Bek"))],
            message_id="<p1@x>",
        )
    )
    hr_mailbox.add(mail("Hej", NORD, message_id="<p2@x>"))
    owner = _owner_file(hr_registry)
    owner.write_bytes(b"Excel")
    before = hr_registry.read_bytes()
    locked = hr_ingest()
    assert locked == {
        "seen": 2,
        "registered": 0,
        "duplicates": 0,
        "rejected": 1,
        "pending": 1,
        "rows": 0,
    }
    assert hr_registry.read_bytes() == before  # nothing written to it
    entries = [
        json.loads(line) for line in journal_path(hr_registry).read_text("utf-8").splitlines()
    ]
    assert [(e["message_id"], e["status"], e["inbox"]["Status"]) for e in entries] == [
        ("<p1@x>", "Afventer", "Afventer"),
        ("<p2@x>", "Afvist", "Afvist"),
    ]
    # Still open: the next run does not add the same mails to the journal again.
    again = hr_ingest()
    assert again["pending"] == 0 and again["duplicates"] == 2
    assert len(journal_path(hr_registry).read_text("utf-8").splitlines()) == 2

    owner.unlink()
    applied = hr_ingest()
    assert applied["registered"] == 1 and applied["rows"] == 2
    assert not journal_path(hr_registry).exists()
    inbox = inbox_by_id(hr_registry)
    assert inbox["<p1@x>"]["Status"] == "Registreret" and inbox["<p1@x>"]["Rækker"] == 2
    assert inbox["<p2@x>"]["Status"] == "Afvist"
    assert len(sheet(hr_registry, "Ansøgninger")) == 2
    final = hr_ingest()
    assert final["registered"] == 0 and final["rows"] == 0
    assert len(sheet(hr_registry, "Ansøgninger")) == 2
    assert len(sheet(hr_registry, "Indbakke")) == 2


def test_another_run_holding_the_lock_means_journal(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, applicants("Anne Ahl"))]))
    import socket

    lock = lock_path(hr_registry)
    # A live process (this one) holds it.
    lock.write_text(
        json.dumps({"host": socket.gethostname(), "pid": os.getpid()}), encoding="utf-8"
    )
    assert hr_ingest()["pending"] == 1
    assert sheet(hr_registry, "Ansøgninger") == []
    lock.unlink()
    assert hr_ingest()["registered"] == 1
    assert len(sheet(hr_registry, "Ansøgninger")) == 1


def test_a_stale_lock_of_a_dead_process_is_taken_over(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    import socket

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    lock_path(hr_registry).write_text(
        json.dumps({"host": socket.gethostname(), "pid": proc.pid}), encoding="utf-8"
    )
    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, applicants("Anne Ahl"))]))
    assert hr_ingest()["registered"] == 1
    assert not lock_path(hr_registry).exists()


def _big_batch(hr_mailbox, n: int) -> None:
    for i in range(n):
        who = NORD if i % 2 == 0 else SYD
        area, cluster = ("Nord", "Klynge Nordhavn") if i % 2 == 0 else ("Syd", "Klynge Sydhavn")
        hr_mailbox.add(
            mail(
                subject(),
                who,
                [
                    (
                        "s.xlsx",
                        XLSX,
                        applicants(f"Person{i} A", f"Person{i} B", area=area, cluster=cluster),
                    )
                ],
                message_id=f"<big{i}@x>",
            )
        )


def test_killed_during_save_leaves_old_registry_and_rerun_is_complete(
    hr_registry: Path, hr_mailbox, hr_structure_file: Path, tmp_path: Path
) -> None:
    n = 60
    _big_batch(hr_mailbox, n)
    marker = tmp_path / "paused"
    before = hr_registry.read_bytes()
    env = {**os.environ, "DOCAUTO_TEST_PAUSE_BEFORE_REPLACE": str(marker)}
    cmd = [
        sys.executable,
        "-m",
        "docauto",
        "mail",
        "ingest",
        "--source",
        hr_mailbox.spec,
        "--structure",
        str(hr_structure_file),
        "--registry",
        str(hr_registry),
        "--json",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run never reached the save"
            time.sleep(0.05)
        proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
    finally:
        proc.wait(timeout=30)
    assert hr_registry.read_bytes() == before  # the old registry, whole
    openpyxl.load_workbook(hr_registry)
    # Re-run without the hook: everything registered exactly once.
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["registered"] == n and summary["rows"] == 2 * n
    rows = sheet(hr_registry, "Ansøgninger")
    assert len(rows) == 2 * n
    assert len({(r["Ansøger"], r["Kilde"]) for r in rows}) == 2 * n
    assert len(sheet(hr_registry, "Indbakke")) == n
    _no_leftovers_and_memory_complete(hr_registry, n)


def _no_leftovers_and_memory_complete(hr_registry: Path, n: int) -> None:
    """After the rerun: the killed run's temporary copy is gone, no lock or journal is left,
    and docauto's memory holds every mail once, as registered."""
    from docauto.registry import schema
    from docauto.registry.files import RegistryFiles

    files = RegistryFiles(hr_registry)
    leftovers = [p.name for p in hr_registry.parent.iterdir() if p.name.startswith(".~")]
    assert leftovers == []
    assert files.temp_files() == []
    assert not lock_path(hr_registry).exists()
    assert not journal_path(hr_registry).exists() and not files.journals_applying()
    wb = openpyxl.load_workbook(hr_registry, read_only=True)
    memory = [r for r in wb[schema.STATE_SHEET].iter_rows(min_row=2, values_only=True) if r[0]]
    assert wb[schema.STATE_SHEET].sheet_state == "veryHidden"
    assert len(memory) == n and {r[2] for r in memory} == {schema.REGISTERED}
    assert len({r[0] for r in memory}) == n and all(r[1] for r in memory)


def test_crash_after_save_before_journal_cleared_applies_once(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    hr_mailbox.add(
        mail(subject(), NORD, [("s.xlsx", XLSX, applicants("Anne Ahl"))], message_id="<j@x>")
    )
    owner = _owner_file(hr_registry)
    owner.write_bytes(b"x")
    hr_ingest()
    owner.unlink()
    saved_journal = journal_path(hr_registry).read_bytes()
    hr_ingest()
    # As if the run had died right after saving: the journal is back.
    journal_path(hr_registry).write_bytes(saved_journal)
    hr_ingest()
    assert len(sheet(hr_registry, "Ansøgninger")) == 1
    assert len(sheet(hr_registry, "Indbakke")) == 1


def test_torn_last_journal_line_is_skipped(hr_registry: Path, hr_mailbox, hr_ingest) -> None:
    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, applicants("Anne Ahl"))]))
    owner = _owner_file(hr_registry)
    owner.write_bytes(b"x")
    hr_ingest()
    with open(journal_path(hr_registry), "a", encoding="utf-8") as fh:
        fh.write('{"message_id": "<torn@x>", "sta')
    owner.unlink()
    assert hr_ingest()["registered"] == 1
    assert len(sheet(hr_registry, "Ansøgninger")) == 1


@pytest.mark.skipif(not CORPUS.is_dir(), reason="edge-case corpus not available")
def test_edge_case_corpus_every_mail_logged(
    hr_registry: Path, hr_mailbox, hr_ingest, tmp_path: Path
) -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".md")
    for i, path in enumerate(files):
        shutil.copyfile(path, hr_mailbox.folder / f"{i:04d}-{path.stem}.eml")
    before = {p for p in tmp_path.rglob("*")}
    summary = hr_ingest()
    assert summary["seen"] == len(files)
    assert summary["registered"] == 0 and summary["rows"] == 0
    assert summary["rejected"] + summary["duplicates"] == len(files)
    inbox = sheet(hr_registry, "Indbakke")
    assert len(inbox) == summary["rejected"]  # one row per distinct Message-ID
    assert all(r["Status"] == "Afvist" and r["Bemærkning"] for r in inbox)
    # Nothing written outside the registry's folder.
    new = {p for p in tmp_path.rglob("*")} - before
    assert all(hr_registry.parent in p.parents or p == hr_registry.parent for p in new), sorted(
        str(p) for p in new if hr_registry.parent not in p.parents
    )
    quarantine = hr_registry.parent / "register-karantæne"
    assert len(list(quarantine.glob("*.json"))) >= summary["rejected"] - 1
    # Names of quarantined files are ours, never the mails' own.
    assert all(p.name[:4].isdigit() or p.name.startswith("uden-dato") for p in quarantine.iterdir())


def test_logs_hold_no_applicant_names_or_addresses(
    hr_registry: Path, hr_mailbox, hr_structure_file: Path, caplog
) -> None:
    from docauto.mail.ingest import ingest
    from docauto.mail.sources import open_source
    from docauto.structure.model import load_structure

    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, applicants("Zacharias Ømø"))]))
    hr_mailbox.add(
        mail(
            subject(),
            ("Zacharias Ømø", "zacharias.omo@gmail.example"),
            [("s.xlsx", XLSX, applicants("Yrsa Ydun"))],
        )
    )
    hr_mailbox.add(
        mail(
            subject(),
            NORD,
            [
                (
                    "s.xlsx",
                    XLSX,
                    xlsx_form(
                        CL_APP, [["Nord", "Klynge Ukendt", "Xenia Xu", "xenia@buf.test.dk", "", ""]]
                    ),
                )
            ],
        )
    )
    hr_mailbox.add(
        mail(
            subject(),
            NORD,
            [
                (
                    "s.xlsx",
                    XLSX,
                    xlsx_form(
                        CL_APP,
                        [["Nord", "Klynge Nordhavn", "Wilma Wu", "wilma.wu(at)gmail", "", ""]],
                    ),
                )
            ],
        )
    )
    with caplog.at_level(logging.DEBUG, logger="docauto"):
        summary = ingest(
            open_source(hr_mailbox.spec),
            load_structure(hr_structure_file),
            hr_registry,
            hr_addresses=[HR],
        )
    assert summary.registered == 1 and summary.rejected == 3
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "<test-" in text  # Message-IDs are logged
    assert "wilma.wu(at)gmail" in sheet(hr_registry, "Indbakke")[-1]["Bemærkning"]  # HR sees why
    for secret in ("Zacharias", "zacharias.omo", "Yrsa", "Xenia", "xenia@", "Wilma", "wilma"):
        assert secret not in text


def test_should_stop_and_on_mail(hr_registry: Path, hr_mailbox, hr_structure_file: Path) -> None:
    from docauto.mail.ingest import ingest
    from docauto.mail.sources import open_source
    from docauto.structure.model import load_structure

    _big_batch(hr_mailbox, 4)
    seen: list[tuple[str, str]] = []
    summary = ingest(
        open_source(hr_mailbox.spec),
        load_structure(hr_structure_file),
        hr_registry,
        should_stop=lambda: len(seen) >= 2,
        on_mail=lambda parsed, outcome: seen.append((parsed.message_id, outcome)),
    )
    assert seen == [("<big0@x>", "registered"), ("<big1@x>", "registered")]
    assert summary.seen == 2 and len(sheet(hr_registry, "Indbakke")) == 2


def test_receipts_are_sent_through_the_source(
    hr_registry: Path, hr_mailbox, hr_structure_file: Path
) -> None:
    from docauto.mail.ingest import ingest
    from docauto.mail.sources import open_source
    from docauto.structure.model import load_structure

    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, applicants("Anne Ahl"))]))
    hr_mailbox.add(mail("Hej", NORD))
    source = open_source(hr_mailbox.spec)
    replies = []
    source.reply = lambda item, msg: replies.append((item.name, msg))  # type: ignore[method-assign]
    ingest(source, load_structure(hr_structure_file), hr_registry, receipts=True)
    assert len(replies) == 2
    assert all(msg["To"].endswith("nora@buf.test.dk>") for _, msg in replies)
    replies.clear()
    ingest(source, load_structure(hr_structure_file), hr_registry, receipts=True)
    assert replies == []  # no second receipt for a mail already answered


def test_worker_processes_give_the_same_registry(tmp_path: Path, hr_structure_file: Path) -> None:
    """--jobs 2 reads in worker processes; the registry must be the same as with one process."""
    from click.testing import CliRunner
    from conftest_registry import Mailbox

    from docauto.cli import cli

    box = Mailbox(tmp_path / "box")
    for i in range(52):
        if i == 10:
            box.add(mail("Hej HR", NORD, message_id="<hello@x>"))
        elif i == 20:
            box.add(
                mail(
                    subject(),
                    NORD,
                    [("s.xlsx", XLSX, applicants("Person3 A", "Person3 B"))],
                    message_id="<resend@x>",
                )
            )  # same form as mail 3 (i=3 below): Dublet
        else:
            area, cluster, who = (
                ("Nord", "Klynge Nordhavn", NORD) if i % 2 else ("Syd", "Klynge Sydhavn", SYD)
            )
            names = ("Person3 A", "Person3 B") if i == 3 else (f"Person{i} A", f"Person{i} B")
            box.add(
                mail(
                    subject(),
                    who,
                    [("s.xlsx", XLSX, applicants(*names, area=area, cluster=cluster))],
                    message_id=f"<m{i}@x>",
                )
            )
    results = {}
    for jobs in ("1", "2"):
        reg = tmp_path / f"hr{jobs}" / "register.xlsx"
        reg.parent.mkdir()
        CliRunner().invoke(
            cli, ["registry", "init", "--structure", str(hr_structure_file), "--registry", str(reg)]
        )
        out = CliRunner().invoke(
            cli,
            [
                "mail",
                "ingest",
                "--source",
                box.spec,
                "--structure",
                str(hr_structure_file),
                "--registry",
                str(reg),
                "--json",
                "--jobs",
                jobs,
            ],
        )
        assert out.exit_code == 0, out.output
        results[jobs] = (json.loads(out.stdout), sheet(reg, "Ansøgninger"), sheet(reg, "Indbakke"))
    assert results["1"] == results["2"]
    summary, apps, inbox = results["2"]
    assert summary == {
        "seen": 52,
        "registered": 50,
        "duplicates": 1,
        "rejected": 1,
        "pending": 0,
        "rows": 100,
    }
    assert [r["Message-ID"] for r in inbox][:4] == ["<m0@x>", "<m1@x>", "<m2@x>", "<m3@x>"]


def test_save_failing_at_the_end_sends_the_run_to_the_journal(
    hr_registry: Path, hr_mailbox, hr_ingest, monkeypatch
) -> None:
    from docauto.errors import RegistryError
    from docauto.registry.writer import RegistryWriter

    hr_mailbox.add(
        mail(subject(), NORD, [("s.xlsx", XLSX, applicants("Anne Ahl"))], message_id="<s1@x>")
    )
    hr_mailbox.add(mail("Hej", NORD, message_id="<s2@x>"))
    before = hr_registry.read_bytes()

    def fail(self, **kw) -> None:
        raise RegistryError("registret er åbent i Excel")

    monkeypatch.setattr(RegistryWriter, "save", fail)
    summary = hr_ingest()
    assert summary == {
        "seen": 2,
        "registered": 0,
        "duplicates": 0,
        "rejected": 1,
        "pending": 1,
        "rows": 0,
    }
    assert hr_registry.read_bytes() == before
    monkeypatch.undo()
    summary = hr_ingest()
    assert summary["registered"] == 1 and summary["rows"] == 1
    inbox = inbox_by_id(hr_registry)
    assert (inbox["<s1@x>"]["Status"], inbox["<s2@x>"]["Status"]) == ("Registreret", "Afvist")
    assert len(sheet(hr_registry, "Ansøgninger")) == 1


def test_a_deleted_indbakke_row_does_not_register_again_reprocess_does(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    from click.testing import CliRunner

    from docauto.cli import cli

    form = applicants("Anne Ahl")
    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, form)], message_id="<again@x>"))
    hr_ingest()
    wb = openpyxl.load_workbook(hr_registry)
    wb["Indbakke"].delete_rows(2)
    wb["Ansøgninger"].delete_rows(2)
    wb.save(hr_registry)
    # The mail arrives again (a source that delivers it twice): the memory knows it.
    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, form)], message_id="<again@x>"))
    assert hr_ingest()["registered"] == 0
    assert sheet(hr_registry, "Ansøgninger") == []
    # Re-processing on purpose names the mail.
    result = CliRunner().invoke(
        cli, ["mail", "reprocess", "<again@x>", "--registry", str(hr_registry)]
    )
    assert result.exit_code == 0, result.output
    unknown = CliRunner().invoke(
        cli, ["mail", "reprocess", "<never@x>", "--registry", str(hr_registry)]
    )
    assert unknown.exit_code == 1 and "<never@x>" in unknown.output
    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, form)], message_id="<again@x>"))
    assert hr_ingest()["registered"] == 1
    assert [r["Ansøger"] for r in sheet(hr_registry, "Ansøgninger")] == ["Anne Ahl"]
    # ...and a resend of it afterwards is still recognised.
    hr_mailbox.add(
        mail("VS: " + subject(), NORD, [("s.xlsx", XLSX, form)], message_id="<again2@x>")
    )
    hr_ingest()
    assert inbox_by_id(hr_registry)["<again2@x>"]["Status"] == "Dublet"


def test_two_runs_at_once_register_everything_once(
    hr_registry: Path, hr_mailbox, hr_structure_file: Path, hr_ingest, tmp_path: Path
) -> None:
    """Run A holds the lock while it saves; run B meanwhile journals the same mails; a later run
    finds them already registered by A and applies nothing twice."""
    _big_batch(hr_mailbox, 6)
    marker = tmp_path / "a-saving"
    env = {
        **os.environ,
        "DOCAUTO_TEST_PAUSE_BEFORE_REPLACE": str(marker),
        "DOCAUTO_TEST_PAUSE_SECONDS": "4",
    }
    cmd = [
        sys.executable,
        "-m",
        "docauto",
        "mail",
        "ingest",
        "--source",
        hr_mailbox.spec,
        "--structure",
        str(hr_structure_file),
        "--registry",
        str(hr_registry),
        "--json",
    ]
    a = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert a.poll() is None, a.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        b = hr_ingest()  # while A holds the lock
        assert b["pending"] == 6 and b["registered"] == 0
    finally:
        out, err = a.communicate(timeout=120)
    assert a.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1])["registered"] == 6
    c = hr_ingest()
    assert c["registered"] == 0 and c["rows"] == 0
    assert not journal_path(hr_registry).exists()
    assert len(sheet(hr_registry, "Ansøgninger")) == 12
    assert len(sheet(hr_registry, "Indbakke")) == 6


def test_zip_bomb_attachment_is_refused_with_a_reason(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    hr_mailbox.add(mail(subject(), NORD, [("s.xlsx", XLSX, buf.getvalue())], message_id="<bomb@x>"))
    assert hr_ingest()["rejected"] == 1
    note = inbox_by_id(hr_registry)["<bomb@x>"]["Bemærkning"]
    assert "s.xlsx" in note and ("zip-bombe" in note or "for stor" in note), note


@pytest.mark.parametrize("after", [0.3, 1.0, 2.0])
def test_killed_at_any_moment_rerun_registers_everything_once(
    after: float, hr_registry: Path, hr_mailbox, hr_structure_file: Path
) -> None:
    """Wherever the kill lands (starting, parsing, reading forms, saving), the registry is a
    whole workbook and a rerun registers every mail exactly once."""
    n = 40
    _big_batch(hr_mailbox, n)
    cmd = [
        sys.executable,
        "-m",
        "docauto",
        "mail",
        "ingest",
        "--source",
        hr_mailbox.spec,
        "--structure",
        str(hr_structure_file),
        "--registry",
        str(hr_registry),
        "--json",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    proc.kill()
    proc.wait(timeout=30)
    openpyxl.load_workbook(hr_registry)  # whole, old or new
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = sheet(hr_registry, "Ansøgninger")
    assert len(rows) == 2 * n
    assert len({(r["Ansøger"], r["Kilde"]) for r in rows}) == 2 * n
    assert len(sheet(hr_registry, "Indbakke")) == n
    _no_leftovers_and_memory_complete(hr_registry, n)
