"""Positions with registered applicants but no recommended candidate once a round's deadline
has passed: the second case list of the follow-up meeting across areas (04.11.10), and
REGISTRY.md §5 ``without_candidate``.

A position is listed once, with the latest round whose deadline has passed. A position that
is filled (a hire by the date) is not listed; one reported not filled is (it still has no
candidate). Works on the view as of the date, so only rows received by then count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docauto.registry import schema
from docauto.registry.data import RegistryView, role_of, text
from docauto.registry.pointintime import position_key

if TYPE_CHECKING:
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.structure.model import Structure


@dataclass(frozen=True)
class WithoutCandidate:
    area: str
    role: str
    cluster: str
    unit: str | None
    round: int
    applicants: int = 0

    def as_json(self) -> dict[str, Any]:
        """Exactly the object of REGISTRY.md §5 'without_candidate'."""
        return {
            "area": self.area,
            "role": self.role,
            "cluster": self.cluster,
            "unit": self.unit,
            "round": self.round,
        }


def _keys(view: RegistryView, sheet: str) -> dict[tuple, int]:
    out: dict[tuple, int] = {}
    for r in view.rows(sheet):
        key = position_key(role_of(r.get("Stillingstype")), r.get("Klynge"), r.get("Enhed"))
        out[key] = out.get(key, 0) + 1
    return out


def _last_round(plan: RecruitmentPlan, role: str, as_of: dt.date) -> int | None:
    passed = [
        s.round or 1
        for s in plan.submissions(role)
        if s.kind == "candidates" and s.deadline and s.deadline < as_of
    ]
    return max(passed) if passed else None


def without_candidate(
    view: RegistryView,
    plan: RecruitmentPlan,
    as_of: dt.date,
    structure: Structure | None = None,
) -> list[WithoutCandidate]:
    """Every such position as of the date, in the structure's area order, then by cluster."""
    view = view.at(as_of)
    applied = _keys(view, schema.APPLICATIONS)
    recommended = _keys(view, schema.RECOMMENDATIONS)
    hired = _keys(view, schema.HIRES)
    out = []
    for p in view.positions():
        if not p.role:
            continue
        rnd = _last_round(plan, p.role, as_of)
        key = position_key(p.role, p.cluster, p.unit)
        if rnd is None or key not in applied or key in recommended or key in hired:
            continue
        if p.status == schema.BESAT:
            continue
        unit = text(p.unit) or None
        out.append(WithoutCandidate(p.area, p.role, p.cluster, unit, rnd, applied[key]))
    order = {name: i for i, name in enumerate(structure.areas)} if structure else {}
    out.sort(key=lambda w: (order.get(w.area, len(order)), w.area, w.role, w.cluster, w.unit or ""))
    return out
