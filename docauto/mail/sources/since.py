"""The ``since=YYYY-MM-DD`` spec option: ignore mail received before a date (e.g. the start of
the recruitment round, so years of old jobbank mail are not read on the first run)."""

from __future__ import annotations

from datetime import date

from docauto.errors import UsageError


def parse_since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"since={value} er ikke en dato", hint="since=2010-09-01") from None
