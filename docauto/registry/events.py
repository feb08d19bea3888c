"""Positions that events open, and why (issue 14, REGISTRY.md §4: "pedagogical-leader
positions are added as they open").

- A cluster-leader hire whose person leads a unit (the structure's ``Leder`` / ``E-mail`` of
  ``Enheder``) opens that unit's pedagogical-leader position: the leader moves up, the unit
  needs a pedagogical leader (DOMAIN.md: ~80 such positions).
- A vacancy report (hiring freeze) opens the positions it names, with its remark.

Each opened position gets a ``Stillinger`` row with status ``Opslået``, and two columns that
say why and since when: ``Årsag`` and ``Oprettet``. They are not among the columns §3 fixes,
so they are added to the right of the header when first needed (HR's own columns stay where
they are), and every reader treats them as optional.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from docauto.registry import schema
from docauto.registry.cells import norm, text

if TYPE_CHECKING:
    from docauto.structure.model import Structure, Unit

__all__ = [
    "CREATED",
    "REASON",
    "apply_move",
    "hire_opens",
    "leader_unit",
    "vacancy_reason",
]

REASON = "Årsag"
CREATED = "Oprettet"
OPTIONAL_COLUMNS = (REASON, CREATED)


def leader_unit(structure: Structure, name: Any, email: Any) -> Unit | None:
    """The unit the person leads today: by e-mail, else by the full name (one unit only)."""
    mail = norm(email)
    if mail:
        for u in structure.units.values():
            if norm(u.email) == mail:
                return u
    by_name = [u for u in structure.units.values() if norm(name) and norm(u.leader) == norm(name)]
    return by_name[0] if len(by_name) == 1 else None


def hire_opens(
    structure: Structure, role: str, name: Any, email: Any, cluster_name: str
) -> dict[str, Any] | None:
    """The position move a cluster-leader hire opens (None if the person leads no unit)."""
    if role != "cluster_leader":
        return None
    unit = leader_unit(structure, name, email)
    if unit is None:
        return None
    cluster = structure.cluster_of(unit.id)
    return {
        "position_id": schema.position_id("pedagogical_leader", cluster.id, unit.id),
        "role_label": schema.ROLE_LABEL["pedagogical_leader"],
        "area": cluster.area,
        "cluster": cluster.name,
        "unit": unit.name,
        "status": schema.OPSLAAET,
        "reason": (
            f"Lederen {text(name)} er ansat som klyngeleder i {cluster_name}; "
            f"{unit.name} skal have en pædagogisk leder"
        ),
    }


def vacancy_reason(remark: Any) -> str:
    r = text(remark)
    return "Indberettet vakant (ansættelsesstop)" + (f": {r}" if r else "")


def _ensure_columns(book: Any) -> dict[str, int]:
    """The Stillinger columns with Årsag and Oprettet (added after the last header if new)."""
    cols = book.columns(schema.POSITIONS)
    if all(c in cols for c in OPTIONAL_COLUMNS):
        return cols
    hr = book.header_row(schema.POSITIONS)
    ws = book.sheet(schema.POSITIONS)
    header: dict[int, Any] = {}
    for row in ws.first_rows(hr):
        if row.num == hr:
            header = ws.values(row, book.shared)
    found = {norm(v): c for c, v in header.items() if v not in (None, "")}
    new = dict(cols)
    last = max([*header, *cols.values()], default=0)
    for name in OPTIONAL_COLUMNS:
        col = found.get(norm(name))
        if col is None:
            last += 1
            col = last
            ws.update(hr, {col: name})
        new[name] = col
    book.define_columns(schema.POSITIONS, hr, new)
    return new


def apply_move(book: Any, move: dict[str, Any], when: dt.datetime) -> bool:
    """``book.move_position`` for one move; a move with a ``reason`` that creates the
    position also writes why (Årsag) and since when (Oprettet). True if anything changed."""
    move = dict(move)
    reason = move.pop("reason", "")
    existed = move["position_id"] in book.positions()
    changed = book.move_position(when=when, **move)
    if reason and not existed:
        _ensure_columns(book)
        row = book.positions()[move["position_id"]]
        book.update(schema.POSITIONS, row, {REASON: reason, CREATED: when})
    return changed
