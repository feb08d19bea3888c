"""Edit an .xlsx in place: append rows to and change cells of a few worksheets, copying every
other part of the package byte for byte.

openpyxl rewrites a whole workbook from its own model, and drops what it does not model
(pictures, shapes, slicers, sparklines, threaded comments, x14 validations in ``extLst``...).
Here the package is a zip of parts: a part nobody changed is copied as its compressed bytes,
unread; a changed worksheet is rewritten as text, and only between and around its rows: the
rows before the new ones are copied as they are, and what follows ``</sheetData>`` (filters,
validations, conditional formats, ``extLst``) is kept except for the ranges that must grow.

Written cells are inline strings (``t="inlineStr"``), so ``sharedStrings.xml`` is not rewritten;
text is always a string, never a formula. A new cell takes the style of the cell above it.
Rows below the data that total it (an Excel table's totals row, or a row of ``SUM``s HR typed)
move down to stay below the new rows, their ranges grown to cover them.

The grammar handled is the one Excel, LibreOffice, openpyxl and the OpenXML SDK write
(optionally namespace-prefixed elements, rows and cells with or without ``r``).

A big (streamed) sheet is deflated in runs that each end at a full flush, a point where
inflating can start afresh: the text before the rows; the rows kept; the rows added; what
follows the rows. The process remembers where those points are in each part it wrote, keyed
by the part's name, CRC and sizes and checked against the CRC of its compressed bytes before
use. The next save of the same registry then copies the rows' run as compressed bytes (its
CRC joined to the others' with ``crc32_combine``), and the next open unpacks the sheet from
where the rows added last begin, not from its top. A file another program saved, or any
doubt, means the part is unpacked and packed whole, as before: the bytes it gives are the
same (tests/test_registry_splice.py).
"""

from __future__ import annotations

import copy
import math
import re
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any
from xml.sax.saxutils import escape as _xml_escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = DOC_REL_NS + "/worksheet"
TABLE_TYPE = DOC_REL_NS + "/table"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MAX_CELL_TEXT = 32_000  # Excel's limit is 32,767 characters per cell
# Fast deflate: a changed sheet is compressed on every save; size grows ~15% over level 6.
COMPRESS_LEVEL = 1

_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"^\$?([A-Z]{1,3})\$?(\d+)$")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNESCAPE_X = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);")
_AGGREGATE = re.compile(
    rb"\b(SUM|SUBTOTAL|AGGREGATE|COUNTA?|COUNTBLANK|COUNTIFS?|SUMIFS?|AVERAGE|AVERAGEIFS?|MAX|MIN)\s*\(",
    re.I,
)
_DATE_CODES = set(range(14, 23)) | {45, 46, 47}
_EPOCH = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


class PackageError(Exception):
    """The file is not an .xlsx this module can edit (message in Danish for the user)."""


# -- small helpers -----------------------------------------------------------------------------


def attrs(tag: bytes) -> dict[str, str]:
    """The attributes of an element's start tag (or of the text inside it)."""
    return {
        k.decode(): _unescape((v1 if v1 is not None else v2).decode("utf-8"))
        for k, v1, v2 in _ATTR.findall(tag)
    }


def _unescape(text: str) -> str:
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e.startswith("#x"):
            return chr(int(e[2:], 16))
        if e.startswith("#"):
            return chr(int(e[1:]))
        return {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}[e]

    return _ENTITY.sub(one, text)


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def split_ref(ref: str) -> tuple[int, int]:
    """'$B$12' -> (column 2, row 12)."""
    m = _REF.match(ref.encode())
    if not m:
        raise ValueError(ref)
    return col_index(m.group(1).decode()), int(m.group(2))


