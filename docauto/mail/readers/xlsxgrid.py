"""A lean reader of an .xlsx's cell values, for the many small forms an ingest run reads.

openpyxl builds a full object model of every workbook (styles, cells, defined names) and
costs ~15 ms for a one-page form; this reads only what a form reader needs — sheet names and
states, cell values as openpyxl's ``data_only`` mode gives them (shared strings, numbers, dates
by the cell's number format, booleans, cached formula results) and merged ranges — straight
from the XML with lxml, in about a millisecond. It returns None for anything it does not fully
understand, and the caller then uses openpyxl: the answer is the same, only slower.

The package has passed ``docauto.office.safezip`` first (no DTDs, sizes bounded); given as the
``AttachmentZip`` those checks opened, its parts are read from there, unpacked only once.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from datetime import timedelta as _timedelta
from functools import lru_cache
from typing import Any, Protocol

from lxml import etree

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False
)


@dataclass
class SheetGrid:
    title: str
    state: str
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)  # (row, col) -> value
    merged: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # min_row, min_col, max_row, max_col


class _Unsupported(Exception):
    """Something openpyxl should handle."""


class _Parts(Protocol):
    def read(self, name: str) -> bytes: ...


def _xml(zf: _Parts, name: str) -> etree._Element | None:
    try:
        data = zf.read(name)
    except KeyError:
        return None
    return etree.fromstring(data, _PARSER)


def _text_of(si: etree._Element) -> str:
    # As openpyxl's Text.content: the plain <t>, then each run's <t>; phonetic runs left out.
    parts = []
    plain = si.find(f"{NS}t")
    if plain is not None:
        parts.append(plain.text or "")
    for r in si.findall(f"{NS}r"):
        t = r.find(f"{NS}t")
        if t is not None:
            parts.append(t.text or "")
    return "".join(parts).replace("x005F_", "")


_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


@lru_cache(maxsize=4096)  # the same cells (A1...J40) in every form
def _split_ref(ref: str) -> tuple[int, int]:
    """'B12' -> (12, 2), as openpyxl's coordinate_to_tuple; ValueError when it is no cell."""
    m = _REF.fullmatch(ref.replace("$", ""))
    if m is None:
        raise ValueError(f"ugyldig cellereference {ref!r}")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _formula_text(c: Any) -> str | None:
    """A formula cell without a cached value (a program wrote the form and nothing computed
    it): its formula text, e.g. '=HYPERLINK("http://…","Klik her")'. It is text from here on;
    the registry stores it as text, never as a live formula."""
    text = c.findtext(f"{NS}f")
    return "=" + text.strip() if text and text.strip() else None


def read_grids(data: bytes | _Parts, max_row: int, max_col: int) -> list[SheetGrid] | None:
    """Every worksheet's values, or None when openpyxl should read this file instead. ``data``
    is the file's bytes, or the ``docauto.office.safezip.AttachmentZip`` already opened."""
    try:
        if isinstance(data, bytes | bytearray):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return _read(zf, max_row, max_col)
        return _read(data, max_row, max_col)
    except (
        _Unsupported,
        etree.XMLSyntaxError,
        KeyError,
        ValueError,
        TypeError,
        IndexError,
        zipfile.BadZipFile,
    ):
        return None


