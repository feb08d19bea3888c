"""Helpers for tests that write documents: pictures made without Pillow, and the package check
every written document must pass."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from docauto.office.packagecheck import broken_references


def png_bytes(
    width: int = 40, height: int = 20, rgb: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    """A real PNG of one colour (python-docx reads its size from the IHDR chunk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # pHYs: 96 dpi, so the native size is predictable
    phys = struct.pack(">IIB", 3780, 3780, 1)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"pHYs", phys)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def png_file(folder: Path, name: str = "p.png", **kw) -> Path:
    path = folder / name
    path.write_bytes(png_bytes(**kw))
    return path


def assert_whole(blob: bytes) -> bytes:
    """Every r:id/r:embed resolves and every relationship target exists (Word would otherwise
    call the file damaged)."""
    problems = broken_references(blob)
    assert not problems, problems
    return blob
