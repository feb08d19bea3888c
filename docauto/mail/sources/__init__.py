"""Mail sources: one interface for a folder of files, IMAP, Microsoft Graph and Exchange (EWS).

A source is named by a spec string, its scheme picking the plugin:
``dir:PATH``, ``imap://user@host/INBOX``, ``graph:jobbank@buf.demokommune.dk``, ``ews:jobbank@buf.demokommune.dk``.
Sources are plugins (hook ``docauto_mail_sources``): a mapping of scheme -> factory(spec).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from docauto.errors import UsageError

if TYPE_CHECKING:
    from email.message import EmailMessage

__all__ = [
    "DEFAULT_DONE",
    "DEFAULT_REJECTED",
    "OUTCOMES",
    "MailSource",
    "SourceItem",
    "open_source",
    "scheme_of",
    "spec_options",
]

OUTCOMES = ("registered", "duplicate", "rejected", "pending")
# Where server sources move handled mail (the spec's done= / rejected= options override).
DEFAULT_DONE = "docauto/Registreret"
DEFAULT_REJECTED = "docauto/Afvist"


def spec_options(query: str) -> dict[str, str]:
    """A spec's ?key=value options; the last value wins when one is given twice."""
    from urllib.parse import parse_qs

    return {k: v[-1] for k, v in parse_qs(query).items()}


@dataclass(frozen=True)
class SourceItem:
    """One mail as the source holds it."""

    id: str  # stable within the source: file name, IMAP UID, Graph immutable id, EWS item id
    raw: bytes  # the RFC 5322 message
    name: str  # for messages and logs, e.g. 'indbakke/mail-017.eml' or 'imap:INBOX/4711'
    # Cloud links the source found outside the MIME (Graph referenceAttachment names).
    links: tuple[str, ...] = ()


@runtime_checkable
class MailSource(Protocol):
    name: str

    def fetch(self) -> Iterator[SourceItem]:
        """New mail that has not been marked done, oldest first."""

    def done(self, item: SourceItem, outcome: str) -> None:
        """Mark a mail handled (one of OUTCOMES); a server source moves it to a folder."""

    def reply(self, item: SourceItem, message: EmailMessage) -> None:
        """Send (or, for dir:, write as an .eml draft) a receipt for the mail."""

    def close(self) -> None:
        """Release connections."""


def scheme_of(spec: str) -> str:
    # The scheme is what precedes the first colon (so an option like endpoint=https://...
    # later in the spec does not count); one letter is a Windows drive, not a scheme.
    head = spec.split(":", 1)[0]
    if ":" in spec and len(head) > 1 and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", head):
        return head.lower()
    return "dir"


def open_source(spec: str) -> MailSource:
    """The source for a spec string, from whichever plugin provides its scheme."""
    from docauto import plugins

    scheme = scheme_of(spec)
    factories = plugins.mail_sources()
    if scheme not in factories:
        known = ", ".join(sorted(factories)) or "none"
        raise UsageError(f"ukendt mailkilde '{scheme}:' i '{spec}'", hint=f"kendte: {known}")
    return factories[scheme](spec)
