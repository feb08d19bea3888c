"""The HR registry workbook (REGISTRY.md §3): schema, safe writing, journal, and reading.

For programs that read the registry: ``read_sheet(path, "Indstillinger") -> list[dict]`` and
``read_registry(path)`` (every sheet at once); pending submissions not yet written (while
Excel had the file open) are in ``docauto.registry.journal.read_pending(path)``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RegistryBook", "read_registry", "read_sheet"]


def __getattr__(name: str) -> Any:
    # Imported on first use: loading the plugins must not pay for openpyxl's machinery.
    if name in __all__:
        from docauto.registry import workbook

        return getattr(workbook, name)
    raise AttributeError(f"module 'docauto.registry' has no attribute {name!r}")
