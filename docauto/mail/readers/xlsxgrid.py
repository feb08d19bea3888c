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
import zipfile
from dataclasses import dataclass, field
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


def _split_ref(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_to_tuple

    return coordinate_to_tuple(ref.replace("$", ""))


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
    workbook = _xml(zf, "xl/workbook.xml")
    rels = zf_read(zf, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise _Unsupported("not the usual package layout")
    targets = _sheet_targets(rels)
    strings_xml = _xml(zf, "xl/sharedStrings.xml")
    strings = (
        [_text_of(si) for si in strings_xml.iterfind(f"{NS}si")] if strings_xml is not None else []
    )
    styles = zf_read(zf, "xl/styles.xml")
    cells = _CellReader(strings, _epoch(workbook), *_date_styles(styles))
    grids = []
    for sheet in workbook.iterfind(f"{NS}sheets/{NS}sheet"):
        path = targets.get(sheet.get(f"{REL_NS}id") or "")
        if path is None:
            continue  # a chart sheet or a dialog sheet: no cells
        root = _xml(zf, path)
        if root is None:
            raise _Unsupported(f"missing part {path}")
        grid = SheetGrid(sheet.get("name", ""), sheet.get("state", "visible"))
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


def zf_read(zf: _Parts, name: str) -> bytes | None:
    try:
        return zf.read(name)
    except KeyError:
        return None


def _epoch(workbook: etree._Element) -> Any:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH

    pr = workbook.find(f"{NS}workbookPr")
    return (
        CALENDAR_MAC_1904
        if pr is not None and pr.get("date1904") in ("1", "true")
        else WINDOWS_EPOCH
    )


# Forms made from one template share these parts byte for byte: each is understood once.
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
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

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
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(value)
        return value  # "str" (a formula's text result) and "e" (an error) stay text

    def _number(self, text: str, style: int) -> Any:
        from openpyxl.utils.datetime import from_excel

        value: Any = float(text) if ("." in text or "e" in text.lower()) else int(text)
        if style in self.dates:
            try:
                value = from_excel(value, self.epoch, timedelta=style in self.deltas)
            except (OverflowError, ValueError):
                value = "#VALUE!"
        return value
