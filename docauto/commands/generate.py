from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import (
    complete_kind,
    dry_run_option,
    json_option,
    out_option,
    structure_option,
)


def parse_options(options: tuple[str, ...]) -> dict[str, str]:
    """--set KEY=VALUE pairs as a dict (exit 2 for anything else)."""
    from docauto.errors import UsageError

    opts = {}
    for item in options:
        if "=" not in item:
            raise UsageError(f"--set skal have formen NØGLE=VÆRDI, ikke '{item}'")
        key, value = item.split("=", 1)
        opts[key.strip()] = value.strip()
    return opts


@click.command()
@click.argument("kind_name", metavar="KIND", shell_complete=complete_kind)
@structure_option
@out_option
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path),
    help="The kind's own input (see 'docauto kinds'), e.g. the committee members.",
)
@click.option("--only", multiple=True, help="Only these clusters/units (id or name); repeatable.")
@click.option("--area", "areas", multiple=True, help="Only these areas; repeatable.")
@click.option(
    "--set",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A kind-specific option, e.g. --set opslagsdato=2010-10-01; repeatable.",
)
@click.option("--pdf", is_flag=True, help="Also convert the Word documents to PDF (LibreOffice).")
@dry_run_option
@json_option
def generate(
    kind_name: str,
    structure_path: Path,
    out_dir: Path,
    data_path: Path | None,
    only: tuple[str, ...],
    areas: tuple[str, ...],
    options: tuple[str, ...],
    pdf: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Generate every document of KIND for the structure.

    Everything is planned and validated before the first file is written. Exit code 1 when
    some documents were refused (they are listed; the others are written). --json prints
    {"kind", "out", "dry_run", "files", "pdfs", "problems", "failed"}.

    \b
    Example:
      docauto generate registreringsskemaer --structure struktur.xlsx --out skemaer/
      docauto generate stillingsopslag --structure struktur.xlsx --out opslag/ --only K012 --pdf
    """
    from docauto.commands.output import echo_json, progress_bar, written_summary
    from docauto.generate import generate_documents
    from docauto.kinds import GenerateRequest
    from docauto.plugins import get_kind
    from docauto.structure.model import load_structure

    kind = get_kind(kind_name)
    request = GenerateRequest(
        structure=load_structure(structure_path),
        data=data_path,
        only=only,
        areas=areas,
        options=parse_options(options),
    )
    with progress_bar(kind.name) as progress:
        result = generate_documents(
            kind, request, out_dir, dry_run=dry_run, pdf=pdf, progress=progress
        )
    if as_json:
        echo_json(result.as_json(kind.name, out_dir, dry_run=dry_run))
    else:
        click.echo(written_summary(len(result.paths), out_dir, dry_run=dry_run, what=kind.name))
        for line in result.report:
            click.echo(line, err=True)
    if result.failed:
        raise SystemExit(1)
