"""Built-in kind ``omraademoeder``: the meetings across areas in the cluster-leader recruitment
(Bilag 7: the kick-off 07.10.10 and the follow-up 04.11.10).

Per meeting: an invitation with the agenda (.docx) to every area chief and deputy, and a
calendar invitation (.ics). With the registry as ``--data``, the follow-up meeting also gets
HR's case list: candidates wanted by two or more area chiefs, and positions with applicants
but no recommended candidate, as the registry stood at the end of the day before the meeting
(``--set dato=YYYY-MM-DD`` for another day). Time, place and agenda: mappings/omraademoeder.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docauto.errors import ConfigError, UsageError
from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.recruitment.roles import CLUSTER_LEADER

if TYPE_CHECKING:
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.structure.model import Structure

SETTINGS = "omraademoeder.yaml"
INVITATION = "omraademoede-invitation.docx"
CASE_LIST = "sagsliste.docx"
UID_DOMAIN = "omraademoeder.docauto"


@dataclass(frozen=True)
class AreaMeeting:
    id: str
    title: str
    day: dt.date
    start: dt.time
    end: dt.time
    place: str
    intro: str
    agenda: tuple[str, ...]
    case_list: bool


def _time(where: str, value: Any) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value).strip().replace(".", ":"))
    except ValueError:
        raise ConfigError(f"{where}: '{value}' er ikke et klokkeslæt (TT:MM)") from None


def _meeting(path: str, i: int, raw: Any, plan: RecruitmentPlan) -> AreaMeeting:
    from docauto.office.filters import to_date

    where = f"{path}: moeder[{i}]"
    if not isinstance(raw, dict) or not raw.get("id") or not raw.get("titel"):
        raise ConfigError(f"{where}: et møde skal have id og titel")
    day = None
    if raw.get("dato"):
        day = to_date(raw["dato"])
    elif raw.get("plantrin"):
        step = next((s for s in plan.steps(CLUSTER_LEADER) if s.id == raw["plantrin"]), None)
        day = step.start or step.deadline if step else None
    if day is None:
        raise ConfigError(f"{where}: mødet har ingen dato (sæt 'dato' eller et 'plantrin')")
    start, end = _time(where + ".start", raw.get("start")), _time(where + ".slut", raw.get("slut"))
    if end <= start:
        raise ConfigError(f"{where}: mødet slutter, før det begynder")
    return AreaMeeting(
        id=str(raw["id"]),
        title=str(raw["titel"]),
        day=day,
        start=start,
        end=end,
        place=str(raw.get("sted") or ""),
        intro=" ".join(str(raw.get("indledning") or "").split()),
        agenda=tuple(str(x) for x in raw.get("dagsorden") or ()),
        case_list=bool(raw.get("sagsliste")),
    )


def load_meetings(plan: RecruitmentPlan) -> tuple[str, list[AreaMeeting]]:
    """(organiser, meetings) from mappings/omraademoeder.yaml."""
    from docauto.datafiles import read_data
    from docauto.resources import mapping_path

    path = mapping_path(SETTINGS)
    data = read_data(path, error=ConfigError)
    if not isinstance(data, dict) or not isinstance(data.get("moeder"), list):
        raise ConfigError(f"{path}: nøglen 'moeder' (en liste) mangler")
    meetings = [_meeting(str(path), i, m, plan) for i, m in enumerate(data["moeder"])]
    return str(data.get("arrangoer") or "HR-gruppen"), meetings


def participants(structure: Structure) -> list[dict[str, str]]:
    out = []
    for a in structure.areas.values():
        out.append({"omraade": a.name, "navn": a.chief, "funktion": "Områdechef", "email": a.email})
        if a.deputy:
            out.append(
                {
                    "omraade": a.name,
                    "navn": a.deputy,
                    "funktion": "Souschef",
                    "email": a.deputy_email,
                }
            )
    return out


def _ics(m: AreaMeeting, people: list[dict[str, str]], organiser: str, mailbox: str) -> bytes:
    from docauto.review.ics import event_ics

    lines = [m.intro, "", "Dagsorden:"] + [f"{i}. {t}" for i, t in enumerate(m.agenda, 1)]
    return event_ics(
        uid=f"{m.id}-{m.day.year}@{UID_DOMAIN}",
        starts=dt.datetime.combine(m.day, m.start),
        ends=dt.datetime.combine(m.day, m.end),
        summary=m.title,
        location=m.place,
        description="\n".join(lines),
        organizer=(organiser, mailbox),
        attendees=[(p["navn"], p["email"]) for p in people],
        prodid="-//docauto//Områdemøder//DA",
        # A fixed stamp: the same meeting gives the same file (batch runs rewrite only changes).
        stamp=dt.datetime.combine(m.day, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=30),
    )


def case_list_context(
    request: GenerateRequest, plan: RecruitmentPlan, as_of: dt.date
) -> dict[str, Any]:
    """HR's case list as the registry stood at the end of ``as_of``."""
    from docauto.registry import schema
    from docauto.registry.cells import role_of
    from docauto.registry.conflicts import find_conflicts
    from docauto.registry.data import RegistryView
    from docauto.registry.nocandidate import without_candidate
    from docauto.registry.pointintime import position_key

    view = RegistryView.load(request.data).at(as_of)
    structure = request.structure
    conflicts = find_conflicts(view.recommendations())
    missing = without_candidate(view, plan, as_of, structure)
    applied = {
        position_key(role_of(r.get("Stillingstype")), r.get("Klynge"), r.get("Enhed"))
        for r in view.rows(schema.APPLICATIONS)
    }
    step = plan.find_submission(CLUSTER_LEADER, "applicants")
    no_applicants = []
    if step and step.deadline and step.deadline < as_of:
        no_applicants = [
            f"{p.cluster} ({p.area})"
            for p in view.positions()
            if p.role == CLUSTER_LEADER
            and position_key(p.role, p.cluster, p.unit) not in applied
            and p.status != schema.BESAT
        ]
    return {
        "konflikter": [
            {
                "runde": c.round,
                "kandidat": c.candidate,
                "email": c.email,
                "omraader": ", ".join(c.areas),
                "steder": "; ".join(
                    f"{a}: {k}" + (f", {u}" if u else "") + (f" ({pr})" if pr else "")
                    for a, k, u, pr in c.places
                ),
            }
            for c in conflicts
        ],
        "uden_kandidat": [
            {
                "omraade": w.area,
                "stillingstype": schema.ROLE_LABEL.get(w.role, w.role),
                "klynge": w.cluster,
                "enhed": w.unit or "",
                "ansoegere": w.applicants,
                "runde": w.round,
            }
            for w in missing
        ],
        "uden_ansoegere": no_applicants,
    }


