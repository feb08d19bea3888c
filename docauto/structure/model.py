"""The municipality's structure (areas, clusters, units): typed objects, loaded and validated.

Sources: the HR workbook of REGISTRY.md §0 (sheets Områder, Klynger, Enheder) or YAML with the
same sheet names and headers. Every problem is collected and reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docauto.errors import InputError, Location, Problem, StructureError
from docauto.office.xlsxio import cell_text as _text

CLUSTER_TYPES = ("Kommunal klynge", "Selvejende klynge", "Netværk")
UMBRELLAS = ("MDI", "Frie Børnehaver", "SBBU", "Børneringen", "Danske Daginstitutioner")

EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[A-Za-z]{2,}$")
AGE_RE = re.compile(r"^\s*(\d{1,2})\s*[-–]\s*(\d{1,2})\s*(år)?\s*$")

SHEETS: dict[str, tuple[str, ...]] = {
    "Områder": ("Område", "Områdechef", "E-mail", "Souschef", "Souschef e-mail"),
    "Klynger": (
        "Klynge-ID",
        "Klynge",
        "Område",
        "Type",
        "Paraplyorganisation",
        "Model",
        "Klyngeleder",
        "E-mail",
    ),
    "Enheder": (
        "Enheds-ID",
        "Enhed",
        "Klynge-ID",
        "Adresse",
        "Antal børn",
        "Aldersgruppe",
        "Leder",
        "E-mail",
    ),
}


def is_email(value: str | None) -> bool:
    return bool(value) and bool(EMAIL_RE.match(value.strip()))


@dataclass(frozen=True)
class Area:
    name: str
    chief: str
    email: str
    deputy: str = ""
    deputy_email: str = ""

    @property
    def authorised_emails(self) -> frozenset[str]:
        return frozenset(e.lower() for e in (self.email, self.deputy_email) if e)


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    cluster_id: str
    address: str = ""
    children: int = 0
    age_group: str = ""
    leader: str = ""
    email: str = ""

    @property
    def age_range(self) -> tuple[int, int] | None:
        m = AGE_RE.match(self.age_group or "")
        return (int(m.group(1)), int(m.group(2))) if m else None


@dataclass(frozen=True)
class Cluster:
    id: str
    name: str
    area: str
    type: str
    umbrella: str = ""
    model: str = ""
    leader: str = ""
    email: str = ""
    units: tuple[Unit, ...] = ()

    @property
    def is_network(self) -> bool:
        return self.type == "Netværk"

    @property
    def is_self_governing(self) -> bool:
        return self.type in ("Selvejende klynge", "Netværk")

    @property
    def children(self) -> int:
        return sum(u.children for u in self.units)

    @property
    def age_range(self) -> tuple[int, int] | None:
        ranges = [u.age_range for u in self.units if u.age_range]
        if not ranges:
            return None
        return min(r[0] for r in ranges), max(r[1] for r in ranges)


@dataclass
class Structure:
    areas: dict[str, Area] = field(default_factory=dict)
    clusters: dict[str, Cluster] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    source: str = ""

    def clusters_in(self, area: str) -> list[Cluster]:
        return [c for c in self.clusters.values() if c.area == area]

    def units_in_area(self, area: str) -> list[Unit]:
        return [u for c in self.clusters_in(area) for u in c.units]

    def cluster_of(self, unit_id: str) -> Cluster:
        return self.clusters[self.units[unit_id].cluster_id]

    def find_cluster(self, text: str) -> Cluster | None:
        """A cluster by its id or by its name, ignoring case and surrounding spaces."""
        key = (text or "").strip().casefold()
        for c in self.clusters.values():
            if c.id.casefold() == key or c.name.casefold() == key:
                return c
        return None

    def find_unit(self, text: str, cluster: Cluster | None = None) -> Unit | None:
        key = (text or "").strip().casefold()
        pool = cluster.units if cluster else self.units.values()
        for u in pool:
            if u.id.casefold() == key or u.name.casefold() == key:
                return u
        return None

    def find_area(self, text: str) -> Area | None:
        key = (text or "").strip().casefold()
        for a in self.areas.values():
            if a.name.casefold() == key:
                return a
        return None

    def to_rows(self) -> dict[str, list[dict[str, Any]]]:
        """The structure as sheet name -> rows keyed by the Danish headers (for export)."""
        return {
            "Områder": [
                dict(
                    zip(
                        SHEETS["Områder"],
                        (a.name, a.chief, a.email, a.deputy, a.deputy_email),
                        strict=True,
                    )
                )
                for a in self.areas.values()
            ],
            "Klynger": [
                dict(
                    zip(
                        SHEETS["Klynger"],
                        (c.id, c.name, c.area, c.type, c.umbrella, c.model, c.leader, c.email),
                        strict=True,
                    )
                )
                for c in self.clusters.values()
            ],
            "Enheder": [
                dict(
                    zip(
                        SHEETS["Enheder"],
                        (
                            u.id,
                            u.name,
                            u.cluster_id,
                            u.address,
                            u.children,
                            u.age_group,
                            u.leader,
                            u.email,
                        ),
                        strict=True,
                    )
                )
                for u in self.units.values()
            ],
        }


# --- reading -------------------------------------------------------------------------------


@dataclass
class _Row:
    sheet: str
    number: int  # Excel row number, or 1-based item index in YAML
    # Only the columns the source has: a column missing from a sheet's header is reported
    # once for the sheet, not once per row.
    values: dict[str, Any]
    line: int | None = None  # YAML: the line the item starts on, so an editor can jump there


def _norm_header(h: Any) -> str:
    return re.sub(r"\s+", " ", _text(h)).casefold()


# HR's sheets may have a title, a date or blank rows above the header; look this far for it.
_HEADER_SEARCH_ROWS = 30


def _find_header(rows: list[tuple[Any, ...]], headers: tuple[str, ...]) -> int | None:
    """Index of the header row: the first row holding most of the expected headers, else the
    row holding the most of them, else the first non-empty row."""
    wanted = {_norm_header(h) for h in headers}
    best, best_hits, first_nonempty = None, 0, None
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if first_nonempty is None and any(_text(v) for v in row):
            first_nonempty = i
        hits = len(wanted & {_norm_header(v) for v in row})
        if hits * 2 >= len(wanted):
            return i
        if hits > best_hits:
            best, best_hits = i, hits
    return best if best is not None else first_nonempty


def _sheet_rows(
    path: Path, sheet: str, headers: tuple[str, ...], all_rows: list[tuple], problems: list[Problem]
) -> list[_Row]:
    """The rows under the sheet's header row, by column name; missing columns are problems."""
    h = _find_header(all_rows, headers)
    header_row = (h + 1) if h is not None else 1
    colmap: dict[str, int] = {}
    if h is not None:
        for j, v in enumerate(all_rows[h]):
            if _text(v):
                colmap.setdefault(_norm_header(v), j)
    wanted = {col: colmap.get(_norm_header(col)) for col in headers}
    for col, j in wanted.items():
        if j is None:
            problems.append(
                Problem(
                    Location(str(path), sheet, header_row, col),
                    "kolonnen mangler i overskriftsrækken",
                )
            )
    present = {col: j for col, j in wanted.items() if j is not None}
    items = []
    start = h + 1 if h is not None else len(all_rows)
    for i in range(start, len(all_rows)):
        row = all_rows[i]
        if not any(_text(v) for v in row):
            continue
        values = {col: (row[j] if j < len(row) else None) for col, j in present.items()}
        items.append(_Row(sheet, i + 1, values))
    return items


