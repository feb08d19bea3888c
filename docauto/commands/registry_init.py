from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import json_option, registry_path_option, structure_option


@click.command()
@structure_option
@registry_path_option("The registry workbook (.xlsx) to create.")
@json_option
def init(structure_path: Path, registry_path: Path, as_json: bool) -> None:
    """Create the HR registry workbook (REGISTRY.md §3).

    Writes the sheets Stillinger, Ansøgninger, Indstillinger, Ansættelser, Ikke besatte,
    Stillingsannoncer and Indbakke, with one Stillinger row per cluster-leader position
    (every municipal and self-governing cluster; Stillings-ID KL-<Klynge-ID>). Run it again
    on an existing registry to add what is missing (a sheet HR deleted, a new cluster);
    nothing already in it is changed. --json prints {"registry", "created",
    "positions_added", "sheets_added"}.

    \b
    Example:
      docauto registry init --structure struktur.xlsx --registry register.xlsx
    """
    from docauto.registry.init import init_registry
    from docauto.structure.model import load_structure

    structure = load_structure(structure_path)
    result = init_registry(structure, registry_path)
    if as_json:
        from docauto.commands.output import echo_json

        echo_json(result.as_json())
        return
    click.echo(result.line())
