"""The core commands: render, kinds, generate, the plugin entry points, --help everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from docx import Document

from docauto.cli import cli
from docauto.office.docxtext import docx_text

DATA = Path(__file__).parent / "data"
SMALL = DATA / "struktur-lille.yaml"


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def make_template(path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(path)
    return path


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and "docauto, version" in result.output


def test_render_object_gives_one_document(tmp_path: Path) -> None:
    tpl = make_template(tmp_path / "brev.docx", "Kære {{ navn }}", "Frist: {{ frist | dato }}")
    ctx = tmp_path / "ctx.json"
    ctx.write_text(json.dumps({"navn": "Åse", "frist": "2010-10-15"}), encoding="utf-8")
    result = run("render", tpl, ctx, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = docx_text((tmp_path / "out" / "brev.docx").read_bytes()).body
    assert text == ["Kære Åse", "Frist: 15. oktober 2010"]


def test_render_list_gives_numbered_documents(tmp_path: Path) -> None:
    tpl = make_template(tmp_path / "brev.docx", "Kære {{ navn }}")
    ctx = tmp_path / "ctx.yaml"
    ctx.write_text("- navn: Anna\n- navn: Bo\n- navn: Carl\n", encoding="utf-8")
    result = run("render", tpl, ctx, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["0001.docx", "0002.docx", "0003.docx"]
    assert docx_text((tmp_path / "out" / "0003.docx").read_bytes()).body == ["Kære Carl"]


def test_render_missing_value_writes_nothing(tmp_path: Path) -> None:
    tpl = make_template(tmp_path / "brev.docx", "Kære {{ navn }}")
    ctx = tmp_path / "ctx.yaml"
    ctx.write_text("- navn: Anna\n- andet: x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(tpl), str(ctx), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "brev.docx" in result.output and "'navn'" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_render_dry_run_writes_nothing(tmp_path: Path) -> None:
    tpl = make_template(tmp_path / "brev.docx", "Kære {{ navn }}")
    ctx = tmp_path / "ctx.json"
    ctx.write_text('{"navn": "x"}', encoding="utf-8")
    result = run("render", tpl, ctx, "--out", tmp_path / "out", "--dry-run")
    assert result.exit_code == 0 and "ville skrive 1" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "content,expected",
    [
        ('{"navn": ', "ugyldig JSON"),
        ("42", "objekt eller en liste"),
    ],
)
def test_render_bad_context(tmp_path: Path, content: str, expected: str) -> None:
    tpl = make_template(tmp_path / "brev.docx", "{{ navn }}")
    ctx = tmp_path / "ctx.json"
    ctx.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(tpl), str(ctx), "--out", str(tmp_path)])
    assert result.exit_code == 2 and expected in result.output and "ctx.json" in result.output


def test_render_missing_files(tmp_path: Path) -> None:
    ctx = tmp_path / "ctx.json"
    ctx.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["render", str(tmp_path / "nej.docx"), str(ctx), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "nej.docx" in result.output and "findes ikke" in result.output


def test_render_refuses_file_open_in_word(tmp_path: Path) -> None:
    tpl = make_template(tmp_path / "brev.docx", "{{ navn }}")
    ctx = tmp_path / "ctx.json"
    ctx.write_text('{"navn": "x"}', encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "brev.docx").write_bytes(b"old")
    (out / "~$brev.docx").write_bytes(b"owner")
    result = CliRunner().invoke(cli, ["render", str(tpl), str(ctx), "--out", str(out)])
    assert result.exit_code == 1 and "åben" in result.output
    assert (out / "brev.docx").read_bytes() == b"old"


def test_unknown_kind_suggests(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["generate", "strukturr", "--structure", str(SMALL), "--out", str(tmp_path)]
    )
    assert (
        result.exit_code == 2
        and "ukendt dokumenttype 'strukturr'" in result.output
        and "struktur" in result.output
    )


def test_generate_structure_kind(tmp_path: Path) -> None:
    import openpyxl

    result = run("generate", "struktur", "--structure", SMALL, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "struktur.xlsx")
    assert [c.value for c in wb["Klynger"]["A"]][1:] == ["K001", "K002", "N001"]


def _all_commands(group: click.Group, ctx: click.Context, prefix: str = ""):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield f"{prefix}{name}", cmd
        if isinstance(cmd, click.Group):
            yield from _all_commands(cmd, click.Context(cmd), f"{prefix}{name} ")


def test_every_command_has_help_with_example() -> None:
    missing = []
    for name, _cmd in _all_commands(cli, click.Context(cli)):
        result = CliRunner().invoke(cli, [*name.split(), "--help"])
        if result.exit_code != 0 or "Example" not in result.output:
            missing.append(name)
    assert not missing, f"commands without --help example: {missing}"


PLUGIN = textwrap.dedent("""
    from docauto.hookspecs import hookimpl
    from docauto.kinds import Kind, PlannedDocument

    def _plan(request):
        for c in request.structure.clusters.values():
            yield PlannedDocument(f"velkomst-{c.id}.docx", template=TEMPLATE,
                                  context={"klynge": c.name, "leder": c.leader})

    TEMPLATE = __file__.replace("velkomst_plugin.py", "velkomst.docx")

    @hookimpl
    def docauto_kinds():
        return [Kind(name="velkomst", description="Velkomstbrev fra et tredjeparts-plugin",
                     templates=("velkomst.docx",), fields=("klynge", "leder"), planner=_plan)]
