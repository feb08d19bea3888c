"""Click commands, one module per command (group). Shared options live here."""

from __future__ import annotations

from pathlib import Path

import click

structure_option = click.option(
    "--structure", "structure_path", required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The municipality's structure: HR's workbook (.xlsx) or YAML with the same fields.",
)
out_option = click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (created if missing).",
)
dry_run_option = click.option("--dry-run", is_flag=True, help="List what would be written; write nothing.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


def load_data_file(path: Path):  # noqa: ANN201
    """Read a JSON or YAML file into Python data; errors name the file and line."""
    import json

    import yaml

    from docauto.errors import InputError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: filen findes ikke") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: filen er ikke UTF-8-tekst") from None
    except OSError as exc:
        raise InputError(f"{path}: kan ikke læses ({exc.strerror})") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: ugyldig JSON (linje {exc.lineno}, kolonne {exc.colno}): {exc.msg}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        raise InputError(f"{path}: ugyldig YAML{where}: {getattr(exc, 'problem', exc)}") from None
