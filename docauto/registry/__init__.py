"""The HR registry workbook (REGISTRY.md §3): schema, safe writing, journal, and reading.

For programs that read the registry: ``read_sheet(path, "Indstillinger") -> list[dict]`` and
``read_registry(path)`` (every sheet at once); pending submissions not yet written (while
Excel had the file open) are in ``docauto.registry.journal.read_pending(path)``.
"""

from __future__ import annotations

from docauto.registry.workbook import RegistryBook, read_registry, read_sheet

__all__ = ["RegistryBook", "read_registry", "read_sheet"]
