"""One worksheet of a package, edited as text: rows appended, cells changed, the ranges that
must grow grown. See ``docauto.registry.ooxml`` for why, and for the package around it.

A sheet is three pieces: what comes before the rows (``head``, ends with ``<sheetData>``), the
rows (``body``) and what follows them (``tail``, starts with ``</sheetData>``). Reading walks
the rows with regular expressions, forwards for the header and backwards for the last used
row, so appending to a sheet of 50,000 rows looks at a handful of them.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from docauto.registry.ooxml import (
    MAX_CELL_TEXT,
    Package,
    PackageError,
    StreamLayout,
    Styles,
    _decode_text,
    _number_text,
    attrs,
    clean_text,
    col_index,
    col_letters,
    excel_serial,
    split_ref,
    text_xml,
)

DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
DATE_FORMAT = "dd-mm-yyyy"
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = re.compile("[&<>]")
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']\$?([A-Z]{1,3})\$?(\d+)["']""")
_ROW_NUM = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_STYLE = re.compile(rb"""\ss\s*=\s*["'](\d+)["']""")
_TYPE = re.compile(rb"""\st\s*=\s*["'](\w+)["']""")
_A1 = re.compile(rb"(?<![A-Za-z0-9_.!'\]\[])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(A-Za-z_!])")
_RANGE = re.compile(
    rb"(?<![A-Za-z0-9_.!'\]\[])(\$?[A-Z]{1,3}\$?)(\d+):(\$?[A-Z]{1,3}\$?)(\d+)(?![\d(A-Za-z_!])"
)
_AGGREGATE = re.compile(
    rb"\b(SUM|SUBTOTAL|AGGREGATE|COUNTA?|COUNTBLANK|COUNTIFS?|SUMIFS?|AVERAGE|AVERAGEIFS?|"
    rb"MAX|MIN|_xlfn\.[A-Z.]+)\s*\(",
    re.I,
)


