"""The plugin manager: loads every plugin of the ``docauto`` entry-point group once.

Built-in kinds, mail sources and readers come in through the same group (see pyproject.toml),
so they are loaded exactly like third-party ones. A plugin that fails to import gives a
warning and is skipped; the rest of the CLI keeps working.
"""

from __future__ import annotations

import importlib.metadata
import warnings
from functools import cache
from typing import TYPE_CHECKING, Any

import pluggy

from docauto import hookspecs
from docauto.errors import PluginError

if TYPE_CHECKING:
    from docauto.kinds import Kind

GROUP = "docauto"


class PluginWarning(UserWarning):
    """A plugin could not be loaded."""


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    return list(importlib.metadata.entry_points(group=GROUP))


@cache
def get_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    seen: set[str] = set()
    for ep in _entry_points():
        if ep.name in seen:  # the same distribution found twice on sys.path
            continue
        seen.add(ep.name)
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # noqa: BLE001 - any plugin failure must not kill the CLI
            warnings.warn(
                f"docauto: plugin '{ep.name}' ({ep.value}) could not be loaded: "
                f"{type(exc).__name__}: {exc}",
                PluginWarning,
                stacklevel=2,
            )
    return pm


def plugin_names() -> list[str]:
    return [name for name, _ in get_plugin_manager().list_name_plugin()]


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
            except Exception as exc:  # noqa: BLE001
                warnings.warn(f"docauto: plugin '{impl.plugin_name}' failed in {hook}: {exc}",
                              PluginWarning, stacklevel=2)
        return _collect(list(reversed(results)), hook)
    except AttributeError as exc:  # pragma: no cover - spec missing is a programming error
        raise PluginError(f"unknown hook {hook}") from exc


@cache
def kinds() -> dict[str, Kind]:
    """Every document kind by name, in the order plugins were registered."""
    out: dict[str, Kind] = {}
    for kind in _call("docauto_kinds"):
        if kind.name in out:
            warnings.warn(f"docauto: kind '{kind.name}' is defined twice; the first one wins",
                          PluginWarning, stacklevel=2)
            continue
        out[kind.name] = kind
    return out


def get_kind(name: str) -> Kind:
    all_kinds = kinds()
    if name not in all_kinds:
        import difflib

        near = difflib.get_close_matches(name, list(all_kinds), n=3)
        hint = f"did you mean {', '.join(near)}?" if near else "see 'docauto kinds'"
        raise PluginError(f"unknown kind '{name}'", hint=hint)
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
        except Exception as exc:  # noqa: BLE001
            warnings.warn(f"docauto: plugin '{impl.plugin_name}' could not add commands: {exc}",
                          PluginWarning, stacklevel=2)


def reset() -> None:
    """Forget loaded plugins (tests install plugins at run time)."""
    for fn in (get_plugin_manager, kinds, mail_sources, attachment_readers):
        fn.cache_clear()
