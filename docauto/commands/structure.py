"""``docauto structure``: check the municipality's structure, convert it, show the demo one."""

from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import dry_run_option, json_option, structure_option

FORMATS = {".xlsx": "xlsx", ".yaml": "yaml", ".yml": "yaml"}


def _out_format(out: Path) -> str:
    from docauto.errors import UsageError

    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"{out}: --out skal ende på .xlsx, .yaml eller .yml")
    return fmt


def _encode(structure, fmt: str) -> bytes:
    from docauto.structure.model import write_structure_workbook, write_structure_yaml

    if fmt == "xlsx":
        return write_structure_workbook(structure)
    return write_structure_yaml(
        structure, header="Strukturen: områder, klynger og enheder (docauto structure export)"
    )


def _write(out: Path, data: bytes, dry_run: bool, as_json: bool) -> None:
    from docauto.commands.output import echo_json, files_json
    from docauto.output import atomic_write

    if not dry_run:
        atomic_write(out, data)
    if as_json:
        echo_json(files_json([out], out.parent, dry_run=dry_run, bytes=len(data)))
    elif dry_run:
        click.echo(f"ville skrive {out} ({len(data):,} bytes)".replace(",", "."))
    else:
        click.echo(f"skrev {out}")


def summary(structure) -> dict[str, int]:
    """Counts for the one-line summary and --json."""
    by_type = {t: 0 for t in ("Kommunal klynge", "Selvejende klynge", "Netværk")}
    for c in structure.clusters.values():
        by_type[c.type] = by_type.get(c.type, 0) + 1
    return {
        "areas": len(structure.areas),
        "clusters": by_type["Kommunal klynge"] + by_type["Selvejende klynge"],
        "municipal_clusters": by_type["Kommunal klynge"],
        "self_governing_clusters": by_type["Selvejende klynge"],
        "networks": by_type["Netværk"],
        "units": len(structure.units),
        "children": sum(u.children for u in structure.units.values()),
    }


@click.group()
def structure() -> None:
    """Check or export the municipality's structure (areas, clusters, units).

    The structure is HR's workbook with the sheets Områder, Klynger and Enheder, or a YAML
    file with the same sheet names and column headers.

    \b
    Example:
      docauto structure demo --out struktur.xlsx
      docauto structure check --structure struktur.xlsx
      docauto structure export --structure struktur.xlsx --out struktur.yaml
    """


@structure.command()
@structure_option
@json_option
def check(structure_path: Path, as_json: bool) -> None:
    """Validate the structure and print a one-line summary.

    Every problem is listed with its sheet, row and column (rows as Excel numbers them);
    the exit code is 1 if there is any.

    \b
    Example:
      docauto structure check --structure struktur.xlsx
      docauto structure check --structure struktur.yaml --json
    """
    from docauto.structure.model import load_structure

    s = load_structure(structure_path)
    n = summary(s)
    if as_json:
        import json

        click.echo(json.dumps({"file": str(structure_path), **n}, ensure_ascii=False))
        return
    click.echo(
        f"OK {structure_path}: {n['areas']} områder, {n['clusters']} klynger "
        f"({n['municipal_clusters']} kommunale, {n['self_governing_clusters']} "
        f"selvejende), {n['networks']} netværk, {n['units']} enheder, "
        f"{n['children']} børn"
    )


@structure.command()
@structure_option
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write: .xlsx (HR's workbook) or .yaml.",
)
@dry_run_option
@json_option
def export(structure_path: Path, out: Path, dry_run: bool, as_json: bool) -> None:
    """Convert the structure between the workbook and YAML.

    The structure is validated first; nothing is written if it has problems. Columns HR
    added to the workbook beyond the standard ones are not carried over.

    \b
    Example:
      docauto structure export --structure struktur.xlsx --out struktur.yaml
      docauto structure export --structure struktur.yaml --out struktur.xlsx --dry-run
    """
    from docauto.structure.model import load_structure

    fmt = _out_format(out)
    s = load_structure(structure_path)
    _write(out, _encode(s, fmt), dry_run, as_json)


@structure.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write: .xlsx or .yaml.",
)
@dry_run_option
@json_option
def demo(out: Path, dry_run: bool, as_json: bool) -> None:
    """Write the bundled demo municipality, to see the shape HR's structure must have.

    Demokommune is fictional: 8 areas, 80 clusters and networks, 330 units; every person
    and e-mail address in it is invented.

    \b
    Example:
      docauto structure demo --out demo-struktur.xlsx
      docauto structure demo --out demo-struktur.yaml
    """
    from docauto.demo.municipality import demo_structure_path
    from docauto.structure.model import load_structure

    fmt = _out_format(out)
    if fmt == "yaml":
        # The bundled file as it is, with its comment saying where it comes from.
        data = demo_structure_path().read_bytes()
    else:
        data = _encode(load_structure(demo_structure_path()), fmt)
    _write(out, data, dry_run, as_json)
