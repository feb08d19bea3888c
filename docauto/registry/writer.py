"""docauto's writer of the registry: appends rows and changes cells in place.

Everything HR builds in the workbook (pictures, charts, pivot tables, slicers, comments, their
own sheets, x14 validations...) is kept byte for byte, because only the parts of the sheets
docauto owns are rewritten (see ``docauto.registry.ooxml``). The cost of a save is copying the
file plus rewriting the sheets that got rows, not loading and saving a workbook model.

The API, for every module that adds to the registry (ingest, reprocess, events)::

    with RegistryLock(path) as lock:             # writers hold the registry's lock
        w = RegistryWriter.open(path)            # checks every owned sheet and header
        row = w.append("Stillinger", {"Stillings-ID": "KL-K01", "Status": "Opslået"})
        w.update("Stillinger", row, {"Status": "Besat"})
        for row, values in w.iter_rows("Stillinger"):   # {owned header: value}
            ...
        w.save()                                 # temp file, backup, replace; atomic

Sheets are the names of ``schema.SHEETS`` (their columns are found by header text, anywhere in
the first rows, in any order), plus ``schema.STATE_SHEET``, docauto's memory. A missing or
renamed owned sheet, or a header HR renamed, stops ``open`` with a Danish message naming it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from docauto.errors import RegistryError
from docauto.registry import schema
from docauto.registry.files import RegistryFiles
from docauto.registry.ooxml import (
    DOC_REL_NS,
    WORKSHEET_CT,
    WORKSHEET_TYPE,
    Package,
    PackageError,
    Styles,
    attrs,
    read_shared_strings,
    relationships,
    rels_part,
    text_xml,
)
from docauto.registry.sheetedit import SheetEditor, grow_range
from docauto.registry.workbook import commit

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10
# A shared string item: its prefix, and what is inside it (None for <si/>).
_SI = re.compile(rb"<((?:\w+:)?)si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)


def _norm(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


class _Workbook:
    """workbook.xml: sheet names, their parts, the date system; where styles and strings are."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        root_rels = relationships(pkg, "")
        office = [r for r in root_rels if r.get("Type", "").endswith("/officeDocument")]
        self.part = office[0]["part"] if office else "xl/workbook.xml"
        self.xml = pkg.read(self.part)
        self.rels = {r["Id"]: r for r in relationships(pkg, self.part) if "Id" in r}
        self.sheets: dict[str, str] = {}  # name -> part
        self.states: dict[str, str] = {}
        self.sheet_ids: list[int] = []
        self.order: list[str] = []  # sheet names in workbook order (localSheetId)
        for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*?)/?>", self.xml):
            a = attrs(m.group(1))
            self.order.append(a.get("name", ""))
            rid = next((v for k, v in a.items() if k.endswith(":id")), "")
            rel = self.rels.get(rid)
            if rel and "part" in rel:
                self.sheets[a.get("name", "")] = rel["part"]
                self.states[a.get("name", "")] = a.get("state", "visible")
            if a.get("sheetId", "").isdigit():
                self.sheet_ids.append(int(a["sheetId"]))
        pr = re.search(rb"<(?:\w+:)?workbookPr\b([^>]*?)/?>", self.xml)
        self.date1904 = bool(pr) and attrs(pr.group(1)).get("date1904") in ("1", "true")

    def set_filter_database(self, sheet: str, ref: str) -> None:
        """The hidden name ``_xlnm._FilterDatabase`` of a sheet follows its filter range:
        LibreOffice takes the filter's range from this name, not from the sheet."""
        if sheet not in self.order:
            return
        index = self.order.index(sheet)
        a, _, b = ref.partition(":")
        absolute = "$" + "$".join(re.match(r"([A-Z]+)(\d+)", a).groups())  # type: ignore[union-attr]
        if b:
            absolute += ":$" + "$".join(re.match(r"([A-Z]+)(\d+)", b).groups())  # type: ignore[union-attr]

        def one(m: re.Match[bytes]) -> bytes:
            if attrs(m.group(1)).get("localSheetId") != str(index):
                return m.group(0)
            target = m.group(2)
            bang = target.rfind(b"!")
            if bang < 0:
                return m.group(0)
            return m.group(0).replace(
                b">" + target + b"<", b">" + target[: bang + 1] + absolute.encode() + b"<", 1
            )

        new = re.sub(
            rb"<(?:\w+:)?definedName\b([^>]*_xlnm\._FilterDatabase[^>]*)>([^<]*)<",
            one,
            self.xml,
        )
        if new != self.xml:
            self.xml = new
            self.pkg.write(self.part, new)

    def related(self, kind: str) -> str | None:
        return next(
            (r["part"] for r in self.rels.values() if r.get("Type", "").endswith("/" + kind)),
            None,
        )

    def add_sheet(self, name: str, state: str, xml: bytes) -> str:
        """A new worksheet part at the end of the workbook (its rels, content types, list)."""
        pkg = self.pkg
        n = 1
        while pkg.has(f"xl/worksheets/sheet{n}.xml"):
            n += 1
        part = f"xl/worksheets/sheet{n}.xml"
        pkg.write(part, xml)
        rid_n = 1
        while f"rId{rid_n}" in self.rels:
            rid_n += 1
        rid = f"rId{rid_n}"
        base = part
        wb_dir = self.part.rsplit("/", 1)[0] + "/" if "/" in self.part else ""
        if base.startswith(wb_dir):
            base = base[len(wb_dir) :]
        rels_name = rels_part(self.part)
        rels = pkg.read(rels_name)
        rels = _insert_before_close(
            rels,
            b"Relationships",
            b'<Relationship Id="%s" Type="%s" Target="%s"/>'
            % (rid.encode(), WORKSHEET_TYPE.encode(), base.encode()),
        )
        pkg.write(rels_name, rels)
        types = pkg.read("[Content_Types].xml")
        types = _insert_before_close(
            types,
            b"Types",
            b'<Override PartName="/%s" ContentType="%s"/>' % (part.encode(), WORKSHEET_CT.encode()),
        )
        pkg.write("[Content_Types].xml", types)
        # The relationships namespace is declared on the element itself: openpyxl declares
        # it on each <sheet>, not on the root.
        r = b"r"
        ns = b' xmlns:r="%s"' % DOC_REL_NS.encode()
        spfx = re.search(rb"<((?:\w+:)?)sheets\b", self.xml)
        sp = spfx.group(1) if spfx else b""
        sheet_id = max(self.sheet_ids or [0]) + 1
        element = b'<%ssheet%s name="%s" sheetId="%d" state="%s" %s:id="%s"/>' % (
            sp,
            ns,
            text_xml(name),
            sheet_id,
            state.encode(),
            r,
            rid.encode(),
        )
        self.xml = self.xml.replace(b"</%ssheets>" % sp, element + b"</%ssheets>" % sp, 1)
        pkg.write(self.part, self.xml)
        self.rels[rid] = {"Id": rid, "part": part, "Type": WORKSHEET_TYPE}
        self.sheets[name] = part
        self.states[name] = state
        self.sheet_ids.append(sheet_id)
        self.order.append(name)
        return part


