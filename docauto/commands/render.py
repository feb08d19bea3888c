from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import dry_run_option, json_option, out_option
from docauto.datafiles import read_data as load_data_file


@click.command()
@click.argument("template", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("context", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@out_option
@dry_run_option
@json_option
def render(template: Path, context: Path, out_dir: Path, dry_run: bool, as_json: bool) -> None:
    """Render any docxtpl TEMPLATE.docx with CONTEXT (a JSON or YAML file).

    An object gives one document named after the template; a list gives one document per
    item, numbered 0001.docx, 0002.docx, ... Autoescaping is always on and a missing value
    is an error, never a blank. --json prints {"out", "dry_run", "files"}.

    \b
    Example:
      docauto render brev.docx data.yaml --out out/
    """
    from docauto.commands.output import echo_json, progress_bar, written_summary
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
    rendered = []
    with progress_bar(template.name) as progress:
        for name, ctx in items:
            rendered.append((name, prepared.render(ctx)))
            progress(len(rendered), len(items))
    writer = Writer(out_dir, dry_run=dry_run)
    writer.check_targets(name for name, _ in rendered)
    paths = [writer.write(name, blob) for name, blob in rendered]
    if as_json:
        echo_json({"out": str(out_dir), "dry_run": dry_run, "files": [str(p) for p in paths]})
        return
    click.echo(written_summary(len(paths), out_dir, dry_run=dry_run))
