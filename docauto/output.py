"""The one place that writes output files: atomically, behind --dry-run, Windows-safe names.

A file is written to a temporary file in the same folder and then renamed over the target,
so a reader never sees half a file. A target that another program holds open (Word's or
Excel's ``~$`` owner file beside it, or a failed rename on Windows) is reported, not
overwritten behind the user's back.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from docauto.errors import OutputError

_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def safe_name(text: str, max_len: int = 120) -> str:
    """A file-name part that is valid on Windows and POSIX; Danish letters are kept."""
    text = unicodedata.normalize("NFC", str(text)).strip()
    text = _BAD_CHARS.sub("-", text)
    text = re.sub(r"\s+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip(" .-")
    if not text:
        text = "uden-navn"
    stem = text.split(".")[0].upper()
    if stem in _WINDOWS_RESERVED:
        text = "_" + text
    return text[:max_len].rstrip(" .")


def slug(text: str) -> str:
    """Lower-case safe_name: 'Pædagogisk leder' -> 'pædagogisk-leder'."""
    return safe_name(text).lower()


def owner_file(path: Path) -> Path:
    """The lock file Word/Excel keep beside an open file: '~$' plus the name (first chars cut)."""
    name = path.name
    short = name[2:] if len(name) > 2 else name
    return path.with_name("~$" + short)


def is_open_elsewhere(path: Path) -> bool:
    return owner_file(path).exists() or path.with_name("~$" + path.name).exists()


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write data to path via a temp file and os.replace; raises OutputError when it cannot.

    ``durable`` flushes the data to disk before the rename (fsync), so a power cut cannot leave
    an empty file behind. Generated documents that a re-run recreates skip it: it is the
    largest cost of writing hundreds of small files.
    """
    import tempfile

    path = Path(path)
    if is_open_elsewhere(path):
        raise OutputError(
            f"{path}: filen er åben i et andet program", hint="luk den i Word/Excel og kør igen"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~docauto-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        try:
            os.replace(tmp, path)
        except PermissionError:
            # Windows refuses to replace a file that another process has open.
            raise OutputError(
                f"{path}: kan ikke overskrives; filen er måske åben i et andet program",
                hint="luk den og kør igen",
            ) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@dataclass
class Writer:
    """Collects what a run writes. With dry_run nothing touches the disk."""

    out_dir: Path
    dry_run: bool = False
    durable: bool = False  # generated documents can be made again; see atomic_write
    written: list[Path] = field(default_factory=list)
    planned: list[Path] = field(default_factory=list)

    def target(self, filename: str) -> Path:
        parts = [safe_name(p) for p in Path(filename).parts if p not in ("", ".", "..")]
        if not parts:
            raise OutputError(f"ugyldigt filnavn '{filename}'")
        return self.out_dir.joinpath(*parts)

    def write(self, filename: str, data: bytes) -> Path:
        path = self.target(filename)
        self.planned.append(path)
        if not self.dry_run:
            atomic_write(path, data, durable=self.durable)
            self.written.append(path)
        return path

    def check_targets(self, filenames: Iterable[str]) -> None:
        """Fail before the first write if any target is open elsewhere or names collide."""
        seen: dict[str, str] = {}
        for name in filenames:
            path = self.target(name)
            key = str(path).casefold()  # Windows file names ignore case
            if key in seen:
                raise OutputError(f"to dokumenter får samme filnavn: {path}")
            seen[key] = name
            if is_open_elsewhere(path):
                raise OutputError(
                    f"{path}: filen er åben i et andet program",
                    hint="luk den i Word/Excel og kør igen",
                )
