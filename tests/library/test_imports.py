"""No import circle inside the convlab package.

The graph is read from the source with ``ast``, not by importing: a node per
module of ``convlab/`` (a package is its ``__init__``), an edge A -> B for
every import in A of a convlab module B, wherever the import statement stands
(module level, inside a function, under ``if TYPE_CHECKING``: all count, since
a circle through a function-level import is still two modules that need each
other). ``from package import name`` is an edge to ``package.name`` when that
is a module, else to ``package``. Importing a submodule also runs its parent
packages' ``__init__``; those implicit edges are not counted (Python
initialises the parent first, so they cannot close a circle by themselves).

A second, coarser graph joins each subpackage's modules into one node
(``convlab.grading``, ``convlab.coursebuild``, ...): two subpackages that need
each other are a circle too, even through different modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import convlab

PACKAGE = Path(convlab.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of a (possibly relative) import inside `module`."""
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def import_graph() -> dict[str, set[str]]:
    """convlab module -> the convlab modules it imports (anywhere in its code)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, is_package, node.level, node.module)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else base)
            for target in targets:
                # `import convlab.grading.command` names the module itself.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    graph[module].add(target)
    return graph


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """`graph` with every module of a subpackage joined into the subpackage (``convlab.x``)."""

    def top(module: str) -> str:
        return ".".join(module.split(".")[:2])

    joined: dict[str, set[str]] = {}
    for module, imported in graph.items():
        joined.setdefault(top(module), set()).update(
            top(m) for m in imported if top(m) != top(module)
        )
    return joined


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_circle(graph, set(c)) for c in components]


def _circle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A closed path through a strongly connected component, for the failure message."""
    start = min(component)
    path, seen = [start], {start}
    node = start
    while True:
        succ = sorted(graph[node] & component)
        back = [s for s in succ if s == start]
        if back and len(path) > 1:
            return [*path, start]
        fresh = [s for s in succ if s not in seen]
        if not fresh:  # the component closes elsewhere: report its members
            return sorted(component)
        node = fresh[0]
        path.append(node)
        seen.add(node)


def test_the_graph_sees_function_level_and_relative_imports():
    graph = import_graph()
    # grading/command.py imports .report inside grade_cli (function level).
    assert "convlab.grading.report" in graph["convlab.grading.command"]
    # coursebuild/course.py: `from ..grading.coursedir import nbgrader_env`.
    assert "convlab.grading.coursedir" in graph["convlab.coursebuild.course"]
    # `from . import catalogs` is the module, not the package.
    assert "convlab.coursebuild.catalogs" in graph["convlab.coursebuild.course"]


def test_cycles_are_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def _names(found: list[list[str]]) -> str:
    return "; ".join(" -> ".join(c) for c in found)


def test_no_import_circle_in_convlab():
    found = cycles(import_graph())
    assert not found, f"import circles between modules of convlab/: {_names(found)}"


def test_no_import_circle_between_convlab_subpackages():
    graph = package_graph(import_graph())
    assert {"convlab.grading", "convlab.coursebuild", "convlab.checks"} <= set(graph)
    found = cycles(graph)
    assert not found, f"import circles between subpackages of convlab/: {_names(found)}"
