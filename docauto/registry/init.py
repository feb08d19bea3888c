"""``registry init``: create the workbook, or complete an existing one without touching HR's work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docauto.errors import RegistryError
from docauto.registry.lock import RegistryLock
from docauto.registry.workbook import RegistryBook
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
                f"Registry created: {self.path} ({self.positions_added} cluster-leader positions)"
            )
        if not self.positions_added and not self.sheets_added:
            return f"Registry {self.path} is complete; nothing changed"
        extra = f", sheets added: {', '.join(self.sheets_added)}" if self.sheets_added else ""
        return f"Registry {self.path} updated: {self.positions_added} positions added{extra}"


def init_registry(structure: Structure, path: Path, *, now: datetime | None = None) -> InitResult:
    path = Path(path)
    when = (now or datetime.now()).replace(microsecond=0, tzinfo=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = RegistryLock(path)
    if not lock.acquire():
        raise RegistryError(f"{path}: {lock.reason}", hint="close it and run again")
    try:
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
