"""The HR registry workbook (REGISTRY.md §3): schema, safe writing, journal, and reading.

For programs that read the registry: ``read_sheet(path, "Indstillinger") -> list[dict]`` and
``read_registry(path)`` (every sheet at once); pending submissions not yet written (while
Excel had the file open) are in ``docauto.registry.journal.read_pending(path)``.

For programs that write it: ``RegistryWriter`` (``docauto.registry.writer``) appends rows to
and updates cells of the owned sheets in place, keeping everything else HR built byte for
byte; ``RegistryFiles(path)`` names every file kept beside the registry.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RegistryBook", "RegistryFiles", "RegistryWriter", "read_registry", "read_sheet"]
_HOMES = {"RegistryWriter": "writer", "RegistryFiles": "files"}


def __getattr__(name: str) -> Any:
    # Imported on first use: loading the plugins must not pay for openpyxl's machinery.
    if name in __all__:
        import importlib

        module = importlib.import_module("docauto.registry." + _HOMES.get(name, "workbook"))
        return getattr(module, name)
    raise AttributeError(f"module 'docauto.registry' has no attribute {name!r}")
