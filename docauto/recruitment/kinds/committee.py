"""Built-in kind ``udpegningsbreve``: appointment letters for the assessment committees.

Every committee in ``--data`` is checked against the rule first (docauto.recruitment.committees). A
committee that breaks it gets no letters and one report line per violation; the others get a
letter per member and an overview, and the run exits 1 (PartialFailure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from docauto.errors import UsageError
from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.recruitment.roles import CLUSTER_LEADER

if TYPE_CHECKING:
    from docauto.recruitment.committees import Committee, SeatType
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.structure.model import Structure

LETTER = "udpegningsbrev.docx"
OVERVIEW = "vurderingsudvalg-oversigt.docx"
# Steps of the plan that concern the committee's work (shown as its timetable).
COMMITTEE_KINDS = ("applicants", "candidates", "unfilled", "hires")
COMMITTEE_STEPS = ("opslag", "opfoelgningsmoede", "indkaldelse")


def _timetable(plan: RecruitmentPlan, role: str) -> list[dict[str, str]]:
    """The area chief's timetable (the overview): the plan's steps; a deadline is shown only
    where the plan has the date itself, not a Friday it was computed from a week."""
    from docauto.office.filters import dato

    rows = []
    for s in plan.steps(role):
        if s.kind in COMMITTEE_KINDS or s.id in COMMITTEE_STEPS:
            shown = s.deadline and s.kind and not s.deadline_note
            rows.append(
                {
                    "hvornår": s.when,
                    "hvad": s.description,
                    "frist": dato(s.deadline) if shown else "",
                }
            )
    return rows


def member_timetable(plan: RecruitmentPlan, role: str) -> list[dict[str, str]]:
    """The members' timetable (templates/tekster/udpegning.yaml): what the committee meets,
    without the area chiefs' submissions to HR, with the plan's own dates and weeks only."""
    from docauto.errors import ConfigError
    from docauto.office.filters import dato
    from docauto.review.settings import texts

    timeline = plan.timeline(role)
    steps = {s.id: s for s in timeline.steps}
    rows = []
    for i, row in enumerate(texts("udpegning.yaml").get(role) or [], start=1):
        step_id, text = str(row.get("trin") or ""), str(row.get("tekst") or "")
        if step_id == "ansøgningsfrist":
            when = dato(timeline.application_deadline) if timeline.application_deadline else ""
        elif step_id in steps:
            s = steps[step_id]
            how = row.get("hvornår", "uge")
            day = s.start if how == "start" else s.deadline if how == "frist" else None
            when = dato(day) if day else s.week_text or s.when
        else:
            raise ConfigError(f"udpegning.yaml: {role}[{i}]: trinnet '{step_id}' findes ikke")
        if when:
            rows.append({"hvornår": when, "hvad": text})
    return rows


def letter_date(plan: RecruitmentPlan, role: str) -> dt.date:
    """The appointment letters' date: the committee is set up by the time the post is
    advertised, so the letters never look back on a date they announce (the advertisement,
    the application deadline). Else the plan's date for setting up the committee, or the
    Friday of its last week (cluster leaders: weeks 35-40 -> 8 October 2010)."""
    latest = _committee_deadline(plan, role)
    timeline = plan.timeline(role)
    announced = [s.start for s in timeline.steps if s.id == "opslag" and s.start]
    if timeline.application_deadline:
        announced.append(timeline.application_deadline)
    return min([latest, *announced])


def _committee_deadline(plan: RecruitmentPlan, role: str) -> dt.date:
    step = next((s for s in plan.steps(role) if s.id == "vurderingsudvalg"), None)
    if step is not None and step.deadline and not step.deadline_note:
        return step.deadline
    weeks = step.weeks if step is not None and step.weeks else plan.timeline(role).committee_weeks
    if not weeks:
        from docauto.errors import ConfigError

        raise ConfigError(f"rekrutteringsplanen har ingen uger for vurderingsudvalget ({role})")
    return dt.date.fromisocalendar(plan.year, max(weeks), 5)


def _member_context(m: Any, counts: dict[str, int], units: set[str]) -> dict[str, Any]:
    from docauto.recruitment.committees import mid_sentence

    return {
        "navn": m.name,
        "sæde": _seat_label(m, counts),
        "sæde_navn": m.seat.name,
        "udpeget_af": mid_sentence(m.appointed_by or m.seat.appointed_by, units),
        "email": m.email,
        "telefon": m.phone,
        "uden_stemmeret": not m.seat.voting,
        "formand": m.seat.chair,
    }


def _seat_label(member: Any, counts: dict[str, int]) -> str:
    name = member.seat.name
    if counts[member.seat.id] > 1 and member.seat_number:
        return f"{name} ({member.seat_number})"
    return name


def committee_documents(
    structure: Structure,
    committee: Committee,
    seats: list[SeatType],
    plan: RecruitmentPlan,
    when: dt.date | None = None,
) -> list[PlannedDocument]:
    from docauto.recruitment.committees import chair_title
    from docauto.recruitment.context import area_context, weeks_text

    role = committee.role
    timeline = plan.timeline(role)
    day = when or letter_date(plan, role)
    order = {s.id: i for i, s in enumerate(seats)}
    members = sorted(committee.members, key=lambda m: (order[m.seat.id], m.seat_number or 0))
    counts: dict[str, int] = {}
    for m in members:
        counts[m.seat.id] = counts.get(m.seat.id, 0) + 1
    if role == CLUSTER_LEADER:
        title = f"Klyngeleder i {committee.cluster.name} ({committee.cluster.id})"
    else:
        title = f"Pædagogisk leder i {committee.unit.name} ({committee.unit.id})"
    chair = committee.chair
    unit_names = {u.name for u in structure.units.values()}
    member_ctx = [_member_context(m, counts, unit_names) for m in members]
    chair_ctx = {
        "navn": chair.name,
        "titel": chair_title(structure, committee),
        "email": chair.email,
    }
    base = {
        "område": area_context(committee.area),
        "stilling": {
            "id": committee.position_id,
            "titel": title,
            "titel_lille": title[0].lower() + title[1:],
            "klynge": f"{committee.cluster.name} ({committee.cluster.id})",
            "rolle": role,
        },
        "formand": chair_ctx,
        "ansøgningsfrist": timeline.application_deadline,
        "samtaleuger": weeks_text(timeline.interview_weeks),
        "tidsplan": _timetable(plan, role),
        "medlemmer": member_ctx,
        "brevdato": day,
        "dato": day,
    }
    props = {
        "docauto.kind": "committee_letter",
        "docauto.rolle": role,
        "docauto.klynge_id": committee.cluster.id,
    }
    if committee.unit:
        props["docauto.enheds_id"] = committee.unit.id
    pid = committee.position_id
    # The chair (the area chief or deputy) gets the overview, not a letter appointing herself.
    docs = [
        PlannedDocument(
            f"vurderingsudvalg-{pid}-oversigt.docx",
            template=OVERVIEW,
            context={**base, "modtager": {"navn": chair.name, "email": chair.email}},
            properties={**props, "docauto.kind": "committee_overview"},
        )
    ]
    letters = {**base, "tidsplan": member_timetable(plan, role)}
    for m, ctx in zip(members, member_ctx, strict=True):
        if m.seat.chair:
            continue
        suffix = f"-{m.seat_number}" if counts[m.seat.id] > 1 and m.seat_number else ""
        if counts[m.seat.id] > 1 and not m.seat_number:
            suffix = f"-{[x for x in members if x.seat.id == m.seat.id].index(m) + 1}"
        receiver = {"navn": m.name, **({"email": m.email} if m.email else {})}
        docs.append(
            PlannedDocument(
                f"udpegningsbrev-{pid}-{m.seat.file}{suffix}.docx",
                template=LETTER,
                # dato and modtager: the house style's letter head (docauto.office.housestyle)
                context={**letters, "medlem": ctx, "modtager": receiver},
                properties=props,
            )
        )
    return docs


def _letter_date(request: GenerateRequest) -> dt.date | None:
    """The letters are dated by the plan for each role unless --set dato= (or brevdato=) says."""
    from docauto.office.filters import to_date

    key = "dato" if request.options.get("dato") else "brevdato"
    raw_date = request.options.get(key)
    try:
        return to_date(raw_date) if raw_date else None
    except ValueError:
        raise UsageError(f"--set {key}={raw_date}: ikke en dato", hint="brug ÅÅÅÅ-MM-DD") from None


def _wanted(c: Committee, request: GenerateRequest, areas: Collection[str]) -> bool:
    """Whether --area and --only select the committee."""
    if request.areas and (c.area is None or c.area.name not in areas):
        return False
    if request.only:
        keys = {k.casefold() for k in request.only}
        ids = {c.key.casefold(), c.position_id.casefold()}
        if c.cluster:
            ids |= {c.cluster.id.casefold(), c.cluster.name.casefold()}
        return bool(keys & ids)
    return True


def _plan(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.generate import PartialFailure
    from docauto.recruitment.committees import check_committees, load_seats
    from docauto.recruitment.timeline import load_timeline

    if request.data is None:
        raise UsageError(
            "udpegningsbreve skal have --data: udvalgenes medlemmer (.xlsx eller .yaml)"
        )
    structure = request.structure
    fixed_date = _letter_date(request)
    seats = load_seats()
    plan = load_timeline()
    committees, violations = check_committees(request.data, structure, seats)

    from docauto.recruitment.context import selected_areas

    areas = selected_areas(structure, request.areas)
    committees = [c for c in committees if _wanted(c, request, areas)]
    labels = {c.label for c in committees}
    violations = [v for v in violations if v.committee in labels]
    bad = {v.committee for v in violations}
    docs: list[PlannedDocument] = []
    for c in committees:
        if c.label not in bad:
            docs.extend(committee_documents(structure, c, seats, plan, fixed_date))
    if violations:
        raise PartialFailure(
            f"{len(bad)} vurderingsudvalg opfylder ikke reglen og har ikke fået breve; "
            f"{len(committees) - len(bad)} udvalg er skrevet",
            docs,
            [str(v) for v in violations],
        )
    if not committees:
        raise UsageError(f"{request.data}: ingen vurderingsudvalg at skrive breve til")
    yield from docs


@hookimpl
def docauto_kinds() -> list[Kind]:
    return [
        Kind(
            name="udpegningsbreve",
            description="Udpegningsbreve til vurderingsudvalgenes medlemmer og en oversigt pr. udvalg",
            templates=(LETTER, OVERVIEW),
            fields=(
                "medlem",
                "stilling",
                "formand",
                "område",
                "ansøgningsfrist",
                "samtaleuger",
                "tidsplan",
                "medlemmer",
                "brevdato",
            ),
            data_help="the committee members: .xlsx (sheet Vurderingsudvalg) or .yaml with the "
            "columns Stilling, Navn, Sæde, Udpeget af, E-mail, Telefon",
            planner=_plan,
        )
    ]
