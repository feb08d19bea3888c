"""`docauto review`: plan the structural review meetings and check networks against their models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from docauto.commands import dry_run_option, json_option, out_option, structure_option


@click.group()
def review() -> None:
    """Plan the structural review meetings (autumn 2012) and check the networks.

    \b
    Example:
      docauto review schedule --structure struktur.xlsx --out gennemgang/
      docauto review criteria --structure struktur.xlsx --out gennemgang/
    """


def _hours(value: str | None) -> dict[str, str]:
    from docauto.errors import UsageError

    if not value:
        return {}
    parts = value.replace("–", "-").split("-")
    if len(parts) != 2:
        raise UsageError(f"--hours skal have formen FRA-TIL, fx 09:00-15:30, ikke '{value}'")
    return {"dag_fra": parts[0].strip(), "dag_til": parts[1].strip()}


@review.command("schedule")
@structure_option
@out_option
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Blocked dates per participant, network representatives and municipal clusters "
    "to include (YAML or .xlsx).",
)
@click.option(
    "--from", "date_from", help="First day of the window (default from the settings: 2012-09-01)."
)
@click.option("--to", "date_to", help="Last day of the window (default 2012-11-30).")
@click.option("--hours", help="Working hours, e.g. 09:00-15:30.")
@click.option("--pause", type=int, help="Minutes between two meetings on the same day.")
@click.option(
    "--municipal",
    multiple=True,
    metavar="KLYNGE-ID",
    help="Also plan a meeting for this municipal cluster ('alle' for every one); repeatable.",
)
@dry_run_option
@json_option
def schedule(
    structure_path: Path,
    out_dir: Path,
    input_path: Path | None,
    date_from: str | None,
    date_to: str | None,
    hours: str | None,
    pause: int | None,
    municipal: tuple[str, ...],
    dry_run: bool,
    as_json: bool,
) -> None:
    """Plan one 1½-hour meeting per self-governing cluster and network.

    Writes mødeplan.xlsx and one calendar invitation per meeting (kalender/*.ics) that
    Outlook imports. No weekends, no Danish public holidays, no participant in two meetings
    at once; the same input gives the same schedule. A window that is too short says how
    many meetings do not fit, and nothing is written.

    \b
    Example:
      docauto review schedule --structure struktur.xlsx --out gennemgang/
      docauto review schedule --structure struktur.xlsx --out gennemgang/ \\
          --input blokeringer.yaml --from 2012-09-03 --to 2012-10-31 --hours 09:00-15:30 \\
          --municipal K012
    """
    import json

    from docauto.commands.output import written_summary
    from docauto.generate import generate_documents
    from docauto.kinds import GenerateRequest
    from docauto.plugins import get_kind
    from docauto.review.source import schedule_for
    from docauto.structure.model import load_structure

    structure = load_structure(structure_path)
    options = {
        "fra": date_from,
        "til": date_to,
        "pause": pause,
        "kommunale": list(municipal),
        **_hours(hours),
    }
    planned = schedule_for(structure, input_path, options)
    request = GenerateRequest(structure=structure, data=input_path, options=options)
    result = generate_documents(get_kind("mødeplan"), request, out_dir, dry_run=dry_run)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": m.id,
                        "cluster": m.cluster.id,
                        "date": m.day.isoformat(),
                        "start": m.start.strftime("%H:%M"),
                        "end": m.end.strftime("%H:%M"),
                        "participants": [p.name for p in m.meeting.participants],
                    }
                    for m in planned.meetings
                ],
                ensure_ascii=False,
            )
        )
        return
    if planned.meetings:
        first, last = planned.meetings[0].day, planned.meetings[-1].day
        click.echo(f"{len(planned.meetings)} møder planlagt, {first:%d.%m.%Y} til {last:%d.%m.%Y}")
    click.echo(written_summary(len(result.paths), out_dir, dry_run=dry_run))


@review.command("criteria")
@structure_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write kriterietjek.xlsx into this folder.",
)
@click.option("--networks-only", is_flag=True, help="Leave out the self-governing clusters.")
@json_option
def criteria(
    structure_path: Path, out_dir: Path | None, networks_only: bool, as_json: bool
) -> None:
    """Check each network against its umbrella organisation's model.

    Children, number of institutions, age range and the model itself, as in
    mappings/paraplymodeller.yaml. The deviations also appear in the action plans.

    \b
    Example:
      docauto review criteria --structure struktur.xlsx
      docauto review criteria --structure struktur.xlsx --out gennemgang/ --json
    """
    import json

    from docauto.output import Writer
    from docauto.review.criteria import check_all, report_rows, write_report_workbook
    from docauto.structure.model import load_structure

    results = check_all(load_structure(structure_path), include_clusters=not networks_only)
    if out_dir is not None:
        path = Writer(out_dir).write("kriterietjek.xlsx", write_report_workbook(results))
    if as_json:
        click.echo(json.dumps(report_rows(results), ensure_ascii=False))
    else:
        for r in results:
            c = r.cluster
            click.echo(
                f"{c.id}  {c.name}: {r.verdict}"
                + (f" - {'; '.join(r.deviations)}" if r.deviations else "")
            )
        click.echo(
            criteria_summary(results) + (f"; rapport: {path}" if out_dir is not None else "")
        )


def criteria_summary(results: list[Any]) -> str:
    """'4 tjekket, 2 med afvigelser, 1 kræver nærmere drøftelser': a model that needs
    discussion (Frie Børnehaver A) has no deviations, so it is counted apart."""
    bad = sum(1 for r in results if r.deviations)
    talk = sum(1 for r in results if not r.ok and not r.deviations)
    return f"{len(results)} tjekket, {bad} med afvigelser" + (
        f", {talk} kræver nærmere drøftelser" if talk else ""
    )
