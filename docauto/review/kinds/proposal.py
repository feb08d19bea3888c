"""Built-in kinds before the individual review meetings (Bilag 3, 21-08-2012):

- ``informationsmøde``: the invitation to the information meeting per area, for all leaders
  of the self-governing institutions in it;
- ``udspil``: the administration's proposal per self-governing cluster / network, pre-filled
  with its capacity, children, units, leadership structure and the deviations from its
  umbrella organisation's model, for the area to complete;
- ``fællesoplæg``: the form for the cluster's / network's joint input, one field per point of
  its agenda.

Texts in templates/tekster/udspil.yaml; dates, place and contact in
mappings/strukturgennemgang.yaml (``--set dato=`` for the letter date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.output import slug


def _letter_date(request: GenerateRequest, settings: Any) -> dt.date:
    from docauto.recruitment.leaders import document_date

    return document_date(request.options, settings.letter_date or dt.date.today())


def _info_letter_date(request: GenerateRequest, settings: Any) -> dt.date:
    """The information meeting comes first: its invitation has its own date, before the
    invitations to the individual meetings (strukturgennemgang.yaml)."""
    from docauto.dates import parse_date
    from docauto.recruitment.leaders import document_date

    raw = (settings.info_meetings or {}).get("brevdato")
    if not raw:
        return _letter_date(request, settings)
    own = raw if isinstance(raw, dt.date) else parse_date(str(raw))
    return document_date(request.options, own)


def _fill(cluster: Any) -> dict[str, str]:
    word = "netværket" if cluster.is_network else "klyngen"
    return {"bestemt": word, "bestemt_stort": word.capitalize(), "navn": cluster.name}


def review_clusters(request: GenerateRequest) -> list[Any]:
    """The self-governing clusters and networks (Bilag 3), or those --only names (a municipal
    cluster too, as the planning input may add one)."""
    from docauto.structure.model import select_clusters

    s = request.structure
    clusters = (
        select_clusters(s, request.only)
        if request.only
        else [c for c in s.clusters.values() if c.is_self_governing]
    )
    if request.areas:
        wanted = {a.casefold() for a in request.areas}
        clusters = [c for c in clusters if c.area.casefold() in wanted]
    return clusters


# --- the information meeting per area --------------------------------------------------------


def info_meeting_context(
    structure: Any, area: Any, settings: Any, day: dt.date, t: dict[str, Any]
) -> dict[str, Any]:
    from docauto.review.context import contact_context, type_label

    clusters = [c for c in structure.clusters_in(area.name) if c.is_self_governing]
    meetings = settings.info_meetings or {}
    when = (meetings.get("datoer") or {}).get(area.name)
    if when:
        from docauto.dates import parse_date
        from docauto.office.filters import dato_ugedag

        when_text = dato_ugedag(parse_date(when))
        if meetings.get("tid"):
            when_text += f", kl. {meetings['tid']}"
    else:
        when_text = ""  # the template says "Tidspunkt og sted meddeles af området"
    return {
        "dato": day,
        "modtager": {
            "navn": f"Lederne af de selvejende institutioner i område {area.name}",
        },
        "kontakt": contact_context(settings),
        "område": {"navn": area.name, "chef": area.chief, "souschef": area.deputy},
        "møde": {"tid_tekst": when_text, "sted": settings.place_for(area.name)},
        "tekst": {
            "titel": t.get("titel", ""),
            "indledning": str(t.get("indledning") or "").strip(),
            "forløb": [str(x) for x in t.get("forløb") or []],
        },
        "institutioner": [
            {
                "navn": u.name,
                "leder": u.leader or "–",
                "klynge": c.name,
                "type": c.type,
                "type_tekst": type_label(c.type, c.name),
            }
            for c in clusters
            for u in sorted(c.units, key=lambda u: u.id)
        ],
    }


def _plan_info_meetings(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.errors import UsageError
    from docauto.recruitment.context import selected_areas
    from docauto.review.settings import texts
    from docauto.review.source import settings_with

    s = request.structure
    settings = settings_with(request.options)
    t = texts("udspil.yaml").get("informationsmøde") or {}
    day = _info_letter_date(request, settings)
    areas = selected_areas(s, request.areas)
    docs = [
        PlannedDocument(
            f"informationsmoede-{slug(a.name)}.docx",
            template="informationsmoede-invitation.docx",
            context=info_meeting_context(s, a, settings, day, t),
            properties={"docauto.kind": "informationsmoede", "docauto.omraade": a.name},
        )
        for a in s.areas.values()
        if a.name in areas and any(c.is_self_governing for c in s.clusters_in(a.name))
    ]
    if not docs:
        raise UsageError("der er ingen selvejende institutioner i de valgte områder")
    yield from docs


# --- the administration's proposal (udspil) ---------------------------------------------------


def proposal_context(
    cluster: Any, settings: Any, day: dt.date, t: dict[str, Any], criteria: Any
) -> dict[str, Any]:
    from docauto.review.context import addressee, cluster_context, contact_context
    from docauto.review.kinds.actionplan import _criteria_context

    fill = _fill(cluster)
    points = (t.get("vurdering_punkter") or {}).get("netværk" if cluster.is_network else "klynge")
    criteria_text = _criteria_sentence(t, fill, criteria)
    return {
        "dato": day,
        "modtager": addressee(cluster),
        "kontakt": contact_context(settings),
        "klynge": cluster_context(cluster),
        "kriterietjek": _criteria_context(criteria) if criteria is not None else None,
        "tekst": {
            "titel": t.get("titel", ""),
            "indledning": str(t.get("indledning") or "").strip().format(**fill),
            "vurdering_overskrift": t.get("vurdering_overskrift", ""),
        },
        "vurdering": [_point(p, criteria_text) for p in points or []],
    }


def _criteria_sentence(t: dict[str, Any], fill: dict[str, str], criteria: Any) -> str:
    """What the criteria check supports saying in the proposal: the deviations from the
    umbrella organisation's model, or that the cluster meets its criteria ("" if unchecked)."""
    if criteria is None or not criteria.criteria and not criteria.deviations:
        return ""
    from docauto.review.criteria import genitive

    umbrella = criteria.umbrella_name or criteria.cluster.umbrella
    values = {**fill, "paraply": umbrella, "paraply_ejefald": genitive(umbrella)}
    if criteria.deviations:
        deviations = "; ".join(d.rstrip(".") for d in criteria.deviations)
        return str(t.get("afvigelser_tekst") or "").format(afvigelser=deviations, **values)
    return str(t.get("ingen_afvigelser_tekst") or "").format(**values)


