"""Dates as people write them, read one way everywhere: ISO, Danish day-first numbers and
Danish month names. A date that does not exist (31 November) is an error, never rolled over.

Used by the template filters, the review planner's inputs and the attachment readers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

_MONTHS = {
    name: i
    for i, name in enumerate(
        (
            "januar",
            "februar",
            "marts",
            "april",
            "maj",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTH_NAMES = {v: k for k, v in _MONTHS.items()}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DMY = re.compile(r"^(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{2}|\d{4})$")
_TEXT = re.compile(r"^(\d{1,2})\.?\s*([a-zæøå]+)\.?\s*(\d{4})$", re.IGNORECASE)


def _make(year: int, month: int, day: int, original: Any) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"'{original}' er ikke en gyldig dato (der er ingen måned {month})")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(
            f"'{original}' er ikke en gyldig dato ({_MONTH_NAMES[month]} {year} "
            f"har kun {last} dage)"
        )
    return dt.date(year, month, day)


def parse_date(value: Any) -> dt.date:
    """A date from a date object or ISO / Danish text; ValueError (in Danish) otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if m := _ISO.match(text):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    if m := _DMY.match(text):
        year = int(m.group(3))
        if year < 100:  # two digits: 08 is 2008, 95 is 1995
            year += 2000 if year < 70 else 1900
        return _make(year, int(m.group(2)), int(m.group(1)), text)
    if m := _TEXT.match(text):
        month = _MONTHS.get(m.group(2).casefold())
        if month is None:
            short = {k[:3]: v for k, v in _MONTHS.items()}.get(m.group(2).casefold()[:3])
            if short is None:
                raise ValueError(f"'{text}' er ikke en dato (ukendt måned '{m.group(2)}')")
            month = short
        return _make(int(m.group(3)), month, int(m.group(1)), text)
    raise ValueError(f"'{text}' er ikke en dato (skriv fx 2012-09-14 eller 14.09.2012)")


def parse_date_range(value: Any) -> tuple[dt.date, dt.date]:
    """'2012-10-15..2012-10-19' or '15.10.2012 til 19.10.2012' or a single date."""
    if isinstance(value, dt.date):
        d = parse_date(value)
        return d, d
    text = str(value).strip()
    parts = re.split(r"\s*(?:\.\.|\s+til\s+|\s+[–—]\s+)\s*", text, maxsplit=1)
    first = parse_date(parts[0])
    last = parse_date(parts[1]) if len(parts) == 2 else first
    if last < first:
        raise ValueError(f"'{text}': slutdatoen ligger før startdatoen")
    return first, last


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
