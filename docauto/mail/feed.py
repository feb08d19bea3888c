"""The standard library's MIME parser, with one cost taken out.

``email.feedparser`` compiles a new regular expression for every multipart boundary it meets,
and a boundary is random, so Python's pattern cache never holds it: compiling it is about a
tenth of reading a form mail. docauto parses with a private copy of that module (the standard
one, which other code in the process may use, is not touched) whose ``re`` gives, for the
boundary pattern, a matcher that matches exactly the same lines with one pattern compiled
once. Every other use of ``re`` there is the real module. Where the module's source cannot be
loaded (a frozen install), the standard parser is used as it is.

tests/test_mail_header_fastpath.py checks the matcher against the compiled pattern and the
parse of every corpus mail against the standard parser.
"""

from __future__ import annotations

import re
from email.message import Message
from email.policy import Policy
from functools import lru_cache
from types import ModuleType
from typing import Any

_OPEN = "(?P<sep>"


class _BoundaryMatcher:
    """``re.compile('(?P<sep>' + re.escape(sep) + tail).match``, without compiling ``sep``."""

    __slots__ = ("sep", "tail")

    def __init__(self, sep: str, tail: re.Pattern[str]) -> None:
        self.sep = sep
        self.tail = tail

    def match(self, line: str) -> re.Match[str] | None:
        if not line.startswith(self.sep):
            return None
        return self.tail.match(line, len(self.sep))


def _split_boundary(pattern: str) -> tuple[str, str] | None:
    """(separator, rest of the pattern) of feedparser's boundary pattern, else None."""
    if not pattern.startswith(_OPEN):
        return None
    chars: list[str] = []
    i = len(_OPEN)
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):  # re.escape writes only backslash + char
            chars.append(pattern[i + 1])
            i += 2
            continue
        if ch == ")":
            return "".join(chars), pattern[i + 1 :]
        if ch in "()[]{}?*+|^$.":  # not something re.escape writes: not the boundary
            return None
        chars.append(ch)
        i += 1
    return None


@lru_cache(maxsize=8)
def _tail(rest: str) -> re.Pattern[str]:
    return re.compile(rest)


class _Re:
    """The ``re`` module as the private feedparser sees it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    @staticmethod
    def compile(pattern: Any, flags: int = 0) -> Any:
        split = _split_boundary(pattern) if isinstance(pattern, str) and not flags else None
        if split is None or not split[1].startswith("(?P<end>"):
            return re.compile(pattern, flags)
        sep, rest = split
        return _BoundaryMatcher(sep, _tail(rest))


def _private_feedparser() -> ModuleType | None:
    import importlib.util

    try:
        spec = importlib.util.find_spec("email.feedparser")
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        copy = importlib.util.spec_from_file_location("docauto_email_feedparser", spec.origin)
        if copy is None or copy.loader is None:
            return None
        module = importlib.util.module_from_spec(copy)
        copy.loader.exec_module(module)
    except (ImportError, OSError, SyntaxError):
        return None
    module.re = _Re()  # type: ignore[attr-defined]
    return module


_FEEDPARSER = _private_feedparser()


def parse_bytes(raw: bytes, policy: Policy) -> Message:
    """What ``email.parser.BytesParser(policy=policy).parsebytes(raw)`` returns."""
    if _FEEDPARSER is None:
        from email.parser import BytesParser

        return BytesParser(policy=policy).parsebytes(raw)
    parser = _FEEDPARSER.FeedParser(policy=policy)
    parser.feed(raw.decode("ASCII", errors="surrogateescape"))
    return parser.close()
