"""Transient failures of a mail server, and the backoff that waits them out.

A source raises TransientMailError for what will probably pass by itself (a dropped
connection, a timeout, throttling with or without a Retry-After); watch mode catches it, waits
and tries again. PermanentMailError (bad credentials, missing permissions, an unknown folder,
an untrusted certificate) stops the run, because retrying it only fills the server's log.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

from docauto.errors import MailError


class PermanentMailError(MailError):
    """The server said no in a way that waiting does not change: missing permissions, refused
    credentials, an unknown mailbox or folder, an untrusted certificate. The run ends with
    exit 1 and the server's own words; watch mode stops instead of retrying."""


class TransientMailError(MailError):
    """The server or the network failed in a way that is worth retrying later."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return max(0.0, (when - current).total_seconds())


class Backoff:
    """Exponential backoff with full jitter, capped; a server's Retry-After wins when larger.

    Jitter keeps several watchers (or several restarted services) from hammering a server
    that just came back at the same instant.
    """

    def __init__(
        self, base: float = 2.0, cap: float = 900.0, rng: Callable[[], float] = random.random
    ) -> None:
        self.base = base
        self.cap = cap
        self.failures = 0
        self._rng = rng

    def next_delay(self, retry_after: float | None = None) -> float:
        self.failures += 1
        ceiling = min(self.cap, self.base * (2 ** (self.failures - 1)))
        delay = ceiling / 2 + self._rng() * ceiling / 2
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.cap))
        return delay

    def reset(self) -> None:
        self.failures = 0


def call_with_retries(
    fn: Callable[[], object],
    *,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
    max_wait: float = 120.0,
) -> object:
    """Run fn, retrying TransientMailError a few times in place (short waits only).

    A Retry-After longer than max_wait is not waited here: the error goes up to watch mode,
    which waits between polls instead of holding a connection open.
    """
    backoff = Backoff(base=1.0, cap=max_wait)
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except TransientMailError as exc:
            if attempt == attempts or (exc.retry_after or 0) > max_wait:
                raise
            sleep(backoff.next_delay(exc.retry_after))
    raise AssertionError("unreachable")  # pragma: no cover