def _rows_from_workbook(path: Path, problems: list[Problem]) -> dict[str, list[_Row]]:
    from docauto.office.xlsxio import load_workbook_checked

    wb = load_workbook_checked(path, read_only=True, data_only=True)
    out: dict[str, list[_Row]] = {}
    try:
        by_name = {ws.title.strip().casefold(): ws for ws in wb.worksheets}
        for sheet, headers in SHEETS.items():
            ws = by_name.get(sheet.casefold())
            if ws is None:
                problems.append(Problem(Location(str(path), sheet), "arket mangler"))
                continue
            if hasattr(ws, "reset_dimensions"):
                # Some programs write a wrong <dimension>; read-only openpyxl trusts it and
                # would silently drop the rows beyond it.
                ws.reset_dimensions()
            out[sheet] = _sheet_rows(
                path, sheet, headers, list(ws.iter_rows(values_only=True)), problems
            )
    finally:
        wb.close()
    return out


def _load_yaml_with_lines(text: str) -> tuple[Any, dict[str, list[int]]]:
    """Parse once: the data, and per top-level key the 1-based line each list item starts on
    (for messages). The C parser when PyYAML has it: the pure-Python one takes ~0.4 s here."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    lines: dict[str, list[int]] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(value, yaml.SequenceNode):
                lines[str(key.value).strip().casefold()] = [
                    n.start_mark.line + 1 for n in value.value
                ]
    return data, lines


def _rows_from_yaml(path: Path, problems: list[Problem]) -> dict[str, list[_Row]]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad on Windows writes a BOM
        data, lines = _load_yaml_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        raise InputError(f"{path}: ugyldig YAML{where}: {getattr(exc, 'problem', exc)}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: filen er ikke UTF-8-tekst") from None
    except OSError as exc:
        raise InputError(f"{path}: kan ikke læses ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: forventede nøglerne {', '.join(SHEETS)} øverst i filen")
    out: dict[str, list[_Row]] = {}
    keys = {str(k).strip().casefold(): k for k in data}
    for sheet, headers in SHEETS.items():
        key = keys.get(sheet.casefold())
        if key is None:
            problems.append(Problem(Location(str(path), sheet), "afsnittet mangler"))
            continue
        items = data[key] or []
        if not isinstance(items, list):
            problems.append(Problem(Location(str(path), sheet), "skal være en liste af rækker"))
            continue
        item_lines = lines.get(str(key).strip().casefold(), [])
        rows = []
        for i, item in enumerate(items, start=1):
            line = item_lines[i - 1] if i <= len(item_lines) else None
            if not isinstance(item, dict):
                problems.append(
                    Problem(
                        Location(str(path), sheet, i, part=f"linje {line}" if line else None),
                        "rækken er ikke en tabel",
                    )
                )
                continue
            norm = {_norm_header(k): v for k, v in item.items()}
            # In YAML every row names its own fields, so a missing field is that row's problem.
            rows.append(_Row(sheet, i, {h: norm.get(_norm_header(h)) for h in headers}, line))
        out[sheet] = rows
    return out


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = re.sub(r"\s", "", _text(value))
    # "1.200" is Danish for 1200; "12.5" is not a whole number (stripping every dot made it 125).
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _canonical(value: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed spelling of value, ignoring case and repeated spaces; None if unknown."""
    key = _norm_header(value)
    return next((a for a in allowed if a.casefold() == key), None)


