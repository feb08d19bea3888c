"""Senior arrangements (seniorordninger): the application form area chiefs forward to jobbank,
the registry's ``Seniorordninger`` sheet with a status HR keeps, and reading the form back.

Bilag 7: area chiefs forward applications for senior arrangements (negotiated with the unions
in October 2010). A mail "Ansøgning om seniorordning" with the form attached gets one row per
applicant in ``Seniorordninger`` with status ``Modtaget``; HR moves it on by hand (Under
behandling, Bevilget, Afslået). The sheet is made the first time it is needed, so registries
made before it exist keep working.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from docauto.errors import Location, Problem
from docauto.registry.cells import norm, text, to_date

if TYPE_CHECKING:
    from docauto.structure.model import Structure

__all__ = [
    "COLUMNS",
    "FORM_COLUMNS",
    "SHEET",
    "STATUSES",
    "append_row",
    "build_senior_form",
    "read_senior_forms",
]

SHEET = "Seniorordninger"
FORM_SHEET = "Seniorordning"
FORM_COLUMNS = (
    "Område",
    "Navn",
    "E-mail",
    "Nuværende stilling",
    "Nuværende arbejdssted",
    "Ønsket ordning",
    "Ønskes fra",
    "Bemærkning",
)
COLUMNS = (*FORM_COLUMNS, "Status", "Modtaget", "Kilde")
RECEIVED, HANDLING, GRANTED, REFUSED = "Modtaget", "Under behandling", "Bevilget", "Afslået"
STATUSES = (RECEIVED, HANDLING, GRANTED, REFUSED)


def build_senior_form(structure: Structure, area: str, mailbox: str, subject: str) -> bytes:
    """The form an area chief fills in (one row per applicant) and mails to jobbank."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from docauto.registry.workbook import set_cell

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    set_cell(ws.cell(row=1, column=1), f"Ansøgning om seniorordning – område {area}")
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    set_cell(
        ws.cell(row=2, column=1),
        f"Udfyld én række pr. ansøger og send skemaet til {mailbox} med emnet: {subject}",
    )
    head = 4
    for j, name in enumerate(FORM_COLUMNS, start=1):
        c = ws.cell(row=head, column=j)
        set_cell(c, name)
        c.font = Font(bold=True, color="FFFFFFFF")
        c.fill = PatternFill("solid", start_color="FF1F4E78")
        ws.column_dimensions[get_column_letter(j)].width = 14 if j in (1, 7) else 26
    for r in range(head + 1, head + 21):
        set_cell(ws.cell(row=r, column=1), area)
        ws.cell(row=r, column=7).number_format = "dd-mm-yyyy"
    dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dv.error = "Skriv en dato, fx 01-01-2011"
    ws.add_data_validation(dv)
    dv.add(f"G{head + 1}:G{head + 20}")
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    # Title and instruction across the table's width: in column A alone (14 wide) a viewer
    # that wraps the cell breaks the title letter by letter.
    last = get_column_letter(len(FORM_COLUMNS))
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    from docauto.office.housestyle import workbook_bytes

    # the house print set-up: A4, one page wide, header row 4 repeated
    return workbook_bytes(
        wb, f"Ansøgning om seniorordning – område {area}", header_rows={FORM_SHEET: head}
    )


def _rows(data: bytes) -> list[tuple[Any, ...]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[FORM_SHEET] if FORM_SHEET in wb.sheetnames else wb.worksheets[0]
        return list(ws.iter_rows(values_only=True))
    finally:
        wb.close()


def _header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:10]):
        cols = {norm(v): j for j, v in enumerate(row) if v not in (None, "")}
        if norm("Navn") in cols and norm("Område") in cols:
            return i, {c: cols[norm(c)] for c in FORM_COLUMNS if norm(c) in cols}
    return None


def read_senior_forms(
    attachments: list[Any], may_submit_for: Any, when: dt.datetime, source: str
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Seniorordninger rows from the .xlsx forms among the attachments, and the problems."""
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for att in attachments:
        if (att.filename or "").lower().rsplit(".", 1)[-1] not in ("xlsx", "xlsm"):
            continue
        try:
            grid = _rows(att.data)
        except Exception:  # noqa: BLE001 - any unreadable file is the sender's to fix
            problems.append(Problem(Location(file=att.filename), "filen kan ikke læses"))
            continue
        found = _header(grid)
        if found is None:
            continue  # not the form (a letter, a CV): HR reads it by hand
        head, cols = found
        for n, raw in enumerate(grid[head + 1 :], start=head + 2):
            values = {c: (raw[j] if j < len(raw) else None) for c, j in cols.items()}
            if not text(values.get("Navn")):
                continue
            where = Location(file=att.filename, row=n)
            if not may_submit_for(text(values.get("Område"))):
                problems.append(
                    Problem(where, f"området '{text(values.get('Område'))}' er ikke afsenderens")
                )
                continue
            start = values.get("Ønskes fra")
            row = {c: text(v) for c, v in values.items() if c != "Ønskes fra"}
            row["Ønskes fra"] = to_date(start) if start not in (None, "") else None
            rows.append({**row, "Status": RECEIVED, "Modtaget": when, "Kilde": source})
    return rows, problems


def append_row(book: Any, sheet: str, values: dict[str, Any]) -> int:
    """``book.append``, making the Seniorordninger sheet first if the registry has none."""
    if sheet == SHEET:
        if not book.has_sheet(SHEET):
            book.create_sheet(SHEET, list(COLUMNS), state="visible")
        try:
            book.columns(SHEET)
        except KeyError:  # there, but not yet checked in this run
            book.check({SHEET: COLUMNS})
    return book.append(sheet, values)
