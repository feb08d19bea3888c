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

import itertools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import MissingRegistryError, RegistryError
from docauto.mail.parallel import PreparedStream, default_jobs
from docauto.mail.prepare import prepare
from docauto.mail.sources.retry import PermanentMailError
from docauto.registry import journal, schema
from docauto.registry.files import RegistryFiles
from docauto.registry.lock import RegistryLock

if TYPE_CHECKING:
    from docauto.mail.handle import Decision
    from docauto.mail.message import ParsedMail
    from docauto.mail.origin import OriginPolicy
    from docauto.mail.sources import MailSource, SourceItem
    from docauto.registry.memory import MailMemory
    from docauto.registry.writer import RegistryWriter
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


class _Run:
    """State of one ingest run; see ``ingest``."""

    def __init__(
        self,
        structure: Structure,
        registry: Path,
        hr: frozenset[str],
        dry_run: bool,
        origin: OriginPolicy | None = None,
    ) -> None:
        self.structure = structure
        self.registry = registry
        self.hr = hr
        self.origin = origin
        self.dry_run = dry_run
        self.summary = IngestSummary()
        self.book: RegistryWriter | None = None  # writable registry (None while locked)
        self.memory: MailMemory | None = None
        self.seen_ids: dict[str, str] = {}  # Message-ID -> Indbakke status
        self.hashes: dict[str, str] = {}  # content hash -> Message-ID
        self.journal_entries: list[dict[str, Any]] = []
        self.applied_entries: list[dict[str, Any]] = []  # this run's, in case the save fails
        self.journal_files: list[Path] = []
        self.applied_from_journal: set[str] = set()
        self.handled: list[_Handled] = []  # this batch's, until it is saved and finished
        self.batch_rows = 0
        self.batch_registered = 0
        self.saved = False  # a batch of this run was saved already

    # -- memory of what was seen ----------------------------------------------------------

    def remember_registry(self, book: RegistryWriter) -> None:
        """What the registry's memory holds (docauto's hidden sheet, not HR's Indbakke rows:
        a deleted row does not make a mail new; ``docauto mail reprocess`` does)."""
        from docauto.registry.memory import MailMemory

        self.memory = MailMemory.load(book)
        for mid, status in self.memory.seen().items():
            self.seen_ids.setdefault(mid, status)
        self.hashes.update(self.memory.registered_hashes())

    def remember_journal(self, entries: list[dict[str, Any]]) -> None:
        for e in entries:
            self.seen_ids.setdefault(e["message_id"], e.get("status", ""))
            if e.get("content_hash") and e.get("status") in (schema.REGISTERED, schema.PENDING):
                self.hashes.setdefault(e["content_hash"], e["message_id"])

    # -- applying -------------------------------------------------------------------------

    def apply(self, entry: dict[str, Any]) -> int:
        """Write one mail's outcome into the open registry; returns data rows added."""
        from docauto.registry.events import apply_move
        from docauto.registry.senior import append_row

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
                    append_row(book, sheet, values)  # makes Seniorordninger when first needed
                    rows_added += 1
                for move in entry["positions"]:
                    apply_move(book, move, when)  # positions opened by events say why
                if digest:
                    self.hashes[digest] = entry["message_id"]
        inbox["Status"] = status
        inbox["Rækker"] = rows_added
        book.append(schema.INBOX, inbox)
        assert self.memory is not None
        digest = entry.get("content_hash") or "" if status == schema.REGISTERED else ""
        self.memory.record(book, entry["message_id"], status, digest)
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
            log.info("journal: %s skrevet ind som %s (%d rækker)", mid, self.seen_ids[mid], rows)

    # -- one mail -------------------------------------------------------------------------

    def handle(
        self, item: SourceItem, prepared: tuple[ParsedMail, Decision | None] | None = None
    ) -> _Handled:
        """Record one mail's outcome; ``prepared`` is what ``prepare`` gave (maybe in a worker)."""
        from docauto.mail.handle import received_at

        parsed, decision = prepared or prepare(
            item, self.structure, self.hr, self.seen_ids, self.origin
        )
        # Plain str: the email package's header values are str subclasses that keep their
        # whole parse tree (~25 KiB a mail), and a run remembers every Message-ID it saw.
        mid = str(parsed.message_id)
        if mid in self.seen_ids:
            if mid in self.applied_from_journal:
                log.info("%s: registreret fra journalen", mid)
            else:
                self.summary.duplicates += 1
                log.info(
                    "%s: findes allerede i Indbakke (%s); sprunget over", mid, self.seen_ids[mid]
                )
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
            "Afsender": str(parsed.sender),
            "Emne": str(parsed.subject),
            "Type": _type_label(decision),
            "Runde": decision.round,
            "Status": status,
            "Rækker": 0,
            "Bemærkning": _with_no_receipt(note, decision.no_receipt),
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
            self.batch_rows += written
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
                "%s: %s (%s; %d problemer)", mid, status, decision.headline, len(decision.problems)
            )
        else:
            log.info("%s: %s, %d rækker", mid, status, written)
        if status == schema.REJECTED and not self.dry_run:
            self._quarantine(item, parsed, decision, when)
        return _Handled(item, parsed, status, decision, new=True)

    def save_or_journal(self) -> None:
        """Save the registry; if that fails (Excel opened it meanwhile, the share went away),
        this batch's outcomes go to the journal instead, so nothing is lost, and the rest of
        the run journals too."""
        assert self.book is not None
        try:
            if self.book.changed or self.journal_files:
                # One backup per run: it keeps the registry as it was before this run.
                self.book.save(backup=not self.saved)
                self.saved = True
            else:
                self.book.close()
        except RegistryError as exc:
            log.warning(
                "registret kunne ikke gemmes (%s); indsendelserne venter i journalen", exc.message
            )
            self._to_journal(exc.message)
            return
        journal.clear(self.journal_files)
        self.journal_files = []
        self.applied_entries = []
        self.batch_rows = 0
        self.batch_registered = self.summary.registered

    def _to_journal(self, reason: str) -> None:
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
        self.applied_entries = []
        moved = self.summary.registered - self.batch_registered
        self.summary.pending += moved
        self.summary.registered -= moved
        self.summary.rows -= self.batch_rows
        self.batch_rows = 0
        self.batch_registered = self.summary.registered
        self.summary.locked_reason = reason
        for h in self.handled:
            if h.status == schema.REGISTERED:
                h.status = schema.PENDING
        self.book = None

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
                "%s: karantænekopien kunne ikke skrives: %s", parsed.message_id, type(exc).__name__
            )


