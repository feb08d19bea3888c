"""Positions to re-advertise (DOMAIN.md: "HR prepares re-advertisement of the positions not
filled"), and marking them ``Genopslag`` in the registry once their new ads are made.

A position is to be re-advertised, as of a date, when it was reported not filled (or is
already being re-advertised), when it had no applicants after the applicants deadline (if it
was open before that deadline), or
when it had applicants but no suitable candidate after the first recommendation deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docauto.registry import schema

if TYPE_CHECKING:
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.registry.config import OverviewSettings
    from docauto.registry.data import Position, RegistryView

__all__ = ["Readvertisement", "mark_readvertised", "to_readvertise"]


@dataclass(frozen=True)
class Readvertisement:
    position: Position
    reason: str


def _reason(p: Position, plan: RecruitmentPlan, settings: OverviewSettings, as_of: dt.date) -> str:
    if p.status in settings.readvertise_statuses:
        return "Meldt ikke besat" if p.status == schema.IKKE_BESAT else "Genopslået"
    if p.status == schema.OPSLAAET:
        step = plan.find_submission(p.role or "", "applicants")
        deadline = step.deadline if step else None
        # A position opened after that deadline (its leader became a cluster leader on 1.12)
        # was not in the round: it has had no chance of applicants yet.
        if deadline and deadline < as_of and not (p.created and p.created > deadline):
            return "Ingen ansøgere"
    elif p.status == schema.ANSOEGERE:
        steps = [
            s
            for s in plan.submissions(p.role)
            if s.kind in ("candidates", "unfilled") and s.deadline
        ]
        # Not filled in the first round is enough (Bilag 7: HR prepares the re-advertisement
        # of the positions not filled "i første omgang"), so the new ad is out before round 2.
        first = min((s.deadline for s in steps), default=None)
        if first and first < as_of:
            return "Ingen egnet kandidat"
    return ""


def to_readvertise(
    view: RegistryView, plan: RecruitmentPlan, settings: OverviewSettings, as_of: dt.date
) -> list[Readvertisement]:
    """Every position to re-advertise as the registry stood at the end of ``as_of``."""
    out = []
    for p in view.at(as_of).positions():
        if p.role:
            reason = _reason(p, plan, settings, as_of)
            if reason:
                out.append(Readvertisement(p, reason))
    return out


def mark_readvertised(path: Path, position_ids: list[str], when: dt.datetime) -> int:
    """Move the positions to ``Genopslag`` (a new ad is out); returns how many changed.

    A position that is filled by now is left alone (its hire came after the list was made).
    """
    from docauto.errors import RegistryError
    from docauto.registry.lock import RegistryLock
    from docauto.registry.writer import RegistryWriter

    lock = RegistryLock(path)
    if not lock.acquire():
        raise RegistryError(f"{path}: {lock.reason}", hint="close it and run again")
    try:
        book = RegistryWriter.open(path)  # in place: what HR built in the workbook stays
        rows = book.positions()
        changed = 0
        for pid in position_ids:
            row = rows.get(pid)
            if row is None:
                continue
            current = str(book.get(schema.POSITIONS, row, "Status") or "").strip()
            if current in (schema.BESAT, schema.GENOPSLAG):
                continue
            book.update(schema.POSITIONS, row, {"Status": schema.GENOPSLAG, "Opdateret": when})
            changed += 1
        if changed:
            book.save()
        else:
            book.close()
        return changed
    finally:
        lock.release()
