"""Options shared by the overview commands (registry status/report/purge/person, deadlines,
remind), and the loading they all do first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

registry_option = click.option(
    "--registry",
    "registry_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The registry workbook made by 'docauto registry init'.",
)
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
    from docauto.recruitment.timeline import load_timeline
    from docauto.registry.config import load_overview_settings
    from docauto.registry.data import RegistryView
    from docauto.structure.model import load_structure

    structure = load_structure(structure_path)
    plan = load_timeline(plan_path)
    settings = load_overview_settings()
    view = RegistryView.load(registry_path)
    return structure, view, plan, settings
