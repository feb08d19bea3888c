"""Registration forms (.xlsx): REGISTRY.md §2 columns, drop-downs, validation, protection."""

from __future__ import annotations

import io

import openpyxl
import pytest
from click.testing import CliRunner

from docauto.cli import cli
from docauto.recruitment.kinds.forms import build_form

EXPECTED = {
    ("cluster_leader", "applicants"): [
        "Område",
        "Klynge",
        "Ansøger",
        "E-mail",
        "Nuværende stilling",
        "Nuværende arbejdssted",
    ],
    ("pedagogical_leader", "applicants"): [
        "Område",
        "Klynge",
        "Enhed",
        "Ansøger",
        "E-mail",
        "Nuværende stilling",
        "Nuværende arbejdssted",
    ],
    ("cluster_leader", "candidates"): ["Område", "Klynge", "Kandidat", "E-mail", "Prioritet"],
    ("pedagogical_leader", "candidates"): [
        "Område",
        "Klynge",
        "Enhed",
        "Kandidat",
        "E-mail",
        "Prioritet",
    ],
    ("cluster_leader", "unfilled"): ["Område", "Klynge", "Enhed", "Bemærkning"],
    ("pedagogical_leader", "unfilled"): ["Område", "Klynge", "Enhed", "Bemærkning"],
    ("cluster_leader", "hires"): ["Område", "Klynge", "Navn", "E-mail", "Tiltrædelsesdato"],
    ("pedagogical_leader", "hires"): [
        "Område",
        "Klynge",
        "Enhed",
        "Navn",
        "E-mail",
        "Tiltrædelsesdato",
    ],
    ("pedagogical_leader", "vacancies"): ["Område", "Klynge", "Enhed", "Bemærkning"],
}


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _validation_for(ws, column_letter: str):
    for dv in ws.data_validations.dataValidation:
        if any(str(rng).startswith(f"{column_letter}2:") for rng in dv.sqref.ranges):
            return dv
    return None


def _list_values(wb: openpyxl.Workbook, formula: str) -> list[str]:
    sheet, ref = formula.lstrip("=").split("!")
    ws = wb[sheet.strip("'")]
    return [c.value for row in ws[ref.replace("$", "")] for c in row]


def _column(ws, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column_letter
    raise AssertionError(f"no column {header}")


@pytest.mark.parametrize(("role", "kind"), list(EXPECTED))
def test_header_row_is_first_row_exactly(rec_structure, role, kind):
    wb = _open(build_form(rec_structure, "Amager", role, kind))
    assert wb.sheetnames[0] == "Registrering"
    ws = wb["Registrering"]
    assert [c.value for c in ws[1] if c.value is not None] == EXPECTED[(role, kind)]
    assert ws.max_row == 51  # header + 50 pre-sized rows, all empty
    assert all(c.value is None for row in ws.iter_rows(min_row=2) for c in row)


@pytest.mark.parametrize("area", ["Amager", "Vesterbro"])
def test_dropdowns_hold_exactly_the_areas_clusters_and_units(rec_structure, area):
    wb = _open(build_form(rec_structure, area, "pedagogical_leader", "candidates"))
    ws = wb["Registrering"]
    # The network K003 in Vesterbro is no position of the municipality's: not in the lists.
    municipal = [c for c in rec_structure.clusters_in(area) if not c.is_network]
    clusters = [c.name for c in municipal]
    units = [u.name for c in municipal for u in c.units]
    assert "Netværk Enghave" not in clusters
    assert _list_values(wb, _validation_for(ws, _column(ws, "Klynge")).formula1) == clusters
    assert _list_values(wb, _validation_for(ws, _column(ws, "Enhed")).formula1) == units
    assert _list_values(wb, _validation_for(ws, _column(ws, "Område")).formula1) == [area]
    assert wb["Lister"].sheet_state == "hidden"


def test_priority_is_a_whole_number_and_dates_are_dates(rec_structure):
    wb = _open(build_form(rec_structure, "Amager", "cluster_leader", "candidates"))
    ws = wb["Registrering"]
    dv = _validation_for(ws, _column(ws, "Prioritet"))
    assert dv.type == "whole" and dv.formula1 == "1"
    wb = _open(build_form(rec_structure, "Amager", "pedagogical_leader", "hires"))
    ws = wb["Registrering"]
    col = _column(ws, "Tiltrædelsesdato")
    assert _validation_for(ws, col).type == "date"
    assert ws[f"{col}2"].number_format == "DD-MM-YYYY"
    assert ws[f"{col}51"].number_format == "DD-MM-YYYY"


def test_header_protected_data_rows_unlocked(rec_structure):
    ws = _open(build_form(rec_structure, "Amager", "cluster_leader", "applicants"))["Registrering"]
    assert ws.protection.sheet is True
    assert all(c.protection.locked for c in ws[1])
    assert not ws["A2"].protection.locked and not ws["F51"].protection.locked


@pytest.mark.parametrize(
    ("role", "kind", "rnd", "subject", "deadline"),
    [
        (
            "cluster_leader",
            "applicants",
            None,
            "Klyngeleder – Registrering af ansøgningerne",
            "fredag den 15. oktober 2010",
        ),
        (
            "cluster_leader",
            "candidates",
            2,
            "Klyngeleder – Registrering af kandidaten 2. runde",
            "fredag den 12. november 2010",
        ),
        (
            "pedagogical_leader",
            "unfilled",
            None,
            "Pædagogisk Leder – Registrering af IKKE besatte stillinger",
            "fredag den 3. december 2010",
        ),
    ],
)
def test_guide_prints_subject_and_deadline(rec_structure, role, kind, rnd, subject, deadline):
    wb = _open(build_form(rec_structure, "Amager", role, kind, rnd))
    guide: dict = {}
    for r in wb["Vejledning"].iter_rows():
        if r[0].value:
            guide.setdefault(r[0].value, r[1].value)  # the column help below repeats "Område"
    assert guide["Emnefelt"] == subject
    assert guide["Frist"] == deadline
    assert guide["Område"] == "Amager"
    assert guide["Send til"] == "jobbank@buf.demokommune.dk"
    ws = wb["Registrering"]
    assert deadline in ws.oddHeader.right.text
    assert subject in ws.oddFooter.left.text


def test_unknown_area_is_refused(rec_structure):
    from docauto.errors import UsageError

    with pytest.raises(UsageError, match="ukendt område 'Nørrebro'"):
        build_form(rec_structure, "Nørrebro", "cluster_leader", "applicants")


def test_generate_writes_one_form_per_area_and_submission(rec_structure_path, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "registreringsskemaer",
            "--structure",
            str(rec_structure_path),
            "--out",
            str(out),
            "--set",
            "rolle=klyngeleder",
            "--area",
            "Vesterbro",
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "registreringsskema-klyngeleder-ansaettelser-vesterbro.xlsx",
        "registreringsskema-klyngeleder-ansoegere-vesterbro.xlsx",
        "registreringsskema-klyngeleder-kandidater-runde-1-vesterbro.xlsx",
        "registreringsskema-klyngeleder-kandidater-runde-2-vesterbro.xlsx",
    ]
    wb = openpyxl.load_workbook(out / names[2])
    ws = wb["Registrering"]
    assert _list_values(wb, _validation_for(ws, "B").formula1) == ["Klynge Vesterbro Syd"]


def test_generate_both_roles_counts(rec_structure_path, tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "registreringsskemaer",
            "--structure",
            str(rec_structure_path),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 0, result.output
    # 2 areas x (4 cluster-leader + 4 pedagogical-leader submissions)
    assert len(list((tmp_path / "o").glob("*.xlsx"))) == 16
