"""The plugin interface. Built-in plugins implement these exactly as third-party ones do.

A plugin is a module (or object) registered under the ``docauto`` entry-point group in its
package's pyproject.toml, with functions decorated by ``docauto.hookimpl``.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("docauto")
hookimpl = pluggy.HookimplMarker("docauto")


@hookspec
def docauto_kinds():
    """Return a list of docauto.kinds.Kind objects: document kinds the plugin can generate."""


@hookspec
def docauto_mail_sources():
    """Return a dict of source scheme (e.g. 'dir', 'imap') -> factory(spec: str) -> MailSource."""


@hookspec
def docauto_attachment_readers():
    """Return a list of attachment readers (objects with ``name``, ``accepts`` and ``read``)."""


@hookspec
def docauto_demo_steps():
    """Return a list of docauto.demo.municipality.DemoStep to run in ``docauto demo``, ordered by their order."""


@hookspec
def docauto_register_commands(cli):
    """Add click commands or groups to the top-level ``cli`` group."""


@hookspec
def docauto_template_extensions():
    """Return {"filters": {...}, "tests": {...}, "globals": {...}} for every template.

    Each value maps a name to a Python callable (or, for globals, any value). They are added
    to the sandboxed environment the renderer and ``docauto templates check`` use, so a
    template may write ``{{ x | my_filter }}`` or ``{% if n is my_test %}``. Later plugins win
    on a name clash; the sandbox rules still apply to what the functions return.
    """