def clean_text(text: str) -> str:
    """Text an .xlsx can hold: no surrogates (a broken mail header's bytes become the UTF-8
    they usually were, or U+FFFD), no control characters, at most Excel's cell size."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        if all(not 0xD800 <= ord(ch) < 0xDC80 for ch in text):
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        else:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return _ILLEGAL.sub("", text)[:MAX_CELL_TEXT]


def text_xml(text: str) -> bytes:
    """Escaped element text. A literal ``_xHHHH_`` is written as it is, as openpyxl writes it:
    the programs that read the registry read it back unchanged."""
    return _xml_escape(text).encode("utf-8")


def _decode_text(raw: bytes) -> str:
    text = _unescape(raw.decode("utf-8"))
    if "_x" in text:
        text = _UNESCAPE_X.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def excel_serial(value: datetime | date, date1904: bool = False) -> float:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    delta: timedelta = value.replace(tzinfo=None) - (_EPOCH_1904 if date1904 else _EPOCH)
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000


def _number_text(value: float | int) -> str:
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


# -- the package ---------------------------------------------------------------------------------


def _strip_zip64(extra: bytes) -> bytes:
    out = b""
    i = 0
    while i + 4 <= len(extra):
        hid, size = struct.unpack("<HH", extra[i : i + 4])
        if hid != 0x0001:
            out += extra[i : i + 4 + size]
        i += 4 + size
    return out


class Package:
    """A zip package opened for in-place changes; ``save_to`` writes the changed copy."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._zf = zipfile.ZipFile(self.path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise PackageError(f"filen er ikke en gyldig .xlsx ({exc})") from None
        self._infos = self._zf.infolist()
        self._names = {i.filename for i in self._infos}
        self._changed: dict[str, bytes] = {}
        self._streamed: dict[str, StreamLayout] = {}
        self._added: list[str] = []
        self._resume: dict[str, _Splice] = {}

    def close(self) -> None:
        self._zf.close()
        # The streamed parts' pieces refer back to their sheets and so to this package: a
        # cycle only the garbage collector would free, holding a batch's rows meanwhile.
        self._streamed.clear()
        self._changed.clear()

    def has(self, name: str) -> bool:
        return name in self._names or name in self._changed or name in self._streamed

    def size(self, name: str) -> int:
        """A part's unpacked size as the zip directory gives it (0 for a new or changed one)."""
        if name in self._changed or name in self._streamed:
            return 0
        try:
            return self._zf.getinfo(name).file_size
        except KeyError:
            return 0

    def open_part(self, name: str) -> _Part:
        """The original part as a stream (unpacked while it is read, never held whole)."""
        try:
            return _Part(name, self._zf.open(name))
        except KeyError:
            raise PackageError(f"delen {name} mangler i filen") from None
        except (zipfile.BadZipFile, OSError, ValueError, zlib.error) as exc:
            raise PackageError(f"delen {name} kan ikke læses ({exc})") from None

    def read(self, name: str) -> bytes:
        if name in self._streamed:
            return b"".join(self._streamed[name].chunks())
        if name in self._changed:
            return self._changed[name]
        with self.open_part(name) as fh:
            return fh.read()

    def write(self, name: str, data: bytes) -> None:
        if name not in self._names and name not in self._changed and name not in self._streamed:
            self._added.append(name)
        self._streamed.pop(name, None)
        self._changed[name] = data

    def write_stream(self, name: str, layout: StreamLayout) -> None:
        """A changed part given as the pieces ``layout`` yields when the package is saved:
        a sheet of 50,000 rows goes from the old file to the new one without being held."""
        if name not in self._names:
            raise PackageError(f"delen {name} findes ikke i filen")
        self._changed.pop(name, None)
        self._streamed[name] = layout

    @property
    def changed(self) -> list[str]:
        return sorted({*self._changed, *self._streamed})

    def save_to(self, dest: Path) -> None:
        """Unchanged parts as their compressed bytes, in their order; changed ones deflated."""
        with open(self.path, "rb") as src, zipfile.ZipFile(dest, "w") as out:
            for info in self._infos:
                if info.filename in self._streamed:
                    self._write_streamed(out, info, src)
                elif info.filename in self._changed:
                    self._write_new(out, info.filename, info)
                else:
                    _copy_raw(src, info, out)
            for name in self._added:
                self._write_new(out, name, None)

    def _write_new(self, out: zipfile.ZipFile, name: str, old: zipfile.ZipInfo | None) -> None:
        info = zipfile.ZipInfo(name, date_time=old.date_time if old else (1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        if old is not None:
            info.external_attr = old.external_attr
        out.writestr(info, self._changed[name], compresslevel=COMPRESS_LEVEL)

    def _write_streamed(self, out: zipfile.ZipFile, old: zipfile.ZipInfo, src: IO[bytes]) -> None:
        """The part deflated in runs that each end at a full flush (where inflating can start
        afresh): the text before the rows, the rows kept, the rows added, what follows. When
        the old part was written so by this process (found by its CRC, sizes and compressed
        bytes), the rows kept are its rows' run, copied compressed, not unpacked and packed
        again: at 50,000 rows that was most of the cost of a save. The runs of the rows kept
        and added are the next save's rows' run."""
        layout = self._streamed[old.filename]
        info = zipfile.ZipInfo(old.filename, date_time=old.date_time)
        info.external_attr = old.external_attr
        known = None
        if layout.kept is not None:
            # Checked when the sheet was opened from its end, else checked now.
            known = self._resume.get(old.filename) or _splice_of(src, old)
        if known is not None and layout.kept != (known.start, known.stop):
            known = None
        entry = _RawEntry(out, info)
        comp = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
        crc, size = _deflate(entry, comp, [layout.head])
        entry.write(comp.flush(zlib.Z_FULL_FLUSH))
        start, c_start = size, entry.size
        entry.watch = 0  # the crc of the rows' compressed bytes, for the next save
        if known is not None:
            _copy_compressed(src, old, known, entry)
            run_crc, run_size = known.crc, known.stop - known.start
        else:
            run_crc, run_size = _deflate(entry, comp, layout.kept_chunks())
            entry.write(comp.flush(zlib.Z_FULL_FLUSH))
        # The new rows start afresh: the next open reads the sheet's end from here.
        resume, c_resume = start + run_size, entry.size
        more_crc, more_size = _deflate(entry, comp, layout.added(), run_crc)
        run_crc, run_size = more_crc, run_size + more_size
        entry.write(comp.flush(zlib.Z_FULL_FLUSH))
        compressed_crc, c_stop = entry.watch, entry.size
        entry.watch = None
        crc = crc32_combine(crc, run_crc, run_size)
        crc, rest = _deflate(entry, comp, layout.rest(), crc)
        entry.write(comp.flush(zlib.Z_FINISH))
        size += run_size + rest
        entry.close(crc, size)
        _remember(
            info,
            _Splice(
                start=start,
                stop=start + run_size,
                crc=run_crc,
                c_start=c_start,
                c_stop=c_stop,
                compressed_crc=compressed_crc,
                resume=resume,
                c_resume=c_resume,
                entry_crc=entry.all_crc,
            ),
        )

    def resume_point(self, name: str) -> int | None:
        """An offset of the part (unpacked) from which ``read_from`` reads it to its end
        without unpacking what comes before: where the rows this process added last begin,
        when the file is as it wrote it. None otherwise."""
        if name in self._changed or name in self._streamed:
            return None
        try:
            info = self._zf.getinfo(name)
        except KeyError:
            return None
        with open(self.path, "rb") as src:
            known = _splice_of(src, info)
        if known is None:
            return None
        self._resume[name] = known
        return known.resume

    def read_from(self, name: str) -> Iterator[bytes]:
        """The part from its ``resume_point`` to its end, unpacked in pieces."""
        known = self._resume[name]
        info = self._zf.getinfo(name)
        inflate = zlib.decompressobj(-15)
        total = 0
        try:
            with open(self.path, "rb") as src:
                for block in _compressed(src, info, known.c_resume, info.compress_size):
                    data = inflate.decompress(block, 1 << 16)
                    while True:
                        total += len(data)
                        yield data
                        if not inflate.unconsumed_tail:
                            break
                        data = inflate.decompress(inflate.unconsumed_tail, 1 << 16)
                data = inflate.flush()
                total += len(data)
                yield data
        except (OSError, zlib.error) as exc:
            raise PackageError(f"delen {name} kan ikke læses ({exc})") from None
        if not inflate.eof or total != info.file_size - known.resume:
            raise PackageError(f"delen {name} er kortere end ventet")


@dataclass
class StreamLayout:
    """A changed part in the order it is written: ``head``, then a run that ends where the
    new rows end (``kept_chunks()`` then ``added()``), then ``rest()``. ``kept`` is where
    ``kept_chunks()`` lies in the old part, unchanged (uncompressed offsets), or None."""

    head: bytes
    kept: tuple[int, int] | None
    kept_chunks: Callable[[], Iterable[bytes | memoryview]]
    added: Callable[[], Iterable[bytes | memoryview]]
    rest: Callable[[], Iterable[bytes | memoryview]]

    def chunks(self) -> Iterable[bytes | memoryview]:
        yield self.head
        yield from self.kept_chunks()
        yield from self.added()
        yield from self.rest()


# -- copying a part's rows compressed ------------------------------------------------------------


@dataclass(frozen=True)
class _Splice:
    """Where a part this process wrote has its rows' run: uncompressed ``start:stop`` with
    CRC ``crc``, deflated on its own in the compressed bytes ``c_start:c_stop``, whose CRC is
    ``compressed_crc``. Inflating can also start afresh at ``c_resume`` (``resume``
    unpacked), where the rows added last begin. ``entry_crc``: the CRC of all its compressed
    bytes."""

    start: int
    stop: int
    crc: int
    c_start: int
    c_stop: int
    compressed_crc: int
    resume: int
    c_resume: int
    entry_crc: int


# Keyed by the part's name, CRC and sizes: a file another program saved has other bytes, and
# the compressed run is checked before it is copied. A few entries: a run's owned sheets.
_SPLICES: OrderedDict[tuple[str, int, int, int], _Splice] = OrderedDict()
_SPLICES_LOCK = threading.Lock()
_MAX_SPLICES = 16


def _key(info: zipfile.ZipInfo) -> tuple[str, int, int, int]:
    return info.filename, info.CRC, info.compress_size, info.file_size


def _remember(info: zipfile.ZipInfo, splice: _Splice) -> None:
    with _SPLICES_LOCK:
        _SPLICES[_key(info)] = splice
        while len(_SPLICES) > _MAX_SPLICES:
            _SPLICES.popitem(last=False)


def _data_offset(src: IO[bytes], info: zipfile.ZipInfo) -> int:
    src.seek(info.header_offset)
    header = src.read(30)
    if header[:4] != b"PK\x03\x04":
        raise PackageError(f"delen {info.filename} er beskadiget")
    n, m = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + n + m


def _splice_of(src: IO[bytes], info: zipfile.ZipInfo) -> _Splice | None:
    """What this process knows of the old part's runs, once its compressed bytes are checked."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    with _SPLICES_LOCK:
        known = _SPLICES.get(_key(info))
    if known is None or known.c_stop > info.compress_size:
        return None
    crc = 0
    for block in _compressed(src, info, 0, info.compress_size):
        crc = zlib.crc32(block, crc)
    return known if crc == known.entry_crc else None


def _compressed(src: IO[bytes], info: zipfile.ZipInfo, start: int, stop: int) -> Iterable[bytes]:
    src.seek(_data_offset(src, info) + start)
    left = stop - start
    while left > 0:
        block = src.read(min(left, 1 << 18))
        if not block:
            raise PackageError(f"delen {info.filename} er kortere end ventet")
        left -= len(block)
        yield block


def _copy_compressed(
    src: IO[bytes], info: zipfile.ZipInfo, known: _Splice, entry: _RawEntry
) -> None:
    crc = 0
    for block in _compressed(src, info, known.c_start, known.c_stop):
        crc = zlib.crc32(block, crc)
        entry.write(block)
    if crc != known.compressed_crc:  # changed since it was checked: never write a mix
        raise PackageError(f"delen {info.filename} blev ændret, mens den blev skrevet")


def _deflate(
    entry: _RawEntry, comp: Any, chunks: Iterable[bytes | memoryview], crc: int = 0
) -> tuple[int, int]:
    """Deflate ``chunks`` into ``entry``: (their running CRC from ``crc``, their size)."""
    size = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        entry.write(comp.compress(chunk))
    return crc, size


class _RawEntry:
    """A deflated part written as compressed bytes: its header is rewritten at the end with
    the CRC and sizes, as ``zipfile`` does for a part written through ``open``."""

    def __init__(self, out: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self.out, self.info = out, info
        self.fp: Any = out.fp
        info.compress_type = zipfile.ZIP_DEFLATED
        info.flag_bits = 0
        info.CRC = info.compress_size = info.file_size = 0
        info.header_offset = self.fp.tell()
        self.fp.write(info.FileHeader(False))
        self.size = 0
        self.all_crc = 0
        self.watch: int | None = None

    def write(self, data: bytes) -> None:
        if data:
            self.fp.write(data)
            self.size += len(data)
            self.all_crc = zlib.crc32(data, self.all_crc)
            if self.watch is not None:
                self.watch = zlib.crc32(data, self.watch)

    def close(self, crc: int, size: int) -> None:
        if size >= zipfile.ZIP64_LIMIT or self.size >= zipfile.ZIP64_LIMIT:
            raise PackageError(f"delen {self.info.filename} er for stor til et .xlsx (over 4 GB)")
        info = self.info
        info.CRC, info.compress_size, info.file_size = crc, self.size, size
        end = self.fp.tell()
        self.fp.seek(info.header_offset)
        self.fp.write(info.FileHeader(False))
        self.fp.seek(end)
        _added(self.out, info)


def _added(out: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Enter a part written straight to the zip's file into its directory."""
    out.filelist.append(info)
    out.NameToInfo[info.filename] = info
    out.start_dir = out.fp.tell()  # type: ignore[union-attr, attr-defined]
    out._didModify = True  # type: ignore[attr-defined]


# The CRC of two pieces joined from the CRC of each (zlib's crc32_combine, which Python's
# zlib does not offer): x^(8 * len2) times crc1, modulo the CRC polynomial, plus crc2.
_POLY = 0xEDB88320


def _multmodp(a: int, b: int) -> int:
    m = 1 << 31
    p = 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _x2n_table() -> list[int]:
    p = 1 << 30  # the polynomial x
    table = [p]
    for _ in range(31):
        p = _multmodp(p, p)
        table.append(p)
    return table


_X2N = _x2n_table()  # x^(2^k) modulo the polynomial


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """zlib.crc32(a + b) from zlib.crc32(a), zlib.crc32(b) and len(b)."""
    p = 1 << 31  # the polynomial 1
    n, k = len2, 3  # 8 * len2 bits
    while n:
        if n & 1:
            p = _multmodp(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return _multmodp(p, crc1) ^ crc2


class _Part:
    """A part being unpacked; a damaged one raises PackageError (Danish), wherever it is read."""

    def __init__(self, name: str, fh: IO[bytes]) -> None:
        self.name = name
        self._fh = fh

    def read(self, n: int = -1) -> bytes:
        try:
            return self._fh.read(n)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
            raise PackageError(f"delen {self.name} kan ikke læses ({exc})") from None

    def __enter__(self) -> _Part:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def _copy_raw(src: Any, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    src.seek(_data_offset(src, info))
    data = src.read(info.compress_size)
    new = copy.copy(info)
    new.flag_bits &= ~0x08  # sizes go in the local header; no data descriptor follows
    new.extra = _strip_zip64(info.extra)
    new.header_offset = out.fp.tell()  # type: ignore[union-attr]
    out.fp.write(new.FileHeader(None))  # type: ignore[union-attr]
    out.fp.write(data)  # type: ignore[union-attr]
    _added(out, new)


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (str(PurePosixPath(base_part).parent) + "/" + target).split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if parts:
                parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def rels_part(part: str) -> str:
    p = PurePosixPath(part)
    return str(p.parent / "_rels" / (p.name + ".rels"))


def relationships(pkg: Package, part: str) -> list[dict[str, str]]:
    """The relationships of ``part`` with ``Target`` resolved to a part name (``part``)."""
    name = rels_part(part)
    if not pkg.has(name):
        return []
    out = []
    for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*?)/?>", pkg.read(name)):
        a = attrs(m.group(1))
        if a.get("TargetMode") != "External" and "Target" in a:
            a["part"] = _resolve(part, a["Target"])
        out.append(a)
    return out


# -- shared strings and styles ---------------------------------------------------------------


def _si_text(si: bytes) -> str:
    si = re.sub(rb"<(\w+:)?rPh\b.*?</(\w+:)?rPh>", b"", si, flags=re.S)
    return "".join(
        _decode_text(t) for t in re.findall(rb"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", si, re.S)
    )


def read_shared_strings(data: bytes) -> list[str]:
    return (
        [
            _si_text(m.group(1))
            for m in re.finditer(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", data, re.S)
        ]
        if data
        else []
    )


class Styles:
    """cellXfs of styles.xml, and new ones derived from them (a date format, a quote prefix)."""

    def __init__(self, pkg: Package, part: str | None) -> None:
        self.pkg = pkg
        self.part = part
        self.data = pkg.read(part) if part else b""
        self._derived: dict[tuple[int, str | None, bool], int] = {}
        self._is_date: dict[int, bool] = {}
        self.xfs: list[bytes] = []
        self.numfmts: dict[int, str] = {}
        m = re.search(rb"<((?:\w+:)?)cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", self.data, re.S)
        self.prefix = m.group(1) if m else b""
        if m:
            self.xfs = re.findall(
                rb"<(?:\w+:)?xf\b[^>]*?(?:/>|>.*?</(?:\w+:)?xf>)", m.group(2), re.S
            )
        for nm in re.finditer(rb"<(?:\w+:)?numFmt\b([^>]*?)/?>", self.data):
            a = attrs(nm.group(1))
            if a.get("numFmtId", "").isdigit():
                self.numfmts[int(a["numFmtId"])] = a.get("formatCode", "")
        self.changed = False

    def _numfmt_id(self, index: int) -> int:
        if not 0 <= index < len(self.xfs):
            return 0
        v = attrs(self.xfs[index].split(b">", 1)[0]).get("numFmtId", "0")
        return int(v) if v.isdigit() else 0

    def is_date(self, index: int) -> bool:
        # Asked for every date cell written: a run writes tens of thousands with a few styles.
        known = self._is_date.get(index)
        if known is None:
            known = self._is_date[index] = self._date_format(index)
        return known

    def _date_format(self, index: int) -> bool:
        fid = self._numfmt_id(index)
        if fid in _DATE_CODES:
            return True
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", self.numfmts.get(fid, "")).lower()
        return any(ch in code for ch in "dmyh") and "0" not in code.replace("00", "")

    def derive(self, index: int, number_format: str | None, quote: bool) -> int:
        """The index of an xf like ``index`` with that number format and/or quote prefix."""
        key = (index, number_format, quote)
        if key in self._derived:
            return self._derived[key]
        if not self.xfs:
            return index
        base = self.xfs[index] if 0 <= index < len(self.xfs) else self.xfs[0]
        start, rest = re.match(rb"(<[^>]*?)(/?>.*)$", base, re.S).groups()  # type: ignore[union-attr]
        start = re.sub(rb"\s(numFmtId|applyNumberFormat|quotePrefix)\s*=\s*\"[^\"]*\"", b"", start)
        if number_format is not None:
            start += b' numFmtId="%d" applyNumberFormat="1"' % self._format_id(number_format)
        else:
            start += b' numFmtId="%d"' % self._numfmt_id(index)
        if quote:
            start += b' quotePrefix="1"'
        self.xfs.append(start + rest)
        self.changed = True
        self._derived[key] = len(self.xfs) - 1
        return self._derived[key]

    def has_fill(self, index: int) -> bool:
        """A fill of its own (fills 0 and 1 are the two every styles.xml starts with)."""
        if not 0 <= index < len(self.xfs):
            return False
        return attrs(self.xfs[index].split(b">", 1)[0]).get("fillId", "0") not in ("0", "1")

    def without_fill(self, index: int) -> int:
        """An xf like ``index`` but without its fill (a colour HR gave one row)."""
        key = (index, "-fill", False)
        if key not in self._derived:
            base = self.xfs[index]
            start, rest = re.match(rb"(<[^>]*?)(/?>.*)$", base, re.S).groups()  # type: ignore[union-attr]
            start = re.sub(rb"\s(fillId|applyFill)\s*=\s*\"[^\"]*\"", b"", start)
            self.xfs.append(start + b' fillId="0"' + rest)
            self.changed = True
            self._derived[key] = len(self.xfs) - 1
        return self._derived[key]

    def _format_id(self, code: str) -> int:
        for fid, existing in self.numfmts.items():
            if existing == code:
                return fid
        fid = max([163, *self.numfmts]) + 1
        self.numfmts[fid] = code
        self._new_formats = [*getattr(self, "_new_formats", []), (fid, code)]
        return fid

    def flush(self) -> None:
        if not self.changed or not self.part:
            return
        p = self.prefix
        data = re.sub(
            rb"(<(?:\w+:)?cellXfs\b)[^>]*>.*?(</(?:\w+:)?cellXfs>)",
            lambda m: (
                m.group(1) + b' count="%d">' % len(self.xfs) + b"".join(self.xfs) + m.group(2)
            ),
            self.data,
            count=1,
            flags=re.S,
        )
        new = getattr(self, "_new_formats", [])
        if new:
            items = b"".join(
                b'<%snumFmt numFmtId="%d" formatCode="%s"/>' % (p, fid, _attr_xml(code))
                for fid, code in new
            )
            if re.search(rb"<(?:\w+:)?numFmts\b[^>]*/>", data):
                data = re.sub(
                    rb"<(?:\w+:)?numFmts\b[^>]*/>",
                    lambda m: (
                        b'<%snumFmts count="%d">' % (p, len(new)) + items + b"</%snumFmts>" % p
                    ),
                    data,
                    count=1,
                )
            elif re.search(rb"<(?:\w+:)?numFmts\b", data):
                data = re.sub(
                    rb"(<(?:\w+:)?numFmts\b[^>]*>)(.*?)(</(?:\w+:)?numFmts>)",
                    lambda m: _grow_numfmts(m, items),
                    data,
                    count=1,
                    flags=re.S,
                )
            else:
                data = re.sub(
                    rb"(<(?:\w+:)?styleSheet\b[^>]*>)",
                    lambda m: (
                        m.group(1)
                        + b'<%snumFmts count="%d">' % (p, len(new))
                        + items
                        + b"</%snumFmts>" % p
                    ),
                    data,
                    count=1,
                )
        self.pkg.write(self.part, data)


def _grow_numfmts(m: re.Match[bytes], items: bytes) -> bytes:
    start = re.sub(rb'\scount="\d+"', b"", m.group(1)[:-1])
    body = m.group(2) + items
    total = len(re.findall(rb"<(?:\w+:)?numFmt\b", body))
    return start + b' count="%d">' % total + body + m.group(3)


def _attr_xml(text: str) -> bytes:
    return _xml_escape(text, {'"': "&quot;"}).encode("utf-8")
