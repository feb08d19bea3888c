"""The house style at render time: letterhead data, logo, document properties, print set-up.

The look itself (A4, margins, fonts, heading styles, letterhead header, "Side X af Y" footer,
table widths) lives in the templates; this module supplies what changes without a template
being edited:

- ``afsender``: the letterhead data from ``mappings/afsender.yaml``, put into every Word
  document's context, with ``dato`` (the generation date unless the kind gives one) and empty
  ``modtager``, ``sagsnr`` and ``dokumentnr`` when the kind gives none (the context contract).
- the logo: ``templates/logo.png`` replaces, at render time, the picture a template's header
  calls "Logo" (its alt text), so a municipality changes the logo by dropping in a file.
- core properties: author = the administration, created/modified = now, language da-DK.
- ``finish_workbook``: the one print set-up of every generated .xlsx (A4, one page wide,
  header row repeated, header and footer with title and page numbers, frozen header row).
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import ConfigError

if TYPE_CHECKING:
    from openpyxl import Workbook

    from docauto.office.engine import PreparedTemplate

SENDER_FILE = "afsender.yaml"
LOGO_FILE = "logo.png"
LOGO_NAME = "Logo"  # the picture's name/alt text in the templates' first-page header
LANGUAGE = "da-DK"
# Names every Word document's context has, whatever its kind (templates check knows them).
HOUSE_FIELDS = ("afsender", "dato", "modtager", "sagsnr", "dokumentnr")
_TEXT_KEYS = (
    "kommune",
    "forvaltning",
    "enhed",
    "telefon",
    "email",
    "ean",
    "web",
    "cvr",
    "sagsnr_tekst",
    "dokumentnr_tekst",
)
_PNG = b"\x89PNG\r\n\x1a\n"


# -- the letterhead data ----------------------------------------------------------------------

_STAT_TTL = 1.0  # seconds: a batch renders hundreds of documents a second; one stat will do
_stats: dict[str, tuple[float, tuple[str, int] | None]] = {}


def _file_key(path: Path) -> tuple[str, int] | None:
    """(path, mtime) of a file, looked up at most once a second; None when it is missing."""
    import time

    now = time.monotonic()
    hit = _stats.get(str(path))
    if hit is not None and now - hit[0] < _STAT_TTL:
        return hit[1]
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        key = None
    _stats[str(path)] = (now, key)
    return key


_SENDER_CACHE: dict[tuple[str, int], dict[str, Any]] = {}
_LOCK = threading.Lock()


def _sender_path() -> Path:
    from docauto.resources import mapping_path

    return mapping_path(SENDER_FILE)


def _clean_sender(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(k, str)}
    for key in _TEXT_KEYS:
        value = raw.get(key)
        if isinstance(value, list | dict):
            raise ConfigError(f"{path}: '{key}' skal være én tekst, ikke en liste")
        out[key] = "" if value is None else str(value).strip()
    address = raw.get("adresse") or []
    if isinstance(address, str):
        address = address.splitlines()
    if not isinstance(address, list):
        raise ConfigError(f"{path}: 'adresse' skal være en liste af linjer")
    out["adresse"] = [str(line).strip() for line in address if str(line).strip()]
    if not out["forvaltning"]:
        raise ConfigError(
            f"{path}: 'forvaltning' mangler", hint="name the administration that sends documents"
        )
    # The contact line of the first page's footer, without the fields left empty.
    out["kontakt"] = [
        text
        for text, value in (
            (f"Tlf. {out['telefon']}", out["telefon"]),
            (out["email"], out["email"]),
            (out["web"], out["web"]),
            (f"EAN {out['ean']}", out["ean"]),
            (f"CVR {out['cvr']}", out["cvr"]),
        )
        if value
    ]
    out["enheder"] = _units(raw.get("enheder"), path)
    out["sagsnr_tekst"] = out["sagsnr_tekst"] or "Sagsnr."
    out["dokumentnr_tekst"] = out["dokumentnr_tekst"] or "Dokumentnr."
    return out


def _units(raw: Any, path: Path) -> dict[str, str]:
    """``enheder``: the sending unit per document kind (the kind's ``docauto.kind`` name)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: 'enheder' skal være en liste af 'dokumenttype: enhed'")
    units: dict[str, str] = {}
    for kinds, unit in raw.items():
        if isinstance(unit, list | dict):
            raise ConfigError(f"{path}: 'enheder' → '{kinds}' skal være én tekst, ikke en liste")
        # One line may name several kinds, separated by commas.
        for kind in str(kinds).split(","):
            if kind.strip():
                units[kind.strip().lower()] = "" if unit is None else str(unit).strip()
    return units


def sender_for(kind: str | None) -> dict[str, Any]:
    """The letterhead data for a document of ``kind`` (its ``docauto.kind`` property): the
    unit from ``enheder`` when the kind is named there, else the default ``enhed``."""
    base = sender()
    units = base.get("enheder") or {}
    key = (kind or "").strip().lower()
    if key not in units and "-" in key:
        key = key.split("-", 1)[0]  # "brev-afslag" falls back to "brev"
    if key not in units or units[key] == base["enhed"]:
        return base
    return {**base, "enhed": units[key]}


def sender() -> dict[str, Any]:
    """The letterhead data (``afsender``), read once per change of mappings/afsender.yaml."""
    from docauto.datafiles import read_mapping

    path = _sender_path()
    key = _file_key(path)
    if key is None:
        raise ConfigError(
            f"{path}: filen med brevhovedet (afsender) findes ikke",
            hint="copy mappings/afsender.yaml from docauto's own mappings",
        ) from None
    with _LOCK:
        hit = _SENDER_CACHE.get(key)
    if hit is None:
        hit = _clean_sender(read_mapping(path), path)
        with _LOCK:
            _SENDER_CACHE.clear()
            _SENDER_CACHE[key] = hit
    return hit


def style_files() -> list[Path]:
    """The files besides the template that change how a Word document looks (for batch runs,
    which rewrite a document only when what it is made from changed)."""
    from docauto.resources import templates_dir

    return [p for p in (_sender_path(), templates_dir() / LOGO_FILE) if p.is_file()]


def document_context(context: Mapping[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """The kind's context with the house fields every template may use."""
    ctx = dict(context)
    ctx.setdefault("afsender", sender())
    if ctx.get("dato") is None:
        ctx["dato"] = today or dt.date.today()
    for name in ("modtager", "sagsnr", "dokumentnr"):
        ctx.setdefault(name, None)
    if isinstance(ctx["modtager"], Mapping):
        # Optional parts of the addressee are there, empty, so a template need not test them.
        ctx["modtager"] = {"stilling": None, "adresse": [], "email": None, **ctx["modtager"]}
    return ctx


# -- the logo ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LogoSlot:
    media: str  # zip member of the picture
    headers: tuple[str, ...]  # header parts that show it
    cx: int  # its width and height in the template (EMU)
    cy: int


_SLOTS: weakref.WeakKeyDictionary[Any, _LogoSlot | None] = weakref.WeakKeyDictionary()
_LOGO_CACHE: dict[tuple[str, int], tuple[bytes, tuple[int, int]]] = {}
_DOCPR = re.compile(r'<wp:docPr\b[^>]*\b(?:name|descr)="' + LOGO_NAME + r'(?:\.png)?"[^>]*>')
_EXTENT = re.compile(r'<wp:extent cx="(\d+)" cy="(\d+)"')
_EMBED = re.compile(r'r:embed="([^"]+)"')


def _find_slot(prepared: PreparedTemplate) -> _LogoSlot | None:
    """Where the template's header has its logo: the picture named 'Logo'."""
    media, headers, size = None, [], (0, 0)
    for part in prepared._parts:  # noqa: SLF001 - the engine's own list of rendered parts
        if part.kind != "header":
            continue
        xml = (prepared.member(part.name) or b"").decode("utf-8", "replace")
        m = _DOCPR.search(xml)
        if not m:
            continue
        # The drawing's extent comes before its docPr; the picture's r:embed after it.
        extents = _EXTENT.findall(xml, 0, m.start())
        embed = _EMBED.search(xml, m.end())
        if not extents or not embed:
            continue
        folder, name = part.name.rsplit("/", 1)
        rels = prepared.member(f"{folder}/_rels/{name}.rels") or b""
        target = re.search(
            rb'Id="' + re.escape(embed.group(1).encode()) + rb'"[^>]*Target="([^"]+)"', rels
        ) or re.search(
            rb'Target="([^"]+)"[^>]*Id="' + re.escape(embed.group(1).encode()) + rb'"', rels
        )
        if not target:
            continue
        media = f"{folder}/{target.group(1).decode()}".replace("word/../", "")
        headers.append(part.name)
        size = tuple(int(v) for v in extents[-1])
    if media is None or prepared.member(media) is None:
        return None
    return _LogoSlot(media, tuple(headers), size[0], size[1])


def _slot(prepared: PreparedTemplate) -> _LogoSlot | None:
    with _LOCK:
        if prepared in _SLOTS:
            return _SLOTS[prepared]
    slot = _find_slot(prepared)
    with _LOCK:
        _SLOTS[prepared] = slot
    return slot


def png_size(data: bytes, where: str = LOGO_FILE) -> tuple[int, int]:
    """(width, height) in pixels of a PNG image."""
    if not data.startswith(_PNG) or len(data) < 24:
        raise ConfigError(
            f"{where}: logoet er ikke et PNG-billede",
            hint="save the logo as PNG under the same name",
        )
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        raise ConfigError(f"{where}: logoet har ingen størrelse")
    return width, height


def logo() -> tuple[bytes, tuple[int, int]] | None:
    """The bytes and pixel size of templates/logo.png, or None when there is none."""
    from docauto.resources import templates_dir

    path = templates_dir() / LOGO_FILE
    key = _file_key(path)
    if key is None:
        return None
    with _LOCK:
        hit = _LOGO_CACHE.get(key)
    if hit is None:
        data = path.read_bytes()
        hit = (data, png_size(data, str(path)))
        with _LOCK:
            _LOGO_CACHE.clear()
            _LOGO_CACHE[key] = hit
    return hit


def _swap_logo(prepared: PreparedTemplate, parts: dict[str, bytes]) -> None:
    slot = _slot(prepared)
    current = logo()
    if slot is None or current is None:
        return
    data, (w, h) = current
    if data == prepared.member(slot.media):
        return
    parts[slot.media] = data
    # Keep the height the template gives the logo; the width follows the new picture.
    cx = max(1, round(slot.cy * w / h))
    if cx == slot.cx:
        return
    old, new = f'cx="{slot.cx}"'.encode(), f'cx="{cx}"'.encode()
    for name in slot.headers:
        blob = parts.get(name) or prepared.member(name) or b""
        parts[name] = blob.replace(old, new)


# -- rendering --------------------------------------------------------------------------------


def generation_time() -> str:
    """Now, as the W3CDTF text of core properties (UTC, whole seconds)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def finisher(prepared: PreparedTemplate, afsender: Mapping[str, Any]):
    """The engine's ``finish`` step for one render: logo, then core properties."""
    author = str(afsender.get("forvaltning") or "")
    when = generation_time()

    def finish(parts: dict[str, bytes]) -> None:
        _swap_logo(prepared, parts)
        core = parts.get("docProps/core.xml") or prepared.member("docProps/core.xml")
        parts["docProps/core.xml"] = _core_xml(core, author, when)

    return finish


@lru_cache(maxsize=64)
def _core_xml(core: bytes | None, author: str, when: str) -> bytes:
    # The same for every document of a template made in the same second.
    from docauto.office.docprops import core_properties_xml

    return core_properties_xml(core, author=author, when=when)


def render_docx(
    template: str | Path,
    context: Mapping[str, Any],
    properties: Mapping[str, str] | None = None,
) -> bytes:
    """Render a Word template in the house style: the one path of every Word kind."""
    from docauto.office.engine import prepare

    prepared = prepare(template)
    kind = (properties or {}).get("docauto.kind")
    ctx = document_context({"afsender": sender_for(kind), **context})
    return prepared.render(ctx, properties=properties, finish=finisher(prepared, ctx["afsender"]))


# -- workbooks --------------------------------------------------------------------------------

# Excel's column width unit is about one digit of the default font; an A4 page holds about
# 90 of them in portrait and 135 in landscape with the margins below.
PORTRAIT_WIDTH = 95
MARGIN_INCH = 0.6
_MAX_WIDTH = 60
_HF_ESCAPE = str.maketrans({"&": "&&"})


def _hf(text: str) -> str:
    return text.translate(_HF_ESCAPE)


def _text_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, dt.time):
        return 5
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def fit_columns(ws: Any, header_row: int = 1, sample: int = 400) -> None:
    """Column widths to content for columns no builder has sized (the first rows decide)."""
    from openpyxl.utils import get_column_letter

    # .get: indexing column_dimensions would create the column with openpyxl's width 13.
    unsized = {
        j
        for j in range(1, (ws.max_column or 0) + 1)
        if ws.column_dimensions.get(get_column_letter(j)) is None
    }
    if not unsized:
        return
    widths: dict[int, int] = {}
    last = header_row + sample
    # The sheet's own cell dict: iter_rows would create every empty cell it passes.
    for (row, col), cell in ws._cells.items():  # noqa: SLF001
        if col in unsized and header_row <= row <= last:
            widths[col] = max(widths.get(col, 0), _text_width(cell.value))
    for j, width in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), _MAX_WIDTH)


