"""The documentation is kept true: every command, option and hook is documented, links work,
REGISTRY.md's sheets are the code's, the README fits on two screens, and the examples marked
as runnable run against the demo data."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from docauto.cli import cli
from docauto.resources import data_dir

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
README_MAX_LINES = 100  # two screens of 50 lines
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def _commands() -> list[tuple[str, click.Command]]:
    """(full name, command) for every leaf command, e.g. ('registry status', <Command>)."""
    ctx = click.Context(cli)
    found: list[tuple[str, click.Command]] = []

    def walk(group: click.Group, prefix: str) -> None:
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            full = f"{prefix} {name}".strip()
            if isinstance(cmd, click.Group):
                walk(cmd, full)
            elif cmd is not None and not cmd.hidden:
                found.append((full, cmd))

    walk(cli, "")
    return found


COMMANDS = _commands()


def _section(text: str, heading: str) -> str | None:
    """The text under a '### heading' up to the next heading of level 2 or 3."""
    m = re.search(rf"^### {re.escape(heading)}\s*$(.*?)(?=^##|\Z)", text, re.M | re.S)
    return m.group(1) if m else None


def test_the_command_list_is_read() -> None:
    names = [n for n, _ in COMMANDS]
    assert "generate" in names and "registry status" in names and "mail ingest" in names
    assert len(names) > 20


@pytest.mark.parametrize("name,cmd", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_and_option_is_in_cli_md(name: str, cmd: click.Command) -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    section = _section(text, f"`docauto {name}`")
    assert section is not None, f"docs/cli.md has no section '### `docauto {name}`'"
    shared = text[: text.index("## Commands")] + text[text.index("## Commands") :].split("###")[0]
    missing = [
        opt
        for p in cmd.params
        if isinstance(p, click.Option)
        for opt in [max(p.opts, key=len)]
        if opt not in section and not (opt in shared and opt in _SHARED_OPTIONS)
    ]
    assert missing == [], f"docauto {name}: options not documented in docs/cli.md: {missing}"


# Options described once for all commands at the top of the Commands section.
_SHARED_OPTIONS = {"--structure", "--registry", "--out", "--as-of", "--plan", "--dry-run", "--json"}


def test_every_hook_is_in_the_plugin_guide() -> None:
    import docauto.hookspecs as hookspecs

    hooks = [n for n in dir(hookspecs) if n.startswith("docauto_")]
    assert len(hooks) >= 5
    text = (DOCS / "plugins.md").read_text(encoding="utf-8")
    assert [h for h in hooks if f"`{h}(" not in text] == []


def test_registry_md_sheets_are_the_schema() -> None:
    from docauto.registry import schema

    text = (DOCS / "REGISTRY.md").read_text(encoding="utf-8")
    part = text[text.index("## 3.") : text.index("## 4.")]
    documented = {
        m.group(1): tuple(c.strip() for c in m.group(2).split(","))
        for m in re.finditer(r"^\| `([^`]+)` \| ([^|]+) \|$", part, re.M)
    }
    assert documented == {k: tuple(v) for k, v in schema.SHEETS.items()}


def test_links_between_pages_exist() -> None:
    broken = []
    for page in [ROOT / "README.md", *PAGES]:
        text = FENCE.sub("", page.read_text(encoding="utf-8"))
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_readme_fits_on_two_screens() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES
    assert "python3 scripts/dev.py demo" in "\n".join(lines)
    assert "python3 scripts/dev.py test" in "\n".join(lines)


@pytest.mark.parametrize("name,cmd", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_help_examples_name_files_that_exist(name: str, cmd: click.Command) -> None:
    """A repository path in a --help example (templates/..., scripts/...) must exist."""
    help_text = cmd.help or ""
    paths = re.findall(
        r"(?<![\w/.-])((?:templates|scripts|mappings|docs|docauto)/[\w./-]+)", help_text
    )
    missing = [p for p in paths if not (ROOT / p.rstrip("/.")).exists()]
    assert missing == []
    assert "Example:" in help_text, f"docauto {name} --help has no example"


# -- runnable examples ---------------------------------------------------------------------


def _runnable(page: Path) -> tuple[dict[str, str], list[tuple[list[str], int]]]:
    """The files to write (```yaml file=NAME blocks) and the `$ docauto` lines to run."""
    files: dict[str, str] = {}
    runs: list[tuple[list[str], int]] = []
    for info, body in FENCE.findall(page.read_text(encoding="utf-8")):
        m = re.search(r"\bfile=(\S+)", info)
        if m:
            files[m.group(1)] = body
        if info.strip() != "console":
            continue
        for line in body.splitlines():
            if not line.startswith("$ docauto "):
                continue
            command, _, comment = line[len("$ docauto ") :].partition(" # exit ")
            runs.append((shlex.split(command), int(comment) if comment else 0))
    return files, runs


RUNNABLE = [p for p in PAGES if _runnable(p)[1]]


def test_some_examples_are_runnable() -> None:
    assert {p.name for p in RUNNABLE} >= {"hr.md", "batch.md", "structure.md", "area-chief.md"}


@pytest.fixture
def demo_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder as the docs describe it: the demo structure, mailbox and inputs."""
    from docauto.demo.municipality import demo_structure_path
    from docauto.structure.model import load_structure, write_structure_workbook

    demo = data_dir() / "demo"
    (tmp_path / "struktur.xlsx").write_bytes(
        write_structure_workbook(load_structure(demo_structure_path()))
    )
    shutil.copytree(demo / "indbakke", tmp_path / "indbakke")
    for p in demo.glob("*.yaml"):
        if p.name != "struktur.yaml":
            shutil.copy(p, tmp_path / p.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("page", RUNNABLE, ids=[p.name for p in RUNNABLE])
def test_runnable_examples_run(page: Path, demo_folder: Path) -> None:
    files, runs = _runnable(page)
    for name, body in files.items():
        (demo_folder / name).write_text(body, encoding="utf-8")
    for args, expected in runs:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == expected, (
            f"{page.name}: docauto {shlex.join(args)} exited {result.exit_code}:\n"
            f"{result.output}{result.exception!r}"
        )
