"""PDF through LibreOffice headless: one process converts many files.

Starting LibreOffice costs 1.5-3 s; converting one more file in the same process ~0.1 s, so
files are converted many at a time in one ``soffice --convert-to pdf`` run. Each run gets its
own temporary user profile: a second LibreOffice (the user's own, or a parallel run) would
otherwise take the job over or refuse it.

Seen here (LibreOffice 7.x): one run given 300 files stopped after 247 and still exited 0.
So runs take at most BATCH files, every expected PDF is checked, and files a run skipped get
one more run of their own before that is an error.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from docauto.errors import ConfigError, OutputError

ENV_SOFFICE = "DOCAUTO_SOFFICE"
ENV_TIMEOUT = "DOCAUTO_PDF_TIMEOUT"
BASE_TIMEOUT = 120.0  # seconds for start-up and the first files
PER_FILE_TIMEOUT = 5.0
BATCH = 100

_MISSING = (
    "LibreOffice findes ikke på denne maskine, så der kan ikke laves PDF "
    "(LibreOffice was not found)"
)


def _default_jobs() -> int:
    env = os.environ.get("DOCAUTO_PDF_JOBS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(os.cpu_count() or 1, 2))


def _candidates() -> list[Path]:
    found = []
    for name in ("soffice", "libreoffice"):
        hit = shutil.which(name)
        if hit:
            found.append(Path(hit))
    if sys.platform == "win32":
        for env in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432"):
            base = os.environ.get(env)
            if base:
                found.append(Path(base) / "LibreOffice" / "program" / "soffice.exe")
    elif sys.platform == "darwin":
        found.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
    return found


def find_soffice() -> Path | None:
    """The LibreOffice program: $DOCAUTO_SOFFICE, else soffice/libreoffice on PATH, else the
    usual install folders (Windows' Program Files, macOS' Applications). None if not found."""
    override = os.environ.get(ENV_SOFFICE)
    if override:
        path = Path(override)
        return path if path.is_file() else None
    for path in _candidates():
        if path.is_file():
            return path
    return None


def require_soffice() -> Path:
    path = find_soffice()
    if path is not None:
        return path
    override = os.environ.get(ENV_SOFFICE)
    if override:
        raise ConfigError(
            f"{_MISSING}: {ENV_SOFFICE}={override} findes ikke",
            hint=f"sæt {ENV_SOFFICE} til den fulde sti til soffice(.exe)",
        )
    raise ConfigError(
        _MISSING, hint=f"installér LibreOffice, læg soffice på PATH eller sæt {ENV_SOFFICE}"
    )


def _groups(paths: Sequence[Path], size: int = BATCH) -> list[list[Path]]:
    """Split into runs of at most ``size`` files whose stems are unique: LibreOffice names each
    PDF after the stem, so 'a.docx' and 'a.xlsx' in one run would overwrite each other."""
    groups: list[list[Path]] = []
    stems: list[set[str]] = []
    for p in paths:
        stem = p.stem.casefold()
        for g, seen in zip(groups, stems, strict=True):
            if len(g) < size and stem not in seen:
                g.append(p)
                seen.add(stem)
                break
        else:
            groups.append([p])
            stems.append({stem})
    return groups


def _names(files: Sequence[Path], limit: int = 5) -> str:
    shown = ", ".join(f.name for f in files[:limit])
    return shown + (f" og {len(files) - limit} andre" if len(files) > limit else "")


def _target_dir(path: Path, out_dir: Path) -> Path:
    """Keep the folder layout: a file under out_dir/sub gets its PDF in out_dir/sub."""
    try:
        rel = path.resolve().parent.relative_to(out_dir.resolve())
    except ValueError:
        return out_dir
    return out_dir / rel


def _kill(proc: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)  # soffice starts soffice.bin as a child
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _run(soffice: Path, files: list[Path], stage: Path, timeout: float) -> str:
    with tempfile.TemporaryDirectory(prefix="docauto-lo-") as profile:
        cmd = [
            str(soffice),
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(stage),
            *[str(f) for f in files],
        ]
        kwargs: dict = {
            "stdout": subprocess.PIPE,
            "stderr": subprocess.STDOUT,
            "stdin": subprocess.DEVNULL,
        }
        if os.name == "posix":
            kwargs["start_new_session"] = True
        try:
            proc = subprocess.Popen(cmd, **kwargs)
        except OSError as exc:
            raise ConfigError(f"LibreOffice kan ikke startes ({soffice}): {exc}") from None
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise OutputError(
                f"LibreOffice svarede ikke inden for {timeout:.0f} sekunder ({len(files)} filer)",
                hint=f"hæv {ENV_TIMEOUT} eller konvertér færre filer ad gangen",
            ) from None
        return (out or b"").decode("utf-8", "replace")


def _timeout_setting(timeout: float | None) -> float | None:
    """The caller's timeout, else $DOCAUTO_PDF_TIMEOUT's, else None (by the number of files)."""
    if timeout is None and os.environ.get(ENV_TIMEOUT):
        env = os.environ[ENV_TIMEOUT]
        try:
            return float(env)
        except ValueError:
            raise ConfigError(f"{ENV_TIMEOUT}={env} er ikke et antal sekunder") from None
    return timeout


def _run_limit(timeout: float | None, n: int) -> float:
    """Seconds for one run of n files."""
    return timeout if timeout is not None else BASE_TIMEOUT + PER_FILE_TIMEOUT * n


def _check_targets(files: list[Path], out_dir: Path) -> None:
    """Two sources must not become the same PDF."""
    targets: dict[Path, Path] = {}
    for f in files:
        target = _target_dir(f, out_dir) / f"{f.stem}.pdf"
        if target in targets:
            raise OutputError(
                f"{targets[target].name} og {f.name} ville begge blive til {target}",
                hint="omdøb en af dem",
            )
        targets[target] = f


def _convert_group(soffice: Path, group: list[Path], stage: Path, timeout: float | None) -> None:
    """One LibreOffice run for a group (and one more for what it left); every PDF or an error."""
    log = _run(soffice, group, stage, _run_limit(timeout, len(group)))
    missing = [f for f in group if not (stage / f"{f.stem}.pdf").is_file()]
    if missing and len(missing) < len(group):
        # The run stopped early (see the module docstring): once more for the rest.
        log = _run(soffice, missing, stage, _run_limit(timeout, len(missing)))
        missing = [f for f in missing if not (stage / f"{f.stem}.pdf").is_file()]
    if missing:
        tail = " ".join(log.strip().splitlines()[-2:])[-300:]
        raise OutputError(
            f"LibreOffice lavede ingen PDF af {_names(missing)}" + (f" ({tail})" if tail else ""),
            hint="åbn filen i LibreOffice eller Word for at se, om den er beskadiget",
        )


def _convert_groups(
    soffice: Path,
    groups: list[list[Path]],
    stages: list[Path],
    jobs: int,
    timeout: float | None,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> None:
    """Run the groups side by side, reporting progress as each finishes."""
    # Each process has its own profile and staging folder; one per core at most.
    from concurrent.futures import ThreadPoolExecutor, as_completed

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_convert_group, soffice, groups[i], stages[i], timeout): len(groups[i])
            for i in range(len(groups))
        }
        done = 0
        for future in as_completed(futures):
            future.result()
            done += futures[future]
            if progress is not None:
                progress(done, total)


def _move_pdfs(groups: list[list[Path]], stages: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Each staged PDF to its place under out_dir; source -> PDF."""
    from docauto.output import atomic_write

    results: dict[Path, Path] = {}
    for group, stage in zip(groups, stages, strict=True):
        for f in group:
            staged = stage / f"{f.stem}.pdf"
            target = _target_dir(f, out_dir) / f"{f.stem}.pdf"
            atomic_write(target, staged.read_bytes(), durable=False)  # can be made again
            staged.unlink()
            results[f] = target
    return results