def wrap_wide_columns(ws: Any, header_row: int = 1, limit: int = 45) -> None:
    """Columns wider than ``limit`` (a list of names, a long note) wrap at that width, so a
    sheet printed one page wide keeps a readable type size."""
    import copy

    from openpyxl.utils import column_index_from_string

    wide = set()
    for letter, dim in ws.column_dimensions.items():
        if dim.width and dim.width > limit:
            dim.width = limit
            wide.add(column_index_from_string(letter))
    if not wide:
        return
    for (row, col), cell in ws._cells.items():  # noqa: SLF001 - see fit_columns
        if col in wide and row > header_row and isinstance(cell.value, str):
            alignment = copy.copy(cell.alignment)
            alignment.wrap_text, alignment.vertical = True, "top"
            cell.alignment = alignment


def _column_widths(ws: Any) -> float:
    from openpyxl.utils import get_column_letter

    total = 0.0
    for j in range(1, (ws.max_column or 1) + 1):
        dim = ws.column_dimensions.get(get_column_letter(j))
        total += dim.width if dim is not None and dim.width else 8.43
    return total


def wrap_header(ws: Any, header_row: int = 1) -> None:
    """Header cells wrap instead of being cut off, and the row is tall enough for them."""
    import copy
    import math

    from openpyxl.utils import get_column_letter

    lines = 1
    for cell in ws[header_row]:
        if cell.value is None:
            continue
        dim = ws.column_dimensions.get(get_column_letter(cell.column))
        width = dim.width if dim is not None and dim.width else 8.43
        lines = max(lines, math.ceil(_text_width(cell.value) * 1.1 / max(width - 1, 1)))
        alignment = copy.copy(cell.alignment)
        alignment.wrap_text = True
        alignment.vertical = alignment.vertical or "top"
        cell.alignment = alignment
    if lines > 1:
        ws.row_dimensions[header_row].height = 15 * lines + 2


