"""What every command prints the same way: JSON, the files written, a progress bar, errors.

Run-time text is Danish (the users are HR and area chiefs); --help stays English.
A progress bar goes to stderr and only when stderr is a terminal, so pipes, --json and
logs stay clean.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from docauto.progress import Progress

T = TypeVar("T")


def echo_json(value: Any) -> None:
    """One JSON document on stdout (UTF-8, Danish letters kept as they are)."""
    click.echo(json.dumps(value, ensure_ascii=False, default=str))


def files_word(n: int) -> str:
    return "fil" if n == 1 else "filer"


def echo_written(paths: Iterable[Path], *, dry_run: bool) -> None:
    """Each file written (or that would be written) on a line of its own."""
    prefix = "ville skrive " if dry_run else ""
    for p in paths:
        click.echo(f"{prefix}{p}")


def written_summary(count: int, folder: Path | str, *, dry_run: bool, what: str = "") -> str:
    """'stillingsopslag: skrev 3 filer i opslag' / '... ville skrive 3 filer ...'."""
    verb = "ville skrive" if dry_run else "skrev"
    head = f"{what}: " if what else ""
    return f"{head}{verb} {count} {files_word(count)} i {folder}"


def show_progress() -> bool:
    """A bar only for a person watching: stderr is a terminal."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(label: str) -> Iterator[Progress]:
    """A ``(done, total)`` callback for library functions, drawn as a bar on stderr."""
    if not show_progress():
        yield lambda done, total: None
        return
    state: dict[str, Any] = {"bar": None}

    def update(done: int, total: int) -> None:
        if total <= 0:  # the total is not known (a mailbox being read): a running count
            click.echo(f"\r{label}: {done}", nl=False, err=True)
            state["count"] = True
            return
        bar = state["bar"]
        if bar is None:
            if total < 2:
                return
            bar = state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.length = max(total, 1)
        bar.update(max(0, done - bar.pos))

    try:
        yield update
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
        if state.get("count"):
            click.echo("", err=True)


def mail_counter(progress: Progress) -> Callable[..., None]:
    """An ``on_mail`` callback for ingest that counts the mails into ``progress``."""
    seen = {"n": 0}

    def on_mail(*_args: Any) -> None:
        seen["n"] += 1
        progress(seen["n"], 0)

    return on_mail


def iter_progress(items: Iterable[T], total: int, label: str) -> Iterable[T]:
    """The items, with a bar on stderr while they are consumed (batch's step callback)."""
    if not show_progress() or total < 2:
        return items
    return _bar(items, total, label)


def _bar(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    with click.progressbar(items, length=total, label=label, file=sys.stderr) as bar:
        yield from bar


def files_json(
    paths: Iterable[Path], out_dir: Path | str | None, *, dry_run: bool, **extra: Any
) -> dict[str, Any]:
    """The shape every file-writing command's --json has: out, dry_run, files (+ extras)."""
    return {
        "out": None if out_dir is None else str(out_dir),
        "dry_run": dry_run,
        "files": [str(p) for p in paths],
        **extra,
    }


_LEVELS = {"DEBUG": "FEJLSØGNING", "INFO": "INFO", "WARNING": "ADVARSEL", "ERROR": "FEJL"}


class _DanishFormatter(logging.Formatter):
    """Log lines as the rest of a run's output: in Danish, level names included."""

    def format(self, record: logging.LogRecord) -> str:
        record.levelname_da = _LEVELS.get(record.levelname, record.levelname)
        return super().format(record)


def setup_logging(level: int, *, with_time: bool = False) -> None:
    """Log to stderr at ``level``, in Danish ("ADVARSEL docauto.mail.ingest: ...")."""
    fmt = "%(levelname_da)s %(name)s: %(message)s"
    handler = logging.StreamHandler()
    handler.setFormatter(_DanishFormatter(("%(asctime)s " if with_time else "") + fmt))
    logging.basicConfig(level=level, handlers=[handler])
