"""The rules templates run under, shared by the renderer and the template checker.

Templates may sum and group the way docxtpl templates do: ``namespace()``, ``list.append``,
``dict.update``, ``{% set ns.total = ns.total + x %}``. They may not reach Python's insides
(``__class__``, ``mro``, a function's globals, a generator's frame), and may not touch the
objects that carry a document's machinery (pictures, sub-documents, python-docx and lxml
objects, paths and files): from a template those are values to place, nothing more.
The context a template gets is the engine's own copy, so a template that appends to a list
changes nothing outside that one render.

Filters, tests and globals come from docauto (the Danish filters) and from plugins through
the ``docauto_template_extensions`` hook.
"""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined, Undefined
from jinja2.sandbox import (
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    SandboxedEnvironment,
)

# Attributes no object gives a template, whatever it is (checked by name, so the template
# checker can report them before rendering).
REFUSED_ATTRIBUTES = frozenset(
    {
        *UNSAFE_FUNCTION_ATTRIBUTES,
        *UNSAFE_METHOD_ATTRIBUTES,
        "mro",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "cr_frame",
        "cr_code",
        "cr_await",
        "ag_code",
        "ag_frame",
        "f_globals",
        "f_locals",
        "f_builtins",
        "tb_frame",
    }
)
# Objects from these packages are opaque to templates: no attribute or method of theirs.
_OPAQUE_PACKAGES = frozenset(
    {"docx", "docxtpl", "docxcompose", "lxml", "pathlib", "io", "os", "zipfile", "subprocess"}
)


def refused_attribute(name: str) -> bool:
    """Whether the sandbox refuses ``x.name`` for every x (private names included)."""
    return name.startswith("_") or name in REFUSED_ATTRIBUTES


def _opaque(obj: Any) -> bool:
    module = type(obj).__module__ or ""
    if module == "docauto.office.richvalues":
        return type(obj).__name__ in ("Image", "Subdoc")
    return module.split(".", 1)[0] in _OPAQUE_PACKAGES


class TemplateSandbox(SandboxedEnvironment):
    """Jinja's sandbox with docauto's rules (see the module docstring)."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if refused_attribute(attr) or _opaque(obj):
            return False
        return super().is_safe_attribute(obj, attr, value)


def plugin_extensions() -> dict[str, dict[str, Any]]:
    """{"filters": {...}, "tests": {...}, "globals": {...}} from every plugin's hook."""
    from docauto import plugins

    out: dict[str, dict[str, Any]] = {"filters": {}, "tests": {}, "globals": {}}
    pm = plugins.get_plugin_manager()
    for result in pm.hook.docauto_template_extensions():
        for key in out:
            out[key].update((result or {}).get(key, {}))
    return out


def make_sandbox(*, lenient: bool = False, autoescape: bool = True) -> TemplateSandbox:
    """A sandboxed environment with the Danish filters and the plugins' extensions.

    Strict (a missing value is an error) unless ``lenient``, which gives docxtpl's behaviour
    (a missing value is empty)."""
    from docauto.office.filters import FILTERS

    env = TemplateSandbox(
        autoescape=autoescape,
        undefined=Undefined if lenient else StrictUndefined,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    ext = plugin_extensions()
    env.filters.update(ext["filters"])
    env.tests.update(ext["tests"])
    env.globals.update(ext["globals"])
    return env
