"""The in-place registry writer on its own: its API (used by ingest and by events), the XML
shapes other programs write, formulas and ranges that follow new rows, and what a run leaves
beside the registry."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest_registry import NORD, XLSX, big_inbox, mail, sheet, stream_sheets, xlsx_form

from docauto.cli import cli
from docauto.errors import RegistryError
from docauto.registry import schema
from docauto.registry.files import RegistryFiles
from docauto.registry.lock import RegistryLock
from docauto.registry.sheetedit import grow_range, shift_formula
from docauto.registry.writer import RegistryWriter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def test_append_update_and_read_through_the_api(hr_registry: Path) -> None:
    with RegistryLock(hr_registry):
        w = RegistryWriter.open(hr_registry)
        row = w.append(
            schema.POSITIONS,
            {"Stillings-ID": "PL-E01", "Stillingstype": "Pædagogisk leder", "Status": "Opslået"},
        )
        assert row == 4  # two cluster-leader rows (the municipal clusters) below the header
        w.update(schema.POSITIONS, 2, {"Status": schema.BESAT, "Ansat": "Karen Kof"})
        w.update(schema.POSITIONS, row, {"Opdateret": datetime(2010, 11, 1, 12, 0)})
        w.save()
    rows = sheet(hr_registry, schema.POSITIONS)
    assert [(r["Stillings-ID"], r["Status"], r["Ansat"]) for r in rows] == [
        ("KL-K01", schema.BESAT, "Karen Kof"),
        ("KL-K03", schema.OPSLAAET, None),
        ("PL-E01", schema.OPSLAAET, None),
    ]
    assert rows[-1]["Opdateret"] == datetime(2010, 11, 1, 12, 0)
    w = RegistryWriter.open(hr_registry)
    assert [v["Stillings-ID"] for _r, v in w.iter_rows(schema.POSITIONS)][-1] == "PL-E01"
    w.close()


def test_text_is_stored_as_typed_never_as_a_formula(hr_registry: Path) -> None:
    risky = '=HYPERLINK("http://x","klik")'
    escaped_looking = "navn_x0041_slut \x07bell"
    w = RegistryWriter.open(hr_registry)
    w.append(schema.INBOX, {"Message-ID": "<a@x>", "Emne": risky, "Bemærkning": escaped_looking})
    w.save()
    ws = openpyxl.load_workbook(hr_registry)[schema.INBOX]
    assert ws["D2"].data_type == "s" and ws["D2"].value == risky
    assert ws["D2"].quotePrefix  # Excel keeps it text when someone edits the cell
    assert ws["I2"].value == "navn_x0041_slut bell"  # control character dropped, rest as typed
    with zipfile.ZipFile(hr_registry) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet7.xml")


def _hand_package(path: Path, *, date1904: bool = False) -> None:
    """An .xlsx as another tool may write it: prefixed elements, rows and cells without
    references, no styles and no shared strings."""
    header = "".join(
        f'<x:c t="inlineStr"><x:is><x:t>{h}</x:t></x:is></x:c>' for h in schema.SHEETS["Indbakke"]
    )
    old = (
        '<x:c t="inlineStr"><x:is><x:t>&lt;old@x&gt;</x:t></x:is></x:c><x:c><x:v>40000</x:v></x:c>'
    )
    sheet_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
        f"<x:row>{header}</x:row><x:row>{old}</x:row></x:sheetData></x:worksheet>"
    )
    pr = '<x:workbookPr date1904="1"/>' if date1904 else ""
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><x:workbook xmlns:x="{MAIN}" xmlns:r="{REL}">{pr}'
        '<x:sheets><x:sheet name="Indbakke" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
            '.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr("xl/workbook.xml", workbook)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" '
            'Target="/xl/worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)


@pytest.mark.parametrize("date1904", [False, True])
def test_prefixed_xml_without_references_and_the_1904_date_system(
    tmp_path: Path, date1904: bool
) -> None:
    path = tmp_path / "andet.xlsx"
    _hand_package(path, date1904=date1904)
    w = RegistryWriter.open(path, sheets={"Indbakke": schema.SHEETS["Indbakke"]})
    when = datetime(2010, 10, 14, 9, 30)
    assert w.append("Indbakke", {"Message-ID": "<new@x>", "Modtaget": when}) == 3
    w.create_sheet(schema.STATE_SHEET, ["Message-ID", "Indhold", "Status"])
    w.append(schema.STATE_SHEET, {"Message-ID": "<new@x>", "Status": "Registreret"})
    w.save()
    wb = openpyxl.load_workbook(path)
    ws = wb["Indbakke"]
    assert [ws.cell(r, 1).value for r in (1, 2, 3)] == ["Message-ID", "<old@x>", "<new@x>"]
    # No styles part to give it a date format: the serial of the workbook's date system.
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    assert from_excel(ws.cell(3, 2).value, epoch) == when
    assert wb[schema.STATE_SHEET].sheet_state == "veryHidden"
    assert wb[schema.STATE_SHEET]["A2"].value == "<new@x>"


def test_formulas_and_ranges_follow_the_new_rows() -> None:
    # Totals over the data grow; references below it move; text in quotes is left alone.
    assert shift_formula(b"SUM(E2:E10)", 10, 3) == b"SUM(E2:E13)"
    assert shift_formula(b"COUNTA(E2:E10)+E12", 10, 3) == b"COUNTA(E2:E13)+E15"
    assert shift_formula(b'E5&"A11"', 10, 3) == b'E5&"A11"'
    assert shift_formula(b"SUM(Other!E2:E10)", 10, 3) == b"SUM(Other!E2:E10)"
    assert grow_range("A1:J1", 1, 4) == "A1:J5"  # an empty sheet's filter
    assert grow_range("A1:J10", 10, 4) == "A1:J14"
    assert grow_range("A1:J500", 10, 4) == "A1:J500"  # HR's larger range is theirs
    assert grow_range("A1:J11", 10, 4, totals=1) == "A1:J15"  # table with a totals row


def test_a_poll_with_nothing_new_does_not_open_the_registry(
    hr_registry: Path, hr_mailbox, hr_ingest, monkeypatch
) -> None:
    opened = []
    original = RegistryWriter.open.__func__

    def counting(cls, *a, **kw):
        opened.append(1)
        return original(cls, *a, **kw)

    monkeypatch.setattr(RegistryWriter, "open", classmethod(counting))
    before = hr_registry.stat().st_mtime_ns
    assert hr_ingest()["seen"] == 0
    assert opened == [] and hr_registry.stat().st_mtime_ns == before
    # A journal waiting to be applied is work, even without new mail.
    owner = hr_registry.with_name("~$" + hr_registry.name[2:])
    owner.write_bytes(b"x")
    form = xlsx_form(
        ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"],
        [["Nord", "Klynge Nordhavn", "Anne Ahl", "anne@buf.test.dk", "Leder", "Huset"]],
    )
    hr_mailbox.add(
        mail("Klyngeleder – Registrering af ansøgningerne", NORD, [("s.xlsx", XLSX, form)])
    )
    hr_ingest()
    owner.unlink()
    for p in hr_mailbox.folder.glob("*.eml"):
        p.unlink()
    opened.clear()
    hr_ingest()
    assert opened and len(sheet(hr_registry, "Ansøgninger")) == 1


def test_purge_deletes_temporary_copies_a_killed_run_left(
    hr_registry: Path, tmp_path: Path
) -> None:
    files = RegistryFiles(hr_registry)
    left = files.new_temp()
    left.write_bytes(hr_registry.read_bytes())
    result = CliRunner().invoke(
        cli,
        ["registry", "purge", "--registry", str(hr_registry), "--before", "2011-01-01", "--json"],
    )
    assert result.exit_code == 0, result.output
    assert '"temp_copies": 1' in result.output
    assert not left.exists() and files.temp_files() == []


def test_side_files_are_named_in_one_place(tmp_path: Path) -> None:
    f = RegistryFiles(tmp_path / "register.xlsx")
    assert f.lock.name == "register.xlsx.lock"
    assert f.journal.name == "register.journal.jsonl"
    assert f.backup(1).name == "register.backup.xlsx"
    assert f.backup(3).name == "register.backup-3.xlsx"
    assert f.quarantine.name == "register-karantæne"
    assert f.audit.name == "register.audit.jsonl"
    assert f.config.name == "docauto.yaml"
    assert {p.name for p in f.office_locks()} == {
        "~$gister.xlsx",
        "~$register.xlsx",
        ".~lock.register.xlsx#",
    }


def test_a_missing_sheet_is_named_in_danish(hr_registry: Path) -> None:
    wb = openpyxl.load_workbook(hr_registry)
    del wb["Ikke besatte"]
    wb.save(hr_registry)
    with pytest.raises(RegistryError) as err:
        RegistryWriter.open(hr_registry)
    assert "arket 'Ikke besatte' mangler" in err.value.message
    assert "Intet er skrevet" in err.value.message


@pytest.mark.parametrize("given", [True, False], ids=["batch=3", "default batch"])
def test_a_big_run_is_saved_in_batches(
    hr_registry: Path, hr_mailbox, hr_structure_file: Path, monkeypatch, given: bool
) -> None:
    from docauto.mail import ingest as ingest_module
    from docauto.mail.ingest import ingest
    from docauto.mail.sources import open_source
    from docauto.structure.model import load_structure

    saves = []
    original = RegistryWriter.save

    def counting(self, **kw) -> None:
        saves.append(self.rows_added)
        original(self, **kw)

    monkeypatch.setattr(RegistryWriter, "save", counting)
    if not given:
        monkeypatch.setattr(ingest_module, "BATCH", 3)
    header = [
        "Område",
        "Klynge",
        "Ansøger",
        "E-mail",
        "Nuværende stilling",
        "Nuværende arbejdssted",
    ]
    for i in range(7):
        form = xlsx_form(
            header, [["Nord", "Klynge Nordhavn", f"A {i}", f"a{i}@buf.test.dk", "L", "H"]]
        )
        hr_mailbox.add(
            mail("Klyngeleder – Registrering af ansøgningerne", NORD, [("s.xlsx", XLSX, form)])
        )
    source = open_source(hr_mailbox.spec)
    summary = ingest(
        source,
        load_structure(hr_structure_file),
        hr_registry,
        hr_addresses=["jobbank@buf.test.dk"],
        batch=3 if given else None,
    )
    source.close()
    assert summary.registered == 7 and summary.rows == 7
    assert len(saves) == 3  # after 3, after 6, and the last one
    assert [r["Ansøger"] for r in sheet(hr_registry, "Ansøgninger")] == [f"A {i}" for i in range(7)]
    assert len(sheet(hr_registry, "Indbakke")) == 7
    # The backup is the registry as it was before the run, not after its first batch.
    from docauto.registry.workbook import backup_path

    assert sheet(backup_path(hr_registry), "Ansøgninger") == []


# -- big sheets are streamed ------------------------------------------------------------------


def _append_and_save(path: Path, n: int) -> dict[str, bytes]:
    w = RegistryWriter.open(path)
    for i in range(n):
        w.append(schema.INBOX, {"Message-ID": f"<new-{i}@x>", "Emne": f"ny {i}", "Rækker": 1})
    w.update(schema.POSITIONS, 2, {"Status": schema.BESAT})
    w.save()
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@pytest.mark.parametrize("totals", [False, True])
@pytest.mark.parametrize("window", [4000, 150])
def test_a_streamed_sheet_is_written_exactly_as_a_held_one(
    hr_registry: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    totals: bool,
    window: int,
) -> None:
    """Streaming (the sheet copied from the old file while the new one is written) and
    holding the sheet whole give the same bytes; with a tiny window the last rows reach back
    past it and the sheet is read whole after all, still giving the same bytes."""
    big_inbox(hr_registry, 300, totals=totals)
    held = tmp_path / "held.xlsx"
    held.write_bytes(hr_registry.read_bytes())
    expected = _append_and_save(held, 25)
    stream_sheets(monkeypatch, window)
    got = _append_and_save(hr_registry, 25)
    assert got.keys() == expected.keys()
    for name in expected:
        assert got[name] == expected[name], name
    rows = sheet(hr_registry, schema.INBOX)
    ids = [r["Message-ID"] for r in rows if r["Message-ID"] not in (None, "I alt")]
    assert ids[-1] == "<new-24@x>" and len(ids) == 325
    if totals:
        ws = openpyxl.load_workbook(hr_registry)[schema.INBOX]
        assert ws.cell(327, 1).value == "I alt"
        assert ws.cell(327, 8).value == "=SUM(H2:H326)"


def test_appending_to_a_streamed_sheet_never_holds_it(
    hr_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the first and last rows of a big sheet are kept while rows are appended and the
    registry saved: memory that does not grow with the sheet."""
    big_inbox(hr_registry, 400, totals=False)
    stream_sheets(monkeypatch, 2000)
    w = RegistryWriter.open(hr_registry)
    ws = w.sheet(schema.INBOX)
    assert ws._body is None
    seen = {v["Message-ID"] for _r, v in w.iter_rows(schema.INBOX)}  # a scan in pieces
    assert len(seen) == 400
    w.append(schema.INBOX, {"Message-ID": "<new@x>", "Emne": "ny", "Rækker": 1})
    w.save()
    assert ws._body is None, "the streamed sheet was read whole"
    assert len(ws._window) <= 2000 + 97 and len(ws._prefix) <= 600 + 97
    assert sheet(hr_registry, schema.INBOX)[-1]["Message-ID"] == "<new@x>"


