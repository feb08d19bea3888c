"""The ``dir:`` mail source: a folder of saved mails (.eml, and Outlook .msg with extract-msg).

Spec: ``dir:PATH`` or ``dir:PATH?kvitteringer=FOLDER`` (where receipt drafts go; default
``PATH/../kvitteringer``). Files in PATH and its subfolders (a few levels; not our own
quarantine or receipt folders) are read in order of their relative name, so a run is
deterministic; an item's id is that relative name, e.g. ``uge-41/mail-017.eml``. The source
remembers nothing on disk: the registry's Indbakke sheet is the memory of what was seen, so
running again on the same folder is safe. A file that cannot be read is still handed on (with
whatever bytes there are), so ingestion quarantines it with a reason instead of silently
skipping it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs

from docauto.errors import UsageError
from docauto.mail.sources import SourceItem

MAIL_SUFFIXES = (".eml", ".msg")
RECEIPTS_FOLDER = "kvitteringer"
SKIP_FOLDER_SUFFIXES = ("karantæne", "karantaene", RECEIPTS_FOLDER)
MAX_DEPTH = 4  # subfolders, e.g. one per area or per week


def parse_spec(spec: str) -> tuple[Path, Path | None]:
    """(mail folder, receipts folder or None) from 'dir:PATH[?kvitteringer=FOLDER]'."""
    text = spec[4:] if spec.lower().startswith("dir:") else spec
    if text.startswith("//"):  # dir://PATH
        text = text[2:]
    receipts = None
    if "?" in text:
        text, query = text.split("?", 1)
        options = parse_qs(query)
        value = (options.get("kvitteringer") or options.get("receipts") or [None])[0]
        receipts = Path(value) if value else None
    if not text.strip():
        raise UsageError(f"mailkilden '{spec}' angiver ingen mappe", hint="brug dir:STI")
    return Path(text), receipts


def msg_to_mime(data: bytes) -> bytes | None:
    """An Outlook .msg file as RFC 5322 bytes, through the optional extract-msg (GPL-3.0).

    None when extract-msg is not installed or cannot read the file; the caller then passes the
    original bytes on, and ingestion rejects the mail with a reason.
    """
    try:
        import extract_msg  # optional extra "msg"
    except ImportError:
        return None
    msg = None
    try:
        msg = extract_msg.openMsg(data)
        mime = msg.asEmailMessage()
        _complete_headers(mime, msg)
        return mime.as_bytes()
    except Exception:
        return None
    finally:
        if msg is not None:
            try:
                msg.close()
            except Exception:
                pass


def _msg_string(msg, tag: str) -> str:
    try:
        return (msg.getStringStream(f"__substg1.0_{tag}") or "").strip()
    except Exception:
        return ""


def _complete_headers(mime: EmailMessage, msg) -> None:
    """A .msg without the transport headers (a draft, a mail saved from Sent Items) comes out
    of extract-msg without Subject, Date or the sender's address; take them from the MAPI
    properties so the mail can still be classified and authorised."""
    from email.utils import format_datetime, formataddr

    def missing(name: str) -> bool:
        return not str(mime.get(name) or "").strip()

    def put(name: str, value: str) -> None:
        del mime[name]
        mime[name] = value

    if missing("Subject") and (msg.subject or "").strip():
        put("Subject", " ".join(msg.subject.split()))
    if "@" not in str(mime.get("From") or ""):
        # PR_SENDER_EMAIL_ADDRESS, PR_SENDER_SMTP_ADDRESS, PR_SENT_REPRESENTING_EMAIL_ADDRESS
        address = next(
            (a for a in (_msg_string(msg, t) for t in ("0C1F", "5D01", "0065")) if "@" in a), ""
        )
        if address:
            put("From", formataddr((_msg_string(msg, "0C1A") or "", address)))
    if missing("Date"):
        when = getattr(msg, "date", None)
        if when is not None and hasattr(when, "tzinfo"):
            put("Date", format_datetime(when))
    if missing("Message-ID"):
        mid = (getattr(msg, "messageId", None) or "").strip()
        if mid:
            put("Message-ID", mid)


class DirSource:
    """A folder of .eml/.msg files as a MailSource."""

    def __init__(self, spec: str) -> None:
        self.folder, receipts = parse_spec(spec)
        self.receipts = receipts or self.folder.resolve().parent / RECEIPTS_FOLDER
        self.name = f"dir:{self.folder}"
        if not self.folder.is_dir():
            raise UsageError(f"mailmappen '{self.folder}' findes ikke eller er ikke en mappe")

    def _files(self) -> list[str]:
        """The id (path relative to the folder, with /) of every mail file in the folder and
        its subfolders, sorted. Only the names are kept: a folder of 10,000 mails is listed
        in ~1 MB, not the ~4 MB its Path objects took for the whole run."""
        found: list[str] = []

        def walk(folder: str, prefix: str, depth: int) -> None:
            try:
                with os.scandir(folder) as it:
                    entries = list(it)
            except OSError:
                return
            for e in entries:
                if e.name.startswith((".", "~$")):
                    continue
                try:
                    is_dir = e.is_dir()
                except OSError:
                    continue
                if is_dir:
                    # Our own output folders never hold incoming mail.
                    if depth < MAX_DEPTH and not e.name.endswith(SKIP_FOLDER_SUFFIXES):
                        walk(e.path, f"{prefix}{e.name}/", depth + 1)
                elif os.path.splitext(e.name)[1].lower() in MAIL_SUFFIXES:
                    found.append(f"{prefix}{e.name}")

        walk(str(self.folder), "", 0)
        # Sorted by relative name (case-insensitive first, then exact) so runs are
        # reproducible on every platform.
        found.sort(key=lambda name: (name.casefold(), name))
        return found

    def fetch(self) -> Iterator[SourceItem]:
        for item_id in self._files():
            path = self.folder.joinpath(*item_id.split("/"))
            try:
                raw = path.read_bytes()
            except OSError:
                raw = b""  # still handed on: ingestion quarantines it with a reason
            if path.suffix.lower() == ".msg" and raw:
                raw = msg_to_mime(raw) or raw
            yield SourceItem(id=item_id, raw=raw, name=str(path))

    def done(self, item: SourceItem, outcome: str) -> None:
        """Nothing to record: the registry remembers every Message-ID it has seen."""

    def reply(self, item: SourceItem, message: EmailMessage) -> None:
        """Write the receipt as an .eml draft into the receipts folder."""
        from docauto.output import atomic_write, safe_name

        self.receipts.mkdir(parents=True, exist_ok=True)
        stem = safe_name(item.id.rsplit(".", 1)[0].replace("/", "-")) or "kvittering"
        atomic_write(self.receipts / f"kvittering-{stem}.eml", bytes(message))

    def close(self) -> None:
        pass
