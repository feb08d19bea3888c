"""What HR did to the registry by hand survives every ingest run."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from conftest_registry import NORD, XLSX, mail, sheet, xlsx_form
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

HEADER = ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"]


def _applicants(n: int, first: int = 0) -> bytes:
    rows = [
        [
            "Nord",
            "Klynge Nordhavn",
            f"Ansøger {first + i}",
            f"a{first + i}@buf.test.dk",
            "Leder",
            "Huset",
        ]
        for i in range(n)
    ]
    return xlsx_form(HEADER, rows)


def _edit_by_hand(hr_registry: Path) -> None:
    wb = openpyxl.load_workbook(hr_registry)
    ws = wb["Ansøgninger"]
    # A first registration already there, with HR's notes beside it.
    ws.append(
        [
            "Klyngeleder",
            "Nord",
            "Klynge Nordhavn",
            None,
            "Tidligere Ansøger",
            "t@buf.test.dk",
            "Leder",
            "Huset",
            None,
            "<manual@hr>",
        ]
    )
    ws["K1"] = "HR-note"
    ws["K2"] = "Ringet op 14/10"
    ws["L1"] = "Score"
    ws["L2"] = 0.875
    ws["L2"].number_format = "0.0%"
    ws["E2"].fill = PatternFill("solid", start_color="FFFFFF00")
    ws["E2"].comment = Comment("Tjek reference", "HR")
    ws["E2"].font = Font(italic=True)
    ws.auto_filter.ref = "A1:L2"
    ws.freeze_panes = "C2"
    ws.column_dimensions["K"].width = 41
    dv = DataValidation(type="list", formula1='"Ja,Nej"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("M2:M500")
    ws.conditional_formatting.add(
        "L2:L500",
        CellIsRule(
            operator="greaterThan",
            formula=["0.8"],
            fill=PatternFill("solid", start_color="FF00FF00"),
        ),
    )
    # HR's own sheet with a formula of theirs, and a formula in the registry sheets.
    own = wb.create_sheet("HR noter")
    own["A1"] = "Møde 4/11"
    own["B1"] = "=COUNTA(Ansøgninger!E:E)-1"
    wb["Stillinger"]["I1"] = "Ansvarlig"
    wb["Stillinger"]["I2"] = "Karen"
    wb["Stillinger"].row_dimensions[3].height = 30
    wb.save(hr_registry)


def test_hand_edits_survive_ingest(hr_registry: Path, hr_mailbox, hr_ingest) -> None:
    _edit_by_hand(hr_registry)
    hr_mailbox.add(
        mail(
            "Klyngeleder – Registrering af ansøgningerne",
            NORD,
            [("skema.xlsx", XLSX, _applicants(3))],
        )
    )
    summary = hr_ingest()
    assert summary["registered"] == 1 and summary["rows"] == 3

    wb = openpyxl.load_workbook(hr_registry)
    ws = wb["Ansøgninger"]
    assert ws["K1"].value == "HR-note" and ws["K2"].value == "Ringet op 14/10"
    assert ws["L2"].value == 0.875 and ws["L2"].number_format == "0.0%"
    assert ws["E2"].fill.start_color.rgb == "FFFFFF00"
    assert ws["E2"].comment is not None and ws["E2"].comment.text == "Tjek reference"
    assert ws["E2"].font.italic
    assert ws.freeze_panes == "C2"
    assert ws.column_dimensions["K"].width == 41
    assert any("M2:M500" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert any("L2:L500" in str(rng.sqref) for rng in ws.conditional_formatting)
    # The filter grew to cover the new rows; HR's columns kept.
    assert ws.auto_filter.ref == "A1:L5"
    assert [ws.cell(row=r, column=5).value for r in range(2, 6)] == [
        "Tidligere Ansøger",
        "Ansøger 0",
        "Ansøger 1",
        "Ansøger 2",
    ]
    assert ws["K3"].value is None  # a new row does not write into HR's columns
    assert wb["HR noter"]["A1"].value == "Møde 4/11"
    assert wb["HR noter"]["B1"].value == "=COUNTA(Ansøgninger!E:E)-1"
    assert wb["Stillinger"]["I2"].value == "Karen"
    assert wb["Stillinger"].row_dimensions[3].height == 30


def test_columns_found_by_header_when_hr_moves_them(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    wb = openpyxl.load_workbook(hr_registry)
    ws = wb["Ansøgninger"]
    ws.insert_cols(1)
    ws["A1"] = "Nr."
    # Title row above the header, as HR might add it.
    ws.insert_rows(1)
    ws["A1"] = "Ansøgninger – klyngeledere 2010"
    wb.save(hr_registry)
    hr_mailbox.add(
        mail(
            "Klyngeleder – Registrering af ansøgningerne",
            NORD,
            [("skema.xlsx", XLSX, _applicants(1))],
        )
    )
    assert hr_ingest()["rows"] == 1
    ws = openpyxl.load_workbook(hr_registry)["Ansøgninger"]
    assert ws["A1"].value == "Ansøgninger – klyngeledere 2010"
    assert ws["A3"].value is None and ws["F3"].value == "Ansøger 0"
    rows = sheet(hr_registry, "Ansøgninger")
    assert rows[0]["Ansøger"] == "Ansøger 0" and rows[0]["Klynge"] == "Klynge Nordhavn"


def test_one_save_per_run_and_a_backup_of_the_previous_file(
    hr_registry: Path, hr_mailbox, hr_ingest, monkeypatch
) -> None:
    from docauto.registry.workbook import backup_path
    from docauto.registry.writer import RegistryWriter

    saves = []
    original = RegistryWriter.save

    def counting(self, **kw) -> None:
        saves.append(1)
        original(self, **kw)

    monkeypatch.setattr(RegistryWriter, "save", counting)
    before = hr_registry.read_bytes()
    for i in range(5):
        hr_mailbox.add(
            mail(
                "Klyngeleder – Registrering af ansøgningerne",
                NORD,
                [("skema.xlsx", XLSX, _applicants(1, first=i))],
            )
        )
    assert hr_ingest()["registered"] == 5
    assert len(saves) == 1
    assert backup_path(hr_registry).read_bytes() == before
    assert len(sheet(hr_registry, "Ansøgninger")) == 5
    # Nothing new: no save at all.
    assert hr_ingest()["registered"] == 0
    assert len(saves) == 1


def test_an_excel_table_hr_made_grows_with_the_rows(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = openpyxl.load_workbook(hr_registry)
    ws = wb["Indstillinger"]
    ws.auto_filter.ref = None  # a table brings its own filter
    ws.append(
        [
            1,
            "Klyngeleder",
            "Nord",
            "Klynge Nordhavn",
            None,
            "Gammel Kandidat",
            "g@buf.test.dk",
            1,
            None,
            "<old@x>",
        ]
    )
    table = Table(displayName="HRIndstillinger", ref="A1:J2")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    ws.add_table(table)
    wb.save(hr_registry)
    form = xlsx_form(
        ["Område", "Klynge", "Kandidat", "E-mail", "Prioritet"],
        [
            ["Nord", "Klynge Nordhavn", "Ny Kandidat", "n@buf.test.dk", 1],
            ["Nord", "Klynge Nordhavn", "Anden Kandidat", "a@buf.test.dk", 2],
        ],
    )
    hr_mailbox.add(mail("Klyngeleder – Registrering af kandidaten", NORD, [("k.xlsx", XLSX, form)]))
    assert hr_ingest()["rows"] == 2
    ws = openpyxl.load_workbook(hr_registry)["Indstillinger"]
    assert ws.tables["HRIndstillinger"].ref == "A1:J4"
    assert [r["Kandidat"] for r in sheet(hr_registry, "Indstillinger")] == [
        "Gammel Kandidat",
        "Ny Kandidat",
        "Anden Kandidat",
    ]
