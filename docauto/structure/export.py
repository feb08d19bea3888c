"""Built-in kind: the structure itself as HR's workbook (REGISTRY.md §0)."""

from __future__ import annotations

from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument


def _plan(request: GenerateRequest):
    from docauto.structure.model import write_structure_workbook

    yield PlannedDocument(
        "struktur.xlsx", build=lambda: write_structure_workbook(request.structure)
    )


@hookimpl
def docauto_kinds():
    return [
        Kind(
            name="struktur",
            description="Strukturen (områder, klynger, enheder) som HR's regneark",
            fields=("Områder", "Klynger", "Enheder"),
            planner=_plan,
        )
    ]
