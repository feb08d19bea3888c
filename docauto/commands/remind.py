"""`docauto remind`: Danish reminder mails to area chiefs who owe a submission."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docauto.commands import dry_run_option, json_option, structure_option
from docauto.commands.overview_options import as_date, as_of_option, plan_option, registry_option


@click.command()
@structure_option
@registry_option
@as_of_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the reminders as .eml drafts (open in Outlook, check, send).",
)
@click.option(
    "--send-via",
    "send_via",
    metavar="SPEC",
    help="Send through a configured mail source instead (e.g. imaps://...?smtp=HOST, "
    "graph:MAILBOX).",
)
@click.option("--overdue-only", is_flag=True, help="Only submissions whose deadline has passed.")
@dry_run_option
@json_option
@plan_option
def remind(
    structure_path: Path,
    registry_path: Path,
    as_of: dt.datetime | None,
    out_dir: Path | None,
    send_via: str | None,
    overdue_only: bool,
    dry_run: bool,
    as_json: bool,
    plan_path: Path | None,
) -> None:
    """Write a reminder to each area chief who owes a submission (overdue or due soon).

    One mail per area and submission, in Danish: what to send, the deadline, the exact
    subject line to use, and the area's registration form attached (job ads: the positions
    still lacking one). The deputy is on Cc. Texts: templates/tekster/paamindelse.yaml.

    \b
    Example:
      docauto remind --structure struktur.xlsx --registry register.xlsx --as-of 2010-10-14 --out påmindelser/
      docauto remind --structure struktur.xlsx --registry register.xlsx --send-via graph:jobbank@buf.demokommune.dk
    """
    from docauto.commands.output import echo_json
    from docauto.registry.jobs import load_inputs, send_or_write_reminders

    if not out_dir and not send_via:
        from docauto.errors import UsageError

        raise UsageError(
            "sig hvor påmindelserne skal hen", hint="--out MAPPE eller --send-via SPEC"
        )
    inputs = load_inputs(structure_path, registry_path, plan_path)
    result = send_or_write_reminders(
        inputs,
        as_date(as_of),
        out_dir=out_dir,
        send_via=send_via,
        overdue_only=overdue_only,
        dry_run=dry_run,
    )
    if as_json:
        echo_json(result.as_json())
        return
    if not result.reminders:
        click.echo("Ingen områder skylder noget, der skal rykkes for.")
    for r in result.reminders:
        click.echo(f"{r.owed.area}: {r.message['Subject']}")
    if dry_run:
        click.echo("Tørkørsel: intet er skrevet eller sendt.")
    elif send_via:
        click.echo(f"{result.sent} påmindelser sendt via {send_via.split(':', 1)[0]}.")
    elif result.written:
        click.echo(f"{len(result.written)} påmindelser skrevet i {out_dir}.")
