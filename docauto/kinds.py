"""Document kinds: the declared interface every generator plugin implements.

A kind turns the structure (and, for some kinds, an input file) into a list of planned
documents. Planning is pure and validates everything first; rendering is pure (context in,
bytes out); writing happens in one place (docauto.output).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docauto.structure.model import Structure


@dataclass
class PlannedDocument:
    """One output file.

    For Word output give ``template`` (a name in templates/ or a path) and ``context``; the
    engine renders it. For anything else (xlsx, ics, eml) give ``build``, a function that
    returns the file's bytes. ``properties`` become custom document properties of a .docx.
    Batch runs rewrite an output only when what it is made from changed: for Word output that
    is the template file and the context; for built output, ``fingerprint`` (any JSON-able data
    that determines the bytes) and the files named in ``inputs``.
    """

    filename: str
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    build: Callable[[], bytes] | None = None
    properties: Mapping[str, str] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    fingerprint: Any = None

    def render(self) -> bytes:
        # Both paths go through the house style (docauto.office.housestyle): Word output gets
        # the letterhead data, logo and properties; a workbook without print set-up gets it.
        if self.build is not None:
            data = self.build()
            if self.filename.lower().endswith(".xlsx"):
                from docauto.office.housestyle import ensure_print_setup

                data = ensure_print_setup(data, Path(self.filename).stem)
            return data
        from docauto.office.housestyle import render_docx

        return render_docx(self.template, self.context, self.properties)


@dataclass
class GenerateRequest:
    """What the user asked for: the structure, an optional kind-specific data file, filters."""

    structure: Structure
    data: Path | None = None
    only: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    # Lines a kind's planner wants the user to read although nothing failed (Danish), e.g.
    # how many ads got the neutral paragraph; generate_documents passes them on.
    notes: list[str] = field(default_factory=list)


@dataclass
class Kind:
    """A document kind. Subclass it, or construct it with a ``planner`` function."""

    name: str
    description: str
    templates: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    data_help: str | None = None  # what --data means for this kind; None: it takes no data
    planner: Callable[[GenerateRequest], Iterable[PlannedDocument]] | None = None
    needs_structure: bool = True
    # Called once every file is written (not on a dry run), for a kind whose documents change
    # a record (re-advertised positions move to Genopslag); returns lines for the report.
    after_write: Callable[[GenerateRequest, list[PlannedDocument]], list[str]] | None = None

    def plan(self, request: GenerateRequest) -> list[PlannedDocument]:
        """All documents for the request. Raise a DocautoError before anything is written."""
        if self.planner is None:
            raise NotImplementedError(f"kind {self.name} has no planner")
        return list(self.planner(request))
