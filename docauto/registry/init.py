"""``registry init``: create the workbook, or complete an existing one without touching HR's work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docauto.errors import RegistryError
from docauto.registry import schema
from docauto.registry.lock import RegistryLock
from docauto.registry.workbook import RegistryBook
from docauto.registry.writer import RegistryWriter
from docauto.structure.model import Structure


@dataclass
class InitResult:
    path: Path
    created: bool
    positions_added: int
    sheets_added: list[str]

    def line(self) -> str:
        if self.created:
            return (
                f"Registret er oprettet: {self.path} ({self.positions_added} klyngelederstillinger)"
            )
        if not self.positions_added and not self.sheets_added:
            return f"Registret {self.path} er komplet; intet ændret"
        extra = f", ark tilføjet: {', '.join(self.sheets_added)}" if self.sheets_added else ""
        return (
            f"Registret {self.path} er opdateret: {self.positions_added} stillinger tilføjet{extra}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "registry": str(self.path),
            "created": self.created,
            "positions_added": self.positions_added,
            "sheets_added": list(self.sheets_added),
        }


def init_registry(structure: Structure, path: Path, *, now: datetime | None = None) -> InitResult:
    path = Path(path)
    when = (now or datetime.now()).replace(microsecond=0, tzinfo=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = RegistryLock(path)
    if not lock.acquire():
        raise RegistryError(f"{path}: {lock.reason}", hint="luk den og kør igen")
    try:
        if path.exists() and _complete(path):
            # Adding positions to HR's workbook: in place, so nothing HR built is touched.
            writer = RegistryWriter.open(path)
            added = writer.add_cluster_positions(structure, when)
            if added:
                writer.save()
            else:
                writer.close()
            return InitResult(path, False, added, [])
        # A new registry, or one missing a sheet: openpyxl makes what is missing.
        created = not path.exists()
        book = RegistryBook.create(path) if created else RegistryBook.open(path)
        added = book.add_cluster_positions(structure, when)
        if created:
            # Print set-up only on a new registry: an existing one's layout is HR's.
            from docauto.office.housestyle import finish_workbook

            finish_workbook(book.wb, "HR-register: rekruttering", fit=False)
        if created or added or book.added_sheets:
            book.save()
        return InitResult(path, created, added, list(book.added_sheets))
    finally:
        lock.release()


def _complete(path: Path) -> bool:
    """Every owned sheet is there (a damaged file is reported by the writer)."""
    try:
        writer = RegistryWriter.open(path, sheets={})
    except RegistryError:
        return True
    try:
        return all(writer.has_sheet(name) for name in schema.SHEETS)
    finally:
        writer.close()
