"""A live source's own memory across restarts: delta links, UIDVALIDITY, mails done but not moved.

The registry's Indbakke sheet (Message-IDs) is the final guard against registering a mail
twice. This small JSON file lets a source avoid even fetching a mail again after a restart:
``done`` is written *before* the mail is moved on the server, so a crash between the registry
save and the move is repaired by retrying the move instead of ingesting the mail a second time.

One file per source spec, in ``DOCAUTO_STATE_DIR`` or a per-user folder (so ``mail ingest`` and
``mail watch`` share it); a source may be given its own with the spec option ``state=PATH``.
Nothing personal is stored: server ids and links only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from docauto.errors import MailError


def user_state_dir() -> Path:
    override = os.environ.get("DOCAUTO_STATE_DIR")
    if override:
        return Path(override)
    if os.name == "nt":
        return (
            Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
            / "docauto"
            / "state"
        )
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "docauto" / "state"
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "docauto"


def state_path_for(spec: str, explicit: str | None = None) -> Path:
    """Where the state of the source named by spec lives (credentials never enter the name)."""
    if explicit:
        return Path(explicit)
    label = re.sub(r"[^A-Za-z0-9._-]+", "_", spec.split("?", 1)[0])[:60].strip("_")
    digest = hashlib.sha256(spec.split("?", 1)[0].encode("utf-8")).hexdigest()[:12]
    return user_state_dir() / f"{label}-{digest}.json"


class SourceState:
    """A JSON object on disk, saved atomically after every change that matters."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.data: dict[str, Any] = {}
        if self.path.exists():
            try:
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise MailError(
                    f"kildens tilstandsfil {self.path} kan ikke læses ({exc})",
                    hint="slet den: registret forhindrer stadig dobbeltregistrering",
                ) from None

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value

    def save(self) -> None:
        from docauto.output import atomic_write

        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(self.data, indent=1, sort_keys=True).encode("utf-8"))

    def claim_receipt(self, key: str) -> bool:
        """Record a receipt as sent *before* sending it, so a mail gets at most one receipt
        whatever is retried (a 504 on send, a crash, the mail fetched again): True the first
        time for ``key`` (the answered mail's Message-ID), False ever after."""
        sent: dict[str, int] = dict(self.get("receipts", {}))
        if key in sent:
            return False
        sent[key] = len(sent)
        if len(sent) > MAX_RECEIPTS_REMEMBERED:  # oldest first out; the Indbakke guards too
            keep = sorted(sent, key=sent.get)[-MAX_RECEIPTS_REMEMBERED:]
            sent = {k: i for i, k in enumerate(keep)}
        self.set("receipts", sent)
        self.save()
        return True


MAX_RECEIPTS_REMEMBERED = 5000


def receipt_key(item_id: str, message: Any) -> str:
    return str(message.get("In-Reply-To") or "") or item_id
