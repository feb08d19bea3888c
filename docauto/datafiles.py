"""Reading the data files people edit (YAML, JSON): one place for encodings and error messages.

A byte-order mark (Windows Notepad) is accepted; a syntax error names the file, line and
column; the error type says whose file it is: InputError for the user's own inputs,
ConfigError for docauto's editable mappings and texts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docauto.errors import ConfigError, DocautoError, InputError


def read_data(path: str | Path, *, error: type[DocautoError] = InputError) -> Any:
    """The content of a .json file, or of a YAML file (any other suffix)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{path}: filen findes ikke") from None
    except UnicodeDecodeError:
        raise error(f"{path}: filen er ikke UTF-8-tekst") from None
    except OSError as exc:
        raise error(f"{path}: kan ikke læses ({exc.strerror})") from None
    if path.suffix.lower() == ".json":
        import json

        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise error(
                f"{path}: ugyldig JSON (linje {exc.lineno}, kolonne {exc.colno}): {exc.msg}"
            ) from None
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        raise error(f"{path}: ugyldig YAML{where}: {getattr(exc, 'problem', exc)}") from None


def read_mapping(
    path: str | Path, *, error: type[DocautoError] = ConfigError, empty_ok: bool = False
) -> dict[str, Any]:
    """A YAML/JSON file whose top level must be a table of keys."""
    data = read_data(path, error=error)
    if data is None and empty_ok:
        return {}
    if not isinstance(data, dict):
        raise error(f"{path}: forventede en tabel af nøgler (nøgle: værdi) øverst i filen")
    return data
