"""Applicant data protection: anonymise the applicants who were not hired (``purge``) and
export everything held about one person (``person_export``).

Who is purged: a person (one e-mail; or one name where no e-mail was given) who appears in
``Ansøgninger`` or ``Indstillinger`` and was not hired (not in ``Ansættelser``, not ``Ansat``
in ``Stillinger``), and all of whose rows were received before the cut-off date. A person
with a newer row is still within the retention period and is left whole.

Where: every file the tool keeps beside the registry —
  - the registry: the person's rows get the name ``Anonymiseret`` and empty e-mail, current
    position and workplace; then every text cell and cell comment in every sheet (HR's own
    columns and sheets too) has the person's e-mail and full name replaced;
  - its backups ``<stem>.backup*.xlsx``: the same;
  - its journal ``<stem>.journal*.jsonl``: the same replacement in every entry (the live
    journal is first handed over as an ``applying`` file, as ingest does, so an entry a
    concurrent run appends is never lost);
  - its quarantine ``<stem>-karantæne/``: rejected mails received before the cut-off are
    deleted with their reason files (an attachment cannot be edited faithfully), and newer
    ones that mention a purged person are deleted too;
  - temporary copies of the registry a killed run left (``.~docauto-<stem>-*.xlsx``): deleted,
    since they hold everything the registry held (the lock is held, so none is a live run's);
  - ``Indbakke``: the details of a rejection (after the first ': ') received before the
    cut-off are dropped, since they may quote rows of a form that was never registered.
The audit log (``<stem>.audit.jsonl``) holds counts only.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docauto.errors import RegistryError
from docauto.registry import schema
from docauto.registry.data import norm, text, to_date

# (sheet, name column, columns cleared besides the e-mail) of the applicant sheets.
APPLICANT_SHEETS = {
    schema.APPLICATIONS: ("Ansøger", ("Nuværende stilling", "Nuværende arbejdssted")),
    schema.RECOMMENDATIONS: ("Kandidat", ()),
}
REDACTED = "[anonymiseret]"
_MAX_SCAN = 30_000_000  # bytes of decoded mail content scanned per quarantined file
_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})-")


@dataclass
class Person:
    key: str  # "mail:<e-mail>" or "name:<normalised name>"
    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    newest: dt.date | None = None
    undated: bool = False


@dataclass
class PurgeResult:
    before: dt.date
    people: int = 0
    rows: int = 0
    cells: int = 0
    backups: int = 0
    journal_entries: int = 0
    quarantine_deleted: int = 0
    temp_copies: int = 0
    inbox_notes: int = 0
    kept_recent: int = 0
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "people": self.people,
            "rows": self.rows,
            "cells": self.cells,
            "backups": self.backups,
            "journal_entries": self.journal_entries,
            "quarantine_deleted": self.quarantine_deleted,
            "temp_copies": self.temp_copies,
            "inbox_notes": self.inbox_notes,
            "kept_recent": self.kept_recent,
        }


# --- finding the people ---------------------------------------------------------------------


def _hired(sheets: dict[str, list[dict[str, Any]]]) -> tuple[set[str], set[str]]:
    emails, names = set(), set()
    for r in sheets.get(schema.HIRES, []):
        if text(r.get("E-mail")):
            emails.add(norm(r.get("E-mail")))
        if text(r.get("Navn")):
            names.add(norm(r.get("Navn")))
    for r in sheets.get(schema.POSITIONS, []):
        if text(r.get("Ansat")):
            names.add(norm(r.get("Ansat")))
    return emails, names


def _journal_sheets(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Journal entries' rows as sheet -> rows, like read_registry gives them."""
    from docauto.registry.data import _entry_rows

    out: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        for sheet, values in _entry_rows(e):
            out.setdefault(sheet, []).append(
                {**values, "Modtaget": values.get("Modtaget") or e.get("when")}
            )
    return out


