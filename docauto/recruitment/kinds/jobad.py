"""Built-in kind ``stillingsopslag``: job ads for cluster leaders and pedagogical leaders.

Two parts, as Bilag 7 says: the shared general part (the job profile in templates/profiler/)
and the specific part (the cluster or unit with its area, type, units, children and ages, and
the area chief's own text from ``--data``). Every ad carries its role and cluster / unit id in
its custom document properties, so a returned ad can be matched to its position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import InputError, UsageError
from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.recruitment.context import (
    area_context,
    cluster_context,
    selected_areas,
    unit_context,
    weeks_text,
)
from docauto.recruitment.roles import CLUSTER_LEADER, PEDAGOGICAL_LEADER, SLUGS, parse_roles

if TYPE_CHECKING:
    from docauto.recruitment.adtexts import SpecificText
    from docauto.recruitment.profiles import JobProfile
    from docauto.recruitment.scope import RecruitmentScope
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.structure.model import Area, Cluster, Structure, Unit

TEMPLATES = {
    CLUSTER_LEADER: "stillingsopslag-klyngeleder.docx",
    PEDAGOGICAL_LEADER: "stillingsopslag-paedagogisk-leder.docx",
}


def _date_option(options: Mapping[str, Any], key: str, default: dt.date | None) -> dt.date:
    from docauto.office.filters import to_date

    value = options.get(key)
    if value in (None, ""):
        if default is None:
            raise UsageError(
                f"rekrutteringsplanen har ingen dato for '{key}'",
                hint=f"angiv den med --set {key}=ÅÅÅÅ-MM-DD",
            )
        return default
    try:
        return to_date(value)
    except ValueError:
        raise UsageError(f"--set {key}={value}: ikke en dato", hint="brug ÅÅÅÅ-MM-DD") from None


def _contact(area: Area, options: Mapping[str, Any]) -> dict[str, str]:
    who = str(options.get("kontakt", "områdechef")).strip().casefold()
    if who in ("souschef", "deputy"):
        if not area.deputy:
            raise UsageError(f"område {area.name} har ingen souschef i strukturen")
        return {"titel": "souschef", "navn": area.deputy, "email": area.deputy_email or area.email}
    if who not in ("områdechef", "omraadechef", "chief"):
        raise UsageError(f"--set kontakt={who}: use områdechef or souschef")
    return {"titel": "områdechef", "navn": area.chief, "email": area.email}


def _named_positions(
    structure: Structure, role: str, only: tuple[str, ...]
) -> tuple[list[Cluster], list[Unit]]:
    """The clusters and units --only names (ids or names); unknown names are refused."""
    clusters: list[Cluster] = []
    units: list[Unit] = []
    for key in only:
        cluster = structure.find_cluster(key)
        unit = None if cluster else structure.find_unit(key)
        if cluster is None and unit is None:
            import difflib

            near = difflib.get_close_matches(key, [*structure.clusters, *structure.units], n=3)
            raise UsageError(
                f"ukendt klynge eller enhed '{key}'"
                + (f"; mente du {', '.join(near)}?" if near else "")
            )
        c = cluster or structure.cluster_of(unit.id)
        if role == CLUSTER_LEADER:
            if c not in clusters:
                clusters.append(c)
        else:
            units.extend(u for u in (cluster.units if cluster else (unit,)) if u not in units)
    return clusters, units


def select_positions(
    structure: Structure,
    role: str,
    only: tuple[str, ...],
    areas: set[str],
    vacant_only: bool,
    scope: RecruitmentScope | None = None,
) -> list[Cluster] | list[Unit]:
    """The clusters (cluster leaders) or units (pedagogical leaders) to write ads for: only
    where the municipality recruits (docauto.recruitment.scope); naming a network or a
    self-governing cluster with --only is refused with the reason."""
    from docauto.recruitment.scope import load_scope

    scope = scope or load_scope()
    if only:
        clusters, units = _named_positions(structure, role, only)
        named = clusters or [structure.cluster_of(u.id) for u in units]
        refused = list(dict.fromkeys(c for c in named if not scope.recruits(c)))
        if refused:
            raise UsageError(
                "kommunen rekrutterer ikke ledere her: "
                + "; ".join(scope.why_not(c) for c in refused)
            )
        if role == CLUSTER_LEADER:
            return [c for c in clusters if c.area in areas]
        return [u for u in units if structure.cluster_of(u.id).area in areas]
    recruited = [c for c in scope.clusters(structure) if c.area in areas]
    if role == CLUSTER_LEADER:
        return recruited
    return [u for c in recruited for u in c.units if not (vacant_only and u.leader)]


def specific_parts(
    positions: list[Cluster] | list[Unit],
    texts: Mapping[str, SpecificText],
    options: Mapping[str, Any],
) -> list[str]:
    """Check that every position has the area chief's specific text (Bilag 7: the ad's second
    part). Missing texts stop the run with the list, unless ``--set standardtekst=ja`` asks
    for the neutral paragraph; then the notes say how many ads got it."""
    missing = [p for p in positions if p.id not in texts]
    if not missing:
        return []
    neutral = str(options.get("standardtekst", "")).strip().casefold()
    if neutral in ("ja", "yes", "true", "1"):
        return [
            f"{len(missing)} af {len(positions)} stillingsopslag har fået standardteksten i "
            "stedet for områdechefens specifikke del: " + ", ".join(p.id for p in missing)
        ]
    listed = ", ".join(f"{p.id} ({p.name})" for p in missing)
    raise InputError(
        f"{len(missing)} af {len(positions)} stillinger mangler områdechefens tekst til "
        f"opslagets specifikke del: {listed}",
        hint="giv teksterne med --data (id: tekst, et regneark eller en mappe med "
        "<id>.docx/.txt), eller skriv standardteksten med --set standardtekst=ja",
    )


def build_ad_context(
    structure: Structure,
    role: str,
    position: Cluster | Unit,
    profile: JobProfile,
    plan: RecruitmentPlan,
    texts: Mapping[str, SpecificText],
    options: Mapping[str, Any],
    interview_weeks: tuple[int, ...] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """(template context, custom properties) for one ad. ``interview_weeks``: the weeks of
    the ad's own interview round (a re-advertisement's are round 2's); default the plan's."""
    timeline = plan.timeline(role)
    if role == CLUSTER_LEADER:
        cluster, unit = position, None
    else:
        unit, cluster = position, structure.cluster_of(position.id)
    area = structure.areas[cluster.area]
    own = texts.get(position.id)
    appointed = (
        f"den {_fmt(timeline.appointment_date)}"
        if timeline.appointment_date
        else "i " + weeks_text(timeline.appointment_weeks)
    )
    start = plan.structure_start
    who = "Klyngelederne" if role == CLUSTER_LEADER else "De pædagogiske ledere"
    context = {
        "rolle": role,
        "rolle_titel": profile.title,
        "profil": profile.context(),
        "område": area_context(area),
        "klynge": cluster_context(cluster),
        "enhed": unit_context(unit) if unit else None,
        # The specific part: the area chief's blocks (paragraphs/bullets), or the .docx as a
        # sub-document, or (only when asked for) the profile's neutral paragraph.
        "udfordringer": own.blocks
        if own
        else [{"tekst": profile.default_challenges, "punkt": False}],
        "udfordringer_dok": _subdoc(own),
        "egen_tekst": bool(own),
        "opslagsdato": _date_option(options, "opslagsdato", timeline.posting_date),
        "ansøgningsfrist": _date_option(options, "frist", timeline.application_deadline),
        "samtaleuger": weeks_text(
            timeline.interview_weeks if interview_weeks is None else interview_weeks
        ),
        "tiltrædelse": start,
        "besættelse": f"{who} udpeges {appointed}"
        + (f" og tiltræder den {_fmt(start)}." if start else "."),
        "kontakt": _contact(area, options),
        "postkasse": plan.mailbox,
    }
    props = {
        "docauto.kind": "job_ad",
        "docauto.rolle": role,
        "docauto.klynge_id": cluster.id,
        "docauto.omraade": area.name,
    }
    if unit is not None:
        props["docauto.enheds_id"] = unit.id
    return context, props


def _subdoc(own: SpecificText | None) -> Any:
    if own is None or own.docx is None:
        return None
    from docauto.office.richvalues import Subdoc

    return Subdoc(own.docx, field="udfordringer_dok")


def _fmt(value: dt.date) -> str:
    from docauto.office.filters import dato

    return dato(value)


def _readvertise_options(
    options: Mapping[str, Any], plan: RecruitmentPlan, role: str
) -> dict[str, Any]:
    """The new timetable: --set opslagsdato/frist, else the plan's step 'genopslag'."""
    step = next((s for s in plan.steps(role) if s.id == "genopslag"), None)
    out = dict(options)
    for key, default in (
        ("opslagsdato", step.start if step else None),
        ("frist", step.deadline if step else None),
    ):
        if options.get(key) in (None, ""):
            if default is None:
                raise UsageError(
                    f"genopslag: rekrutteringsplanen har intet trin 'genopslag' med {key}",
                    hint=f"give the new date with --set {key}=YYYY-MM-DD",
                )
            out[key] = default.isoformat()
    return out


