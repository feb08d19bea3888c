"""Where a review document gets its meetings: the schedule workbook HR keeps (possibly edited
by hand), or a fresh plan from the structure and the planner's input file."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docauto.dates import parse_date
from docauto.errors import UsageError
from docauto.review.schedule import Schedule, ScheduledMeeting, plan_schedule
from docauto.review.settings import ReviewSettings, load_settings, parse_clock
from docauto.structure.model import Structure


def settings_with(options: Mapping[str, Any] | None = None) -> ReviewSettings:
    """The settings file with overrides: fra, til (dates), dag_fra, dag_til (clock), pause."""
    settings = load_settings()
    options = dict(options or {})
    changes: dict[str, Any] = {}
    try:
        if options.get("fra"):
            changes["start"] = parse_date(options["fra"])
        if options.get("til"):
            changes["end"] = parse_date(options["til"])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if options.get("dag_fra"):
        changes["day_start"] = parse_clock(options["dag_fra"], "dag_fra")
    if options.get("dag_til"):
        changes["day_end"] = parse_clock(options["dag_til"], "dag_til")
    if options.get("pause") not in (None, ""):
        changes["pause"] = int(options["pause"])
    return dataclasses.replace(settings, **changes)


def is_schedule_workbook(path: Path) -> bool:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    from docauto.office.xlsxio import load_workbook_checked
    from docauto.review.workbook import PLAN_SHEET

    wb = load_workbook_checked(path)
    try:
        return any(ws.title.strip().casefold() == PLAN_SHEET.casefold() for ws in wb.worksheets)
    finally:
        wb.close()


def schedule_for(
    structure: Structure, data: Path | None, options: Mapping[str, Any] | None = None
) -> Schedule:
    settings = settings_with(options)
    if data is not None and is_schedule_workbook(Path(data)):
        from docauto.review.workbook import read_schedule_workbook

        return read_schedule_workbook(data, structure, settings)
    from docauto.review.planinput import load_plan_input

    plan = load_plan_input(data)
    extra = (options or {}).get("kommunale")
    if extra:
        # --municipal / --set kommunale=K001,K002 (or 'alle') adds to the input file's list
        ids = [
            x.strip() for x in (extra if isinstance(extra, list | tuple) else str(extra).split(","))
        ]
        plan.all_municipal = plan.all_municipal or any(x.casefold() == "alle" for x in ids)
        plan.municipal = (*plan.municipal, *(x for x in ids if x and x.casefold() != "alle"))
    return plan_schedule(structure, settings, plan)


def selected(
    schedule: Schedule, structure: Structure, only: tuple[str, ...], areas: tuple[str, ...]
) -> list[ScheduledMeeting]:
    from docauto.structure.model import select_clusters

    meetings = schedule.meetings
    if only:
        ids = {c.id for c in select_clusters(structure, only)}
        meetings = [m for m in meetings if m.cluster.id in ids]
    if areas:
        wanted = set()
        for a in areas:
            found = structure.find_area(a)
            if found is None:
                raise UsageError(f"ukendt område '{a}'")
            wanted.add(found.name)
        meetings = [m for m in meetings if m.cluster.area in wanted]
    return meetings
