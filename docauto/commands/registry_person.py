"""`docauto registry person`: export everything held about one person (GDPR art. 15)."""

from __future__ import annotations

from pathlib import Path

import click

from docauto.commands.overview_options import registry_option


@click.command()
@click.argument("address", metavar="EMAIL")
@registry_option
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the export to this .json file instead of printing it.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='With --out: print {"file", "found"} instead of a line (without --out the export '
    "itself is JSON).",
)
def person(address: str, registry_path: Path, out_file: Path | None, as_json: bool) -> None:
    """Export everything the tool holds about the person with this e-mail, as JSON.

    The rows of every sheet of the registry (HR's own columns included) that hold the
    e-mail, or the person's name where a row has no e-mail; the same from the backups;
    pending journal entries; and quarantined mails that mention the person. The run is
    recorded in the audit log without the e-mail.

    \b
    Example:
      docauto registry person anna.holm@buf.demokommune.dk --registry register.xlsx --out anna-holm.json
    """
    import json

    from docauto.errors import UsageError
    from docauto.output import atomic_write
    from docauto.registry.audit import record
    from docauto.registry.privacy import export_counts, person_export
    from docauto.structure.model import is_email

    if not is_email(address):
        raise UsageError(f"'{address}' er ikke en e-mailadresse")
    export = person_export(registry_path, address)
    data = json.dumps(export, ensure_ascii=False, indent=2)
    if out_file:
        atomic_write(out_file, (data + "\n").encode("utf-8"))
        found = sum(export_counts(export).values())
        if as_json:
            click.echo(json.dumps({"file": str(out_file), "found": found}))
        else:
            click.echo(f"{out_file}: {found} fund")
    else:
        click.echo(data)
    record(registry_path, "registry person", **export_counts(export))
