"""The planner's input file: blocked dates per participant, network representatives, and the
municipal clusters that asked for a meeting. YAML or a workbook; every problem is collected.

YAML::

    blokerede_datoer:
      BUPL: [2012-09-03, "2012-10-15..2012-10-19"]
      "Områdechef Amager": ["01.10.2012"]
    netværksrepræsentanter:
      N03: "Lise Holm"          # a leader, unit id or unit name of the network
    kommunale_klynger: [K001]   # or: alle

Workbook: sheets ``Blokerede datoer`` (Deltager, Fra, Til), ``Netværksrepræsentanter``
(Klynge-ID, Leder) and ``Kommunale klynger`` (Klynge-ID); every sheet is optional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docauto.dates import days, parse_date_range
from docauto.errors import InputError, Location, Problem, ValidationError
from docauto.office.xlsxio import cell_text as _text


@dataclass(frozen=True)
class BlockedEntry:
    who: str
    dates: frozenset[dt.date]
    location: Location


@dataclass
class PlanInput:
    blocked: list[BlockedEntry] = field(default_factory=list)
    network_reps: dict[str, tuple[str, Location]] = field(default_factory=dict)
    municipal: tuple[str, ...] = ()
    all_municipal: bool = False
    source: str = ""


def _yaml_without_dates(text: str) -> Any:
    # YAML would turn 2012-11-31 into a crash and 2012-09-01 into a date; keep every value as
    # written so an impossible date is reported with its place instead.
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(text, Loader=Loader)


def _value_lines(path: Path, section: Any) -> dict[tuple[str, int], int]:
    """(participant, item index) -> line number in the YAML file, for messages."""
    import yaml

    out: dict[tuple[str, int], int] = {}
    if section is None:
        return out
    try:
        root = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out
    if not isinstance(root, yaml.MappingNode):
        return out
    for key, value in root.value:
        if key.value != section or not isinstance(value, yaml.MappingNode):
            continue
        for who, items in value.value:
            out[(str(who.value), -1)] = who.start_mark.line + 1
            if isinstance(items, yaml.SequenceNode):
                for i, item in enumerate(items.value):
                    out[(str(who.value), i)] = item.start_mark.line + 1
    return out


def _dates(values: list[Any], loc: Location, problems: list[Problem]) -> set[dt.date]:
    out: set[dt.date] = set()
    for value in values:
        try:
            first, last = parse_date_range(value)
        except ValueError as exc:
            problems.append(Problem(loc, str(exc)))
            continue
        out.update(days(first, last))
    return out


_YAML_KEYS = ("blokerede_datoer", "netværksrepræsentanter", "kommunale_klynger")


def _load_yaml_mapping(path: Path) -> dict[Any, Any]:
    import yaml

    try:
        data = _yaml_without_dates(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: filen er ikke UTF-8-tekst") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        raise InputError(f"{path}: ugyldig YAML{where}: {getattr(exc, 'problem', exc)}") from None
    data = data or {}
    if not isinstance(data, dict):
        raise InputError(
            f"{path}: forventede nøglerne blokerede_datoer, netværksrepræsentanter, "
            "kommunale_klynger øverst i filen"
        )
    return data


def _yaml_keys(data: dict[Any, Any], path: Path, problems: list[Problem]) -> dict[str, Any]:
    """The file's keys, normalised ('Blokerede datoer' -> blokerede_datoer) -> as written."""
    keys = {str(k).strip().casefold().replace(" ", "_"): k for k in data}
    for k, original in keys.items():
        if k not in _YAML_KEYS:
            problems.append(
                Problem(
                    Location(str(path), part=f"nøglen '{original}'"),
                    "ukendt nøgle (kendte: " + ", ".join(_YAML_KEYS) + ")",
                )
            )
    return keys


def _yaml_table(
    data: dict[Any, Any],
    keys: dict[str, Any],
    key: str,
    shape: str,
    path: Path,
    problems: list[Problem],
) -> dict[Any, Any]:
    """The mapping under ``key`` ({} when absent); anything else is a problem named by key."""
    table = data.get(keys.get(key), None) or {}
    if isinstance(table, dict):
        return table
    problems.append(Problem(Location(str(path), part=key), f"skal være en tabel: {shape}"))
    return {}


