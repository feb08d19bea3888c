"""Safety checks shared by the Office readers: size, encryption, zip bombs and XML bombs.

A form is a few hundred kilobytes at most, so the limits are far tighter than for HR's own
workbooks (docauto.office.xlsxio's defaults), which keeps even a hostile file quick to refuse.
"""

from __future__ import annotations

import re
import zipfile

from docauto.errors import InputError
from docauto.office.xlsxio import ZipLimits, open_office_zip

ATTACHMENT_LIMITS = ZipLimits(
    max_members=500,
    max_total_uncompressed=30 * 1024 * 1024,
    max_member_uncompressed=20 * 1024 * 1024,  # a photo in a Word form may be large
    max_ratio=150.0,
)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# XML is what the readers parse, and parsing time grows with it: a 50-row form sheet is
# ~100 kB; 4 MB keeps a hostile sheet to about two seconds of openpyxl.
MAX_XML_PART = 4 * 1024 * 1024


def check_attachment_zip(data: bytes, name: str) -> None:
    """Raise InputError (in Danish) unless data is a plain, small Office package without DTDs.

    Office never writes a DTD; an entity declaration in a part is an XML bomb (billion laughs)
    or an attempt to read local files, so the whole file is refused before any XML parser runs.
    """
    with AttachmentZip(data, name) as package:
        package.check_all()


class AttachmentZip:
    """An attachment's package, checked as ``check_attachment_zip`` checks it and opened once.

    Each XML part is unpacked and checked when it is first read, and kept, so a reader that
    goes on to parse the parts (``docauto.mail.readers.xlsxgrid``) does not open the zip and
    unpack them again: an ingest run reads thousands of forms, and opening each three times
    was a third of it. Parts no reader asks for (the theme, the document properties) are not
    unpacked at all; ``check_all`` checks every part before a reader that parses them all
    (openpyxl, python-docx) is given the file.
    """

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self._zf = open_office_zip(data, name, ATTACHMENT_LIMITS)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"{name}: filen er beskadiget ({type(exc).__name__})") from None
        self._xml_parts = {
            info.filename: info
            for info in self._zf.infolist()
            if info.filename.lower().endswith((".xml", ".rels", ".vml"))
        }
        self._parts: dict[str, bytes] = {}

    def check_all(self) -> None:
        """Unpack and check every XML part (InputError in Danish for the first bad one)."""
        for part in self._xml_parts:
            self.read(part)

    def _checked(self, info: zipfile.ZipInfo) -> bytes:
        name = self.name
        if info.file_size > MAX_XML_PART:
            raise InputError(
                f"{name}: delen {info.filename} er for stor til et "
                f"registreringsskema ({info.file_size // 1024} kB udpakket)"
            )
        try:
            # file_size is checked above and zipfile stops at it: the read is bounded.
            data = self._zf.read(info)
        except Exception as exc:
            raise InputError(f"{name}: filen er beskadiget ({type(exc).__name__})") from None
        # A DTD comes before the root element, so the head of the part is enough to look at.
        if _DTD.search(data, 0, 64 * 1024):
            raise InputError(
                f"{name}: filen indeholder XML-erklæringer, som Office aldrig "
                f"skriver (mulig XML-bombe) i {info.filename}",
                hint="gem filen igen i Excel/Word og send den igen",
            )
        member = info.filename.lower()
        if member.startswith("xl/worksheets/") or member == "word/document.xml":
            _check_extents(data, name, info.filename)
        return data

    def read(self, part: str) -> bytes:
        """An XML part's bytes, checked (KeyError when the package has no such part)."""
        data = self._parts.get(part)
        if data is None:
            data = self._parts[part] = self._checked(self._xml_parts[part])
        return data

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> AttachmentZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# openpyxl creates one object per cell of a merged range or a hyperlink's range, and
# python-docx one reference per
# grid column a cell spans: a few bytes of XML could ask for billions. A real form merges a
# title row or a cluster over a few rows.
MAX_MERGED_CELLS = 100_000
MAX_GRID_SPAN = 200
_MERGE = re.compile(
    rb'<(?:\w+:)?(?:mergeCell|hyperlink)\b[^>]*?\bref="\$?([A-Za-z]{1,3})\$?(\d{1,7})'
    rb'(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?"'
)
_SPAN = re.compile(rb'<(?:\w+:)?gridSpan\b[^>]*?\bw?:?val="(\d+)"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _check_extents(xml: bytes, name: str, part: str) -> None:
    total = 0
    for m in _MERGE.finditer(xml):
        if m.group(3) is None:
            continue
        rows = abs(int(m.group(4)) - int(m.group(2))) + 1
        cols = abs(_column_number(m.group(3)) - _column_number(m.group(1))) + 1
        total += rows * cols
        if total > MAX_MERGED_CELLS:
            raise InputError(
                f"{name}: flettede celler eller links dækker urimeligt mange celler i {part}",
                hint="ophæv flettede celler / fjern kæderne og send skemaet igen",
            )
    for m in _SPAN.finditer(xml):
        if int(m.group(1)) > MAX_GRID_SPAN:
            raise InputError(
                f"{name}: en tabelcelle spænder over urimeligt mange kolonner i {part}"
            )
