"""Applicant data protection: anonymise the applicants who were not hired (``purge``) and
export everything held about one person (``person_export``).

Who is purged: a person (one e-mail; or one name where no e-mail was given) who appears in
``Ansøgninger`` or ``Indstillinger`` and was not hired (not in ``Ansættelser``, not ``Ansat``
in ``Stillinger``), and all of whose rows were received before the cut-off date. A person
with a newer row is still within the retention period and is left whole.

Where: every file the tool keeps beside the registry —
  - the registry: the person's rows get the name ``Anonymiseret`` and empty e-mail, current
    position and workplace; then every text cell, cell comment, threaded comment, text box
    and chart label cache in every sheet (HR's own columns and sheets too) has the person's
    e-mail and full name replaced. It is edited in place through ``RegistryWriter``: only
    those cells (in the sheet XML, or the shared strings holding their text) and parts
    change; pictures, drawings, pivot tables, x14 validations, HR's sheets... are copied
    byte for byte. Shared strings only the overwritten cells used are emptied;
  - its backups ``<stem>.backup*.xlsx``: the same, in place, each left readable by its owner
    only (one that cannot be read is deleted);
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
from typing import TYPE_CHECKING, Any

from docauto.errors import RegistryError
from docauto.registry import schema
from docauto.registry.data import norm, text, to_date

if TYPE_CHECKING:
    from docauto.registry.ooxml import Package
    from docauto.registry.sheetedit import Cell
    from docauto.registry.writer import RegistryWriter

# (sheet, name column, columns cleared besides the e-mail) of the applicant sheets.
APPLICANT_SHEETS = {
    schema.APPLICATIONS: ("Ansøger", ("Nuværende stilling", "Nuværende arbejdssted")),
    schema.RECOMMENDATIONS: ("Kandidat", ()),
}
REDACTED = "[anonymiseret]"
_TRIE_DEPTH = 200  # characters; the trie's regex is built recursively
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
                _add_person(people, r, name_col, (hired_mails, hired_names), anonymised_name)
    purge, kept = [], []
    for p in people.values():
        old = p.newest is not None and p.newest < before and not p.undated
        (purge if old else kept).append(p)
    return purge, kept, hired_names


def _add_person(
    people: dict[str, Person],
    row: dict[str, Any],
    name_col: str,
    hired: tuple[set[str], set[str]],
    anonymised_name: str,
) -> None:
    """Count one applicant row towards its person (by e-mail, else by name)."""
    name, mail = text(row.get(name_col)), norm(row.get("E-mail"))
    if not mail and (not name or norm(name) == norm(anonymised_name)):
        return
    if (mail and mail in hired[0]) or (not mail and norm(name) in hired[1]):
        return
    key = f"mail:{mail}" if mail else f"name:{norm(name)}"
    p = people.setdefault(key, Person(key))
    if mail:
        p.emails.add(mail)
    if name:
        p.names.add(name)
    when = to_date(row.get("Modtaget"))
    if when is None:
        p.undated = True
    elif p.newest is None or when > p.newest:
        p.newest = when


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
        # One trie of the needles, not an alternation of them: with thousands of people a
        # plain alternation is tried needle by needle at every position of every cell.
        trie: dict[str, dict] = {}
        long = []  # beyond the trie's depth (a whole note typed as a name): as they are
        for n in needles:
            if len(n) > _TRIE_DEPTH:
                long.append("".join(_atoms(n)))
                continue
            node = trie
            for atom in _atoms(n.lower()):
                node = node.setdefault(atom, {})
            node[""] = {}
        alts = [*long, _trie_regex(trie)] if trie else long
        self.pattern = (
            re.compile(r"(?<![\w@.])(?:" + "|".join(alts) + r")(?![\w@])", re.IGNORECASE)
            if alts
            else None
        )

    def __call__(self, value: str) -> tuple[str, int]:
        if not self.pattern or not value:
            return value, 0
        return self.pattern.subn(REDACTED, value)

    def mentions(self, value: str) -> bool:
        return bool(self.pattern and self.pattern.search(value))


def _atoms(needle: str) -> list[str]:
    """A needle as regex atoms: each character escaped, the spaces between words any
    whitespace."""
    out: list[str] = []
    for i, word in enumerate(needle.split()):
        out += ([r"\s+"] if i else []) + [re.escape(ch) for ch in word]
    return out


def _trie_regex(node: dict[str, dict]) -> str:
    """The regex of a trie: longer needles are tried first (the optional tail is greedy)."""
    alts = [atom + _trie_regex(child) for atom, child in sorted(node.items()) if atom]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return "(?:" + body + ")?" if "" in node else body


def _is_target(row: dict[str, Any], name_col: str, people_keys: set[str]) -> bool:
    mail = norm(row.get("E-mail"))
    key = f"mail:{mail}" if mail else f"name:{norm(row.get(name_col))}"
    return key in people_keys


@dataclass
class _Plan:
    """What a purge removes, the same in the registry and in each backup."""

    keys: set[str]
    redact: Redactor
    before: dt.date
    anonymised_name: str


@dataclass
class _Strings:
    """Shared strings: which mention a purged person, which are still used by a cell kept,
    and which only cells the purge overwrote used (emptied, so no copy stays in the file)."""

    mentioned: set[int]
    used: set[int] = field(default_factory=set)
    dropped: set[int] = field(default_factory=set)


_SHARED_INDEX = re.compile(rb"<(?:\w+:)?v>\s*(\d+)\s*</(?:\w+:)?v>")
_TEXT_EL = re.compile(rb"(<(?:\w+:)?t\b[^>]*(?<!/)>)(.*?)(</(?:\w+:)?t>)", re.S)
_FORMULA_OR_VALUE = [
    re.compile(rb"(<(?:\w+:)?%s\b[^>]*(?<!/)>)(.*?)(</(?:\w+:)?%s>)" % (tag, tag), re.S)
    for tag in (b"f", b"v")
]
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_FIRST_RUN = re.compile(
    rb"<((?:\w+:)?)r\b[^>]*>\s*(<(?:\w+:)?rPr\b(?:[^>]*/>|.*?</(?:\w+:)?rPr>))?", re.S
)
_INLINE = re.compile(rb"(<(?:\w+:)?is\b[^>]*(?<!/)>)(.*?)(</(?:\w+:)?is>)", re.S)
_COMMENT_TEXT = re.compile(rb"(<(?:\w+:)?text\b[^>]*(?<!/)>)(.*?)(</(?:\w+:)?text>)", re.S)
_DRAWING_TEXT = re.compile(rb"(<(?:\w+:)?[tv]\b[^>]*>)([^<]*)(</(?:\w+:)?[tv]>)")
_HAS_TEXT = re.compile(rb"<(?:\w+:)?[tf]\b")
_TAG = re.compile(rb"<[^>]*>")
_EPOCHS = (dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1))


def _redact_element_text(m: re.Match[bytes], redact: Redactor) -> tuple[bytes, int]:
    from docauto.registry.ooxml import _unescape, text_xml

    new, n = redact(_unescape(m.group(2).decode("utf-8", "replace")))
    return (m.group(1) + text_xml(new) + m.group(3), n) if n else (m.group(0), 0)


def redact_runs(xml: bytes, redact: Redactor) -> tuple[bytes, bool]:
    """The text (``<t>``) of a shared string, an inline string or a comment redacted run by
    run, each keeping its formatting. A name split over runs (part of it bold) is caught too:
    the runs then become one, formatted as the first."""
    from docauto.registry.ooxml import _unescape, text_xml

    changed = False

    def one(m: re.Match[bytes]) -> bytes:
        nonlocal changed
        new, n = _redact_element_text(m, redact)
        changed = changed or bool(n)
        return new

    out = _TEXT_EL.sub(one, xml)
    whole = "".join(
        _unescape(t.decode("utf-8", "replace"))
        for _s, t, _e in _TEXT_EL.findall(_PHONETIC.sub(b"", out))
    )
    if not redact.mentions(whole):
        return out, changed
    run = _FIRST_RUN.search(out)
    pfx, props = (run.group(1), run.group(2) or b"") if run else (b"", b"")
    text = text_xml(redact(whole)[0])
    return b'<%sr>%s<%st xml:space="preserve">%s</%st></%sr>' % (
        pfx,
        props,
        pfx,
        text,
        pfx,
        pfx,
    ), True


def _redact_formula(xml: bytes, redact: Redactor) -> tuple[bytes, bool]:
    """A formula's text and its cached value (a name in a string literal, =A5's result)."""
    total = 0

    def one(m: re.Match[bytes]) -> bytes:
        nonlocal total
        new, n = _redact_element_text(m, redact)
        total += n
        return new

    out = xml
    for pattern in _FORMULA_OR_VALUE:
        out = pattern.sub(one, out)
    return out, bool(total)


def _redacted_cell(cell: Cell, redact: Redactor) -> Cell | None:
    """The cell with its text redacted (same start tag: style and type kept), or None."""
    from docauto.registry.sheetedit import Cell

    if not cell.inner:
        return None
    if cell.type == "inlineStr":
        m = _INLINE.search(cell.inner)
        if not m:
            return None
        runs, changed = redact_runs(m.group(2), redact)
        inner = cell.inner[: m.start(2)] + runs + cell.inner[m.end(2) :]
    else:
        inner, changed = _redact_formula(cell.inner, redact)
    return Cell(cell.col, cell.start, inner) if changed else None


def _date(value: Any, date1904: bool) -> dt.date | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return (_EPOCHS[date1904] + dt.timedelta(days=value)).date()
        except OverflowError:
            return None
    return to_date(value)


def _columns(writer: RegistryWriter, sheet: str, wanted: tuple[str, ...]) -> dict[str, int] | None:
    """The columns of a sheet by header text; None when the sheet or a header is not there."""
    from docauto.registry.ooxml import PackageError

    if not writer.has_sheet(sheet):
        return None
    try:
        writer.check({sheet: wanted})
    except (RegistryError, PackageError):
        return None
    return writer.columns(sheet)


def _anonymise_rows(
    writer: RegistryWriter, sheet: str, plan: _Plan, result: PurgeResult
) -> dict[int, dict[int, Any]]:
    """The purged people's rows: the anonymised name, their e-mail and details cleared."""
    name_col, extra = APPLICANT_SHEETS[sheet]
    cols = _columns(writer, sheet, (name_col, "E-mail", *extra))
    out: dict[int, dict[int, Any]] = {}
    for row, values in writer.iter_rows(sheet) if cols else ():
        if _is_target(values, name_col, plan.keys):
            result.rows += 1
            out[row] = {
                c: plan.anonymised_name if name == name_col else None for name, c in cols.items()
            }
    return out


