"""Safety checks shared by the Office readers: size, encryption, zip bombs and XML bombs.

A form is a few hundred kilobytes at most, so the limits are far tighter than for HR's own
workbooks (docauto.xlsxio's defaults), which keeps even a hostile file quick to refuse.
"""

from __future__ import annotations

import io
import zipfile

from docauto.errors import InputError
from docauto.xlsxio import ZipLimits, check_office_zip

ATTACHMENT_LIMITS = ZipLimits(
    max_members=500,
    max_total_uncompressed=30 * 1024 * 1024,
    max_member_uncompressed=8 * 1024 * 1024,
    max_ratio=150.0,
)
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def check_attachment_zip(data: bytes, name: str) -> None:
    """Raise InputError (in Danish) unless data is a plain, small Office package without DTDs.

    Office never writes a DTD; an entity declaration in a part is an XML bomb (billion laughs)
    or an attempt to read local files, so the whole file is refused before any XML parser runs.
    """
    check_office_zip(data, name, ATTACHMENT_LIMITS)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with zf.open(info) as fh:
                    head = fh.read(64 * 1024)
            except Exception as exc:  # noqa: BLE001 - zipfile raises several types for damage
                raise InputError(f"{name}: filen er beskadiget ({type(exc).__name__})") from None
            upper = head.upper()
            if any(m in upper for m in _DTD_MARKERS):
                raise InputError(f"{name}: filen indeholder XML-erklæringer, som Office aldrig "
                                 f"skriver (mulig XML-bombe) i {info.filename}",
                                 hint="save the file again in Excel/Word and resend it")