class _Builder:
    """Builds a Structure from the sheets' rows, collecting every problem (not only the first)."""

    def __init__(self, rows: dict[str, list[_Row]], src: str, problems: list[Problem]) -> None:
        self.rows, self.src, self.problems = rows, src, problems
        # A missing sheet or key column is one problem; it must not turn into one "unknown
        # area/cluster" or "no units" per row on the other sheets.
        self.have_areas = self._linkable("Områder", "Område")
        self.have_clusters = self._linkable("Klynger", "Klynge-ID")
        self.have_units = self._linkable("Enheder", "Klynge-ID")
        self.s = Structure(source=src)
        self.cluster_rows: dict[str, tuple[_Row, dict[str, str]]] = {}
        self.units_by_cluster: dict[str, list[Unit]] = {}
        self.unit_rows: dict[str, _Row] = {}

    # -- helpers ----------------------------------------------------------------------------

    def _linkable(self, sheet: str, col: str) -> bool:
        return sheet in self.rows and all(col in r.values for r in self.rows[sheet])

    def loc(self, r: _Row, col: str | None = None) -> Location:
        return Location(self.src, r.sheet, r.number, col, f"linje {r.line}" if r.line else None)

    def problem(self, r: _Row, col: str, message: str) -> None:
        self.problems.append(Problem(self.loc(r, col), message))

    def required(self, r: _Row, col: str) -> str:
        v = _text(r.values.get(col))
        if not v and col in r.values:  # a missing column is reported once, with the header
            self.problem(r, col, "mangler en værdi")
        return v

    def email(self, r: _Row, col: str, needed: bool) -> str:
        v = _text(r.values.get(col))
        if not v:
            if needed and col in r.values:
                self.problem(r, col, "e-mailadressen mangler")
        elif not is_email(v):
            self.problem(r, col, f"'{v}' er ikke en gyldig e-mailadresse")
        return v

    def canonical(self, r: _Row, col: str, value: str, allowed: tuple[str, ...], what: str) -> str:
        """The allowed spelling of ``value``; an unknown one is a problem (and kept as given).

        ``what`` is the message before the list, e.g. "ukendt type '{value}' (tilladt".
        """
        if not value:
            return value
        found = _canonical(value, allowed)
        if found is None:
            self.problem(r, col, what.format(value=value) + ": " + ", ".join(allowed) + ")")
            return value
        return found

    # -- sheets -----------------------------------------------------------------------------

    def areas(self) -> None:
        for r in self.rows.get("Områder", []):
            name = self.required(r, "Område")
            a = Area(
                name=name,
                chief=self.required(r, "Områdechef"),
                email=self.email(r, "E-mail", True),
                deputy=_text(r.values.get("Souschef")),
                deputy_email=self.email(r, "Souschef e-mail", False),
            )
            if name in self.s.areas:
                self.problem(r, "Område", f"området '{name}' står der to gange")
            elif name:
                self.s.areas[name] = a

    def _cluster_fields(self, r: _Row) -> dict[str, str]:
        f = {
            "id": self.required(r, "Klynge-ID"),
            "name": self.required(r, "Klynge"),
            "area": self.required(r, "Område"),
            "type": self.required(r, "Type"),
            "umbrella": _text(r.values.get("Paraplyorganisation")),
            "model": _text(r.values.get("Model")),
            "leader": _text(r.values.get("Klyngeleder")),
            "email": self.email(r, "E-mail", False),
        }
        if f["area"] and self.have_areas and f["area"] not in self.s.areas:
            self.problem(r, "Område", f"ukendt område '{f['area']}'")
        f["type"] = self.canonical(
            r, "Type", f["type"], CLUSTER_TYPES, "ukendt type '{value}' (tilladt"
        )
        f["umbrella"] = self.canonical(
            r,
            "Paraplyorganisation",
            f["umbrella"],
            UMBRELLAS,
            "ukendt paraplyorganisation '{value}' (kendte",
        )
        return f

    def clusters(self) -> None:
        for r in self.rows.get("Klynger", []):
            f = self._cluster_fields(r)
            cid = f["id"]
            if cid in self.cluster_rows:
                first = self.cluster_rows[cid][0].number
                self.problem(r, "Klynge-ID", f"Klynge-ID '{cid}' findes også i række {first}")
            elif cid:
                self.cluster_rows[cid] = (r, f)
        self.units_by_cluster = {cid: [] for cid in self.cluster_rows}

    def _children(self, r: _Row) -> int:
        raw = r.values.get("Antal børn")
        children = _int(raw)
        if children is None:
            if _text(raw):
                self.problem(r, "Antal børn", f"'{_text(raw)}' er ikke et helt tal")
            elif "Antal børn" in r.values:
                self.problem(r, "Antal børn", "mangler en værdi")
            return 0
        if children < 0:
            self.problem(r, "Antal børn", f"antal børn kan ikke være negativt ({children})")
        return children

    def _unit(self, r: _Row) -> Unit:
        uid = self.required(r, "Enheds-ID")
        cid = self.required(r, "Klynge-ID")
        children = self._children(r)
        age = _text(r.values.get("Aldersgruppe"))
        if age and not AGE_RE.match(age):
            self.problem(r, "Aldersgruppe", f"'{age}' er ikke en aldersgruppe som '0-6'")
        return Unit(
            id=uid,
            name=self.required(r, "Enhed"),
            cluster_id=cid,
            address=_text(r.values.get("Adresse")),
            children=children,
            age_group=age,
            leader=_text(r.values.get("Leder")),
            email=self.email(r, "E-mail", False),
        )

    def units(self) -> None:
        for r in self.rows.get("Enheder", []):
            u = self._unit(r)
            uid, cid = u.id, u.cluster_id
            if cid and self.have_clusters and cid not in self.cluster_rows:
                self.problem(r, "Klynge-ID", f"ukendt Klynge-ID '{cid}'")
            if uid in self.unit_rows:
                first = self.unit_rows[uid].number
                self.problem(r, "Enheds-ID", f"Enheds-ID '{uid}' findes også i række {first}")
            elif uid:
                self.unit_rows[uid] = r
                self.s.units[uid] = u
                if cid in self.units_by_cluster:
                    self.units_by_cluster[cid].append(u)

    def finish(self) -> Structure:
        for cid, (r, f) in self.cluster_rows.items():
            units = tuple(self.units_by_cluster.get(cid, ()))
            if not units and self.have_units:
                self.problem(r, "Klynge-ID", f"klyngen '{cid}' har ingen enheder")
            self.s.clusters[cid] = Cluster(units=units, **f)
        return self.s