def find_people(
    all_sheets: Iterable[dict[str, list[dict[str, Any]]]],
    before: dt.date,
    anonymised_name: str = "Anonymiseret",
) -> tuple[list[Person], list[Person], set[str]]:
    """(to purge, kept because of a recent row, hired names) over every source given.
    Rows an earlier purge anonymised are no one: running purge again changes nothing."""
    sources = list(all_sheets)
    hired_mails: set[str] = set()
    hired_names: set[str] = set()
    for sheets in sources:
        m, n = _hired(sheets)
        hired_mails |= m
        hired_names |= n
    people: dict[str, Person] = {}
    for sheets in sources:
        for sheet, (name_col, _extra) in APPLICANT_SHEETS.items():
            for r in sheets.get(sheet, []):
                name, mail = text(r.get(name_col)), norm(r.get("E-mail"))
                if not mail and (not name or norm(name) == norm(anonymised_name)):
                    continue
                if (mail and mail in hired_mails) or (not mail and norm(name) in hired_names):
                    continue
                key = f"mail:{mail}" if mail else f"name:{norm(name)}"
                p = people.setdefault(key, Person(key))
                if mail:
                    p.emails.add(mail)
                if name:
                    p.names.add(name)
                when = to_date(r.get("Modtaget"))
                if when is None:
                    p.undated = True
                elif p.newest is None or when > p.newest:
                    p.newest = when
    purge, kept = [], []
    for p in people.values():
        old = p.newest is not None and p.newest < before and not p.undated
        (purge if old else kept).append(p)
    return purge, kept, hired_names


# --- replacing text -------------------------------------------------------------------------


class Redactor:
    """Replaces the purged people's e-mails and full names (whole words, any case, any
    spacing) in free text. A name shared with a hired person, or a single word, is not
    replaced in free text (it would hit the wrong person or ordinary words); the person's own
    rows are still anonymised."""

    def __init__(self, people: list[Person], hired_names: set[str]) -> None:
        needles: set[str] = set()
        for p in people:
            needles |= {e for e in p.emails if e}
            for n in p.names:
                if len(n.split()) >= 2 and norm(n) not in hired_names:
                    needles.add(n)
        parts = [
            r"\s+".join(re.escape(tok) for tok in n.split())
            for n in sorted(needles, key=len, reverse=True)
        ]
        self.pattern = (
            re.compile(r"(?<![\w@.])(?:" + "|".join(parts) + r")(?![\w@])", re.IGNORECASE)
            if parts
            else None
        )

    def __call__(self, value: str) -> tuple[str, int]:
        if not self.pattern or not value:
            return value, 0
        return self.pattern.subn(REDACTED, value)

    def mentions(self, value: str) -> bool:
        return bool(self.pattern and self.pattern.search(value))


def _is_target(row: dict[str, Any], name_col: str, people_keys: set[str]) -> bool:
    mail = norm(row.get("E-mail"))
    key = f"mail:{mail}" if mail else f"name:{norm(row.get(name_col))}"
    return key in people_keys


