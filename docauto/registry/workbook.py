"""The registry workbook: create it, open it, add and update rows, save it safely.

HR works in this file in Excel: sorts, filters, colours rows, writes notes in columns of their
own, adds sheets. So the workbook is loaded in full (not read-only, formulas kept) and only
the cells the tool writes are touched; openpyxl keeps the rest (styles, comments, filters,
number formats, frozen panes, column widths, data validation, extra sheets) when it saves.
Columns are found by their header text, so HR may move them or add columns anywhere.

A save writes a temporary file beside the registry, keeps the previous file as
``<stem>.backup.xlsx`` (the two before it as ``.backup-2``/``.backup-3``) and renames the new
file over the old with ``os.replace``: a reader, or a run killed at any point, sees either
the old or the new registry, never half of one.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import MissingRegistryError, RegistryError
from docauto.output import is_open_elsewhere
from docauto.registry import schema
from docauto.registry.files import RegistryFiles

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from docauto.structure.model import Cluster, Structure

log = logging.getLogger(__name__)

BACKUPS = 3
HEADER_SEARCH_ROWS = 10
MAX_CELL_TEXT = 32_000  # Excel's limit is 32,767 characters per cell
# Test hook: a path; just before the new registry replaces the old one, the run creates that
# file and sleeps, so a test can kill it at exactly that point.
PAUSE_ENV = "DOCAUTO_TEST_PAUSE_BEFORE_REPLACE"
PAUSE_SECONDS_ENV = "DOCAUTO_TEST_PAUSE_SECONDS"
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def _norm(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


def backup_path(registry: Path, n: int = 1) -> Path:
    return RegistryFiles(registry).backup(n)


def clean_surrogates(text: str) -> str:
    """Undecodable bytes of a broken mail header (kept as surrogates by Python's decoders)
    become the UTF-8 text they usually were, or U+FFFD; an .xlsx cannot hold surrogates."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return (
            text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            if _only_escapes(text)
            else text.encode("utf-8", "replace").decode("utf-8")
        )


def _only_escapes(text: str) -> bool:
    return all(not 0xD800 <= ord(ch) < 0xDC80 for ch in text)


def set_cell(cell: Any, value: Any) -> None:
    """Write a value the way the registry stores it: text always as text, dates formatted."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", clean_surrogates(value))[:MAX_CELL_TEXT]
        cell.value = text
        # openpyxl turns a str starting with '=' into a formula; 's' stores it as text.
        cell.data_type = "s"
        if text.startswith(_RISKY_START):
            # Excel keeps the text as text even when someone edits the cell later.
            cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, datetime):
        cell.number_format = schema.DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = schema.DATE_FORMAT


def _style_header(ws: Worksheet, headers: Iterable[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", start_color="FF1F4E78")
    font = Font(bold=True, color="FFFFFFFF")
    headers = list(headers)
    for j, name in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=j)
        set_cell(cell, name)
        cell.font = font
        cell.fill = fill
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = schema.WIDTHS.get(name, 18)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}1"


def _add_sheet(wb: Workbook, name: str) -> Worksheet:
    ws = wb.create_sheet(name)
    _style_header(ws, schema.SHEETS[name])
    return ws


def _add_memory_sheet(wb: Workbook) -> None:
    """docauto's memory of handled mails (see ``docauto.registry.memory``), made at init so
    that ingest never has to add a sheet to HR's workbook."""
    ws = wb.create_sheet(schema.STATE_SHEET)
    ws.append(schema.STATE_HEADERS)
    # Not HR's to edit; Excel shows it only to someone who goes looking with VBA.
    ws.sheet_state = "veryHidden"


def initial_positions(structure: Structure) -> list[Cluster]:
    """Clusters that get a cluster-leader position at init: the municipal clusters, and the
    self-governing clusters HR's setting names (docauto.recruitment.scope). A network has a
    coordinator, not a cluster leader, and gets none."""
    from docauto.recruitment.scope import load_scope

    return load_scope().clusters(structure)