def _build(rows: dict[str, list[_Row]], src: str, problems: list[Problem]) -> Structure:
    b = _Builder(rows, src, problems)
    b.areas()
    b.clusters()
    b.units()
    return b.finish()


def load_structure(path: str | Path) -> Structure:
    """Load and validate the structure from a .xlsx workbook or a .yaml/.yml/.json file."""
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"{path}: strukturfilen findes ikke", hint="angiv strukturen med --structure FIL"
        )
    problems: list[Problem] = []
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _rows_from_workbook(path, problems)
    elif suffix in (".yaml", ".yml", ".json"):
        rows = _rows_from_yaml(path, problems)
    else:
        raise InputError(f"{path}: ukendt filtype '{suffix}'", hint="brug .xlsx eller .yaml")
    structure = _build(rows, str(path), problems)
    if problems:
        raise StructureError(f"{path}: strukturen har {len(problems)} fejl", problems)
    return structure


def write_structure_workbook(structure: Structure) -> bytes:
    """The structure as the HR workbook of REGISTRY.md §0 (bytes of an .xlsx)."""

    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in structure.to_rows().items():
        ws = wb.create_sheet(sheet)
        headers = SHEETS[sheet]
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([row[h] for h in headers])
            # _current_row: the row just appended (max_row would scan every cell each time)
            r = ws._current_row
            for cell in next(ws.iter_rows(min_row=r, max_row=r, max_col=len(headers))):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
        for i, h in enumerate(headers, start=1):
            width = max([len(str(h))] + [len(str(r[h] or "")) for r in rows[:500]]) + 2
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = min(width, 50)
        ws.freeze_panes = "A2"
        if rows:
            ref = f"A1:{openpyxl.utils.get_column_letter(len(headers))}{len(rows) + 1}"
            tname = "T_" + re.sub(r"\W", "", sheet.replace("å", "aa").replace("æ", "ae"))
            tab = Table(displayName=tname, ref=ref)
            tab.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
            ws.add_table(tab)
    from docauto.office.housestyle import workbook_bytes

    return workbook_bytes(wb, "Strukturen: områder, klynger og enheder")


