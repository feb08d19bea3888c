"""Reader plugin: a registration form typed as a table in a Word document (.docx).

The first table whose header row names the form's columns is read; a title row above the
header, merged cells and extra columns are fine. The table XML is walked directly with lxml
(no entities, no network) rather than through python-docx, whose cell lookup for vertically
merged cells is recursive and quadratic: a hostile table could make it run for minutes.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docauto.errors import InputError
from docauto.hookspecs import hookimpl
from docauto.mail.readers import MAX_ROWS, Merged, ReadResult, no_header_problem, table_result
from docauto.office.safezip import check_attachment_zip

EXTENSIONS = ("docx", "docm", "doc")
MAX_TABLES = 50
MAX_GRID_COLUMNS = 200
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _val(el: Any, tag: str) -> str | None:
    child = el.find(tag) if el is not None else None
    return None if child is None else child.get(f"{W}val", "")


def _cell_text(tc: Any) -> str:
    paragraphs = []
    for p in tc.iter(f"{W}p"):
        bits = []
        for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
            bits.append(
                node.text or ""
                if node.tag == f"{W}t"
                else ("\t" if node.tag == f"{W}tab" else "\n")
            )
        paragraphs.append("".join(bits))
    return "\n".join(paragraphs)


def _row_cells(tr: Any) -> list[Any]:
    """(grid column -> value) of one row; a cell spanning columns fills them with Merged."""
    cells: list[Any] = []
    before = _val(tr.find(f"{W}trPr"), f"{W}gridBefore")
    if before and before.isdigit():
        cells.extend([None] * min(int(before), MAX_GRID_COLUMNS))
    tcs = [el for el in tr if el.tag == f"{W}tc"]
    for sdt in tr.findall(f"{W}sdt"):  # content controls wrapping cells
        tcs.extend(sdt.iter(f"{W}tc"))
    for tc in tcs:
        tcpr = tc.find(f"{W}tcPr")
        span_text = _val(tcpr, f"{W}gridSpan")
        span = int(span_text) if span_text and span_text.isdigit() else 1
        span = max(1, min(span, MAX_GRID_COLUMNS))
        vmerge = _val(tcpr, f"{W}vMerge")
        # vMerge without a value (or "continue") continues the cell above.
        value: Any = Merged(None) if vmerge not in (None, "restart") else _cell_text(tc)
        cells.append(value)
        cells.extend(
            Merged(value if not isinstance(value, Merged) else None) for _ in range(span - 1)
        )
        if len(cells) > MAX_GRID_COLUMNS:
            break
    return cells[:MAX_GRID_COLUMNS]


def _table_rows(tbl: Any) -> list[tuple[int, list[Any]]]:
    rows: list[tuple[int, list[Any]]] = []
    above: list[Any] = []
    for number, tr in enumerate(tbl.findall(f"{W}tr"), start=1):
        if number > MAX_ROWS + 100:
            break
        cells = _row_cells(tr)
        for i, v in enumerate(cells):
            if isinstance(v, Merged) and v.value is None and i < len(above):
                # Continuation of a vertical merge: the value of the cell above.
                top = above[i]
                cells[i] = Merged(top.value if isinstance(top, Merged) else top)
        above = cells
        rows.append((number, cells))
    return rows


def document_tables(data: bytes, name: str) -> list[list[tuple[int, list[Any]]]]:
    """The body's tables (also inside content controls) as rows of grid-column values."""
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read("word/document.xml")
    except KeyError:
        raise InputError(
            f"{name}: filen er ikke et Word-dokument (word/document.xml mangler)"
        ) from None
    except Exception as exc:
        raise InputError(f"{name}: dokumentet er beskadiget ({type(exc).__name__})") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: dokumentet er beskadiget ({exc.msg})") from None
    body = root.find(f"{W}body")
    if body is None:
        return []
    tables = []
    for el in body.iter(f"{W}tbl"):
        # Only tables that are not inside another table's cell.
        if el.getparent() is not None and el.getparent().tag == f"{W}tc":
            continue
        tables.append(_table_rows(el))
        if len(tables) >= MAX_TABLES:
            break
    return tables


class DocxReader:
    name = "docx"
    order = 20

    def accepts(self, attachment: Any) -> bool:
        ext = attachment.filename.lower().rsplit(".", 1)[-1] if "." in attachment.filename else ""
        return (
            ext in EXTENSIONS
            or "wordprocessingml" in attachment.content_type
            or attachment.content_type == "application/msword"
        )

    def read(self, attachment: Any, kind: str) -> ReadResult:
        name = attachment.filename
        check_attachment_zip(attachment.data, name)
        tables = document_tables(attachment.data, name)
        for rows in tables:
            # No sheet name: locations read "fil, række N" (the row of the form's table).
            result = table_result(rows, kind, file=name)
            if result is not None:
                return result
        return ReadResult(source=name, file=name, problems=[no_header_problem(name, kind)])


@hookimpl
def docauto_attachment_readers():
    return [DocxReader()]