def _read(zf: _Parts, max_row: int, max_col: int) -> list[SheetGrid]:
    workbook = _part(zf, "xl/workbook.xml")
    rels = _part(zf, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise _Unsupported("not the usual package layout")
    sheets, epoch = _workbook(workbook)
    targets = _sheet_targets(rels)
    strings_xml = _xml(zf, "xl/sharedStrings.xml")
    strings = (
        [_text_of(si) for si in strings_xml.iterfind(f"{NS}si")] if strings_xml is not None else []
    )
    styles = _part(zf, "xl/styles.xml")
    cells = _CellReader(strings, epoch, *_date_styles(styles))
    grids = []
    for rid, title, state in sheets:
        path = targets.get(rid)
        if path is None:
            continue  # a chart sheet or a dialog sheet: no cells
        root = _xml(zf, path)
        if root is None:
            raise _Unsupported(f"missing part {path}")
        grid = SheetGrid(title, state)
        for c in root.iterfind(f"{NS}sheetData/{NS}row/{NS}c"):
            ref = c.get("r")
            if not ref:
                raise _Unsupported("cells without references")
            row, col = _split_ref(ref)
            if row <= max_row and col <= max_col:
                value = cells.value(c)
                if value is not None:
                    grid.cells[(row, col)] = value
        grid.merged = [
            _merged(m.get("ref", "")) for m in root.iterfind(f"{NS}mergeCells/{NS}mergeCell")
        ]
        grids.append(grid)
    return grids


def _part(zf: _Parts, name: str) -> bytes | None:
    try:
        return zf.read(name)
    except KeyError:
        return None


def _epoch(workbook: etree._Element) -> Any:
    pr = workbook.find(f"{NS}workbookPr")
    return (
        CALENDAR_MAC_1904
        if pr is not None and pr.get("date1904") in ("1", "true")
        else WINDOWS_EPOCH
    )


# Forms made from one template share these parts byte for byte: each is understood once.
@lru_cache(maxsize=64)
def _workbook(data: bytes) -> tuple[tuple[tuple[str, str, str], ...], Any]:
    """((relationship id, name, state) of each sheet, in order; the date epoch)."""
    workbook = etree.fromstring(data, _PARSER)
    sheets = tuple(
        (sheet.get(f"{REL_NS}id") or "", sheet.get("name", ""), sheet.get("state", "visible"))
        for sheet in workbook.iterfind(f"{NS}sheets/{NS}sheet")
    )
    return sheets, _epoch(workbook)


@lru_cache(maxsize=64)
def _sheet_targets(rels: bytes) -> dict[str, str]:
    targets = {}
    for rel in etree.fromstring(rels, _PARSER).iter(f"{PKG_REL}Relationship"):
        if rel.get("Type") == WORKSHEET_REL:
            target = rel.get("Target", "")
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            targets[rel.get("Id") or ""] = path
    return targets


@lru_cache(maxsize=64)
def _date_styles(styles_xml: bytes | None) -> tuple[frozenset[int], frozenset[int]]:
    if styles_xml is None:
        return frozenset(), frozenset()
    styles = etree.fromstring(styles_xml, _PARSER)
    dates: set[int] = set()
    deltas: set[int] = set()
    custom = {
        int(n.get("numFmtId")): n.get("formatCode") or ""
        for n in styles.iterfind(f"{NS}numFmts/{NS}numFmt")
    }
    xfs = styles.find(f"{NS}cellXfs")
    for idx, xf in enumerate(xfs if xfs is not None else ()):
        fmt_id = int(xf.get("numFmtId", "0"))
        fmt = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General"))
        if is_date_format(fmt):
            dates.add(idx)
        if is_timedelta_format(fmt):
            deltas.add(idx)
    return frozenset(dates), frozenset(deltas)


def _merged(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    r1, c1 = _split_ref(first)
    r2, c2 = _split_ref(last) if last else (r1, c1)
    return r1, c1, r2, c2


@dataclass
class _CellReader:
    """A cell's value as openpyxl's ``data_only`` mode gives it."""

    strings: list[str]
    epoch: Any
    dates: frozenset[int]
    deltas: frozenset[int]

    def value(self, c: etree._Element) -> Any:
        kind = c.get("t", "n")
        if kind == "inlineStr":
            inline = c.find(f"{NS}is")
            return _text_of(inline) if inline is not None else None
        value = c.findtext(f"{NS}v") or None
        if value is None:
            return _formula_text(c)
        if kind == "n":
            return self._number(value, int(c.get("s", "0") or 0))
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":  # rare (strict OOXML): openpyxl's parser, imported only for it
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(value)
        return value  # "str" (a formula's text result) and "e" (an error) stay text

    def _number(self, text: str, style: int) -> Any:
        value: Any = float(text) if ("." in text or "e" in text.lower()) else int(text)
        if style in self.dates:
            try:
                value = from_excel(value, self.epoch, timedelta=style in self.deltas)
            except (OverflowError, ValueError):
                value = "#VALUE!"
        return value


# -- Excel's dates, as openpyxl 3.1 reads them ------------------------------------------------
# Importing openpyxl costs ~0.3 s, paid by every process that reads forms (each worker of an
# ingest run) though a form only needs these few lines of it. They follow openpyxl's
# utils/datetime.py and styles/numbers.py (MIT licence, (c) 2010-2024 openpyxl); the
# equivalence test in tests/test_readers_xlsxgrid.py reads every test form both ways.

WINDOWS_EPOCH = datetime(1899, 12, 30)
CALENDAR_MAC_1904 = datetime(1904, 1, 1)
_SECS_PER_DAY = 86400
# Built-in number formats by id (ECMA-376 §18.8.30), as openpyxl lists them.
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
    14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)", 41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)',
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}  # fmt: skip
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # literals, colours, locales
_DATE_PART = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)


def is_date_format(fmt: str | None) -> bool:
    if fmt is None:
        return False
    return _DATE_PART.search(_STRIP.sub("", fmt.split(";")[0])) is not None


def is_timedelta_format(fmt: str | None) -> bool:
    if fmt is None:
        return False
    return _TIMEDELTA.search(fmt.split(";")[0]) is not None


def from_excel(value: float, epoch: datetime = WINDOWS_EPOCH, timedelta: bool = False) -> Any:
    """An Excel serial number as a datetime (a time for a fraction of a day, a timedelta for
    a duration format), with Excel's 1900 leap-year bug."""
    if timedelta:
        td = _timedelta(days=value)
        if td.microseconds:  # to millisecond precision
            td = _timedelta(
                seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3)
            )
        return td
    day, fraction = divmod(value, 1)
    diff = _timedelta(milliseconds=round(fraction * _SECS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        mins, seconds = divmod(diff.seconds, 60)
        hours, mins = divmod(mins, 60)
        return time(hours, mins, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + _timedelta(days=day) + diff
