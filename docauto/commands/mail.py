from __future__ import annotations

import click

from docauto.cli import LazyGroup

SUBCOMMANDS = {
    "classify": (
        "docauto.commands.mail_classify:classify",
        "Classify mail subjects (REGISTRY.md §1).",
    ),
    "ingest": ("docauto.commands.mail_ingest:ingest", "Read a mail source into the HR registry."),
    "watch": ("docauto.commands.mail_watch:watch", "Poll a mail source and ingest new mail."),
    "reprocess": (
        "docauto.commands.mail_reprocess:reprocess",
        "Have named mails registered again by the next ingest.",
    ),
}


@click.group(cls=LazyGroup, lazy=SUBCOMMANDS)
def mail() -> None:
    """Classify and ingest the HR mailbox (jobbank).

    \b
    Example:
      docauto mail classify "SV: Klyngeleder – Registrering af kandidaten 2. runde" --json
      docauto mail ingest --source dir:indbakke/ --structure struktur.xlsx --registry register.xlsx
    """
