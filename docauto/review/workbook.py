"""The schedule as a workbook HR opens in Excel (Mødeplan + Deltagere), and read back, so a
meeting moved by hand in Excel is what the invitations and minutes forms use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docauto.dates import parse_date
from docauto.errors import InputError, Location, Problem, ValidationError
from docauto.office.xlsxio import cell_text as _text
from docauto.review.schedule import Meeting, Participant, Schedule, ScheduledMeeting
from docauto.review.settings import ReviewSettings, parse_clock
from docauto.structure.model import Structure

PLAN_SHEET = "Mødeplan"
PEOPLE_SHEET = "Deltagere"
PLAN_COLUMNS = (
    "Møde-ID",
    "Dato",
    "Ugedag",
    "Start",
    "Slut",
    "Uge",
    "Klynge-ID",
    "Klynge",
    "Type",
    "Område",
    "Paraplyorganisation",
    "Sted",
    "Deltagere",
)
PEOPLE_COLUMNS = ("Møde-ID", "Klynge-ID", "Navn", "Rolle", "E-mail")
_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def write_schedule_workbook(schedule: Schedule) -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = PLAN_SHEET
    ws.append(list(PLAN_COLUMNS))
    for m in schedule.meetings:
        c = m.cluster
        ws.append(
            [
                m.id,
                m.day,
                _WEEKDAYS[m.day.weekday()],
                m.start,
                m.end,
                m.day.isocalendar().week,
                c.id,
                c.name,
                c.type,
                c.area,
                c.umbrella,
                m.meeting.place,
                "; ".join(p.name for p in m.meeting.participants),
            ]
        )
        ws.cell(ws._current_row, 2).number_format = "DD-MM-YYYY"  # not max_row: O(n) each
        # Real time cells (Excel sorts and sums them), shown as 09:00.
        ws.cell(ws._current_row, 4).number_format = "HH:MM"
        ws.cell(ws._current_row, 5).number_format = "HH:MM"
    people = wb.create_sheet(PEOPLE_SHEET)
    people.append(list(PEOPLE_COLUMNS))
    for m in schedule.meetings:
        for p in m.meeting.participants:
            people.append([m.id, m.cluster.id, p.name, p.role, p.email])
    for sheet, cols in ((ws, PLAN_COLUMNS), (people, PEOPLE_COLUMNS)):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a name starting with '=' stays text
        for i, h in enumerate(cols, start=1):
            values = [len(str(h))] + [
                _width(r[i - 1]) for r in sheet.iter_rows(min_row=2, values_only=True)
            ]
            sheet.column_dimensions[get_column_letter(i)].width = min(max(values) + 2, 60)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    from docauto.office.housestyle import workbook_bytes

    return workbook_bytes(wb, "Mødeplan: strukturel gennemgang")


def _width(value: Any) -> int:
    if isinstance(value, dt.date | dt.time):
        return 10  # shown as 01-11-2010 or 09:00, not as Python prints them
    return len(str(value or ""))


def _columns(header: tuple, wanted: tuple[str, ...]) -> dict[str, int | None]:
    idx = {_text(h).casefold(): i for i, h in enumerate(header) if _text(h)}
    return {w: idx.get(w.casefold()) for w in wanted}


def _cell(row: tuple, j: int | None) -> Any:
    """The value in column ``j`` (None: the column is missing, or the row is short)."""
    return row[j] if j is not None and j < len(row) else None


def _read_plan_sheets(path: Path) -> tuple[list[tuple], list[tuple]]:
    """The rows of the plan sheet and of the participants sheet (none if it was deleted)."""
    from docauto.office.xlsxio import load_workbook_checked

    wb = load_workbook_checked(path, data_only=True)
    try:
        sheets = {ws.title.strip().casefold(): ws for ws in wb.worksheets}
        plan_ws = sheets.get(PLAN_SHEET.casefold())
        if plan_ws is None:
            raise InputError(
                f"{path}: arket '{PLAN_SHEET}' mangler",
                hint="angiv den projektmappe, 'review schedule' skrev",
            )
        rows = list(plan_ws.iter_rows(values_only=True))
        people_ws = sheets.get(PEOPLE_SHEET.casefold())
        people_rows = list(people_ws.iter_rows(values_only=True)) if people_ws is not None else []
    finally:
        wb.close()
    return rows, people_rows


def _plan_columns(rows: list[tuple], path: Path) -> dict[str, int | None]:
    """The plan sheet's columns; the ones a meeting cannot do without must be there."""
    if not rows:
        raise InputError(f"{path}: arket '{PLAN_SHEET}' er tomt")
    cols = _columns(rows[0], ("Møde-ID", "Dato", "Start", "Slut", "Klynge-ID", "Sted"))
    problems = [
        Problem(Location(str(path), PLAN_SHEET, 1, name), "kolonnen mangler")
        for name in ("Dato", "Start", "Slut", "Klynge-ID")
        if cols[name] is None
    ]
    if problems:
        raise ValidationError(f"{path}: mødeplanen kan ikke læses", problems)
    return cols


