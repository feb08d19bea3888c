"""The command line behaves the same everywhere: exit codes, --json, file kinds, Danish text,
progress only on a terminal, kind-name completion."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docauto.cli import cli
from docauto.demo.municipality import demo_structure_path

SMALL = Path(__file__).parent / "data" / "struktur-lille.yaml"


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_a_registry_must_be_xlsx(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    result = run("registry", "init", "--structure", SMALL, "--registry", target)
    assert result.exit_code == 2
    assert "r.csv" in result.output and ".xlsx" in result.output
    assert "Fejl:" in result.output
    assert not target.exists()


@pytest.mark.parametrize(
    "args",
    [
        # a structure file that is not there
        ("structure", "check", "--structure", "{tmp}/mangler.xlsx"),
        (
            "generate",
            "registreringsskemaer",
            "--structure",
            "{tmp}/mangler.yaml",
            "--out",
            "{tmp}/o",
        ),
        # a dir: mail folder that is not there
        (
            "mail",
            "ingest",
            "--source",
            "dir:{tmp}/mangler",
            "--structure",
            str(SMALL),
            "--registry",
            "{tmp}/r.xlsx",
        ),
        # an unknown document kind, an unknown option
        ("generate", "ukendt-type", "--structure", str(SMALL), "--out", "{tmp}/o"),
        ("kinds", "--ukendt"),
    ],
    ids=["structure-check", "generate-structure", "dir-source", "unknown-kind", "unknown-option"],
)
def test_wrong_invocation_or_input_file_is_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run(*(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2, result.output
    assert "Fejl:" in result.output  # Danish, also for click's own usage errors
    assert "Error:" not in result.output


def test_click_usage_errors_are_danish_and_help_stays_english() -> None:
    missing = run("structure", "check")
    assert missing.exit_code == 2
    assert "Mangler tilvalget '--structure'" in missing.output
    assert "structure check --help' for hjælp." in missing.output and "Se '" in missing.output
    help_text = run("structure", "check", "--help").output
    assert "Show this message and exit." in help_text and "Options:" in help_text


def test_generate_json_has_the_documented_shape(tmp_path: Path) -> None:
    result = run(
        "generate",
        "registreringsskemaer",
        "--structure",
        demo_structure_path(),
        "--out",
        tmp_path / "skemaer",
        "--area",
        "Valby",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"kind", "out", "dry_run", "files", "pdfs", "problems", "failed"}
    assert data["kind"] == "registreringsskemaer" and data["failed"] is False
    assert sorted(Path(f).name for f in data["files"]) == sorted(
        p.name for p in (tmp_path / "skemaer").iterdir()
    )


def test_dry_run_summary_is_danish(tmp_path: Path) -> None:
    out = tmp_path / "skemaer"
    args = ["--structure", demo_structure_path(), "--out", out, "--area", "Valby"]
    result = run("generate", "registreringsskemaer", *args, "--dry-run")
    assert result.exit_code == 0
    assert "registreringsskemaer: ville skrive" in result.output and "filer i" in result.output
    assert not out.exists()


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from docauto.commands import output

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, drawn in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr("sys.stderr", stream)
        with output.progress_bar("dokumenter") as progress:
            for i in range(1, 6):
                progress(i, 5)
        assert ("dokumenter" in stream.getvalue()) is drawn


def test_kind_names_complete() -> None:
    from click.shell_completion import ShellComplete

    from docauto.cli import cli as group

    complete = ShellComplete(group, {}, "docauto", "_DOCAUTO_COMPLETE")
    names = [c.value for c in complete.get_completions(["generate"], "registrerings")]
    assert names == ["registreringsskemaer"]
    names = [c.value for c in complete.get_completions(["templates", "check", "--kind"], "stil")]
    assert "stillingsopslag" in names
