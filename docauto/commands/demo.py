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
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print {"out", "structure", "steps": [{"name", "seconds", "lines"}]} (docs/json.md).',
)
def demo(out_dir: Path, pdf: bool, only_steps: tuple[str, ...], as_json: bool) -> None:
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
    say = (lambda text: None) if as_json else click.echo
    say(
        f"Demokommune: {len(structure.areas)} områder, {len(structure.clusters)} "
        f"klynger og netværk, {len(structure.units)} enheder -> {workbook}"
    )
    steps = plugins.demo_steps()
    if only_steps:
        steps = [s for s in steps if s.name in only_steps]
    done = []
    for step in steps:
        t0 = time.perf_counter()
        lines = step.run(ctx)
        seconds = round(time.perf_counter() - t0, 1)
        done.append({"name": step.name, "seconds": seconds, "lines": list(lines)})
        say(f"{step.name} ({seconds:.1f} s)".replace(".", ",", 1))
        for line in lines:
            say(f"  {line}")
    if as_json:
        from docauto.commands.output import echo_json

        echo_json({"out": str(out_dir.resolve()), "structure": str(workbook), "steps": done})
        return
    say(f"Færdig. Det hele ligger i {out_dir.resolve()}")