def _participants_by_cluster(people_rows: list[tuple]) -> dict[str, list[Participant]]:
    people: dict[str, list[Participant]] = {}
    if not people_rows:
        return people
    pc = _columns(people_rows[0], PEOPLE_COLUMNS)
    for row in people_rows[1:]:

        def cell(name: str, row: tuple = row) -> str:
            j = pc[name]
            return _text(row[j]) if j is not None and j < len(row) else ""

        if cell("Navn"):
            people.setdefault(cell("Klynge-ID"), []).append(
                Participant(
                    (cell("E-mail") or cell("Navn")).casefold(),
                    cell("Navn"),
                    cell("Rolle"),
                    cell("E-mail"),
                )
            )
    return people


def _scheduled_meeting(
    row: tuple,
    where: Location,
    cols: dict[str, int | None],
    structure: Structure,
    settings: ReviewSettings,
    people: dict[str, list[Participant]],
    problems: list[Problem],
) -> ScheduledMeeting | None:
    """One row of the plan as a meeting; None (and the problem listed) if it cannot be read."""
    from docauto.review.schedule import meeting_id

    def at(column: str) -> Location:
        return Location(where.file, where.sheet, where.row, column)

    def get(name: str) -> Any:
        return _cell(row, cols[name])

    cid = _text(get("Klynge-ID"))
    cluster = structure.find_cluster(cid)
    if cluster is None:
        problems.append(Problem(at("Klynge-ID"), f"ukendt klynge '{cid}'"))
        return None
    try:
        day = parse_date(get("Dato"))
    except ValueError as exc:
        problems.append(Problem(at("Dato"), str(exc)))
        return None
    try:
        start = _clock(get("Start"))
        end = _clock(get("Slut"))
    except ValueError as exc:
        problems.append(Problem(at("Start/Slut"), str(exc)))
        return None
    mid = _text(get("Møde-ID")) or meeting_id(cluster)
    place = _text(get("Sted")) or settings.place_for(cluster.area)
    meeting = Meeting(mid, cluster, tuple(people.get(cluster.id, ())), place)
    return ScheduledMeeting(meeting, day, start, end)


def read_schedule_workbook(
    path: str | Path, structure: Structure, settings: ReviewSettings
) -> Schedule:
    """The schedule from a Mødeplan workbook (possibly edited by hand); every problem listed."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: mødeplanen findes ikke")
    rows, people_rows = _read_plan_sheets(path)
    cols = _plan_columns(rows, path)
    people = _participants_by_cluster(people_rows)
    problems: list[Problem] = []
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(_text(v) for v in row):
            continue
        where = Location(str(path), PLAN_SHEET, i)
        meeting = _scheduled_meeting(row, where, cols, structure, settings, people, problems)
        if meeting is not None:
            out.append(meeting)
    if problems:
        raise ValidationError(f"{path}: mødeplanen har {len(problems)} fejl", problems)
    out.sort(key=lambda m: (m.day, m.start, m.id))
    return Schedule(out, settings)


def _clock(value: Any) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    try:
        return parse_clock(_text(value), "")
    except Exception:
        raise ValueError(f"'{_text(value)}' er ikke et klokkeslæt som 09:00") from None