DATE_FORMAT = "dd.mm.yyyy"
DATETIME_FORMAT = "dd.mm.yyyy hh.mm"
# A date format is left alone when it is a Danish day-first one with a four-digit year (the
# registry's "dd-mm-yyyy", which REGISTRY.md's readers rely on) or names the weekday or month;
# the rest (General, openpyxl's ISO default, US month-first, two-digit years) become the house's.
_KEEP_DATE = re.compile(r"^\[?\$?[^\]]*\]?d{1,2}([-.])mm\1yyyy( hh[:.]mm(\1ss|[:.]ss)?)?$|dddd|mmm")


def _date_format(value: Any, current: str) -> str | None:
    """The house format for a date cell, or None to keep its own."""
    if isinstance(value, dt.datetime):
        wanted = DATE_FORMAT if value.time() == dt.time(0) else DATETIME_FORMAT
    elif isinstance(value, dt.date):
        wanted = DATE_FORMAT
    else:
        return None
    fmt = (current or "General").lower()
    if fmt == wanted or _KEEP_DATE.search(fmt):
        return None
    return wanted


def danish_dates(ws: Any) -> None:
    """Date cells in one Danish format (dd.mm.yyyy, with hh.mm for a time of day)."""
    for cell in ws._cells.values():  # noqa: SLF001 - see fit_columns
        wanted = _date_format(cell.value, cell.number_format)
        if wanted:
            cell.number_format = wanted


