"""`docauto registry purge`: anonymise applicants who were not hired, after the retention period."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import click

from docauto.commands import dry_run_option, json_option
from docauto.commands.overview_options import registry_option


@click.command()
@registry_option
@click.option(
    "--before",
    "before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Anonymise data received before this date, YYYY-MM-DD (default: today minus "
    "the retention period).",
)
@click.option("--force", is_flag=True, help="Allow a --before date inside the retention period.")
@dry_run_option
@json_option
def purge(
    registry_path: Path, before: dt.datetime | None, force: bool, dry_run: bool, as_json: bool
) -> None:
    """Anonymise the personal data of applicants who were not hired.

    Applicants and recommended candidates who are not among the hires, and whose every
    registry row was received before the cut-off, lose their name, e-mail, current position
    and workplace in the registry, its backups, its journal and its quarantine folder.
    Hired people are not touched. The retention period is the municipality's to set:
    retention_months in mappings/databeskyttelse.yaml, or in docauto.yaml beside the registry.
    Every run is written to the audit log <registry>.audit.jsonl (counts only).

    \b
    Example:
      docauto registry purge --registry register.xlsx --dry-run
      docauto registry purge --registry register.xlsx --before 2011-06-01
    """
    import json

    from docauto.errors import UsageError
    from docauto.registry.audit import record
    from docauto.registry.config import load_privacy_settings
    from docauto.registry.privacy import purge as run_purge

    settings = load_privacy_settings(registry_path)
    latest = _months_before(dt.date.today(), settings.retention_months)
    cutoff = before.date() if before else latest
    if cutoff > latest and not force:
        raise UsageError(
            f"--before {cutoff} ligger inden for opbevaringsperioden på "
            f"{settings.retention_months} måneder (seneste skæringsdato: {latest})",
            hint=f"brug --force for at slette tidligere, eller ret retention_months i {settings.source}",
        )
    result = run_purge(
        registry_path, cutoff, anonymised_name=settings.anonymised_name, dry_run=dry_run
    )
    if not dry_run:
        record(registry_path, "registry purge", before=cutoff, **result.counts())
    if as_json:
        click.echo(
            json.dumps({"before": cutoff.isoformat(), "dry_run": dry_run, **result.counts()})
        )
        return
    verb = "ville anonymisere" if dry_run else "anonymiserede"
    click.echo(
        f"Skæringsdato {cutoff}: {verb} {result.people} ansøgere, der ikke blev ansat "
        f"({result.rows} rækker, {result.cells} andre celler, {result.backups} "
        f"sikkerhedskopier, {result.journal_entries} journallinjer, "
        f"{result.quarantine_deleted} mails i karantæne slettet)."
    )
    if result.kept_recent:
        click.echo(
            f"{result.kept_recent} ansøgere har oplysninger fra efter skæringsdatoen og "
            "blev ikke rørt."
        )


def _months_before(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))
