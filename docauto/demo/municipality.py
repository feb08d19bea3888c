"""The demo: the whole job on the bundled, fictional municipality.

Every plugin adds its part through the ``docauto_demo_steps`` hook; ``docauto demo`` runs the
steps in order and prints what each made and where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.resources import data_dir

if TYPE_CHECKING:
    from docauto.structure.model import Structure


def demo_structure_path() -> Path:
    """The bundled demo municipality (YAML with the fields of REGISTRY.md §0)."""
    return data_dir() / "demo" / "struktur.yaml"


@dataclass
class DemoContext:
    out_dir: Path
    structure: Structure
    structure_path: Path  # the workbook the demo wrote, as HR would have it
    pdf: bool = False
    shared: dict[str, Any] = field(default_factory=dict)  # steps hand results to later steps


@dataclass
class DemoStep:
    """One part of the demo. ``run`` returns lines for the summary."""

    name: str
    order: int
    run: Callable[[DemoContext], list[str]]
