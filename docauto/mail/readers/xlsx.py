"""Reader plugin: registration forms as Excel workbooks (.xlsx/.xlsm; .xls is refused clearly).

Sheet ``Registrering`` if the workbook has one, else the first sheet with a recognisable
header row. Cells are read as values (``data_only``): a formula gives its cached result and is
never copied as a formula; a formula without a cached result (a form a program wrote) gives
its formula text, which the registry stores as text. A merged cell gives every cell it covers
the top-left value.
"""

from __future__ import annotations

import io
from typing import Any

from docauto.errors import InputError
from docauto.hookspecs import hookimpl
from docauto.mail.readers import (
    MAX_ROWS,
    Merged,
    ReadResult,
    no_header_problem,
    norm_header,
    table_result,
)
from docauto.office.safezip import AttachmentZip
from docauto.recruitment.formspec import FORM_SHEET

EXTENSIONS = ("xlsx", "xlsm", "xltx", "xltm", "xls")
MAX_COLUMNS = 60
_SHEET_ROWS = MAX_ROWS + 100


def _sheet_rows(ws: Any, formulas: Any = None) -> list[tuple[int, list[Any]]]:
    """The rows of an openpyxl worksheet (the slow path; see xlsxgrid for the fast one).
    ``formulas``: the same sheet loaded with its formulas; a formula cell without a cached
    value gives its formula text, as in xlsxgrid."""
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
        for (r, c), cell in getattr(formulas, "_cells", {}).items():
            if (r, c) not in grid and r <= max_row and c <= max_col and cell.data_type == "f":
                grid[(r, c)] = cell.value if isinstance(cell.value, str) else None
    else:  # pragma: no cover - other openpyxl internals
        for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
            for cell in row:
                if cell.value is not None:
                    grid[(cell.row, cell.column)] = cell.value
    merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    return _grid_rows(grid, merged, max_row, max_col)


def _grid_rows(
    grid: dict[tuple[int, int], Any],
    merged: list[tuple[int, int, int, int]],
    max_row: int,
    max_col: int,
) -> list[tuple[int, list[Any]]]:
    for min_row, min_col, last_row, last_col in merged:
        top = grid.get((min_row, min_col))
        if top is None:
            continue
        for r in range(min_row, min(last_row, max_row) + 1):
            for c in range(min_col, min(last_col, max_col) + 1):
                if (r, c) != (min_row, min_col):
                    grid[(r, c)] = Merged(top)
    if not grid:
        return []
    width = min(max(c for _, c in grid), max_col)
    used_rows = sorted({r for r, _ in grid})
    return [(r, [grid.get((r, c)) for c in range(1, width + 1)]) for r in used_rows]


def _sheet_order(title: str, state: str) -> tuple[bool, bool]:
    # The form's own sheet first, then the visible sheets, then hidden ones.
    return (norm_header(title) != norm_header(FORM_SHEET), state != "visible")


class XlsxReader:
    name = "xlsx"
    order = 10

    def accepts(self, attachment: Any) -> bool:
        ext = attachment.filename.lower().rsplit(".", 1)[-1] if "." in attachment.filename else ""
        return (
            ext in EXTENSIONS
            or "spreadsheetml" in attachment.content_type
            or attachment.content_type == "application/vnd.ms-excel"
        )

    def read(self, attachment: Any, kind: str) -> ReadResult:

        name = attachment.filename
        from docauto.mail.readers.xlsxgrid import read_grids  # lxml: only when a form is read

        with AttachmentZip(attachment.data, name) as package:
            grids = read_grids(package, _SHEET_ROWS, MAX_COLUMNS)
            if grids is None:
                package.check_all()  # openpyxl parses every part
        if grids is not None:
            grids.sort(key=lambda g: _sheet_order(g.title, g.state))
            for g in grids:
                result = table_result(
                    _grid_rows(g.cells, g.merged, _SHEET_ROWS, MAX_COLUMNS),
                    kind,
                    file=name,
                    sheet=g.title,
                )
                if result is not None:
                    return result
            return ReadResult(source=name, file=name, problems=[no_header_problem(name, kind)])
        return self._read_with_openpyxl(attachment, kind)

    def _read_with_openpyxl(self, attachment: Any, kind: str) -> ReadResult:
        import openpyxl

        name = attachment.filename
        try:
            wb = openpyxl.load_workbook(
                io.BytesIO(attachment.data), read_only=False, data_only=True, keep_links=False
            )
            with_formulas = openpyxl.load_workbook(
                io.BytesIO(attachment.data), read_only=False, data_only=False, keep_links=False
            )
        except Exception as exc:  # openpyxl raises many types for a broken package
            raise InputError(
                f"{name}: regnearket kan ikke åbnes ({type(exc).__name__})",
                hint="åbn den i Excel, gem den som .xlsx og send den igen",
            ) from None
        try:
            sheets = sorted(wb.worksheets, key=lambda ws: _sheet_order(ws.title, ws.sheet_state))
            for ws in sheets:
                if not hasattr(ws, "merged_cells"):  # a chart sheet
                    continue
                rows = _sheet_rows(ws, with_formulas[ws.title])
                result = table_result(rows, kind, file=name, sheet=ws.title)
                if result is not None:
                    return result
        finally:
            wb.close()
            with_formulas.close()
        return ReadResult(source=name, file=name, problems=[no_header_problem(name, kind)])


@hookimpl
def docauto_attachment_readers():
    return [XlsxReader()]
