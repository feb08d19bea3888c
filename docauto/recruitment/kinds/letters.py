"""Built-in kinds for the area chief's letters to applicants, made from the registry:

- ``ansoegningskvitteringer``: acknowledgement of an application, one per applicant per area,
  naming the clusters (units) applied for;
- ``ansoegerfortegnelser``: the list of applicants per position, for the committee;
- ``samtaleplaner``: the form (.xlsx, one per area and round) the area fills in with the
  time and place of each interview;
- ``samtaleindkaldelser``: the interview invitations, from a filled-in plan;
- ``afslagsbreve``: the answer to those not appointed, once the area's hires are registered;
- ``ansaettelsesbreve``: the confirmation to each person appointed.

All take the registry as ``--data`` and read it as of ``--set dato=YYYY-MM-DD`` (default
today), which is also the letters' date. Letters go only to people the registry holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import UsageError
from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.recruitment.roles import CLUSTER_LEADER, SLUGS, TITLES, parse_roles

if TYPE_CHECKING:
    from docauto.recruitment.letters import Applicant, Place
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.registry.data import RegistryView
    from docauto.structure.model import Area, Structure

LIST_TEMPLATE = "ansoegerfortegnelse.docx"
REGISTRY_HELP = "the registry workbook (register.xlsx); it is read as of --set dato=YYYY-MM-DD"


@dataclass
class Inputs:
    structure: Structure
    view: RegistryView
    as_of: dt.date
    roles: tuple[str, ...]
    areas: set[str]
    only: set[str]
    plan: RecruitmentPlan
    notes: list[str] = field(default_factory=list)

    def note(self, line: str) -> None:
        """A Danish report line, once however often the registry is read."""
        if line not in self.notes:
            self.notes.append(line)

    def area(self, name: str) -> Area | None:
        area = self.structure.find_area(name)
        return area if area is not None and area.name in self.areas else None

    def wanted(self, place: Place) -> bool:
        if not self.only:
            return True
        keys = {place.cluster.casefold(), place.unit.casefold()}
        cluster = self.structure.find_cluster(place.cluster)
        if cluster is not None:
            keys.add(cluster.id.casefold())
        unit = self.structure.find_unit(place.unit, cluster) if place.unit else None
        if unit is not None:
            keys.add(unit.id.casefold())
        return bool(keys & self.only)


def _date(request: GenerateRequest) -> dt.date:
    from docauto.office.filters import to_date

    raw = request.options.get("dato")
    if raw in (None, ""):
        return dt.date.today()
    try:
        return to_date(raw)
    except ValueError:
        raise UsageError(f"--set dato={raw}: ikke en dato", hint="use YYYY-MM-DD") from None


def inputs(request: GenerateRequest) -> Inputs:
    from docauto.recruitment.context import selected_areas
    from docauto.recruitment.timeline import load_timeline
    from docauto.registry.data import RegistryView

    if request.data is None:
        raise UsageError("this kind needs --data: " + REGISTRY_HELP)
    if request.data.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{request.data}: registret skal være en .xlsx-fil")
    as_of = _date(request)
    view = RegistryView.load(request.data).at(as_of)
    return Inputs(
        structure=request.structure,
        view=view,
        as_of=as_of,
        roles=parse_roles(request.options.get("rolle"), (CLUSTER_LEADER,)),
        areas=selected_areas(request.structure, request.areas),
        only={k.casefold() for k in request.only},
        plan=load_timeline(),
        notes=request.notes,
    )


def base_context(inp: Inputs, area: Area, role: str) -> dict[str, Any]:
    from docauto.office.filters import dato, dato_ugedag
    from docauto.recruitment.context import weeks_text
    from docauto.recruitment.letters import area_signer

    timeline = inp.plan.timeline(role)
    start = inp.plan.structure_start
    return {
        "dato": inp.as_of,
        "rolle": role,
        "stillingstype": TITLES[role].lower(),
        "omraade": area_signer(area),
        "frist": dato_ugedag(timeline.application_deadline)
        if timeline.application_deadline
        else "",
        "samtaleuger": weeks_text(timeline.interview_weeks),
        "ikrafttraeden": dato(start) if start else "",
        "samtale": None,
        "stillinger": [],
    }


def _file_part(text: str) -> str:
    from docauto.output import slug

    return slug(text)[:40]


def _formula_note(name: str, where: str) -> str:
    return (
        f"{where}: navnet '{name}' er formeltekst, ikke et navn; intet brev. Ret navnet i registret"
    )


def _applicants(inp: Inputs, role: str) -> Iterator[tuple[Area, Applicant, list[Place]]]:
    from docauto.recruitment.letters import applicants_by_area, is_formula_text

    for area_name, people in applicants_by_area(inp.view, role).items():
        area = inp.area(area_name)
        if area is None:
            continue
        for person in people:
            places = [p for p in person.places if inp.wanted(p)]
            if not places:
                continue
            if is_formula_text(person.name) or is_formula_text(person.email):
                where = f"Område {area.name}, {', '.join(p.label() for p in places)}"
                inp.note(_formula_note(person.name, where))
                continue
            yield area, person, places


def _no_documents(what: str, inp: Inputs) -> UsageError:
    from docauto.office.filters import dato

    return UsageError(f"registret har pr. {dato(inp.as_of)} ingen {what}")


# --- acknowledgements --------------------------------------------------------------------------


def _acknowledgements(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.recruitment.letters import letter_documents

    inp = inputs(request)
    docs: list[PlannedDocument] = []
    for role in inp.roles:
        for area, person, places in _applicants(inp, role):
            ctx = {
                **base_context(inp, area, role),
                "modtager": person.recipient(),
                "stillinger": [p.label() for p in places],
            }
            name = f"kvittering-{SLUGS[role]}-{_file_part(area.name)}-{_file_part(person.name)}"
            docs += letter_documents("kvittering", name, area, ctx, {"docauto.rolle": role})
    if not docs:
        raise _no_documents("registrerede ansøgere", inp)
    yield from docs


# --- applicant lists -----------------------------------------------------------------------------


def _applicant_lists(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.office.filters import dato_kort
    from docauto.recruitment.letters import area_signer

    inp = inputs(request)
    docs = []
    for role in inp.roles:
        lists: dict[tuple[str, str, str], dict[str, Any]] = {}
        for area, person, places in _applicants(inp, role):
            for p in places:
                entry = lists.setdefault(p.key, {"place": p, "area": area, "ansoegere": []})
                entry["ansoegere"].append(
                    {
                        "nr": len(entry["ansoegere"]) + 1,
                        "navn": person.name,
                        "stilling": person.title,
                        "arbejdssted": person.workplace,
                        "email": person.email,
                        "modtaget": dato_kort(person.received) if person.received else "",
                    }
                )
        for entry in lists.values():
            p, area = entry["place"], entry["area"]
            ctx = {
                **base_context(inp, area, role),
                "omraade": area_signer(area),
                "titel": f"{TITLES[role]}: {p.label()}",
                "stilling": p.label(),
                "ansoegere": entry["ansoegere"],
            }
            docs.append(
                PlannedDocument(
                    f"ansoegerfortegnelse-{SLUGS[role]}-{_file_part(p.label())}.docx",
                    template=LIST_TEMPLATE,
                    context=ctx,
                    properties={"docauto.kind": "ansoegerfortegnelse", "docauto.rolle": role},
                )
            )
    if not docs:
        raise _no_documents("registrerede ansøgere", inp)
    yield from docs


# --- rejections and appointments ------------------------------------------------------------------


def _hires_all_roles(inp: Inputs) -> tuple[dict[tuple, dict[str, Any]], set[str]]:
    """Every hire as of the date (both roles) by position, and the people appointed."""
    from docauto.recruitment.letters import hires_by_place, person_key
    from docauto.recruitment.roles import ROLES

    hires: dict[tuple, dict[str, Any]] = {}
    for role in ROLES:
        hires.update(hires_by_place(inp.view, role))
    return hires, {person_key(h["name"], h["email"]) for h in hires.values()}


def _areas_with_hires(inp: Inputs, role: str) -> set[str]:
    """Areas whose hires mail for the role had been received by the date."""
    from docauto.registry.cells import norm

    return {
        norm(a)
        for r in inp.view.received(inp.structure)
        if r.role == role and r.kind == "hires"
        for a in r.areas
    }


def _rejections(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.recruitment.letters import letter_documents
    from docauto.registry.cells import norm

    inp = inputs(request)
    docs: list[PlannedDocument] = []
    hires, hired_people = _hires_all_roles(inp)
    for role in inp.roles:
        reported = _areas_with_hires(inp, role)
        for area, person, places in _applicants(inp, role):
            # Only once the area's appointments are registered, and never to someone who was
            # appointed (anywhere): they get the confirmation instead.
            if norm(area.name) not in reported or person.key in hired_people:
                continue
            lost = [p for p in places if p.key in hires]
            if not lost:
                continue
            ctx = {
                **base_context(inp, area, role),
                "modtager": person.recipient(),
                "stillinger": [p.label() for p in lost],
            }
            name = f"afslag-{SLUGS[role]}-{_file_part(area.name)}-{_file_part(person.name)}"
            docs += letter_documents("afslag", name, area, ctx, {"docauto.rolle": role})
    if not docs:
        raise _no_documents("afslag at sende (ingen områder har meldt ansættelser)", inp)
    yield from docs


def _appointments(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.office.filters import dato
    from docauto.recruitment.letters import (
        hires_by_place,
        is_formula_text,
        letter_documents,
        person_key,
    )

    inp = inputs(request)
    docs: list[PlannedDocument] = []
    for role in inp.roles:
        titles = _applicant_titles(inp, role)
        for h in hires_by_place(inp.view, role).values():
            place = h["place"]
            area = inp.area(place.area)
            if area is None or not inp.wanted(place) or not h["name"]:
                continue
            if is_formula_text(h["name"]) or is_formula_text(h["email"]):
                where = f"Område {area.name}, ansættelse i {place.label()}"
                inp.note(_formula_note(h["name"], where))
                continue
            ctx = {
                **base_context(inp, area, role),
                "modtager": {
                    "navn": h["name"],
                    "stilling": titles.get(person_key(h["name"], h["email"]), ""),
                    "adresse": [],
                    "email": h["email"],
                },
                "stillinger": [place.label()],
                "ansaettelse": {
                    "stilling": place.label(),
                    "tiltraedelse": dato(h["start"] or inp.plan.structure_start or inp.as_of),
                },
            }
            name = f"ansaettelse-{SLUGS[role]}-{_file_part(place.label())}"
            docs += letter_documents("ansaettelse", name, area, ctx, {"docauto.rolle": role})
    if not docs:
        raise _no_documents("registrerede ansættelser", inp)
    yield from docs


def _applicant_titles(inp: Inputs, role: str) -> dict[str, str]:
    from docauto.recruitment.letters import applicants_by_area

    return {
        a.key: a.title for people in applicants_by_area(inp.view, role).values() for a in people
    }


# --- interviews -----------------------------------------------------------------------------------


def _round(request: GenerateRequest) -> int:
    raw = str(request.options.get("runde", "1")).strip()
    if raw not in ("1", "2"):
        raise UsageError(f"--set runde={raw}: use 1 or 2")
    return int(raw)


def _to_call(inp: Inputs, role: str, rnd: int) -> dict[str, list[tuple[Applicant, Place]]]:
    """area -> (applicant, position) to call: round 2 only for positions without a candidate."""
    from docauto.registry.nocandidate import without_candidate

    keep = None
    if rnd == 2:
        from docauto.recruitment.letters import Place

        keep = {
            Place(role, w.area, w.cluster, w.unit or "").key
            for w in without_candidate(inp.view, inp.plan, inp.as_of, inp.structure)
            if w.role == role
        }
    out: dict[str, list[tuple[Applicant, Place]]] = {}
    for area, person, places in _applicants(inp, role):
        for p in places:
            if keep is None or p.key in keep:
                out.setdefault(area.name, []).append((person, p))
    return out


def _interview_plans(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.recruitment.interviews import build_plan

    inp = inputs(request)
    rnd = _round(request)
    docs = []
    for role in inp.roles:
        for area, rows in _to_call(inp, role, rnd).items():
            rows.sort(key=lambda r: (r[1].cluster, r[1].unit, r[0].name))
            docs.append(
                PlannedDocument(
                    f"samtaleplan-{SLUGS[role]}-{_file_part(area)}-runde-{rnd}.xlsx",
                    build=lambda a=area, r=rows, t=TITLES[role]: build_plan(
                        a, rnd, r, t, inp.as_of
                    ),
                    fingerprint=[area, rnd, inp.as_of.isoformat()]
                    + [(p.name, p.email, pl.cluster, pl.unit) for p, pl in rows],
                )
            )
    if not docs:
        raise _no_documents(f"ansøgere at indkalde til {rnd}. runde", inp)
    yield from docs


def _plan_files(request: GenerateRequest) -> list[Path]:
    raw = request.options.get("samtaler")
    if not raw:
        raise UsageError(
            "samtaleindkaldelser needs --set samtaler=FILE: the filled-in interview plan(s) "
            "(made by 'docauto generate samtaleplaner'); a folder or files separated by ','"
        )
    out: list[Path] = []
    for part in str(raw).split(","):
        path = Path(part.strip())
        out += sorted(path.glob("*.xlsx")) if path.is_dir() else [path]
    return out


def _match(inp: Inputs, iv: Any) -> tuple[Area, Applicant, Place] | str:
    """The registered applicant and position a plan row names, or why there is none."""
    from docauto.recruitment.letters import Place, person_key
    from docauto.registry.cells import role_of

    where = f"{iv.file}, række {iv.row}"
    role = role_of(iv.role_label)
    area = inp.area(iv.area)
    if role is None or area is None:
        return f"{where}: ukendt område '{iv.area}' eller stillingstype '{iv.role_label}'"
    wanted = Place(role, area.name, iv.cluster, iv.unit if role != CLUSTER_LEADER else "")
    for a, person, places in _applicants(inp, role):
        if a.name != area.name or person.key != person_key(iv.name, iv.email):
            continue
        for p in places:
            if p.key == wanted.key:
                return a, person, p
    return (
        f"{where}: {iv.name or '(uden navn)'} står ikke i registret som ansøger til "
        f"{wanted.label()}; ingen indkaldelse"
    )


def _clashes(interviews: list[Any]) -> tuple[list[Any], list[str]]:
    """The interviews to write, and a Danish line per person called to two interviews at the
    same date and time (across all the plans): neither of those is written, the areas agree
    on a new time first."""
    from docauto.office.filters import dato
    from docauto.recruitment.letters import person_key

    by_slot: dict[tuple[str, dt.date, str], list[Any]] = {}
    for iv in interviews:
        by_slot.setdefault((person_key(iv.name, iv.email), iv.day, iv.time), []).append(iv)
    problems, clashing = [], set()
    for (_, day, time), ivs in by_slot.items():
        if len(ivs) < 2:
            continue
        clashing.update(id(iv) for iv in ivs)
        rows = " og ".join(f"{iv.file}, række {iv.row} ({iv.area})" for iv in ivs)
        problems.append(
            f"{ivs[0].name} er indkaldt til to samtaler {dato(day)} kl. {time}: {rows}; "
            "ingen indkaldelse, før planerne har forskellige tider"
        )
    return [iv for iv in interviews if id(iv) not in clashing], problems


def _invitation(inp: Inputs, iv: Any) -> list[PlannedDocument] | str:
    from docauto.office.filters import dato_ugedag
    from docauto.recruitment.letters import letter_documents

    found = _match(inp, iv)
    if isinstance(found, str):
        return found
    area, person, place = found
    ctx = {
        **base_context(inp, area, place.role),
        "modtager": person.recipient(),
        "samtale": {
            "runde": iv.round,
            "stilling": place.label(),
            "dato": dato_ugedag(iv.day),
            "tid": iv.time,
            "sted": iv.place,
        },
    }
    name = (
        f"samtale-{SLUGS[place.role]}-runde-{iv.round}-{_file_part(place.label())}-"
        f"{_file_part(person.name)}"
    )
    return letter_documents("samtale", name, area, ctx, {"docauto.rolle": place.role})


def _invitations(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.generate import PartialFailure
    from docauto.recruitment.interviews import read_plan

    inp = inputs(request)
    docs: list[PlannedDocument] = []
    problems: list[str] = []
    interviews = []
    for path in _plan_files(request):
        rows, bad = read_plan(path)
        interviews += rows
        problems += bad
    interviews, clashes = _clashes(interviews)
    problems += clashes
    for iv in interviews:
        got = _invitation(inp, iv)
        if isinstance(got, str):
            problems.append(got)
        else:
            docs += got
    if problems:
        raise PartialFailure(
            f"{len(problems)} rækker i samtaleplanen gav ingen indkaldelse", docs, problems
        )
    if not docs:
        raise UsageError("samtaleplanen har ingen rækker med dato, tidspunkt og sted")
    yield from docs


# --- senior arrangements ----------------------------------------------------------------------------


def _senior_forms(request: GenerateRequest) -> Iterator[PlannedDocument]:
    """One application form for senior arrangements per area (it needs no registry)."""
    from docauto.recruitment.context import selected_areas
    from docauto.recruitment.timeline import load_timeline
    from docauto.registry.senior import build_senior_form

    plan = load_timeline()
    step = plan.find_submission(CLUSTER_LEADER, "senior")
    subject = step.subject if step and step.subject else "Ansøgning om seniorordning"
    for area in sorted(selected_areas(request.structure, request.areas), key=str.casefold):
        yield PlannedDocument(
            f"seniorordning-{_file_part(area)}.xlsx",
            build=lambda a=area: build_senior_form(request.structure, a, plan.mailbox, subject),
            fingerprint=[area, plan.mailbox, subject],
        )


@hookimpl
def docauto_kinds() -> list[Kind]:
    from docauto.recruitment.letters import LETTER_TEMPLATE

    letter_fields = (
        "dato",
        "modtager",
        "omraade",
        "titel",
        "afsnit",
        "stillinger",
        "efter",
        "samtale",
        "stillingstype",
    )
    common = {"data_help": REGISTRY_HELP, "fields": letter_fields}
    return [
        Kind(
            name="ansoegningskvitteringer",
            description="Kvittering for ansøgningen til hver ansøger pr. område "
            "(.docx og .eml-kladde fra områdechefen), fra registret",
            templates=(LETTER_TEMPLATE,),
            planner=_acknowledgements,
            **common,
        ),
        Kind(
            name="ansoegerfortegnelser",
            description="Ansøgerfortegnelse pr. stilling til vurderingsudvalget, fra registret",
            templates=(LIST_TEMPLATE,),
            fields=("dato", "omraade", "stilling", "stillingstype", "frist", "ansoegere"),
            data_help=REGISTRY_HELP,
            planner=_applicant_lists,
        ),
        Kind(
            name="samtaleplaner",
            description="Samtaleplan (.xlsx) pr. område og runde, som området udfylder med "
            "tid og sted (--set runde=1|2)",
            data_help=REGISTRY_HELP,
            planner=_interview_plans,
        ),
        Kind(
            name="samtaleindkaldelser",
            description="Indkaldelser til ansættelsessamtale fra en udfyldt samtaleplan "
            "(--set samtaler=FIL); kun til registrerede ansøgere",
            templates=(LETTER_TEMPLATE,),
            planner=_invitations,
            **common,
        ),
        Kind(
            name="seniorskemaer",
            description="Skema til ansøgning om seniorordning pr. område, som områdechefen "
            "udfylder og sender til jobbank",
            planner=_senior_forms,
        ),
        Kind(
            name="afslagsbreve",
            description="Afslag til ansøgere, der ikke blev ansat, når områdets ansættelser "
            "er registreret (.docx og .eml-kladde)",
            templates=(LETTER_TEMPLATE,),
            planner=_rejections,
            **common,
        ),
        Kind(
            name="ansaettelsesbreve",
            description="Bekræftelse af ansættelse til hver ansat (.docx og .eml-kladde)",
            templates=(LETTER_TEMPLATE,),
            planner=_appointments,
            **common,
        ),
    ]
