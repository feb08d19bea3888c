"""Click commands, one module per command (group). Shared options live here.

The conventions every command keeps (docs/cli.md): run-time text in Danish, --help in
English; exit code 0 done, 1 the job failed, 2 the invocation or an input file is wrong;
--json on every command that makes or changes something; a progress bar on stderr only when
stderr is a terminal (docauto.commands.output).
"""

from __future__ import annotations

from pathlib import Path

import click

__all__ = [
    "complete_kind",
    "dry_run_option",
    "json_option",
    "out_option",
    "registry_path_option",
    "structure_option",
]

STRUCTURE_SUFFIXES = (".xlsx", ".yaml", ".yml")


def _suffix_check(suffixes: tuple[str, ...], what: str):
    """A click callback: the path must end in one of ``suffixes`` (exit 2 otherwise)."""

    def check(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() not in suffixes:
            raise click.BadParameter(
                f"{value}: {what} skal være en {' eller '.join(suffixes)}-fil", ctx, param
            )
        return value

    return check


structure_option = click.option(
    "--structure",
    "structure_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_suffix_check(STRUCTURE_SUFFIXES, "strukturen"),
    help="The municipality's structure: HR's workbook (.xlsx) or YAML with the same fields.",
)
out_option = click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (created if missing).",
)
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="List what would be written; write nothing."
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print machine-readable JSON (docs/json.md)."
)


def registry_path_option(help: str = "The registry workbook made by 'docauto registry init'."):
    """--registry: an .xlsx workbook (a registry is never written under another suffix)."""
    return click.option(
        "--registry",
        "registry_path",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_suffix_check((".xlsx",), "registret"),
        help=help,
    )


def complete_kind(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """Shell completion of document kind names (built-in and from plugins)."""
    from click.shell_completion import CompletionItem

    from docauto import plugins

    return [
        CompletionItem(name, help=kind.description)
        for name, kind in sorted(plugins.kinds().items())
        if name.startswith(incomplete)
    ]
