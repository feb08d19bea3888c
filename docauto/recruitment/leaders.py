"""Who leads a cluster or a unit on a given date: the one answer every document uses.

The registry's hires (sheet Ansættelser, counted from the day they were received) come first;
the structure's Klyngeleder/Leder columns describe the structure as it is now and are used
only from the day the plan says those leaders are appointed. Before that a document names no
leader and says when the leader is appointed, so a 2010 letter knows only 2010.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.recruitment.roles import CLUSTER_LEADER, PEDAGOGICAL_LEADER

if TYPE_CHECKING:
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.structure.model import Cluster, Unit


def _key(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


@dataclass
class Leaders:
    """The leaders known on ``as_of``. ``hires``: (role, cluster name/id, unit name/id) ->
    name, from the registry rows received by then."""

    as_of: dt.date
    plan: RecruitmentPlan
    hires: dict[tuple[str, str, str], str] = field(default_factory=dict)
    registry: str = ""

    def appointed_on(self, role: str) -> dt.date | None:
        """The day the plan appoints the role (cluster leaders 1.12.2010; pedagogical leaders
        the Friday of week 50, the plan's week)."""
        t = self.plan.timeline(role)
        if t.appointment_date:
            return t.appointment_date
        if t.appointment_weeks:
            return dt.date.fromisocalendar(self.plan.year, max(t.appointment_weeks), 5)
        return None

    def appointment_text(self, role: str) -> str:
        """'udpeges den 1. december 2010' / 'udpeges i uge 50' (the plan's own words)."""
        from docauto.office.filters import dato
        from docauto.recruitment.context import weeks_text

        t = self.plan.timeline(role)
        if t.appointment_date:
            return f"udpeges den {dato(t.appointment_date)}"
        return "udpeges i " + weeks_text(t.appointment_weeks)

    def _known(self, role: str) -> bool:
        day = self.appointed_on(role)
        return day is not None and self.as_of >= day

    def _hired(self, role: str, cluster: Cluster, unit: Unit | None) -> str:
        for ckey in (_key(cluster.name), _key(cluster.id)):
            for ukey in (_key(unit.name), _key(unit.id)) if unit else ("",):
                name = self.hires.get((role, ckey, ukey))
                if name:
                    return name
        return ""

    def cluster_leader(self, cluster: Cluster) -> str:
        """The cluster's leader on the date, "" if not known then. A network's coordinator
        and a self-governing cluster's leader are not hired by the municipality: the
        structure names them from the day the new structure starts."""
        hired = self._hired(CLUSTER_LEADER, cluster, None)
        if hired:
            return hired
        if cluster.is_self_governing:
            return cluster.leader if self._started() else ""
        return cluster.leader if self._known(CLUSTER_LEADER) else ""

    def _started(self) -> bool:
        start = self.plan.structure_start
        return bool(start) and self.as_of >= start

    def unit_leader(self, cluster: Cluster, unit: Unit) -> str:
        hired = self._hired(PEDAGOGICAL_LEADER, cluster, unit)
        if hired:
            return hired
        if cluster.is_self_governing:
            return unit.leader if self._started() else ""
        return unit.leader if self._known(PEDAGOGICAL_LEADER) else ""


def load_leaders(
    as_of: dt.date, registry: str | Path | None = None, plan: RecruitmentPlan | None = None
) -> Leaders:
    """The leaders known on ``as_of``, from the registry's hires received by then (if a
    registry is given) and the plan's appointment dates."""
    from docauto.recruitment.timeline import load_timeline

    plan = plan or load_timeline()
    leaders = Leaders(as_of, plan, registry=str(registry or ""))
    if registry is None:
        return leaders
    from docauto.registry import schema
    from docauto.registry.cells import role_of, text, to_date
    from docauto.registry.data import RegistryView

    for r in RegistryView.load(Path(registry)).rows(schema.HIRES):
        received = to_date(r.get("Modtaget"))
        role = role_of(r.get("Stillingstype"))
        name = text(r.get("Navn"))
        if not name or role is None or received is None or received > as_of:
            continue
        # A later hire for the same position replaces an earlier one.
        leaders.hires[(role, _key(r.get("Klynge")), _key(r.get("Enhed")))] = name
    return leaders


def document_date(options: Any, default: dt.date) -> dt.date:
    """``--set dato=YYYY-MM-DD`` or the document's date from the plan."""
    from docauto.errors import UsageError
    from docauto.office.filters import to_date

    raw = options.get("dato") if options else None
    if raw in (None, ""):
        return default
    try:
        return to_date(raw)
    except ValueError:
        raise UsageError(f"--set dato={raw}: ikke en dato", hint="brug ÅÅÅÅ-MM-DD") from None
