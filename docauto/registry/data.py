"""The registry as the overview reads it: positions, registered mails, recommendations.

Read-only, through B's ``docauto.registry.read_registry`` and schema constants, so the sheet
and column names exist in one place only. Cells HR typed by hand (a date written as text, a
role in lower case) are read leniently: the overview must not fail on a registry people use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docauto.registry import schema
from docauto.registry.cells import norm, role_of, text, to_date

__all__ = ["Position", "Received", "RegistryView", "norm", "role_of", "text", "to_date"]


def _type_map() -> dict[str, tuple[str | None, str]]:
    """Indbakke 'Type' text -> (role, kind), as ingest writes it ('Klyngeleder – <kind>')."""
    out: dict[str, tuple[str | None, str]] = {}
    for kind, klabel in schema.KIND_LABEL.items():
        out[norm(klabel)] = (None, kind)
        for role, rlabel in schema.ROLE_LABEL.items():
            for dash in ("–", "-", "—"):
                out[norm(f"{rlabel} {dash} {klabel}")] = (role, kind)
    return out


@dataclass(frozen=True)
class Position:
    id: str
    role: str | None
    area: str
    cluster: str
    unit: str
    status: str
    hired: str
    # Why the position exists, when an event opened it (the optional column Årsag).
    reason: str = ""
    # Since when, for a position an event opened (the optional column Oprettet).
    created: dt.date | None = None


@dataclass(frozen=True)
class Received:
    """One mail the registry holds as registered (or accepted and waiting in the journal)."""

    message_id: str
    when: dt.date | None
    role: str | None
    kind: str | None
    round: int | None
    areas: frozenset[str]


@dataclass
class RegistryView:
    path: Path
    sheets: dict[str, list[dict[str, Any]]]
    pending: list[dict[str, Any]] = field(default_factory=list)
    # The date this view is the registry as of (None: everything it holds now).
    as_of: dt.date | None = None
    # The whole registry this view was cut from (so a later date can be asked of it too).
    full: RegistryView | None = field(default=None, repr=False)

    def at(self, as_of: dt.date | None) -> RegistryView:
        """The registry as it stood at the end of ``as_of`` (see ``pointintime``)."""
        if as_of is None or as_of == self.as_of:
            return self
        from docauto.registry.pointintime import view_at

        return view_at(self, as_of)

    @classmethod
    def load(cls, path: str | Path) -> RegistryView:
        from docauto.registry import read_registry
        from docauto.registry.journal import read_pending

        path = Path(path)
        return cls(path, read_registry(path), read_pending(path))

    def rows(self, sheet: str) -> list[dict[str, Any]]:
        return self.sheets.get(sheet, [])

    def positions(self) -> list[Position]:
        out = []
        for r in self.rows(schema.POSITIONS):
            out.append(
                Position(
                    id=text(r.get("Stillings-ID")),
                    role=role_of(r.get("Stillingstype")),
                    area=text(r.get("Område")),
                    cluster=text(r.get("Klynge")),
                    unit=text(r.get("Enhed")),
                    status=text(r.get("Status")),
                    hired=text(r.get("Ansat")),
                    reason=text(r.get("Årsag")),
                    created=to_date(r.get("Oprettet")),
                )
            )
        return out

    def _row_areas(self) -> dict[str, set[str]]:
        """Message-ID -> the areas of the rows that mail added (any data sheet)."""
        out: dict[str, set[str]] = {}
        for sheet in schema.KIND_SHEET.values():
            for r in self.rows(sheet):
                mid = text(r.get("Kilde"))
                area = text(r.get("Område"))
                if mid and area:
                    out.setdefault(mid, set()).add(area)
        return out

    def received(self, structure: Any = None) -> list[Received]:
        """Registered mails with role, kind, round, date and the areas they were about.

        The area comes from the rows the mail added; a mail without rows (a report of
        vacancies only moves Stillinger) falls back on the sender's area in the structure.
        """
        types = _type_map()
        by_mail = self._row_areas()
        sender_areas: dict[str, set[str]] = {}
        if structure is not None:
            for a in structure.areas.values():
                for e in a.authorised_emails:
                    sender_areas.setdefault(e, set()).add(a.name)
        out: list[Received] = []
        seen: set[str] = set()
        for r in self.rows(schema.INBOX):
            if norm(r.get("Status")) != norm(schema.REGISTERED):
                continue
            mid = text(r.get("Message-ID"))
            role, kind = types.get(norm(r.get("Type")), (None, None))
            if kind is None or role is None:
                from docauto.mail.classify import classify

                c = classify(text(r.get("Emne")))
                role, kind = role or c.role, kind or c.kind
            rnd = _round(r.get("Runde"), kind)
            areas = by_mail.get(mid) or sender_areas.get(norm(r.get("Afsender")), set())
            out.append(Received(mid, to_date(r.get("Modtaget")), role, kind, rnd, frozenset(areas)))
            seen.add(mid)
        out.extend(self._pending_received(seen))
        return out

    def _pending_received(self, seen: set[str]) -> list[Received]:
        """Journal entries (accepted while Excel held the registry) count as received."""
        types = _type_map()
        out = []
        for e in self.pending:
            mid = text(e.get("message_id"))
            if not mid or mid in seen or e.get("status") not in (schema.REGISTERED, schema.PENDING):
                continue
            inbox = e.get("inbox") if isinstance(e.get("inbox"), dict) else {}
            role, kind = types.get(norm(inbox.get("Type")), (None, None))
            areas = {text(v.get("Område")) for _s, v in _entry_rows(e) if v.get("Område")}
            areas |= {
                text(p.get("area"))
                for p in e.get("positions") or []
                if isinstance(p, dict) and p.get("area")
            }
            out.append(
                Received(
                    mid,
                    to_date(e.get("when") or inbox.get("Modtaget")),
                    role,
                    kind,
                    _round(inbox.get("Runde"), kind),
                    frozenset(a for a in areas if a),
                )
            )
            seen.add(mid)
        return out

    def recommendations(self) -> list[dict[str, Any]]:
        return self.rows(schema.RECOMMENDATIONS)


def _entry_rows(entry: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for item in entry.get("rows") or []:
        if isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[1], dict):
            out.append((str(item[0]), item[1]))
        elif isinstance(item, dict) and isinstance(item.get("values"), dict):
            out.append((str(item.get("sheet", "")), item["values"]))
    return out


def _round(value: Any, kind: str | None) -> int | None:
    if kind != "candidates":
        return None
    try:
        return int(value) if value not in (None, "") else 1
    except (TypeError, ValueError):
        return 2 if "2" in str(value) else 1