def convert_to_pdf(
    paths: Iterable[Path],
    out_dir: Path,
    *,
    timeout: float | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Convert .docx/.xlsx files to PDF; returns the PDF paths in the order of ``paths``.

    ``jobs`` LibreOffice processes run side by side (default: one per core, at most
    $DOCAUTO_PDF_JOBS or 2), each converting a share of the files in one run.
    The PDFs are written beside their sources' place under ``out_dir`` (or in ``out_dir``),
    atomically. Every expected PDF is checked; a missing one is an OutputError naming it.
    """
    files = [Path(p) for p in paths]
    if not files:
        return []
    soffice = require_soffice()
    for f in files:
        if not f.is_file():
            raise OutputError(f"{f}: filen findes ikke og kan ikke laves til PDF")
    timeout = _timeout_setting(timeout)
    out_dir = Path(out_dir)
    _check_targets(files, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(jobs if jobs is not None else _default_jobs(), len(files)))
    size = min(BATCH, -(-len(files) // jobs))  # ceil: spread the files over the processes
    with tempfile.TemporaryDirectory(prefix=".docauto-pdf-", dir=out_dir) as stage_name:
        groups = _groups(files, size)
        stages = [Path(stage_name) / f"g{i}" for i in range(len(groups))]
        for st in stages:
            st.mkdir()
        _convert_groups(soffice, groups, stages, jobs, timeout, progress, len(files))
        results = _move_pdfs(groups, stages, out_dir)
    return [results[f] for f in files]
