"""`docauto deadlines`: what each area must still send, due soon or overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docauto.commands import json_option, structure_option
from docauto.commands.overview_options import (
    as_date,
    as_of_option,
    load_inputs,
    plan_option,
    registry_option,
)


@click.command()
@structure_option
@registry_option
@as_of_option
@click.option(
    "--all", "show_all", is_flag=True, help="Also list submissions whose deadline is further away."
)
@json_option
@plan_option
def deadlines(
    structure_path: Path,
    registry_path: Path,
    as_of: dt.datetime | None,
    show_all: bool,
    as_json: bool,
    plan_path: Path | None,
) -> None:
    """List per area what is due and overdue as of a date.

    Overdue: the deadline in the recruitment plan has passed and the registry holds no
    registered mail of that kind from the area. Due: the deadline is within
    due_within_days (mappings/oversigt.yaml) and not yet met. Job ads are owed per position.

    \b
    Example:
      docauto deadlines --structure struktur.xlsx --registry register.xlsx --as-of 2010-10-14
      docauto deadlines --structure struktur.xlsx --registry register.xlsx --json
    """
    import json

    from docauto.registry.deadlines import owed_submissions
    from docauto.registry.report import format_deadlines

    structure, view, plan, settings = load_inputs(structure_path, registry_path, plan_path)
    day = as_date(as_of)
    owed = owed_submissions(view, structure, plan, settings, day)
    if not show_all:
        owed = [o for o in owed if o.state in ("overdue", "due")]
    if as_json:
        click.echo(
            json.dumps(
                {"as_of": day.isoformat(), "owed": [o.as_json() for o in owed]}, ensure_ascii=False
            )
        )
        return
    click.echo(format_deadlines(owed, day))