def _inbox_notes(
    writer: RegistryWriter, plan: _Plan, result: PurgeResult
) -> dict[int, dict[int, Any]]:
    """Rejections received before the cut-off lose their details (after the first ': ')."""
    cols = _columns(writer, schema.INBOX, ("Modtaget", "Status", "Bemærkning"))
    if not cols:
        return {}
    out: dict[int, dict[int, Any]] = {}
    rejected = norm(schema.REJECTED)
    for row, v in writer.iter_rows(schema.INBOX):
        note = str(v["Bemærkning"] or "")
        when = _date(v["Modtaget"], writer.workbook.date1904)
        if when is None or when >= plan.before or norm(v["Status"]) != rejected:
            continue
        if ": " in note:
            kept = note.split(": ", 1)[0] + " (detaljer slettet efter opbevaringsperioden)"
            out[row] = {cols["Bemærkning"]: kept}
            result.inbox_notes += 1
    return out


def _shared_index(cell: Cell) -> int | None:
    if cell.type != "s":
        return None
    m = _SHARED_INDEX.search(cell.inner)
    return int(m.group(1)) if m else None


def _row_free_text(
    cells: list[Cell], changes: dict[int, Any], plan: _Plan, strings: _Strings, result: PurgeResult
) -> None:
    """Redact one row's text cells into ``changes`` (its cells set by the purge already are
    redacted as written); count each cell changed."""
    _redact_written(changes, plan, result)
    texts = []
    for cell in cells:
        index = _shared_index(cell)
        if cell.col in changes:
            strings.dropped |= {index} if index is not None else set()
        elif index is not None:
            strings.used.add(index)
            result.cells += index in strings.mentioned
        elif cell.inner and (_HAS_TEXT.search(cell.inner) or cell.type == "str"):
            texts.append(cell)
    # One search of the row's text first: most rows name no one.
    if texts and plan.redact.mentions(_row_text(texts)):
        for cell in texts:
            new_cell = _redacted_cell(cell, plan.redact)
            if new_cell is not None:
                changes[cell.col] = new_cell
                result.cells += 1


