"""registry purge / person / the audit log, on registries built through `mail ingest`.

After purge no name or e-mail of a not-hired applicant may be left in any file under the
registry's folder (the registry, backups, journal, quarantine, audit log), read as text and
with every .xlsx unzipped; the hired person is untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from conftest_overview import CHIEF, RegistryFixture, form_xlsx

D = dt.date
HIRED = ("Anna Marie Holm", "anna.holm@buf.test.dk")
NOT_HIRED = [
    ("Bent Berg", "bent.berg@buf.test.dk"),  # applicant and candidate (round 1)
    ("Carla Carlsen", "carla.c@buf.test.dk"),  # applicant only
    ("Dennis Dahl", "dennis.dahl@buf.test.dk"),  # applicant, HR wrote a note about him
    ("Hans Hjort", "hans.hjort@buf.test.dk"),  # in the journal (Excel had the registry open)
    ("Gitte Gul", "gitte.gul@buf.test.dk"),  # only in a rejected (quarantined) mail
    ("Jens Jensen", "jens.jensen@buf"),  # a rejected form: the reason quotes his e-mail
]
RECENT = ("Ida Iversen", "ida.iversen@buf.test.dk")  # received after the cut-off: kept


def _build(reg: RegistryFixture) -> None:
    import openpyxl

    m = reg.mailbox
    m.send(
        "Amager",
        "cluster_leader",
        "applicants",
        [
            ["Amager", "K001", HIRED[0], HIRED[1], "Leder", "Solsikken"],
            ["Amager", "K001", "Bent Berg", "bent.berg@buf.test.dk", "Leder", "Mælkebøtten"],
            ["Amager", "K001", "Carla Carlsen", "CARLA.C@buf.test.dk", "Souschef", "Regnbuen"],
        ],
        D(2010, 10, 13),
    )
    m.send(
        "Valby",
        "cluster_leader",
        "applicants",
        [
            ["Valby", "K002", "Dennis Dahl", "dennis.dahl@buf.test.dk", "Leder", "Æblehaven"],
        ],
        D(2010, 10, 14),
    )
    m.send(
        "Amager",
        "cluster_leader",
        "candidates",
        [
            ["Amager", "K001", HIRED[0], HIRED[1], 1],
            ["Amager", "K001", "Bent Berg", "bent.berg@buf.test.dk", 2],
        ],
        D(2010, 10, 21),
        round=1,
    )
    m.send(
        "Amager",
        "cluster_leader",
        "hires",
        [
            ["Amager", "K001", HIRED[0], HIRED[1], D(2011, 1, 1)],
        ],
        D(2010, 11, 30),
    )
    # A form from someone who is no area chief: rejected, kept in quarantine.
    msg = EmailMessage()
    msg["From"] = "ukendt@andet.dk"
    msg["To"] = "jobbank@buf.kk.dk"
    msg["Subject"] = "Klyngeleder – Registrering af ansøgningerne"
    msg["Date"] = format_datetime(dt.datetime(2010, 10, 13, 9, 0).astimezone())
    msg["Message-ID"] = make_msgid(domain="andet.dk")
    msg.set_content("Gitte Gul søger også.")
    msg.add_attachment(
        form_xlsx(
            [
                "Område",
                "Klynge",
                "Ansøger",
                "E-mail",
                "Nuværende stilling",
                "Nuværende arbejdssted",
            ],
            [["Valby", "K002", "Gitte Gul", "gitte.gul@buf.test.dk", "Leder", "Troldehøjen"]],
        ),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename="skema.xlsx",
    )
    m.send_raw(msg)
    m.send(
        "Valby",
        "cluster_leader",
        "applicants",
        [
            ["Valby", "K002", "Jens Jensen", "jens.jensen@buf", "Leder", "Troldehøjen"],
        ],
        D(2010, 10, 15),
    )
    summary = reg.ingest()
    assert (summary["registered"], summary["rejected"]) == (4, 2), summary
    # A second run: the registry before it becomes register.backup.xlsx.
    m.send(
        "Valby",
        "cluster_leader",
        "applicants",
        [
            ["Valby", "K002", RECENT[0], RECENT[1], "Leder", "Troldehøjen"],
        ],
        D(2011, 3, 1),
    )
    assert reg.ingest()["registered"] == 1

    # HR writes a note in a column of its own, as HR does.
    wb = openpyxl.load_workbook(reg.path)
    ws = wb["Ansøgninger"]
    ws.cell(row=1, column=12, value="HR's noter")
    for row in ws.iter_rows(min_row=2):
        if row[4].value == "Dennis Dahl":
            ws.cell(
                row=row[0].row, column=12, value="Ring til Dennis Dahl (dennis.dahl@buf.test.dk)"
            )
    wb.save(reg.path)

    # Excel has the registry open while one more mail arrives: it waits in the journal.
    owner = reg.path.with_name("~$" + reg.path.name[2:])
    owner.write_text("excel")
    m.folder.joinpath("extra").mkdir()
    for p in sorted(m.folder.glob("*.eml")):
        p.rename(m.folder / "extra" / p.name)  # already ingested; keep them out of the run
    m.send(
        "Valby",
        "cluster_leader",
        "candidates",
        [
            ["Valby", "K002", "Hans Hjort", "hans.hjort@buf.test.dk", 1],
        ],
        D(2010, 10, 20),
        round=1,
    )
    summary = reg.ingest()
    assert summary["pending"] == 1, summary
    owner.unlink()


@pytest.fixture
def reg(tmp_path: Path) -> RegistryFixture:
    r = RegistryFixture(tmp_path)
    _build(r)
    return r


def all_text(folder: Path) -> dict[str, str]:
    """Every file under the folder as text; .xlsx unzipped (every XML part)."""
    out = {}
    for p in folder.rglob("*"):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if data[:2] == b"PK":
            with zipfile.ZipFile(p) as zf:
                for n in zf.namelist():
                    out[f"{p.name}!{n}"] = zf.read(n).decode("utf-8", "replace")
        else:
            out[p.name] = data.decode("utf-8", "replace")
    return out


def holders(folder: Path, needle: str) -> list[str]:
    return sorted(
        name for name, text in all_text(folder).items() if needle.casefold() in text.casefold()
    )


def test_setup_really_holds_the_data_everywhere(reg: RegistryFixture) -> None:
    """The test below can fail: before purge the data sit in registry, backup, journal, quarantine."""
    names = {n for n, _ in NOT_HIRED}
    # The rejection reason in Indbakke quotes the e-mail.
    assert any(n.startswith("register.xlsx!") for n in holders(reg.dir, "jens.jensen@buf"))
    assert any(n.startswith("register.xlsx!") for n in holders(reg.dir, "Bent Berg"))
    assert any(n.startswith("register.backup.xlsx!") for n in holders(reg.dir, "Carla Carlsen"))
    assert holders(reg.dir, "hans.hjort@buf.test.dk") == ["register.journal.jsonl"]
    assert any(n.endswith(".json") for n in holders(reg.dir, "ukendt@andet.dk"))
    assert len(names) == 6


def test_purge_leaves_no_trace_of_not_hired_applicants(reg: RegistryFixture) -> None:
    import openpyxl

    r = reg.cli(
        "registry", "purge", "--registry", str(reg.path), "--before", "2011-01-01", "--json"
    )
    assert r.exit_code == 0, r.output
    result = json.loads(r.output)
    assert result["people"] == 4  # Bent, Carla, Dennis, Hans (Gitte was never registered)
    assert result["quarantine_deleted"] == 2
    assert result["inbox_notes"] >= 1
    assert result["kept_recent"] == 1
    for name, mail in NOT_HIRED:
        assert holders(reg.dir, name) == [], name
        assert holders(reg.dir, mail) == [], mail
    # The hired person is untouched, and so is the applicant still within the retention period.
    wb = openpyxl.load_workbook(reg.path)
    hires = [r[4:6] for r in wb["Ansættelser"].iter_rows(min_row=2, values_only=True)]
    assert hires == [HIRED]
    applicants = [r[4:8] for r in wb["Ansøgninger"].iter_rows(min_row=2, values_only=True)]
    assert (HIRED[0], HIRED[1], "Leder", "Solsikken") in applicants
    assert (RECENT[0], RECENT[1], "Leder", "Troldehøjen") in applicants
    assert applicants.count(("Anonymiseret", None, None, None)) == 3
    notes = [r[11] for r in wb["Ansøgninger"].iter_rows(min_row=2, values_only=True) if r[11]]
    assert notes == ["Ring til [anonymiseret] ([anonymiseret])"]
    assert wb["Stillinger"]["G2"].value == HIRED[0]  # Ansat
    # The journal still applies, anonymised, on the next ingest.
    summary = reg.ingest()
    assert summary["registered"] == 1
    wb = openpyxl.load_workbook(reg.path)
    cands = [r[5:7] for r in wb["Indstillinger"].iter_rows(min_row=2, values_only=True)]
    assert ("Anonymiseret", None) in cands and (HIRED[0], HIRED[1]) in cands
    # Two anonymised candidates (Amager's Bent, Valby's Hans) are not one person in a conflict.
    st = reg.cli(
        "registry",
        "status",
        "--structure",
        str(reg.structure),
        "--registry",
        str(reg.path),
        "--as-of",
        "2011-01-01",
        "--json",
    )
    assert json.loads(st.output)["conflicts"] == []


def test_purge_twice_changes_nothing_the_second_time(reg: RegistryFixture) -> None:
    args = ["registry", "purge", "--registry", str(reg.path), "--before", "2011-01-01", "--json"]
    assert json.loads(reg.cli(*args).output)["people"] == 4
    files = {p: p.read_bytes() for p in reg.dir.rglob("*") if p.is_file() and "audit" not in p.name}
    again = json.loads(reg.cli(*args).output)
    assert (again["people"], again["rows"], again["cells"]) == (0, 0, 0)
    assert {
        p: p.read_bytes() for p in reg.dir.rglob("*") if p.is_file() and "audit" not in p.name
    } == files


def test_purge_dry_run_changes_nothing(reg: RegistryFixture) -> None:
    before = {p: p.read_bytes() for p in reg.dir.rglob("*") if p.is_file()}
    r = reg.cli(
        "registry",
        "purge",
        "--registry",
        str(reg.path),
        "--before",
        "2011-01-01",
        "--dry-run",
        "--json",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["people"] == 4
    after = {p: p.read_bytes() for p in reg.dir.rglob("*") if p.is_file()}
    assert after == before


def test_purge_refuses_a_date_inside_the_retention_period(reg: RegistryFixture) -> None:
    (reg.dir / "docauto.yaml").write_text("retention_months: 6\n", encoding="utf-8")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = reg.cli("registry", "purge", "--registry", str(reg.path), "--before", tomorrow)
    assert r.exit_code == 2
    assert "opbevaringsperioden" in r.output
    assert holders(reg.dir, "Bent Berg")  # nothing was purged


def test_purge_default_cutoff_comes_from_configuration(reg: RegistryFixture) -> None:
    # Today minus 0 months: everything received before today, i.e. all of 2010/2011.
    (reg.dir / "docauto.yaml").write_text("retention_months: 0\n", encoding="utf-8")
    r = reg.cli("registry", "purge", "--registry", str(reg.path), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["before"] == dt.date.today().isoformat()
    assert json.loads(r.output)["people"] == 5  # Ida too, now
    assert holders(reg.dir, RECENT[1]) == []


def test_person_exports_everything_about_one_person(reg: RegistryFixture, tmp_path: Path) -> None:
    out = tmp_path / "bent.json"
    r = reg.cli(
        "registry",
        "person",
        "BENT.BERG@buf.test.dk",
        "--registry",
        str(reg.path),
        "--out",
        str(out),
    )
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["navne"] == ["Bent Berg"]
    assert [r["Ansøger"] for r in data["registret"]["Ansøgninger"]] == ["Bent Berg"]
    assert [r["Prioritet"] for r in data["registret"]["Indstillinger"]] == [2]
    assert "Ansættelser" not in data["registret"]
    hans = reg.cli("registry", "person", "hans.hjort@buf.test.dk", "--registry", str(reg.path))
    assert len(json.loads(hans.output)["journal"]) == 1
    gitte = reg.cli("registry", "person", "gitte.gul@buf.test.dk", "--registry", str(reg.path))
    assert [q["grund"][:10] for q in json.loads(gitte.output)["karantæne"]] == ["Afsenderen"]


def test_audit_log_records_runs_without_personal_data(reg: RegistryFixture, tmp_path: Path) -> None:
    from docauto.registry.audit import audit_path, read_audit

    reg.cli("registry", "person", "bent.berg@buf.test.dk", "--registry", str(reg.path))
    reg.cli("registry", "purge", "--registry", str(reg.path), "--before", "2011-01-01")
    reg.cli(
        "registry",
        "report",
        "--structure",
        str(reg.structure),
        "--registry",
        str(reg.path),
        "--as-of",
        "2010-12-02",
        "--out",
        str(tmp_path / "r.xlsx"),
    )
    entries = read_audit(reg.path)
    assert [e["command"] for e in entries] == [
        "registry person",
        "registry purge",
        "registry report",
    ]
    assert entries[1]["people"] == 4 and entries[1]["before"] == "2011-01-01"
    text = audit_path(reg.path).read_text(encoding="utf-8").casefold()
    for name, mail in [HIRED, RECENT, *NOT_HIRED]:
        assert name.casefold() not in text and mail not in text
        assert name.split()[0].casefold() not in text
    assert "@" not in text


def test_audit_refuses_text_that_could_be_personal_data(tmp_path: Path) -> None:
    from docauto.registry.audit import record

    with pytest.raises(TypeError):
        record(tmp_path / "r.xlsx", "registry person", email="bent.berg@buf.test.dk")
    assert record(tmp_path / "r.xlsx", "x", rows=2, before=D(2011, 1, 1))["before"] == "2011-01-01"


def test_chief_addresses_are_not_applicants(reg: RegistryFixture) -> None:
    """Purge anonymises applicants only: the senders in Indbakke stay."""
    import openpyxl

    reg.cli("registry", "purge", "--registry", str(reg.path), "--before", "2011-01-01")
    wb = openpyxl.load_workbook(reg.path)
    senders = {r[2] for r in wb["Indbakke"].iter_rows(min_row=2, values_only=True)}
    assert CHIEF["Amager"] in senders and CHIEF["Valby"] in senders
