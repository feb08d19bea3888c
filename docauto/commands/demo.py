from __future__ import annotations

import time
from pathlib import Path

import click


@click.command()
@click.option(
    "--out",
    "out_dir",
    default="demo-out",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for everything the demo makes.",
)
@click.option(
    "--pdf", is_flag=True, help="Also convert the Word documents to PDF (needs LibreOffice)."
)
@click.option("--only", "only_steps", multiple=True, help="Run only these steps (by name).")
def demo(out_dir: Path, pdf: bool, only_steps: tuple[str, ...]) -> None:
    """Run the main job on the bundled demo municipality.

    Writes the structure workbook, every document kind, ingests the demo mailbox into a
    registry and writes the reports, then prints what it made and where.

    \b
    Example:
      docauto demo --out demo-out
    """
    from docauto import plugins
    from docauto.demo.municipality import DemoContext, demo_structure_path
    from docauto.output import atomic_write
    from docauto.structure.model import load_structure, write_structure_workbook

    structure = load_structure(demo_structure_path())
    out_dir.mkdir(parents=True, exist_ok=True)
    workbook = out_dir / "struktur.xlsx"
    atomic_write(workbook, write_structure_workbook(structure))
    ctx = DemoContext(out_dir=out_dir, structure=structure, structure_path=workbook, pdf=pdf)
    click.echo(
        f"Demo municipality: {len(structure.areas)} areas, {len(structure.clusters)} "
        f"clusters and networks, {len(structure.units)} units -> {workbook}"
    )
    steps = plugins.demo_steps()
    if only_steps:
        steps = [s for s in steps if s.name in only_steps]
    for step in steps:
        t0 = time.perf_counter()
        lines = step.run(ctx)
        click.echo(f"{step.name} ({time.perf_counter() - t0:.1f} s)")
        for line in lines:
            click.echo(f"  {line}")
    click.echo(f"Done. Everything is in {out_dir.resolve()}")