_MAX_ROW_HEIGHT = 409  # Excel's largest row height (points)


def _cell_lines(value: Any, width: float) -> int:
    """Lines a wrapped cell needs: each paragraph's length over the column's width in
    characters (a little narrower than the width, for the cell's padding and word breaks)."""
    import math

    chars = max(width - 1.5, 1) / 1.1
    return sum(max(1, math.ceil(len(line) / chars)) for line in str(value).split("\n"))


def fit_wrapped_rows(ws: Any, header_row: int | None = 1) -> None:
    """Rows below the header with wrapped text get a height for their lines.

    LibreOffice and Excel do not grow a row for wrapped text in a file that was never opened
    in Excel: without a height the text prints over the next row.
    """
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    heights: dict[int, float] = {}
    for (row, col), cell in ws._cells.items():  # noqa: SLF001 - see fit_columns
        if row <= (header_row or 0) or cell.value is None or not cell.has_style:
            continue
        if not cell.alignment.wrap_text or isinstance(cell.value, dt.date | dt.time):
            continue
        if col not in widths:
            dim = ws.column_dimensions.get(get_column_letter(col))
            widths[col] = dim.width if dim is not None and dim.width else 8.43
        size = float(cell.font.sz or 11) if cell.font is not None else 11.0
        height = _cell_lines(cell.value, widths[col]) * size * 1.36 + 2
        heights[row] = max(heights.get(row, 0.0), height)
    merged = {r for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)}
    for row, height in heights.items():
        if row in merged:
            continue  # a merged cell's width is not its column's; its builder sizes it
        dim = ws.row_dimensions[row]
        dim.height = min(max(height, dim.height or 0), _MAX_ROW_HEIGHT)
    _top_align(ws, set(heights) - merged)


