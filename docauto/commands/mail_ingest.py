from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import (
    dry_run_option,
    json_option,
    registry_path_option,
    structure_option,
)


@click.command()
@click.option(
    "--source",
    "source_spec",
    required=True,
    help="Where the mail is: dir:FOLDER, imap://user@host/INBOX, graph:MAILBOX, ews:MAILBOX.",
)
@structure_option
@registry_path_option()
@click.option(
    "--hr-address",
    "hr_addresses",
    multiple=True,
    metavar="EMAIL",
    help="An HR address that may submit for every area (repeatable; also read from "
    "docauto.yaml beside the registry).",
)
@click.option("--receipts", is_flag=True, help="Answer each new mail with a Danish receipt.")
@json_option
@dry_run_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes that parse and read a batch of 48 or more mails "
    "(default: one per core, at most 4; 1 reads them in this process; also "
    "$DOCAUTO_INGEST_JOBS).",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Log each mail (Message-ID and outcome) to stderr."
)
def ingest(
    source_spec: str,
    structure_path: Path,
    registry_path: Path,
    hr_addresses: tuple[str, ...],
    receipts: bool,
    as_json: bool,
    dry_run: bool,
    jobs: int | None,
    verbose: bool,
) -> None:
    """Read the HR mailbox into the registry, every mail exactly once.

    Each mail gets an Indbakke row (Registreret, Dublet, Afvist with the reason, or Afventer);
    accepted forms become rows in their sheets and move the positions' status. Rejected mails
    are kept in <registry>-karantæne/. If Excel has the registry open, nothing is written to
    it: the submissions wait in <registry name>.journal.jsonl beside it and the next run applies them.

    A sender counts only as the one address of a single From line; with authenticated_origin
    in docauto.yaml, only when the organisation's mail server vouches for it
    (docs/mail-authentication.md). No receipt goes to automatic, unauthorised or forged
    senders. When the mail server refuses docauto (missing permission such as Mail.Send or
    the right to move mail, refused credentials, unknown mailbox or folder, a certificate the
    OS does not trust), the run stops with exit 1 and the server's own message.

    \b
    Example:
      docauto mail ingest --source dir:indbakke/ --structure struktur.xlsx --registry register.xlsx
      docauto mail ingest --source dir:indbakke/ --structure struktur.xlsx --registry register.xlsx --json
    """
    import json
    import logging

    from docauto.commands.output import mail_counter, progress_bar, setup_logging
    from docauto.mail.ingest import ingest as run_ingest
    from docauto.mail.sources import open_source
    from docauto.structure.model import load_structure

    if verbose:
        setup_logging(logging.INFO)
    structure = load_structure(structure_path)
    source = open_source(source_spec)
    try:
        with progress_bar("mails") as progress:
            summary = run_ingest(
                source,
                structure,
                registry_path,
                hr_addresses=hr_addresses,
                receipts=receipts,
                dry_run=dry_run,
                jobs=jobs,
                on_mail=mail_counter(progress),
            )
    finally:
        source.close()
    if as_json:
        click.echo(json.dumps(summary.as_json()))
        return
    if dry_run:
        click.echo("Tørkørsel: intet er skrevet.")
    for line in summary.lines():
        click.echo(line)