def _with_no_receipt(note: str, why: str) -> str:
    # The Indbakke says why a sender heard nothing back (no backscatter to forged senders).
    if not why:
        return note
    return f"{note.rstrip('.')}. Ingen kvittering: {why}" if note else f"Ingen kvittering: {why}"


def _type_label(decision: Decision) -> str:
    from docauto.mail.handle import type_label

    return type_label(decision.role, decision.kind)


# Mails handled between two saves of the registry. What a run holds in memory (the rows
# waiting to be written, a few KB a mail) is bounded by it, not by the size of the mailbox;
# while the main process saves, the workers go on reading the next mails (parallel.py).
BATCH = 1000


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
    batch: int | None = None,
) -> IngestSummary:
    """Read every new mail of ``source`` into the registry at ``registry_path``.

    ``hr_addresses`` are added to those in docauto.yaml beside the registry. ``jobs``: worker
    processes for reading a big batch (default: ``docauto.mail.parallel.default_jobs()``). With
    ``dry_run`` everything is read and decided but nothing is written (registry, journal,
    quarantine) and the source is not told anything. The registry is saved (and the source
    told) every ``batch`` mails (default: see ``BATCH``) and at the end; a poll that finds no
    new mail and no waiting journal does not open the registry.
    """
    from docauto.mail.authorise import load_hr_addresses, load_origin_policy

    registry = Path(registry_path)
    if not registry.exists():
        raise MissingRegistryError(
            f"{registry}: registret findes ikke", hint="opret det med 'docauto registry init'"
        )
    run = _Run(
        structure,
        registry,
        load_hr_addresses(registry, hr_addresses),
        dry_run,
        load_origin_policy(registry),
    )
    lock = RegistryLock(registry)
    stream = PreparedStream(
        source.fetch(), structure, run.hr, default_jobs() if jobs is None else jobs, run.origin
    )
    batch_size = max(1, batch) if batch else BATCH
    try:
        writable = dry_run or lock.acquire()
        if writable and not dry_run:
            RegistryFiles(registry).remove_stale_temps()
        stream.start()  # workers read the first mails while the registry loads
        items = iter(stream)
        first = next(items, None)
        if first is None and (dry_run or not _journal_waiting(registry)):
            # Nothing new: the registry is not loaded, only checked to be a whole zip file
            # (its last bytes), so a damaged registry is still reported at once.
            _check_whole(registry)
            return run.summary
        _open(run, writable, lock.reason)
        for item, prepared in itertools.chain([first] if first else [], items):
            if should_stop is not None and should_stop():
                log.info("stopper efter ønske efter %d mails", run.summary.seen)
                break
            run.summary.seen += 1
            handled = run.handle(item, prepared)
            if on_mail is not None and handled.parsed is not None:
                on_mail(handled.parsed, OUTCOME[handled.status])
            run.handled.append(handled if receipts else _slim(handled))
            if not dry_run and len(run.handled) >= batch_size:
                _commit_batch(run)
                _finish(source, run, receipts)
                _reopen(run)
        if dry_run:
            return run.summary
        _commit_batch(run)
    finally:
        stream.close()
        lock.release()

    _finish(source, run, receipts)
    return run.summary


