"""Danish Jinja filters for templates, built on Babel's CLDR data (not hand-made tables).

{{ frist | dato }}            -> 8. oktober 2010
{{ frist | dato_ugedag }}     -> fredag den 8. oktober 2010
{{ frist | dato_kort }}       -> 08.10.2010
{{ frist | uge }}             -> uge 41
{{ beløb | tal }}             -> 1.250,5     {{ beløb | tal(2) }} -> 1.250,50
{{ beløb | kroner }}          -> 1.250,50 kr.
{{ tid | klokken }}           -> 13.30
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

LOCALE = "da_DK"


def to_date(value: Any) -> dt.date:
    """Accept a date, a datetime, or ISO / Danish text (2010-10-08, 08.10.2010, 8. oktober 2010)."""
    from docauto.dates import parse_date

    return parse_date(value)


def dato(value: Any, fmt: str = "d. MMMM y") -> str:
    from babel.dates import format_date

    return format_date(to_date(value), format=fmt, locale=LOCALE)


def dato_ugedag(value: Any) -> str:
    return dato(value, "EEEE 'den' d. MMMM y")


def dato_kort(value: Any) -> str:
    return to_date(value).strftime("%d.%m.%Y")


def uge(value: Any) -> str:
    return f"uge {to_date(value).isocalendar().week}"


def tal(value: Any, decimals: int | None = None) -> str:
    from babel.numbers import format_decimal

    if value is None or value == "":
        return ""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if decimals is None:
        return format_decimal(number, locale=LOCALE)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(number, format=pattern, locale=LOCALE, decimal_quantization=True)


def kroner(value: Any) -> str:
    return f"{tal(value, 2)} kr."


def klokken(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return f"{value.hour:02d}.{value.minute:02d}"
    return str(value)


def join_and(values: Any, last: str = "og") -> str:
    """['a', 'b', 'c'] -> 'a, b og c' (Danish list)."""
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


FILTERS = {
    "dato": dato,
    "dato_ugedag": dato_ugedag,
    "dato_kort": dato_kort,
    "uge": uge,
    "tal": tal,
    "kroner": kroner,
    "klokken": klokken,
    "opremsning": join_and,
}
