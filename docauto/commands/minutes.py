"""`docauto minutes`: the minutes form for each review meeting, and the finished minutes."""

from __future__ import annotations

from pathlib import Path

import click

from docauto.commands import dry_run_option, json_option, out_option, structure_option

schedule_option = click.option(
    "--schedule",
    "schedule_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The schedule workbook (mødeplan.xlsx from 'review schedule') for dates, times, places and "
    "participants; without it: draft plans afresh, finish uses the facts in the form.",
)


@click.group()
def minutes() -> None:
    """Draft the minutes forms and finish the minutes of the review meetings.

    \b
    Example:
      docauto minutes draft --structure struktur.xlsx --schedule gennemgang/mødeplan.xlsx --out referater/
      docauto minutes finish referatskabelon-N004.docx --structure struktur.xlsx --out referater/
    """


@minutes.command("draft")
@structure_option
@out_option
@schedule_option
@click.option(
    "--only", multiple=True, help="Only these clusters/networks (id or name); repeatable."
)
@click.option("--area", "areas", multiple=True, help="Only these areas; repeatable.")
@dry_run_option
@json_option
def draft(
    structure_path: Path,
    out_dir: Path,
    schedule_path: Path | None,
    only: tuple[str, ...],
    areas: tuple[str, ...],
    dry_run: bool,
    as_json: bool,
) -> None:
    """Write a pre-filled Word minutes form per meeting for the cluster leader / coordinator.

    The form holds the meeting facts, the participants, one section per agenda item for the
    conclusions, and a table of agreed follow-ups (what, who, by when).

    \b
    Example:
      docauto minutes draft --structure struktur.xlsx --schedule mødeplan.xlsx --out skabeloner/ --only N004
    """
    from docauto.commands.output import echo_json, files_json, written_summary
    from docauto.generate import generate_documents
    from docauto.kinds import GenerateRequest
    from docauto.plugins import get_kind
    from docauto.structure.model import load_structure

    request = GenerateRequest(
        structure=load_structure(structure_path), data=schedule_path, only=only, areas=areas
    )
    result = generate_documents(get_kind("referatskabelon"), request, out_dir, dry_run=dry_run)
    if as_json:
        echo_json(files_json(result.paths, out_dir, dry_run=dry_run))
        return
    click.echo(written_summary(len(result.paths), out_dir, dry_run=dry_run, what="referatskemaer"))


def _report(name: str, problems: list) -> None:
    click.echo(
        f"{name}: {len(problems)} ting kunne ikke læses som forventet (resten er taget med):",
        err=True,
    )
    for p in problems:
        click.echo(
            f"  - {p.message}" if not str(p.location) or str(p.location) == name else f"  - {p}",
            err=True,
        )


@minutes.command("finish")
@click.argument(
    "forms", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@structure_option
@out_option
@schedule_option
@dry_run_option
@json_option
def finish(
    forms: tuple[Path, ...],
    structure_path: Path,
    out_dir: Path,
    schedule_path: Path | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Read filled minutes forms back and write the finished minutes (referat-<id>.docx).

    A form whose structure was changed (a deleted section, an extra table column, text
    pasted from a mail) is still read: what could not be read is listed, everything else
    is kept, and the command exits with 1.

    \b
    Example:
      docauto minutes finish udfyldt/referatskabelon-N004.docx --structure struktur.xlsx --out referater/
    """
    from docauto.commands.output import echo_json, echo_written, files_json
    from docauto.kinds import PlannedDocument
    from docauto.output import Writer, slug
    from docauto.review.kinds.meetings import finished_context
    from docauto.review.minutes import read_minutes_form
    from docauto.review.source import settings_with
    from docauto.review.workbook import read_schedule_workbook
    from docauto.structure.model import load_structure

    structure = load_structure(structure_path)
    settings = settings_with()
    schedule = read_schedule_workbook(schedule_path, structure, settings) if schedule_path else None
    docs, failed = [], False
    for form in forms:
        m = read_minutes_form(form, structure)
        if m.cluster_id not in structure.clusters:
            from docauto.errors import InputError

            raise InputError(f"{form}: klyngen '{m.cluster_id}' findes ikke i strukturen")
        if m.problems:
            failed = True
            _report(str(form), m.problems)
        docs.append(
            PlannedDocument(
                f"referat-{m.cluster_id}-{slug(structure.clusters[m.cluster_id].name)}.docx",
                template="referat.docx",
                context=finished_context(m, structure, settings, schedule),
                properties={"docauto.kind": "referat", "docauto.klynge_id": m.cluster_id},
            )
        )
    writer = Writer(out_dir, dry_run=dry_run)
    writer.check_targets(d.filename for d in docs)
    rendered = [(d.filename, d.render()) for d in docs]
    paths = [writer.write(name, blob) for name, blob in rendered]
    if as_json:
        echo_json(files_json(paths, out_dir, dry_run=dry_run, failed=failed))
    else:
        echo_written(paths, dry_run=dry_run)
    if failed:
        raise SystemExit(1)


@minutes.command("from-notes")
@click.argument("notes", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@structure_option
@out_option
@schedule_option
@dry_run_option
@json_option
def from_notes(
    notes: Path,
    structure_path: Path,
    out_dir: Path,
    schedule_path: Path | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Write finished minutes from notes (YAML or a workbook), for scripted runs.

    YAML: klynge, punkter (agenda item id or title -> conclusion), overvejelser, opfølgning
    (hvad, hvem, hvornår). A list of such mappings gives one minutes per meeting. A workbook:
    sheets Referat (Klynge-ID, Punkt, Konklusion) and Opfølgning (Klynge-ID, Hvad, Hvem,
    Hvornår). An agenda item that does not exist is reported; its text is kept.

    \b
    Example:
      docauto minutes from-notes noter-N004.yaml --structure struktur.xlsx --schedule mødeplan.xlsx --out referater/
    """
    from docauto.commands.output import echo_json, echo_written
    from docauto.generate import generate_documents
    from docauto.kinds import GenerateRequest
    from docauto.plugins import get_kind
    from docauto.structure.model import load_structure

    options = {"mødeplan": str(schedule_path)} if schedule_path else {}
    request = GenerateRequest(structure=load_structure(structure_path), data=notes, options=options)
    result = generate_documents(get_kind("referat"), request, out_dir, dry_run=dry_run)
    if as_json:
        echo_json(result.as_json("referat", out_dir, dry_run=dry_run))
    else:
        echo_written(result.paths, dry_run=dry_run)
        for line in result.report:
            click.echo(line, err=True)
    if result.failed:
        raise SystemExit(1)