def _slim(h: _Handled) -> _Handled:
    """What telling the source needs, without the mail itself (receipts need the mail): a
    batch of handled mails then costs a few hundred bytes each, not the mails' size."""
    import dataclasses

    item = dataclasses.replace(h.item, raw=b"") if dataclasses.is_dataclass(h.item) else h.item
    return _Handled(item, None, h.status, None, h.new)


def _check_whole(registry: Path) -> None:
    import zipfile

    if not zipfile.is_zipfile(registry):
        raise RegistryError(
            f"{registry}: registret kan ikke åbnes (filen er ikke en hel .xlsx)",
            hint=f"restore {RegistryFiles(registry).backup().name} if the file is damaged",
        )


def _journal_waiting(registry: Path) -> bool:
    files = RegistryFiles(registry)
    return files.journal.exists() or bool(files.journals_applying())


def _open(run: _Run, writable: bool, locked_reason: str) -> None:
    from docauto.registry.writer import RegistryWriter

    registry = run.registry
    if writable:
        run.book = RegistryWriter.open(registry)
        run.remember_registry(run.book)
        if run.dry_run:
            run.remember_journal(journal.read_pending(registry))
        else:
            run.apply_journal()
        return
    run.summary.locked_reason = locked_reason
    log.warning("registret kan ikke skrives: %s; indsendelserne venter i journalen", locked_reason)
    try:  # reading works while Excel has it open; it only stops writing
        book = RegistryWriter.open(registry)
        run.remember_registry(book)
        book.close()
    except RegistryError as exc:
        log.warning(
            "registret kan heller ikke læses (%s); dubletter findes kun ud fra journalen",
            exc.message,
        )
    run.remember_journal(journal.read_pending(registry))


def _commit_batch(run: _Run) -> None:
    if run.book is not None:
        run.save_or_journal()
    journal.append_entries(run.registry, run.journal_entries)
    run.journal_entries = []


def _reopen(run: _Run) -> None:
    """A fresh writer on the file just saved (the memory stays as it is in this process)."""
    from docauto.registry.writer import RegistryWriter

    if run.book is not None:
        run.book = None  # the saved batch's sheets go before the next ones are read
        run.book = RegistryWriter.open(run.registry)
        if run.memory is not None:
            run.memory.attach(run.book)
    run.handled = []


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
        except PermanentMailError:
            raise  # e.g. no right to move mail: every later mail would fail the same way
        except Exception as exc:
            log.warning("%s: kilden kunne ikke markere mailen som behandlet: %s", h.item.name, exc)
        if build_receipt is None or not h.new or h.parsed is None or h.decision is None:
            continue
        if h.decision.no_receipt or not receipt_allowed(h.parsed):
            continue
        details = {
            "counts": h.decision.counts,
            "problems": h.decision.problems,
            "reason": h.decision.reason,
            "headline": h.decision.headline,
            "text": h.decision.receipt_text,
            "rows": len(h.decision.rows) if h.status in (schema.REGISTERED, schema.PENDING) else 0,
        }
        try:
            source.reply(h.item, build_receipt(h.parsed, outcome, details))
        except PermanentMailError:
            raise  # missing Mail.Send, a refused login: IT must hear of it, not a log line
        except Exception as exc:
            log.warning("%s: kvitteringen er ikke sendt: %s", h.parsed.message_id, exc)
