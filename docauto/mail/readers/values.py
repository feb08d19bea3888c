"""Cleaning and converting the values people type into forms: text, dates and whole numbers.

Shared by the attachment readers and row validation, so a value is read the same way whether
it came from Excel, Word or a CSV file.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

# Control characters (except tab/newline, which become spaces) would break the registry's XML
# or hide text; they are removed, everything else a person wrote is kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\ufeff]")
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")

EXCEL_EPOCH = datetime(1899, 12, 30)
# Excel serial numbers that can be a date in this domain (1954 .. 2119).
_SERIAL_RANGE = (20_000, 80_000)


def clean_text(value: Any) -> str:
    """Text as the person wrote it, without control characters and surplus whitespace."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_value(value: Any) -> str | int | float | date | None:
    """A cell value as a reader hands it on: text cleaned, whole floats as int, datetimes at
    midnight as dates; an empty cell is None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, int):
        return value
    text = clean_text(value)
    return text or None


def parse_date(value: Any) -> date | None:
    """A date from an Excel date or serial number, 08.10.2010, 8/10/2010, 8-10-10, 2010-10-08
    or 8. oktober 2010 (Danish order: day before month). None if it is not a valid date."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return (EXCEL_EPOCH + timedelta(days=int(value))).date()
        return None
    text = clean_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return parse_date(float(text))
    from docauto.dates import parse_date as strict

    try:
        return strict(text)
    except ValueError:  # 31.02.2010, or not a date at all
        return None


def parse_int(value: Any) -> int | None:
    """A whole number from a number or from text like '2', ' 2 ', '2.' or '2,0'."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = clean_text(value)
    m = re.fullmatch(r"([+-]?\d+)(?:[.,]0*)?\.?", text)
    return int(m.group(1)) if m else None
