"""What each area still owes the HR group, and by when (the plan's deadlines).

A submission is owed by an area when the plan has a step for it with a deadline and the
registry holds no registered mail of that role, kind (and round) about that area, received on
or before the as-of date. Job ads are owed per position: an area owes ads while any of its
positions has none. Which areas owe which kind is data (mappings/oversigt.yaml).

``state``: ``overdue`` once the deadline has passed (the day after it), ``due`` from
``due_within_days`` before it up to and including the deadline day, else ``upcoming``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docauto.registry import schema
from docauto.registry.data import Position, RegistryView, norm, text, to_date

if TYPE_CHECKING:
    from docauto.recruitment.timeline import RecruitmentPlan, TimelineStep
    from docauto.registry.config import OverviewSettings
    from docauto.structure.model import Structure

OVERDUE, DUE, UPCOMING = "overdue", "due", "upcoming"
STATE_LABEL = {OVERDUE: "overskredet", DUE: "snart", UPCOMING: "senere"}


@dataclass
class Owed:
    area: str
    role: str
    kind: str
    round: int | None
    deadline: dt.date
    subject: str
    step_id: str
    state: str
    days_left: int  # deadline - as_of; negative when overdue
    positions: list[str] = field(
        default_factory=list
    )  # the positions it concerns, when per position

    def as_missing(self) -> dict[str, Any]:
        """Exactly the object of REGISTRY.md §5 'missing'."""
        return {
            "area": self.area,
            "role": self.role,
            "kind": self.kind,
            "deadline": self.deadline.isoformat(),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            **self.as_missing(),
            "round": self.round,
            "subject": self.subject,
            "state": self.state,
            "days_left": self.days_left,
            "positions": self.positions,
        }


def position_label(p: Position) -> str:
    return f"{p.cluster}, {p.unit}" if p.unit else p.cluster


def _key(role: str | None, cluster: str, unit: str) -> tuple[str, str, str]:
    return (role or "", norm(cluster), norm(unit) if role == "pedagogical_leader" else "")


def _rows_by_position(
    view: RegistryView, kind: str, rnd: int | None, as_of: dt.date
) -> set[tuple[str, str, str]]:
    """Positions that have a row of this kind (and round) received by the as-of date."""
    from docauto.registry.data import role_of

    sheet = schema.KIND_SHEET.get(kind)
    if sheet is None:
        return set()
    out = set()
    for r in view.rows(sheet):
        when = to_date(r.get("Modtaget"))
        if when is not None and when > as_of:
            continue
        if kind == "candidates" and (_int(r.get("Runde")) or 1) != (rnd or 1):
            continue
        role = role_of(r.get("Stillingstype"))
        out.add(_key(role, text(r.get("Klynge")), text(r.get("Enhed"))))
        if role == "pedagogical_leader" and not text(r.get("Enhed")):
            out.add(_key(role, text(r.get("Klynge")), "*"))
    return out


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _has_row(keys: set[tuple[str, str, str]], p: Position) -> bool:
    k = _key(p.role, p.cluster, p.unit)
    return k in keys or (p.role == "pedagogical_leader" and _key(p.role, p.cluster, "*") in keys)


def state_of(deadline: dt.date, as_of: dt.date, due_within_days: int) -> str:
    if deadline < as_of:
        return OVERDUE
    if (deadline - as_of).days <= due_within_days:
        return DUE
    return UPCOMING


_Keys = set[tuple[str, str, str]]


@dataclass
class _Registered:
    """What the registry holds as of the date: received mails, and rows per position."""

    received: list[Any]
    earlier_round: _Keys  # candidates of round 1
    hired: _Keys
    moved_on: _Keys  # anything after the ad

    def filled(self, p: Position) -> bool:
        # By a hires row received by the date; a position HR marked Besat by hand counts too
        # (the view as of the date has the status as it stood then).
        return _has_row(self.hired, p) or p.status == schema.BESAT


def _registered(view: RegistryView, structure: Structure | None, as_of: dt.date) -> _Registered:
    received = view.received(structure)
    earlier_round_rows = _rows_by_position(view, "candidates", 1, as_of)
    hired_rows = _rows_by_position(view, "hires", as_of=as_of, rnd=None)
    # A position has moved past its ad once anything later about it was received by the date.
    moved_on = set().union(
        *(
            _rows_by_position(view, k, r, as_of)
            for k, r in (
                ("applicants", None),
                ("candidates", 1),
                ("candidates", 2),
                ("unfilled", None),
                ("hires", None),
            )
        )
    )
    return _Registered(received, earlier_round_rows, hired_rows, moved_on)


def _area_order(structure: Structure | None, positions: list[Position]) -> list[str]:
    """The structure's areas in its order, then any other area the registry names."""
    area_order = list(structure.areas) if structure is not None else []
    for p in positions:
        if p.area not in area_order:
            area_order.append(p.area)
    return area_order