def _redact_written(changes: dict[int, Any], plan: _Plan, result: PurgeResult) -> None:
    """What the purge writes is redacted too (the start of a rejection note it keeps)."""
    for col, value in changes.items():
        if isinstance(value, str):
            new, n = plan.redact(value)
            if n:
                changes[col] = new
                result.cells += 1


def _row_text(cells: list[Cell]) -> str:
    """The cells' text (runs joined, formulas included), one cell from the next apart."""
    from docauto.registry.ooxml import _unescape

    raw = b"\x00".join(_TAG.sub(b"", c.inner) for c in cells)
    return _unescape(raw.decode("utf-8", "replace"))


def _free_text(
    writer: RegistryWriter,
    plan: _Plan,
    edits: dict[str, dict[int, dict[int, Any]]],
    result: PurgeResult,
) -> bool:
    """Every text cell of every worksheet (HR's own sheets and columns, the hidden memory),
    then the shared strings. True if a shared string changed."""
    if plan.redact.pattern is None and not any(edits.values()):
        return False  # no one to look for, no cell overwritten: nothing to do
    items = writer.shared_items()
    strings = _Strings({i for i, s in enumerate(writer.shared()) if plan.redact.mentions(s)})
    for sheet in writer.worksheets():
        ws = writer.sheet(sheet)
        changes = edits.setdefault(sheet, {})
        for row in ws.rows():
            row_changes = changes.setdefault(row.num, {})
            _row_free_text(row.cells(ws.pfx), row_changes, plan, strings, result)
            if not row_changes:
                del changes[row.num]
    new_items = {i: redact_runs(items[i], plan.redact)[0] for i in strings.mentioned}
    for i in strings.dropped - strings.used - strings.mentioned:
        empty = _empty_item(items[i]) if i < len(items) else None
        if empty is not None and items[i] != empty:
            new_items[i] = empty
    writer.rewrite_shared_strings(new_items)
    return bool(new_items)