def _header_map(ws: Any, wanted: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    keys = {norm(c): c for c in wanted}
    for r in range(1, min(ws.max_row, 10) + 1):
        cols = {}
        for cell in ws[r]:
            k = norm(cell.value)
            if k in keys and keys[k] not in cols:
                cols[keys[k]] = cell.column
        if len(cols) == len(wanted):
            return r, cols
    return None


def anonymise_workbook(
    wb: Any,
    people: list[Person],
    redact: Redactor,
    before: dt.date,
    anonymised_name: str,
    result: PurgeResult,
) -> None:
    """Apply the purge to an open openpyxl workbook (the registry or one of its backups)."""
    from docauto.registry.workbook import set_cell

    keys = {p.key for p in people}
    for sheet, (name_col, extra) in APPLICANT_SHEETS.items():
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        found = _header_map(ws, (name_col, "E-mail", *extra))
        if not found:
            continue
        hr, cols = found
        for row in ws.iter_rows(min_row=hr + 1):
            values = {
                name: row[c - 1].value if c - 1 < len(row) else None for name, c in cols.items()
            }
            if not _is_target(values, name_col, keys):
                continue
            result.rows += 1
            for name, c in cols.items():
                cell = ws.cell(row=row[0].row, column=c)
                if name == name_col:
                    set_cell(cell, anonymised_name)
                else:
                    cell.value = None
    if schema.INBOX in wb.sheetnames:
        ws = wb[schema.INBOX]
        found = _header_map(ws, ("Modtaget", "Status", "Bemærkning"))
        if found:
            hr, cols = found
            for row in ws.iter_rows(min_row=hr + 1):
                when = to_date(row[cols["Modtaget"] - 1].value)
                note_cell = row[cols["Bemærkning"] - 1]
                note = str(note_cell.value or "")
                if (
                    when is not None
                    and when < before
                    and norm(row[cols["Status"] - 1].value) == norm(schema.REJECTED)
                    and ": " in note
                ):
                    set_cell(
                        note_cell,
                        note.split(": ", 1)[0] + " (detaljer slettet efter opbevaringsperioden)",
                    )
                    result.inbox_notes += 1
    # Free text everywhere else: HR's notes, other sheets, comments.
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if v is not None and not isinstance(v, str | int | float | dt.date | bool):
                    v = str(v)  # rich text: the formatting of that one cell is lost
                if isinstance(v, str):
                    new, n = redact(v)
                    if n:
                        set_cell(cell, new)
                        result.cells += 1
                if cell.comment is not None:
                    new, n = redact(cell.comment.text or "")
                    if n:
                        cell.comment.text = new
                        result.cells += 1


# --- the journal and the quarantine -------------------------------------------------------


def _redact_json(
    value: Any, redact: Redactor, keys: set[str], anonymised_name: str
) -> tuple[Any, int]:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        total = 0
        out = []
        for v in value:
            nv, n = _redact_json(v, redact, keys, anonymised_name)
            out.append(nv)
            total += n
        return out, total
    if isinstance(value, dict):
        total = 0
        out_d = {}
        for name_col, extra in APPLICANT_SHEETS.values():
            if name_col in value and _is_target(value, name_col, keys):
                value = {
                    **value,
                    name_col: anonymised_name,
                    "E-mail": "",
                    **dict.fromkeys(extra, ""),
                }
                total += 1
        for k, v in value.items():
            nv, n = _redact_json(v, redact, keys, anonymised_name)
            out_d[k] = nv
            total += n
        return out_d, total
    return value, 0


def _journal_files(registry: Path) -> list[Path]:
    return sorted(p for p in registry.parent.glob(registry.stem + ".journal*.jsonl"))


def _rewrite_journal(
    path: Path, redact: Redactor, keys: set[str], anonymised_name: str, dry_run: bool
) -> int:
    from docauto.output import atomic_write

    lines = path.read_text(encoding="utf-8").splitlines()
    changed = 0
    out = []
    for line in lines:
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            # A torn last line (a run killed mid-append) cannot be applied anyway.
            new, n = redact(line)
            out.append(new)
            changed += bool(n)
            continue
        new_entry, n = _redact_json(entry, redact, keys, anonymised_name)
        changed += bool(n)
        out.append(json.dumps(new_entry, ensure_ascii=False))
    if changed and not dry_run:
        atomic_write(path, ("\n".join(out) + "\n").encode("utf-8"))
    return changed


def mail_text(raw: bytes) -> str:
    """Everything readable in a mail: headers, decoded text parts, and the XML of Office
    attachments (the cells of a registration form), as one string for searching."""
    parts = [raw.decode("utf-8", "replace")]
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception:
        return parts[0]
    size = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:
            continue
        size += len(payload)
        if size > _MAX_SCAN:
            break
        if payload[:2] == b"PK":
            try:
                with zipfile.ZipFile(io.BytesIO(payload)) as zf:
                    for info in zf.infolist()[:200]:
                        if (
                            info.filename.endswith((".xml", ".rels"))
                            and info.file_size < 20_000_000
                        ):
                            parts.append(zf.read(info).decode("utf-8", "replace"))
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
                pass
        else:
            parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(parts)


def quarantine_files(registry: Path) -> list[Path]:
    from docauto.mail.quarantine import quarantine_dir

    folder = quarantine_dir(registry)
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _quarantine_date(path: Path) -> dt.date:
    m = _STAMP.match(path.name)
    if m:
        try:
            return dt.date.fromisoformat(m.group(1))
        except ValueError:
            pass
    return dt.datetime.fromtimestamp(path.stat().st_mtime).date()


def _purge_quarantine(registry: Path, redact: Redactor, before: dt.date, dry_run: bool) -> int:
    deleted = 0
    files = quarantine_files(registry)
    groups: dict[str, list[Path]] = {}
    for p in files:
        groups.setdefault(p.stem, []).append(p)
    for _stem, paths in groups.items():
        old = any(_quarantine_date(p) < before for p in paths)
        mentions = False
        if not old:
            for p in paths:
                data = p.read_bytes()
                content = (
                    mail_text(data)
                    if p.suffix.lower() in (".eml", ".msg")
                    else data.decode("utf-8", "replace")
                )
                if redact.mentions(content):
                    mentions = True
                    break
        if old or mentions:
            deleted += 1
            if not dry_run:
                for p in paths:
                    p.unlink(missing_ok=True)
    return deleted


# --- purge ----------------------------------------------------------------------------------


def backup_files(registry: Path) -> list[Path]:
    from docauto.registry.files import RegistryFiles

    return RegistryFiles(registry).backups()


def purge(
    registry: Path, before: dt.date, *, anonymised_name: str = "Anonymiseret", dry_run: bool = False
) -> PurgeResult:
    """Anonymise the not-hired applicants received before ``before`` everywhere the tool
    keeps data (see the module docstring). Holds the registry lock; RegistryError when the
    registry is open in Excel or in use by another run."""
    from docauto.output import atomic_write
    from docauto.registry import read_registry
    from docauto.registry.journal import read_pending
    from docauto.registry.lock import RegistryLock
    from docauto.registry.workbook import RegistryBook

    registry = Path(registry)
    result = PurgeResult(before=before, dry_run=dry_run)
    with RegistryLock(registry) as lock:
        if not lock.acquired:
            raise RegistryError(
                f"{registry}: kan ikke anonymisere nu: {lock.reason}",
                hint="luk registret og kør igen",
            )
        sources = [read_registry(registry)]
        backups = backup_files(registry)
        for b in backups:
            try:
                sources.append(read_registry(b))
            except RegistryError:
                pass  # a damaged backup is still searched as text below
        sources.append(_journal_sheets(read_pending(registry)))
        people, kept, hired_names = find_people(sources, before, anonymised_name)
        result.people, result.kept_recent = len(people), len(kept)
        redact = Redactor(people, hired_names)
        keys = {p.key for p in people}

        book = RegistryBook.open(registry, repair=False)
        anonymise_workbook(book.wb, people, redact, before, anonymised_name, result)
        if not dry_run and (result.rows or result.cells or result.inbox_notes):
            book.save()  # rotates backups: the pre-purge copy is purged right below
        for b in backup_files(registry):
            scratch = PurgeResult(before=before)
            try:
                import openpyxl

                wb = openpyxl.load_workbook(b, rich_text=True)
            except Exception:
                if not dry_run:
                    b.unlink(missing_ok=True)
                result.backups += 1
                continue
            anonymise_workbook(wb, people, redact, before, anonymised_name, scratch)
            if scratch.rows or scratch.cells or scratch.inbox_notes:
                result.backups += 1
                if not dry_run:
                    buf = io.BytesIO()
                    wb.save(buf)
                    atomic_write(b, buf.getvalue())
        if dry_run:
            journals = _journal_files(registry)
        else:
            from docauto.registry import journal

            # B's own hand-over: the live journal is moved aside as an 'applying' file that no
            # run appends to any more (a run locked out meanwhile starts a fresh live journal),
            # so rewriting it cannot lose an entry; the next ingest applies it as usual.
            journals, _entries = journal.take_for_applying(registry)
        for j in journals:
            result.journal_entries += _rewrite_journal(j, redact, keys, anonymised_name, dry_run)
        result.quarantine_deleted = _purge_quarantine(registry, redact, before, dry_run)
        result.temp_copies = _purge_temp_copies(registry, dry_run)
    return result


def _purge_temp_copies(registry: Path, dry_run: bool) -> int:
    from docauto.registry.files import RegistryFiles

    files = RegistryFiles(registry)
    if dry_run:
        return len(files.temp_files())
    return len(files.remove_stale_temps())


# --- export of one person -------------------------------------------------------------------


def person_export(registry: Path, address: str) -> dict[str, Any]:
    """Everything the tool holds about the person with this e-mail (GDPR art. 15), as data:
    the registry's rows (every sheet, HR's columns included) naming the e-mail, or the
    person's name where a row has no e-mail; the backups' likewise; pending journal entries;
    and the quarantined mails that mention the person."""
    import openpyxl

    from docauto.registry.journal import read_pending

    registry = Path(registry)
    mail = norm(address)
    names: set[str] = set()

    def rows_of(path: Path) -> dict[str, list[dict[str, Any]]]:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            found: dict[str, list[dict[str, Any]]] = {}
            for ws in wb.worksheets:
                if ws.sheet_state != "visible" and ws.title not in schema.SHEETS:
                    continue
                rows = list(ws.iter_rows(values_only=True))
                if not rows:
                    continue
                head = [
                    str(h) if h not in (None, "") else f"Kolonne {i + 1}"
                    for i, h in enumerate(rows[0])
                ]
                for n, row in enumerate(rows[1:], start=2):
                    values = {
                        h: row[i]
                        for i, h in enumerate(head)
                        if i < len(row) and row[i] not in (None, "")
                    }
                    cells = [norm(v) for v in values.values() if isinstance(v, str)]
                    by_mail = any(mail and mail in c for c in cells)
                    by_name = not any("@" in c for c in cells) and any(
                        norm(n_) == c for n_ in names for c in cells
                    )
                    if by_mail or by_name:
                        for col in ("Ansøger", "Kandidat", "Navn", "Ansat"):
                            if by_mail and text(values.get(col)):
                                names.add(text(values[col]))
                        found.setdefault(ws.title, []).append(
                            {"række": n, **{k: _jsonable(v) for k, v in values.items()}}
                        )
            return found
        finally:
            wb.close()

    rows_of(registry)  # first pass learns the names used with the e-mail
    out: dict[str, Any] = {
        "e-mail": mail,
        "navne": [],
        "udtrukket": dt.datetime.now().replace(microsecond=0).isoformat(),
        "registret": rows_of(registry),
        "sikkerhedskopier": {b.name: rows_of(b) for b in backup_files(registry)},
        "journal": [],
        "karantæne": [],
    }
    out["navne"] = sorted(names)
    for e in read_pending(registry):
        blob = json.dumps(e, ensure_ascii=False, default=str)
        if mail and mail in blob.casefold():
            out["journal"].append(json.loads(blob))
    for p in quarantine_files(registry):
        if p.suffix.lower() == ".json":
            continue
        if mail and mail in mail_text(p.read_bytes()).casefold():
            reason = p.with_suffix(".json")
            info = json.loads(reason.read_text(encoding="utf-8")) if reason.exists() else {}
            out["karantæne"].append({"fil": p.name, "grund": info.get("grund", "")})
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def export_counts(export: dict[str, Any]) -> dict[str, int]:
    return {
        "rows": sum(len(v) for v in export["registret"].values()),
        "backup_rows": sum(len(v) for s in export["sikkerhedskopier"].values() for v in s.values()),
        "journal_entries": len(export["journal"]),
        "quarantined": len(export["karantæne"]),
    }