def _yaml_blocked(
    data: dict[Any, Any],
    keys: dict[str, Any],
    path: Path,
    problems: list[Problem],
    result: PlanInput,
) -> None:
    """blokerede_datoer: participant -> dates; each bad date named with its line."""
    blocked = _yaml_table(
        data, keys, "blokerede_datoer", "deltager -> liste af datoer", path, problems
    )
    lines = _value_lines(path, keys.get("blokerede_datoer"))
    for who, values in blocked.items():
        if not isinstance(values, list):
            values = [values]
        got: set[dt.date] = set()
        for i, value in enumerate(values):
            line = lines.get((str(who), i)) or lines.get((str(who), -1))
            where = f"linje {line}, " if line else ""
            got |= _dates(
                [value],
                Location(str(path), part=f"{where}blokerede_datoer, deltager '{who}'"),
                problems,
            )
        result.blocked.append(
            BlockedEntry(
                _text(who),
                frozenset(got),
                Location(str(path), part=f"blokerede_datoer, deltager '{who}'"),
            )
        )


def _yaml_network_reps(
    data: dict[Any, Any],
    keys: dict[str, Any],
    path: Path,
    problems: list[Problem],
    result: PlanInput,
) -> None:
    reps = _yaml_table(data, keys, "netværksrepræsentanter", "Klynge-ID -> leder", path, problems)
    for cid, who in reps.items():
        result.network_reps[_text(cid)] = (
            _text(who),
            Location(str(path), part=f"netværksrepræsentanter, '{cid}'"),
        )


def _yaml_municipal(
    data: dict[Any, Any],
    keys: dict[str, Any],
    path: Path,
    problems: list[Problem],
    result: PlanInput,
) -> None:
    municipal = data.get(keys.get("kommunale_klynger"), None)
    if isinstance(municipal, str) and municipal.strip().casefold() == "alle":
        result.all_municipal = True
    elif isinstance(municipal, list):
        result.municipal = tuple(_text(x) for x in municipal if _text(x))
    elif municipal not in (None, ""):
        problems.append(
            Problem(
                Location(str(path), part="kommunale_klynger"),
                "skal være en liste af Klynge-ID'er eller 'alle'",
            )
        )


def _from_yaml(path: Path, problems: list[Problem]) -> PlanInput:
    data = _load_yaml_mapping(path)
    keys = _yaml_keys(data, path, problems)
    result = PlanInput(source=str(path))
    _yaml_blocked(data, keys, path, problems, result)
    _yaml_network_reps(data, keys, path, problems, result)
    _yaml_municipal(data, keys, path, problems, result)
    return result


def _sheet_rows(
    ws: Any, headers: dict[str, tuple[str, ...]]
) -> tuple[int, dict[str, int | None], list[tuple[int, tuple]]]:
    rows = list(ws.iter_rows(values_only=True))
    header_row, colmap = 0, {}
    for i, row in enumerate(rows, start=1):
        if any(_text(v) for v in row):
            header_row = i
            colmap = {_text(h).casefold(): j for j, h in enumerate(row) if _text(h)}
            break
    cols = {
        name: next((colmap[a.casefold()] for a in aliases if a.casefold() in colmap), None)
        for name, aliases in headers.items()
    }
    body = [
        (i, row)
        for i, row in enumerate(rows[header_row:], start=header_row + 1)
        if any(_text(v) for v in row)
    ]
    return header_row, cols, body


def _blocked_row(
    i: int,
    row: tuple,
    cols: dict[str, int | None],
    path: Path,
    title: str,
    problems: list[Problem],
) -> BlockedEntry | None:
    """One row of 'Blokerede datoer': a date, or a range Fra..Til."""
    who = _text(row[cols["Deltager"]] if cols["Deltager"] < len(row) else None)
    first = row[cols["Fra"]] if cols["Fra"] < len(row) else None
    last = row[cols["Til"]] if cols["Til"] is not None and cols["Til"] < len(row) else None
    loc = Location(str(path), title, i, "Fra")
    if not who:
        problems.append(Problem(Location(str(path), title, i, "Deltager"), "mangler en værdi"))
        return None
    got = _dates([first], loc, problems) if _text(first) else set()
    if not _text(first):
        problems.append(Problem(loc, "mangler en dato"))
    if _text(last):
        end = _dates([last], Location(str(path), title, i, "Til"), problems)
        if got and end:
            a, b = min(got), max(end)
            if b < a:
                problems.append(
                    Problem(
                        Location(str(path), title, i, "Til"),
                        "slutdatoen ligger før startdatoen",
                    )
                )
            got = set(days(a, b))
    return BlockedEntry(who, frozenset(got), Location(str(path), title, i, "Deltager"))


