"""Ingestion: mail source -> HR registry, every mail once, nothing lost.

For each mail: parse -> classify -> authorise -> read attachments -> validate (see
``docauto.mail.handle``) -> dedupe (Message-ID, and the content hash of the attachments for
a resend) -> rows and position moves. Then ONE save of the registry at the end (atomic, with
a backup), and only after it succeeded is each mail reported done to its source and receipts
sent. While the registry cannot be written (Excel has it open, another run holds the lock),
the outcomes go to the durable journal instead and are applied by the next run.

Logs hold Message-IDs, counts and reasons, never applicants' names or addresses.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import MissingRegistryError, RegistryError
from docauto.mail.parallel import PreparedStream, default_jobs
from docauto.registry import journal, schema
from docauto.registry.lock import RegistryLock

if TYPE_CHECKING:
    from docauto.mail.handle import Decision
    from docauto.mail.message import ParsedMail
    from docauto.mail.sources import MailSource, SourceItem
    from docauto.registry.workbook import RegistryBook
    from docauto.structure.model import Structure

log = logging.getLogger(__name__)

OUTCOME = {
    schema.REGISTERED: "registered",
    schema.DUPLICATE: "duplicate",
    schema.REJECTED: "rejected",
    schema.PENDING: "pending",
}


@dataclass
class IngestSummary:
    seen: int = 0
    registered: int = 0
    duplicates: int = 0
    rejected: int = 0
    pending: int = 0
    rows: int = 0
    # Not part of the JSON contract: what a person reading the summary wants to know.
    locked_reason: str = ""
    quarantined: list[Path] = field(default_factory=list)
    journal_applied: int = 0

    def as_json(self) -> dict[str, int]:
        """Exactly the keys of REGISTRY.md §5."""
        return {
            k: getattr(self, k)
            for k in ("seen", "registered", "duplicates", "rejected", "pending", "rows")
        }

    def lines(self) -> list[str]:
        out = [
            f"{self.seen} mails læst: {self.registered} registreret, {self.duplicates} "
            f"dubletter, {self.rejected} afvist, {self.pending} afventer; "
            f"{self.rows} rækker tilføjet registret"
        ]
        if self.journal_applied:
            out.append(f"{self.journal_applied} ventende indsendelser fra journalen skrevet ind")
        if self.locked_reason:
            out.append(
                f"registret er ikke skrevet ({self.locked_reason}); indsendelserne venter i "
                "journalen og skrives ind ved næste kørsel"
            )
        if self.quarantined:
            out.append(f"{len(self.quarantined)} afviste mails gemt i {self.quarantined[0].parent}")
        return out


@dataclass
class _Handled:
    item: SourceItem
    parsed: ParsedMail | None
    status: str
    decision: Decision | None
    new: bool  # first time this Message-ID is seen (a receipt is due)


def _unparsable(item: SourceItem, reason: str) -> tuple[ParsedMail, Decision]:
    from docauto.mail.handle import reject
    from docauto.mail.message import ParsedMail

    mid = f"<{hashlib.sha256(item.raw or b'').hexdigest()}@docauto>"
    parsed = ParsedMail(
        message_id=mid,
        subject="",
        sender="",
        sender_name="",
        date=None,
        body_text="",
        attachments=[],
        raw=bytes(item.raw or b""),
        defects=[],
    )
    return parsed, reject(f"Mailen kan ikke læses: {reason}")


class _Run:
    """State of one ingest run; see ``ingest``."""

    def __init__(
        self, structure: Structure, registry: Path, hr: frozenset[str], dry_run: bool
    ) -> None:
        self.structure = structure
        self.registry = registry
        self.hr = hr
        self.dry_run = dry_run
        self.summary = IngestSummary()
        self.book: RegistryBook | None = None  # writable registry (None while locked)
        self.seen_ids: dict[str, str] = {}  # Message-ID -> Indbakke status
        self.hashes: dict[str, str] = {}  # content hash -> Message-ID
        self.journal_entries: list[dict[str, Any]] = []
        self.applied_entries: list[dict[str, Any]] = []  # this run's, in case the save fails
        self.journal_files: list[Path] = []
        self.applied_from_journal: set[str] = set()
        self.handled: list[_Handled] = []

    # -- memory of what was seen ----------------------------------------------------------

    def remember_registry(self, book: RegistryBook) -> None:
        cols = book.columns(schema.INBOX)
        ws = book.wb[schema.INBOX]
        mid_i, st_i = cols["Message-ID"] - 1, cols["Status"] - 1
        for row in ws.iter_rows(min_row=book.header_row(schema.INBOX) + 1, values_only=True):
            mid = row[mid_i] if mid_i < len(row) else None
            if mid:
                self.seen_ids.setdefault(str(mid).strip(), str(row[st_i] or ""))
        # Indbakke is the memory of what was registered: a hash whose mail HR deleted from
        # Indbakke (to have it registered again) no longer counts.
        self.hashes.update(
            {
                digest: mid
                for digest, mid in book.content_hashes().items()
                if self.seen_ids.get(mid) == schema.REGISTERED
            }
        )

    def remember_journal(self, entries: list[dict[str, Any]]) -> None:
        for e in entries:
            self.seen_ids.setdefault(e["message_id"], e.get("status", ""))
            if e.get("content_hash") and e.get("status") in (schema.REGISTERED, schema.PENDING):
                self.hashes.setdefault(e["content_hash"], e["message_id"])

    # -- applying -------------------------------------------------------------------------

    def apply(self, entry: dict[str, Any]) -> int:
        """Write one mail's outcome into the open registry; returns data rows added."""
        book = self.book
        assert book is not None
        status = entry["status"]
        inbox = dict(entry["inbox"])
        rows_added = 0
        if status in (schema.REGISTERED, schema.PENDING):
            digest = entry.get("content_hash") or ""
            earlier = self.hashes.get(digest) if digest else None
            if earlier and earlier != entry["message_id"]:
                status = schema.DUPLICATE
                inbox["Bemærkning"] = f"Samme indhold som {earlier}, der allerede er registreret"
            else:
                status = schema.REGISTERED
                when = entry["when"]
                for sheet, values in entry["rows"]:
                    book.append(sheet, values)
                    rows_added += 1
                for move in entry["positions"]:
                    book.move_position(when=when, **move)
                book.add_content_hash(digest, entry["message_id"])
                if digest:
                    self.hashes[digest] = entry["message_id"]
        inbox["Status"] = status
        inbox["Rækker"] = rows_added
        book.append(schema.INBOX, inbox)
        self.seen_ids[entry["message_id"]] = status
        return rows_added

    def apply_journal(self) -> None:
        self.journal_files, entries = journal.take_for_applying(self.registry)
        for entry in entries:
            mid = entry["message_id"]
            if mid in self.seen_ids:
                continue  # applied by an earlier run that died before clearing the journal
            was_pending = entry["status"] == schema.PENDING
            rows = self.apply(entry)
            self.summary.rows += rows
            self.applied_from_journal.add(mid)
            self.summary.journal_applied += 1
            if was_pending and self.seen_ids[mid] == schema.REGISTERED:
                self.summary.registered += 1
            log.info("journal: %s applied as %s (%d rows)", mid, self.seen_ids[mid], rows)

    # -- one mail -------------------------------------------------------------------------

    def handle(
        self, item: SourceItem, prepared: tuple[ParsedMail, Decision | None] | None = None
    ) -> _Handled:
        """Record one mail's outcome; ``prepared`` is what ``prepare`` gave (maybe in a worker)."""
        from docauto.mail.handle import received_at

        parsed, decision = prepared or prepare(item, self.structure, self.hr, self.seen_ids)
        mid = parsed.message_id
        if mid in self.seen_ids:
            if mid in self.applied_from_journal:
                log.info("%s: registered from the journal", mid)
            else:
                self.summary.duplicates += 1
                log.info("%s: already in Indbakke (%s); skipped", mid, self.seen_ids[mid])
            return _Handled(item, parsed, schema.DUPLICATE, None, new=False)
        assert decision is not None
        when = received_at(parsed)
        status = decision.status
        note = decision.reason
        if decision.accepted and decision.content_hash in self.hashes:
            status = schema.DUPLICATE
            note = f"Samme indhold som {self.hashes[decision.content_hash]}, der allerede er registreret"
        inbox = {
            "Message-ID": mid,
            "Modtaget": when,
            "Afsender": parsed.sender,
            "Emne": parsed.subject,
            "Type": _type_label(decision),
            "Runde": decision.round,
            "Status": status,
            "Rækker": 0,
            "Bemærkning": note,
        }
        if status == schema.REGISTERED and self.book is None:
            status = schema.PENDING
            inbox["Status"] = status
        takes = status in (schema.REGISTERED, schema.PENDING)
        entry = {
            "message_id": mid,
            "status": status,
            "inbox": inbox,
            "when": when,
            "rows": decision.rows if takes else [],
            "positions": [dict(p) for p in decision.positions] if takes else [],
            "content_hash": decision.content_hash if takes else "",
        }
        if status in (schema.REGISTERED, schema.PENDING) and decision.content_hash:
            self.hashes[decision.content_hash] = mid
        written = 0
        if self.book is not None:  # a dry run applies to the loaded copy and never saves
            written = self.apply(entry)
            self.summary.rows += written
            self.applied_entries.append(entry)
        else:
            self.journal_entries.append(entry)
            self.seen_ids[mid] = status
        counter = {
            schema.REGISTERED: "registered",
            schema.PENDING: "pending",
            schema.DUPLICATE: "duplicates",
            schema.REJECTED: "rejected",
        }[status]
        setattr(self.summary, counter, getattr(self.summary, counter) + 1)
        if status == schema.REJECTED:
            log.info(
                "%s: %s (%s; %d problems)", mid, status, decision.headline, len(decision.problems)
            )
        else:
            log.info("%s: %s, %d rows", mid, status, written)
        if status == schema.REJECTED and not self.dry_run:
            self._quarantine(item, parsed, decision, when)
        return _Handled(item, parsed, status, decision, new=True)

    def save_or_journal(self) -> None:
        """Save the registry; if that fails (Excel opened it meanwhile, the share went away),
        this run's outcomes go to the journal instead, so nothing is lost."""
        assert self.book is not None
        try:
            if self.book.rows_added or self.journal_files or self.book.added_sheets:
                self.book.save()
        except RegistryError as exc:
            log.warning("registry could not be saved (%s); using the journal", exc.message)
            entries = []
            for e in self.applied_entries:
                e = dict(e)
                if e["status"] == schema.REGISTERED:
                    e["status"] = schema.PENDING
                    e["inbox"] = {**e["inbox"], "Status": schema.PENDING}
                entries.append(e)
            journal.append_entries(self.registry, entries)
            # The journal files taken for applying stay on disk; the next run applies them.
            self.journal_files = []
            self.summary.pending += self.summary.registered
            self.summary.registered = 0
            self.summary.rows = 0
            self.summary.locked_reason = exc.message
            for h in self.handled:
                if h.status == schema.REGISTERED:
                    h.status = schema.PENDING
            return
        journal.clear(self.journal_files)

    def _quarantine(
        self, item: SourceItem, parsed: ParsedMail, decision: Decision, when: datetime
    ) -> None:
        from docauto.mail.quarantine import quarantine_mail

        try:
            path = quarantine_mail(
                self.registry,
                bytes(item.raw or b""),
                received=when if parsed.date else None,
                reason=decision.reason,
                details={
                    "message_id": parsed.message_id,
                    "kilde": item.name,
                    "afsender": parsed.sender,
                    "emne": parsed.subject,
                    "problemer": [str(p) for p in decision.problems],
                },
            )
            self.summary.quarantined.append(path)
        except Exception as exc:
            log.warning(
                "%s: could not write quarantine copy: %s", parsed.message_id, type(exc).__name__
            )