def _concerned(
    rule: str,
    mine: list[Position],
    done_rows: _Keys,
    reg: _Registered,
    area: str,
    step: TimelineStep,
    as_of: dt.date,
) -> list[Position]:
    """The area's positions the step is still owed for under the rule (none: nothing owed)."""
    if rule == "per_position":
        return [
            p
            for p in mine
            if not _has_row(done_rows, p) and not _has_row(reg.moved_on, p) and not reg.filled(p)
        ]
    if _area_sent(reg.received, area, step, as_of):
        return []
    if rule == "areas_with_open":
        return [p for p in mine if not reg.filled(p) and not _has_row(reg.earlier_round, p)]
    if rule == "areas_not_filled":
        return [p for p in mine if not reg.filled(p)]
    return mine


def _owed_for_step(
    step: TimelineStep,
    rule: str,
    view: RegistryView,
    positions: list[Position],
    area_order: list[str],
    reg: _Registered,
    plan: RecruitmentPlan,
    settings: OverviewSettings,
    as_of: dt.date,
) -> list[Owed]:
    """The step's submission for every area that still owes it."""
    subject = plan.subject_for(step.role, step.kind, step.round)
    done_rows = (
        _rows_by_position(view, step.kind, step.round, as_of) if rule == "per_position" else set()
    )
    out: list[Owed] = []
    for area in area_order:
        mine = [p for p in positions if p.role == step.role and p.area == area]
        if not mine:
            continue
        concerned = _concerned(rule, mine, done_rows, reg, area, step, as_of)
        if not concerned:
            continue
        labels = [position_label(p) for p in concerned]
        out.append(
            Owed(
                area=area,
                role=step.role,
                kind=step.kind,
                round=step.round,
                deadline=step.deadline,
                subject=subject,
                step_id=step.id,
                state=state_of(step.deadline, as_of, settings.due_within_days),
                days_left=(step.deadline - as_of).days,
                positions=labels if rule != "areas_with_positions" else [],
            )
        )
    return out


def owed_submissions(
    view: RegistryView,
    structure: Structure | None,
    plan: RecruitmentPlan,
    settings: OverviewSettings,
    as_of: dt.date,
) -> list[Owed]:
    """Every submission an area owes as of the date, overdue or not, in deadline order."""
    view = view.at(as_of)
    positions = [p for p in view.positions() if p.role and p.area]
    reg = _registered(view, structure, as_of)
    area_order = _area_order(structure, positions)
    out: list[Owed] = []
    for step in plan.iter_deadlines():
        if step.submitted_by not in (None, "area"):
            continue
        rule = settings.rule(step.kind, step.round)
        if rule == "none":
            continue
        out.extend(
            _owed_for_step(step, rule, view, positions, area_order, reg, plan, settings, as_of)
        )
    return out


def _area_sent(received: list[Any], area: str, step: TimelineStep, as_of: dt.date) -> bool:
    for r in received:
        if r.role != step.role or r.kind != step.kind:
            continue
        if step.kind == "candidates" and (r.round or 1) != (step.round or 1):
            continue
        if r.when is not None and r.when > as_of:
            continue
        if norm(area) in {norm(a) for a in r.areas}:
            return True
    return False


def missing(owed: list[Owed]) -> list[Owed]:
    """The owed submissions whose deadline has passed (REGISTRY.md §5 'missing')."""
    return [o for o in owed if o.state == OVERDUE]