def _as_of(request: GenerateRequest, m: AreaMeeting) -> dt.date:
    from docauto.office.filters import to_date

    raw = request.options.get("dato")
    try:
        return to_date(raw) if raw else m.day - dt.timedelta(days=1)
    except ValueError:
        raise UsageError(f"--set dato={raw}: ikke en dato", hint="use YYYY-MM-DD") from None


def _with_intro(m: AreaMeeting, plan: RecruitmentPlan, letter_date: dt.date) -> AreaMeeting:
    """The meeting with its introduction rendered for the letter's date: ``opslaaet`` tells
    whether the posts are on KKnet by then, so the text says "slås op" or "er slået op"."""
    import dataclasses

    from docauto.office.engine import render_text

    step = next((s for s in plan.steps(CLUSTER_LEADER) if s.id == "opslag"), None)
    posted = (step.start or step.deadline) if step else None
    context = {"brevdato": letter_date, "opslaaet": posted is None or letter_date >= posted}
    intro = render_text(m.intro, context, where=f"mappings/{SETTINGS}: {m.id}.indledning")
    return dataclasses.replace(m, intro=" ".join(intro.split()))


def _plan(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.office.filters import to_date
    from docauto.recruitment.timeline import load_timeline

    plan = load_timeline()
    organiser, meetings = load_meetings(plan)
    if request.only:
        keys = {k.casefold() for k in request.only}
        meetings = [m for m in meetings if m.id.casefold() in keys]
        if not meetings:
            raise UsageError("--only: ingen møder med de id'er", hint="see mappings/" + SETTINGS)
    raw = request.options.get("brevdato")
    letter_date = to_date(raw) if raw else dt.date.today()
    people = participants(request.structure)
    for m in meetings:
        m = _with_intro(m, plan, letter_date)
        ctx = {
            "dato": letter_date,
            "moede": {
                "titel": m.title,
                "dag": m.day,
                "start": m.start.strftime("%H.%M"),
                "slut": m.end.strftime("%H.%M"),
                "sted": m.place,
                "leder": organiser,
                "indledning": m.intro,
                "dagsorden": list(m.agenda),
                "sagsliste": m.case_list,
            },
            "deltagere": people,
            "postkasse": plan.mailbox,
        }
        props = {"docauto.kind": "omraademoede", "docauto.moede": m.id}
        yield PlannedDocument(
            f"omraademoede-{m.id}.docx", template=INVITATION, context=ctx, properties=props
        )
        yield PlannedDocument(
            f"omraademoede-{m.id}.ics",
            build=lambda m=m: _ics(m, people, organiser, plan.mailbox),
            fingerprint=[repr(m), people, organiser, plan.mailbox],
        )
        if m.case_list and request.data is not None:
            as_of = _as_of(request, m)
            cases = {**ctx, "dato": as_of, **case_list_context(request, plan, as_of)}
            yield PlannedDocument(
                f"sagsliste-{m.id}.docx",
                template=CASE_LIST,
                context=cases,
                properties={**props, "docauto.kind": "sagsliste", "docauto.dato": str(as_of)},
            )


@hookimpl
def docauto_kinds() -> list[Kind]:
    return [
        Kind(
            name="omraademoeder",
            description="Invitation med dagsorden (.docx og .ics) til områdemøderne på tværs "
            "af områderne; med registret som --data også HR's sagsliste til det opfølgende møde",
            templates=(INVITATION, CASE_LIST),
            fields=(
                "dato",
                "moede",
                "deltagere",
                "postkasse",
                "konflikter",
                "uden_kandidat",
                "uden_ansoegere",
            ),
            data_help="(optional) the registry workbook, for the follow-up meeting's case list "
            "as of the day before the meeting (--set dato=YYYY-MM-DD for another day)",
            planner=_plan,
        )
    ]