def test_the_registry_is_closed_before_it_is_replaced(
    hr_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows cannot replace a file that is open: the writer lets go of the registry before
    the new copy takes its place."""
    from docauto.registry import writer as writer_module

    w = RegistryWriter.open(hr_registry)
    w.append(schema.INBOX, {"Message-ID": "<w@x>", "Emne": "x", "Rækker": 0})
    real_commit = writer_module.commit
    seen = []

    def commit(path: Path, tmp: Path, files, **kw) -> None:
        seen.append(w.pkg._zf.fp is None)  # the zip file of the registry is closed
        real_commit(path, tmp, files, **kw)

    monkeypatch.setattr(writer_module, "commit", commit)
    w.save()
    assert seen == [True]
    assert sheet(hr_registry, schema.INBOX)[-1]["Message-ID"] == "<w@x>"


@pytest.mark.parametrize("streamed", [False, True], ids=["held", "streamed"])
def test_a_damaged_sheet_is_a_danish_registry_error(
    hr_registry: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """A sheet whose compressed bytes are damaged (a bad disk, a copy cut short) stops the
    run with the Danish message naming the part, whether the sheet is held or streamed."""
    import shutil

    big_inbox(hr_registry, 300, totals=False)
    if streamed:
        stream_sheets(monkeypatch, 2000)
    with zipfile.ZipFile(hr_registry) as zf:
        info = next(
            i for i in zf.infolist() if i.filename.endswith(".xml") and i.file_size > 20_000
        )
    damaged = hr_registry.with_name("damaged.xlsx")
    shutil.copyfile(hr_registry, damaged)
    data = bytearray(damaged.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + info.compress_size // 2, start + info.compress_size // 2 + 40):
        data[i] ^= 0x5A
    damaged.write_bytes(bytes(data))
    with pytest.raises(RegistryError) as err:
        RegistryWriter.open(damaged)
    assert "kan ikke" in err.value.message and info.filename in err.value.message


def test_text_cells_read_the_same_whichever_way_they_are_written(hr_registry: Path) -> None:
    """Plain text takes a short way into a cell; every text, odd or plain, must come out as
    the careful way (control characters and surrogates removed, &<> escaped) writes it."""
    import random

    from docauto.registry import sheetedit
    from docauto.registry.ooxml import MAX_CELL_TEXT, clean_text, text_xml

    rng = random.Random(7)
    alphabet = (
        "abcæøåÆØÅ &<>\"'=+-@\t\r\n\x00\x01\x0b\x1f\x7f\u00a0\u2028\ufffe\uffff\ud800\udcc3é€"
    )
    texts = ["", "Ansøger", "a & b", "=SUM(A1)", "x" * (MAX_CELL_TEXT + 5), "\udcc3\udcb8"]
    for letters in (alphabet, "abcæøå &<>=+-@é€'\""):
        texts += [
            "".join(rng.choice(letters) for _ in range(rng.randrange(1, 30))) for _ in range(1500)
        ]
    w = RegistryWriter.open(hr_registry)
    ws = w.sheet(schema.INBOX)
    writer = sheetedit._CellWriter(ws, w.styles, False, {})
    fast = 0
    for text in texts:
        got = writer.cell(7, 2, text, None)
        cleaned = clean_text(text)
        style = writer.column_styles.get(2, 0)
        if cleaned.startswith(sheetedit._RISKY_START):
            style = w.styles.derive(style, None, True)
        want = writer._template(2, style, "s") % (7, text_xml(cleaned)) if text else None
        if want is not None:
            assert got == want, repr(text)
            fast += text.isprintable()
    assert fast > 1000