class RegistryBook:
    """An open registry workbook. Use ``open`` or ``create``; ``save`` writes it back."""

    def __init__(self, path: Path, wb: Workbook) -> None:
        self.path = Path(path)
        self.wb = wb
        self._headers: dict[str, tuple[int, dict[str, int]]] = {}
        self._next_row: dict[str, int] = {}
        self._first_new_row: dict[str, int] = {}
        self._positions: dict[str, int] | None = None
        self._hashes: dict[str, str] | None = None
        self.rows_added = 0
        self.added_sheets: list[str] = []

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path) -> RegistryBook:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name in schema.SHEETS:
            _add_sheet(wb, name)
        _add_memory_sheet(wb)
        book = cls(path, wb)
        book.check()
        return book

    @classmethod
    def open(cls, path: Path, *, repair: bool = True) -> RegistryBook:
        """Load the registry for changing it. Sheets HR deleted are added again when repair."""
        import openpyxl

        path = Path(path)
        if not path.exists():
            raise MissingRegistryError(
                f"{path}: registret findes ikke", hint="opret det med 'docauto registry init'"
            )
        try:
            wb = openpyxl.load_workbook(path, rich_text=True)
        except Exception as exc:
            raise RegistryError(
                f"{path}: registret kan ikke åbnes ({type(exc).__name__}: {exc})",
                hint=f"gendan {backup_path(path).name}, hvis filen er beskadiget",
            ) from None
        book = cls(path, wb)
        if repair:
            for name in schema.SHEETS:
                if name not in wb.sheetnames:
                    _add_sheet(wb, name)
                    book.added_sheets.append(name)
        book.check()
        return book

    def check(self) -> None:
        """Every owned sheet and column must be there; found by header text, in any order."""
        missing: list[str] = []
        for name, columns in schema.SHEETS.items():
            if name not in self.wb.sheetnames:
                missing.append(f"arket '{name}' mangler")
                continue
            ws = self.wb[name]
            found = None
            for r in range(1, min(ws.max_row, HEADER_SEARCH_ROWS) + 1):
                cols: dict[str, int] = {}
                for cell in ws[r]:
                    key = _norm(cell.value)
                    if key and key not in cols:
                        cols[key] = cell.column
                if all(_norm(c) in cols for c in columns):
                    found = (r, {c: cols[_norm(c)] for c in columns})
                    break
            if found is None:
                lacking = ", ".join(columns)
                missing.append(
                    f"arket '{name}' har ikke overskrifterne {lacking} i de første "
                    f"{HEADER_SEARCH_ROWS} rækker"
                )
                continue
            self._headers[name] = found
        if missing:
            raise RegistryError(
                f"{self.path}: registret har ikke den forventede form: " + "; ".join(missing),
                hint="gendan arket eller dets overskriftsrække",
            )

    # -- reading ---------------------------------------------------------------------------

    def columns(self, sheet: str) -> dict[str, int]:
        return self._headers[sheet][1]

    def header_row(self, sheet: str) -> int:
        return self._headers[sheet][0]

    def iter_rows(self, sheet: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, {owned column: value}) for every non-empty data row."""
        ws = self.wb[sheet]
        hr, cols = self._headers[sheet]
        idx = {name: c - 1 for name, c in cols.items()}
        for r, row in enumerate(ws.iter_rows(min_row=hr + 1, values_only=True), start=hr + 1):
            values = {name: (row[i] if i < len(row) else None) for name, i in idx.items()}
            if any(v not in (None, "") for v in values.values()):
                yield r, values

    def column_values(self, sheet: str, column: str) -> list[Any]:
        ws = self.wb[sheet]
        hr, cols = self._headers[sheet]
        c = cols[column]
        return [
            row[0]
            for row in ws.iter_rows(min_row=hr + 1, min_col=c, max_col=c, values_only=True)
            if row[0] not in (None, "")
        ]

    # -- writing ---------------------------------------------------------------------------

    def _next(self, sheet: str) -> int:
        if sheet not in self._next_row:
            ws = self.wb[sheet]
            hr = self.header_row(sheet)
            last = ws.max_row
            # Rows HR formatted but left empty are not 'used'; a note in any column is.
            while last > hr and all(c.value in (None, "") for c in ws[last]):
                last -= 1
            self._next_row[sheet] = last + 1
            self._first_new_row[sheet] = last + 1
        return self._next_row[sheet]

    def append(self, sheet: str, values: dict[str, Any]) -> int:
        """Add a row after the last used one; returns its row number."""
        ws = self.wb[sheet]
        cols = self.columns(sheet)
        r = self._next(sheet)
        for name, value in values.items():
            if name in cols and value not in (None, ""):
                set_cell(ws.cell(row=r, column=cols[name]), value)
        self._next_row[sheet] = r + 1
        self.rows_added += 1
        if sheet == schema.POSITIONS and self._positions is not None:
            pid = values.get("Stillings-ID")
            if pid:
                self._positions[str(pid)] = r
        return r

    def update(self, sheet: str, row: int, values: dict[str, Any]) -> None:
        ws = self.wb[sheet]
        cols = self.columns(sheet)
        for name, value in values.items():
            set_cell(ws.cell(row=row, column=cols[name]), value)

    def get(self, sheet: str, row: int, column: str) -> Any:
        return self.wb[sheet].cell(row=row, column=self.columns(sheet)[column]).value

    # -- positions (Stillinger) -----------------------------------------------------------

    def positions(self) -> dict[str, int]:
        """Stillings-ID -> row number."""
        if self._positions is None:
            self._positions = {}
            for r, values in self.iter_rows(schema.POSITIONS):
                pid = str(values.get("Stillings-ID") or "").strip()
                if pid and pid not in self._positions:
                    self._positions[pid] = r
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
        when: datetime,
        hired: str | None = None,
    ) -> bool:
        """Create the position or move its status along (never backwards). True if changed."""
        row = self.positions().get(position_id)
        if row is None:
            self.append(
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
            return True
        current = self.get(schema.POSITIONS, row, "Status")
        new = schema.next_status(str(current or ""), status)
        changes: dict[str, Any] = {}
        if new is not None:
            changes["Status"] = new
        if hired and new == schema.BESAT:
            changes["Ansat"] = hired
        if changes:
            changes["Opdateret"] = when
            self.update(schema.POSITIONS, row, changes)
            return True
        return False

    def add_cluster_positions(self, structure: Structure, when: datetime) -> int:
        """One Stillinger row per cluster-leader position that is not there yet."""
        added = 0
        for c in initial_positions(structure):
            pid = schema.position_id("cluster_leader", c.id)
            if pid in self.positions():
                continue
            self.append(
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
            added += 1
        return added

    # -- content hashes (the tool's own memory, in a very hidden sheet) --------------------

    def content_hashes(self) -> dict[str, str]:
        """Hash of a registered mail's attachments -> its Message-ID (to spot resends)."""
        if self._hashes is None:
            self._hashes = {}
            if schema.STATE_SHEET in self.wb.sheetnames:
                ws = self.wb[schema.STATE_SHEET]
                for mid, digest in ws.iter_rows(min_row=2, max_col=2, values_only=True):
                    if digest:  # the latest registration of the same content wins
                        self._hashes[str(digest)] = str(mid or "")
        return self._hashes

    def add_content_hash(self, digest: str, message_id: str) -> None:
        if not digest or self.content_hashes().get(digest) == message_id:
            return
        if schema.STATE_SHEET not in self.wb.sheetnames:
            ws = self.wb.create_sheet(schema.STATE_SHEET)
            ws.append(["Message-ID", "Indhold"])
            # Not HR's to edit; Excel shows it only to someone who goes looking with VBA.
            ws.sheet_state = "veryHidden"
        ws = self.wb[schema.STATE_SHEET]
        ws.append([message_id, digest])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"
        self._hashes[digest] = message_id

    # -- saving ----------------------------------------------------------------------------

    def _extend_filters(self) -> None:
        """Keep HR's auto-filter and tables covering the rows added below them."""
        for sheet, first_new in self._first_new_row.items():
            last = self._next_row[sheet] - 1
            if last < first_new:
                continue
            _grow_filters(self.wb[sheet], first_new, last)

    def save(self) -> None:
        """Atomically replace the registry (keeping backups); RegistryError if it cannot."""

        path = self.path
        files = RegistryFiles(path)
        held = files.held_by()
        if held is not None:
            raise RegistryError(
                f"{path}: registret er åbent i Excel eller LibreOffice ({held.name} findes)",
                hint="luk den og kør igen",
            )
        self._extend_filters()
        tmp = files.new_temp()
        try:
            self.wb.save(tmp)
            commit(path, tmp, files)
        except BaseException:
            try:
                tmp.unlink()
            except OSError:
                pass
            raise