def _weeks_option(raw: Any) -> tuple[int, ...]:
    try:
        weeks = tuple(int(w) for w in str(raw).replace(" ", "").split(",") if w)
    except ValueError:
        weeks = ()
    if not weeks or not all(1 <= w <= 53 for w in weeks):
        raise UsageError(f"--set samtaleuger={raw}: skriv ugenumre, fx 45 eller 45,46")
    return weeks


def readvertised_interview_weeks(
    options: Mapping[str, Any], plan: RecruitmentPlan, role: str
) -> tuple[int, ...]:
    """The interview weeks a re-advertisement states: the second round's (the plan's
    candidates step of round 2, or --set samtaleuger=), never the first round's, and only
    weeks after the new application deadline."""
    from docauto.office.filters import to_date

    if options.get("samtaleuger") not in (None, ""):
        weeks = _weeks_option(options["samtaleuger"])
    else:
        step = plan.find_submission(role, "candidates", 2)
        if step is None or not step.weeks:
            raise UsageError(
                "genopslag: rekrutteringsplanen har ingen 2. samtalerunde for "
                f"{plan.timeline(role).title.lower()}",
                hint="angiv samtaleugerne med --set samtaleuger=UGE[,UGE]",
            )
        weeks = step.weeks
    deadline = to_date(options["frist"])
    as_of = to_date(options["dato"]) if options.get("dato") else dt.date.today()
    if deadline <= as_of:
        raise UsageError(
            f"genopslag: ansøgningsfristen {_fmt(deadline)} er ikke efter {_fmt(as_of)}",
            hint="angiv en ny frist med --set frist=ÅÅÅÅ-MM-DD (og --set opslagsdato=)",
        )
    first_day = dt.date.fromisocalendar(deadline.isocalendar()[0], weeks[0], 1)
    if first_day <= deadline:
        raise UsageError(
            f"genopslag: ansøgningsfristen {_fmt(deadline)} ligger ikke før samtalerne i "
            f"{weeks_text(weeks)}",
            hint="angiv en senere samtaleuge med --set samtaleuger=UGE[,UGE] eller en tidligere "
            "frist med --set frist=ÅÅÅÅ-MM-DD",
        )
    return weeks


