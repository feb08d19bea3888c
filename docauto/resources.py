"""Where the bundled templates, mappings and demo data live, installed or in a source checkout."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def _bundled(name: str) -> Path:
    # A wheel carries the top-level folders under docauto/_bundled; an editable install or a
    # source checkout has them next to the package.
    for candidate in (_PKG / "_bundled" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder '{name}' not found next to {_PKG}")


def templates_dir() -> Path:
    """The templates folder: $DOCAUTO_TEMPLATES if set (HR's own edited copies), else the bundled."""
    return _folder(os.environ.get("DOCAUTO_TEMPLATES") or "", "templates")


def mappings_dir() -> Path:
    """The mappings folder: $DOCAUTO_MAPPINGS if set, else the bundled one."""
    return _folder(os.environ.get("DOCAUTO_MAPPINGS") or "", "mappings")


@cache
def _folder(override: str, bundled: str) -> Path:
    return Path(override) if override else _bundled(bundled)


def data_dir() -> Path:
    """Package data that is not meant for editing (the demo municipality, the demo mailbox)."""
    return _PKG / "data"


def template_path(name: str | os.PathLike[str]) -> Path:
    """Resolve a template name against the templates folder; a path that exists is kept."""
    p = Path(name)
    if p.is_absolute() or p.exists():
        return p
    return templates_dir() / p


def mapping_path(name: str) -> Path:
    return _joined(mappings_dir(), name)


@cache
def _joined(folder: Path, name: str) -> Path:
    # Asked for every mail an ingest run reads (patterns, column names): made once per
    # folder and name; the file itself is still looked at each time.
    return folder / name
