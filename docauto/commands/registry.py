from __future__ import annotations

import click

from docauto.cli import LazyGroup

SUBCOMMANDS = {
    "init": ("docauto.commands.registry_init:init", "Create the registry workbook."),
    "status": (
        "docauto.commands.registry_status:status",
        "Positions, conflicts and owed submissions.",
    ),
    "report": (
        "docauto.commands.registry_report:report",
        "Write HR's overview as a workbook and a Word report.",
    ),
    "purge": ("docauto.commands.registry_purge:purge", "Anonymise applicants who were not hired."),
    "person": (
        "docauto.commands.registry_person:person",
        "Export everything held about one person.",
    ),
}


@click.group(cls=LazyGroup, lazy=SUBCOMMANDS)
def registry() -> None:
    """Create, inspect and report on the HR registry workbook.

    \b
    Example:
      docauto registry init --structure struktur.xlsx --registry register.xlsx
      docauto registry status --structure struktur.xlsx --registry register.xlsx --json
    """
