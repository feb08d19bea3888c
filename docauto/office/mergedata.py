"""Contexts for ``docauto render``: a JSON/YAML file, or a mail-merge list in Excel or CSV.

A spreadsheet's first non-empty row names the variables; every row below it is one document.
A column whose header ends in ``[billede]`` holds picture files (relative to the
spreadsheet), optionally with a size: ``Underskrift [billede 40mm]`` (width) or
``Logo [billede bredde=40 hoejde=15]``. Empty cells are empty text, so ``{% if Telefon %}``
works. Errors name the file, the sheet and the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docauto.errors import InputError

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")
DATA_SUFFIXES = (".json", ".yaml", ".yml")
PICTURE_KEY = "erstat_billeder"  # top-level key of a JSON/YAML context: {picture name: file}

_PICTURE_HEADER = re.compile(r"^(?P<name>.*?)\s*\[billede(?P<size>[^\]]*)\]\s*$", re.IGNORECASE)
_SIZE = re.compile(r"(bredde|hoejde|højde)\s*=\s*([\d.,]+)|([\d.,]+)\s*mm", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    name: str  # the variable name
    picture: bool = False
    width_mm: float | None = None
    height_mm: float | None = None


def parse_header(text: str) -> Column:
    """A header cell: ``Navn`` or ``Foto [billede 30mm]`` / ``[billede bredde=30 hoejde=20]``."""
    m = _PICTURE_HEADER.match(text)
    if not m:
        return Column(text.strip())
    width = height = None
    for key, value, bare in _SIZE.findall(m.group("size")):
        number = float((value or bare).replace(",", "."))
        if key.lower().startswith("h"):
            height = number
        else:
            width = number
    return Column(m.group("name").strip(), True, width, height)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()  # Excel stores dates as midnight datetimes
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _columns(cells: list[Any], where: str, number: int) -> list[Column | None]:
    columns = [parse_header(str(c)) if c != "" else None for c in cells]
    names = [c.name for c in columns if c]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"{where}, række {number}: kolonnen '{dupes[0]}' står to gange")
    return columns


def _value(col: Column, value: Any, number: int, base: Path) -> Any:
    if not col.picture or value == "":
        return value
    from docauto.office.richvalues import Image

    path = Path(str(value))
    return Image(
        path if path.is_absolute() else base / path,
        col.width_mm,
        col.height_mm,
        field=f"{col.name}, række {number}",
    )


def _rows_from_grid(
    grid: Iterable[tuple[Any, ...]], where: str, base: Path
) -> list[tuple[int, dict[str, Any]]]:
    columns: list[Column | None] | None = None
    out: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(grid, start=1):
        cells = [_cell(v) for v in raw]
        if not any(c != "" for c in cells):
            continue
        if columns is None:
            columns = _columns(cells, where, number)
            continue
        cells += [""] * (len(columns) - len(cells))
        row = {
            col.name: _value(col, value, number, base)
            for col, value in zip(columns, cells, strict=False)
            if col is not None
        }
        out.append((number, row))
    if columns is None:
        raise InputError(f"{where}: ingen overskriftsrække (arket er tomt)")
    return out


def _csv_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):  # Excel's "CSV (semikolonsepareret)" is cp1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: filen er hverken UTF-8 eller Windows-1252")  # pragma: no cover


def read_rows(path: Path, sheet: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """(row number, values) for every data row of a mail-merge list (.xlsx or .csv)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: filen findes ikke")
    if path.suffix.lower() == ".csv":
        if sheet:
            raise InputError(f"{path}: en CSV-fil har ingen ark (--sheet)")
        text = _csv_text(path)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        except csv.Error:
            dialect = csv.excel
        return _rows_from_grid(csv.reader(io.StringIO(text), dialect), str(path), path.parent)
    from docauto.office.xlsxio import load_workbook_checked

    wb = load_workbook_checked(path)
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputError(
                f"{path}: arket '{sheet}' findes ikke (arkene er: {', '.join(wb.sheetnames)})"
            )
        ws = wb[sheet] if sheet else wb.worksheets[0]
        where = f"{path}, ark '{ws.title}'"
        return _rows_from_grid(ws.iter_rows(values_only=True), where, path.parent)
    finally:
        wb.close()


def read_context_file(path: Path) -> tuple[Any, dict[str, Path]]:
    """A JSON/YAML context with picture, formatted-text and sub-document objects made into
    rich values (paths relative to the file), and its ``erstat_billeder`` (name -> file)."""
    from docauto.datafiles import read_data
    from docauto.office.richvalues import from_data

    data = read_data(path)
    replace: dict[str, Path] = {}
    if isinstance(data, Mapping) and PICTURE_KEY in data:
        data = dict(data)
        raw = data.pop(PICTURE_KEY)
        if not isinstance(raw, Mapping):
            raise InputError(f"{path}: '{PICTURE_KEY}' skal være navn: billedfil")
        for name, file in raw.items():
            p = Path(str(file))
            replace[str(name)] = p if p.is_absolute() else path.parent / p
    try:
        return from_data(data, path.parent), replace
    except InputError as exc:
        raise InputError(f"{path}: {exc.message}") from None