_HAS_V = re.compile(rb"<(\w+:)?v>[^<]")
_HAS_T = re.compile(rb"<(\w+:)?t\b[^>]*>[^<]")
_HAS_F = re.compile(rb"<(\w+:)?f\b")
_IS = re.compile(rb"<(?:\w+:)?is\b[^>]*>(.*?)</(?:\w+:)?is>", re.S)
_RPH = re.compile(rb"<(\w+:)?rPh\b.*?</(\w+:)?rPh>", re.S)
_T = re.compile(rb"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", re.S)
_V = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_CELL_PATTERNS: dict[bytes, re.Pattern[bytes]] = {}
_SHEET_DATA = re.compile(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>")
_AFTER_NAME = (b" ", b">", b"/", b"\t", b"\n", b"\r")

# A sheet whose part unpacks to more than this (~2,000 rows) is streamed (see SheetEditor._scan); smaller
# ones are held whole, which is simpler and as quick.
STREAM_MIN = 1024 * 1024
_CHUNK = 64 * 1024
_PREFIX = 256 * 1024  # the first rows kept of a streamed sheet: the header is among them
_WINDOW = 256 * 1024  # the last rows kept (~1,000): where new rows go, and the totals below
_MAX_HEAD = 64 * 1024 * 1024  # <cols>, <sheetViews>... before the rows; more is not a sheet


def _cell_pattern(pfx: bytes) -> re.Pattern[bytes]:
    if pfx not in _CELL_PATTERNS:
        _CELL_PATTERNS[pfx] = re.compile(rb"<%sc\b([^>]*?)(?:/>|>(.*?)</%sc>)" % (pfx, pfx), re.S)
    return _CELL_PATTERNS[pfx]


@dataclass
class Cell:
    col: int
    start: bytes  # the start tag's attribute text
    inner: bytes  # what is between <c ...> and </c> (b"" for <c .../>)

    @property
    def style(self) -> int:
        m = _STYLE.search(self.start)
        return int(m.group(1)) if m else 0

    @property
    def type(self) -> str:
        m = _TYPE.search(self.start)
        return m.group(1).decode() if m else "n"

    def has_value(self) -> bool:
        inner = self.inner
        return bool(inner) and (
            _HAS_V.search(inner) is not None
            or _HAS_T.search(inner) is not None
            or _HAS_F.search(inner) is not None
        )

    def formula(self) -> bytes:
        m = re.search(rb"<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>", self.inner, re.S)
        return m.group(1) if m else b""


@dataclass
class Row:
    num: int
    start_tag: bytes  # attribute text of <row ...>
    inner: bytes | None  # None: <row .../>
    begin: int  # offsets of the element in the body
    end: int
    _cells: list[Cell] | None = field(default=None, repr=False)

    def cells(self, pfx: bytes) -> list[Cell]:
        if self._cells is None:
            self._cells = _parse_cells(self.inner or b"", pfx)
        return self._cells

    def is_empty(self, pfx: bytes) -> bool:
        return not any(c.has_value() for c in self.cells(pfx))


def _parse_cells(inner: bytes, pfx: bytes) -> list[Cell]:
    out: list[Cell] = []
    col = 0
    for m in _cell_pattern(pfx).finditer(inner):
        ref = _CELL_REF.search(m.group(1))
        col = col_index(ref.group(1).decode()) if ref else col + 1
        out.append(Cell(col, m.group(1), m.group(2) or b""))
    return out


def cell_value(cell: Cell, shared: Any) -> Any:
    """The value as text, number or bool (numbers are not turned into dates here)."""
    t = cell.type
    inner = cell.inner
    if t == "inlineStr":
        is_ = _IS.search(inner)
        if not is_:
            return None
        body = _RPH.sub(b"", is_.group(1)) if b"rPh" in is_.group(1) else is_.group(1)
        return "".join(_decode_text(x) for x in _T.findall(body))
    v = _V.search(inner)
    if not v:
        return None
    raw = v.group(1)
    if t == "s":
        try:
            return shared()[int(raw)]
        except (ValueError, IndexError):
            return None
    if t in ("str", "e"):
        return _decode_text(raw)
    if t == "b":
        return raw.strip() == b"1"
    try:
        number = float(raw)
    except ValueError:
        return _decode_text(raw)
    return int(number) if number.is_integer() and b"." not in raw and b"E" not in raw else number


def shift_formula(formula: bytes, last_data: int, k: int) -> bytes:
    """References below ``last_data`` move down k rows; a range ending at ``last_data``
    grows by k rows (so a total of the data covers the new rows too)."""

    def one_range(m: re.Match[bytes]) -> bytes:
        r1, r2 = int(m.group(2)), int(m.group(4))
        if r1 > last_data:
            r1 += k
        if r2 >= last_data:
            r2 += k
        return b"%s%d:%s%d" % (m.group(1), r1, m.group(3), r2)

    parts = re.split(rb'("[^"]*")', formula)  # not inside string literals
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            placeholder: list[bytes] = []

            def keep(m: re.Match[bytes], placeholder: list[bytes] = placeholder) -> bytes:
                placeholder.append(one_range(m))
                return b"\x00%d\x00" % (len(placeholder) - 1)

            part = _RANGE.sub(keep, part)
            part = _A1.sub(
                lambda m: (
                    m.group(1)
                    + m.group(2)
                    + m.group(3)
                    + (b"%d" % (int(m.group(4)) + k) if int(m.group(4)) > last_data else m.group(4))
                ),
                part,
            )
            part = re.sub(
                rb"\x00(\d+)\x00",
                lambda m, placeholder=placeholder: placeholder[int(m.group(1))],
                part,
            )
        out.append(part)
    return b"".join(out)


def _shift_ref(ref: str, last_data: int, k: int) -> str:
    return shift_formula(ref.encode(), last_data, k).decode()


class SheetEditor:
    """Appends and updates for one worksheet part; ``render`` gives the new part."""

    def __init__(self, pkg: Package, name: str, part: str) -> None:
        self.pkg = pkg
        self.name = name
        self.part = part
        self._body: bytes | None = None  # the rows, when held whole
        self._prefix = b""  # the first rows (streamed sheet)
        self._window = b""  # the last rows, from _window_start on (streamed sheet)
        self._window_start = 0
        self._body_len = 0
        if pkg.size(part) <= STREAM_MIN or not self._scan():
            self._split(pkg.read(part))
        self._row_re = re.compile(
            rb"<%srow\b([^>]*?)(?:/>|>(.*?)</%srow>)" % (self.pfx, self.pfx), re.S
        )
        self._index: list[Row] | None = None
        self.appends: list[dict[int, Any]] = []
        self.updates: dict[int, dict[int, Any]] = {}
        self._tail_info: tuple[int, list[Row]] | None = None
        self.header_row = 0
        self.table_totals: set[int] = set()  # rows that are an Excel table's totals row
        self.filter_ref = ""  # the sheet's filter range after render, when it grew

    def _split(self, data: bytes) -> None:
        m = _SHEET_DATA.search(data)
        if not m:
            raise PackageError(f"arket '{self.name}' har ingen rækker (sheetData mangler)")
        self.pfx = m.group(1)
        if m.group(2):
            self.head = data[: m.start()] + b"<%ssheetData>" % self.pfx
            body = b""
            self.tail = b"</%ssheetData>" % self.pfx + data[m.end() :]
        else:
            close = data.find(b"</%ssheetData>" % self.pfx, m.end())
            if close < 0:
                raise PackageError(f"arket '{self.name}' er beskadiget (sheetData slutter ikke)")
            self.head, body, self.tail = data[: m.end()], data[m.end() : close], data[close:]
        self._hold(body)

    def _hold(self, body: bytes) -> None:
        self._body = body
        self._prefix = self._window = body
        self._window_start = 0
        self._body_len = len(body)

    def _scan(self, resume: bool = True) -> bool:
        """A big sheet is read as a stream, keeping only what comes before the rows, the first
        rows (the header), the last rows and what follows them: appending to a sheet of
        50,000 rows then holds a few megabytes, not the sheet. False when the part is not of
        the shape this handles (the caller then reads it whole)."""
        point = self.pkg.resume_point(self.part) if resume else None
        with self.pkg.open_part(self.part) as fh:
            buf = b""
            m = None
            while m is None:
                chunk = fh.read(_CHUNK)
                if not chunk or len(buf) > _MAX_HEAD:
                    return False
                buf += chunk
                m = _SHEET_DATA.search(buf)
            if m.group(2):
                return False  # <sheetData/>: no rows, a small part after all
            self.pfx, self.head = m.group(1), buf[: m.end()]
            prefix = bytearray(buf[m.end() :])
            if point is not None and point - len(self.head) >= max(_PREFIX, len(prefix)):
                return self._scan_from(point, fh, prefix) or self._scan(resume=False)

            def body() -> Iterator[bytes]:
                yield bytes(prefix)
                while chunk := fh.read(_CHUNK):
                    if len(prefix) < _PREFIX:
                        prefix.extend(chunk[: _PREFIX - len(prefix)])
                    yield chunk

            if not self._scan_end(0, body()):
                return False
        self._prefix = bytes(prefix[: self._body_len])
        return True

    def _scan_from(self, point: int, fh: Any, prefix: bytearray) -> bool:
        """``_scan`` of a part this process wrote, with a point from which its last rows can be
        unpacked: the rows before it are not unpacked to find the end."""
        while len(prefix) < _PREFIX and (chunk := fh.read(_CHUNK)):
            prefix += chunk[: _PREFIX - len(prefix)]
        if not self._scan_end(point - len(self.head), self.pkg.read_from(self.part)):
            return False
        self._prefix = bytes(prefix)
        return True

    def _scan_end(self, start: int, chunks: Iterable[bytes]) -> bool:
        """The window and the tail from the body's bytes from offset ``start`` to the part's
        end, keeping only the last of them; False when they do not hold the rows' end (or,
        read from a point past the top, a whole window)."""
        last: deque[bytes] = deque()  # chunks holding at least the last 2 * _WINDOW bytes
        kept, total = 0, start
        for chunk in chunks:
            if not chunk:
                continue
            total += len(chunk)
            last.append(chunk)
            kept += len(chunk)
            while kept - len(last[0]) >= 2 * _WINDOW:
                kept -= len(last.popleft())
        end = b"".join(last)
        close = end.rfind(b"</%ssheetData>" % self.pfx)
        if close < 0 or (start and close < _WINDOW):
            return False  # what follows the rows is larger than the window
        self.tail = end[close:]
        self._body_len = total - len(self.tail)
        self._window = end[max(0, close - _WINDOW) : close]
        self._window_start = self._body_len - len(self._window)
        return True

    @property
    def body(self) -> bytes:
        """All the rows (read whole on first use when the sheet was streamed)."""
        if self._body is None:
            with self.pkg.open_part(self.part) as fh:
                data = fh.read()
            self._hold(data[len(self.head) : len(self.head) + self._body_len])
        assert self._body is not None
        return self._body

    def _body_chunks(self) -> Iterator[bytes]:
        """The rows in pieces that end at a row's end (the whole body when it is held)."""
        if self._body is not None:
            yield self._body
            return
        close = b"</%srow>" % self.pfx
        with self.pkg.open_part(self.part) as fh:
            fh.read(len(self.head))
            left = self._body_len
            carry = b""
            while left > 0:
                chunk = fh.read(min(_CHUNK, left))
                if not chunk:
                    raise PackageError(f"arket '{self.name}' er kortere end ventet")
                left -= len(chunk)
                buf = carry + chunk
                cut = buf.rfind(close) + len(close) if left > 0 else len(buf)
                if cut < len(close):
                    carry = buf  # one row longer than a chunk: read on
                    continue
                yield buf[:cut]
                carry = buf[cut:]
            if carry:
                yield carry

    def _body_range(self, start: int, stop: int) -> Iterator[bytes | memoryview]:
        """body[start:stop] in pieces, from the held body or the original part."""
        if self._body is not None:
            yield memoryview(self._body)[start:stop]  # not copied until written
            return
        with self.pkg.open_part(self.part) as fh:
            fh.read(len(self.head) + start)
            left = stop - start
            while left > 0:
                chunk = fh.read(min(_CHUNK, left))
                if not chunk:
                    raise PackageError(f"arket '{self.name}' er kortere end ventet")
                left -= len(chunk)
                yield chunk

    def _at(self, start: int, stop: int) -> memoryview:
        """body[start:stop] for a range among the last rows (or anywhere when held)."""
        if start >= self._window_start:
            base = self._window_start
            return memoryview(self._window)[start - base : stop - base]
        return memoryview(self.body)[start:stop]

    # -- reading ---------------------------------------------------------------------------

    def _make_row(self, m: re.Match[bytes], previous: int, base: int = 0) -> Row:
        num = _ROW_NUM.search(b" " + m.group(1))
        number = int(num.group(1)) if num else previous + 1
        return Row(number, m.group(1), m.group(2), base + m.start(), base + m.end())

    def rows(self) -> list[Row]:
        """Every row element, in order (computed once)."""
        if self._index is None:
            out: list[Row] = []
            previous = 0
            for m in self._row_re.finditer(self.body):
                row = self._make_row(m, previous)
                previous = row.num
                out.append(row)
            self._index = out
        return self._index

    def first_rows(self, n: int) -> Iterator[Row]:
        rows = list(islice(self._rows_in(self._prefix), n))
        if len(rows) < n and len(self._prefix) < self._body_len:
            rows = self._first_rows_streamed(n)  # long first rows: read on, in pieces
        return iter(rows)

    def _first_rows_streamed(self, n: int) -> list[Row]:
        rows: list[Row] = []
        base = previous = 0
        for buf in self._body_chunks():
            for m in self._row_re.finditer(buf):
                row = self._make_row(m, previous, base)
                previous = row.num
                rows.append(row)
                if len(rows) >= n:
                    return rows
            base += len(buf)
        return rows

    def _rows_in(self, buf: bytes) -> Iterator[Row]:
        previous = 0
        for m in self._row_re.finditer(buf):
            row = self._make_row(m, previous)
            previous = row.num
            yield row

    def _rows_backward(self) -> Iterator[Row]:
        buf, base = self._window, self._window_start
        end = len(buf)
        while True:
            pos = self._row_start_before(buf, end)
            if pos < 0 and base > 0:
                # Walked past the last rows kept: the whole body is needed after all.
                buf, end, base = self.body, base + end, 0
                continue
            if pos < 0:
                return
            m = self._row_re.match(buf, pos)
            if m is None:
                return
            if not _ROW_NUM.search(b" " + m.group(1)):
                # Rows without numbers count from the top; number them all once.
                yield from reversed([r for r in self.rows() if r.begin <= base + pos])
                return
            yield self._make_row(m, 0, base)
            end = pos

    def _row_start_before(self, buf: bytes, end: int) -> int:
        opener = b"<%srow" % self.pfx
        pos = buf.rfind(opener, 0, end)
        while pos >= 0 and buf[pos + len(opener) : pos + len(opener) + 1] not in _AFTER_NAME:
            pos = buf.rfind(opener, 0, pos)
        return pos

    def column_rows(self, wanted: set[int], shared: Any) -> Iterator[tuple[int, dict[int, Any]]]:
        """(row number, {column: value}) for the ``wanted`` columns of every row, in one scan
        of the cells (no row parsing): reading docauto's memory of 50,000 mails is quick."""
        if not self._body_len or not _CELL_REF.search(self._prefix[:4096]):
            for row in self.rows():  # cells without references: count them row by row
                yield row.num, {c: v for c, v in self.values(row, shared).items() if c in wanted}
            return
        current, values = 0, {}
        cells = _cell_pattern(self.pfx)
        for buf in self._body_chunks():
            for m in cells.finditer(buf):
                ref = _CELL_REF.search(m.group(1))
                if ref is None:
                    continue
                num = int(ref.group(2))
                if num != current:
                    if current:
                        yield current, values
                    current, values = num, {}
                col = col_index(ref.group(1).decode())
                if col in wanted:
                    values[col] = cell_value(Cell(col, m.group(1), m.group(2) or b""), shared)
        if current:
            yield current, values

    def values(self, row: Row, shared: Any) -> dict[int, Any]:
        return {c.col: cell_value(c, shared) for c in row.cells(self.pfx)}

    def _is_totals(self, row: Row) -> bool:
        if row.num in self.table_totals:
            return True
        for c in row.cells(self.pfx):
            f = c.formula()
            if f and _AGGREGATE.search(f):
                for m in _RANGE.finditer(f):
                    if int(m.group(4)) < row.num:
                        return True
        return False

    def tail_info(self) -> tuple[int, list[Row]]:
        """(last row with data, the rows after it: empty ones and totals) — totals count as
        not-data wherever they are in the trailing block."""
        if self._tail_info is None:
            trailing: list[Row] = []
            last = self.header_row
            for row in self._rows_backward():
                if row.num <= self.header_row:
                    break
                if row.is_empty(self.pfx) or self._is_totals(row):
                    trailing.append(row)
                    continue
                last = row.num
                break
            self._tail_info = (last, list(reversed(trailing)))
        return self._tail_info

    def last_data_row(self) -> int:
        return self.tail_info()[0]

    def has_totals(self) -> bool:
        return any(not r.is_empty(self.pfx) for r in self.tail_info()[1])

    # -- changing --------------------------------------------------------------------------

    def append(self, values: dict[int, Any]) -> int:
        self.appends.append(dict(values))
        return self.last_data_row() + len(self.appends)

    def update(self, row: int, values: dict[int, Any]) -> None:
        last = self.last_data_row()
        if last < row <= last + len(self.appends):
            self.appends[row - last - 1].update(values)
            return
        self.updates.setdefault(row, {}).update(values)

    @property
    def changed(self) -> bool:
        return bool(self.appends or self.updates)

    def rewrite(
        self, changes: Mapping[int, Mapping[int, Any]], styles: Styles, date1904: bool
    ) -> bytes:
        """The part with cells of existing rows set, whichever rows they are (below the data
        too), nothing appended, moved or grown; later reads see the new cells. For edits that
        keep the sheet's shape (``registry purge``). Values as for ``update`` (None clears a
        cell and keeps its style); a ``Cell`` is written as it is (redacted rich text)."""
        writer = _RawCellWriter(self, styles, date1904, {})
        body = memoryview(self.body)
        pieces: list[bytes | memoryview] = []
        pos = 0
        for row in self.rows():
            if row.num in changes:
                pieces += [
                    body[pos : row.begin],
                    self._row_xml(row, dict(changes[row.num]), writer),
                ]
                pos = row.end
        pieces.append(body[pos:])
        self._hold(b"".join(pieces))
        self._index, self._tail_info = None, None
        return self.head + self.body + self.tail

    # -- writing ---------------------------------------------------------------------------

    def render(self, styles: Styles, date1904: bool) -> bytes:
        """The new part, whole."""
        return b"".join(_flatten(self.pieces(styles, date1904)[0]))

    def write_to(self, pkg: Package, styles: Styles, date1904: bool) -> None:
        """Put the new part into ``pkg``; a streamed sheet is copied row block by row block
        from the old file when the package is saved, never held whole."""
        if self._body is not None:
            pkg.write(self.part, self.render(styles, date1904))
            return
        # Computed now: the changes are decided here.
        pieces, added_end = self.pieces(styles, date1904)
        first = pieces[1]
        # The rows before the new ones, unchanged and from the top: the package can copy
        # them compressed when it wrote this part itself.
        kept = (
            (len(self.head) + first.start, len(self.head) + first.stop)
            if isinstance(first, _Range) and first.start == 0 and not self.updates
            else None
        )
        layout = StreamLayout(
            head=bytes(pieces[0]),  # type: ignore[arg-type]
            kept=kept,
            kept_chunks=lambda: _flatten(pieces[1:2]),
            added=lambda: _flatten(pieces[2:added_end]),
            rest=lambda: _flatten(pieces[added_end:]),
        )
        pkg.write_stream(self.part, layout)

    def pieces(
        self, styles: Styles, date1904: bool
    ) -> tuple[list[bytes | memoryview | _Range], int]:
        """The new part as pieces: bytes, and ranges of the old rows still to be copied; and
        the index of the first piece after the last new row (the rest are old rows that
        follow them, and the part's end)."""
        last, trailing = self.tail_info()
        if self.updates and self._body is None:
            self.body  # noqa: B018 - updates of rows anywhere: the sheet is read whole
        k = len(self.appends)
        writer = _CellWriter(self, styles, date1904, self._column_styles(last, styles))
        pieces: list[bytes | memoryview | _Range] = []
        pos = 0
        # Updates of existing rows (above the trailing block), in order.
        for row in self.rows() if self.updates else ():
            if row.num in self.updates and row.num <= last:
                pieces.append(self._at(pos, row.begin))
                pieces.append(self._row_xml(row, self.updates[row.num], writer))
                pos = row.end
        cut = trailing[0].begin if trailing else self._body_len
        pieces.append(_Range(self, pos, cut))
        shift = self.has_totals()
        new_rows = {last + 1 + i: values for i, values in enumerate(self.appends)}
        if shift:
            pieces.extend(self._new_row_xml(n, v, writer) for n, v in new_rows.items())
            added_end = len(pieces)
            pieces.extend(self._shifted(row, last, k) for row in trailing)
        else:
            existing = {r.num: r for r in trailing}
            added_end = len(pieces)
            for n in sorted(set(existing) | set(new_rows)):
                if n in new_rows and n in existing:
                    pieces.append(self._row_xml(existing[n], new_rows[n], writer))
                elif n in new_rows:
                    pieces.append(self._new_row_xml(n, new_rows[n], writer))
                else:
                    row = existing[n]
                    pieces.append(self._at(row.begin, row.end))
                    continue
                added_end = len(pieces)
        if trailing:
            pieces.append(self._at(trailing[-1].end, self._body_len))
        max_row = max(
            [last + k, *(r.num + (k if shift else 0) for r in trailing)], default=last + k
        )
        head = self._grow_dimension(self.head, max_row, writer.max_col)
        tail = self._grow_tail(self.tail, last, k, shift)
        return [head, *pieces, tail], added_end + 1

    def _column_styles(self, last: int, styles: Styles) -> dict[int, int]:
        """Style of each column's cell in the row above the new ones (a data row), else of
        the column (``<cols>``). A fill that only the row above has is left out: it is a
        colour HR gave that row (a person called, a row to check), not the column's."""
        out: dict[int, int] = {}
        for m in re.finditer(rb"<(?:\w+:)?col\b([^>]*?)/?>", self.head):
            a = attrs(m.group(1))
            if a.get("style", "").isdigit() and a.get("min", "").isdigit():
                for c in range(int(a["min"]), int(a.get("max", a["min"])) + 1):
                    out[c] = int(a["style"])
        above = self._data_rows_above(last, 2)
        if not above:
            return out
        before = {c.col: c.style for c in above[1].cells(self.pfx)} if len(above) > 1 else {}
        for cell in above[0].cells(self.pfx):
            style = cell.style
            if styles.has_fill(style) and before.get(cell.col) != style:
                style = styles.without_fill(style)
            out[cell.col] = style
        return out

    def _data_rows_above(self, last: int, n: int) -> list[Row]:
        """The last ``n`` rows with data, from row ``last`` up (not the header)."""
        out: list[Row] = []
        for row in self._rows_backward():
            if row.num <= self.header_row or len(out) >= n:
                break
            if row.num <= last and not row.is_empty(self.pfx):
                out.append(row)
        return out

    def _new_row_xml(self, num: int, values: dict[int, Any], writer: _CellWriter) -> bytes:
        cells = b"".join(
            writer.cell(num, col, values[col], None) for col in sorted(values) if _has(values[col])
        )
        return b'<%srow r="%d">%s</%srow>' % (self.pfx, num, cells, self.pfx)

    def _row_xml(self, row: Row, values: dict[int, Any], writer: _CellWriter) -> bytes:
        """An existing row with some cells set (each keeps its own style)."""
        cells = {c.col: c for c in row.cells(self.pfx)}
        out = []
        for col in sorted(set(cells) | {c for c, v in values.items() if _has(v) or c in cells}):
            if col in values:
                out.append(writer.cell(row.num, col, values[col], cells.get(col)))
            else:
                c = cells[col]
                out.append(b"<%sc%s>%s</%sc>" % (self.pfx, c.start, c.inner, self.pfx))
        start = row.start_tag
        if not _ROW_NUM.search(b" " + start):
            start = b' r="%d"' % row.num + start
        return b"<%srow%s>%s</%srow>" % (self.pfx, start, b"".join(out), self.pfx)

    def _shifted(self, row: Row, last: int, k: int) -> bytes:
        """A totals (or empty) row moved k rows down, its formulas following."""
        num = row.num + k
        start = _ROW_NUM.sub(b' r="%d"' % num, row.start_tag, count=1)
        if not _ROW_NUM.search(b" " + start):
            start = b' r="%d"' % num + start
        out = []
        for c in row.cells(self.pfx):
            cstart = _CELL_REF.sub(b' r="%s%d"' % (col_letters(c.col).encode(), num), c.start)
            inner = re.sub(
                rb"(<(?:\w+:)?f\b[^>]*>)(.*?)(</(?:\w+:)?f>)",
                lambda m: m.group(1) + shift_formula(m.group(2), last, k) + m.group(3),
                c.inner,
                flags=re.S,
            )
            inner = re.sub(
                rb"""(<(?:\w+:)?f\b[^>]*\sref=")([^"]*)(")""",
                lambda m: m.group(1) + shift_formula(m.group(2), last, k) + m.group(3),
                inner,
            )
            out.append(b"<%sc%s>%s</%sc>" % (self.pfx, cstart, inner, self.pfx))
        return b"<%srow%s>%s</%srow>" % (self.pfx, start, b"".join(out), self.pfx)

    def _grow_dimension(self, head: bytes, max_row: int, max_col: int) -> bytes:
        def grow(m: re.Match[bytes]) -> bytes:
            ref = m.group(2).decode()
            first, _, end = ref.partition(":")
            try:
                c2, r2 = split_ref(end or first)
            except ValueError:
                return m.group(0)
            new_end = f"{col_letters(max(c2, max_col))}{max(r2, max_row)}"
            return m.group(1) + f"{first}:{new_end}".encode() + m.group(3)

        return re.sub(rb"""(<(?:\w+:)?dimension\b[^>]*\sref=")([^"]*)(")""", grow, head, count=1)

    def _grow_tail(self, tail: bytes, last: int, k: int, shift: bool) -> bytes:
        if not k:
            return tail
        stop = len(tail)
        for marker in (b"customSheetViews", b"extLst"):
            i = re.search(rb"<(?:\w+:)?" + marker + rb"\b", tail)
            if i:
                stop = min(stop, i.start())
        head, rest = tail[:stop], tail[stop:]

        def grow_filter(m: re.Match[bytes]) -> bytes:
            new = grow_range(m.group(2).decode(), last, k)
            if new != m.group(2).decode():
                self.filter_ref = new
            return m.group(1) + new.encode() + m.group(3)

        head = re.sub(
            rb"""(<(?:\w+:)?autoFilter\b[^>]*\sref=")([^"]*)(")""", grow_filter, head, count=1
        )
        if shift:
            head = re.sub(
                rb"""(<(?:\w+:)?mergeCell\b[^>]*\sref=")([^"]*)(")""",
                lambda m: (
                    m.group(1) + _shift_ref(m.group(2).decode(), last, k).encode() + m.group(3)
                ),
                head,
            )
        return head + rest


def grow_range(ref: str, last: int, k: int, totals: int = 0) -> str:
    """A filter's or table's range after k rows were added below row ``last``: one ending
    at the data's last row (or at the header row of an empty sheet) grows with them; with
    ``totals`` rows at its end, those move down."""
    try:
        first, end = ref.split(":")
        c1, r1 = split_ref(first)
        c2, r2 = split_ref(end)
    except ValueError:
        return ref
    data_end = r2 - totals
    if totals and r2 > last:
        r2 += k
    elif last <= data_end < last + k or (data_end == last and r1 <= last):
        r2 = last + k + totals
    return f"{col_letters(c1)}{r1}:{col_letters(c2)}{r2}"


def _has(value: Any) -> bool:
    return value is not None and value != ""


class _CellWriter:
    """Cell XML for values, styled after the column above."""

    def __init__(
        self, sheet: SheetEditor, styles: Styles, date1904: bool, column_styles: dict[int, int]
    ) -> None:
        self.pfx = sheet.pfx
        self.styles = styles
        self.date1904 = date1904
        self.column_styles = column_styles
        self.max_col = 0
        self._templates: dict[tuple[int, int, str], bytes] = {}

    def cell(self, row: int, col: int, value: Any, old: Cell | None) -> bytes:
        if col > self.max_col:
            self.max_col = col
        base = old.style if old is not None else self.column_styles.get(col, 0)
        if not _has(value):
            return self._template(col, base, "") % row
        if isinstance(value, bool):
            return self._template(col, base, "b") % (row, b"%d" % int(value))
        if isinstance(value, datetime | date):
            style = base
            if not self.styles.is_date(base):
                fmt = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
                style = self.styles.derive(base, fmt, False)
            serial = _number_text(excel_serial(value, self.date1904))
            return self._template(col, style, "n") % (row, serial.encode())
        if isinstance(value, int | float):
            return self._template(col, base, "n") % (row, _number_text(value).encode())
        if type(value) is str and value.isprintable() and not _ESCAPED.search(value):
            # Most text: nothing clean_text removes (no control character, surrogate or
            # non-character is printable) and nothing to escape.
            text = value[:MAX_CELL_TEXT]
            xml = text.encode("utf-8")
        else:
            text = clean_text(str(value))
            xml = text_xml(text)
        style = base
        if text.startswith(_RISKY_START):
            # Excel keeps it text even when someone edits the cell later.
            style = self.styles.derive(base, None, True)
        return self._template(col, style, "s") % (row, xml)

    def _template(self, col: int, style: int, kind: str) -> bytes:
        """The XML of a cell of this column, style and kind with the row number and the value
        left open (``%d``, ``%s``): a new row's cells are only filled in."""
        key = (col, style, kind)
        found = self._templates.get(key)
        if found is not None:
            return found
        p = self.pfx
        start = b'<%sc r="%s%%d"%s' % (p, col_letters(col).encode(), _s(style))
        if kind == "":
            made = start + b"/>"
        elif kind == "s":
            made = (
                start
                + b' t="inlineStr"><%sis><%st xml:space="preserve">%%s</%st></%sis></%sc>'
                % ((p,) * 5)
            )
        else:
            made = (
                start + (b' t="b"' if kind == "b" else b"") + b"><%sv>%%s</%sv></%sc>" % (p, p, p)
            )
        self._templates[key] = made
        return made


class _RawCellWriter(_CellWriter):
    """A ``Cell`` given as the value is written as it is; other values as ``_CellWriter``."""

    def cell(self, row: int, col: int, value: Any, old: Cell | None) -> bytes:
        if isinstance(value, Cell):
            self.max_col = max(self.max_col, col)
            return b"<%sc%s>%s</%sc>" % (self.pfx, value.start, value.inner, self.pfx)
        return super().cell(row, col, value, old)


def _s(style: int) -> bytes:
    return b' s="%d"' % style if style else b""


@dataclass
class _Range:
    """Rows ``start:stop`` of a sheet's old body, copied when the part is written."""

    sheet: SheetEditor
    start: int
    stop: int

    def chunks(self) -> Iterator[bytes | memoryview]:
        if self.stop > self.start:
            yield from self.sheet._body_range(self.start, self.stop)


def _flatten(pieces: Iterable[bytes | memoryview | _Range]) -> Iterator[bytes | memoryview]:
    for piece in pieces:
        if isinstance(piece, _Range):
            yield from piece.chunks()
        elif piece:
            yield piece
