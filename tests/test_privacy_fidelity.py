"""`registry purge` keeps everything HR built in the registry and its backups (issue 15).

A registry HR edited (a pasted picture with its drawing and a text box, a chart and notes on a
sheet of their own, cell comments and a threaded comment, a note split over bold and plain
text, an x14 list validation in the sheet's extLst), saved by openpyxl or by LibreOffice (then
its text is in shared strings), with applicants old enough to be purged and ones who are not.
After the purge every part but the edited worksheets, the shared strings, the comments, the
drawing with the text box (and a chart's cached labels) is byte-identical;
the purged cells read back anonymised through openpyxl and through LibreOffice's CSV export
(which also shows that LibreOffice opens the file); the rows not purged are as they were; no
part holds a purged name or e-mail. The same for the backup the last ingest left.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest_registry import NORD, XLSX, mail, xlsx_form
from test_registry_fidelity import X14_VALIDATION, _png, _soffice, csv_sheets, parts

from docauto.cli import cli
from docauto.registry.files import RegistryFiles
from docauto.registry.ooxml import Package, relationships
from docauto.registry.writer import _Workbook

HEADER = ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"]
OLD = [  # received 14 October 2010: purged with --before 2011-01-01
    ("Bent Berg", "bent.berg@buf.test.dk", "Mælkebøtten"),
    ("Carla Carlsen", "carla.c@buf.test.dk", "Regnbuen"),
]
RECENT = ("Ida Iversen", "ida.iversen@buf.test.dk", "Troldehøjen")  # March 2011: kept
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
BEFORE = "2011-01-01"


def _applicants(people: list[tuple[str, str, str]], n: int, when: datetime) -> bytes:
    rows = [["Nord", "Klynge Nordhavn", name, addr, "Leder", place] for name, addr, place in people]
    return mail(
        "Klyngeleder – Registrering af ansøgningerne",
        NORD,
        [("skema.xlsx", XLSX, xlsx_form(HEADER, rows))],
        message_id=f"<purge-{n}@buf.test.dk>",
        when=when,
    )


def _sheet_part(path: Path, name: str) -> str:
    pkg = Package(path)
    try:
        return _Workbook(pkg).sheets[name]
    finally:
        pkg.close()


def _related(path: Path, part: str, kind: str) -> list[str]:
    pkg = Package(path)
    try:
        return [r["part"] for r in relationships(pkg, part) if r.get("Type", "").endswith(kind)]
    finally:
        pkg.close()


TEXT_BOX = (
    b'<xdr:twoCellAnchor xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
    b'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    b"<xdr:from><xdr:col>14</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1"
    b"</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>17</xdr:col><xdr:colOff>0"
    b"</xdr:colOff><xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    b'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="90" name="Tekstboks 1"/>'
    b'<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
    b'<a:ext cx="1828800" cy="571500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    b'</xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="da-DK"/>'
    b'<a:t>Bent Berg ringer tilbage</a:t></a:r></a:p><a:p><a:r><a:rPr lang="da-DK"/>'
    b"<a:t>Husk Ida Iversen</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/>"
    b"</xdr:twoCellAnchor>"
)


THREAD_REL = (
    b'<Relationship Id="rIdThread1" Type="http://schemas.microsoft.com/office/2017/10/'
    b'relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>'
)
THREADED = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments xmlns='
    b'"http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
    b'<threadedComment ref="E3" dT="2010-10-14T09:30:00.00" personId="{00000000-0000-0000-'
    b'0000-000000000001}" id="{00000000-0000-0000-0000-000000000002}"><text>Carla Carlsen '
    b'(carla.c@buf.test.dk) ringer igen</text></threadedComment><threadedComment ref="E4" '
    b'dT="2011-03-02T09:30:00.00" personId="{00000000-0000-0000-0000-000000000001}" id="{000'
    b'00000-0000-0000-0000-000000000003}"><text>Ida Iversen ringer igen</text>'
    b"</threadedComment></ThreadedComments>"
)


def hr_edits(path: Path, libreoffice: bool) -> None:
    """What HR does in Excel: a picture, notes, comments, rich text, their own sheet with a
    chart, and a list validation Excel keeps in the sheet's extLst. With ``libreoffice``
    the file is saved by LibreOffice before the validation is added: its text cells are
    then shared strings, as in a file Excel saved."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image

    wb = openpyxl.load_workbook(path, rich_text=True)
    ws = wb["Ansøgninger"]
    rows = {ws.cell(r, 5).value: r for r in range(2, ws.max_row + 1)}
    ws["K1"] = "HR-note"
    ws.cell(rows["Bent Berg"], 11, "Bent Berg har ringet (bent.berg@buf.test.dk)")
    ws.cell(rows[RECENT[0]], 11, "Ida Iversen: samtale 3/3")
    ws.cell(rows["Carla Carlsen"], 12).value = CellRichText(
        "Ring til ", TextBlock(InlineFont(b=True), "Carla"), " Carlsen"
    )
    ws.cell(rows["Bent Berg"], 5).comment = Comment("Reference: Bent Berg, tlf. 1234", "HR")
    ws.cell(rows[RECENT[0]], 5).comment = Comment("Stærk kandidat", "HR")
    ws.add_image(Image(io.BytesIO(_png())), "N2")
    own = wb.create_sheet("HR overblik")
    own.append(["Emne", "Antal"])
    own.append(["Samtale med Carla Carlsen", 1])
    own.append(["Samtale med Ida Iversen", 2])
    chart = BarChart()
    chart.add_data(Reference(own, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    chart.set_categories(Reference(own, min_col=1, min_row=2, max_row=3))
    own.add_chart(chart, "D2")
    lists = wb.create_sheet("HR lister")
    for i, v in enumerate(["Ja", "Nej", "Måske"], start=1):
        lists.cell(row=i, column=1, value=v)
    wb.save(path)
    if libreoffice:
        out = path.parent / "lo-out"
        _soffice(
            ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
            path.parent.parent,
        )
        shutil.move(out / path.name, path)
        shutil.rmtree(out)
    # What no Python library writes, added by hand: the x14 validation in the sheet's XML, a
    # text box beside the picture, and a threaded comment (Excel 365's comments).
    src = parts(path)
    part = _sheet_part(path, "Ansøgninger")
    src[part] = src[part].replace(b"</worksheet>", X14_VALIDATION + b"</worksheet>")
    drawing = _related(path, part, "/drawing")[0]
    src[drawing] = re.sub(rb"(</(?:\w+:)?wsDr>)", lambda m: TEXT_BOX + m.group(1), src[drawing])
    rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    src[rels] = re.sub(
        rb"(</(?:\w+:)?Relationships>)", lambda m: THREAD_REL + m.group(1), src[rels]
    )
    src["xl/threadedComments/threadedComment1.xml"] = THREADED
    src["[Content_Types].xml"] = src["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/threadedComments/threadedComment1.xml" '
        b'ContentType="application/vnd.ms-excel.threadedcomments+xml"/></Types>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in src.items():
            z.writestr(name, data)


@pytest.fixture(
    params=[
        "openpyxl",
        pytest.param(
            "libreoffice",
            marks=pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed"),
        ),
    ]
)
def edited(request, hr_registry: Path, hr_mailbox, hr_ingest) -> Path:
    hr_mailbox.add(_applicants(OLD, 1, datetime(2010, 10, 14, 9, 30)))
    hr_mailbox.add(_applicants([RECENT], 2, datetime(2011, 3, 1, 9, 30)))
    assert hr_ingest()["registered"] == 2
    hr_edits(hr_registry, request.param == "libreoffice")
    # One more ingest: the registry as HR left it becomes register.backup.xlsx.
    hr_mailbox.add(
        _applicants([("Jonas Juhl", "jonas@buf.test.dk", "Huset")], 3, datetime(2011, 4, 1))
    )
    assert hr_ingest()["registered"] == 1
    return hr_registry


def _purge(registry: Path, *extra: str) -> dict:
    result = CliRunner().invoke(
        cli,
        ["registry", "purge", "--registry", str(registry), "--before", BEFORE, "--json", *extra],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def _holders(path: Path, needle: str) -> list[str]:
    """The parts holding the text (character references such as &#230; read as text)."""
    return [
        n
        for n, data in parts(path).items()
        if needle in html.unescape(data.decode("utf-8", "replace"))
    ]


OLD_NAMES = {name for name, _addr, _place in OLD}


def _check_purged(path: Path, before: dict[str, bytes], rows_before: list[tuple], tmp: Path):
    after = parts(path)
    assert set(after) == set(before)
    changed = {n for n in before if before[n] != after[n]}
    # The purged rows and the comment always; HR's sheet and the shared strings where the
    # text is (a shared string is redacted in sharedStrings.xml, its cells unchanged).
    sheet = _sheet_part(path, "Ansøgninger")
    own = _sheet_part(path, "HR overblik")
    must = {
        sheet,
        *_related(path, sheet, "/comments"),
        *_related(path, sheet, "/drawing"),
        "xl/threadedComments/threadedComment1.xml",
    }
    charts = _related(path, _related(path, own, "/drawing")[0], "/chart")
    may = {own, "xl/sharedStrings.xml", *charts}  # a chart's cache of its labels
    assert must <= changed <= must | may, changed
    own_sheet_changed = _sheet_part(path, "HR overblik") in changed
    assert own_sheet_changed != ("xl/sharedStrings.xml" in before), changed
    # What HR built is still there: the picture and its drawing, the chart, the validation.
    assert any(n.startswith("xl/media/") for n in after)
    assert any(n.startswith("xl/drawings/drawing") for n in after)
    assert any(n.startswith("xl/charts/chart") for n in after)
    assert X14_VALIDATION in after[_sheet_part(path, "Ansøgninger")]
    # No part holds a purged name (not even half of one in a bold run), e-mail or workplace.
    for name, addr, place in OLD:
        for needle in (*name.split(), addr, place):
            assert _holders(path, needle) == [], (path.name, needle)
    assert _holders(path, RECENT[0]) and _holders(path, RECENT[2])

    # openpyxl: the purged rows anonymised, every other row as it was.
    rows = _rows(path, "Ansøgninger")
    assert len(rows) == len(rows_before)
    purged = [(r, old) for r, old in zip(rows, rows_before, strict=True) if old[4] in OLD_NAMES]
    assert len(purged) == 2
    for r, old in purged:
        assert r[4:8] == ("Anonymiseret", None, None, None)
        assert r[:4] == old[:4] and r[8:10] == old[8:10]  # role, place, date, source kept
    assert [r[10] for r, _old in purged if r[10]] == ["[anonymiseret] har ringet ([anonymiseret])"]
    assert [r[11] for r, _old in purged if r[11]] == ["Ring til [anonymiseret]"]
    assert [r for r, old in zip(rows, rows_before, strict=True) if old[4] not in OLD_NAMES] == [
        old for old in rows_before if old[4] not in OLD_NAMES
    ]
    wb = openpyxl.load_workbook(path)
    ws = wb["Ansøgninger"]
    comments = {c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    assert comments == {"Reference: [anonymiseret], tlf. 1234", "Stærk kandidat"}
    assert [r[0] for r in wb["HR overblik"].iter_rows(values_only=True)] == [
        "Emne",
        "Samtale med [anonymiseret]",
        "Samtale med Ida Iversen",
    ]
    assert re.findall(
        rb"<text>([^<]*)</text>", after["xl/threadedComments/threadedComment1.xml"]
    ) == [
        b"[anonymiseret] ([anonymiseret]) ringer igen",
        b"Ida Iversen ringer igen",
    ]
    box = after[_related(path, sheet, "/drawing")[0]]
    assert b"<a:t>[anonymiseret] ringer tilbage</a:t>" in box and b"Husk Ida Iversen" in box

    # LibreOffice opens it and reads the same.
    if SOFFICE is None:
        return
    tmp.mkdir()
    sheets = csv_sheets(path, tmp)
    lo = sheets["Ansøgninger"]
    assert [row[4] for row in lo[1:]].count("Anonymiseret") == 2
    for row in lo[1:]:
        if row[4] == "Anonymiseret":
            assert row[5:8] == ["", "", ""] and row[2] == "Klynge Nordhavn"
    ida = next(row for row in lo if row[4] == RECENT[0])
    assert (ida[5], ida[7], ida[10]) == (RECENT[1], RECENT[2], "Ida Iversen: samtale 3/3")
    assert "[anonymiseret] har ringet ([anonymiseret])" in [row[10] for row in lo]
    assert [r[0] for r in sheets["HR overblik"]][:3] == [
        "Emne",
        "Samtale med [anonymiseret]",
        "Samtale med Ida Iversen",
    ]
    flat = "\n".join(",".join(r) for rows_ in sheets.values() for r in rows_)
    for name, addr, _place in OLD:
        assert name not in flat and addr not in flat


def test_purge_keeps_everything_hr_built(edited: Path, tmp_path: Path, monkeypatch) -> None:
    files = RegistryFiles(edited)
    hr_copy = files.backup(1)  # the registry as HR left it, before the last ingest
    before, copy_before = parts(edited), parts(hr_copy)
    rows_before, copy_rows = _rows(edited, "Ansøgninger"), _rows(hr_copy, "Ansøgninger")
    # The setup can fail the test: both files hold the people and what HR built.
    for path in (edited, hr_copy):
        assert _holders(path, "Bent Berg") and _holders(path, "Mælkebøtten")
        assert any(n.startswith("xl/drawings/") for n in _holders(path, "Bent Berg"))
        # LibreOffice saves text as shared strings, and a chart with its labels cached.
        lo_saved = "xl/sharedStrings.xml" in parts(path)
        assert lo_saved == any(n.startswith("xl/charts/") for n in _holders(path, "Carlsen"))
        assert X14_VALIDATION in parts(path)[_sheet_part(path, "Ansøgninger")]
        assert any(n.startswith("xl/media/") for n in parts(path))

    # openpyxl would drop the picture and the x14 validation: it must not save anything.
    def no_save(*_a, **_kw):
        raise AssertionError("registry purge saved a workbook through openpyxl")

    monkeypatch.setattr(openpyxl.Workbook, "save", no_save)
    result = _purge(edited)
    monkeypatch.undo()
    assert (result["people"], result["rows"], result["kept_recent"]) == (2, 2, 2)
    # The note, the rich text, HR's own sheet, the comment, the threaded comment, the text
    # box (and LibreOffice's chart cache of HR's labels).
    assert result["cells"] == 6 + lo_saved
    # The copy HR left (now backup-2) and the copy of the registry the purge's own save
    # rotated in (backup); backup-3 is the empty registry from before the first ingest.
    assert result["backups"] == 2
    assert [b.name for b in files.backups()] == [
        "register.backup-2.xlsx",
        "register.backup-3.xlsx",
        "register.backup.xlsx",
    ]
    _check_purged(edited, before, rows_before, tmp_path / "registry")
    _check_purged(files.backup(2), copy_before, copy_rows, tmp_path / "backup")
    assert parts(files.backup(1)) == parts(edited)  # purged the same way, in place
    if os.name == "posix":
        assert (files.backup(2).stat().st_mode & 0o777) == 0o600
        assert (files.backup(1).stat().st_mode & 0o777) == 0o600
    assert files.temp_files() == []


def test_purge_twice_and_dry_run_change_nothing(edited: Path) -> None:
    files = {p: p.read_bytes() for p in edited.parent.iterdir() if p.is_file()}
    assert _purge(edited, "--dry-run")["rows"] == 2
    assert {p: p.read_bytes() for p in edited.parent.iterdir() if p.is_file()} == files
    _purge(edited)
    files = {
        p: p.read_bytes() for p in edited.parent.iterdir() if p.is_file() and "audit" not in p.name
    }
    again = _purge(edited)
    assert (again["rows"], again["cells"], again["backups"]) == (0, 0, 0)
    assert {
        p: p.read_bytes() for p in edited.parent.iterdir() if p.is_file() and "audit" not in p.name
    } == files


def test_purge_refuses_a_registry_open_in_libreoffice(edited: Path) -> None:
    lock = edited.with_name(f".~lock.{edited.name}#")
    lock.write_text("Karen,host,/home/karen,03.12.2026 09:00,file:///home/karen/.config;")
    before = {p: p.read_bytes() for p in edited.parent.iterdir() if p.is_file()}
    result = CliRunner().invoke(
        cli, ["registry", "purge", "--registry", str(edited), "--before", BEFORE]
    )
    assert result.exit_code != 0
    assert "åbent i LibreOffice" in result.output and "kan ikke anonymisere nu" in result.output
    assert {p: p.read_bytes() for p in edited.parent.iterdir() if p.is_file()} == before


def test_redactor_trie_finds_what_a_plain_alternation_finds() -> None:
    """The redactor's one regex is a trie of the needles (thousands of people); it must find
    exactly what the plain alternation of them, longest first, finds."""
    import random

    from docauto.registry.cells import norm
    from docauto.registry.privacy import REDACTED, Person, Redactor

    rnd = random.Random(15)
    first = ["Bent", "Bente", "Carla", "Carl", "Åse", "Øjvind", "Anne", "Ann", "Jens"]
    last = ["Berg", "Bergmann", "Carlsen", "Carl", "Ærø", "Hansen", "Han", "Jensen"]
    people = []
    for i in range(200):
        name = f"{rnd.choice(first)} {rnd.choice(last)}"
        if i % 4 == 0:  # "Bent Berg" and "Bent Berg Hansen" are two people
            name += f" {rnd.choice(last)}"
        mail = f"{name.lower().replace(' ', '.')}{rnd.randint(0, 9)}@buf.test.dk"
        people.append(Person(f"k{i}", emails={mail} if i % 3 else set(), names={name}))
    redact = Redactor(people, hired_names={"anne hansen"})
    needles = {e for p in people for e in p.emails} | {
        n for p in people for n in p.names if norm(n) != "anne hansen"
    }
    parts = [
        r"\s+".join(re.escape(t) for t in n.split()) for n in sorted(needles, key=len, reverse=True)
    ]
    plain = re.compile(r"(?<![\w@.])(?:" + "|".join(parts) + r")(?![\w@])", re.IGNORECASE)
    words = [*first, *last, "og", "@buf.test.dk", ".", "x@", "BENT", "berg", "\n", *needles]
    found = 0
    for _ in range(3000):
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 8)))
        if rnd.random() < 0.3:
            text = text.replace(" @", "@")
        assert redact(text) == plain.subn(REDACTED, text), text
        found += redact(text)[1] > 0
    assert found > 1000  # the texts did name people


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        # A shared formula's self-closed <f/>: only its cached value names the person.
        (b'<f t="shared" si="0"/><v>Bent Berg</v>', b'<f t="shared" si="0"/><v>[anonymiseret]</v>'),
        (b'<f>"Bent Berg"&amp;A1</f><v>Bent Berg x</v>', None),
        (b"<is><t>Ring til Bent  Berg (BENT@x.dk) &amp; co</t></is>", None),
        # An empty run, then the name split over a bold and a plain run: one run remains.
        (
            b"<is><r><t/></r><r><rPr><b/></rPr><t>Bent</t></r><r><t> Berg ringer</t></r></is>",
            b'<is><r><t xml:space="preserve">[anonymiseret] ringer</t></r></is>',
        ),
    ],
)
def test_redacted_cell_xml_stays_well_formed(inner: bytes, expected: bytes | None) -> None:
    from xml.etree import ElementTree

    from docauto.registry.privacy import Person, Redactor, _redacted_cell
    from docauto.registry.sheetedit import Cell, cell_value

    redact = Redactor([Person("k", emails={"bent@x.dk"}, names={"Bent Berg"})], set())
    kind = b"inlineStr" if inner.startswith(b"<is>") else b"str"
    new = _redacted_cell(Cell(3, b' r="C2" t="%s"' % kind, inner), redact)
    assert new is not None and new.start == b' r="C2" t="%s"' % kind
    ElementTree.fromstring(b"<c>" + new.inner + b"</c>")  # well-formed
    if expected is not None:
        assert new.inner == expected
    text = str(cell_value(new, list))
    assert "Bent" not in text and "bent@" not in text.lower() and "[anonymiseret]" in text