def prepare(
    item: SourceItem,
    structure: Structure,
    hr: Iterable[str],
    skip_ids: Iterable[str] | dict[str, str] = (),
) -> tuple[ParsedMail, Decision | None]:
    """Parse a mail and decide what it means (pure; may run in a worker process). A mail whose
    Message-ID is in ``skip_ids`` is only parsed (decision None): it was seen before."""
    from docauto.mail.handle import handle_mail, reject
    from docauto.mail.message import MailParseError, parse_mail

    try:
        parsed = parse_mail(item.raw, item.name)
    except MailParseError as exc:
        return _unparsable(item, exc.message)
    if parsed.message_id in skip_ids:
        return parsed, None
    try:
        return parsed, handle_mail(parsed, structure, hr)
    except Exception as exc:
        log.error(
            "%s: unexpected %s while reading the mail",
            parsed.message_id,
            type(exc).__name__,
            exc_info=log.isEnabledFor(logging.DEBUG),
        )
        return parsed, reject(
            f"Uventet fejl under læsning af mailen ({type(exc).__name__}); "
            "kontakt den, der driver docauto"
        )


def _type_label(decision: Decision) -> str:
    from docauto.mail.handle import type_label

    return type_label(decision.role, decision.kind)


def ingest(
    source: MailSource,
    structure: Structure,
    registry_path: Path,
    *,
    hr_addresses: Iterable[str] = (),
    receipts: bool = False,
    should_stop: Callable[[], bool] | None = None,
    on_mail: Callable[[ParsedMail, str], None] | None = None,
    dry_run: bool = False,
    jobs: int | None = None,
) -> IngestSummary:
    """Read every new mail of ``source`` into the registry at ``registry_path``.

    ``hr_addresses`` are added to those in docauto.yaml beside the registry. ``jobs``: worker
    processes for reading a big batch (default: ``docauto.mail.parallel.default_jobs()``). With
    ``dry_run`` everything is read and decided but nothing is written (registry, journal,
    quarantine) and the source is not told anything.
    """
    from docauto.mail.authorise import load_hr_addresses
    from docauto.registry.workbook import RegistryBook

    registry = Path(registry_path)
    if not registry.exists():
        raise MissingRegistryError(
            f"{registry}: registret findes ikke", hint="opret det med 'docauto registry init'"
        )
    run = _Run(structure, registry, load_hr_addresses(registry, hr_addresses), dry_run)
    lock = RegistryLock(registry)
    stream = PreparedStream(
        source.fetch(), structure, run.hr, default_jobs() if jobs is None else jobs
    )
    try:
        writable = dry_run or lock.acquire()
        stream.start()  # workers read the first mails while the registry loads
        if writable:
            run.book = RegistryBook.open(registry)
            run.remember_registry(run.book)
            if dry_run:
                run.remember_journal(journal.read_pending(registry))
            else:
                run.apply_journal()
        else:
            run.summary.locked_reason = lock.reason
            log.warning("registry not writable: %s; using the journal", lock.reason)
            try:  # reading works while Excel has it open; it only stops writing
                run.remember_registry(RegistryBook.open(registry))
            except RegistryError as exc:
                log.warning(
                    "registry not readable either (%s); deduplicating by journal only", exc.message
                )
            run.remember_journal(journal.read_pending(registry))

        for item, prepared in stream:
            if should_stop is not None and should_stop():
                log.info("stopping on request after %d mails", run.summary.seen)
                break
            run.summary.seen += 1
            handled = run.handle(item, prepared)
            run.handled.append(handled)
            if on_mail is not None and handled.parsed is not None:
                on_mail(handled.parsed, OUTCOME[handled.status])

        if dry_run:
            return run.summary
        if run.book is not None:
            run.save_or_journal()
        else:
            journal.append_entries(registry, run.journal_entries)
    finally:
        stream.close()
        lock.release()

    _finish(source, run, receipts)
    return run.summary


def _finish(source: MailSource, run: _Run, receipts: bool) -> None:
    """Tell the source and send receipts, now that the outcome is safely on disk."""
    build_receipt = None
    if receipts:
        try:
            from docauto.mail.receipts import build_receipt, receipt_allowed
        except ImportError:  # receipts are an optional part of the pipeline
            build_receipt = None
    for h in run.handled:
        outcome = OUTCOME[h.status]
        try:
            source.done(h.item, outcome)
        except Exception as exc:
            log.warning(
                "%s: source could not mark the mail done: %s", h.item.name, type(exc).__name__
            )
        if build_receipt is None or not h.new or h.parsed is None or h.decision is None:
            continue
        if not receipt_allowed(h.parsed):
            continue
        details = {
            "counts": h.decision.counts,
            "problems": h.decision.problems,
            "reason": h.decision.reason,
            "rows": len(h.decision.rows) if h.status in (schema.REGISTERED, schema.PENDING) else 0,
        }
        try:
            source.reply(h.item, build_receipt(h.parsed, outcome, details))
        except Exception as exc:
            log.warning("%s: receipt not sent: %s", h.parsed.message_id, type(exc).__name__)
