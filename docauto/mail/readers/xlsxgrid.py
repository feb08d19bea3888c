"""A lean reader of an .xlsx's cell values, for the many small forms an ingest run reads.

openpyxl builds a full object model of every workbook (styles, cells, defined names) and
costs ~15 ms for a one-page form; this reads only what a form reader needs — sheet names and
states, cell values as openpyxl's ``data_only`` mode gives them (shared strings, numbers, dates
by the cell's number format, booleans, cached formula results) and merged ranges — straight
from the XML with lxml, in about a millisecond. It returns None for anything it does not fully
understand, and the caller then uses openpyxl: the answer is the same, only slower.

The package has passed ``readers.office.check_attachment_zip`` first (no DTDs, sizes bounded).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Any

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


def _xml(zf: zipfile.ZipFile, name: str) -> etree._Element | None:
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


def _date_styles(styles: etree._Element | None) -> tuple[set[int], set[int]]:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    dates: set[int] = set()
    deltas: set[int] = set()
    if styles is None:
        return dates, deltas
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
    return dates, deltas


def _split_ref(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_to_tuple

    return coordinate_to_tuple(ref.replace("$", ""))


def _formula_text(c: Any) -> str | None:
    """A formula cell without a cached value (a program wrote the form and nothing computed
    it): its formula text, e.g. '=HYPERLINK("http://…","Klik her")'. It is text from here on;
    the registry stores it as text, never as a live formula."""
    text = c.findtext(f"{NS}f")
    return "=" + text.strip() if text and text.strip() else None


def read_grids(data: bytes, max_row: int, max_col: int) -> list[SheetGrid] | None:
    """Every worksheet's values, or None when openpyxl should read this file instead."""
    try:
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


def _read(data: bytes, max_row: int, max_col: int) -> list[SheetGrid]:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        workbook = _xml(zf, "xl/workbook.xml")
        rels = _xml(zf, "xl/_rels/workbook.xml.rels")
        if workbook is None or rels is None:
            raise _Unsupported("not the usual package layout")
        pr = workbook.find(f"{NS}workbookPr")
        epoch = (
            CALENDAR_MAC_1904
            if pr is not None and pr.get("date1904") in ("1", "true")
            else WINDOWS_EPOCH
        )
        targets = {}
        for rel in rels.iter(f"{PKG_REL}Relationship"):
            if rel.get("Type") == WORKSHEET_REL:
                target = rel.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                targets[rel.get("Id")] = path
        strings_xml = _xml(zf, "xl/sharedStrings.xml")
        strings = (
            [_text_of(si) for si in strings_xml.iterfind(f"{NS}si")]
            if strings_xml is not None
            else []
        )
        dates, deltas = _date_styles(_xml(zf, "xl/styles.xml"))

        grids = []
        for sheet in workbook.iterfind(f"{NS}sheets/{NS}sheet"):
            path = targets.get(sheet.get(f"{REL_NS}id"))
            if path is None:
                continue  # a chart sheet or a dialog sheet: no cells
            grid = SheetGrid(sheet.get("name", ""), sheet.get("state", "visible"))
            root = _xml(zf, path)
            if root is None:
                raise _Unsupported(f"missing part {path}")
            for c in root.iterfind(f"{NS}sheetData/{NS}row/{NS}c"):
                ref = c.get("r")
                if not ref:
                    raise _Unsupported("cells without references")
                row, col = _split_ref(ref)
                if row > max_row or col > max_col:
                    continue
                kind = c.get("t", "n")
                if kind == "inlineStr":
                    inline = c.find(f"{NS}is")
                    value: Any = _text_of(inline) if inline is not None else None
                else:
                    value = c.findtext(f"{NS}v") or None
                    if value is not None:
                        if kind == "n":
                            value = (
                                float(value)
                                if ("." in value or "e" in value.lower())
                                else int(value)
                            )
                            style = int(c.get("s", "0") or 0)
                            if style in dates:
                                try:
                                    value = from_excel(value, epoch, timedelta=style in deltas)
                                except (OverflowError, ValueError):
                                    value = "#VALUE!"
                        elif kind == "s":
                            value = strings[int(value)]
                        elif kind == "b":
                            value = bool(int(value))
                        elif kind == "d":
                            value = from_ISO8601(value)
                        # "str" (a formula's text result) and "e" (an error) stay text
                    else:
                        value = _formula_text(c)
                if value is not None:
                    grid.cells[(row, col)] = value
            for m in root.iterfind(f"{NS}mergeCells/{NS}mergeCell"):
                ref = m.get("ref", "")
                first, _, last = ref.partition(":")
                r1, c1 = _split_ref(first)
                r2, c2 = _split_ref(last) if last else (r1, c1)
                grid.merged.append((r1, c1, r2, c2))
            grids.append(grid)
        return grids
