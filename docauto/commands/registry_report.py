"""`docauto registry report`: HR's overview as a workbook with a chart and a Word document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docauto.commands import dry_run_option, structure_option
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
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The report file: FILE.xlsx and FILE.docx are written (any suffix given is replaced).",
)
@as_of_option
@click.option(
    "--template",
    "template",
    default=None,
    help="Word template (default: templates/hr-oversigt.docx).",
)
@dry_run_option
@plan_option
def report(
    structure_path: Path,
    registry_path: Path,
    out_path: Path,
    as_of: dt.datetime | None,
    template: str | None,
    dry_run: bool,
    plan_path: Path | None,
) -> None:
    """Write HR's overview as a workbook (with a chart of the status per area) and a Word report.

    Both hold: filled and unfilled positions per area, the re-advertisement list (no
    applicants, no suitable candidate, reported not filled), the conflicts, the submissions
    areas still owe, the final distribution for all area chiefs, and the announcement of the
    hires for the intranet.

    \b
    Example:
      docauto registry report --structure struktur.xlsx --registry register.xlsx --out oversigt.xlsx
      docauto registry report --structure struktur.xlsx --registry register.xlsx --out rapporter/oversigt --as-of 2010-11-05
    """
    from docauto.output import Writer
    from docauto.registry.audit import record
    from docauto.registry.report import build_workbook, render_word, report_context
    from docauto.registry.status import build_status

    structure, view, plan, settings = load_inputs(structure_path, registry_path, plan_path)
    day = as_date(as_of)
    status = build_status(view, structure, plan, settings, day)
    ctx = report_context(status, view, structure, plan, settings)
    stem = (
        out_path.name[: -len(out_path.suffix)]
        if out_path.suffix.lower() in (".xlsx", ".docx")
        else out_path.name
    )
    files = {f"{stem}.xlsx": build_workbook(ctx), f"{stem}.docx": render_word(ctx, template)}
    writer = Writer(out_path.parent, dry_run=dry_run)
    writer.check_targets(files)
    paths = [writer.write(name, data) for name, data in files.items()]
    if not dry_run:
        record(
            registry_path,
            "registry report",
            as_of=day,
            positions=len(ctx["stillinger"]),
            conflicts=len(ctx["konflikter"]),
            hires=sum(len(a["ansatte"]) for a in ctx["fordeling"]),
        )
    for p in paths:
        click.echo(("would write " if dry_run else "") + str(p))
