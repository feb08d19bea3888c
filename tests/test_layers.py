"""The package's layers, read from the source with ast: no import cycles, and nothing below
the command line (docauto.commands, docauto.cli) imports from it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "docauto"
TOP = ("docauto.cli", "docauto.commands", "docauto.__main__")

# Cycles another change is removing; each entry names who removes it. Keep this empty.
KNOWN_CYCLES: set[frozenset[str]] = {
    # registry.workbook <-> memory <-> writer through function-level imports (new with the
    # registry writer of issue 15); to be untangled there, then this entry goes.
    frozenset({"docauto.registry.memory", "docauto.registry.workbook", "docauto.registry.writer"}),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _target(module: str, node: ast.ImportFrom, alias: ast.alias) -> str:
    if node.level:
        base = module.split(".")
        base = (
            base[: len(base) - node.level + 1]
            if MODULES[module].name == "__init__.py"
            else (base[: len(base) - node.level])
        )
        name = ".".join(base + ([node.module] if node.module else []))
    else:
        name = node.module or ""
    full = f"{name}.{alias.name}"
    return full if full in MODULES else name


def imports(module: str) -> list[tuple[str, int, bool]]:
    """(imported docauto module, line, only under TYPE_CHECKING) for every import in it,
    at module level or inside functions (a lazy import is still a dependency)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for c in child.body:
                    visit_node(c, True)
                for c in child.orelse:
                    visit_node(c, typing_only)
            else:
                visit_node(child, typing_only)

    def visit_node(child: ast.AST, typing_only: bool) -> None:
        if isinstance(child, ast.Import):
            found.extend((a.name, child.lineno, typing_only) for a in child.names)
        elif isinstance(child, ast.ImportFrom):
            found.extend(
                (_target(module, child, a), child.lineno, typing_only) for a in child.names
            )
        else:
            visit(child, typing_only)

    visit(tree, False)
    return [(m, line, t) for m, line, t in found if m in MODULES]


GRAPH = {m: imports(m) for m in MODULES}


def _is_top(module: str) -> bool:
    return any(module == t or module.startswith(t + ".") for t in TOP)


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for child in sorted(edges[node]):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            component = {stack.pop()}
            while node not in component:
                component.add(stack.pop())
            if len(component) > 1:
                found.append(component)

    for root in sorted(edges):
        if root not in index:
            visit(root)
    return found


def test_the_graph_is_read() -> None:
    # The checks below mean something only if imports are found at all.
    assert ("docauto.cli", 1, False) in [(m, 1, t) for m, _, t in GRAPH["docauto.__main__"]]
    assert any(m == "docauto.errors" for m, _, _ in GRAPH["docauto.generate"])
    assert len(MODULES) > 100


def test_nothing_below_the_command_line_imports_it() -> None:
    upward = [
        f"{m}:{line} imports {target}"
        for m, edges in GRAPH.items()
        if not _is_top(m)
        for target, line, _ in edges
        if _is_top(target)
    ]
    assert upward == []


def test_no_import_cycles() -> None:
    edges = {
        m: {t for t, _, typing_only in e if not typing_only and t != m} for m, e in GRAPH.items()
    }
    cycles = [sorted(c) for c in _cycles(edges) if frozenset(c) not in KNOWN_CYCLES]
    assert cycles == []


def test_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [{"a", "b", "c"}]


@pytest.mark.parametrize(
    "package", sorted(m for m, p in MODULES.items() if p.name == "__init__.py" and m != "docauto")
)
def test_each_package_names_its_face(package: str) -> None:
    tree = ast.parse(MODULES[package].read_text(encoding="utf-8"))
    names = [
        t.id
        for node in tree.body
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(t, ast.Name)
    ]
    assert "__all__" in names, f"{MODULES[package]} has no __all__"
