"""The built-in mail sources as one plugin: dir:, imap(s)://, graph:, ews:.

The factories import their source module only when a source of that scheme is opened, so
loading the plugins (every ``docauto`` start) does not pay for imaplib, ssl, urllib or
exchangelib.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from docauto.hookspecs import hookimpl

_FACTORIES = {
    "dir": "docauto.mail.sources.dirsource:DirSource",
    "imap": "docauto.mail.sources.imap:_factory",
    "imaps": "docauto.mail.sources.imap:_factory",
    "graph": "docauto.mail.sources.graph:_factory",
    "ews": "docauto.mail.sources.ews:_factory",
}


def _lazy(target: str) -> Callable[[str], Any]:
    module, attr = target.split(":")

    def factory(spec: str) -> Any:
        return getattr(importlib.import_module(module), attr)(spec)

    factory.__qualname__ = factory.__name__ = f"open_{attr}"
    return factory


@hookimpl
def docauto_mail_sources():
    return {scheme: _lazy(target) for scheme, target in _FACTORIES.items()}