def commit(path: Path, tmp: Path, files: RegistryFiles, *, backup: bool = True) -> None:
    """Put the finished copy ``tmp`` in place of the registry, keeping backups."""
    _fsync(tmp)
    _copy_mode(path, tmp)
    if backup and path.exists():
        _rotate_backups(path)
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        Path(pause).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV) or 120))
    try:
        os.replace(tmp, path)
    except PermissionError:
        raise RegistryError(
            f"{path}: registret kan ikke overskrives; det er måske åbent i et andet program",
            hint="close it and run again",
        ) from None
    _fsync_dir(path.parent)


def _copy_mode(original: Path, new: Path) -> None:
    """mkstemp makes a private file; the registry keeps the permissions it had (or the
    usual ones for a new file), since HR's colleagues open it on a shared drive."""
    try:
        if original.exists():
            shutil.copymode(original, new)
        elif os.name == "posix":
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(new, 0o666 & ~umask)
    except OSError:
        pass


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open folders this way.
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _rotate_backups(path: Path) -> None:
    """Copy the current registry to .backup.xlsx, shifting older backups down."""
    for n in range(BACKUPS, 1, -1):
        older = backup_path(path, n - 1)
        if older.exists():
            try:
                os.replace(older, backup_path(path, n))
            except OSError as exc:
                log.warning("kan ikke rotere sikkerhedskopien %s: %s", older.name, exc)
    tmp_name = RegistryFiles(path).new_temp()
    try:
        shutil.copyfile(path, tmp_name)
        _copy_mode(path, Path(tmp_name))
        _fsync(Path(tmp_name))
        os.replace(tmp_name, backup_path(path, 1))
    except OSError as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise RegistryError(f"{path}: sikkerhedskopien kan ikke skrives ({exc})") from None


