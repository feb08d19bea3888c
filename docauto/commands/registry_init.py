from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import structure_option


@click.command()
@structure_option
@click.option(
    "--registry",
    "registry_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The registry workbook (.xlsx) to create.",
)
def init(structure_path: Path, registry_path: Path) -> None:
    """Create the HR registry workbook (REGISTRY.md §3).

    Writes the sheets Stillinger, Ansøgninger, Indstillinger, Ansættelser, Ikke besatte,
    Stillingsannoncer and Indbakke, with one Stillinger row per cluster-leader position
    (every municipal and self-governing cluster; Stillings-ID KL-<Klynge-ID>). Run it again
    on an existing registry to add what is missing (a sheet HR deleted, a new cluster);
    nothing already in it is changed.

    \b
    Example:
      docauto registry init --structure struktur.xlsx --registry register.xlsx
    """
    from docauto.registry.init import init_registry
    from docauto.structure.model import load_structure

    structure = load_structure(structure_path)
    result = init_registry(structure, registry_path)
    click.echo(result.line())
