"""docauto's memory of the mails it has handled: Message-ID, status and content hash.

Kept in the registry workbook itself, in the very hidden sheet ``_docauto`` (columns
Message-ID, Indhold, Status; one row per outcome, the latest row of a Message-ID wins).

Why a sheet of the workbook and not a file beside it: the memory must change in the same
atomic replace as the rows it describes. A side file would be written before or after the
registry, and a run killed in between would either lose a mail or register it twice; a
workbook copied to another folder would also lose its memory. Why not the Indbakke rows
alone: they are HR's to sort, filter and delete, and a deleted row must not make the mail
register again. A very hidden sheet is shown by neither Excel nor LibreOffice's sheet list
and survives their saves.

A registry from before this memory had only content hashes in ``_docauto`` (two columns): the
first write completes it from Indbakke, after which Indbakke is no longer read for this.
Re-processing a mail on purpose (``docauto mail reprocess``) appends a row with status
``Glemt``: the mail is then new to the next ingest that reads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docauto.registry import schema

if TYPE_CHECKING:
    from docauto.registry.writer import RegistryWriter

HEADERS = schema.STATE_HEADERS
FORGOTTEN = "Glemt"


class MailMemory:
    """What the registry remembers; ``record``/``forget`` add to the open writer."""

    def __init__(self) -> None:
        self.status: dict[str, str] = {}  # Message-ID -> latest status (FORGOTTEN included)
        self._hash_of: dict[str, str] = {}  # content hash -> latest Message-ID with it
        self._seed: list[tuple[str, str]] = []  # from Indbakke, written at the first save
        self._needs_header = False
        self._needs_sheet = False
        self._columns: tuple[int, dict[str, int]] = (1, {h: i for i, h in enumerate(HEADERS, 1)})

    # -- reading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, writer: RegistryWriter) -> MailMemory:
        mem = cls()
        sheet = schema.STATE_SHEET
        complete = False
        if writer.has_sheet(sheet):
            ws = writer.sheet(sheet)
            header = next(iter(ws.first_rows(1)), None)
            cols = {
                str(v).strip(): c
                for c, v in (ws.values(header, writer.shared).items() if header else [])
                if v
            }
            complete = "Status" in cols
            mem._columns = (
                header.num if header else 1,
                {
                    "Message-ID": cols.get("Message-ID", 1),
                    "Indhold": cols.get("Indhold", 2),
                    "Status": cols.get("Status", 3),
                },
            )
            mem.attach(writer)
            for _row, v in writer.iter_rows(sheet):
                mem._add(str(v["Message-ID"] or "").strip(), v["Status"], v["Indhold"])
            mem._needs_header = not complete
        else:
            mem._needs_sheet = True
        if not complete:
            mem._seed_from_inbox(writer)
        return mem

    def attach(self, writer: RegistryWriter) -> None:
        """Use this memory with another writer on the same registry (the next batch's)."""
        writer.define_columns(schema.STATE_SHEET, *self._columns)

    def _add(self, mid: str, status: object, digest: object) -> None:
        if not mid:
            return
        if status not in (None, ""):
            self.status[mid] = str(status)
        if digest not in (None, ""):
            self._hash_of[str(digest)] = mid

    def _seed_from_inbox(self, writer: RegistryWriter) -> None:
        for _row, v in writer.iter_rows(schema.INBOX):
            mid = str(v.get("Message-ID") or "").strip()
            if mid and mid not in self.status:
                status = str(v.get("Status") or "")
                self.status[mid] = status
                self._seed.append((mid, status))

    def seen(self) -> dict[str, str]:
        """Message-ID -> status of every mail handled and not forgotten."""
        return {m: s for m, s in self.status.items() if s != FORGOTTEN}

    def registered_hashes(self) -> dict[str, str]:
        """Content hash -> Message-ID, for mails whose latest status is registered."""
        return {d: m for d, m in self._hash_of.items() if self.status.get(m) == schema.REGISTERED}

    # -- writing ---------------------------------------------------------------------------

    def _prepare(self, writer: RegistryWriter) -> None:
        sheet = schema.STATE_SHEET
        if self._needs_sheet:
            writer.create_sheet(sheet, HEADERS)
            self._needs_sheet = False
        if self._needs_header:
            writer.update(sheet, writer.header_row(sheet), {"Status": "Status"})
            self._needs_header = False
        seed, self._seed = self._seed, []
        for mid, status in seed:
            writer.append(sheet, {"Message-ID": mid, "Status": status}, counted=False)

    def record(self, writer: RegistryWriter, mid: str, status: str, digest: str = "") -> None:
        self._prepare(writer)
        writer.append(
            schema.STATE_SHEET,
            {"Message-ID": mid, "Indhold": digest or None, "Status": status},
            counted=False,  # docauto's memory is not a registry row
        )
        self._add(mid, status, digest)

    def forget(self, writer: RegistryWriter, mid: str) -> None:
        self.record(writer, mid, FORGOTTEN)


def forget_mails(registry: Path, message_ids: list[str]) -> list[str]:
    """Make these mails new to the next ingest (``docauto mail reprocess``); returns the
    Message-IDs the memory held. RegistryError when one is unknown or the registry is busy."""
    from docauto.errors import RegistryError
    from docauto.registry.lock import RegistryLock
    from docauto.registry.writer import RegistryWriter

    lock = RegistryLock(registry)
    if not lock.acquire():
        raise RegistryError(f"{registry}: {lock.reason}", hint="close it and run again")
    try:
        writer = RegistryWriter.open(registry)
        memory = MailMemory.load(writer)
        seen = memory.seen()
        unknown = [m for m in message_ids if m.strip() not in seen]
        if unknown:
            writer.close()
            raise RegistryError(
                f"{registry}: registret kender ikke mailen {', '.join(unknown)}",
                hint="give the Message-ID as the Indbakke sheet shows it, with < and >",
            )
        for mid in message_ids:
            memory.forget(writer, mid.strip())
        writer.save()
        return [m.strip() for m in message_ids]
    finally:
        lock.release()
