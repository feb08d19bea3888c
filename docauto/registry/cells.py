"""How the overview reads a registry cell: names and areas compared whitespace- and
case-blind, dates written by hand as text, the role as HR types it. (Shared by the registry
view and the point-in-time cut, which must not import each other.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from docauto.registry import schema

__all__ = ["norm", "role_of", "text", "to_date"]


def norm(value: Any) -> str:
    """Whitespace-collapsed, case-folded text: how names and areas are compared."""
    return " ".join(str(value or "").split()).casefold()


def text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def to_date(value: Any) -> dt.date | None:
    """A registry date cell (datetime, date, ISO text or dd-mm-yyyy text) as a date."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y %H:%M"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(s).date()
    except ValueError:
        return None


def role_of(label: Any) -> str | None:
    """'Klyngeleder' / 'Pædagogisk leder' (any case) -> role id."""
    key = norm(label)
    for lab, role in schema.LABEL_ROLE.items():
        if norm(lab) == key:
            return role
    return None
