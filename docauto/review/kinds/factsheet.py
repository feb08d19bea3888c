"""Built-in kind: the fact sheet for parents (faktaark) per unit: which cluster it belongs to,
who leads it, what changes for the unit and what does not (texts in templates/tekster/faktaark.yaml)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.output import slug


def fact_sheet_context(structure: Any, unit: Any, texts: dict[str, Any]) -> dict[str, Any]:
    from docauto.review.context import area_chief, cluster_context

    cluster = structure.clusters[unit.cluster_id]
    variant = "selvejende" if cluster.is_self_governing else "kommunal"
    return {
        "tekst": texts,
        "enhed": {
            "id": unit.id,
            "navn": unit.name,
            "leder": unit.leader,
            "børn": unit.children,
            "aldersgruppe": unit.age_group,
            "adresse": unit.address,
        },
        "klynge": cluster_context(cluster),
        "andre_enheder": [
            u.name for u in sorted(cluster.units, key=lambda u: u.id) if u.id != unit.id
        ],
        "områdechef": area_chief(structure, cluster) or "–",
        "ændres": [str(x) for x in (texts.get("ændres") or {}).get(variant) or []],
        "uændret": [str(x) for x in (texts.get("uændret") or {}).get(variant) or []],
    }


def _plan(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.review.settings import texts
    from docauto.structure.model import select_clusters

    data = texts("faktaark.yaml")
    s = request.structure
    units = list(s.units.values())
    if request.only:
        # --only takes clusters or units
        ids = set()
        for key in request.only:
            u = s.find_unit(key)
            if u is not None:
                ids.add(u.id)
            else:
                ids |= {x.id for c in select_clusters(s, [key]) for x in c.units}
        units = [u for u in units if u.id in ids]
    if request.areas:
        wanted = {a.casefold() for a in request.areas}
        units = [u for u in units if s.clusters[u.cluster_id].area.casefold() in wanted]
    for u in sorted(units, key=lambda u: u.id):
        yield PlannedDocument(
            f"faktaark-{u.id}-{slug(u.name)}.docx",
            template="faktaark.docx",
            context=fact_sheet_context(s, u, data),
            properties={
                "docauto.kind": "faktaark",
                "docauto.enheds_id": u.id,
                "docauto.klynge_id": u.cluster_id,
            },
        )


@hookimpl
def docauto_kinds():
    return [
        Kind(
            name="faktaark",
            description="Faktaark til forældre pr. enhed: klynge, ledelse, hvad ændres og hvad ændres ikke",
            templates=("faktaark.docx",),
            fields=("tekst", "enhed", "klynge", "andre_enheder", "områdechef", "ændres", "uændret"),
            planner=_plan,
        )
    ]
