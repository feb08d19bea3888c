from __future__ import annotations

import click

from docauto.commands import json_option


@click.command()
@json_option
def kinds(as_json: bool) -> None:
    """List every document kind with its description, template(s) and the fields it needs.

    Kinds come from plugins; built-in and third-party ones are listed alike.

    \b
    Example:
      docauto kinds
      docauto kinds --json
    """
    import json

    from docauto import plugins

    found = plugins.kinds()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": k.name,
                        "description": k.description,
                        "templates": list(k.templates),
                        "fields": list(k.fields),
                        "data": k.data_help,
                    }
                    for k in found.values()
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for k in found.values():
        click.echo(click.style(k.name, bold=True) + f"  {k.description}")
        if k.templates:
            click.echo(f"    skabeloner: {', '.join(k.templates)}")
        if k.fields:
            click.echo(f"    felter:     {', '.join(k.fields)}")
        if k.data_help:
            click.echo(f"    --data:     {k.data_help}")
