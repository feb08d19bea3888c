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
    if result.model_text:
        model = f"{c.model} ({result.model_text})"
    return {
        "paraply": result.umbrella_name or c.umbrella,
        "model": model,
        "kriterier": ", ".join(result.criteria),
        "afvigelser": list(result.deviations),
        "bemærkninger": list(result.remarks),
        "resultat": result.verdict,
    }


def action_plan_context(
    cluster: Any, texts: dict[str, Any], criteria: Any | None
) -> dict[str, Any]:
    from docauto.dates import parse_date
    from docauto.review.context import cluster_context

    themes, savings = [], None
    for t in texts.get("temaer") or []:
        entry = {
            "id": t.get("id", ""),
            "titel": t.get("titel", ""),
            "tekst": str(t.get("tekst") or "").strip(),
            "spørgsmål": [str(q) for q in t.get("spørgsmål") or []],
        }
        if t.get("kun_selvejende"):
            if cluster.is_self_governing and savings is None:
                savings = entry
            continue
        themes.append(entry)
    for i, t in enumerate(themes, start=1):
        t["nr"] = i
    milestones = [
        {"dato": parse_date(m["dato"]), "tekst": str(m.get("tekst") or "")}
        for m in texts.get("tidsplan") or []
    ]
    cols = list(texts.get("handlinger_kolonner") or ["Hvad", "Hvem", "Hvornår", "Status"])
    return {
        "klynge": cluster_context(cluster),
        "tekster": {"indledning": str(texts.get("indledning") or "").strip()},
        "temaer": themes,
        "besparelse": savings,
        "kriterietjek": _criteria_context(criteria) if criteria is not None else None,
        "tidsplan": {"titel": texts.get("tidsplan_titel", "Tidsplan"), "milepæle": milestones},
        "handlinger": {
            "titel": texts.get("handlinger_titel", "Handlinger"),
            "kolonner": (cols + ["", "", "", ""])[:4],
            "rækker": list(range(int(texts.get("handlinger_tomme_rækker", 5)))),
        },
    }


def _plan(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.review.criteria import check_cluster, load_models
    from docauto.review.settings import texts
    from docauto.structure.model import select_clusters

    data = texts("handleplan.yaml")
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
            context=action_plan_context(c, data, criteria),
            properties={"docauto.kind": "handleplan", "docauto.klynge_id": c.id},
        )


@hookimpl
def docauto_kinds():
    return [
        Kind(
            name="handleplan",
            description="Skabelon til lokal handleplan pr. klynge/netværk (temaer, spørgsmål, besparelse, "
            "tidsplan, handlinger, afvigelser fra paraplymodellen)",
            templates=("handleplan.docx",),
            fields=(
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