def _load_read_only(path: Path):
    import openpyxl

    if not path.exists():
        raise MissingRegistryError(f"{path}: registret findes ikke")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise RegistryError(f"{path}: registret kan ikke åbnes ({type(exc).__name__})") from None


def _sheet_dicts(ws: Any, sheet: str) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        return []
    wanted = {_norm(c) for c in schema.SHEETS.get(sheet, ())}
    header_i = 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if wanted and wanted <= {_norm(v) for v in row}:
            header_i = i
            break
    headers = [str(h).strip() if h not in (None, "") else None for h in rows[header_i]]
    out = []
    for n, row in enumerate(rows[header_i + 1 :], start=header_i + 2):
        item = {h: (row[j] if j < len(row) else None) for j, h in enumerate(headers) if h}
        if any(v not in (None, "") for v in item.values()):
            item["_row"] = n
            out.append(item)
    return out


def read_sheet(path: str | Path, sheet: str) -> list[dict[str, Any]]:
    """The rows of one registry sheet as dicts keyed by header (the tool's columns and HR's
    own), read-only and fast; empty rows skipped. Values as Excel holds them (datetimes for
    dates, ints for numbers). ``_row`` is the Excel row number."""
    path = Path(path)
    wb = _load_read_only(path)
    try:
        if sheet not in wb.sheetnames:
            raise RegistryError(f"{path}: arket '{sheet}' mangler")
        return _sheet_dicts(wb[sheet], sheet)
    finally:
        wb.close()


def read_registry(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Every sheet of REGISTRY.md §3 (those present) as read_sheet gives them, in one load."""
    path = Path(path)
    wb = _load_read_only(path)
    try:
        return {
            name: _sheet_dicts(wb[name], name) for name in schema.SHEETS if name in wb.sheetnames
        }
    finally:
        wb.close()


def registry_busy(path: Path) -> bool:
    return is_open_elsewhere(Path(path))


def _grown_range(ref: str | None, first_new: int, last: int) -> str | None:
    """The range ``ref`` reaching down to row ``last``, if it ended just above the new rows
    (first_new..last); None if it should stay as it is."""
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import range_boundaries

    if not ref:
        return None
    try:
        c1, r1, c2, r2 = range_boundaries(ref)
    except (TypeError, ValueError):
        return None
    if r2 is None or r2 < first_new - 1 or r2 >= last:
        return None
    return f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{last}"


def _grow_filters(ws: Any, first_new: int, last: int) -> None:
    """The sheet's auto-filter and tables (and their filters) over the rows added below them."""
    new = _grown_range(ws.auto_filter.ref, first_new, last)
    if new:
        ws.auto_filter.ref = new
    for table in ws.tables.values():
        new = _grown_range(table.ref, first_new, last)
        if new:
            table.ref = new
            if table.autoFilter is not None:
                table.autoFilter.ref = new
