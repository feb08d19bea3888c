"""The lean .xlsx reader gives exactly the values openpyxl's data_only mode gives."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docauto.mail.message import parse_mail
from docauto.mail.readers.xlsxgrid import read_grids
from docauto.resources import data_dir

DEMO_MAILBOX = data_dir() / "demo" / "indbakke"


def openpyxl_grids(data: bytes) -> list[tuple[str, str, dict, list]]:
    """openpyxl's data_only values; a formula without a cached value gives its text (issue 16)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    out = []
    for ws in wb.worksheets:
        fws = formulas[ws.title]
        cells = {(r, c): cell.value for (r, c), cell in ws._cells.items() if cell.value is not None}
        for (r, c), cell in fws._cells.items():
            if (r, c) not in cells and cell.data_type == "f" and isinstance(cell.value, str):
                cells[(r, c)] = cell.value
        merged = sorted(
            (m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges
        )
        out.append((ws.title, ws.sheet_state, cells, merged))
    return out


def fast_grids(data: bytes) -> list[tuple[str, str, dict, list]]:
    grids = read_grids(data, 10_000, 1_000)
    assert grids is not None
    return [(g.title, g.state, g.cells, sorted(g.merged)) for g in grids]


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def workbook_with_everything(epoch_1904: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    if epoch_1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Registrering"
    ws.append(["Skema for Amager"])
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(["Område", "Klynge", "Ansøger", "Tiltrædelsesdato", "Prioritet", "Aktiv", "Tid"])
    ws.append(["Amager", "Klynge Ø", "Åse Ærø", dt.date(2010, 10, 8), 1, True, dt.time(13, 30)])
    ws.append(
        [
            "Amager",
            "Klynge Ø",
            "=Ikke en formel",
            dt.datetime(2011, 1, 1, 8, 0),
            2.5,
            False,
            dt.timedelta(hours=1, minutes=30),
        ]
    )
    ws["A6"] = "Amager"
    ws.merge_cells("A6:A8")
    ws["H4"].number_format = "0.00%"
    ws["H4"] = 0.125
    ws["I4"] = 123456789012
    ws["J4"] = "  mellemrum  "
    hidden = wb.create_sheet("Skjult")
    hidden.sheet_state = "hidden"
    hidden["B2"] = "x"
    wb.create_sheet("Tom")
    return _save(wb)


def _with_cached_formula(data: bytes) -> bytes:
    """Write a formula with a cached result into sheet1, as Excel would save it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                blob = blob.replace(
                    b"</sheetData>",
                    b'<row r="20"><c r="A20" t="str"><f>UPPER("a")</f><v>A</v></c>'
                    b'<c r="B20"><f>1+1</f><v>2</v></c>'
                    b'<c r="C20" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
                    b'<c r="D20" t="inlineStr"><is><t>inline</t></is></c>'
                    b'<c r="E20" t="b"><v>1</v></c></row></sheetData>',
                )
            zf.writestr(info, blob)
    return out.getvalue()


CASES = {
    "everything": workbook_with_everything(),
    "1904": workbook_with_everything(epoch_1904=True),
    "formulas": _with_cached_formula(workbook_with_everything()),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_values_as_openpyxl(name: str) -> None:
    data = CASES[name]
    assert fast_grids(data) == openpyxl_grids(data)


def test_registration_forms_read_alike() -> None:
    from docauto.demo.municipality import demo_structure_path
    from docauto.recruitment.kinds.forms import build_form
    from docauto.structure.model import load_structure

    structure = load_structure(demo_structure_path())
    area = next(iter(structure.areas))
    for role in ("cluster_leader", "pedagogical_leader"):
        for kind in ("applicants", "candidates", "hires"):
            data = build_form(structure, area, role, kind)
            assert fast_grids(data) == openpyxl_grids(data)


def test_demo_mailbox_attachments_read_alike() -> None:
    seen = 0
    for path in sorted(DEMO_MAILBOX.glob("*.eml")):
        for att in parse_mail(path.read_bytes(), path.name).attachments:
            if att.filename.lower().endswith(".xlsx") and zipfile.is_zipfile(io.BytesIO(att.data)):
                assert fast_grids(att.data) == openpyxl_grids(att.data), path.name
                seen += 1
    assert seen >= 10


def test_unusual_packages_fall_back_to_openpyxl() -> None:
    data = workbook_with_everything()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                blob = blob.replace(b' r="A4"', b"")  # a cell without its reference
            zf.writestr(info, blob)
    assert read_grids(out.getvalue(), 100, 100) is None


def test_bounds_are_kept() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "inde"
    wb.active["Z5000"] = "ude"
    grids = read_grids(_save(wb), 100, 10)
    assert grids is not None and grids[0].cells == {(1, 1): "inde"}


def test_it_is_used_by_the_reader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from docauto.mail.message import Attachment
    from docauto.mail.readers import read_submission

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Registrering"
    ws.append(
        ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"]
    )
    ws.append(["Amager", "Klynge Ø", "Åse", "a@b.dk", "Leder", "Huset"])
    att = Attachment(
        "s.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _save(wb)
    )
    fast = read_submission(att, "cluster_leader", "applicants")

    def no_openpyxl(*_a, **_k):
        raise AssertionError("openpyxl was used")

    monkeypatch.setattr(openpyxl, "load_workbook", no_openpyxl)
    again = read_submission(att, "cluster_leader", "applicants")
    assert [r.values for r in again.rows] == [r.values for r in fast.rows]
    assert again.rows[0].values["Ansøger"] == "Åse"


def test_dates_are_read_as_openpyxl_reads_them() -> None:
    """The lean reader's copy of openpyxl's date handling gives openpyxl's answers (it is kept
    so that reading a form does not import openpyxl)."""
    import random

    from openpyxl.styles import numbers
    from openpyxl.utils import datetime as xl

    from docauto.mail.readers import xlsxgrid

    assert xlsxgrid.BUILTIN_FORMATS == numbers.BUILTIN_FORMATS
    formats = [
        *numbers.BUILTIN_FORMATS.values(),
        "dd-mm-yyyy",
        "dd-mm-yyyy hh:mm",
        "[$-406]d. mmmm yyyy;@",
        '"Uge" 0',
        "[Red]0.00",
        "[h]:mm",
        "[mm]:ss.00",
        "yyyy-mm-dd;[Red]0",
        "_-* #,##0.00 kr._-",
    ]
    for fmt in formats:
        assert xlsxgrid.is_date_format(fmt) == numbers.is_date_format(fmt), fmt
        assert xlsxgrid.is_timedelta_format(fmt) == numbers.is_timedelta_format(fmt), fmt
    rng = random.Random(15)
    serials = [0, 0.5, 1, 59, 60, 61, 40452, 40452.999994, 2958465.5]
    serials += [rng.uniform(0, 80000) for _ in range(500)] + [
        rng.randint(1, 80000) for _ in range(200)
    ]

    def outcome(fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except Exception as exc:  # e.g. OverflowError past year 9999: the same error
            return type(exc)

    for value in serials:
        for epoch in (xlsxgrid.WINDOWS_EPOCH, xlsxgrid.CALENDAR_MAC_1904):
            ours = outcome(xlsxgrid.from_excel, value, epoch)
            assert ours == outcome(xl.from_excel, value, epoch), value
        ours = outcome(xlsxgrid.from_excel, value, timedelta=True)
        assert ours == outcome(xl.from_excel, value, timedelta=True), value
    from openpyxl.utils.cell import coordinate_to_tuple

    for ref in ["A1", "b7", "XFD1048576", "$C$3", "AA10", "ZZZ1"]:
        assert xlsxgrid._split_ref(ref) == coordinate_to_tuple(ref.replace("$", "")), ref


def test_reading_a_form_does_not_import_openpyxl(tmp_path: Path) -> None:
    """Every ingest worker reads forms; importing openpyxl would cost each one ~0.3 s."""
    import subprocess
    import sys

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Navn", "Tiltrædelsesdato"])
    ws.append(["Karen", dt.datetime(2010, 12, 1)])
    ws["B2"].number_format = "dd-mm-yyyy"
    path = tmp_path / "form.xlsx"
    wb.save(path)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from docauto.mail.readers.xlsxgrid import read_grids\n"
        f"grids = read_grids(Path({str(path)!r}).read_bytes(), 100, 10)\n"
        "print(grids[0].cells[(2, 2)].isoformat(), 'openpyxl' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["2010-12-01T00:00:00", "False"]
