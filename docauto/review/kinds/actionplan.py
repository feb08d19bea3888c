"""Built-in kind: the local action-plan skeleton (handleplan) per cluster / network, with the
themes and questions of templates/tekster/handleplan.yaml, the savings section for
self-governing units, a timeline to 1 January 2011, an action table, and, for networks and
self-governing clusters, the check against the umbrella organisation's model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.output import slug


def _criteria_context(result: Any) -> dict[str, Any]:
    c = result.cluster
    model = c.model
    # The description often repeats the name ("Forpligtende netværk (Forpligtende netværk
    # inspireret af SESAM-modeller)"): show the name once, the description only if it adds.
    if result.model_text and c.model.casefold() in result.model_text.casefold():
        model = result.model_text
    elif result.model_text:
        model = f"{c.model} ({result.model_text})"
    return {
        "paraply": result.umbrella_name or c.umbrella,
        "model": model,
        "kriterier": ", ".join(result.criteria),
        "afvigelser": list(result.deviations),
        "bemærkninger": list(result.remarks),
        "resultat": result.verdict,
    }


def _theme(t: dict[str, Any], selfgov: bool, fill: dict[str, str]) -> dict[str, Any]:
    text = t.get("tekst_selvejende") if selfgov and t.get("tekst_selvejende") else t.get("tekst")
    questions = t.get("spørgsmål_selvejende") if selfgov and t.get("spørgsmål_selvejende") else None
    return {
        "id": t.get("id", ""),
        "titel": t.get("titel", ""),
        "tekst": str(text or "").strip().format(**fill),
        "spørgsmål": [str(q).format(**fill) for q in questions or t.get("spørgsmål") or []],
    }


def _milestones(texts: dict[str, Any], selfgov: bool) -> list[dict[str, Any]]:
    from docauto.dates import parse_date
    from docauto.office.filters import dato

    out = []
    for m in texts.get("tidsplan") or []:
        if (m.get("kun_kommunal") and selfgov) or (m.get("kun_selvejende") and not selfgov):
            continue
        when = dato(parse_date(m["dato"])) if m.get("dato") else str(m.get("hvornår") or "")
        out.append({"hvornår": when, "tekst": str(m.get("tekst") or "")})
    return out


def action_plan_context(
    cluster: Any, texts: dict[str, Any], criteria: Any | None, leaders: Any = None
) -> dict[str, Any]:
    from docauto.recruitment.leaders import load_leaders
    from docauto.review.context import cluster_context

    if leaders is None:
        from docauto.dates import parse_date

        leaders = load_leaders(parse_date(texts.get("dato") or "2010-10-01"))
    selfgov = cluster.is_self_governing
    fill = {"bestemt": "netværket" if cluster.is_network else "klyngen", "navn": cluster.name}
    themes, savings = [], None
    for t in texts.get("temaer") or []:
        entry = _theme(t, selfgov, fill)
        if t.get("kun_selvejende"):
            if selfgov and savings is None:
                savings = entry
            continue
        themes.append(entry)
    for i, t in enumerate(themes, start=1):
        t["nr"] = i
    cols = list(texts.get("handlinger_kolonner") or ["Hvad", "Hvem", "Hvornår", "Status"])
    return {
        "dato": leaders.as_of,
        "klynge": cluster_context(cluster, leaders),
        "tekster": {"indledning": str(texts.get("indledning") or "").strip().format(**fill)},
        "temaer": themes,
        "besparelse": savings,
        "kriterietjek": _criteria_context(criteria) if criteria is not None else None,
        "tidsplan": {
            "titel": texts.get("tidsplan_titel", "Tidsplan"),
            "milepæle": _milestones(texts, selfgov),
        },
        "handlinger": {
            "titel": texts.get("handlinger_titel", "Handlinger"),
            "kolonner": (cols + ["", "", "", ""])[:4],
            "rækker": list(range(int(texts.get("handlinger_tomme_rækker", 5)))),
        },
    }


def _plan(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.dates import parse_date
    from docauto.recruitment.leaders import document_date, load_leaders
    from docauto.review.criteria import check_cluster, load_models
    from docauto.review.settings import texts
    from docauto.structure.model import select_clusters

    data = texts("handleplan.yaml")
    day = document_date(request.options, parse_date(data.get("dato") or "2010-10-01"))
    leaders = load_leaders(day, request.options.get("register"))
    models = load_models()
    clusters = select_clusters(request.structure, request.only)
    if request.areas:
        wanted = {a.casefold() for a in request.areas}
        clusters = [c for c in clusters if c.area.casefold() in wanted]
    if str(request.options.get("kun_selvejende", "")).casefold() in ("1", "ja", "true", "yes"):
        clusters = [c for c in clusters if c.is_self_governing]
    for c in clusters:
        criteria = check_cluster(c, models) if c.is_self_governing else None
        yield PlannedDocument(
            f"handleplan-{c.id}-{slug(c.name)}.docx",
            template="handleplan.docx",
            context=action_plan_context(c, data, criteria, leaders),
            properties={"docauto.kind": "handleplan", "docauto.klynge_id": c.id},
        )


@hookimpl
def docauto_kinds():
    return [
        Kind(
            name="handleplan",
            description="Skabelon til lokal handleplan pr. klynge/netværk (temaer, spørgsmål, besparelse, "
            "tidsplan, handlinger, afvigelser fra paraplymodellen; --set dato=, --set register=)",
            templates=("handleplan.docx",),
            fields=(
                "dato",
                "klynge",
                "tekster",
                "temaer",
                "besparelse",
                "kriterietjek",
                "tidsplan",
                "handlinger",
            ),
            planner=_plan,
        )
    ]
