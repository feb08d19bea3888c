"""Who the municipality recruits for: the one rule every recruitment kind and the registry use.

Bilag 7 recruits cluster leaders and pedagogical leaders in the *municipal* cluster structure,
among the municipal leaders and deputies. A network has a coordinator, not a cluster leader,
and a self-governing institution is its own employer: neither gets positions, ads, committees
or forms. A self-governing cluster is included only where HR's setting
(mappings/rekruttering.yaml, ``selvejende_klynger``) says the municipality runs that
recruitment; it is off by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import ConfigError

if TYPE_CHECKING:
    from docauto.structure.model import Cluster, Structure

SCOPE_FILE = "rekruttering.yaml"


@dataclass(frozen=True)
class RecruitmentScope:
    """``self_governing``: True (all self-governing clusters), or the ids HR listed."""

    self_governing: bool | frozenset[str] = False

    def recruits(self, cluster: Cluster) -> bool:
        """True when the municipality recruits this cluster's leaders."""
        if cluster.is_network:
            return False
        if not cluster.is_self_governing:
            return True
        if self.self_governing is True:
            return True
        if isinstance(self.self_governing, frozenset):
            return cluster.id.casefold() in self.self_governing
        return False

    def clusters(self, structure: Structure) -> list[Cluster]:
        return [c for c in structure.clusters.values() if self.recruits(c)]

    def why_not(self, cluster: Cluster) -> str:
        """Danish: why the municipality recruits no leader for this cluster."""
        if cluster.is_network:
            return (
                f"{cluster.name} ({cluster.id}) er et netværk af selvejende institutioner: "
                "netværket har en koordinator og ingen klyngeleder, og hver institution er "
                "selv arbejdsgiver"
            )
        return (
            f"{cluster.name} ({cluster.id}) er en selvejende klynge, og kommunen står ikke for "
            f"rekrutteringen der (se mappings/{SCOPE_FILE}, selvejende_klynger)"
        )


def _parse(value: Any, where: str) -> bool | frozenset[str]:
    if value in (None, False, "", []):
        return False
    if value is True:
        return True
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return frozenset(str(v).strip().casefold() for v in value)
    raise ConfigError(
        f"{where}: selvejende_klynger skal være false, true eller en liste af Klynge-ID'er"
    )


def load_scope(path: str | Path | None = None) -> RecruitmentScope:
    from docauto.datafiles import read_data
    from docauto.resources import mapping_path

    path = Path(path) if path else mapping_path(SCOPE_FILE)
    if not path.exists():
        return RecruitmentScope()
    data = read_data(path, error=ConfigError) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: forventede nøglen selvejende_klynger")
    return RecruitmentScope(_parse(data.get("selvejende_klynger"), str(path)))