def _empty_item(item: bytes) -> bytes:
    """An empty shared string in the item's own namespace prefix."""
    m = re.match(rb"\s*<((?:\w+:)?)", item)
    return b"<%st/>" % (m.group(1) if m else b"")


def _comments(writer: RegistryWriter, plan: _Plan, result: PurgeResult) -> None:
    """Cell comments (Excel's notes) and threaded comments of every worksheet."""
    from docauto.registry.ooxml import relationships

    for sheet in writer.worksheets():
        for rel in relationships(writer.pkg, writer.workbook.sheets[sheet]):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            if kind in ("comments", "threadedComment") and "part" in rel:
                _redact_comment_part(writer.pkg, rel["part"], kind == "comments", plan, result)


def _redact_comment_part(
    pkg: Package, part: str, runs: bool, plan: _Plan, result: PurgeResult
) -> None:
    changed = 0

    def one(m: re.Match[bytes]) -> bytes:
        nonlocal changed
        if runs:
            inner, n = redact_runs(m.group(2), plan.redact)
            new = m.group(1) + inner + m.group(3)
        else:
            new, n = _redact_element_text(m, plan.redact)
        changed += bool(n)
        return new

    data = pkg.read(part)
    new = _COMMENT_TEXT.sub(one, data)
    if changed:
        pkg.write(part, new)
        result.cells += changed


def _drawings(writer: RegistryWriter, plan: _Plan, result: PurgeResult) -> None:
    """Text HR typed in text boxes and shapes, and the text charts cache from cells (a
    chart's labels are copies of cells): each text element redacted, the rest kept."""
    from docauto.registry.ooxml import relationships

    for sheet in writer.worksheets():
        for rel in relationships(writer.pkg, writer.workbook.sheets[sheet]):
            if rel.get("Type", "").endswith("/drawing") and "part" in rel:
                charts = [
                    r["part"]
                    for r in relationships(writer.pkg, rel["part"])
                    if r.get("Type", "").endswith("/chart") and "part" in r
                ]
                for part in [rel["part"], *charts]:
                    result.cells += _redact_elements(writer.pkg, part, plan.redact)


def _redact_elements(pkg: Package, part: str, redact: Redactor) -> int:
    """Redact the text of each ``<a:t>``/``<c:v>`` (any prefix) of a part; how many changed."""
    changed = 0

    def one(m: re.Match[bytes]) -> bytes:
        nonlocal changed
        new, n = _redact_element_text(m, redact)
        changed += bool(n)
        return new

    data = pkg.read(part)
    new = _DRAWING_TEXT.sub(one, data)
    if changed:
        pkg.write(part, new)
    return changed


