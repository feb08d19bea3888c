"""Who may write the registry right now.

Two things stop a write: Excel or LibreOffice holding the file open, which leaves an owner file
beside it (Excel's ``~$<name>``, LibreOffice's ``.~lock.<name>#``), and another docauto run,
which holds ``<registry>.lock``. Either way the run writes the journal instead: when the
other program saves its copy, rows written meanwhile would be lost. The lock file
is created with O_EXCL (atomic on Windows too) and holds the owner's host and pid, so a lock
left behind by a killed run is recognised as stale and taken over.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
from pathlib import Path

from docauto.errors import RegistryError
from docauto.registry.files import RegistryFiles

log = logging.getLogger(__name__)

# A lock whose owner cannot be checked (another machine on a network share) is trusted
# for this long; a run never takes that long.
STALE_AFTER_SECONDS = 6 * 3600


def lock_path(registry: Path) -> Path:
    return RegistryFiles(registry).lock


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x00000102  # WAIT_TIMEOUT
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _is_stale(path: Path) -> bool:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return False
    if info.get("host") == socket.gethostname() and isinstance(info.get("pid"), int):
        return not _pid_alive(info["pid"])
    # Half-written lock (killed between create and write) or another host's: go by age.
    return age > (5 if not info else STALE_AFTER_SECONDS)


class RegistryLock:
    """``with RegistryLock(path) as lock: if lock.acquired: ...``; never blocks."""

    def __init__(self, registry: Path) -> None:
        self.registry = Path(registry)
        self.path = lock_path(self.registry)
        self.acquired = False
        self.reason = ""

    def acquire(self) -> bool:
        held = RegistryFiles(self.registry).held_by()
        if held is not None:
            program = "LibreOffice" if held.name.startswith(".~lock.") else "Excel"
            self.reason = f"registret er åbent i {program} ({held.name} findes)"
            return False
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if _is_stale(self.path):
                    log.warning("fjerner forældet lås %s", self.path)
                    try:
                        self.path.unlink()
                    except OSError:
                        pass
                    continue
                self.reason = "registret bruges af en anden kørsel af docauto"
                return False
            except OSError as exc:  # a read-only folder, a network share that refuses
                raise RegistryError(
                    f"{self.path}: låsefilen kan ikke oprettes ({exc.strerror})",
                    hint="tjek, at du må skrive i registrets mappe",
                ) from None
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(
                    {
                        "host": socket.gethostname(),
                        "pid": os.getpid(),
                        "since": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    },
                    fh,
                )
            self.acquired = True
            return True
        self.reason = "låsefilen kan ikke oprettes"
        return False

    def release(self) -> None:
        if self.acquired:
            try:
                self.path.unlink()
            except OSError:
                pass
            self.acquired = False

    def __enter__(self) -> RegistryLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