def _readvertised_positions(
    request: GenerateRequest, role: str, areas: set[str]
) -> list[tuple[Cluster | Unit, str]]:
    """(cluster or unit, Stillings-ID) of the positions to re-advertise, from the registry."""
    from docauto.office.filters import to_date
    from docauto.recruitment.timeline import load_timeline
    from docauto.registry.config import load_overview_settings
    from docauto.registry.data import RegistryView
    from docauto.registry.readvertise import to_readvertise

    path = Path(str(request.options["genopslag"]))
    raw = request.options.get("dato")
    as_of = to_date(raw) if raw else dt.date.today()
    view = RegistryView.load(path)
    structure = request.structure
    only = {k.casefold() for k in request.only}
    out: list[tuple[Cluster | Unit, str]] = []
    for r in to_readvertise(view, load_timeline(), load_overview_settings(), as_of):
        p = r.position
        cluster = structure.find_cluster(p.cluster)
        if p.role != role or cluster is None or cluster.area not in areas:
            continue
        target = cluster if role == CLUSTER_LEADER else structure.find_unit(p.unit, cluster)
        if target is None:
            continue
        if only and not only & {target.id.casefold(), target.name.casefold(), p.id.casefold()}:
            continue
        out.append((target, p.id))
    return out


def _mark_readvertised(request: GenerateRequest, docs: list[PlannedDocument]) -> list[str]:
    import datetime

    from docauto.registry.readvertise import mark_readvertised

    if not request.options.get("genopslag"):
        return []
    ids = [
        d.properties["docauto.stillings_id"]
        for d in docs
        if d.properties.get("docauto.stillings_id")
    ]
    path = Path(str(request.options["genopslag"]))
    # The moment the positions count as re-advertised: the run's date (--set dato) if given.
    when = datetime.datetime.now().replace(microsecond=0)
    if request.options.get("dato"):
        from docauto.office.filters import to_date

        when = datetime.datetime.combine(to_date(request.options["dato"]), when.time())
    n = mark_readvertised(path, ids, when)
    return [f"{n} stillinger er sat til Genopslag i {path.name}"]


def _plan(request: GenerateRequest) -> Iterator[PlannedDocument]:
    if request.options.get("genopslag"):
        yield from _plan_readvertisement(request)
        return
    yield from _plan_ads(request)


