"""The plugin manager: loads docauto's own plugins and the ``docauto`` entry-point group once.

Built-in kinds, mail sources and readers are listed in DEFAULT_PLUGINS and go through the same
manager and hooks as third-party ones. A plugin that fails to import gives a
warning and is skipped; the rest of the CLI keeps working.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import pluggy

from docauto import hookspecs
from docauto.errors import PluginError

if TYPE_CHECKING:
    from docauto.kinds import Kind

GROUP = "docauto"

# docauto's own plugins, registered exactly like third-party ones but listed here, so that a
# source checkout works without an installed distribution (datasette's DEFAULT_PLUGINS).
DEFAULT_PLUGINS: tuple[tuple[str, str], ...] = (
    ("structure-export", "docauto.structure.export"),
    ("review-meetings", "docauto.review.kinds.meetings"),
    ("review-actionplan", "docauto.review.kinds.actionplan"),
    ("review-factsheet", "docauto.review.kinds.factsheet"),
    ("review-proposal", "docauto.review.kinds.proposal"),
    ("review-demo", "docauto.demo.review"),
    ("recruitment-forms", "docauto.recruitment.kinds.forms"),
    ("recruitment-jobad", "docauto.recruitment.kinds.jobad"),
    ("recruitment-committee", "docauto.recruitment.kinds.committee"),
    ("recruitment-letters", "docauto.recruitment.kinds.letters"),
    ("recruitment-areameetings", "docauto.recruitment.kinds.areameetings"),
    ("recruitment-demo", "docauto.demo.recruitment"),
    ("mail-sources", "docauto.mail.sources.builtin"),
    ("reader-xlsx", "docauto.mail.readers.xlsx"),
    ("reader-docx", "docauto.mail.readers.docx"),
    ("reader-csv", "docauto.mail.readers.csv"),
    ("mail-receipts", "docauto.demo.receipts"),
    ("registry-demo", "docauto.demo.registry"),
    ("overview-demo", "docauto.demo.overview"),
    ("letters-demo", "docauto.demo.letters"),
)


class PluginWarning(UserWarning):
    """A plugin could not be loaded."""


@dataclass(frozen=True)
class _EntryPoint:
    name: str
    value: str

    def load(self) -> Any:
        module, _, attr = self.value.partition(":")
        obj = importlib.import_module(module.strip())
        for part in filter(None, attr.strip().split(".")):
            obj = getattr(obj, part)
        return obj


def _parse_entry_points(text: str, group: str) -> list[_EntryPoint]:
    """The group's entries in an entry_points.txt (an INI file)."""
    found: list[_EntryPoint] = []
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group and "=" in line:
            key, _, value = line.partition("=")
            found.append(_EntryPoint(key.strip(), value.strip()))
    return found


def _scan_folder(folder: str, group: str) -> list[_EntryPoint] | None:
    """The group's entry points of the distributions in one sys.path folder; None if it holds
    an egg, which only importlib.metadata reads."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found: list[_EntryPoint] = []
    for name in names:
        if name.endswith(".egg-info") or name.endswith(".egg"):
            return None
        if not name.endswith(".dist-info"):
            continue
        try:
            with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as fh:
                text = fh.read()
        except OSError:
            continue
        found.extend(_parse_entry_points(text, group))
    return found


def _scan_entry_points(group: str) -> list[_EntryPoint] | None:
    """The group's entry points read straight from the *.dist-info folders on sys.path.

    importlib.metadata gives the same answer but costs ~50 ms to import, which is a third of
    the start-up budget of every docauto command. Returns None when sys.path holds something
    this simple scan does not understand (a zip, an egg), and importlib.metadata is used.
    """
    found: list[_EntryPoint] = []
    for entry in sys.path:
        folder = entry or os.getcwd()
        if not os.path.isdir(folder):
            if os.path.exists(folder):
                return None  # a zip file on sys.path
            continue
        in_folder = _scan_folder(folder, group)
        if in_folder is None:
            return None
        found.extend(in_folder)
    return found


def _entry_points() -> list[Any]:
    scanned = _scan_entry_points(GROUP)
    if scanned is not None:
        return scanned
    import importlib.metadata

    return list(importlib.metadata.entry_points(group=GROUP))


@cache
def get_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    seen: set[str] = set()
    builtins = [_EntryPoint(name, module) for name, module in DEFAULT_PLUGINS]
    for ep in [*builtins, *_entry_points()]:
        if ep.name in seen:  # the same distribution found twice on sys.path
            continue
        seen.add(ep.name)
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:
            warnings.warn(
                f"docauto: udvidelsen '{ep.name}' ({ep.value}) kunne ikke indlæses: "
                f"{type(exc).__name__}: {exc}",
                PluginWarning,
                stacklevel=2,
            )
    return pm


def _collect(results: list[Any], hook: str) -> list[Any]:
    out: list[Any] = []
    for r in results:
        if r is None:
            continue
        if isinstance(r, dict):
            out.append(r)
        else:
            out.extend(r)
    return out


def _call(hook: str, **kwargs: Any) -> list[Any]:
    pm = get_plugin_manager()
    try:
        # Call plugin by plugin so one broken hook does not take the others with it.
        results = []
        for impl in getattr(pm.hook, hook).get_hookimpls():
            try:
                results.append(impl.function(**kwargs))
            except Exception as exc:
                warnings.warn(
                    f"docauto: udvidelsen '{impl.plugin_name}' fejlede i {hook}: {exc}",
                    PluginWarning,
                    stacklevel=2,
                )
        return _collect(list(reversed(results)), hook)
    except AttributeError as exc:  # pragma: no cover - spec missing is a programming error
        raise PluginError(f"ukendt hook {hook}") from exc


@cache
def kinds() -> dict[str, Kind]:
    """Every document kind by name, in the order plugins were registered."""
    out: dict[str, Kind] = {}
    for kind in _call("docauto_kinds"):
        if kind.name in out:
            warnings.warn(
                f"docauto: dokumenttypen '{kind.name}' er defineret to gange; den første gælder",
                PluginWarning,
                stacklevel=2,
            )
            continue
        out[kind.name] = kind
    return out


def get_kind(name: str) -> Kind:
    all_kinds = kinds()
    if name not in all_kinds:
        import difflib

        near = difflib.get_close_matches(name, list(all_kinds), n=3)
        hint = f"mente du {', '.join(near)}?" if near else "se 'docauto kinds'"
        raise PluginError(f"ukendt dokumenttype '{name}'", hint=hint)
    return all_kinds[name]


@cache
def mail_sources() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mapping in _call("docauto_mail_sources"):
        for scheme, factory in mapping.items():
            out.setdefault(scheme, factory)
    return out


@cache
def attachment_readers() -> list[Any]:
    return _call("docauto_attachment_readers")


def demo_steps() -> list[Any]:
    return sorted(_call("docauto_demo_steps"), key=lambda s: (s.order, s.name))


def register_commands(cli: Any) -> None:
    pm = get_plugin_manager()
    for impl in pm.hook.docauto_register_commands.get_hookimpls():
        try:
            impl.function(cli=cli)
        except Exception as exc:
            warnings.warn(
                f"docauto: udvidelsen '{impl.plugin_name}' kunne ikke tilføje kommandoer: {exc}",
                PluginWarning,
                stacklevel=2,
            )


def reset() -> None:
    """Forget loaded plugins (tests install plugins at run time)."""
    for fn in (get_plugin_manager, kinds, mail_sources, attachment_readers):
        fn.cache_clear()
