"""Every file docauto keeps beside a registry, named in one place.

``RegistryFiles(path)`` answers "where is the lock / journal / backup / quarantine / audit log /
docauto.yaml / temporary copy of this registry", and which files of other programs (Excel's
``~$`` owner file, LibreOffice's ``.~lock.<name>#``) say that someone has the registry open.
The lock, the journal, the writer, the quarantine, the audit log, the settings and
``registry purge`` all ask it, so a name is spelled once.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "docauto.yaml"
TEMP_PREFIX = ".~docauto-"
BACKUPS = 3


@dataclass(frozen=True)
class RegistryFiles:
    """The side files of the registry at ``registry`` (nothing is created by asking)."""

    registry: Path

    def __init__(self, registry: Path | str) -> None:
        object.__setattr__(self, "registry", Path(registry))

    @property
    def folder(self) -> Path:
        return self.registry.parent

    @property
    def stem(self) -> str:
        return self.registry.stem

    def _beside(self, name: str) -> Path:
        return self.registry.with_name(name)

    # -- docauto's own files ----------------------------------------------------------------

    @property
    def lock(self) -> Path:
        return self._beside(self.registry.name + ".lock")

    @property
    def journal(self) -> Path:
        return self._beside(self.stem + ".journal.jsonl")

    def journal_applying(self, tag: str) -> Path:
        return self._beside(f"{self.stem}.journal.applying-{tag}.jsonl")

    def journals_applying(self) -> list[Path]:
        return sorted(self.folder.glob(self.stem + ".journal.applying-*.jsonl"))

    def backup(self, n: int = 1) -> Path:
        return self._beside(self.stem + (".backup.xlsx" if n == 1 else f".backup-{n}.xlsx"))

    def backups(self) -> list[Path]:
        return sorted(self.folder.glob(self.stem + ".backup*.xlsx"))

    @property
    def quarantine(self) -> Path:
        return self._beside(self.stem + "-karantæne")

    @property
    def audit(self) -> Path:
        return self._beside(self.stem + ".audit.jsonl")

    @property
    def config(self) -> Path:
        return self._beside(CONFIG_NAME)

    # -- temporary copies -----------------------------------------------------------------

    @property
    def temp_prefix(self) -> str:
        return f"{TEMP_PREFIX}{self.stem}-"

    def new_temp(self, suffix: str = ".xlsx") -> Path:
        """An empty private file beside the registry (owner-only where the OS has modes:
        mkstemp creates 0600 on POSIX; on Windows the folder's ACL applies)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=self.temp_prefix, suffix=suffix, dir=self.folder)
        os.close(fd)
        return Path(name)

    def temp_files(self) -> list[Path]:
        """Temporary copies of this registry in its folder, whichever run made them (also the
        ``.~docauto-*.xlsx`` of versions before the prefix named the registry)."""
        found = set(self.folder.glob(glob.escape(self.temp_prefix) + "*"))
        # Old names were the prefix and mkstemp's 8 random characters; never another
        # registry's new-style copy, which may belong to a run in progress.
        found |= set(self.folder.glob(TEMP_PREFIX + "?" * 8 + ".xlsx"))
        return sorted(p for p in found if p.is_file())

    def remove_stale_temps(self, older_than: float = 0.0) -> list[Path]:
        """Delete temporary copies a killed run left behind. Call with the registry lock held:
        every writer of the registry holds it while its copy exists, so whatever copy is there
        then belongs to a run that died."""
        removed = []
        now = time.time()
        for path in self.temp_files():
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime >= older_than:
                    path.unlink()
                    removed.append(path)
        return removed

    # -- other programs holding the file ---------------------------------------------------

    def office_locks(self) -> list[Path]:
        """Owner files of Excel/Word (``~$`` + the name, first two characters cut when
        long) and LibreOffice (``.~lock.<name>#``)."""
        name = self.registry.name
        short = name[2:] if len(name) > 2 else name
        return [
            self._beside("~$" + short),
            self._beside("~$" + name),
            self._beside(f".~lock.{name}#"),
        ]

    def held_by(self) -> Path | None:
        """The owner file that says another program has the registry open, if any."""
        return next((p for p in self.office_locks() if p.exists()), None)
