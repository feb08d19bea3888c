"""The interview plan (samtaleplan) the area fills in, and reading it back.

docauto makes one .xlsx per area and round, with a row per applicant and position to call
(round 1: every applicant; round 2: the applicants of positions that had no recommended
candidate when round 1's deadline had passed). The area fills in Dato, Tidspunkt and Sted;
``read_plan`` reads it back and checks each row against the registry, so an invitation only
ever goes to a person registered as an applicant for that position.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import InputError

if TYPE_CHECKING:
    from docauto.recruitment.letters import Applicant, Place

__all__ = ["COLUMNS", "SHEET", "Interview", "build_plan", "read_plan"]

SHEET = "Samtaler"
COLUMNS = (
    "Runde",
    "Område",
    "Stillingstype",
    "Klynge",
    "Enhed",
    "Navn",
    "E-mail",
    "Dato",
    "Tidspunkt",
    "Sted",
)
FILL_IN = ("Dato", "Tidspunkt", "Sted")


@dataclass(frozen=True)
class Interview:
    """One filled-in row: who, for which position, when and where."""

    file: str
    row: int
    round: int
    area: str
    role_label: str
    cluster: str
    unit: str
    name: str
    email: str
    day: dt.date
    time: str
    place: str


def build_plan(
    area: str,
    round: int,
    rows: list[tuple[Applicant, Place]],
    role_label: str,
    as_of: dt.date,
) -> bytes:
    """The .xlsx plan for one area and round, pre-filled with the applicants to call."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    from docauto.office.filters import dato
    from docauto.registry.workbook import set_cell

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    title = f"Samtaleplan, {round}. runde – {role_label} – område {area} (pr. {dato(as_of)})"
    set_cell(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    set_cell(
        ws.cell(row=2, column=1),
        "Udfyld Dato, Tidspunkt og Sted for hver samtale; tilføj ikke personer, der ikke står "
        "her (de er ikke registreret som ansøgere).",
    )
    head = 4
    fill = PatternFill("solid", start_color="FFFFF2CC")
    for j, name in enumerate(COLUMNS, start=1):
        c = ws.cell(row=head, column=j)
        set_cell(c, name)
        c.font = Font(bold=True, color="FFFFFFFF")
        c.fill = PatternFill("solid", start_color="FF1F4E78")
    for i, (person, place) in enumerate(rows, start=head + 1):
        values = [round, area, role_label, place.cluster, place.unit, person.name, person.email]
        for j, v in enumerate(values, start=1):
            cell = ws.cell(row=i, column=j)
            set_cell(cell, v) if isinstance(v, str) else setattr(cell, "value", v)
        for j in range(len(values) + 1, len(COLUMNS) + 1):
            cell = ws.cell(row=i, column=j)
            cell.fill = fill
            cell.protection = Protection(locked=False)
            cell.alignment = Alignment(horizontal="left")
        ws.cell(row=i, column=8).number_format = "dd.mm.yyyy"
        ws.cell(row=i, column=9).number_format = "hh.mm"
    for i in range(head + 1, head + 1 + len(rows)):
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center")
    _fit_columns(ws, head, rows, area, role_label)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    from docauto.office.housestyle import workbook_bytes

    return workbook_bytes(wb, title, header_rows={SHEET: head})


# Room for what the area types: a date, a time, a room and address.
_FILL_IN_WIDTH = {8: 12, 9: 11, 10: 40}


def _fit_columns(ws: Any, head: int, rows: list[Any], area: str, role_label: str) -> None:
    """Each column as wide as its longest value (the e-mail addresses must show whole)."""
    from openpyxl.utils import get_column_letter

    values: list[list[str]] = [[c] for c in COLUMNS]
    for person, place in rows:
        for j, v in enumerate(
            ("1", area, role_label, place.cluster, place.unit, person.name, person.email)
        ):
            values[j].append(str(v or ""))
    for j, col in enumerate(values, start=1):
        width = max(len(v) for v in col) + 3
        ws.column_dimensions[get_column_letter(j)].width = max(width, _FILL_IN_WIDTH.get(j, 8))


def _header(rows: list[tuple[Any, ...]], path: Path) -> tuple[int, dict[str, int]]:
    from docauto.registry.cells import norm

    for i, row in enumerate(rows[:10]):
        cols = {norm(v): j for j, v in enumerate(row) if v not in (None, "")}
        if all(norm(c) in cols for c in COLUMNS):
            return i, {c: cols[norm(c)] for c in COLUMNS}
    raise InputError(
        f"{path}: arket '{SHEET}' har ikke overskrifterne {', '.join(COLUMNS)}",
        hint="use the plan docauto made (docauto generate samtaleplaner)",
    )


def _time(value: Any) -> str:
    if isinstance(value, dt.time | dt.datetime):
        return value.strftime("%H.%M")
    return " ".join(str(value or "").split()).replace(":", ".")


def _row(path: Path, number: int, cells: dict[str, Any]) -> Interview | str | None:
    """An Interview, a Danish problem text, or None for a row without a time yet."""
    from docauto.registry.cells import text
    from docauto.registry.cells import to_date as cell_date

    if all(cells[c] in (None, "") for c in FILL_IN):
        return None
    where = f"{path.name}, række {number}"
    missing = [c for c in FILL_IN if cells[c] in (None, "")]
    if missing:
        return f"{where}: {', '.join(missing)} mangler"
    day = cell_date(cells["Dato"])
    if day is None:
        return f"{where}: Dato '{cells['Dato']}' er ikke en dato"
    try:
        rnd = int(cells["Runde"] or 1)
    except (TypeError, ValueError):
        return f"{where}: Runde '{cells['Runde']}' er ikke 1 eller 2"
    return Interview(
        file=path.name,
        row=number,
        round=rnd,
        area=text(cells["Område"]),
        role_label=text(cells["Stillingstype"]),
        cluster=text(cells["Klynge"]),
        unit=text(cells["Enhed"]),
        name=text(cells["Navn"]),
        email=text(cells["E-mail"]).lower(),
        day=day,
        time=_time(cells["Tidspunkt"]),
        place=text(cells["Sted"]),
    )


def read_plan(path: Path) -> tuple[list[Interview], list[str]]:
    """The filled-in rows of one plan, and a Danish problem line per row that cannot be read."""
    import openpyxl

    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(f"{path}: samtaleplanen findes ikke") from None
    except Exception as exc:
        raise InputError(f"{path}: samtaleplanen kan ikke læses ({type(exc).__name__})") from None
    try:
        if SHEET not in wb.sheetnames:
            raise InputError(f"{path}: arket '{SHEET}' mangler")
        rows = list(wb[SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    head, cols = _header(rows, path)
    out: list[Interview] = []
    problems: list[str] = []
    for i, row in enumerate(rows[head + 1 :], start=head + 2):
        cells = {c: (row[j] if j < len(row) else None) for c, j in cols.items()}
        got = _row(path, i, cells)
        if isinstance(got, str):
            problems.append(got)
        elif got is not None:
            out.append(got)
    return out, problems
