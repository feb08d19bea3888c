"""Opening Office files safely: one place that checks a file before openpyxl or python-docx sees it.

Attachments come from mail, so a file may be encrypted (an OLE container, not a zip), corrupt,
or a zip bomb. The checks here look at the zip directory only, before anything is unpacked.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docauto.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 2_000
    max_total_uncompressed: int = 200 * 1024 * 1024
    max_member_uncompressed: int = 100 * 1024 * 1024
    max_ratio: float = 200.0


DEFAULT_LIMITS = ZipLimits()


def cell_text(value: Any) -> str:
    """A cell's value as text: empty for None, 12.0 as '12' (Excel stores whole numbers as
    floats), surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _as_bytes(source: str | Path | bytes) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), "<vedhæftet fil>"
    path = Path(source)
    try:
        return path.read_bytes(), str(path)
    except FileNotFoundError:
        raise InputError(f"{path}: filen findes ikke", hint="tjek stien") from None
    except OSError as exc:
        raise InputError(f"{path}: kan ikke læses ({exc.strerror})") from None


def check_office_zip(data: bytes, name: str, limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Raise InputError if data is not a plain, reasonably sized Office Open XML package."""
    open_office_zip(data, name, limits).close()


def open_office_zip(data: bytes, name: str, limits: ZipLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """The package opened, after the checks of ``check_office_zip`` (the caller closes it)."""
    if data[:8] == OLE_MAGIC:
        raise InputError(
            f"{name}: filen er krypteret eller i det gamle binære Office-format",
            hint="gem den igen uden adgangskode, som .xlsx/.docx",
        )
    if not data[:4] == b"PK\x03\x04":
        raise InputError(f"{name}: filen er ikke en gyldig Office-fil (ikke et zip-arkiv)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, ValueError) as exc:
        # NotImplementedError: a zip feature Python cannot read (e.g. an unsupported version).
        raise InputError(
            f"{name}: filen er beskadiget eller i et ukendt zip-format ({exc})"
        ) from None
    try:
        _check_members(zf.infolist(), name, limits)
    except BaseException:
        zf.close()
        raise
    return zf


def _check_members(infos: list[zipfile.ZipInfo], name: str, limits: ZipLimits) -> None:
    if len(infos) > limits.max_members:
        raise InputError(f"{name}: for mange dele i filen ({len(infos)})")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputError(f"{name}: filen er krypteret", hint="fjern adgangskoden")
        if info.file_size > limits.max_member_uncompressed:
            raise InputError(f"{name}: delen {info.filename} er for stor udpakket")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > limits.max_ratio:
            raise InputError(f"{name}: mistænkelig komprimering i {info.filename} (zip-bombe?)")
        total += info.file_size
    if total > limits.max_total_uncompressed:
        raise InputError(f"{name}: filen er for stor udpakket ({total} bytes)")


def load_workbook_checked(
    source: str | Path | bytes,
    *,
    read_only: bool = True,
    data_only: bool = True,
    limits: ZipLimits = DEFAULT_LIMITS,
):
    """Open a workbook with openpyxl after the safety checks; errors name the file."""
    import openpyxl

    data, name = _as_bytes(source)
    check_office_zip(data, name, limits)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only, data_only=data_only)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many types for a broken package
        raise InputError(
            f"{name}: regnearket kan ikke åbnes ({type(exc).__name__}: {exc})"
        ) from None


def read_docx_bytes(
    source: str | Path | bytes, limits: ZipLimits = DEFAULT_LIMITS
) -> tuple[bytes, str]:
    """Read and check a .docx; returns its bytes and a display name."""
    data, name = _as_bytes(source)
    check_office_zip(data, name, limits)
    return data, name