def _blocked_sheet(ws: Any, path: Path, problems: list[Problem], result: PlanInput) -> None:
    hrow, cols, body = _sheet_rows(
        ws,
        {
            "Deltager": ("Deltager", "Navn"),
            "Fra": ("Fra", "Dato", "Fra dato"),
            "Til": ("Til", "Til dato"),
        },
    )
    for name in ("Deltager", "Fra"):
        if cols[name] is None:
            problems.append(
                Problem(
                    Location(str(path), ws.title, hrow or 1, name),
                    "kolonnen mangler i overskriftsrækken",
                )
            )
    if cols["Deltager"] is None or cols["Fra"] is None:
        return
    for i, row in body:
        entry = _blocked_row(i, row, cols, path, ws.title, problems)
        if entry is not None:
            result.blocked.append(entry)


def _network_reps_sheet(ws: Any, path: Path, problems: list[Problem], result: PlanInput) -> None:
    hrow, cols, body = _sheet_rows(
        ws,
        {
            "Klynge-ID": ("Klynge-ID", "Netværk", "Klynge"),
            "Leder": ("Leder", "Repræsentant", "Navn"),
        },
    )
    if None in cols.values():
        problems.append(
            Problem(
                Location(str(path), ws.title, hrow or 1),
                "kolonnerne Klynge-ID og Leder skal findes",
            )
        )
        return
    for i, row in body:
        result.network_reps[_text(row[cols["Klynge-ID"]])] = (
            _text(row[cols["Leder"]]),
            Location(str(path), ws.title, i, "Leder"),
        )


def _municipal_sheet(ws: Any, path: Path, problems: list[Problem], result: PlanInput) -> None:
    hrow, cols, body = _sheet_rows(ws, {"Klynge-ID": ("Klynge-ID", "Klynge")})
    if cols["Klynge-ID"] is None:
        problems.append(
            Problem(
                Location(str(path), ws.title, hrow or 1, "Klynge-ID"),
                "kolonnen mangler i overskriftsrækken",
            )
        )
        return
    values = [_text(row[cols["Klynge-ID"]]) for _, row in body]
    if any(v.casefold() == "alle" for v in values):
        result.all_municipal = True
    result.municipal = tuple(v for v in values if v and v.casefold() != "alle")


def _from_workbook(path: Path, problems: list[Problem]) -> PlanInput:
    from docauto.office.xlsxio import load_workbook_checked

    wb = load_workbook_checked(path, data_only=True)
    result = PlanInput(source=str(path))
    try:
        sheets = {ws.title.strip().casefold(): ws for ws in wb.worksheets}
        # Every sheet is optional.
        if (ws := sheets.get("blokerede datoer")) is not None:
            _blocked_sheet(ws, path, problems, result)
        if (ws := sheets.get("netværksrepræsentanter")) is not None:
            _network_reps_sheet(ws, path, problems, result)
        if (ws := sheets.get("kommunale klynger")) is not None:
            _municipal_sheet(ws, path, problems, result)
    finally:
        wb.close()
    return result


def load_plan_input(path: str | Path | None) -> PlanInput:
    """Read the planner's input; an impossible date or a malformed entry is an error naming it."""
    if path is None:
        return PlanInput()
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: filen findes ikke")
    problems: list[Problem] = []
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        result = _from_workbook(path, problems)
    elif suffix in (".yaml", ".yml", ".json"):
        result = _from_yaml(path, problems)
    else:
        raise InputError(f"{path}: ukendt filtype '{suffix}'", hint="brug .yaml eller .xlsx")
    if problems:
        raise ValidationError(f"{path}: planlægningsfilen har {len(problems)} fejl", problems)
    return result