def _point(point: Any, criteria_text: str) -> dict[str, str]:
    """One section of the assessment: its heading, what the data supports pre-filling and the
    placeholder for what the administration writes (a bare string is a heading)."""
    if not isinstance(point, dict):
        point = {"overskrift": point}
    return {
        "overskrift": str(point.get("overskrift") or ""),
        "tekst": criteria_text if point.get("kriterier") else "",
        "pladsholder": str(point.get("pladsholder") or "[Forvaltningens vurdering og forslag]"),
    }


def _plan_proposals(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.review.criteria import check_cluster, load_models
    from docauto.review.settings import texts
    from docauto.review.source import settings_with

    settings = settings_with(request.options)
    t = texts("udspil.yaml").get("udspil") or {}
    day = _letter_date(request, settings)
    models = load_models()
    for c in review_clusters(request):
        criteria = check_cluster(c, models) if c.is_self_governing else None
        yield PlannedDocument(
            f"udspil-{c.id}-{slug(c.name)}.docx",
            template="udspil.docx",
            context=proposal_context(c, settings, day, t, criteria),
            properties={"docauto.kind": "udspil", "docauto.klynge_id": c.id},
        )


# --- the joint input form (fælles oplæg) ------------------------------------------------------


def joint_input_context(
    cluster: Any, settings: Any, day: dt.date, t: dict[str, Any]
) -> dict[str, Any]:
    from docauto.review.context import addressee, agenda_context, cluster_context, contact_context
    from docauto.review.settings import agenda

    fill = _fill(cluster)
    return {
        "dato": day,
        "modtager": addressee(cluster),
        "kontakt": contact_context(settings),
        "klynge": cluster_context(cluster),
        "dagsorden": agenda_context(agenda(cluster.type)),
        "tekst": {
            "titel": t.get("titel", ""),
            "indledning": str(t.get("indledning") or "").strip().format(**fill),
            "udspil_overskrift": str(t.get("udspil_overskrift") or "").format(**fill),
            "pladsholder": t.get("pladsholder", ""),
        },
    }


def _plan_joint_inputs(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.review.settings import texts
    from docauto.review.source import settings_with

    settings = settings_with(request.options)
    t = texts("udspil.yaml").get("fælles_oplæg") or {}
    day = _letter_date(request, settings)
    for c in review_clusters(request):
        yield PlannedDocument(
            f"faelles-oplaeg-{c.id}-{slug(c.name)}.docx",
            template="faelles-oplaeg.docx",
            context=joint_input_context(c, settings, day, t),
            properties={"docauto.kind": "faelles_oplaeg", "docauto.klynge_id": c.id},
        )


@hookimpl
def docauto_kinds():
    return [
        Kind(
            name="informationsmøde",
            description="Invitation til informationsmødet pr. område for alle ledere af "
            "selvejende institutioner (strukturel gennemgang 2012)",
            templates=("informationsmoede-invitation.docx",),
            fields=("dato", "modtager", "kontakt", "område", "møde", "tekst", "institutioner"),
            planner=_plan_info_meetings,
        ),
        Kind(
            name="udspil",
            description="Forvaltningens udspil pr. selvejende klynge/netværk, udfyldt med "
            "kapacitet, børn, enheder, ledelsesstruktur og afvigelser fra modellen",
            templates=("udspil.docx",),
            fields=("dato", "modtager", "kontakt", "klynge", "kriterietjek", "tekst", "vurdering"),
            planner=_plan_proposals,
        ),
        Kind(
            name="fællesoplæg",
            description="Skema til klyngens/netværkets fælles oplæg før det individuelle møde",
            templates=("faelles-oplaeg.docx",),
            fields=("dato", "modtager", "kontakt", "klynge", "dagsorden", "tekst"),
            planner=_plan_joint_inputs,
        ),
    ]
