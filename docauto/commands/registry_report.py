"""`docauto registry report`: HR's overview as a workbook with a chart and a Word document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docauto.commands import dry_run_option, json_option, structure_option
from docauto.commands.overview_options import as_date, as_of_option, plan_option, registry_option


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
@json_option
@plan_option
def report(
    structure_path: Path,
    registry_path: Path,
    out_path: Path,
    as_of: dt.datetime | None,
    template: str | None,
    dry_run: bool,
    as_json: bool,
    plan_path: Path | None,
) -> None:
    """Write HR's overview as a workbook (with a chart of the status per area) and a Word report.

    Both hold: filled and unfilled positions per area, the re-advertisement list (no
    applicants, no suitable candidate, reported not filled), the conflicts, the submissions
    areas still owe, the final distribution for all area chiefs, and the announcement of the
    hires for the intranet. --json prints {"files", "positions", "conflicts", "hires",
    "dry_run"}.

    \b
    Example:
      docauto registry report --structure struktur.xlsx --registry register.xlsx --out oversigt.xlsx
      docauto registry report --structure struktur.xlsx --registry register.xlsx --out rapporter/oversigt --as-of 2010-11-05
    """
    from docauto.commands.output import echo_json, echo_written
    from docauto.registry.jobs import load_inputs, write_report

    inputs = load_inputs(structure_path, registry_path, plan_path)
    result = write_report(inputs, out_path, as_date(as_of), template=template, dry_run=dry_run)
    if as_json:
        echo_json({**result.as_json(), "dry_run": dry_run})
        return
    echo_written(result.files, dry_run=dry_run)
