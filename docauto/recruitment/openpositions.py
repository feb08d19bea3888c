"""The pedagogical-leader positions open in the registry (Opslået or Genopslag) as units of
the structure: what the ads, the forms and the reminders for pedagogical leaders are made for
(the positions hires and vacancy reports opened, not guesses from empty Leder cells)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docauto.structure.model import Structure, Unit

__all__ = ["open_units"]


def open_units(
    structure: Structure,
    registry: Path,
    as_of: dt.date,
    areas: Collection[str] | None = None,
    only: Collection[str] = (),
) -> list[Unit]:
    """The units with an open pedagogical-leader position as the registry stood on the date."""
    from docauto.registry import schema
    from docauto.registry.data import RegistryView

    view = RegistryView.load(registry).at(as_of)
    keys = {k.casefold() for k in only}
    out: list[Unit] = []
    for p in view.positions():
        if p.role != "pedagogical_leader" or p.status not in (schema.OPSLAAET, schema.GENOPSLAG):
            continue
        cluster = structure.find_cluster(p.cluster)
        unit = structure.find_unit(p.unit, cluster) if cluster and p.unit else None
        if unit is None or unit in out or (areas is not None and cluster.area not in areas):
            continue
        if keys and not keys & {unit.id.casefold(), unit.name.casefold(), cluster.id.casefold()}:
            continue
        out.append(unit)
    return out
