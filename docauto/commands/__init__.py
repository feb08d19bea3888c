"""Click commands, one module per command (group). Shared options live here."""

from __future__ import annotations

from pathlib import Path

import click

structure_option = click.option(
    "--structure",
    "structure_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
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
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
