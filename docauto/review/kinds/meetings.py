"""Built-in kinds of the structural review: the meeting schedule (workbook + .ics), the
invitation with agenda (dagsorden), the minutes form (referatskabelon) and the finished
minutes from notes (referat)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.output import slug

SCHEDULE_HELP = (
    "the schedule workbook (mødeplan.xlsx from 'review schedule'), or the planner's "
    "input (blocked dates, network representatives; YAML/xlsx); without it the "
    "meetings are planned from the structure"
)


def _schedule(request: GenerateRequest):
    from docauto.review.source import schedule_for, selected

    schedule = schedule_for(request.structure, request.data, request.options)
    return schedule, selected(schedule, request.structure, request.only, request.areas)


def ics_name(meeting: Any) -> str:
    return f"kalender/{meeting.id}-{slug(meeting.cluster.name)}.ics"


def plan_schedule_documents(
    request: GenerateRequest, stamp: dt.datetime | None = None
) -> Iterator[PlannedDocument]:
    from docauto.review.ics import meeting_ics
    from docauto.review.schedule import Schedule
    from docauto.review.settings import agenda
    from docauto.review.workbook import write_schedule_workbook

    schedule, meetings = _schedule(request)
    settings = schedule.settings
    chosen = Schedule(meetings, settings)
    yield PlannedDocument("mødeplan.xlsx", build=lambda: write_schedule_workbook(chosen))
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    for m in meetings:
        titles = [a.title for a in agenda(m.cluster.type)]
        yield PlannedDocument(
            ics_name(m), build=lambda m=m, titles=titles: meeting_ics(m, settings, titles, stamp)
        )


def _plan_invitations(request: GenerateRequest) -> Iterator[PlannedDocument]:
    import datetime as dt

    from docauto.recruitment.leaders import document_date
    from docauto.review.context import invitation_context

    schedule, meetings = _schedule(request)
    day = document_date(request.options, schedule.settings.letter_date or dt.date.today())
    for m in meetings:
        yield PlannedDocument(
            f"invitation-{m.cluster.id}-{slug(m.cluster.name)}.docx",
            template="strukturgennemgang-invitation.docx",
            context=invitation_context(m, schedule.settings, day),
            properties={"docauto.kind": "dagsorden", "docauto.klynge_id": m.cluster.id},
        )


def _plan_forms(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.review.context import form_context, form_properties

    schedule, meetings = _schedule(request)
    for m in meetings:
        yield PlannedDocument(
            f"referatskabelon-{m.cluster.id}-{slug(m.cluster.name)}.docx",
            template="referatskabelon.docx",
            context=form_context(m, schedule.settings),
            properties=form_properties(m, schedule.settings),
        )


def finished_context(
    minutes: Any, structure: Any, settings: Any, schedule: Any = None
) -> dict[str, Any]:
    """The referat.docx context: meeting facts from the schedule, else the form, else the notes."""
    from docauto.dates import parse_date
    from docauto.review.context import meeting_facts, participant_dicts
    from docauto.review.minutes import minutes_context
    from docauto.review.schedule import Participant, _participants

    cluster = structure.clusters[minutes.cluster_id]
    sm = schedule.by_cluster(cluster.id) if schedule is not None else None
    if sm is not None:
        facts = meeting_facts(sm, settings, participant_dicts(sm.meeting.participants))
    elif minutes.meeting.get("dato_tekst"):
        facts = dict(minutes.meeting)
    else:
        people = _participants(structure, cluster, settings, {}, [])
        facts = meeting_facts(
            None,
            settings,
            participant_dicts(people),
            place=minutes.meeting.get("sted") or settings.place_for(cluster.area),
        )
        if minutes.meeting.get("dato"):
            from docauto.office.filters import dato_ugedag

            try:
                facts["dato_tekst"] = dato_ugedag(parse_date(minutes.meeting["dato"]))
            except ValueError:
                facts["dato_tekst"] = minutes.meeting["dato"]
        if minutes.meeting.get("start"):
            start = minutes.meeting["start"].replace(":", ".")
            end = minutes.meeting.get("slut", "").replace(":", ".")
            facts["tid_tekst"] = f"kl. {start}-{end}" if end else f"kl. {start}"
    if minutes.participants:
        people = []
        for line in minutes.participants:
            name, _, role = line.partition(", ")
            people.append(Participant(name.casefold(), name, role or name))
        facts["deltagere"] = participant_dicts(people)
    facts.setdefault("titel", settings.title)
    return minutes_context(minutes, structure, {"møde": facts})


def _plan_minutes(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.errors import UsageError
    from docauto.generate import PartialFailure
    from docauto.review.minutes import read_notes
    from docauto.review.source import settings_with

    if request.data is None:
        raise UsageError("referat skal have --data NOTER (YAML eller .xlsx med mødets noter)")
    structure = request.structure
    settings = settings_with(request.options)
    schedule = None
    if request.options.get("mødeplan"):
        from docauto.review.workbook import read_schedule_workbook

        schedule = read_schedule_workbook(request.options["mødeplan"], structure, settings)
    all_minutes = read_notes(request.data, structure)
    docs, report = [], []
    for m in all_minutes:
        docs.append(
            PlannedDocument(
                f"referat-{m.cluster_id}-{slug(structure.clusters[m.cluster_id].name)}.docx",
                template="referat.docx",
                context=finished_context(m, structure, settings, schedule),
                properties={"docauto.kind": "referat", "docauto.klynge_id": m.cluster_id},
            )
        )
        report.extend(f"  - {p}" for p in m.problems)
    if report:
        raise PartialFailure(
            f"{len(report)} ting i noterne kunne ikke læses som forventet; resten er skrevet",
            docs,
            report,
        )
    yield from docs


@hookimpl
def docauto_kinds():
    return [
        Kind(
            name="mødeplan",
            description="Mødeplan for den strukturelle gennemgang (regneark) og én kalenderinvitation (.ics) pr. møde",
            fields=("Møde-ID", "Dato", "Start", "Slut", "Klynge-ID", "Sted", "Deltagere"),
            data_help=SCHEDULE_HELP,
            planner=plan_schedule_documents,
        ),
        Kind(
            name="dagsorden",
            description="Invitation med dagsorden til den strukturelle gennemgang, pr. klynge/netværk",
            templates=("strukturgennemgang-invitation.docx",),
            fields=("dato", "modtager", "kontakt", "møde", "klynge", "dagsorden", "tekster"),
            data_help=SCHEDULE_HELP,
            planner=_plan_invitations,
        ),
        Kind(
            name="referatskabelon",
            description="Referatskabelon (Word-formular) til klyngelederen/koordinatoren, pr. møde",
            templates=("referatskabelon.docx",),
            fields=(
                "møde",
                "klynge",
                "dagsorden",
                "pladsholder",
                "overvejelser",
                "opfølgning",
                "tomme_rækker",
            ),
            data_help=SCHEDULE_HELP,
            planner=_plan_forms,
        ),
        Kind(
            name="referat",
            description="Færdigt referat ud fra noter (YAML/regneark)",
            templates=("referat.docx",),
            fields=("møde", "klynge", "punkter", "overvejelser", "opfølgning", "tekster"),
            data_help="the meeting notes: YAML (klynge, punkter, overvejelser, opfølgning) or a "
            "workbook (sheets Referat and Opfølgning); --set mødeplan=FILE for the schedule",
            planner=_plan_minutes,
        ),
    ]
