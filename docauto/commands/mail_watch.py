from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import json_option, structure_option


@click.command()
@click.option(
    "--source",
    "source_spec",
    required=True,
    help="imaps://user@host/INBOX, graph:MAILBOX, ews:MAILBOX or dir:FOLDER.",
)
@structure_option
@click.option(
    "--registry",
    "registry_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The registry workbook made by 'docauto registry init'.",
)
@click.option(
    "--interval",
    default=60,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds between polls.",
)
@click.option("--receipts", is_flag=True, help="Answer each new mail with a Danish receipt.")
@click.option(
    "--hr-address",
    "hr_addresses",
    multiple=True,
    metavar="EMAIL",
    help="An HR address that may submit for every area (repeatable).",
)
@click.option(
    "--max-runs",
    "max_runs",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after N polls (1 = poll once, e.g. from a scheduled task).",
)
@json_option
@click.option("-v", "--verbose", is_flag=True, help="Log every poll, not only problems.")
def watch(
    source_spec: str,
    structure_path: Path,
    registry_path: Path,
    interval: int,
    receipts: bool,
    hr_addresses: tuple[str, ...],
    max_runs: int | None,
    as_json: bool,
    verbose: bool,
) -> None:
    """Poll a mailbox every --interval seconds and ingest new mail into the registry.

    Stops cleanly on Ctrl-C or SIGTERM (between two mails, after saving); survives network
    errors and throttling by waiting longer each time. Stops with exit 1 and the server's own
    message on what waiting cannot fix: a missing permission, refused credentials, an unknown
    mailbox or folder, a certificate the OS does not trust. Mail is never registered twice, also
    across restarts. With --json, one line per poll with the counts of 'mail ingest --json'.

    \b
    Example:
      docauto mail watch --source imaps://jobbank%40buf.demokommune.dk@outlook.office365.com/INBOX?auth=xoauth2 \\
          --structure struktur.xlsx --registry register.xlsx --interval 120 --receipts
      docauto mail watch --source graph:jobbank@buf.demokommune.dk --structure struktur.xlsx \\
          --registry register.xlsx --max-runs 1
    """
    from docauto.mail.watch import StopRequest, signals_stop, watch_loop

    # The stop signals are caught from the start: a SIGTERM while the structure loads ends the
    # run cleanly (exit 0, nothing read) instead of killing it.
    stop = StopRequest()
    with signals_stop(stop):
        import json
        import logging

        from docauto.commands.output import mail_counter, progress_bar, setup_logging
        from docauto.mail.ingest import ingest
        from docauto.mail.sources import open_source
        from docauto.structure.model import load_structure

        setup_logging(logging.INFO if verbose else logging.WARNING, with_time=True)
        loaded = {"mtime": None, "structure": None}

        def structure():
            mtime = structure_path.stat().st_mtime_ns
            if mtime != loaded["mtime"]:
                loaded["structure"], loaded["mtime"] = load_structure(structure_path), mtime
            return loaded["structure"]

        from docauto.mail.credentials import forbid_dir

        forbid_dir(registry_path.resolve().parent)  # no certificate may sit beside the registry
        structure()  # a broken structure file stops us before the first poll
        open_source(source_spec).close()  # so does a bad spec

        polls = {"n": 0}

        def run_once(source, should_stop):
            polls["n"] += 1
            # The first poll may read a full mailbox: it gets a progress count on a terminal.
            with progress_bar("mails" if polls["n"] == 1 else "") as progress:
                return ingest(
                    source,
                    structure(),
                    registry_path,
                    hr_addresses=hr_addresses,
                    receipts=receipts,
                    should_stop=should_stop,
                    on_mail=mail_counter(progress) if polls["n"] == 1 else None,
                )

        def on_poll(summary) -> None:
            if as_json:
                click.echo(json.dumps(summary.as_json()), nl=True)

        totals = watch_loop(
            lambda: open_source(source_spec),
            run_once,
            interval=interval,
            stop=stop,
            max_polls=max_runs,
            on_poll=on_poll,
        )
    if not as_json:
        c = totals.counts
        click.echo(
            f"{totals.polls} kørsler ({totals.failures} fejlede): {c['seen']} mails læst, "
            f"{c['registered']} registreret, {c['duplicates']} dubletter, "
            f"{c['rejected']} afvist, {c['pending']} afventer; {c['rows']} rækker tilføjet"
            + (f"; stoppet af {totals.stopped_by}" if totals.stopped_by else "")
        )
