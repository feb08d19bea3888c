"""A big sheet's rows are copied compressed from the registry this process saved last.

Each save of a streamed sheet deflates it as three runs ending at full flushes: the text
before the rows, the rows up to and with the new ones, and what follows. The next save copies
the middle run's compressed bytes instead of unpacking and packing it again. These tests
check that the result is the same part, byte for byte once unpacked, as writing it whole;
that the copy is made when it can be, and never from bytes the process did not write.
"""

from __future__ import annotations

import dataclasses
import random
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from conftest_registry import big_inbox, sheet, stream_sheets
from test_registry_fidelity import SOFFICE, csv_sheets

from docauto.registry import ooxml, schema
from docauto.registry.writer import RegistryWriter


@pytest.mark.parametrize("length", [0, 1, 2, 7, 64, 1000, 65_537, 1_000_003])
def test_crc32_combine_is_the_crc_of_the_joined_bytes(length: int) -> None:
    rng = random.Random(length)
    a = rng.randbytes(rng.randrange(0, 5000))
    b = rng.randbytes(length)
    assert ooxml.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def _unpacked(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None  # every part's CRC and size as its header says
        return {n: zf.read(n) for n in zf.namelist()}


def _round(path: Path, r: int, n: int = 30) -> dict[str, bytes]:
    w = RegistryWriter.open(path)
    for i in range(n):
        w.append(schema.INBOX, {"Message-ID": f"<r{r}-{i}@x>", "Emne": f"ny {r}.{i}", "Rækker": 1})
    w.save()
    return _unpacked(path)


class _Copies:
    """Counts the rows' runs copied compressed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.n = 0
        real = ooxml._copy_compressed

        def spy(*args: object) -> None:
            self.n += 1
            real(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(ooxml, "_copy_compressed", spy)


@pytest.mark.parametrize("totals", [False, True])
def test_copied_rows_give_the_part_written_whole(
    hr_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, totals: bool
) -> None:
    big_inbox(hr_registry, 300, totals=totals)
    stream_sheets(monkeypatch, 4000)
    whole = tmp_path / "whole.xlsx"
    whole.write_bytes(hr_registry.read_bytes())
    copies = _Copies(monkeypatch)
    expected = []
    with monkeypatch.context() as m:
        m.setattr(ooxml, "_splice_of", lambda src, info: None)
        for r in range(5):
            expected.append(_round(whole, r))
    assert copies.n == 0
    for r in range(5):
        assert _round(hr_registry, r) == expected[r], f"save {r}"
    # The first save found a part another program wrote (openpyxl); each later one copied
    # the rows of the Indbakke sheet (and of the other streamed sheets it changed).
    assert copies.n >= 4
    ids = [x["Message-ID"] for x in sheet(hr_registry, schema.INBOX)]
    ids = [i for i in ids if i not in (None, "I alt")]
    assert len(ids) == 300 + 5 * 30 and ids[-1] == "<r4-29@x>"
    if totals:
        ws = openpyxl.load_workbook(hr_registry)[schema.INBOX]
        assert ws.cell(300 + 150 + 2, 1).value == "I alt"
        assert ws.cell(300 + 150 + 2, 8).value == "=SUM(H2:H451)"


def test_a_registry_another_program_saved_is_written_whole(
    hr_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HR saves the registry in Excel (here openpyxl) between two runs: the next save finds
    no part of its own and deflates the rows; the one after copies them again."""
    big_inbox(hr_registry, 200, totals=False)
    stream_sheets(monkeypatch, 4000)
    copies = _Copies(monkeypatch)
    _round(hr_registry, 0)
    _round(hr_registry, 1)
    assert copies.n >= 1
    wb = openpyxl.load_workbook(hr_registry)
    ws = wb[schema.INBOX]
    emne = [c.value for c in ws[1]].index("Emne") + 1
    ws.cell(3, emne, "rettet af HR")
    wb.save(hr_registry)
    before = copies.n
    _round(hr_registry, 2)
    assert copies.n == before
    _round(hr_registry, 3)
    assert copies.n > before
    rows = sheet(hr_registry, schema.INBOX)
    assert rows[1]["Emne"] == "rettet af HR"
    assert [r["Message-ID"] for r in rows][-1] == "<r3-29@x>"
    assert len(rows) == 200 + 4 * 30


def test_compressed_bytes_that_are_not_the_ones_written_are_never_copied(
    hr_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the process remembers of a part it wrote is checked against the file's
    compressed bytes first: a memory that does not match them is not used."""
    whole = tmp_path / "whole.xlsx"
    whole.write_bytes(hr_registry.read_bytes())
    big_inbox(hr_registry, 200, totals=False)
    stream_sheets(monkeypatch, 4000)
    _round(hr_registry, 0)
    for key, known in list(ooxml._SPLICES.items()):
        ooxml._SPLICES[key] = dataclasses.replace(known, entry_crc=known.entry_crc ^ 1)
    copies = _Copies(monkeypatch)
    got = _round(hr_registry, 1)
    assert copies.n == 0
    monkeypatch.setattr(ooxml, "_splice_of", lambda src, info: None)
    ooxml._SPLICES.clear()
    # The same two saves, never copying: the same part.
    big_inbox(whole, 200, totals=False)
    _round(whole, 0)
    assert _round(whole, 1)[_inbox_part(whole)] == got[_inbox_part(hr_registry)]


def _inbox_part(path: Path) -> str:
    from docauto.registry.writer import _Workbook

    pkg = ooxml.Package(path)
    try:
        return _Workbook(pkg).sheets[schema.INBOX]
    finally:
        pkg.close()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice mangler")
def test_libreoffice_reads_a_registry_whose_rows_were_copied(
    hr_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big_inbox(hr_registry, 150, totals=False)
    stream_sheets(monkeypatch, 4000)
    copies = _Copies(monkeypatch)
    for r in range(3):
        _round(hr_registry, r)
    assert copies.n >= 2
    rows = csv_sheets(hr_registry, tmp_path)[schema.INBOX]
    col = rows[0].index("Message-ID")
    ids = [r[col] for r in rows[1:] if len(r) > col and r[col]]
    assert ids[:2] == ["<old-0@x>", "<old-1@x>"]
    assert ids[-1] == "<r2-29@x>" and len(ids) == 150 + 90


@pytest.mark.parametrize("totals", [False, True])
def test_a_sheet_this_process_wrote_is_opened_from_its_last_rows(
    hr_registry: Path, monkeypatch: pytest.MonkeyPatch, totals: bool
) -> None:
    """Opening the registry after a save unpacks the Indbakke sheet from where its new rows
    begin, not from its top; what the writer learns of the sheet is the same either way."""
    big_inbox(hr_registry, 300, totals=totals)
    stream_sheets(monkeypatch, 400)
    for r in range(3):
        _round(hr_registry, r, n=20)
    started: list[int] = []
    real = ooxml.Package.read_from

    def spy(self: ooxml.Package, name: str):  # type: ignore[no-untyped-def]
        started.append(self._resume[name].resume)
        return real(self, name)

    monkeypatch.setattr(ooxml.Package, "read_from", spy)

    def state(w: RegistryWriter) -> tuple:
        ws = w.sheet(schema.INBOX)
        assert ws._window_start + len(ws._window) == ws._body_len
        return (ws.head, ws._prefix, ws._body_len, ws.tail)

    quick = RegistryWriter.open(hr_registry)
    assert started, "the sheet was unpacked from its top"
    assert quick.sheet(schema.INBOX)._body is None
    with monkeypatch.context() as m:
        m.setattr(ooxml.Package, "resume_point", lambda self, name: None)
        whole = RegistryWriter.open(hr_registry)
    assert state(quick) == state(whole)
    # The last rows kept: the same bytes (how many depends on the pieces they were read in).
    a, b = quick.sheet(schema.INBOX)._window, whole.sheet(schema.INBOX)._window
    assert a.endswith(b) or b.endswith(a)
    assert len(a) >= min(len(b), 400)
    # And the writers go on alike.
    assert quick.sheet(schema.INBOX).last_data_row() == whole.sheet(schema.INBOX).last_data_row()
    assert quick.sheet(schema.INBOX).last_data_row() == 1 + 300 + 60