def anonymise(writer: RegistryWriter, plan: _Plan, result: PurgeResult) -> bool:
    """Apply the purge to a registry (or a backup) opened with ``RegistryWriter``, as
    in-place cell edits; everything else in the file stays byte for byte. Counts go to
    ``result``; True if anything is to be saved."""
    counted = (result.rows, result.cells, result.inbox_notes)
    edits = {sheet: _anonymise_rows(writer, sheet, plan, result) for sheet in APPLICANT_SHEETS}
    for row, values in _inbox_notes(writer, plan, result).items():
        edits.setdefault(schema.INBOX, {}).setdefault(row, {}).update(values)
    strings_changed = _free_text(writer, plan, edits, result)
    for sheet, changes in edits.items():
        writer.rewrite_cells(sheet, changes)
    _comments(writer, plan, result)
    _drawings(writer, plan, result)
    return strings_changed or counted != (result.rows, result.cells, result.inbox_notes)


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
    registry is open in Excel or LibreOffice or in use by another run. The registry and its
    backups are edited in place (``RegistryWriter``): pictures, drawings, comments, x14
    validations and HR's own sheets stay as they were, only the purged cells change."""
    from docauto.registry.lock import RegistryLock

    registry = Path(registry)
    result = PurgeResult(before=before, dry_run=dry_run)
    with RegistryLock(registry) as lock:
        if not lock.acquired:
            raise RegistryError(
                f"{registry}: kan ikke anonymisere nu: {lock.reason}",
                hint="luk registret og kør igen",
            )
        people, kept, hired_names = find_people(_sources(registry), before, anonymised_name)
        result.people, result.kept_recent = len(people), len(kept)
        plan = _Plan(
            {p.key for p in people}, Redactor(people, hired_names), before, anonymised_name
        )
        _purge_registry(registry, plan, result, dry_run)
        # After the registry's save: the copy it rotated into the backups is purged too.
        for b in backup_files(registry):
            result.backups += _purge_backup(registry, b, plan, dry_run)
        result.journal_entries = _purge_journals(registry, plan, dry_run)
        result.quarantine_deleted = _purge_quarantine(registry, plan.redact, before, dry_run)
        result.temp_copies = _purge_temp_copies(registry, dry_run)
    return result


def _sources(registry: Path) -> list[dict[str, list[dict[str, Any]]]]:
    """The registry, each readable backup and the pending journal, as sheets of rows."""
    from docauto.errors import MissingRegistryError
    from docauto.registry.journal import read_pending

    if not registry.exists():
        raise MissingRegistryError(f"{registry}: registret findes ikke")
    sources = [_read_people_columns(registry)]
    for b in backup_files(registry):
        try:
            sources.append(_read_people_columns(b))
        except RegistryError:
            pass  # a damaged backup is still searched as text, and deleted, below
    sources.append(_journal_sheets(read_pending(registry)))
    return sources


# The columns find_people reads, per sheet.
_PEOPLE_COLUMNS = {
    schema.HIRES: ("Navn", "E-mail"),
    schema.POSITIONS: ("Ansat",),
    schema.APPLICATIONS: ("Ansøger", "E-mail", "Modtaget"),
    schema.RECOMMENDATIONS: ("Kandidat", "E-mail", "Modtaget"),
}