def _insert_before_close(xml: bytes, element: bytes, new: bytes) -> bytes:
    m = list(re.finditer(rb"</((?:\w+:)?)" + element + rb">", xml))
    if not m:
        raise PackageError(f"{element.decode()} mangler")
    last = m[-1]
    if last.group(1):
        new = new.replace(b"<", b"<" + last.group(1), 1)
    return xml[: last.start()] + new + xml[last.start() :]


class RegistryWriter:
    """The registry opened for in-place changes. Use ``open``; ``save`` writes it back."""

    def __init__(self, path: Path, pkg: Package) -> None:
        self.path = Path(path)
        self.files = RegistryFiles(self.path)
        self.pkg = pkg
        self.workbook = _Workbook(pkg)
        self._shared: list[str] | None = None
        self._styles: Styles | None = None
        self._sheets: dict[str, SheetEditor] = {}
        self._headers: dict[str, tuple[int, dict[str, int]]] = {}
        self._new_sheets: dict[str, list[str]] = {}
        self._positions: dict[str, int] | None = None
        self.rows_added = 0

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, sheets: Mapping[str, tuple[str, ...]] | None = None
    ) -> RegistryWriter:
        """Open and check the registry: each sheet of ``sheets`` (default: every owned one)
        with its headers; RegistryError in Danish when one is missing or renamed."""
        path = Path(path)
        if not path.exists():
            raise RegistryError(
                f"{path}: registret findes ikke", hint="create it with 'docauto registry init'"
            )
        try:
            writer = cls(path, Package(path))
            writer.check(schema.SHEETS if sheets is None else sheets)
        except PackageError as exc:
            raise RegistryError(
                f"{path}: registret kan ikke åbnes ({exc})",
                hint=f"restore {RegistryFiles(path).backup().name} if the file is damaged",
            ) from None
        return writer

    def close(self) -> None:
        self.pkg.close()

    def shared(self) -> list[str]:
        if self._shared is None:
            part = self.workbook.related("sharedStrings")
            self._shared = read_shared_strings(self.pkg.read(part)) if part else []
        return self._shared

    @property
    def styles(self) -> Styles:
        if self._styles is None:
            self._styles = Styles(self.pkg, self.workbook.related("styles"))
        return self._styles

    def has_sheet(self, name: str) -> bool:
        return name in self.workbook.sheets

    def sheet(self, name: str) -> SheetEditor:
        if name not in self._sheets:
            if name not in self.workbook.sheets:
                raise RegistryError(
                    f"{self.path}: arket '{name}' mangler i registret",
                    hint=f"give the sheet its name '{name}' back, or run 'docauto registry init'",
                )
            self._sheets[name] = SheetEditor(self.pkg, name, self.workbook.sheets[name])
        return self._sheets[name]

    def check(self, sheets: Mapping[str, tuple[str, ...]]) -> None:
        """Every owned sheet and column must be there; found by header text, in any order."""
        problems: list[str] = []
        for name, columns in sheets.items():
            if name not in self.workbook.sheets:
                problems.append(_missing_sheet(name, self.workbook.sheets))
                continue
            found = self._find_header(self.sheet(name), columns)
            if found is None:
                problems.append(
                    f"arket '{name}' har ikke overskrifterne {', '.join(columns)} i de første "
                    f"{HEADER_SEARCH_ROWS} rækker"
                )
                continue
            self._headers[name] = found
            self._mark_tables(name, found[0])
        if problems:
            raise RegistryError(
                f"{self.path}: registret har ikke den forventede form: "
                + "; ".join(problems)
                + ". Intet er skrevet",
                hint="restore the sheet's name or its header row (or run 'docauto registry init')",
            )

    def _find_header(
        self, ws: SheetEditor, columns: tuple[str, ...]
    ) -> tuple[int, dict[str, int]] | None:
        for row in ws.first_rows(HEADER_SEARCH_ROWS):
            cols: dict[str, int] = {}
            for col, value in sorted(ws.values(row, self.shared).items()):
                key = _norm(value)
                if key and key not in cols:
                    cols[key] = col
            if all(_norm(c) in cols for c in columns):
                ws.header_row = row.num
                return row.num, {c: cols[_norm(c)] for c in columns}
        return None

    def _tables(self, name: str) -> list[tuple[str, bytes]]:
        out = []
        for rel in relationships(self.pkg, self.workbook.sheets[name]):
            if rel.get("Type", "").endswith("/table") and "part" in rel:
                out.append((rel["part"], self.pkg.read(rel["part"])))
        return out

    def _mark_tables(self, name: str, header_row: int) -> None:
        ws = self.sheet(name)
        for _part, xml in self._tables(name):
            a = attrs(re.search(rb"<(?:\w+:)?table\b([^>]*)>", xml).group(1))  # type: ignore[union-attr]
            totals = int(a.get("totalsRowCount", "0") or 0)
            if totals and ":" in a.get("ref", ""):
                end = int(re.sub(r"^\D+", "", a["ref"].split(":")[1]))
                ws.table_totals.update(range(end - totals + 1, end + 1))

    # -- reading ---------------------------------------------------------------------------

    def columns(self, sheet: str) -> dict[str, int]:
        return self._headers[sheet][1]

    def header_row(self, sheet: str) -> int:
        return self._headers[sheet][0]

    def iter_rows(self, sheet: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, {owned column: value}) for every data row with a value in an owned
        column, as the file holds them (rows appended in this run not included)."""
        ws = self.sheet(sheet)
        hr, cols = self._headers[sheet]
        for num, cells in ws.column_rows(set(cols.values()), self.shared):
            if num <= hr or num in ws.table_totals:
                continue
            values = {name: cells.get(c) for name, c in cols.items()}
            if any(v not in (None, "") for v in values.values()):
                yield num, values

    def get(self, sheet: str, row: int, column: str) -> Any:
        ws = self.sheet(sheet)
        col = self.columns(sheet)[column]
        last = ws.last_data_row()
        if last < row <= last + len(ws.appends):
            return ws.appends[row - last - 1].get(col)
        if col in ws.updates.get(row, {}):
            return ws.updates[row][col]
        for r in ws.rows():
            if r.num == row:
                return ws.values(r, self.shared).get(col)
        return None

    # -- changing --------------------------------------------------------------------------

    def append(self, sheet: str, values: Mapping[str, Any], *, counted: bool = True) -> int:
        """Add a row below the last used one (above any totals row); returns its number.
        Keys are owned column headers; others are ignored."""
        cols = self.columns(sheet)
        row = self.sheet(sheet).append({cols[k]: v for k, v in values.items() if k in cols})
        if counted:
            self.rows_added += 1
        if sheet == schema.POSITIONS and self._positions is not None:
            pid = str(values.get("Stillings-ID") or "").strip()
            if pid:
                self._positions.setdefault(pid, row)
        return row

    def update(self, sheet: str, row: int, values: Mapping[str, Any]) -> None:
        """Set owned cells of an existing (or this run's) row; each keeps its own style."""
        cols = self.columns(sheet)
        self.sheet(sheet).update(row, {cols[k]: v for k, v in values.items() if k in cols})

    def create_sheet(self, name: str, headers: list[str], state: str = "veryHidden") -> None:
        """A sheet of docauto's own (the memory), made at save; rows may be appended now."""
        self._new_sheets[name] = list(headers)
        xml = _new_sheet_xml(headers)
        self.workbook.add_sheet(name, state, xml)
        ws = self.sheet(name)
        ws.header_row = 1
        self._headers[name] = (1, {h: i for i, h in enumerate(headers, start=1)})

    def define_columns(self, sheet: str, header_row: int, cols: dict[str, int]) -> None:
        """Columns of a sheet whose header is not one of schema.SHEETS (docauto's memory)."""
        self.sheet(sheet).header_row = header_row
        self._headers[sheet] = (header_row, dict(cols))

    @property
    def changed(self) -> bool:
        return any(ws.changed for ws in self._sheets.values()) or bool(self._new_sheets)

    # -- editing in place (registry purge) ----------------------------------------------

    def worksheets(self) -> list[str]:
        """Names of every worksheet (HR's and hidden ones too; not chart sheets), in order."""
        parts = {
            r["part"]
            for r in self.workbook.rels.values()
            if r.get("Type", "").endswith("/worksheet")
        }
        return [n for n in self.workbook.order if self.workbook.sheets.get(n) in parts]

    def rewrite_cells(self, sheet: str, changes: Mapping[int, Mapping[int, Any]]) -> None:
        """Set cells (row -> column number -> value) of existing rows of any worksheet, in
        place: nothing appended, moved or grown (see ``SheetEditor.rewrite``). Not together
        with ``append``/``update`` of the same sheet in one save."""
        if changes:
            ws = self.sheet(sheet)
            self.pkg.write(ws.part, ws.rewrite(changes, self.styles, self.workbook.date1904))

    def shared_items(self) -> list[bytes]:
        """The XML inside each ``<si>`` of the shared strings, by index (runs included)."""
        part = self.workbook.related("sharedStrings")
        data = self.pkg.read(part) if part else b""
        return [m.group(2) or b"" for m in _SI.finditer(data)]

    def rewrite_shared_strings(self, items: Mapping[int, bytes]) -> None:
        """Replace the XML inside some ``<si>`` (by index); the other items and the rest of
        the part stay byte for byte. Every cell using an item shows its new text."""
        part = self.workbook.related("sharedStrings")
        if not items or not part:
            return
        data = self.pkg.read(part)
        pieces, pos = [], 0
        for i, m in enumerate(_SI.finditer(data)):
            if i in items:  # <si> has no attributes (CT_Rst)
                pfx = m.group(1)
                pieces += [data[pos : m.start()], b"<%ssi>%s</%ssi>" % (pfx, items[i], pfx)]
                pos = m.end()
        pieces.append(data[pos:])
        self.pkg.write(part, b"".join(pieces))
        self._shared = None

    # -- positions (Stillinger) -----------------------------------------------------------

    def positions(self) -> dict[str, int]:
        """Stillings-ID -> row number (the first row with it)."""
        if self._positions is None:
            self._positions = {}
            self._status: dict[int, Any] = {}
            for r, values in self.iter_rows(schema.POSITIONS):
                pid = str(values.get("Stillings-ID") or "").strip()
                if pid and pid not in self._positions:
                    self._positions[pid] = r
                    self._status[r] = values.get("Status")
        return self._positions

    def move_position(
        self,
        *,
        position_id: str,
        role_label: str,
        area: str,
        cluster: str,
        unit: str,
        status: str,
        when: Any,
        hired: str | None = None,
    ) -> bool:
        """Create the position or move its status along (never backwards). True if changed."""
        row = self.positions().get(position_id)
        if row is None:
            row = self.append(
                schema.POSITIONS,
                {
                    "Stillings-ID": position_id,
                    "Stillingstype": role_label,
                    "Område": area,
                    "Klynge": cluster,
                    "Enhed": unit,
                    "Status": status,
                    "Ansat": hired or "",
                    "Opdateret": when,
                },
            )
            self._status[row] = status
            return True
        new = schema.next_status(str(self._status.get(row) or ""), status)
        changes: dict[str, Any] = {}
        if new is not None:
            changes["Status"] = new
            self._status[row] = new
        if hired and new == schema.BESAT:
            changes["Ansat"] = hired
        if changes:
            changes["Opdateret"] = when
            self.update(schema.POSITIONS, row, changes)
            return True
        return False

    def add_cluster_positions(self, structure: Any, when: Any) -> int:
        """One Stillinger row per cluster-leader position that is not there yet."""
        from docauto.registry.workbook import initial_positions

        added = 0
        for c in initial_positions(structure):
            pid = schema.position_id("cluster_leader", c.id)
            if pid in self.positions():
                continue
            row = self.append(
                schema.POSITIONS,
                {
                    "Stillings-ID": pid,
                    "Stillingstype": schema.ROLE_LABEL["cluster_leader"],
                    "Område": c.area,
                    "Klynge": c.name,
                    "Enhed": "",
                    "Status": schema.OPSLAAET,
                    "Opdateret": when,
                },
            )
            self._status[row] = schema.OPSLAAET
            added += 1
        return added

    # -- saving ----------------------------------------------------------------------------

    def _render(self) -> None:
        for name, ws in self._sheets.items():
            if not ws.changed:
                continue
            last = ws.last_data_row()
            k = len(ws.appends)
            ws.write_to(self.pkg, self.styles, self.workbook.date1904)
            if k:
                self._grow_tables(name, last, k)
            if ws.filter_ref:
                self.workbook.set_filter_database(name, ws.filter_ref)
        if self._styles is not None:
            self._styles.flush()

    def _grow_tables(self, name: str, last: int, k: int) -> None:
        for part, xml in self._tables(name):
            m = re.search(rb"<(?:\w+:)?table\b([^>]*)>", xml)
            if not m:
                continue
            totals = int(attrs(m.group(1)).get("totalsRowCount", "0") or 0)

            def table_ref(mm: re.Match[bytes], totals: int = totals) -> bytes:
                return (
                    mm.group(1)
                    + grow_range(mm.group(2).decode(), last, k, totals).encode()
                    + mm.group(3)
                )

            def filter_ref(mm: re.Match[bytes]) -> bytes:
                return (
                    mm.group(1) + grow_range(mm.group(2).decode(), last, k).encode() + mm.group(3)
                )

            start = re.sub(rb"""(\sref=")([^"]*)(")""", table_ref, m.group(0), count=1)
            new = xml[: m.start()] + start + xml[m.end() :]
            new = re.sub(
                rb"""(<(?:\w+:)?autoFilter\b[^>]*\sref=")([^"]*)(")""", filter_ref, new, count=1
            )
            if new != xml:
                self.pkg.write(part, new)

    def save(self, *, backup: bool = True) -> None:
        """Write the changes atomically (temporary copy, backup, replace); RegistryError if
        another program holds the file or it cannot be replaced. ``backup=False`` for the
        later saves of one run, so the backups keep the registry as it was before the run."""
        path = self.path
        held = self.files.held_by()
        if held is not None:
            raise RegistryError(
                f"{path}: registret er åbent i et andet program ({held.name} findes)",
                hint="close it and run again",
            )
        self._render()
        tmp = self.files.new_temp()
        try:
            self.pkg.save_to(tmp)
            # Closed before the replace: Windows cannot replace a file that is still open.
            self.pkg.close()
            commit(path, tmp, self.files, backup=backup)
        except PackageError as exc:  # the registry was damaged under us: nothing is replaced
            _discard(tmp)
            raise RegistryError(
                f"{path}: registret kan ikke læses ({exc})",
                hint=f"restore {self.files.backup().name} if the file is damaged",
            ) from None
        except BaseException:
            _discard(tmp)
            raise
        finally:
            self.pkg.close()


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink()
    except OSError:
        pass  # a later run removes it (RegistryFiles.remove_stale_temps)


def _missing_sheet(name: str, present: Mapping[str, str]) -> str:
    others = [n for n in present if n not in schema.SHEETS and not n.startswith("_")]
    hint = f" (er det omdøbt? andre ark: {', '.join(others)})" if others else ""
    return (
        f"arket '{name}' mangler{hint}; giv arket navnet '{name}' igen, eller kør "
        "'docauto registry init' for at oprette det tomt"
    )


def _new_sheet_xml(headers: list[str]) -> bytes:
    from docauto.registry.ooxml import MAIN_NS, col_letters

    cells = b"".join(
        b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (col_letters(i).encode(), text_xml(h))
        for i, h in enumerate(headers, start=1)
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="%s"><dimension ref="A1:%s1"/><sheetData><row r="1">%s</row>'
        b"</sheetData></worksheet>" % (MAIN_NS.encode(), col_letters(len(headers)).encode(), cells)
    )
