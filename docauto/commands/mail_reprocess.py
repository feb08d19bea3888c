from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import json_option, registry_path_option


@click.command()
@click.argument("message_ids", nargs=-1, required=True, metavar="MESSAGE-ID...")
@registry_path_option()
@json_option
def reprocess(message_ids: tuple[str, ...], registry_path: Path, as_json: bool) -> None:
    """Have the named mails registered again by the next ingest that reads them.

    The registry remembers every mail it has handled in a hidden sheet, so deleting a mail's
    Indbakke row does not make it new. This command does: the next 'mail ingest' that finds
    the mail (put it back in the source if the source has moved it) treats it as new. Its
    earlier rows stay; delete them first if they were wrong. --json prints
    {"reprocess": [Message-IDs]}.

    \b
    Example:
      docauto mail reprocess "<CAF1234@mail.example.dk>" --registry register.xlsx
    """
    import json

    from docauto.registry.memory import forget_mails

    done = forget_mails(registry_path, list(message_ids))
    if as_json:
        click.echo(json.dumps({"reprocess": done}))
        return
    for mid in done:
        click.echo(f"{mid}: registreres igen af den næste indlæsning, der læser den")