def write_structure_yaml(structure: Structure, header: str | None = None) -> bytes:
    """The structure as YAML with the sheet names and Danish headers of REGISTRY.md §0.

    ``header`` becomes comment lines at the top. The output is deterministic (same structure,
    same bytes) and loads back with ``load_structure`` to an equal structure.
    """
    import yaml

    text = yaml.safe_dump(
        structure.to_rows(),
        allow_unicode=True,
        sort_keys=False,
        width=120,
        default_flow_style=False,
    )
    comment = "".join(f"# {line}".rstrip() + "\n" for line in (header or "").splitlines())
    return (comment + text).encode("utf-8")


def select_clusters(structure: Structure, only: Iterable[str] | None) -> list[Cluster]:
    """Clusters by id or name; unknown names are an error listing the nearest known ones."""
    from docauto.errors import UsageError

    if not only:
        return list(structure.clusters.values())
    out = []
    for key in only:
        c = structure.find_cluster(key)
        if c is None:
            import difflib

            near = difflib.get_close_matches(
                key, list(structure.clusters) + [x.name for x in structure.clusters.values()], n=3
            )
            raise UsageError(
                f"ukendt klynge '{key}'" + (f"; mente du {', '.join(near)}?" if near else "")
            )
        out.append(c)
    return out
