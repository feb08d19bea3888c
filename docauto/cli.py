"""The command line. Commands live in docauto.commands.* and are imported only when used, so
``docauto --help`` starts fast; errors become one line on stderr and an exit code here."""

from __future__ import annotations

import importlib
import sys
import warnings

import click

from docauto import __version__
from docauto.commands.danish import install as _install_danish

_install_danish()

# name -> "module:attribute". Modules are imported lazily.
BUILTIN_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("docauto.commands.demo:demo", "Run the whole job on the bundled demo municipality."),
    "kinds": (
        "docauto.commands.kinds:kinds",
        "List the document kinds, their templates and fields.",
    ),
    "generate": ("docauto.commands.generate:generate", "Generate the documents of one kind."),
    "render": (
        "docauto.commands.render:render",
        "Render any docxtpl template with a JSON/YAML context.",
    ),
    "templates": (
        "docauto.commands.templates:templates",
        "Check templates for the mistakes Word makes.",
    ),
    "structure": (
        "docauto.commands.structure:structure",
        "Check or export the municipality's structure.",
    ),
    "mail": ("docauto.commands.mail:mail", "Classify and ingest the HR mailbox."),
    "registry": (
        "docauto.commands.registry:registry",
        "Create, inspect and report on the HR registry.",
    ),
    "deadlines": ("docauto.commands.deadlines:deadlines", "What is due and overdue, per area."),
    "remind": (
        "docauto.commands.remind:remind",
        "Write reminder mails to areas that owe a submission.",
    ),
    "review": ("docauto.commands.review:review", "Plan the structural review meetings."),
    "minutes": ("docauto.commands.minutes:minutes", "Draft and finish meeting minutes."),
    "batch": (
        "docauto.commands.batch:batch",
        "Run a batch plan (generate, ingest, report, remind, PDF).",
    ),
}


class DocautoClickError(click.ClickException):
    """A docauto error shown as one message on stderr with the error's own exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class LazyGroup(click.Group):
    """A group whose built-in subcommands are imported on first use.

    ``lazy`` maps a subcommand name to ("module:attribute", short help).
    """

    def __init__(self, *args, lazy: dict[str, tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = BUILTIN_COMMANDS if lazy is None else lazy

    def invoke(self, ctx: click.Context):
        from docauto.errors import DocautoError

        try:
            return super().invoke(ctx)
        except DocautoError as exc:
            raise DocautoClickError(str(exc), exc.exit_code) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        names |= {n for n, (target, _) in self.lazy.items() if _module_exists(target)}
        return sorted(names)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = super().get_command(ctx, name)
        if cmd is not None:
            return cmd
        entry = self.lazy.get(name)
        if entry is None or not _module_exists(entry[0]):
            return None
        module, attr = entry[0].split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above, so --help does not import every command module.
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                rows.append((name, self.lazy[name][1]))
            else:
                cmd = super().get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(60)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _module_exists(target: str) -> bool:
    import importlib.util

    module = target.split(":")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docauto")
def cli() -> None:
    """docauto: job ads, letters, forms, minutes and the HR registry for the recruitment.

    \b
    Example:
      docauto demo --out demo-out
      docauto generate stillingsopslag --structure struktur.xlsx --out opslag/
    """


_plugins_added = False


def add_plugin_commands() -> None:
    """Let plugins add their own subcommands (datasette-style); done once per process."""
    global _plugins_added
    if _plugins_added:
        return
    _plugins_added = True
    from docauto import plugins

    plugins.register_commands(cli)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    click.echo(f"Advarsel: {message}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    warnings.showwarning = _show_warning
    args = sys.argv[1:] if argv is None else argv
    first = next((a for a in args if not a.startswith("-")), None)
    if first not in BUILTIN_COMMANDS:
        # Only a name docauto does not know itself (or the command list) needs the plugins.
        add_plugin_commands()
    cli.main(args=args, prog_name="docauto")
