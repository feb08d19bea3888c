"""Committee appointment letters (udpegningsbreve): the rule, the report, the letters."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docauto.cli import cli
from docauto.office.docxtext import docx_text


def committee_rows(*args, **kwargs):
    from conftest_recruitment import committee_rows as rows

    return rows(*args, **kwargs)


def write_committees(*args):
    from conftest_recruitment import write_committees as write

    return write(*args)


VESTERBRO_DEPUTY = {"chair": "Dorte Dahl", "chair_email": "dorte.dahl@buf.example.dk"}


def _run(structure: Path, data: Path, out: Path):
    return CliRunner().invoke(
        cli,
        [
            "generate",
            "udpegningsbreve",
            "--structure",
            str(structure),
            "--data",
            str(data),
            "--out",
            str(out),
            "--set",
            "brevdato=2010-09-27",
        ],
    )


def _text(path: Path) -> list[str]:
    return docx_text(path.read_bytes()).all.splitlines()


def test_letters_name_seat_chair_weeks_and_confidentiality(rec_structure_path, tmp_path):
    data = write_committees(
        tmp_path / "u.yaml", committee_rows("K001") + committee_rows("E0007", **VESTERBRO_DEPUTY)
    )
    out = tmp_path / "out"
    result = _run(rec_structure_path, data, out)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    # 8 members each, but the chair gets the overview instead of a letter appointing herself.
    assert len(names) == 2 * (7 + 1)
    assert not [n for n in names if "formand" in n]
    lines = _text(out / "udpegningsbrev-K001-medarbejderrepraesentant-2.docx")
    # The letter head: addressee at the left, the letter's date at the right.
    assert lines[0] == "Mia Medarbejder K001 / mia.K001@buf.example.dk | 27. september 2010"
    assert any(
        "Du er udpeget som lokal medarbejderrepræsentant i vurderingsudvalget for stillingen "
        "som klyngeleder i Klynge Sundby, Nord (K001). Du er udpeget af personalemødet." == ln
        for ln in lines
    )
    assert "Udvalgets formand er Anne Andersen, områdechef i område Amager." in lines
    assert "Ansættelsessamtaler: | uge 42 og 45" in lines
    assert "Ansøgningsfrist: | fredag den 8. oktober 2010" in lines
    # The committee's timetable is in the overview, not in the one-page letter; the letter
    # names none of HR's internal steps.
    assert not any("indsender" in ln or "Registrering af" in ln for ln in lines)
    assert "Tavshedspligt" in lines and any("tavshedspligt om alt" in ln for ln in lines)
    assert any("kopieres, og det skal afleveres til formanden, når" in ln for ln in lines)
    # A pedagogical-leader committee chaired by the area's deputy.
    lines = _text(out / "udpegningsbrev-E0007-hr-konsulent.docx")
    assert "Udvalgets formand er Dorte Dahl, souschef i område Vesterbro." in lines
    assert "Som HR-konsulent deltager du efter behov og uden stemmeret." in lines
    assert "Ansættelsessamtaler: | uge 48" in lines
    # Only dates the plan has: week 47/48/50, not Fridays computed from them.
    assert not any(d in " ".join(lines) for d in ("26. november", "3. december", "17. december"))
    overview = _text(out / "vurderingsudvalg-K001-oversigt.docx")
    assert "Formand: | Anne Andersen, områdechef" in overview
    assert "Til: | Anne Andersen" in overview
    assert any(
        ln.startswith("Uge 42 | 1. samtalerunde") and ln.endswith("| 22. oktober 2010")
        for ln in overview
    )
    assert (
        "lokal ledelsesrepræsentant | Lene Leder K001 | ledergruppen | "
        "lene.K001@buf.example.dk | 33 66 00 01"
    ) in overview


def _break(rows: list[dict], how: str) -> list[dict]:
    rows = [dict(r) for r in rows]
    if how == "unknown position":
        for r in rows:
            r["Stilling"] = "K999"
    elif how == "two in one seat":
        rows[3]["Sæde"] = "Medarbejderrepræsentant 1"
    elif how == "chair from another area":
        rows[0].update({"Navn": "Carl Clausen", "E-mail": "carl.clausen@buf.example.dk"})
    elif how == "invalid e-mail":
        rows[4]["E-mail"] = "frida(at)example.com"
    elif how == "unknown seat":
        rows[6]["Sæde"] = "Kasserer"
    elif how == "one person two seats":
        rows[5].update({"Navn": rows[1]["Navn"], "E-mail": rows[1]["E-mail"]})
    elif how == "missing seat":
        del rows[6]
    elif how == "chair not a chief":
        rows[0].update({"Navn": "Ole Olsen", "E-mail": "ole@buf.example.dk"})
    return rows


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        (
            "unknown position",
            ["vurderingsudvalg K999, sæde '–': stillingen 'K999' findes ikke i strukturen"],
        ),
        (
            "two in one seat",
            [
                "vurderingsudvalg K002 (Klynge Kastrupvej), sæde 'lokal medarbejderrepræsentant 1': "
                "2 personer i samme sæde (",
                "række 11, 12; linje 62, 68)",
            ],
        ),
        (
            "chair from another area",
            [
                "sæde 'formand': Carl Clausen er områdechef i område Vesterbro, "
                "ikke i område Amager",
                "række 9, linje ",
            ],
        ),
        (
            "invalid e-mail",
            [
                "sæde 'repræsentant for forældrebestyrelserne': 'frida(at)example.com' er "
                "ikke en gyldig e-mailadresse",
                "række 13, linje ",
            ],
        ),
        ("unknown seat", ["sæde 'Kasserer': sædet 'Kasserer' kendes ikke", "række 15, linje "]),
        (
            "one person two seats",
            [
                "Lene Leder K002 har allerede sædet 'lokal ledelsesrepræsentant'; "
                "ingen må have to sæder",
                "række 10, 14; linje ",
            ],
        ),
        ("missing seat", ["sæde 'pædagogisk-faglig konsulent': mangler; reglen er 1"]),
        (
            "chair not a chief",
            ["sæde 'formand': Ole Olsen er hverken områdechef eller souschef i område Amager"],
        ),
    ],
)
def test_violation_is_reported_and_that_committee_gets_no_letters(
    rec_structure_path, tmp_path, how, expected
):
    rows = committee_rows("K001") + _break(committee_rows("K002"), how)
    data = write_committees(tmp_path / "udvalg.yaml", rows)
    out = tmp_path / "out"
    result = _run(rec_structure_path, data, out)
    assert result.exit_code == 1
    report = [ln for ln in result.output.splitlines() if ln.startswith("vurderingsudvalg ")]
    assert len(report) >= 1
    line = next((ln for ln in report if expected[0] in ln), None)
    assert line is not None, result.output
    assert all(part in line for part in expected), line
    assert "udvalg.yaml" in line and "ark 'Vurderingsudvalg'" in line
    assert "1 vurderingsudvalg opfylder ikke reglen" in result.output
    names = [p.name for p in out.iterdir()]
    assert not [n for n in names if "K002" in n or "K999" in n]
    assert len([n for n in names if "-K001-" in n]) == 8  # the good committee is written


def test_workbook_input_with_title_row_and_located_rows(rec_structure_path, tmp_path):
    rows = committee_rows("K001") + _break(committee_rows("K002"), "invalid e-mail")
    path = tmp_path / "udvalg.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Vurderingsudvalg"
    ws.append(["Vurderingsudvalg, område Amager"])
    ws.append([])
    headers = list(rows[0])
    ws.append(headers)
    for r in rows:
        ws.append([r[h] for h in headers])
    wb.save(path)
    out = tmp_path / "out"
    result = _run(rec_structure_path, path, out)
    assert result.exit_code == 1
    # Row 13 of the list is Excel row 3 + 13 = 16.
    assert "udvalg.xlsx, ark 'Vurderingsudvalg', række 16" in result.output
    assert len(list(out.glob("udpegningsbrev-K001-*.docx"))) == 7  # no letter to the chair


def test_missing_columns_or_data_is_an_input_error(rec_structure_path, tmp_path):
    path = tmp_path / "udvalg.yaml"
    path.write_text("Vurderingsudvalg:\n- Stilling: K001\n  Navn: X\n", encoding="utf-8")
    result = _run(rec_structure_path, path, tmp_path / "out")
    assert result.exit_code == 2 and "mangler Sæde" in result.output
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "udpegningsbreve",
            "--structure",
            str(rec_structure_path),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2 and "--data" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--only", "K001"], {"K001"}),
        (["--area", "Vesterbro"], {"E0007"}),
        (["--only", "Klynge Kastrupvej"], set()),  # the broken one alone: reported, nothing written
    ],
)
def test_only_and_area_select_committees(rec_structure_path, tmp_path, args, expected):
    rows = (
        committee_rows("K001")
        + committee_rows("E0007", **VESTERBRO_DEPUTY)
        + _break(committee_rows("K002"), "two in one seat")
    )
    data = write_committees(tmp_path / "u.yaml", rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "udpegningsbreve",
            "--structure",
            str(rec_structure_path),
            "--data",
            str(data),
            "--out",
            str(out),
            *args,
        ],
    )
    written = {p.name.split("-")[1] for p in out.iterdir()} if out.exists() else set()
    assert written == expected
    assert result.exit_code == (0 if expected else 1)
    assert ("K002" in result.output) == (not expected)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("cluster_leader", "2010-10-01"), ("pedagogical_leader", "2010-11-15")],
)
def test_letters_are_dated_before_the_dates_they_announce(role, expected):
    import datetime as dt

    from docauto.recruitment.kinds.committee import letter_date
    from docauto.recruitment.timeline import load_timeline

    plan = load_timeline()
    day = letter_date(plan, role)
    assert day == dt.date.fromisoformat(expected)
    timeline = plan.timeline(role)
    assert day < timeline.application_deadline
    assert all(day <= s.start for s in timeline.steps if s.id == "opslag" and s.start)


def test_appointed_by_reads_mid_sentence():
    from docauto.recruitment.committees import mid_sentence

    units = {"Fritidsinstitutionen Isbjørnen"}
    assert mid_sentence("Lederne i Klynge Valby", units) == "lederne i Klynge Valby"
    assert (
        mid_sentence("Lederne i Fritidsinstitutionen Isbjørnen", units)
        == "lederen af Fritidsinstitutionen Isbjørnen"
    )
    assert mid_sentence("MED-udvalget", units) == "MED-udvalget"