""")


def _install_fake_distribution(root: Path, name: str, entry_points: str) -> None:
    dist = root / f"{name}-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def _docauto(args: list[str], pythonpath: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    return subprocess.run(
        [sys.executable, "-m", "docauto", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_third_party_plugin_through_entry_point(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "velkomst_plugin.py").write_text(PLUGIN, encoding="utf-8")
    make_template(site / "velkomst.docx", "Velkommen til {{ klynge }}, {{ leder }}")
    _install_fake_distribution(site, "docauto_velkomst", "[docauto]\nvelkomst = velkomst_plugin\n")
    listed = _docauto(["kinds", "--json"], site)
    assert listed.returncode == 0, listed.stderr
    kinds = {k["name"]: k for k in json.loads(listed.stdout)}
    assert kinds["velkomst"]["fields"] == ["klynge", "leder"]
    assert "struktur" in kinds  # the built-ins come through the same group
    out = tmp_path / "out"
    gen = _docauto(["generate", "velkomst", "--structure", str(SMALL), "--out", str(out)], site)
    assert gen.returncode == 0, gen.stderr
    text = docx_text((out / "velkomst-K002.docx").read_bytes()).body
    assert text == ["Velkommen til Klynge Valby Syd, Jens Bo"]


def test_broken_plugin_warns_but_cli_works(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "broken_plugin.py").write_text("raise RuntimeError('kaput')\n", encoding="utf-8")
    _install_fake_distribution(site, "docauto_broken", "[docauto]\nbroken = broken_plugin\n")
    result = _docauto(["kinds"], site)
    assert result.returncode == 0
    assert "broken" in result.stderr and "kaput" in result.stderr
    assert "struktur" in result.stdout


def test_help_does_not_import_heavy_libraries() -> None:
    # Start-up speed is measured in scripts/bench.py; this guards the cause: --help (which
    # loads every plugin) must not import the libraries that only some commands need.
    code = textwrap.dedent("""
        import sys
        from docauto.cli import main
        try:
            main(["--help"])
        except SystemExit:
            pass
        heavy = {"openpyxl", "docx", "docxtpl", "lxml", "exchangelib", "msal", "imaplib",
                 "urllib.request", "importlib.metadata", "babel", "holidays", "icalendar", "yaml"}
        print(" ".join(sorted(heavy & set(sys.modules))), file=sys.stderr)
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Commands:" in result.stdout and "registry" in result.stdout
    assert result.stderr.strip() == ""
