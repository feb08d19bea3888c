"""Options shared by the overview commands (registry status/report/purge/person, deadlines,
remind), and the loading they all do first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from docauto.commands import registry_path_option

registry_option = registry_path_option()
as_of_option = click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="The date to judge deadlines by, YYYY-MM-DD (default: today).",
)
plan_option = click.option(
    "--plan",
    "plan_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The recruitment plan (default: mappings/rekrutteringsplan.yaml).",
)


def as_date(value: dt.datetime | None) -> dt.date:
    return value.date() if value is not None else dt.date.today()


def load_inputs(
    structure_path: Path, registry_path: Path, plan_path: Path | None
) -> tuple[Any, ...]:
    """(structure, registry view, plan, overview settings), validated before anything else."""
    from docauto.registry.jobs import load_inputs as load

    i = load(structure_path, registry_path, plan_path)
    return i.structure, i.view, i.plan, i.settings
