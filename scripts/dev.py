#!/usr/bin/env python3
"""Set up and run docauto from a fresh checkout with nothing but Python 3.11+.

    python scripts/dev.py demo      # make .venv, install docauto, run the demo into demo-out/
    python scripts/dev.py test      # the same venv, plus test tools; run the test suite
    python scripts/dev.py lint      # ruff check and ruff format --check (CI runs it first)
    python scripts/dev.py bench     # run scripts/bench.py in the venv

Works on Windows, macOS and Linux. When CI=true (or --system-deps) on a Debian/Ubuntu
machine where we may use apt-get, it also installs what the tests need from the system's
packages: LibreOffice, poppler-utils and the Carlito/Caladea fonts (PDF tests) and Dovecot
(IMAP tests). Elsewhere those tests skip.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
# What the tests need, keyed by a command or a file that shows it is already there.
SYSTEM_PACKAGES = {
    "soffice": ["libreoffice-writer-nogui", "libreoffice-calc-nogui"],
    "dovecot": ["dovecot-imapd"],
    # pdfinfo/pdftotext/pdfimages: tests read the PDFs back (page size, text, pictures)
    "pdftotext": ["poppler-utils"],
    # Calibri's and Cambria's metric-compatible stand-ins, so LibreOffice lays out documents
    # line for line as Word does (see docs/house-style.md)
    "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf": [
        "fonts-crosextra-carlito",
        "fonts-crosextra-caladea",
    ],
}


def _present(tool: str) -> bool:
    if tool.startswith("/"):
        return Path(tool).exists()
    return bool(shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists())


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: list[str], **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def ensure_venv(extras: str) -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may run under an old python
        sys.exit(f"docauto needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    py = venv_python()
    if not py.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".docauto-installed-{extras or 'base'}"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != want:
        target = f".[{extras}]" if extras else "."
        run(
            [
                str(py),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-e",
                target,
            ],
            cwd=ROOT,
        )
        stamp.write_text(want)
    return py


def install_system_packages() -> None:
    missing = [pkg for tool, pkgs in SYSTEM_PACKAGES.items() if not _present(tool) for pkg in pkgs]
    if not missing:
        return
    if not shutil.which("apt-get") or (hasattr(os, "geteuid") and os.geteuid() != 0):
        print(f"note: cannot install {', '.join(missing)} here; their tests will skip", flush=True)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test", "lint", "bench"):
        print(__doc__)
        return 2
    what, rest = argv[0], argv[1:]
    if what == "demo":
        py = ensure_venv("")
        cmd = [str(py), "-m", "docauto", "demo", *(rest or ["--out", "demo-out"])]
    elif what == "test":
        system = "--system-deps" in rest or os.environ.get("CI", "").lower() == "true"
        rest = [a for a in rest if a != "--system-deps"]
        py = ensure_venv("test")
        if system:
            install_system_packages()
        cmd = [str(py), "-m", "pytest", *rest]
    elif what == "lint":
        py = ensure_venv("test")
        check = subprocess.run([str(py), "-m", "ruff", "check", "."], cwd=ROOT).returncode
        fmt = subprocess.run([str(py), "-m", "ruff", "format", "--check", "."], cwd=ROOT)
        return check or fmt.returncode
    else:
        py = ensure_venv("test")
        cmd = [str(py), str(ROOT / "scripts" / "bench.py"), *rest]
    return subprocess.run(cmd, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
