"""`docauto remind`: Danish reminder mails to area chiefs who owe a submission."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docauto.commands import dry_run_option, json_option, structure_option
from docauto.commands.overview_options import (
    as_date,
    as_of_option,
    load_inputs,
    plan_option,
    registry_option,
)


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
      docauto remind --structure struktur.xlsx --registry register.xlsx --send-via graph:jobbank@buf.kk.dk
    """
    import json

    from docauto.errors import UsageError
    from docauto.output import Writer
    from docauto.registry.audit import record
    from docauto.registry.deadlines import owed_submissions
    from docauto.registry.remind import build_reminders

    if not out_dir and not send_via:
        raise UsageError("say where the reminders go", hint="--out FOLDER or --send-via SPEC")
    structure, view, plan, settings = load_inputs(structure_path, registry_path, plan_path)
    day = as_date(as_of)
    states = ("overdue",) if overdue_only else ("overdue", "due")
    owed = owed_submissions(view, structure, plan, settings, day)
    reminders = build_reminders(owed, structure, plan, states)  # all built before any write
    sent = 0
    written: list[str] = []
    if send_via and not dry_run:
        from docauto.registry.remind import send_reminders

        sent = send_reminders(send_via, reminders)
    elif out_dir:
        writer = Writer(out_dir, dry_run=dry_run)
        writer.check_targets(r.filename for r in reminders)
        written = [str(writer.write(r.filename, bytes(r.message))) for r in reminders]
    if not dry_run:
        record(
            registry_path,
            "remind",
            as_of=day,
            states=",".join(states),
            reminders=len(reminders),
            sent=sent,
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "as_of": day.isoformat(),
                    "reminders": [
                        {**r.owed.as_json(), "to": r.to, "file": r.filename} for r in reminders
                    ],
                    "sent": sent,
                },
                ensure_ascii=False,
            )
        )
        return
    if not reminders:
        click.echo("Ingen områder skylder noget, der skal rykkes for.")
    for r in reminders:
        click.echo(f"{r.owed.area}: {r.message['Subject']}")
    if dry_run:
        click.echo("Dry run: nothing was written or sent.")
    elif send_via:
        click.echo(f"{sent} påmindelser sendt via {send_via.split(':', 1)[0]}.")
    elif written:
        click.echo(f"{len(written)} påmindelser skrevet i {out_dir}.")
