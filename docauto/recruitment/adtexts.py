"""The area chiefs' own texts for the specific part of a job ad, per cluster or unit.

Accepted (``--data`` of ``stillingsopslag``):

- YAML/JSON: ``K012: "tekst ..."`` (id or name -> text), or a list of rows with an id column
  (``Klynge-ID``/``Enheds-ID``/``ID``) and ``Tekst``;
- a workbook (.xlsx): first sheet, a header row with an id column and ``Tekst``;
- a folder of ``<id>.txt`` (UTF-8) or ``<id>.docx`` files, one per cluster or unit.

Every id is checked against the structure before anything is written. In a YAML/JSON/.txt or
workbook text every line is a paragraph and a line starting with "- " (or "* ", "• ") is a
bullet; a .docx keeps its own paragraphs, bullets, bold/italic and tables (it is embedded in
the ad as a sub-document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import InputError, Location, Problem, ValidationError

if TYPE_CHECKING:
    from docauto.structure.model import Structure

ID_HEADERS = ("klynge-id", "enheds-id", "id", "klynge", "enhed")
TEXT_HEADERS = ("tekst", "udfordringer", "beskrivelse")


_BULLET = re.compile(r"^\s*[-*•–]\s+")


def blocks(text: str) -> list[dict[str, Any]]:
    """A plain text as the ad's blocks: one per non-empty line, ``{"tekst", "punkt"}``;
    ``punkt`` is true for a line that starts with "- ", "* ", "• " or "– " (a bullet)."""
    out = []
    for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            continue
        bullet = bool(_BULLET.match(line))
        out.append({"tekst": _BULLET.sub("", line).strip(), "punkt": bullet})
    return out


@dataclass
class SpecificText:
    """The area chief's text for one position: plain blocks, or a .docx kept as it is."""

    blocks: list[dict[str, Any]] = field(default_factory=list)
    docx: bytes | None = None
    source: str = ""


def _resolve(structure: Structure, key: str) -> str | None:
    cluster = structure.find_cluster(key)
    if cluster is not None:
        return cluster.id
    unit = structure.find_unit(key)
    return unit.id if unit is not None else None


def _from_mapping(data: Any, src: str) -> list[tuple[Location, str, Any]]:
    rows: list[tuple[Location, str, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            rows.append((Location(src, part=f"nøglen '{key}'"), str(key), value))
    elif isinstance(data, list):
        for i, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                rows.append((Location(src, row=i), "", None))
                continue
            norm = {str(k).strip().casefold(): v for k, v in item.items()}
            key = next((norm[h] for h in ID_HEADERS if norm.get(h)), "")
            text = next((norm[h] for h in TEXT_HEADERS if h in norm), None)
            rows.append((Location(src, row=i), str(key or ""), text))
    else:
        raise InputError(f"{src}: forventede id: tekst for hver klynge eller enhed")
    return rows


def _from_workbook(path: Path) -> list[tuple[Location, str, Any]]:
    from docauto.office.xlsxio import load_workbook_checked

    wb = load_workbook_checked(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        title = ws.title
    finally:
        wb.close()
    for n, row in enumerate(rows, start=1):
        heads = [str(v).strip().casefold() if v is not None else "" for v in row]
        id_col = next((heads.index(h) for h in ID_HEADERS if h in heads), None)
        text_col = next((heads.index(h) for h in TEXT_HEADERS if h in heads), None)
        if id_col is not None and text_col is not None:
            out = []
            for m, data_row in enumerate(rows[n:], start=n + 1):
                key = data_row[id_col] if id_col < len(data_row) else None
                text = data_row[text_col] if text_col < len(data_row) else None
                if key is None and text is None:
                    continue
                out.append((Location(str(path), title, m), str(key or "").strip(), text))
            return out
    raise InputError(f"{path}: ark '{title}': fandt ingen overskriftsrække med Klynge-ID og Tekst")


def _from_folder(path: Path) -> list[tuple[Location, str, Any]]:
    from docauto.office.docxtext import docx_text
    from docauto.office.xlsxio import read_docx_bytes

    out = []
    for f in sorted(path.iterdir()):
        if f.name.startswith(("~$", ".")):
            continue  # Word's owner files and hidden files
        suffix = f.suffix.lower()
        if suffix == ".txt":
            try:
                text = f.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError:
                raise InputError(
                    f"{f}: filen er ikke UTF-8-tekst", hint="gem den som UTF-8"
                ) from None
        elif suffix == ".docx":
            data, _ = read_docx_bytes(f)
            if not any(line.strip() for line in docx_text(data).body):
                text = ""  # an empty document is no text
            else:
                out.append((Location(str(f)), f.stem, data))
                continue
        else:
            continue
        out.append((Location(str(f)), f.stem, text))
    return out


def _text_rows(path: Path) -> list[tuple[Location, str, Any]]:
    """(where, id, text) from a folder, a workbook or a YAML/JSON mapping."""
    from docauto.datafiles import read_data as load_data_file

    if path.is_dir():
        return _from_folder(path)
    if not path.exists():
        raise InputError(f"{path}: filen findes ikke")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _from_workbook(path)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return _from_mapping(load_data_file(path), str(path))
    raise InputError(
        f"{path}: ukendt filtype '{path.suffix}'",
        hint="brug .yaml, .json, .xlsx eller en mappe med <id>.txt/.docx",
    )


def _add_text(
    texts: dict[str, SpecificText], structure: Structure, loc: Location, key: str, value: Any
) -> str | None:
    """File one row's text under its position; what is wrong with the row, if anything."""
    if not key:
        return "mangler Klynge-ID eller Enheds-ID"
    ident = _resolve(structure, key)
    if ident is None:
        return f"'{key}' er hverken en klynge eller en enhed i strukturen"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # no text: the position counts as lacking one
    if not isinstance(value, str | int | float | bytes):
        return "teksten skal være tekst"
    if ident in texts:
        return f"der er allerede en tekst til '{ident}'"
    if isinstance(value, bytes):
        texts[ident] = SpecificText(docx=value, source=str(loc))
    else:
        texts[ident] = SpecificText(blocks=blocks(str(value)), source=str(loc))
    return None


def load_challenge_texts(path: Path, structure: Structure) -> dict[str, SpecificText]:
    """Cluster/unit id -> its specific text. Unknown ids and non-text values are all reported."""
    path = Path(path)
    rows = _text_rows(path)
    problems: list[Problem] = []
    texts: dict[str, SpecificText] = {}
    for loc, key, value in rows:
        message = _add_text(texts, structure, loc, key, value)
        if message is not None:
            problems.append(Problem(loc, message))
    if problems:
        raise ValidationError(
            f"{path}: teksterne til stillingsopslagene har {len(problems)} fejl", problems
        )
    return texts
