"""Static scan of a submission for code that tampers with grading.

In-process defenses stop at the check's entry point (see the threat model in
``convlab.checks``).  Code that gets past them has to be written on purpose,
and it is in the notebook: this scan reads the source of a student's cells,
without running it, and lists the constructs that have no business in an
exercise solution.  Run it out of process on every submission (for example
in the grading pipeline) and review what it flags; a flag is a reason to look,
not a verdict.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

__all__ = ["scan_notebook", "scan_source"]

_GUARDED_ROOTS = {
    "convlab",
    "checks",
    "numpy",
    "np",
    "sys",
    "builtins",
    "importlib",
    "cv2",
    "scipy",
}
_SUSPICIOUS_CALLS = {
    "sys.setprofile": "switches the profiler (the from-scratch guard) off or replaces it",
    "sys.settrace": "installs a tracer",
    "threading.setprofile": "switches the profiler off for new threads",
    "sys.addaudithook": "installs an audit hook",
    "sys._getframe": "inspects the caller's frames",
    "gc.get_objects": "searches the interpreter's objects",
    "gc.get_referrers": "searches the interpreter's objects",
    "importlib.reload": "reloads a module",
    "object.__setattr__": "sets an attribute bypassing read-only modules",
    "object.__delattr__": "deletes an attribute bypassing read-only modules",
    "type.__setattr__": "modifies a class",
}
_SUSPICIOUS_ATTRIBUTES = {
    "__code__",
    "__class__",
    "__dict__",
    "__globals__",
    "__defaults__",
    "__kwdefaults__",
    "cell_contents",
}
_SUSPICIOUS_MODULES = {"ctypes", "gc", "importlib", "builtins", "inspect"}


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + "()")
    elif isinstance(node, ast.Subscript):
        parts.append(_dotted(node.value) + "[]")
    else:
        parts.append("?")
    return ".".join(reversed(parts))


def _root(node: ast.AST) -> str:
    return _dotted(node).split(".")[0].split("(")[0].split("[")[0]


class _Scanner(ast.NodeVisitor):
    def __init__(self) -> None:
        self.findings: list[tuple[int, str]] = []

    def flag(self, node: ast.AST, text: str) -> None:
        self.findings.append((getattr(node, "lineno", 0), text))

    def _target(self, target: ast.AST, verb: str) -> None:
        if isinstance(target, ast.Attribute):
            name = _dotted(target)
            if _root(target) in _GUARDED_ROOTS or target.attr in _SUSPICIOUS_ATTRIBUTES:
                self.flag(target, f"{verb} {name}")
        elif isinstance(target, ast.Subscript):
            base = _dotted(target.value)
            if (
                base in ("sys.modules", "vars()")
                or base.endswith("__dict__")
                or base.startswith(("vars(", "globals("))
            ):
                self.flag(target, f"{verb} an item of {base}")
        elif isinstance(target, ast.Name) and target.id == "convlab":
            self.flag(target, f"{verb} the name convlab")
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._target(element, verb)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, "assigns to")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, "assigns to")
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target(node.target, "assigns to")
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._target(target, "deletes")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        if name in _SUSPICIOUS_CALLS:
            self.flag(node, f"calls {name} ({_SUSPICIOUS_CALLS[name]})")
        elif name in ("setattr", "delattr") and node.args and _root(node.args[0]) in _GUARDED_ROOTS:
            self.flag(node, f"calls {name} on {_dotted(node.args[0])}")
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in _SUSPICIOUS_MODULES:
                self.flag(node, f"imports {alias.name}")
            if alias.asname == "convlab" and alias.name != "convlab":
                self.flag(node, f"binds the name convlab to {alias.name}")
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module.split(".")[0] in _SUSPICIOUS_MODULES:
            self.flag(node, f"imports from {module}")
        for alias in node.names:
            if (alias.asname or alias.name) == "convlab" and module:
                self.flag(node, f"binds the name convlab to {module}.{alias.name}")
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name == "convlab":
            self.flag(node, "defines a function named convlab")
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "__builtins__":
            self.flag(node, "uses __builtins__")


def scan_source(source: str) -> list[str]:
    """List the constructs in `source` that tamper, or may tamper, with grading.

    Parameters
    ----------
    source : str
        Python source (IPython magics and shell lines are skipped).

    Returns
    -------
    list of str
        ``"line N: ..."`` descriptions, in source order; empty when nothing
        suspicious is found.

    Examples
    --------
    >>> scan_source("convlab.checks.correlate_valid = lambda f, **k: None")
    ['line 1: assigns to convlab.checks.correlate_valid']
    >>> scan_source("out = np.zeros((3, 3))")
    []
    """
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError as error:
        return [f"line {error.lineno}: does not parse ({error.msg})"]
    scanner = _Scanner()
    scanner.visit(tree)
    return [f"line {line}: {text}" for line, text in sorted(scanner.findings, key=lambda f: f[0])]


def scan_notebook(path) -> list[str]:
    """Scan every code cell of a notebook except nbgrader's locked cells.

    Parameters
    ----------
    path : str or Path
        An ``.ipynb`` file.

    Returns
    -------
    list of str
        ``"cell N, line M: ..."`` descriptions.
    """
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    findings = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if nbgrader.get("locked") and not nbgrader.get("solution"):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        findings.extend(f"cell {index}, {item}" for item in scan_source(source))
    return findings
