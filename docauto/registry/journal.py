"""The durable journal: accepted submissions that could not be written to the registry yet.

While Excel has the registry open (or another run holds its lock), each mail's planned change
is appended to ``<registry stem>.journal.jsonl`` beside the registry, one JSON object per line,
flushed and fsynced before the mail is reported handled. The next run that can write the
registry applies every entry whose Message-ID is not yet in ``Indbakke`` (so an entry is
applied once, even if a run dies between saving the registry and clearing the journal).

A run that applies the journal first renames it to ``<stem>.journal.applying-<pid>.jsonl``, so
a concurrent locked run appends to a fresh file instead of to one about to be deleted.
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docauto.registry.files import RegistryFiles

log = logging.getLogger(__name__)


def journal_path(registry: Path) -> Path:
    return RegistryFiles(registry).journal


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$datetime"}:
            return datetime.fromisoformat(value["$datetime"])
        if set(value) == {"$date"}:
            return date.fromisoformat(value["$date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def append_entries(registry: Path, entries: list[dict[str, Any]]) -> None:
    """Append entries durably (one fsync for the batch)."""
    if not entries:
        return
    path = journal_path(registry)
    # ASCII JSON: a broken header's surrogates survive the round trip.
    lines = "".join(json.dumps(_encode(e)) + "\n" for e in entries)
    with open(path, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(lines)
        fh.flush()
        os.fsync(fh.fileno())


def _read(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return out
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = _decode(json.loads(line))
        except ValueError:
            # Only the last line can be torn (a kill mid-append); that mail was never
            # reported handled, so the source still has it.
            log.warning("journal %s linje %d kan ikke læses; sprunget over", path.name, n)
            continue
        if isinstance(entry, dict) and entry.get("message_id"):
            out.append(entry)
    return out


def _applying_files(registry: Path) -> list[Path]:
    return RegistryFiles(registry).journals_applying()


def read_pending(registry: Path) -> list[dict[str, Any]]:
    """Every journal entry not yet cleared (it may already be in the registry)."""
    out = []
    for path in [*_applying_files(registry), journal_path(registry)]:
        out.extend(_read(path))
    return out


def take_for_applying(registry: Path) -> tuple[list[Path], list[dict[str, Any]]]:
    """Move the live journal aside (leftovers of killed runs included) and return its entries.

    Call with the registry lock held. The files are deleted with ``clear`` after the registry
    holding their entries is saved.
    """
    live = journal_path(registry)
    if live.exists():
        target = RegistryFiles(registry).journal_applying(
            f"{os.getpid()}-{int(time.time() * 1000)}"
        )
        for attempt in range(10):
            try:
                os.replace(live, target)
                break
            except PermissionError:  # Windows: a concurrent run is appending right now
                time.sleep(0.05 * (attempt + 1))
    files = _applying_files(registry)
    entries: list[dict[str, Any]] = []
    for path in files:
        entries.extend(_read(path))
    return files, entries


def clear(files: list[Path]) -> None:
    for path in files:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
