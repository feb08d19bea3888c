"""Reading many mails at once: parse and decide in worker processes, results in source order.

Parsing a mail and reading its forms is most of an ingest run's time, and it is pure (no file
is written), so a big batch is spread over a few processes while the main process loads the
registry. Everything that touches the registry, the journal, the quarantine or the source
stays in the main process, in the source's order. Small batches (and ``jobs=1``) are read in
the main process: starting workers costs more than it saves there.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docauto.mail.sources import SourceItem
    from docauto.structure.model import Structure

log = logging.getLogger(__name__)

JOBS_ENV = "DOCAUTO_INGEST_JOBS"
PARALLEL_MIN = 48  # mails; below this the main process reads them itself
CHUNK = 8  # mails per task: one round trip to a worker costs about what reading a mail does
# Chunks queued per worker: enough that the workers go on reading while the main process
# saves a batch (~0.5 s for a registry of 50,000 rows), few enough that memory stays small
# (~128 mails a worker, a few MB) and a stop asked for is prompt.
IN_FLIGHT_PER_JOB = 16

_worker: dict[str, Any] = {}
PARENT_POLL_SECONDS = 1.0


def _init(structure: Structure, hr: tuple[str, ...], origin: Any = None) -> None:
    _worker["structure"] = structure
    _worker["hr"] = hr
    _worker["origin"] = origin
    _watch_parent()


def _watch_parent() -> None:
    """Exit this worker as soon as the process that started it is gone (killed, crashed):
    otherwise it lives on forever holding the parent's pipes. Works on Windows too: the
    parent's sentinel is its process handle there and a pipe that reaches EOF on POSIX."""
    import multiprocessing
    import threading

    parent = multiprocessing.parent_process()
    first_ppid = os.getppid()

    def watchdog() -> None:
        from multiprocessing.connection import wait

        sentinel = getattr(parent, "sentinel", None)
        while True:
            if sentinel is not None:
                try:
                    if wait([sentinel], timeout=PARENT_POLL_SECONDS):
                        break
                except OSError:
                    break
            elif _sleep_gone(first_ppid):
                break
            if os.name != "nt" and os.getppid() != first_ppid:
                break  # re-parented to init: the parent died
        os._exit(1)

    threading.Thread(target=watchdog, name="docauto-parent-watchdog", daemon=True).start()


def _sleep_gone(first_ppid: int) -> bool:
    import time

    time.sleep(PARENT_POLL_SECONDS)
    return os.name != "nt" and os.getppid() != first_ppid


def _prepare(items: list[SourceItem]) -> list[Any]:
    from docauto.mail.prepare import prepare

    structure, hr, origin = _worker["structure"], _worker["hr"], _worker.get("origin")
    return [_without_content(*prepare(item, structure, hr, (), origin)) for item in items]


def _without_content(parsed: Any, decision: Any) -> tuple[Any, Any]:
    """What the main process needs of a mail read in a worker: the decision and the mail's
    headers, not its bytes, text or files (it has the bytes; the rest went into the decision).
    Sending them back doubled what crosses the pipe and what the main process allocates and
    frees for every mail."""
    import dataclasses

    return dataclasses.replace(parsed, raw=b"", body_text="", attachments=[]), decision


MAX_DEFAULT_JOBS = 4  # more workers than this only wait for the main process


def default_jobs() -> int:
    """$DOCAUTO_INGEST_JOBS, else one worker per core this process may use (at most
    ``MAX_DEFAULT_JOBS``); on one core the main process reads the mails itself. Reading is
    ~85% of an ingest run and each mail is read on its own, so two cores read twice as many."""
    value = os.environ.get(JOBS_ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    cores = _usable_cores()
    return min(MAX_DEFAULT_JOBS, cores) if cores > 1 else 1


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # Linux: the cores this process may run on
    except (AttributeError, OSError):  # Windows, macOS
        return os.cpu_count() or 1


class PreparedStream:
    """``for item, prepared in stream``: prepared is (ParsedMail, Decision) from a worker, or
    None when the caller should prepare the item itself. ``start`` begins reading ahead."""

    def __init__(
        self,
        items: Iterable[SourceItem],
        structure: Structure,
        hr: Iterable[str],
        jobs: int,
        origin: Any = None,
    ) -> None:
        self._items = iter(items)
        self._structure = structure
        self._hr = tuple(hr)
        self._origin = origin
        self._jobs = jobs
        self._pool: Any = None
        self._queue: deque[tuple[list[SourceItem], Future | None]] = deque()
        self._started = False

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        head = list(islice(self._items, PARALLEL_MIN))
        self._items = chain(head, self._items)
        if self._jobs <= 1 or len(head) < PARALLEL_MIN:
            return
        from concurrent.futures import ProcessPoolExecutor

        try:
            self._pool = ProcessPoolExecutor(
                self._jobs, initializer=_init, initargs=(self._structure, self._hr, self._origin)
            )
        except (OSError, ValueError, NotImplementedError) as exc:  # no multiprocessing here
            log.warning("læser mails i én proces (%s)", exc)
            return
        log.info("læser mails i %d arbejdsprocesser", self._jobs)
        for _ in range(self._jobs * IN_FLIGHT_PER_JOB):
            if not self._submit_next():
                break

    def _submit_next(self) -> bool:
        items = list(islice(self._items, CHUNK if self._pool is not None else 1))
        if not items:
            return False
        future = None
        if self._pool is not None:
            try:
                future = self._pool.submit(_prepare, items)
            except Exception as exc:
                log.warning(
                    "arbejdsprocesserne fejlede (%s); læser i én proces", type(exc).__name__
                )
                self._shutdown()
        self._queue.append((items, future))
        return True

    def __iter__(self) -> Iterator[tuple[SourceItem, Any]]:
        self.start()
        try:
            while True:
                if not self._queue and not self._submit_next():
                    return
                items, future = self._queue.popleft()
                prepared: list[Any] = [None] * len(items)
                if future is not None:
                    try:
                        prepared = future.result()
                    except Exception as exc:
                        names = ", ".join(item.name for item in items)
                        log.warning(
                            "%s: arbejdsprocessen fejlede (%s); læses her",
                            names,
                            type(exc).__name__,
                        )
                self._submit_next()
                for item, one in zip(items, prepared, strict=True):
                    if one is not None:
                        one[0].raw = bytes(item.raw or b"")  # the same bytes, not a copy
                    yield item, one
        finally:
            self.close()

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        self._shutdown()
        self._queue.clear()