def _read_people_columns(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The rows of the sheets find_people reads, read in place like the purge writes (no
    workbook model: a few seconds less per file at 10,000 rows)."""
    from docauto.registry.ooxml import PackageError
    from docauto.registry.writer import RegistryWriter

    writer = RegistryWriter.open(path, sheets={})
    try:
        out: dict[str, list[dict[str, Any]]] = {}
        for sheet, wanted in _PEOPLE_COLUMNS.items():
            if _columns(writer, sheet, wanted):
                out[sheet] = [
                    {**v, "Modtaget": _date(v.get("Modtaget"), writer.workbook.date1904)}
                    for _row, v in writer.iter_rows(sheet)
                ]
        return out
    except PackageError as exc:
        raise RegistryError(f"{path}: kan ikke læses ({exc})") from None
    finally:
        writer.close()


def _purge_registry(registry: Path, plan: _Plan, result: PurgeResult, dry_run: bool) -> None:
    from docauto.registry.files import RegistryFiles
    from docauto.registry.ooxml import PackageError
    from docauto.registry.writer import RegistryWriter

    writer = RegistryWriter.open(registry)  # a renamed owned sheet stops the purge
    try:
        if anonymise(writer, plan, result) and not dry_run:
            writer.save()  # rotates the backups: the pre-purge copy is purged below
    except PackageError as exc:
        raise RegistryError(
            f"{registry}: registret kan ikke læses ({exc}); intet er anonymiseret",
            hint=f"gendan {RegistryFiles(registry).backup().name}, hvis filen er beskadiget",
        ) from None
    finally:
        writer.close()


def _purge_backup(registry: Path, backup: Path, plan: _Plan, dry_run: bool) -> int:
    """1 if the backup held data of a purged person (now anonymised in place), or could
    not be read (then deleted: what cannot be edited faithfully is not kept); else 0."""
    from docauto.registry.files import RegistryFiles

    writer, changed = _anonymised_backup(backup, plan)
    if writer is None:
        if not dry_run:
            backup.unlink(missing_ok=True)
        return 1
    try:
        if changed and not dry_run:
            # Its temporary copy is named after the registry, so a later run removes one a
            # killed purge left; the backup ends readable by its owner only.
            writer.files = RegistryFiles(registry)
            _owner_only(backup)
            writer.save(backup=False)
    finally:
        writer.close()
    return int(changed)


def _anonymised_backup(backup: Path, plan: _Plan) -> tuple[RegistryWriter | None, bool]:
    """(the backup opened and anonymised, whether it changed); (None, True) if damaged."""
    from docauto.registry.ooxml import PackageError
    from docauto.registry.writer import RegistryWriter

    try:
        writer = RegistryWriter.open(backup, sheets={})
    except RegistryError:
        return None, True
    try:
        return writer, anonymise(writer, plan, PurgeResult(before=plan.before))
    except (RegistryError, PackageError):
        writer.close()
        return None, True


def _owner_only(path: Path) -> None:
    """The mode the saved file gets (``commit`` copies the old file's mode onto it)."""
    import os

    if os.name == "posix":
        os.chmod(path, 0o600)


def _purge_journals(registry: Path, plan: _Plan, dry_run: bool) -> int:
    if dry_run:
        journals = _journal_files(registry)
    else:
        from docauto.registry import journal

        # B's own hand-over: the live journal is moved aside as an 'applying' file that no
        # run appends to any more (a run locked out meanwhile starts a fresh live journal),
        # so rewriting it cannot lose an entry; the next ingest applies it as usual.
        journals, _entries = journal.take_for_applying(registry)
    return sum(
        _rewrite_journal(j, plan.redact, plan.keys, plan.anonymised_name, dry_run) for j in journals
    )


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
    from docauto.registry.journal import read_pending

    registry = Path(registry)
    mail = norm(address)
    names: set[str] = set()
    _rows_of(registry, mail, names)  # first pass learns the names used with the e-mail
    out: dict[str, Any] = {
        "e-mail": mail,
        "navne": [],
        "udtrukket": dt.datetime.now().replace(microsecond=0).isoformat(),
        "registret": _rows_of(registry, mail, names),
        "sikkerhedskopier": {b.name: _rows_of(b, mail, names) for b in backup_files(registry)},
        "journal": [],
        "karantæne": _quarantined(registry, mail),
    }
    out["navne"] = sorted(names)
    for e in read_pending(registry):
        blob = json.dumps(e, ensure_ascii=False, default=str)
        if mail and mail in blob.casefold():
            out["journal"].append(json.loads(blob))
    return out


def _rows_of(path: Path, mail: str, names: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every sheet of one workbook that name the e-mail (or, without any
    e-mail in the row, one of ``names``); names found beside the e-mail join ``names``."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        found: dict[str, list[dict[str, Any]]] = {}
        for ws in wb.worksheets:
            if ws.sheet_state != "visible" and ws.title not in schema.SHEETS:
                continue
            rows = _sheet_rows(ws, mail, names)
            if rows:
                found[ws.title] = rows
        return found
    finally:
        wb.close()


def _sheet_rows(ws: Any, mail: str, names: set[str]) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        return []
    head = [str(h) if h not in (None, "") else f"Kolonne {i + 1}" for i, h in enumerate(rows[0])]
    found = []
    for n, row in enumerate(rows[1:], start=2):
        values = {
            h: row[i] for i, h in enumerate(head) if i < len(row) and row[i] not in (None, "")
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
            found.append({"række": n, **{k: _jsonable(v) for k, v in values.items()}})
    return found


def _quarantined(registry: Path, mail: str) -> list[dict[str, str]]:
    out = []
    for p in quarantine_files(registry):
        if p.suffix.lower() == ".json":
            continue
        if mail and mail in mail_text(p.read_bytes()).casefold():
            reason = p.with_suffix(".json")
            info = json.loads(reason.read_text(encoding="utf-8")) if reason.exists() else {}
            out.append({"fil": p.name, "grund": info.get("grund", "")})
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
