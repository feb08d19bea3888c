"""`mail ingest --jobs 4`: the worker processes end when their parent is killed (issue 16), and
the module graph has no ingest <-> parallel cycle (issue 17)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest_registry import HR, NORD, XLSX, mail, xlsx_form

CL_APP = ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"]


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_killing_the_parent_leaves_no_worker_behind(hr_structure_file, hr_registry, tmp_path):
    box = tmp_path / "indbakke"
    box.mkdir()
    form = xlsx_form(
        CL_APP, [["Nord", "K01", "Mette Kjær", "mette@buf.test.dk", "Leder", "Anemonen"]]
    )
    for n in range(400):
        raw = mail(
            f"Klyngeleder - Registrering af ansøgningerne {n}",
            NORD,
            [("skema.xlsx", XLSX, form)],
            message_id=f"<w-{n}@x>",
        )
        (box / f"{n:04d}.eml").write_bytes(raw)
    env = {**os.environ, "DOCAUTO_STATE_DIR": str(tmp_path / "state")}
    cmd = [
        sys.executable,
        "-c",
        "from docauto.cli import main; main()",
        "mail",
        "ingest",
        "--source",
        f"dir:{box}",
        "--structure",
        str(hr_structure_file),
        "--registry",
        str(hr_registry),
        "--hr-address",
        HR,
        "--jobs",
        "4",
    ]
    parent = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and parent.poll() is None:
            workers = _children(parent.pid)
            if len(workers) >= 4:
                break
            time.sleep(0.01)
        assert len(workers) >= 4, "the workers did not start"
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        left = [w for w in workers if _alive(w)]
        assert left == [], f"workers still running after the parent was killed: {left}"
    finally:
        if parent.poll() is None:
            parent.kill()
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)


def test_no_import_cycle_between_ingest_and_parallel():
    """parallel imports prepare, not ingest; ingest imports parallel and prepare."""
    import ast

    import docauto.mail.parallel as parallel
    import docauto.mail.prepare as prepare

    def imported(module) -> set[str]:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        return names

    assert "docauto.mail.ingest" not in imported(parallel)
    assert "docauto.mail.ingest" not in imported(prepare)
    assert "docauto.mail.parallel" not in imported(prepare)