def _plan_readvertisement(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.recruitment.adtexts import load_challenge_texts
    from docauto.recruitment.profiles import load_profile
    from docauto.recruitment.timeline import load_timeline

    structure = request.structure
    roles = parse_roles(request.options.get("rolle"), (CLUSTER_LEADER,))
    areas = selected_areas(structure, request.areas)
    plan = load_timeline()
    texts = load_challenge_texts(request.data, structure) if request.data else {}
    docs: list[PlannedDocument] = []
    for role in roles:
        profile = load_profile(role)
        options = _readvertise_options(request.options, plan, role)
        chosen = _readvertised_positions(request, role, areas)
        if not chosen:
            continue
        weeks = readvertised_interview_weeks(options, plan, role)
        request.notes.extend(specific_parts([p for p, _ in chosen], texts, request.options))
        for position, pid in chosen:
            context, props = build_ad_context(
                structure, role, position, profile, plan, texts, options, weeks
            )
            docs.append(
                PlannedDocument(
                    f"genopslag-{SLUGS[role]}-{position.id}.docx",
                    template=TEMPLATES[role],
                    context={**context, "genopslag": True},
                    properties={**props, "docauto.stillings_id": pid, "docauto.genopslag": "1"},
                )
            )
    if not docs:
        raise UsageError("registret har ingen stillinger, der skal genopslås")
    yield from docs


def registry_units(request: GenerateRequest, areas: set[str]) -> list[Unit]:
    """--set register=: the units whose pedagogical-leader position is open in the registry
    as of --set dato (default today)."""
    from docauto.office.filters import to_date
    from docauto.recruitment.openpositions import open_units

    raw = request.options.get("dato")
    as_of = to_date(raw) if raw else dt.date.today()
    path = Path(str(request.options["register"]))
    return open_units(request.structure, path, as_of, areas, request.only)


def _plan_ads(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.recruitment.adtexts import load_challenge_texts
    from docauto.recruitment.profiles import load_profile
    from docauto.recruitment.timeline import load_timeline

    structure = request.structure
    options = request.options
    roles = parse_roles(options.get("rolle"), (CLUSTER_LEADER,))
    which = str(options.get("stillinger", "ledige")).strip().casefold()
    if which not in ("ledige", "alle"):
        raise UsageError(f"--set stillinger={which}: use ledige or alle")
    areas = selected_areas(structure, request.areas)
    plan = load_timeline()
    texts = load_challenge_texts(request.data, structure) if request.data else {}
    docs: list[PlannedDocument] = []
    for role in roles:
        profile = load_profile(role)
        if options.get("register") and role == PEDAGOGICAL_LEADER:
            positions = registry_units(request, areas)
        else:
            positions = select_positions(structure, role, request.only, areas, which == "ledige")
        request.notes.extend(specific_parts(positions, texts, options))
        for position in positions:
            context, props = build_ad_context(
                structure, role, position, profile, plan, texts, options
            )
            docs.append(
                PlannedDocument(
                    f"stillingsopslag-{SLUGS[role]}-{position.id}.docx",
                    template=TEMPLATES[role],
                    context=context,
                    properties=props,
                )
            )
    if not docs:
        raise UsageError(
            "der er ingen stillinger at skrive opslag til",
            hint="opslag for pædagogiske ledere gælder enheder uden leder; angiv enheder "
            "med --only eller brug --set stillinger=alle",
        )
    yield from docs


@hookimpl
def docauto_kinds() -> list[Kind]:
    return [
        Kind(
            name="stillingsopslag",
            description="Stillingsopslag for klyngeledere og pædagogiske ledere "
            "(--set rolle=klyngeleder|paedagogisk_leder|begge)",
            templates=tuple(TEMPLATES.values()),
            fields=(
                "rolle_titel",
                "profil",
                "område",
                "klynge",
                "enhed",
                "udfordringer",
                "udfordringer_dok",
                "opslagsdato",
                "ansøgningsfrist",
                "samtaleuger",
                "tiltrædelse",
                "besættelse",
                "kontakt",
                "postkasse",
            ),
            data_help="required: the area chiefs' texts for each ad's specific part (without "
            "them the run stops with the positions lacking one; --set standardtekst=ja writes "
            "the neutral paragraph instead): YAML/JSON "
            "id -> text, an .xlsx with Klynge-ID/Enheds-ID and Tekst, or a folder of "
            "<id>.txt/.docx. --set genopslag=REGISTER.xlsx [--set dato=YYYY-MM-DD]: new ads "
            "for the positions to re-advertise (timetable from the plan step 'genopslag' or "
            "--set opslagsdato=/frist=; interviews in the plan's 2nd round or --set "
            "samtaleuger=); the positions are set to Genopslag. "
            "--set register=REGISTER.xlsx with rolle=paedagogisk_leder: ads for the "
            "pedagogical-leader positions open in the registry (as of --set dato)",
            planner=_plan,
            after_write=_mark_readvertised,
        )
    ]
