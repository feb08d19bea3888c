"""Rejected mails keep their raw file in ``<registry stem>-karantæne/`` beside the registry,
with a ``.json`` of the same name saying why. Names come from the mail's hash and date, never
from the mail's own subject or attachment names, so nothing a sender wrote becomes a path."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from docauto.output import atomic_write


def quarantine_dir(registry: Path) -> Path:
    from docauto.registry.files import RegistryFiles

    return RegistryFiles(registry).quarantine


def quarantine_mail(
    registry: Path, raw: bytes, *, received: datetime | None, reason: str, details: dict[str, Any]
) -> Path:
    """Write the raw mail and its reason; the same mail twice gives the same files."""
    folder = quarantine_dir(registry)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    stamp = received.strftime("%Y-%m-%d") if received else "uden-dato"
    base = f"{stamp}-{digest}"
    eml = folder / f"{base}.eml"
    if not eml.exists():
        atomic_write(eml, raw)
    info = {"grund": reason, **details}
    text = json.dumps(info, ensure_ascii=False, indent=2, default=str)
    atomic_write(folder / f"{base}.json", text.encode("utf-8", "replace"))
    return eml