def _top_align(ws: Any, rows: set[int]) -> None:
    """A tall row's other cells at the top, level with the first line of the wrapped text."""
    import copy

    for (row, _col), cell in ws._cells.items():  # noqa: SLF001 - see fit_columns
        if row in rows and cell.value is not None and cell.alignment.vertical is None:
            alignment = copy.copy(cell.alignment)
            alignment.vertical = "top"
            cell.alignment = alignment


def print_setup(
    ws: Any,
    title: str,
    *,
    header_row: int | None = 1,
    landscape: bool | None = None,
    fit_height: int = 0,
    footer_left: str = "",
) -> None:
    """A4, one page wide, header row repeated and frozen, title and 'Side x af y' printed."""
    ps = ws.page_setup
    ps.paperSize = ws.PAPERSIZE_A4
    if landscape is None:
        landscape = _column_widths(ws) > PORTRAIT_WIDTH
    ps.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ps.fitToWidth = 1
    ps.fitToHeight = fit_height
    ws.page_margins.left = ws.page_margins.right = MARGIN_INCH
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = False
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
        if ws.freeze_panes is None:
            ws.freeze_panes = f"A{header_row + 1}"
    # A builder's own header/footer text (the forms' deadline and mailbox) is kept.
    if not ws.oddHeader.left.text:
        ws.oddHeader.left.text = _hf(title)
        ws.oddHeader.left.size = 9
    if not ws.oddHeader.right.text:
        ws.oddHeader.right.text = _hf(ws.title)
        ws.oddHeader.right.size = 9
    if not ws.oddFooter.left.text and footer_left:
        ws.oddFooter.left.text = _hf(footer_left)
        ws.oddFooter.left.size = 8
    if not ws.oddFooter.right.text:
        ws.oddFooter.right.text = "Side &P af &N"
        ws.oddFooter.right.size = 8


def finish_workbook(
    wb: Workbook,
    title: str,
    *,
    header_rows: Mapping[str, int | None] | None = None,
    fit_height: Mapping[str, int] | None = None,
    fit: bool = True,
    skip: Iterable[str] = (),
) -> None:
    """The house print set-up on every visible sheet of a generated workbook.

    ``header_rows`` gives a sheet's header row when it is not row 1 (None: no header row);
    ``fit`` sizes columns no builder has sized to their content; ``fit_height`` fits a sheet
    to that many pages tall (a dashboard with charts: 1).
    """
    header_rows = header_rows or {}
    fit_height = fit_height or {}
    skipped = set(skip)
    try:
        footer = sender().get("forvaltning", "")
    except ConfigError:
        footer = ""
    if not wb.properties.title:
        wb.properties.title = title
    wb.properties.creator = footer or wb.properties.creator
    wb.properties.lastModifiedBy = footer or None
    wb.properties.language = LANGUAGE
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title in skipped:
            continue
        row = header_rows.get(ws.title, 1)
        if fit and row:
            fit_columns(ws, row)
            wrap_wide_columns(ws, row)
        if row:
            wrap_header(ws, row)
        fit_wrapped_rows(ws, row)
        danish_dates(ws)
        print_setup(
            ws,
            title,
            header_row=row,
            fit_height=fit_height.get(ws.title, 0),
            footer_left=footer,
        )


def workbook_bytes(wb: Workbook, title: str, **options: Any) -> bytes:
    """The workbook's bytes, after the house print set-up (finish_workbook)."""
    import io

    finish_workbook(wb, title, **options)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def has_print_setup(data: bytes) -> bool:
    """Whether a generated .xlsx already has A4 set on its first sheet (cheap: one member)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
            if not names:
                return True  # not a workbook we can set up; leave it alone
            head = zf.read(names[0])
    except zipfile.BadZipFile:
        return True
    return b'paperSize="9"' in head


def ensure_print_setup(data: bytes, title: str) -> bytes:
    """A generated workbook with the house print set-up; built-in kinds already have it, a
    kind added later gets it here (at the price of one more load and save)."""
    if has_print_setup(data):
        return data
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    return workbook_bytes(wb, title)
