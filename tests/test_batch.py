"""Batch runs end to end on the demo data: outputs, re-runs that rewrite nothing, a changed template."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from docauto.cli import cli
from docauto.demo.municipality import demo_structure_path
from docauto.office.docxtext import docx_text
from docauto.resources import data_dir, templates_dir

DEMO = data_dir() / "demo"


def _plan(tmp_path: Path) -> Path:
    plan = {
        "name": "Test af batch",
        "structure": str(demo_structure_path()),
        "out": str(tmp_path / "out"),
        "steps": [
            {
                "generate": "stillingsopslag",
                "set": {
                    "rolle": "begge",
                    "stillinger": "alle",
                    "opslagsdato": "2010-10-01",
                    "standardtekst": "ja",  # no area chief's texts here: asked for explicitly
                },
                "areas": ["Valby"],
                "out": "opslag",
            },
            {
                "generate": "udpegningsbreve",
                "data": str(DEMO / "vurderingsudvalg.yaml"),
                "set": {"brevdato": "2010-09-27"},
                "areas": ["Valby"],
                "out": "breve",
                "allow_failure": True,
            },
            {"generate": "registreringsskemaer", "areas": ["Valby"], "out": "skemaer"},
            {"ingest": f"dir:{DEMO / 'indbakke'}", "registry": "hr/register.xlsx"},
            {"report": "hr/oversigt", "registry": "hr/register.xlsx"},
        ],
    }
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["batch", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def own_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "skabeloner"
    shutil.copytree(templates_dir(), folder)
    monkeypatch.setenv("DOCAUTO_TEMPLATES", str(folder))
    return folder


def test_plan_end_to_end_then_only_changes_are_rewritten(
    tmp_path: Path, own_templates: Path
) -> None:
    plan = _plan(tmp_path)
    out = tmp_path / "out"
    _run(str(plan))

    ads = sorted((out / "opslag").glob("*.docx"))
    kl_ads = [p for p in ads if "klyngeleder" in p.name]
    pl_ads = [p for p in ads if "paedagogisk" in p.name or "pædagogisk" in p.name]
    assert kl_ads and pl_ads, [p.name for p in ads]
    assert any("Valby" in line for line in docx_text(kl_ads[0].read_bytes()).body)
    assert list((out / "breve").glob("*.docx")) and list((out / "skemaer").glob("*.xlsx"))
    registry = openpyxl.load_workbook(out / "hr" / "register.xlsx", read_only=True)
    seen_first = registry["Indbakke"].max_row
    assert seen_first > 10
    registry.close()
    assert (out / "hr" / "oversigt.xlsx").exists() and (out / "hr" / "oversigt.docx").exists()

    generated = ("opslag", "breve", "skemaer")
    before = {g: _snapshot(out / g) for g in generated}
    output = _run(str(plan))
    assert "generate stillingsopslag: skrev 0" in output
    assert {g: _snapshot(out / g) for g in generated} == before
    registry = openpyxl.load_workbook(out / "hr" / "register.xlsx", read_only=True)
    assert registry["Indbakke"].max_row == seen_first  # the same mails are not registered again
    registry.close()

    # Change one template: only the documents made from it are written again.
    template = own_templates / "stillingsopslag-klyngeleder.docx"
    doc = Document(template)
    doc.add_paragraph("Ny sætning fra HR.")
    doc.save(template)
    output = _run(str(plan))
    after = {g: _snapshot(out / g) for g in generated}
    changed = {
        f"{g}/{name}"
        for g in generated
        for name, stamp in after[g].items()
        if before[g].get(name) != stamp
    }
    assert changed == {f"opslag/{p.name}" for p in kl_ads}
    assert "Ny sætning fra HR." in docx_text(kl_ads[0].read_bytes()).body
    assert f"generate stillingsopslag: skrev {len(kl_ads)}, {len(pl_ads)} uændrede" in output


def test_dry_run_lists_and_writes_nothing(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    output = _run(str(plan), "--dry-run")
    assert "ville skrive" in output and "stillingsopslag-klyngeleder" in output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.docx"))


def test_force_rewrites_everything(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    _run(str(plan))
    output = _run(str(plan), "--force")
    assert "generate stillingsopslag: skrev 0" not in output
    assert "uændrede" in output and ", 0 uændrede" in output


def test_jobs_render_in_processes_with_the_same_text(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    _run(str(plan), "--jobs", "2")
    serial = tmp_path / "serial"
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    data["out"] = str(serial)
    data["steps"] = data["steps"][:1]
    plan.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _run(str(plan))
    for p in (serial / "opslag").glob("*.docx"):
        assert docx_text(p.read_bytes()) == docx_text(
            (tmp_path / "out" / "opslag" / p.name).read_bytes()
        )


def test_failed_step_stops_plan_and_keeps_earlier_outputs(tmp_path: Path) -> None:
    plan = {
        "structure": str(demo_structure_path()),
        "out": str(tmp_path / "out"),
        "steps": [
            {"generate": "registreringsskemaer", "areas": ["Valby"], "out": "skemaer"},
            {
                "generate": "udpegningsbreve",
                "data": str(tmp_path / "findes-ikke.yaml"),
                "out": "breve",
            },
            {"generate": "stillingsopslag", "out": "opslag"},
        ],
    }
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(path)])
    assert result.exit_code == 1
    assert "trin 2" in result.output and "findes-ikke.yaml" in result.output
    assert list((tmp_path / "out" / "skemaer").glob("*.xlsx"))
    assert not (tmp_path / "out" / "opslag").exists()


@pytest.mark.parametrize(
    "content,expected",
    [
        ("steps:\n  - generate: stillingsopslag\n", "'structure'"),
        ("structure: x.yaml\nsteps:\n  - frobnicate: 1\n", "præcis én af"),
        (
            "structure: x.yaml\nsteps:\n  - generate: opslag-der-ikke-findes\n",
            "ukendt dokumenttype",
        ),
        ("bare: tekst\n", "'steps'"),
    ],
)
def test_bad_plans_fail_before_anything_runs(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(path)])
    assert result.exit_code == 2 and expected in result.output


@pytest.mark.parametrize(
    "plan",
    sorted((Path(__file__).parent.parent / "scripts" / "plans").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_example_plans_are_valid(plan: Path) -> None:
    output = _run(str(plan), "--dry-run")
    assert "Plan:" in output
