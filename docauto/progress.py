"""How library code reports progress: a callback ``(done, total)`` passed in by the caller.

Library functions never print; the command line turns the calls into a progress bar on
stderr (docauto.commands.output.progress_bar), and other callers may log or ignore them.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "no_progress"]

Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """The default callback: report nothing."""
