"""Watch mode: poll a mail source, ingest what is new, wait, repeat, until told to stop.

- A stop request (Ctrl-C, SIGTERM, Windows' Ctrl-Break) is honoured *between* mails: the
  ingest run stops taking new mail, saves the registry once and marks the handled mail done,
  so the registry is consistent whenever the process ends. A second Ctrl-C aborts at once
  (the registry is written atomically, so even that leaves the old file intact).
- Network errors and throttling (TransientMailError, OSError) close the connection and wait
  with exponential backoff and jitter, at least as long as the server's Retry-After; the
  next successful poll resets the backoff. Anything else ends the loop with the error, since
  retrying it would not help: PermanentMailError (refused credentials, a missing permission
  such as Mail.Send or the right to move mail, an unknown mailbox or folder, a certificate the
  OS does not trust) carries the server's own words for IT, and the command exits 1.
- Mail is never registered twice across restarts: the source remembers what it moved, and
  the registry's memory (docauto's hidden sheet, see ``docauto.registry.memory``) catches
  whatever arrives again. A poll that finds no new mail does not load the registry at all.
Logs carry counts and error types, never senders, subjects or names.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from docauto.mail.sources.retry import Backoff, TransientMailError

log = logging.getLogger(__name__)

COUNTS = ("seen", "registered", "duplicates", "rejected", "pending", "rows")


def _summary_text(summary: Any) -> str:
    """A poll's outcome as the Danish summary line of ``mail ingest``."""
    lines = getattr(summary, "lines", None)
    if callable(lines):
        return "; ".join(lines())
    return ", ".join(f"{k} {getattr(summary, k, 0)}" for k in COUNTS)


@dataclass
class WatchTotals:
    polls: int = 0
    failures: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    stopped_by: str = ""

    def add(self, summary: Any) -> None:
        for key in COUNTS:
            self.counts[key] += int(getattr(summary, key, 0) or 0)


class StopRequest:
    """Set by a signal handler; read between mails and while waiting."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.reason = ""

    def set(self, reason: str) -> None:
        self.reason = self.reason or reason
        self.event.set()

    def is_set(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> bool:
        return self.event.wait(seconds)


def _stop_signals() -> list[int]:
    names = ["SIGINT", "SIGTERM", "SIGBREAK", "SIGHUP"]  # SIGBREAK: Windows Ctrl-Break
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


@contextlib.contextmanager
def signals_stop(stop: StopRequest) -> Iterator[None]:
    """While active, the stop signals set ``stop``; a second one aborts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only live in the main thread; the caller stops us
        return
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        name = signal.Signals(signum).name
        log.info(
            "%s modtaget: stopper efter den igangværende mail (igen for at afbryde straks)", name
        )
        stop.set(name)

    for sig in _stop_signals():
        try:
            previous[sig] = signal.signal(sig, handler)
        except (OSError, ValueError):  # not settable on this platform
            pass
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def watch_loop(
    open_source: Callable[[], Any],
    run_once: Callable[[Any, Callable[[], bool]], Any],
    *,
    interval: float,
    stop: StopRequest,
    max_polls: int | None = None,
    backoff: Backoff | None = None,
    on_poll: Callable[[Any], None] | None = None,
) -> WatchTotals:
    """Poll until stopped (or max_polls polls, counting failed ones). ``run_once(source,
    should_stop)`` ingests once and returns a summary with the REGISTRY.md §5 counts."""
    backoff = backoff or Backoff(base=max(2.0, interval / 10), cap=max(900.0, interval))
    totals = WatchTotals()
    source = None
    try:
        while not stop.is_set():
            delay = interval
            try:
                if source is None:
                    source = open_source()
                summary = run_once(source, stop.is_set)
                totals.add(summary)
                backoff.reset()
                if on_poll is not None:
                    on_poll(summary)
                log.info("kørsel %d: %s", totals.polls + 1, _summary_text(summary))
            except (TransientMailError, OSError) as exc:
                totals.failures += 1
                retry_after = getattr(exc, "retry_after", None)
                delay = backoff.next_delay(retry_after)
                # The type and the message, which names servers and codes, never a person.
                log.warning(
                    "kørsel %d mislykkedes (%s: %s); næste forsøg om %.0f s",
                    totals.polls + 1,
                    type(exc).__name__,
                    exc,
                    delay,
                )
                _close(source)
                source = None
            totals.polls += 1
            if max_polls is not None and totals.polls >= max_polls:
                break
            stop.wait(delay)
    finally:
        _close(source)
    totals.stopped_by = stop.reason or ("max polls" if max_polls else "")
    return totals


def _close(source: Any) -> None:
    if source is None:
        return
    try:
        source.close()
    except Exception:
        log.debug("kilden kunne ikke lukkes", exc_info=True)
