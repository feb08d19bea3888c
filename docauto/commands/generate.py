from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import dry_run_option, out_option, structure_option


@click.command()
@click.argument("kind_name", metavar="KIND")
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
) -> None:
    """Generate every document of KIND for the structure.

    Everything is planned and validated before the first file is written.

    \b
    Example:
      docauto generate stillingsopslag --structure struktur.xlsx --out opslag/
      docauto generate stillingsopslag --structure struktur.xlsx --out opslag/ --only K012 --pdf
    """
    from docauto.errors import UsageError
    from docauto.generate import generate_documents
    from docauto.kinds import GenerateRequest
    from docauto.plugins import get_kind
    from docauto.structure.model import load_structure

    kind = get_kind(kind_name)
    opts = {}
    for item in options:
        if "=" not in item:
            raise UsageError(f"--set expects KEY=VALUE, got '{item}'")
        key, value = item.split("=", 1)
        opts[key.strip()] = value.strip()
    request = GenerateRequest(
        structure=load_structure(structure_path),
        data=data_path,
        only=only,
        areas=areas,
        options=opts,
    )
    result = generate_documents(kind, request, out_dir, dry_run=dry_run, pdf=pdf)
    verb = "would write" if dry_run else "wrote"
    click.echo(f"{kind.name}: {verb} {len(result.paths)} file(s) in {out_dir}")
    for line in result.report:
        click.echo(line, err=True)
    if result.failed:
        raise SystemExit(1)
