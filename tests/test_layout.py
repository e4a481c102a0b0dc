"""The layout shows the pipeline, and imports run one way: no module of cleaner imports itself back."""

from __future__ import annotations

import ast
from importlib.machinery import EXTENSION_SUFFIXES

from conftest import ROOT

PACKAGE = ROOT / "cleaner"
STAGES = ("input", "segment", "decide", "model", "rules", "metadata", "output", "batch", "integrations")


def _module(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    """A Python module, a package, or a compiled one (the core, which an editable install puts beside them)."""
    relative = PACKAGE.parent.joinpath(*name.split("."))
    compiled = any(relative.with_name(relative.name + suffix).exists() for suffix in EXTENSION_SUFFIXES)
    return relative.with_suffix(".py").exists() or (relative / "__init__.py").exists() or compiled


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _graph() -> dict[str, set[str]]:
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        hidden = {id(n) for node in ast.walk(tree) if _type_checking(node) for n in ast.walk(node)}
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in hidden:
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("cleaner"))
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cleaner"):
                for alias in node.names:
                    name = f"{node.module}.{alias.name}"
                    found.add(name if _is_module(name) else node.module)
        graph[_module(path)] = found - {_module(path)}
    return graph


def test_the_stages_are_folders():
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").exists(), stage


def test_imports_run_one_way():
    graph = _graph()
    assert len(graph) > 30
    assert "cleaner.output.explain" in graph["cleaner.records"]  # a lazy import counts
    assert "cleaner.records" not in graph["cleaner.output.explain"]  # one for type checking does not
    back = {**graph, "cleaner.output.explain": {"cleaner.records"}}  # the check finds a cycle made on purpose
    assert "cleaner.output.explain -> cleaner.records -> cleaner.output.explain" in _cycles(back)
    assert _cycles(graph) == []


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    cycles = []

    def visit(module: str, path: list[str], done: set[str]) -> None:
        for target in sorted(graph.get(module, ())):
            if target in path:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in done:
                done.add(target)
                visit(target, [*path, target], done)

    for module in sorted(graph):
        visit(module, [module], {module})
    return sorted(set(cycles))
