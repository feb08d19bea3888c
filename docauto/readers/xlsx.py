"""Reader plugin: registration forms as Excel workbooks (.xlsx/.xlsm; .xls is refused clearly).

Sheet ``Registrering`` if the workbook has one, else the first sheet with a recognisable
header row. Cells are read as values (``data_only``): a formula gives its cached result and is
never copied as a formula. A merged cell gives every cell it covers the top-left value.
"""

from __future__ import annotations

import io
from typing import Any

from docauto.errors import InputError
from docauto.formspec import FORM_SHEET
from docauto.hookspecs import hookimpl
from docauto.readers import (
    MAX_ROWS,
    Merged,
    ReadResult,
    no_header_problem,
    norm_header,
    table_result,
)
from docauto.readers.office import check_attachment_zip

EXTENSIONS = ("xlsx", "xlsm", "xltx", "xltm", "xls")
MAX_COLUMNS = 60
_SHEET_ROWS = MAX_ROWS + 100


def _sheet_rows(ws: Any) -> list[tuple[int, list[Any]]]:
    max_row = min(ws.max_row or 0, _SHEET_ROWS)
    max_col = min(ws.max_column or 0, MAX_COLUMNS)
    if max_row == 0 or max_col == 0:
        return []
    grid: dict[tuple[int, int], Any] = {}
    stored = getattr(ws, "_cells", None)
    if isinstance(stored, dict):
        # Only the cells the file has: iter_rows would create every cell of the rectangle,
        # which a hostile file can make huge with one far-away cell.
        for (r, c), cell in stored.items():
            if r <= max_row and c <= max_col and cell.value is not None:
                grid[(r, c)] = cell.value
    else:  # pragma: no cover - other openpyxl internals
        for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
            for cell in row:
                if cell.value is not None:
                    grid[(cell.row, cell.column)] = cell.value
    for rng in ws.merged_cells.ranges:
        top = grid.get((rng.min_row, rng.min_col))
        if top is None:
            continue
        for r in range(rng.min_row, min(rng.max_row, max_row) + 1):
            for c in range(rng.min_col, min(rng.max_col, max_col) + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    grid[(r, c)] = Merged(top)
    used_rows = sorted({r for r, _ in grid})
    return [(r, [grid.get((r, c)) for c in range(1, max_col + 1)]) for r in used_rows]


class XlsxReader:
    name = "xlsx"
    order = 10

    def accepts(self, attachment: Any) -> bool:
        ext = attachment.filename.lower().rsplit(".", 1)[-1] if "." in attachment.filename else ""
        return ext in EXTENSIONS or "spreadsheetml" in attachment.content_type \
            or attachment.content_type == "application/vnd.ms-excel"

    def read(self, attachment: Any, kind: str) -> ReadResult:
        import openpyxl

        name = attachment.filename
        check_attachment_zip(attachment.data, name)
        try:
            wb = openpyxl.load_workbook(io.BytesIO(attachment.data), read_only=False,
                                        data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl raises many types for a broken package
            raise InputError(f"{name}: regnearket kan ikke åbnes ({type(exc).__name__})",
                             hint="open it in Excel, save it as .xlsx and send it again") from None
        try:
            sheets = list(wb.worksheets)
            # The form's own sheet first, then the visible sheets, then hidden ones.
            sheets.sort(key=lambda ws: (norm_header(ws.title) != norm_header(FORM_SHEET),
                                        ws.sheet_state != "visible"))
            for ws in sheets:
                if not hasattr(ws, "merged_cells"):  # a chart sheet
                    continue
                result = table_result(_sheet_rows(ws), kind, file=name, sheet=ws.title)
                if result is not None:
                    return result
        finally:
            wb.close()
        return ReadResult(source=name, file=name, problems=[no_header_problem(name, kind)])


@hookimpl
def docauto_attachment_readers():
    return [XlsxReader()]
