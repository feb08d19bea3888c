"""`docauto registry status`: positions, conflicts and owed submissions (REGISTRY.md §5)."""

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
@json_option
@plan_option
def status(
    structure_path: Path,
    registry_path: Path,
    as_of: dt.datetime | None,
    as_json: bool,
    plan_path: Path | None,
) -> None:
    """Show the positions per role and area by status, the conflicts and what areas owe.

    A conflict is a candidate recommended by two or more areas in the same round (the same
    e-mail is the same person, however the name is spelled). "Missing" lists every
    submission an area still owes whose deadline in the recruitment plan has passed as of
    --as-of. --json prints the object of REGISTRY.md §5.

    \b
    Example:
      docauto registry status --structure struktur.xlsx --registry register.xlsx
      docauto registry status --structure struktur.xlsx --registry register.xlsx --as-of 2010-10-23 --json
    """
    import json

    from docauto.registry.status import build_status, format_status

    structure, view, plan, settings = load_inputs(structure_path, registry_path, plan_path)
    result = build_status(view, structure, plan, settings, as_date(as_of))
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        click.echo(format_status(result))
