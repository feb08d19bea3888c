"""What the recruitment templates see of the structure and the plan: the context pieces the
job ads and the committee letters share (Danish keys, as the Word templates use them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docauto.errors import UsageError

if TYPE_CHECKING:
    from docauto.structure.model import Area, Cluster, Structure, Unit


def weeks_text(weeks: tuple[int, ...] | list[int]) -> str:
    """(42, 45) -> 'uge 42 og 45'."""
    w = [str(x) for x in weeks]
    if not w:
        return "den planlagte periode"
    if len(w) == 1:
        return f"uge {w[0]}"
    return "uge " + ", ".join(w[:-1]) + " og " + w[-1]


def unit_context(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "navn": unit.name,
        "adresse": unit.address,
        "børn": unit.children,
        "aldersgruppe": f"{unit.age_group} år" if unit.age_group else "",
        "leder": unit.leader,
    }


def cluster_context(cluster: Cluster) -> dict[str, Any]:
    type_text = cluster.type
    extra = ", ".join(
        x for x in (cluster.umbrella, f"model {cluster.model}" if cluster.model else "") if x
    )
    if extra:
        type_text += f" ({extra})"
    ages = cluster.age_range
    return {
        "id": cluster.id,
        "navn": cluster.name,
        "type": cluster.type,
        "type_tekst": type_text,
        "paraply": cluster.umbrella,
        "model": cluster.model,
        "antal_enheder": len(cluster.units),
        "børn": cluster.children,
        "aldersgruppe": f"{ages[0]}-{ages[1]} år" if ages else "",
        "enheder": [unit_context(u) for u in cluster.units],
    }


def area_context(area: Area) -> dict[str, Any]:
    return {
        "navn": area.name,
        "chef": area.chief,
        "chef_email": area.email,
        "souschef": area.deputy,
        "souschef_email": area.deputy_email,
    }


def selected_areas(structure: Structure, keys: tuple[str, ...]) -> set[str]:
    """The area names of --area (every area when none is given); unknown names are refused."""
    out = set()
    for key in keys:
        area = structure.find_area(key)
        if area is None:
            raise UsageError(f"ukendt område '{key}'", hint="en af: " + ", ".join(structure.areas))
        out.add(area.name)
    return out or set(structure.areas)
