"""The registry as it stood on a date: what every ``--as-of`` view reads (REGISTRY.md §5,
"everything is as of --as-of").

Only rows received on or before the date count (the ``Modtaget`` columns of the data sheets
and of ``Indbakke``, the journal's times for mails waiting to be written). The status of each
position is derived again from those rows, in the order they were received, with the same
rule the writer uses (``schema.next_status``). A status HR typed by hand (one the rows do not
explain) counts from when it was set, when the registry knows (the position's ``Opdateret``);
a hand-set status whose time is unknown counts throughout, since HR's word is all there is.

A cluster-leader position exists from the start (``registry init``); any other position exists
from the first row about it, or else from its ``Opdateret`` (a vacancy report or a hire that
opened it leaves no row of its own).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docauto.registry import schema
from docauto.registry.cells import norm, role_of, text, to_date

if TYPE_CHECKING:
    from docauto.registry.data import RegistryView

# The status a row of each sheet reports for its position (as mail/handle.py's KIND_STATUS).
SHEET_STATUS = {
    schema.JOB_ADS: schema.OPSLAAET,
    schema.APPLICATIONS: schema.ANSOEGERE,
    schema.RECOMMENDATIONS: schema.KANDIDAT,
    schema.UNFILLED: schema.IKKE_BESAT,
    schema.HIRES: schema.BESAT,
}
_MIN = dt.datetime.min


@dataclass(frozen=True)
class Event:
    when: dt.datetime
    status: str
    hired: str


def position_key(role: str | None, cluster: Any, unit: Any) -> tuple[str, str, str]:
    """How a row is matched to its position: role, cluster and (pedagogical leaders) unit."""
    return (role or "", norm(cluster), norm(unit) if role == "pedagogical_leader" else "")


def received_on_or_before(value: Any, as_of: dt.date) -> bool:
    """A row without a date (typed by HR) counts: nothing says it came later."""
    when = to_date(value)
    return when is None or when <= as_of


def _stamp(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    d = to_date(value)
    return dt.datetime.combine(d, dt.time()) if d else _MIN


def events_by_position(sheets: dict[str, list[dict[str, Any]]]) -> dict[tuple, list[Event]]:
    """Position key -> the status events its rows report, oldest first."""
    out: dict[tuple, list[Event]] = {}
    for sheet, status in SHEET_STATUS.items():
        for r in sheets.get(sheet, []):
            key = position_key(role_of(r.get("Stillingstype")), r.get("Klynge"), r.get("Enhed"))
            hired = text(r.get("Navn")) if sheet == schema.HIRES else ""
            out.setdefault(key, []).append(Event(_stamp(r.get("Modtaget")), status, hired))
    for events in out.values():
        events.sort(key=lambda e: e.when)
    return out


def fold(events: list[Event]) -> tuple[str, str]:
    """(status, hired) after the events, by the writer's rule; Opslået with none."""
    status, hired = "", ""
    for e in events:
        new = schema.next_status(status, e.status)
        if new is not None:
            status = new
            if new == schema.BESAT:
                hired = e.hired
    return status or schema.OPSLAAET, hired


def _filter_sheets(view: RegistryView, as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    dated = set(SHEET_STATUS) | {schema.INBOX} | set(schema.KIND_SHEET.values())
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in view.sheets.items():
        if name in dated or name not in schema.SHEETS:
            out[name] = [r for r in rows if received_on_or_before(r.get("Modtaget"), as_of)]
        else:
            out[name] = list(rows)
    return out


def _existed(
    row: dict[str, Any], now: list[Event], then: list[Event], as_of: dt.date, vacancies: bool
) -> bool:
    if role_of(row.get("Stillingstype")) == "cluster_leader":
        return True
    created = to_date(row.get("Oprettet"))
    if created is not None:
        return created <= as_of
    if then:
        return True
    if now:
        # Rows about it came later; without its Oprettet date only a vacancy report received
        # by then (which opens positions without rows of its own) can have opened it.
        return vacancies
    updated = to_date(row.get("Opdateret"))
    return updated is None or updated <= as_of


def _vacancy_report_by(view: RegistryView, as_of: dt.date) -> bool:
    for r in view.rows(schema.INBOX):
        if norm(r.get("Status")) != norm(schema.REGISTERED):
            continue
        if "vakant" in norm(r.get("Type")) and received_on_or_before(r.get("Modtaget"), as_of):
            return True
    return False


def _position_at(
    row: dict[str, Any], now: list[Event], then: list[Event], as_of: dt.date, vacancies: bool
) -> dict[str, Any] | None:
    """The Stillinger row as it stood at the date, or None if the position did not exist yet."""
    if not _existed(row, now, then, as_of, vacancies):
        return None
    recorded = text(row.get("Status"))
    status, hired = fold(then)
    if recorded and recorded != fold(now)[0]:
        # Set by hand: it counts from when it was set, or throughout when that is unknown.
        updated = to_date(row.get("Opdateret"))
        if updated is None or updated <= as_of:
            status, hired = recorded, text(row.get("Ansat"))
    return {**row, "Status": status, "Ansat": hired}


def view_at(view: RegistryView, as_of: dt.date) -> RegistryView:
    """The registry as it stood at the end of ``as_of``."""
    full = view.full or view
    sheets = _filter_sheets(full, as_of)
    now = events_by_position(full.sheets)
    then = events_by_position(sheets)
    vacancies = _vacancy_report_by(full, as_of)
    positions = []
    for row in full.rows(schema.POSITIONS):
        key = position_key(role_of(row.get("Stillingstype")), row.get("Klynge"), row.get("Enhed"))
        cut = _position_at(row, now.get(key, []), then.get(key, []), as_of, vacancies)
        if cut is not None:
            positions.append(cut)
    sheets[schema.POSITIONS] = positions
    pending = [
        e
        for e in full.pending
        if received_on_or_before(e.get("when") or (e.get("inbox") or {}).get("Modtaget"), as_of)
    ]
    return type(full)(full.path, sheets, pending, as_of=as_of, full=full)
