"""Built-in kind: the fact sheet for parents (faktaark) per unit: which cluster or network it
belongs to, who leads it (as known on the sheet's date), what changes for the unit and what
does not. Texts in templates/tekster/faktaark.yaml, one variant per kind of unit: a municipal
cluster's, a self-governing institution's in a network, and in a self-governing cluster's.

The sheet is dated (the text file's ``dato``, the day the fact sheets were published, or
``--set dato=``) and names a leader only when he or she is known on that date
(docauto.recruitment.leaders; ``--set register=FILE`` takes the registry's hires)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.output import slug


def variant(cluster: Any) -> str:
    if cluster.is_network:
        return "netværk"
    return "selvejende_klynge" if cluster.is_self_governing else "kommunal"


def _pick(value: Any, kind: str) -> Any:
    """A text that is the same for all kinds, or a table with one per kind."""
    return value.get(kind) if isinstance(value, dict) else value


def leadership_lines(cluster: Any, unit: Any, leaders: Any, chief: str) -> list[str]:
    """'Hvem leder?': the names known on the date, else when they are appointed."""
    from docauto.recruitment.roles import CLUSTER_LEADER, PEDAGOGICAL_LEADER

    kind = variant(cluster)
    head = leaders.cluster_leader(cluster)
    own = leaders.unit_leader(cluster, unit)
    lines = []
    if kind == "kommunal":
        lines.append(
            f"Klyngeleder: {head}"
            if head
            else f"Klyngelederen {leaders.appointment_text(CLUSTER_LEADER)}."
        )
        lines.append(
            f"Pædagogisk leder i {unit.name}: {own}"
            if own
            else f"Den pædagogiske leder i {unit.name} "
            f"{leaders.appointment_text(PEDAGOGICAL_LEADER)}."
        )
    else:
        if kind == "netværk":
            lines.append(
                f"Netværkskoordinator: {head}"
                if head
                else "Netværket får en fælles koordinator fra den 1. januar 2011."
            )
        elif head:
            lines.append(f"Klyngeleder: {head}")
        lines.append(
            f"{unit.name} er selvejende og selv arbejdsgiver for sin leder og sit personale"
            + (f"; institutionens leder er {own}." if own else ".")
        )
    lines.append(f"Områdechef for område {cluster.area}: {chief or '–'}")
    return lines


def fact_sheet_context(
    structure: Any, unit: Any, texts: dict[str, Any], leaders: Any = None
) -> dict[str, Any]:
    from docauto.recruitment.leaders import load_leaders
    from docauto.review.context import area_chief, cluster_context

    leaders = leaders or load_leaders(_default_date(texts))
    cluster = structure.clusters[unit.cluster_id]
    kind = variant(cluster)
    chief = area_chief(structure, cluster)
    return {
        "dato": leaders.as_of,
        "tekst": texts,
        "hvad_er": {
            "overskrift": str(_pick(texts["hvad_er"].get("overskrift"), kind) or ""),
            "tekst": str(_pick(texts["hvad_er"], kind) or "").strip(),
        },
        "hvad_sker": {
            "overskrift": str(texts["hvad_sker"].get("overskrift") or ""),
            "tekst": str(_pick(texts["hvad_sker"], kind) or "").strip(),
        },
        "enhed": {
            "id": unit.id,
            "navn": unit.name,
            "leder": leaders.unit_leader(cluster, unit),
            "børn": unit.children,
            "aldersgruppe": unit.age_group,
            "adresse": unit.address,
        },
        "klynge": cluster_context(cluster, leaders),
        "andre_enheder": [
            u.name for u in sorted(cluster.units, key=lambda u: u.id) if u.id != unit.id
        ],
        "ledelse": leadership_lines(cluster, unit, leaders, chief),
        "områdechef": chief or "–",
        "ændres": [str(x) for x in (texts.get("ændres") or {}).get(kind) or []],
        "uændret": [str(x) for x in (texts.get("uændret") or {}).get(kind) or []],
    }


def _default_date(texts: dict[str, Any]) -> dt.date:
    from docauto.dates import parse_date

    return parse_date(texts.get("dato") or "2010-09-08")


def _units(request: GenerateRequest) -> list[Any]:
    from docauto.structure.model import select_clusters

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
    return sorted(units, key=lambda u: u.id)


def _plan(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.recruitment.leaders import document_date, load_leaders
    from docauto.review.settings import texts

    data = texts("faktaark.yaml")
    day = document_date(request.options, _default_date(data))
    leaders = load_leaders(day, request.options.get("register"))
    s = request.structure
    for u in _units(request):
        yield PlannedDocument(
            f"faktaark-{u.id}-{slug(u.name)}.docx",
            template="faktaark.docx",
            context=fact_sheet_context(s, u, data, leaders),
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
            description="Faktaark til forældre pr. enhed: klynge eller netværk, ledelse, hvad "
            "ændres og hvad ændres ikke (--set dato=, --set register=REGISTER.xlsx)",
            templates=("faktaark.docx",),
            fields=(
                "dato",
                "tekst",
                "hvad_er",
                "hvad_sker",
                "enhed",
                "klynge",
                "andre_enheder",
                "ledelse",
                "områdechef",
                "ændres",
                "uændret",
            ),
            planner=_plan,
        )
    ]
