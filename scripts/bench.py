#!/usr/bin/env python3
"""docauto's benchmarks: every figure against a baseline measured in the same run.

    python scripts/dev.py bench            # everything
    python scripts/bench.py --only render  # one part: render, pdf, ingest, startup
    python scripts/bench.py --quick        # smaller sizes, for a smoke run

Targets (issue 8):
- render: `docauto render` of a 2-page job ad for 1,000 contexts at least 10x faster than a naive
  docxtpl loop (load, render, save per document), with the same document text;
- pdf: 100 ads through one LibreOffice process, under 100 ms per document on average
  (baseline: one LibreOffice process per document);
- ingest: 1,000 mails into a registry that holds 10,000 rows in at most 3x the time of one plain
  openpyxl load + save of that registry; peak memory reported for 250 and 1,000 mails;
- startup: `docauto --help` within 150 ms of a bare `python -c pass`.
Prints a table; exits 0 (benchmarks report, they do not fail a build).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS: list[tuple[str, str, str, str, str]] = []


def report(name: str, value: str, baseline: str, ratio: str, verdict: str) -> None:
    ROWS.append((name, value, baseline, ratio, verdict))
    print(f"{name:<34} {value:>16} {baseline:>18} {ratio:>10}  {verdict}", flush=True)


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


# -- render ---------------------------------------------------------------------------------


def job_ad_template_and_contexts(n: int) -> tuple[Path, list[dict]]:
    """The real job-ad template and contexts from the demo municipality, repeated to n."""
    from docauto.demo.municipality import demo_structure_path
    from docauto.kinds import GenerateRequest
    from docauto.plugins import get_kind
    from docauto.resources import template_path
    from docauto.structure.model import load_structure

    kind = get_kind("stillingsopslag")
    docs = [
        d
        for d in kind.plan(GenerateRequest(structure=load_structure(demo_structure_path())))
        if d.template
    ]
    base = docs[0].template
    contexts = [dict(d.context) for d in docs if d.template == base]
    contexts = (contexts * (n // len(contexts) + 1))[:n]
    return template_path(base), json.loads(json.dumps(contexts, default=str))


def bench_render(n: int, tmp: Path) -> None:
    from click.testing import CliRunner
    from docxtpl import DocxTemplate

    from docauto.cli import cli
    from docauto.office.docxtext import docx_text

    template, contexts = job_ad_template_and_contexts(n)
    ctx_file = tmp / "contexts.json"
    ctx_file.write_text(json.dumps(contexts, ensure_ascii=False), encoding="utf-8")
    pages = _pages_hint(template)

    from jinja2 import Environment

    from docauto.office.filters import FILTERS

    naive_out = tmp / "naive"
    naive_out.mkdir()
    t0 = time.perf_counter()
    for i, ctx in enumerate(contexts, start=1):
        # The naive loop: docxtpl as its docs show it, with our Danish filters in its environment.
        env = Environment(autoescape=True)
        env.filters.update(FILTERS)
        tpl = DocxTemplate(str(template))
        tpl.render(ctx, jinja_env=env, autoescape=True)
        tpl.save(str(naive_out / f"{i:04d}.docx"))
    naive = time.perf_counter() - t0

    ours_out = tmp / "ours"
    from docauto.office import engine

    engine._CACHE.clear()  # include preparing the template in our time
    t0 = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["render", str(template), str(ctx_file), "--out", str(ours_out)]
    )
    ours = time.perf_counter() - t0
    if result.exit_code != 0:
        print(result.output)
        raise SystemExit("render failed")
    same = all(
        docx_text((ours_out / f"{i:04d}.docx").read_bytes())
        == docx_text((naive_out / f"{i:04d}.docx").read_bytes())
        for i in range(1, n + 1, max(1, n // 50))
    )
    ratio = naive / ours
    report(
        f"render {n} job ads ({pages})",
        f"{ours:.2f} s",
        f"docxtpl {naive:.2f} s",
        f"{ratio:.1f}x",
        ("OK" if ratio >= 10 else "MISS") + " (target >=10x)" + ("" if same else "  TEXT DIFFERS"),
    )
    report("  per document", f"{ours / n * 1000:.1f} ms", f"{naive / n * 1000:.1f} ms", "", "")


def _pages_hint(template: Path) -> str:
    return template.name


# -- pdf ------------------------------------------------------------------------------------


def bench_pdf(n: int, tmp: Path) -> None:
    from docauto.office.engine import prepare
    from docauto.office.pdf import convert_to_pdf, find_soffice

    try:
        soffice = find_soffice()
    except Exception as exc:
        report("pdf", "skipped", str(exc)[:30], "", "")
        return
    template, contexts = job_ad_template_and_contexts(n)
    prepared = prepare(template)
    batch = tmp / "pdf-batch"
    batch.mkdir()
    files = []
    for i, ctx in enumerate(contexts[:n], start=1):
        p = batch / f"{i:04d}.docx"
        p.write_bytes(prepared.render(ctx))
        files.append(p)
    single = tmp / "pdf-single"
    single.mkdir()
    k = 3
    t0 = time.perf_counter()
    for p in files[:k]:
        profile = Path(tempfile.mkdtemp(prefix="lo-", dir=tmp))
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(single),
                str(p),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    per_single = (time.perf_counter() - t0) / k
    t0 = time.perf_counter()
    pdfs = convert_to_pdf(files, batch)
    per_batch = (time.perf_counter() - t0) / n
    assert len(pdfs) == n
    report(
        f"pdf {n} ads, one LibreOffice",
        f"{per_batch * 1000:.0f} ms/doc",
        f"{per_single * 1000:.0f} ms/doc",
        f"{per_single / per_batch:.1f}x",
        ("OK" if per_batch < 0.1 else "MISS") + " (target <100 ms/doc)",
    )


# -- ingest ---------------------------------------------------------------------------------


def bench_ingest(n_mails: int, n_rows: int, tmp: Path) -> None:
    try:
        from benchdata import make_ingest_fixture  # type: ignore[import-not-found]
    except ImportError:
        sys.path.insert(0, str(ROOT / "scripts"))
        try:
            from benchdata import make_ingest_fixture  # type: ignore[import-not-found]
        except ImportError as exc:
            report("ingest", "skipped", f"no fixture ({exc.name})", "", "")
            return
    import openpyxl

    registry, mailbox, structure = make_ingest_fixture(tmp, n_mails, n_rows)
    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(registry)
    wb.save(tmp / "plain-copy.xlsx")
    plain = time.perf_counter() - t0
    code = (
        "import sys\n"
        "from docauto.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "try:\n    import resource  # POSIX only; Windows reports no peak\n"
        "    print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "except ImportError:\n    pass\n"
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "mail",
            "ingest",
            "--source",
            f"dir:{mailbox}",
            "--structure",
            str(structure),
            "--registry",
            str(registry),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    ours = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stderr[-2000:])
        report("ingest", "failed", "", "", "")
        return
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    peak = next(
        (int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("PEAK")), 0
    )
    ratio = ours / plain
    report(
        f"ingest {n_mails} mails / {n_rows} rows",
        f"{ours:.2f} s",
        f"load+save {plain:.2f} s",
        f"{ratio:.1f}x",
        ("OK" if ratio <= 3 else "MISS") + " (target <=3x)",
    )
    report(
        "  registered rows / peak memory",
        f"{summary.get('rows')} rows",
        f"{peak / 1024:.0f} MiB" if peak else "n/a",
        "",
        "",
    )


# -- startup --------------------------------------------------------------------------------


def bench_startup(runs: int) -> None:
    exe = shutil.which("docauto", path=str(Path(sys.executable).parent)) or "docauto"

    def median(cmd: list[str]) -> float:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    bare = median([sys.executable, "-c", "pass"])
    ours = median([exe, "--help"])
    delta = (ours - bare) * 1000
    report(
        "startup docauto --help",
        f"{ours * 1000:.0f} ms",
        f"python {bare * 1000:.0f} ms",
        f"+{delta:.0f} ms",
        ("OK" if delta <= 150 else "MISS") + " (target <=+150 ms)",
    )


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--only", choices=["render", "pdf", "ingest", "startup"], action="append")
    ap.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = ap.parse_args()
    parts = args.only or ["startup", "render", "pdf", "ingest"]
    print(f"machine: {machine()}")
    print(f"{'benchmark':<34} {'docauto':>16} {'baseline':>18} {'ratio':>10}  verdict")
    with tempfile.TemporaryDirectory(prefix="docauto-bench-") as d:
        tmp = Path(d)
        if "startup" in parts:
            bench_startup(5 if args.quick else 15)
        if "render" in parts:
            (tmp / "r").mkdir()
            bench_render(100 if args.quick else 1000, tmp / "r")
        if "pdf" in parts:
            (tmp / "p").mkdir()
            bench_pdf(10 if args.quick else 100, tmp / "p")
        if "ingest" in parts:
            (tmp / "i").mkdir()
            bench_ingest(100 if args.quick else 1000, 1000 if args.quick else 10000, tmp / "i")
    return 0


if __name__ == "__main__":
    sys.exit(main())
