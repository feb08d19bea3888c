"""registry status / deadlines / remind / report on a registry built through `mail ingest`.

The recruitment as the test mailbox tells it (small structure: Amager has cluster K001 with
units E001/E002 and network N001; Valby has cluster K002):

  28.09 Amager  job ad K001                 (deadline 01.10)
  04.10 Valby   job ad K002                 late
  13.10 Amager  applicants                  (deadline 15.10)
  14.10 Valby   applicants
  21.10 Amager  candidates round 1          (deadline 22.10)
  25.10 Valby   candidates round 1          late; the same Anna as Amager's, other spelling
  05.11 Amager  vacancies PL: E001          (not chased)
  10.11 Valby   candidates round 2
  25.11 Amager  PL applicants E001          (deadline 26.11)
  30.11 Amager  hires KL: Anna              (deadline 01.12); Valby never reports hires
  -     Amager  PL job ad E001 never sent   (deadline 12.11)
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest_overview import RegistryFixture

D = dt.date
ANNA = ("Anna Marie Holm", "anna.holm@buf.test.dk")


def build(reg: RegistryFixture) -> None:
    m = reg.mailbox
    m.send_job_ad("Amager", "cluster_leader", "K001", D(2010, 9, 28))
    m.send_job_ad("Valby", "cluster_leader", "K002", D(2010, 10, 4))
    m.send(
        "Amager",
        "cluster_leader",
        "applicants",
        [
            ["Amager", "Klynge Amager Strand", ANNA[0], ANNA[1], "Leder", "Solsikken"],
            [
                "Amager",
                "Klynge Amager Strand",
                "Bent Berg",
                "bent.berg@buf.test.dk",
                "Leder",
                "Mælkebøtten",
            ],
            [
                "Amager",
                "Klynge Amager Strand",
                "Carla Carlsen",
                "carla.c@buf.test.dk",
                "Souschef",
                "Regnbuen",
            ],
        ],
        D(2010, 10, 13),
    )
    m.send(
        "Valby",
        "cluster_leader",
        "applicants",
        [
            [
                "Valby",
                "Klynge Valby Syd",
                "anna holm",
                "ANNA.HOLM@buf.test.dk",
                "Leder",
                "Solsikken",
            ],
            [
                "Valby",
                "Klynge Valby Syd",
                "Dennis Dahl",
                "dennis.dahl@buf.test.dk",
                "Leder",
                "Æblehaven",
            ],
        ],
        D(2010, 10, 14),
    )
    m.send(
        "Amager",
        "cluster_leader",
        "candidates",
        [
            ["Amager", "Klynge Amager Strand", ANNA[0], ANNA[1], 1],
            ["Amager", "Klynge Amager Strand", "Bent Berg", "bent.berg@buf.test.dk", 2],
        ],
        D(2010, 10, 21),
        round=1,
    )
    m.send(
        "Valby",
        "cluster_leader",
        "candidates",
        [
            ["Valby", "Klynge Valby Syd", "Anna Holm", "Anna.Holm@buf.test.dk", 1],
        ],
        D(2010, 10, 25),
        round=1,
    )
    m.send(
        "Amager",
        "pedagogical_leader",
        "vacancies",
        [
            ["Amager", "Klynge Amager Strand", "Solsikken", "Lederen går på pension"],
        ],
        D(2010, 11, 5),
    )
    m.send(
        "Valby",
        "cluster_leader",
        "candidates",
        [
            ["Valby", "Klynge Valby Syd", "Dennis Dahl", "dennis.dahl@buf.test.dk", 1],
        ],
        D(2010, 11, 10),
        round=2,
    )
    m.send(
        "Amager",
        "pedagogical_leader",
        "applicants",
        [
            [
                "Amager",
                "Klynge Amager Strand",
                "Solsikken",
                "Erik Eriksen",
                "erik.e@buf.test.dk",
                "Souschef",
                "Solsikken",
            ],
            [
                "Amager",
                "Klynge Amager Strand",
                "Solsikken",
                "Fie Falk",
                "fie.falk@buf.test.dk",
                "Pædagog",
                "Regnbuen",
            ],
        ],
        D(2010, 11, 25),
    )
    m.send(
        "Amager",
        "cluster_leader",
        "hires",
        [
            ["Amager", "Klynge Amager Strand", ANNA[0], ANNA[1], D(2011, 1, 1)],
        ],
        D(2010, 11, 30),
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> RegistryFixture:
    reg = RegistryFixture(tmp_path_factory.mktemp("overview"))
    build(reg)
    summary = reg.ingest()
    assert summary["registered"] == 10, summary
    assert summary["rejected"] == 0
    return reg


def status(reg: RegistryFixture, as_of: str) -> dict:
    r = reg.cli(
        "registry",
        "status",
        "--structure",
        str(reg.structure),
        "--registry",
        str(reg.path),
        "--as-of",
        as_of,
        "--json",
    )
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_positions_by_role_area_and_status(built: RegistryFixture) -> None:
    s = status(built, "2010-12-02")
    kl, pl = s["positions"]["cluster_leader"], s["positions"]["pedagogical_leader"]
    assert set(kl) == {"Amager", "Valby"}
    assert kl["Amager"]["Besat"] == 1 and sum(kl["Amager"].values()) == 1
    assert kl["Valby"]["Kandidat indstillet"] == 1 and sum(kl["Valby"].values()) == 1
    assert pl == {
        "Amager": {
            "Opslået": 0,
            "Ansøgere registreret": 1,
            "Kandidat indstillet": 0,
            "Besat": 0,
            "Ikke besat": 0,
            "Genopslag": 0,
        }
    }


def test_conflict_same_email_other_spelling(built: RegistryFixture) -> None:
    s = status(built, "2010-11-01")
    assert s["conflicts"] == [
        {
            "candidate": "Anna Marie Holm",
            "email": "anna.holm@buf.test.dk",
            "round": 1,
            "areas": ["Amager", "Valby"],
        }
    ]
    # Exactly the keys of REGISTRY.md §5.
    assert set(s) >= {"positions", "conflicts", "missing"}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2010-10-01", set()),  # deadline day of the job ads: not yet missing
        ("2010-10-02", {("Valby", "cluster_leader", "job_ad", "2010-10-01")}),
        ("2010-10-05", set()),  # Valby's ad came 04.10
        ("2010-10-15", set()),
        ("2010-10-22", set()),
        ("2010-10-23", {("Valby", "cluster_leader", "candidates", "2010-10-22")}),
        ("2010-10-26", set()),
        ("2010-11-12", set()),
        ("2010-11-13", {("Amager", "pedagogical_leader", "job_ad", "2010-11-12")}),
        ("2010-11-24", {("Amager", "pedagogical_leader", "job_ad", "2010-11-12")}),
        # Applicants for E001 came 25.11: the position is past its ad, nobody chases it any more.
        ("2010-11-25", set()),
        ("2010-12-01", set()),
        ("2010-12-02", {("Valby", "cluster_leader", "hires", "2010-12-01")}),
        (
            "2010-12-04",
            {
                ("Valby", "cluster_leader", "hires", "2010-12-01"),
                ("Amager", "pedagogical_leader", "unfilled", "2010-12-03"),
            },
        ),
        (
            "2010-12-18",
            {
                ("Valby", "cluster_leader", "hires", "2010-12-01"),
                ("Amager", "pedagogical_leader", "unfilled", "2010-12-03"),
                ("Amager", "pedagogical_leader", "hires", "2010-12-17"),
            },
        ),
    ],
)
def test_missing_before_and_after_each_deadline(
    built: RegistryFixture, as_of: str, expected: set
) -> None:
    s = status(built, as_of)
    got = {(m["area"], m["role"], m["kind"], m["deadline"]) for m in s["missing"]}
    assert got == expected
    assert all(set(m) == {"area", "role", "kind", "deadline"} for m in s["missing"])


def test_applicants_missing_when_not_sent_by_the_deadline(tmp_path: Path) -> None:
    """Before its mail arrives an area owes the applicants; the day the mail is in, it does not."""
    reg = RegistryFixture(tmp_path)
    reg.mailbox.send(
        "Amager",
        "cluster_leader",
        "applicants",
        [["Amager", "K001", "Bent Berg", "bent@buf.test.dk", "Leder", "Solsikken"]],
        D(2010, 10, 18),
    )
    reg.ingest()
    owed = lambda day: {(m["area"], m["kind"]) for m in status(reg, day)["missing"]}  # noqa: E731
    assert ("Amager", "applicants") in owed("2010-10-16")
    assert ("Valby", "applicants") in owed("2010-10-16")
    assert ("Amager", "applicants") not in owed("2010-10-18")
    assert ("Valby", "applicants") in owed("2010-10-18")
    # Nobody recommended anyone in round 1, so after 12.11 both areas owe round 2 too.
    r2 = [m for m in status(reg, "2010-11-13")["missing"] if m["deadline"] == "2010-11-12"]
    assert {(m["area"], m["kind"]) for m in r2} == {
        ("Amager", "candidates"),
        ("Valby", "candidates"),
    }


def test_status_table_is_danish_and_readable(built: RegistryFixture) -> None:
    r = built.cli(
        "registry",
        "status",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        "2010-10-26",
    )
    assert r.exit_code == 0, r.output
    assert "Status pr. 26. oktober 2010" in r.output
    assert "Anna Marie Holm" in r.output and "Amager, Valby" in r.output
    # As of 23.10 Valby's recommendation (25.10) had not come: no conflict yet, Valby owes it.
    r = built.cli(
        "registry",
        "status",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        "2010-10-23",
    )
    assert "Anna Marie Holm" not in r.output and "Ingen konflikter." in r.output
    assert "Klyngeleder – Registrering af kandidaten" in r.output


def test_deadlines_due_and_overdue(built: RegistryFixture) -> None:
    r = built.cli(
        "deadlines",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        "2010-12-02",
        "--json",
    )
    assert r.exit_code == 0, r.output
    owed = {(o["area"], o["role"], o["kind"]): o for o in json.loads(r.output)["owed"]}
    assert owed[("Valby", "cluster_leader", "hires")]["state"] == "overdue"
    assert owed[("Valby", "cluster_leader", "hires")]["days_left"] == -1
    assert owed[("Amager", "pedagogical_leader", "unfilled")]["state"] == "due"
    assert ("Amager", "pedagogical_leader", "job_ad") not in owed  # applicants came 25.11
    assert ("Amager", "pedagogical_leader", "hires") not in owed  # 15 days away
    text = built.cli(
        "deadlines",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        "2010-12-02",
    ).output
    assert "Valby" in text and "overskredet" in text and "snart" in text
    r = built.cli(
        "deadlines",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        "2010-11-15",
        "--json",
    )
    [ad] = [o for o in json.loads(r.output)["owed"] if o["kind"] == "job_ad"]
    assert (ad["area"], ad["role"], ad["state"]) == ("Amager", "pedagogical_leader", "overdue")
    assert ad["positions"] == ["Klynge Amager Strand, Solsikken"]


def test_remind_writes_danish_drafts_with_the_form(built: RegistryFixture, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "paamindelser"
    r = built.cli(
        "remind",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        "2010-12-02",
        "--out",
        str(out),
    )
    assert r.exit_code == 0, r.output
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "paamindelse-amager-paedagogisk-leder-ikke-besatte.eml",
        "paamindelse-valby-klyngeleder-ansaettelser.eml",
    ]
    msg = email.message_from_bytes((out / files[1]).read_bytes(), policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == "ll@buf.test.dk"
    assert msg["Cc"].addresses[0].addr_spec == "od@buf.test.dk"
    assert msg["Subject"] == "Rykker: Klyngeleder – Ansættelser – frist onsdag den 1. december 2010"
    body = msg.get_body(("plain",)).get_content()
    assert "Kære Lise Lund" in body
    assert "\n    Klyngeleder – Ansættelser\n" in body  # the exact subject to use
    assert "Fristen var onsdag den 1. december 2010" in body
    [att] = list(msg.iter_attachments())
    assert att.get_filename() == "registreringsskema-klyngeleder-ansaettelser-valby.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(att.get_content()))
    assert [c.value for c in wb["Registrering"][1]][:5] == [
        "Område",
        "Klynge",
        "Navn",
        "E-mail",
        "Tiltrædelsesdato",
    ]
    due = email.message_from_bytes((out / files[0]).read_bytes(), policy=email.policy.default)
    assert due["Subject"].startswith("Påmindelse: Pædagogisk Leder – Registrering af IKKE")
    assert "senest fredag den 3. december 2010" in due.get_body(("plain",)).get_content()


def test_remind_job_ad_lists_the_positions_and_attaches_no_form(
    built: RegistryFixture, tmp_path: Path
) -> None:
    out = tmp_path / "p"
    r = built.cli(
        "remind",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        "2010-11-15",
        "--out",
        str(out),
        "--overdue-only",
    )
    assert r.exit_code == 0, r.output
    [name] = [p.name for p in out.iterdir()]
    assert name == "paamindelse-amager-paedagogisk-leder-stillingsannoncer.eml"
    msg = email.message_from_bytes((out / name).read_bytes(), policy=email.policy.default)
    body = msg.get_body(("plain",)).get_content()
    assert "Det gælder:\n  - Klynge Amager Strand, Solsikken\n" in body
    assert "\n    Pædagogisk Leder - Stillingsannonce\n" in body
    assert list(msg.iter_attachments()) == []


def test_remind_send_via_a_mail_source(built: RegistryFixture, tmp_path: Path) -> None:
    """--send-via hands each reminder to the source (dir: writes what it sends as .eml)."""
    inbox, sent = tmp_path / "indbakke", tmp_path / "sendt"
    inbox.mkdir()
    r = built.cli(
        "remind",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        "2010-12-02",
        "--send-via",
        f"dir:{inbox}?kvitteringer={sent}",
    )
    assert r.exit_code == 0, r.output
    assert "2 påmindelser sendt" in r.output
    subjects = sorted(
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"]
        for p in sent.glob("*.eml")
    )
    assert subjects == [
        "Påmindelse: Pædagogisk Leder – Registrering af IKKE besatte stillinger – frist fredag "
        "den 3. december 2010",
        "Rykker: Klyngeleder – Ansættelser – frist onsdag den 1. december 2010",
    ]


def test_remind_dry_run_writes_nothing(built: RegistryFixture, tmp_path: Path) -> None:
    out = tmp_path / "p"
    r = built.cli(
        "remind",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        "2010-10-05",
        "--out",
        str(out),
        "--dry-run",
        "--json",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["reminders"] == []  # nothing overdue, nothing due within 7 days
    assert not out.exists()


def report(built: RegistryFixture, tmp_path: Path, as_of: str = "2010-12-04") -> tuple[Path, Path]:
    r = built.cli(
        "registry",
        "report",
        "--structure",
        str(built.structure),
        "--registry",
        str(built.path),
        "--as-of",
        as_of,
        "--out",
        str(tmp_path / "oversigt.xlsx"),
    )
    assert r.exit_code == 0, r.output
    return tmp_path / "oversigt.xlsx", tmp_path / "oversigt.docx"


def test_report_workbook_has_counts_lists_and_a_stacked_chart(
    built: RegistryFixture, tmp_path: Path
) -> None:
    import openpyxl

    xlsx, _ = report(built, tmp_path)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["Status"]
    amager = [r[:8] for r in ws.iter_rows(values_only=True) if r and r[0] == "Amager"]
    # Cluster leaders first, then pedagogical leaders.
    assert amager == [("Amager", 0, 0, 0, 1, 0, 0, 1), ("Amager", 0, 1, 0, 0, 0, 0, 1)]
    assert [r for r in wb["Konflikter"].iter_rows(min_row=2, values_only=True)][0][:4] == (
        1,
        "Anna Marie Holm",
        "anna.holm@buf.test.dk",
        "Amager, Valby",
    )
    assert (
        "Pædagogisk leder",
        "Amager",
        "Klynge Amager Strand",
        "Solsikken",
        "Ansøgere registreret",
        "Ingen egnet kandidat",
    ) in list(wb["Genopslag"].iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in wb["Fordeling"].iter_rows(min_row=2, values_only=True)] == [ANNA[0]]
    with zipfile.ZipFile(xlsx) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2  # one per role
        xml = zf.read(charts[0]).decode()
    from lxml import etree

    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    root = etree.fromstring(xml.encode())
    [bar] = root.iter(f"{c}barChart")
    assert bar.find(f"{c}grouping").get("val") == "stacked"
    series = bar.findall(f"{c}ser")
    assert len(series) == 6  # one per status of REGISTRY.md §3
    refs = [s.find(f"{c}val/{c}numRef/{c}f").text for s in series]
    assert refs[3] == "'Status'!$E$5:$E$6"  # 'Besat' over the areas Amager, Valby


@pytest.mark.libreoffice
def test_report_workbook_opens_in_libreoffice(built: RegistryFixture, tmp_path: Path) -> None:
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed")
    from docauto.office.pdf import convert_to_pdf

    xlsx, docx = report(built, tmp_path)
    pdfs = [
        *convert_to_pdf([xlsx], tmp_path / "xlsx-pdf"),
        *convert_to_pdf([docx], tmp_path / "docx-pdf"),
    ]
    assert [p.name for p in pdfs] == ["oversigt.pdf", "oversigt.pdf"]
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF")
        assert pdf.stat().st_size > 5000


def test_report_word_has_every_section(built: RegistryFixture, tmp_path: Path) -> None:
    from docauto.office.docxtext import docx_text

    _, docx = report(built, tmp_path)
    body = docx_text(docx.read_bytes()).body
    for heading in (
        "Besatte og ubesatte stillinger pr. område",
        "Genopslag",
        "Konflikter: samme kandidat ønsket af flere områder",
        "Manglende indsendelser",
        "Endelig fordeling",
        "Meddelelse om ansættelser (til KKnet)",
    ):
        assert heading in body
    assert "Amager | 0 | 0 | 0 | 1 | 0 | 0 | 1" in body
    assert (
        "1 | Anna Marie Holm | anna.holm@buf.test.dk | Amager, Valby | "
        "Amager: Klynge Amager Strand (prioritet 1); Valby: Klynge Valby Syd (prioritet 1)" in body
    )
    assert (
        "Pædagogisk leder | Amager | Klynge Amager Strand | Solsikken | Ansøgere registreret "
        "| Ingen egnet kandidat" in body
    )
    assert "Klyngeleder | Klynge Amager Strand |  | Anna Marie Holm | 1. januar 2011" in body
    # Valby never sent its hires: the KKnet announcement is not offered with 1 of 2 named.
    assert "Anna Marie Holm, Klynge Amager Strand (Amager)" not in body
    assert (
        "Klyngeledere: meddelelsen laves, når alle områder har indsendt deres ansættelser. "
        "Mangler fra: Valby." in body
    )
    assert (
        "Valby | Klyngeleder | Klyngeleder – Ansættelser | 1. december 2010 | overskredet | "
        in body
    )


def test_report_before_any_hire_says_so(built: RegistryFixture, tmp_path: Path) -> None:
    from docauto.office.docxtext import docx_text

    # The registry holds the hire already, so use a fresh, empty one.
    reg = RegistryFixture(tmp_path / "tom")
    _, docx = report(reg, tmp_path, "2010-09-15")
    body = docx_text(docx.read_bytes()).body
    assert "Der er endnu ingen ansættelser at meddele." in body
    assert "Ingen kandidater er indstillet af mere end ét område i samme runde." in body
    assert "Ingen stillinger skal genopslås." in body


def test_status_is_the_registry_as_it_stood_on_the_date(built: RegistryFixture) -> None:
    """December's hire is not Besat on 23.10; the statuses follow from the rows received by then."""
    s = status(built, "2010-10-23")
    kl = s["positions"]["cluster_leader"]
    assert kl["Amager"]["Kandidat indstillet"] == 1 and kl["Amager"]["Besat"] == 0
    assert kl["Valby"]["Ansøgere registreret"] == 1
    # The pedagogical-leader position E001 was opened by the vacancy report of 05.11.
    assert "pedagogical_leader" not in s["positions"]
    assert s["conflicts"] == []
    # Valby had applicants but no candidate when round 1's deadline (22.10) had passed.
    assert s["without_candidate"] == [
        {
            "area": "Valby",
            "role": "cluster_leader",
            "cluster": "Klynge Valby Syd",
            "unit": None,
            "round": 1,
        }
    ]
    assert status(built, "2010-10-22")["without_candidate"] == []  # the deadline day itself
    assert status(built, "2010-10-26")["without_candidate"] == []
    s = status(built, "2010-11-06")
    assert sum(s["positions"]["pedagogical_leader"]["Amager"].values()) == 1
    assert s["positions"]["pedagogical_leader"]["Amager"]["Opslået"] == 1
