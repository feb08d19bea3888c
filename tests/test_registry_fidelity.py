"""What HR built in the registry survives ingest byte for byte (issue 15).

Registries "edited by HR" three ways: with openpyxl + Pillow (a picture, a chart, a comment, a
typed row of totals, HR's own sheet), with hand-written OOXML parts no Python library makes
(x14 validations and sparklines in the sheets' extLst, custom XML, slicer, threaded comments,
an Excel table with a totals row), and saved by LibreOffice itself. Each gets ten ingest runs;
then every part but the owned worksheets (and their tables) is byte-identical, styles.xml only
gained entries, and the owned sheets read back with the expected values through openpyxl and
through LibreOffice's CSV export (which also shows LibreOffice opens the file).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from conftest_registry import NORD, XLSX, mail, sheet, stream_sheets, xlsx_form

from docauto.errors import RegistryError
from docauto.registry import schema
from docauto.registry.ooxml import Package, relationships
from docauto.registry.writer import _Workbook

HEADER = ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"]
RUNS = 10
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def owned_parts(path: Path) -> set[str]:
    pkg = Package(path)
    try:
        wb = _Workbook(pkg)
        out = set()
        for name in [*schema.SHEETS, schema.STATE_SHEET]:
            if name in wb.sheets:
                part = wb.sheets[name]
                out.add(part)
                out |= {r["part"] for r in relationships(pkg, part) if r["Type"].endswith("/table")}
        return out
    finally:
        pkg.close()


def _applicant_mail(i: int) -> bytes:
    rows = [
        ["Nord", "Klynge Nordhavn", f"Ansøger {i}a", f"a{i}@buf.test.dk", "Leder", "Huset"],
        # Text that looks like a formula stays text.
        ["Nord", "Klynge Nordhavn", f'=HYPERLINK("x") {i}b', f"b{i}@buf.test.dk", "-", "Huset"],
    ]
    return mail(
        "Klyngeleder – Registrering af ansøgningerne",
        NORD,
        [("skema.xlsx", XLSX, xlsx_form(HEADER, rows))],
        message_id=f"<fid-{i}@buf.test.dk>",
    )


def _png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (60, 30), "white")
    ImageDraw.Draw(img).rectangle([5, 5, 55, 25], fill="red")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _first_row(ws) -> None:
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


# -- the three ways HR edits ---------------------------------------------------------------


def edit_with_openpyxl(path: Path) -> None:
    """A picture, a chart on HR's sheet, a comment, colours, a typed row of totals."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.styles import PatternFill

    wb = openpyxl.load_workbook(path)
    ws = wb["Ansøgninger"]
    _first_row(ws)
    ws["K1"] = "HR-note"
    ws["K2"] = "Ringet op 14/10"
    ws["E2"].fill = PatternFill("solid", start_color="FFFFFF00")
    ws["E2"].comment = Comment("Tjek reference", "HR")
    ws["A4"] = "I alt"
    ws["E4"] = "=COUNTA(E2:E2)"
    ws.add_image(Image(io.BytesIO(_png())), "M2")
    own = wb.create_sheet("HR overblik")
    own["A1"] = "Klynge"
    own["B1"] = "Antal"
    own.append(["Nordhavn", 3])
    own.append(["Sydhavn", 5])
    chart = BarChart()
    chart.add_data(Reference(own, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    own.add_chart(chart, "D2")
    wb.save(path)


X14_VALIDATION = (
    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    b'<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    b"<x14:formula1><xm:f>'HR lister'!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>M2:M500</xm:sqref>"
    b"</x14:dataValidation></x14:dataValidations></ext></extLst>"
)
X14_SPARKLINES = (
    b'<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    b'<x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/>'
    b"<x14:sparklines><x14:sparkline><xm:f>Indbakke!H2:H2</xm:f><xm:sqref>K2</xm:sqref>"
    b"</x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>"
)
HAND_PARTS = {
    "customXml/item1.xml": b'<?xml version="1.0"?><hr xmlns="urn:kommune:hr">Intern</hr>',
    "customXml/itemProps1.xml": (
        b'<?xml version="1.0"?><ds:datastoreItem ds:itemID="{6A2B1E6C-1F1B-4E43-9E0B-2B4C9A1D0E11}"'
        b' xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>'
    ),
    "xl/slicers/slicer1.xml": (
        b'<?xml version="1.0"?><slicers xmlns="http://schemas.microsoft.com/office/'
        b'spreadsheetml/2009/9/main"><slicer name="Klynge" cache="Udsnitsv\xc3\xa6rkt\xc3\xb8j_Klynge"'
        b' caption="Klynge" rowHeight="241300"/></slicers>'
    ),
    "xl/threadedComments/threadedComment1.xml": (
        b'<?xml version="1.0"?><ThreadedComments xmlns="http://schemas.microsoft.com/office/'
        b'spreadsheetml/2018/threadedcomments"><threadedComment ref="E2" dT="2010-10-14T09:30:00"'
        b' personId="{00000000-0000-0000-0000-000000000001}" id="{00000000-0000-0000-0000-0000000'
        b'00002}"><text>Ring tilbage</text></threadedComment></ThreadedComments>'
    ),
}


def edit_by_hand(path: Path) -> None:
    """An Excel table with a totals row, then parts no library writes, added to the zip."""
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = openpyxl.load_workbook(path)
    ws = wb["Ansøgninger"]
    ws.auto_filter.ref = None  # a table brings its own filter
    _first_row(ws)
    ws["A3"] = "I alt"
    ws["E3"] = "=SUBTOTAL(103,HRAnsoegninger[Ansøger])"
    table = Table(displayName="HRAnsoegninger", ref="A1:J3", totalsRowCount=1)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    ws.add_table(table)
    lists = wb.create_sheet("HR lister")
    for i, v in enumerate(["Ja", "Nej", "Måske"], start=1):
        lists.cell(row=i, column=1, value=v)
    wb.save(path)
    src = parts(path)
    owned = _Workbook_sheet_parts(path)
    for name, marker in (("Ansøgninger", X14_VALIDATION), ("Indbakke", X14_SPARKLINES)):
        part = owned[name]
        src[part] = src[part].replace(b"</worksheet>", marker + b"</worksheet>")
    src.update(HAND_PARTS)
    src["[Content_Types].xml"] = src["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/slicers/slicer1.xml" ContentType="application/'
        b'vnd.ms-excel.slicer+xml"/><Override PartName="/customXml/itemProps1.xml" ContentType='
        b'"application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/></Types>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in src.items():
            z.writestr(name, data)


def _Workbook_part(path: Path) -> str:  # noqa: N802
    pkg = Package(path)
    try:
        return _Workbook(pkg).part
    finally:
        pkg.close()


def _without_filter_names(xml: bytes) -> bytes:
    return re.sub(rb"(_xlnm\._FilterDatabase[^>]*>)[^<]*<", rb"\1<", xml)


def _Workbook_sheet_parts(path: Path) -> dict[str, str]:  # noqa: N802
    pkg = Package(path)
    try:
        return dict(_Workbook(pkg).sheets)
    finally:
        pkg.close()


def _soffice(args: list[str], tmp: Path) -> None:
    profile = tmp / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            *args,
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )


def edit_with_libreoffice(path: Path) -> None:
    """HR's registry, with a picture, saved again by LibreOffice Calc."""
    edit_with_openpyxl(path)
    out = path.parent / "lo-out"
    out.mkdir()
    _soffice(
        ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
        path.parent,
    )
    shutil.move(out / path.name, path)
    shutil.rmtree(out)


def csv_sheets(path: Path, tmp: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice exports it to CSV (a failure to open fails here)."""
    out = tmp / "csv"
    out.mkdir(exist_ok=True)
    _soffice(
        [
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(out),
            str(path),
        ],
        tmp,
    )
    sheets = {}
    for f in out.glob(path.stem + "-*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            sheets[f.stem[len(path.stem) + 1 :]] = list(csv.reader(fh))
    return sheets


# -- the test ------------------------------------------------------------------------------


def _styles_only_grew(before: bytes, after: bytes) -> bool:
    def xfs(data: bytes) -> list[bytes]:
        m = re.search(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", data, re.S)
        return re.findall(rb"<(?:\w+:)?xf\b[^>]*?(?:/>|>.*?</(?:\w+:)?xf>)", m.group(1), re.S)

    def rest(data: bytes) -> bytes:
        data = re.sub(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", b"", data, flags=re.S)
        return re.sub(rb"<(?:\w+:)?numFmts\b.*?</(?:\w+:)?numFmts>", b"", data, flags=re.S)

    old, new = xfs(before), xfs(after)
    return new[: len(old)] == old and rest(before) == rest(after)


@pytest.mark.parametrize(
    "edit",
    [
        edit_with_openpyxl,
        edit_by_hand,
        pytest.param(
            edit_with_libreoffice,
            marks=pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed"),
        ),
    ],
)
@pytest.mark.parametrize("streamed", [False, True], ids=["held", "streamed"])
def test_ten_ingests_keep_every_part_hr_made(
    edit, streamed: bool, hr_registry: Path, hr_mailbox, hr_ingest, tmp_path: Path, monkeypatch
) -> None:
    if streamed:  # as a registry of 50,000 rows is written: its sheets copied, never held
        stream_sheets(monkeypatch, 3000)
    edit(hr_registry)
    before = parts(hr_registry)
    owned = owned_parts(hr_registry)
    for i in range(RUNS):
        hr_mailbox.add(_applicant_mail(i))
        summary = hr_ingest()
        assert summary["registered"] == 1 and summary["rows"] == 2, summary
    after = parts(hr_registry)
    assert set(after) == set(before)
    changed = {n for n in before if before[n] != after[n]}
    workbook = _Workbook_part(hr_registry)
    assert changed - owned <= {"xl/styles.xml", workbook}, changed - owned
    if "xl/styles.xml" in changed:
        assert _styles_only_grew(before["xl/styles.xml"], after["xl/styles.xml"])
    # workbook.xml: only the hidden names holding the filters' ranges follow the new rows.
    assert _without_filter_names(before[workbook]) == _without_filter_names(after[workbook])

    expected = ["Tidligere Ansøger"]
    for i in range(RUNS):
        expected += [f"Ansøger {i}a", f'=HYPERLINK("x") {i}b']
    # openpyxl
    rows = sheet(hr_registry, "Ansøgninger")
    data_rows = [r for r in rows if r.get("Stillingstype") != "I alt"]
    assert [r["Ansøger"] for r in data_rows] == expected
    assert [r["Kilde"] for r in data_rows][1::2] == [f"<fid-{i}@buf.test.dk>" for i in range(RUNS)]
    wb = openpyxl.load_workbook(hr_registry)
    ws = wb["Ansøgninger"]
    last = 1 + len(expected)
    assert ws.cell(row=4, column=5).data_type == "s"  # text, never a formula
    assert ws.cell(row=4, column=5).value == '=HYPERLINK("x") 0b'
    assert isinstance(ws.cell(row=3, column=9).value, datetime)
    if edit is edit_by_hand:
        assert ws.tables["HRAnsoegninger"].ref == f"A1:J{last + 1}"
        assert ws.cell(row=last + 1, column=1).value == "I alt"
    else:
        # The typed totals row moved below the new rows, its range grown with them.
        total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "I alt")
        assert total_row > last
        assert ws.cell(total_row, 5).value == f"=COUNTA(E2:E{last})"
        assert ws["K2"].value == "Ringet op 14/10"
        # The yellow HR gave one person's cell stays there and does not spread to new rows.
        assert ws["E2"].fill.fgColor.rgb == "FFFFFF00"
        assert ws["E3"].fill.fgColor.rgb != "FFFFFF00"
        assert (ws["E3"].font.name, ws["E3"].font.sz) == (ws["E2"].font.name, ws["E2"].font.sz)
    positions = {r["Stillings-ID"]: r["Status"] for r in sheet(hr_registry, "Stillinger")}
    assert positions["KL-K01"] == schema.ANSOEGERE
    assert len(sheet(hr_registry, "Indbakke")) == RUNS

    # LibreOffice opens it and sees the same rows.
    if SOFFICE is None:
        return
    sheets = csv_sheets(hr_registry, tmp_path)
    lo = sheets["Ansøgninger"]
    names = [row[4] for row in lo[1:] if len(row) > 4 and row[0] != "I alt" and row[4]]
    assert names == expected
    assert lo[-1][0] == "I alt"  # the totals stay at the bottom
    inbox = sheets["Indbakke"]
    assert sorted(r[0] for r in inbox[1:] if r and r[0]) == sorted(
        f"<fid-{i}@buf.test.dk>" for i in range(RUNS)
    )


def test_a_renamed_owned_sheet_stops_the_run_and_writes_nothing(
    hr_registry: Path, hr_mailbox, hr_ingest
) -> None:
    wb = openpyxl.load_workbook(hr_registry)
    wb["Ansøgninger"].title = "Ansøgere"
    wb.save(hr_registry)
    before = hr_registry.read_bytes()
    hr_mailbox.add(_applicant_mail(1))
    hr_ingest(expect_exit=1)
    assert hr_registry.read_bytes() == before
    assert "Ansøgninger" not in openpyxl.load_workbook(hr_registry).sheetnames
    from docauto.registry.writer import RegistryWriter

    with pytest.raises(RegistryError) as err:
        RegistryWriter.open(hr_registry)
    message = err.value.message
    assert "arket 'Ansøgninger' mangler" in message and "Ansøgere" in message
    assert "giv arket navnet 'Ansøgninger' igen" in message and "Intet er skrevet" in message


def test_libreoffice_lock_file_means_journal(hr_registry: Path, hr_mailbox, hr_ingest) -> None:
    from docauto.registry.files import RegistryFiles

    lock = hr_registry.with_name(f".~lock.{hr_registry.name}#")
    lock.write_text("Karen,host,/home/karen,03.12.2026 09:00,file:///home/karen/.config;")
    before = hr_registry.read_bytes()
    hr_mailbox.add(_applicant_mail(1))
    summary = hr_ingest()
    assert summary["pending"] == 1 and summary["registered"] == 0
    assert hr_registry.read_bytes() == before
    assert RegistryFiles(hr_registry).journal.exists()
    lock.unlink()
    hr_ingest()  # applies the journal
    assert [r["Kilde"] for r in sheet(hr_registry, "Ansøgninger")] == ["<fid-1@buf.test.dk>"] * 2
    assert not RegistryFiles(hr_registry).journal.exists()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_temp_copies_are_private_and_leftovers_are_removed(
    hr_registry: Path, hr_mailbox, hr_ingest, monkeypatch
) -> None:
    from docauto.registry.files import RegistryFiles

    files = RegistryFiles(hr_registry)
    tmp = files.new_temp()
    assert (tmp.stat().st_mode & 0o777) == 0o600
    legacy = hr_registry.with_name(".~docauto-k2j9x_q1.xlsx")  # from a version before
    legacy.write_bytes(hr_registry.read_bytes())
    other = RegistryFiles(hr_registry.with_name("andet.xlsx")).new_temp()  # another registry's
    assert set(files.temp_files()) == {tmp, legacy}
    hr_mailbox.add(_applicant_mail(1))
    hr_ingest()
    assert files.temp_files() == []
    assert other.exists()


def test_registry_init_completes_positions_in_place(
    hr_registry: Path, hr_structure_file: Path
) -> None:
    from click.testing import CliRunner

    from docauto.cli import cli

    edit_with_openpyxl(hr_registry)
    wb = openpyxl.load_workbook(hr_registry)
    wb["Stillinger"].delete_rows(3)  # HR deleted KL-K03 by mistake
    wb.save(hr_registry)
    before = parts(hr_registry)
    owned = owned_parts(hr_registry)
    result = CliRunner().invoke(
        cli,
        ["registry", "init", "--structure", str(hr_structure_file), "--registry", str(hr_registry)],
    )
    assert result.exit_code == 0, result.output
    after = parts(hr_registry)
    changed = {n for n in before if before[n] != after[n]}
    assert changed - owned <= {"xl/styles.xml", "xl/workbook.xml"}
    assert _without_filter_names(before["xl/workbook.xml"]) == _without_filter_names(
        after["xl/workbook.xml"]
    )
    assert any(n.startswith("xl/media/") for n in after)
    # (the SBBU cluster K02 has no position: it hires its own leaders)
    assert [r["Stillings-ID"] for r in sheet(hr_registry, "Stillinger")] == ["KL-K01", "KL-K03"]
