"""The audit log: one JSON line per run of a command that reads or changes personal data,
beside the registry (``<stem>.audit.jsonl``). It holds when, which command, the dates it was
given and counts, and nothing about any person: no names, no e-mails, no file names of
outputs, no user names. ``record`` refuses a text value under any key not listed below, so a
careless caller cannot leak a name into it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from docauto.errors import DocautoError

# Keys that may hold text (dates, modes); everything else must be a number, bool or None.
TEXT_KEYS = frozenset({"command", "as_of", "before", "mode", "states"})


def audit_path(registry: Path) -> Path:
    from docauto.registry.files import RegistryFiles

    return RegistryFiles(registry).audit


def record(registry: Path, command: str, **fields: Any) -> dict[str, Any]:
    """Append one line; returns it. Counts may be ints or a dict of ints."""
    from docauto import __version__

    entry: dict[str, Any] = {
        "time": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "command": command,
        "docauto": __version__,
    }
    for key, value in fields.items():
        entry[key] = _checked(key, value)
    path = audit_path(registry)
    line = json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n"
    try:
        with open(path, "a", encoding="utf-8", newline="\n") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise DocautoError(f"{path}: revisionsloggen kan ikke skrives ({exc.strerror})") from None
    return entry


def _checked(key: str, value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {
            str(k): _checked(f"{key}.{k}", v) if not isinstance(v, str) else _text(key, v)
            for k, v in value.items()
        }
    if isinstance(value, str):
        return _text(key, value)
    raise TypeError(f"audit field {key!r}: {type(value).__name__} is not allowed")


def _text(key: str, value: str) -> str:
    if key.split(".")[0] not in TEXT_KEYS:
        raise TypeError(f"audit field {key!r} may not hold text (personal data guard)")
    return value


def read_audit(registry: Path) -> list[dict[str, Any]]:
    path = audit_path(registry)
    if not path.exists():
        return []
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
