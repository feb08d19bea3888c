from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import dry_run_option, out_option
from docauto.datafiles import read_data as load_data_file


@click.command()
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("context", type=click.Path(dir_okay=False, path_type=Path))
@out_option
@dry_run_option
def render(template: Path, context: Path, out_dir: Path, dry_run: bool) -> None:
    """Render any docxtpl TEMPLATE.docx with CONTEXT (a JSON or YAML file).

    An object gives one document named after the template; a list gives one document per
    item, numbered 0001.docx, 0002.docx, ... Autoescaping is always on and a missing value
    is an error, never a blank.

    \b
    Example:
      docauto render templates/stillingsopslag.docx data.yaml --out out/
    """
    from docauto.errors import InputError
    from docauto.office.engine import prepare
    from docauto.output import Writer

    prepared = prepare(template)
    data = load_data_file(context)
    if isinstance(data, dict):
        items = [(template.stem + ".docx", data)]
    elif isinstance(data, list):
        bad = [i for i, item in enumerate(data, start=1) if not isinstance(item, dict)]
        if bad:
            raise InputError(f"{context}: element {bad[0]} i listen er ikke et objekt")
        items = [(f"{i:04d}.docx", item) for i, item in enumerate(data, start=1)]
    else:
        raise InputError(f"{context}: konteksten skal være et objekt eller en liste af objekter")
    # Render everything before the first write: a bad item leaves no partial output.
    rendered = [(name, prepared.render(ctx)) for name, ctx in items]
    writer = Writer(out_dir, dry_run=dry_run)
    writer.check_targets(name for name, _ in rendered)
    for name, blob in rendered:
        writer.write(name, blob)
    verb = "would write" if dry_run else "wrote"
    click.echo(f"{verb} {len(rendered)} document(s) in {out_dir}")
