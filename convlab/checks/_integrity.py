"""Integrity of the checks: read-only modules, verification against the files on disk.

See the package docstring (``convlab.checks``) for the threat model.

:func:`verify` compiles every ``convlab/checks/*.py`` file afresh from disk,
executes it in a private namespace (never registered in ``sys.modules``) and
compares that fresh copy with the live module, name by name: functions by
code object (recursively, nested functions included), defaults, closures and
globals; classes attribute by attribute; data (the registry, case arrays,
tables of forbidden functions) by value; imported objects by identity.  It
also checks that ``sys.modules`` and the ``convlab`` package point to the live
modules and that the NumPy functions the checks compute with are NumPy's own.
"""

from __future__ import annotations

import builtins
import io
import sys
import types
from pathlib import Path

import numpy as np

from convlab.i18n import gettext as _

from ._errors import TamperingDetected

__all__ = ["ReadOnlyModule", "ensure_intact", "freeze", "verify"]

PACKAGE = "convlab.checks"
_DIR = Path(__file__).resolve().parent
# NumPy's directory as its code objects name it (the path it was imported from,
# which may go through a symlinked environment) and resolved.
_NUMPY_DIR = tuple({str(Path(np.__file__).parent), str(Path(np.__file__).resolve().parent)})

# Module-level names that legitimately change at run time (guard bookkeeping).
_STATE_NAMES = {f"{PACKAGE}._scratch": {"_armed", "_audit_installed"}}
# Dunder names the import system manages; not compared.
_IMPORT_DUNDERS = {
    "__builtins__",
    "__cached__",
    "__doc__",
    "__file__",
    "__loader__",
    "__name__",
    "__package__",
    "__path__",
    "__spec__",
    "__annotations__",
    "__warningregistry__",
}
# NumPy callables the checks compute with; each must still be NumPy's own.
_NUMPY_NAMES = (
    "abs",
    "argwhere",
    "array",
    "array2string",
    "asarray",
    "ascontiguousarray",
    "clip",
    "concatenate",
    "einsum",
    "empty",
    "full",
    "isfinite",
    "maximum",
    "minimum",
    "pad",
    "rot90",
    "zeros",
)
_MISSING = object()


def _read_only_message(module: str, name: str) -> str:
    return _(
        "{module} is read-only: '{name}' cannot be replaced or deleted. The checks must "
        "stay as they are for your work to be graded."
    ).format(module=module, name=name)


class ReadOnlyModule(types.ModuleType):
    """A module whose attributes cannot be rebound or deleted with ordinary syntax.

    The import system may still bind a newly imported submodule.  This stops
    ``convlab.checks.correlate_valid = lambda f, **k: None``; what it cannot
    stop (``vars(module)[name] = ...``) :func:`verify` detects.
    """

    def __setattr__(self, name: str, value) -> None:
        current = self.__dict__.get(name, _MISSING)
        if current is value:
            return
        if (
            current is _MISSING
            and isinstance(value, types.ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
        ):
            super().__setattr__(name, value)
            return
        raise AttributeError(_read_only_message(self.__name__, name))

    def __delattr__(self, name: str) -> None:
        raise AttributeError(_read_only_message(self.__name__, name))


def freeze() -> None:
    """Make the package and every loaded submodule read-only (idempotent)."""
    for name, module in list(sys.modules.items()):
        if name == PACKAGE or name.startswith(PACKAGE + "."):
            if type(module) is not ReadOnlyModule:
                module.__class__ = ReadOnlyModule


# -- verification --------------------------------------------------------------


def _module_name(path: Path) -> str:
    return PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"


def _fresh(path: Path, name: str) -> dict:
    """Compile and execute one file of the package in a private namespace."""
    with io.open_code(str(path)) as handle:
        source = handle.read()
    code = compile(source, str(path), "exec", dont_inherit=True)
    namespace = {
        "__name__": name,
        "__package__": PACKAGE,
        "__file__": str(path),
        "__builtins__": builtins,
    }
    if name == PACKAGE:
        namespace["__path__"] = [str(_DIR)]
    exec(code, namespace)  # noqa: S102 - our own file, to compare with the live module
    return namespace


def _same(live, fresh, seen: set) -> bool:
    """Whether a live object is the one its fresh counterpart describes."""
    if live is fresh:
        return True
    key = (id(live), id(fresh))
    if key in seen:
        return True
    seen.add(key)
    if type(live) is not type(fresh) and not (isinstance(live, type) and isinstance(fresh, type)):
        return False
    if isinstance(fresh, types.FunctionType):
        return (
            live.__code__ == fresh.__code__
            and live.__module__ == fresh.__module__
            and live.__qualname__ == fresh.__qualname__
            and _same_globals(live, fresh)
            and _same(live.__defaults__, fresh.__defaults__, seen)
            and _same(live.__kwdefaults__, fresh.__kwdefaults__, seen)
            and _same(_cells(live), _cells(fresh), seen)
            and _same(dict(vars(live)), dict(vars(fresh)), seen)
        )
    if isinstance(fresh, type):
        if not str(fresh.__module__).startswith(PACKAGE) or live.__qualname__ != fresh.__qualname__:
            return False
        skip = {"__dict__", "__weakref__"}
        live_vars = {k: v for k, v in vars(live).items() if k not in skip}
        fresh_vars = {k: v for k, v in vars(fresh).items() if k not in skip}
        return _same(live_vars, fresh_vars, seen) and _same(live.__bases__, fresh.__bases__, seen)
    if isinstance(fresh, (staticmethod, classmethod)):
        return _same(live.__func__, fresh.__func__, seen)
    if isinstance(fresh, property):
        return all(
            _same(getattr(live, a), getattr(fresh, a), seen) for a in ("fget", "fset", "fdel")
        )
    if isinstance(fresh, (dict, types.MappingProxyType)):
        return live.keys() == fresh.keys() and all(_same(live[k], fresh[k], seen) for k in fresh)
    if isinstance(fresh, (list, tuple)):
        return len(live) == len(fresh) and all(
            _same(a, b, seen) for a, b in zip(live, fresh, strict=True)
        )
    if type(fresh) is object:  # a sentinel
        return type(live) is object
    if isinstance(fresh, (set, frozenset, str, bytes, int, float, complex, bool, type(None))):
        return live == fresh
    if isinstance(fresh, np.ndarray):
        return (
            live.dtype == fresh.dtype
            and live.shape == fresh.shape
            and live.flags.writeable == fresh.flags.writeable
            and live.tobytes() == fresh.tobytes()
        )
    if isinstance(fresh, (types.ModuleType, types.BuiltinFunctionType, types.CodeType)):
        return live == fresh if isinstance(fresh, types.CodeType) else False
    if hasattr(fresh, "__dict__"):
        return _same(type(live), type(fresh), seen) and _same(
            dict(vars(live)), dict(vars(fresh)), seen
        )
    try:
        return repr(live) == repr(fresh)
    except Exception:  # noqa: BLE001
        return False


def _same_globals(live, fresh) -> bool:
    """A function from our files must run in its live module's namespace."""
    if not str(fresh.__code__.co_filename).startswith(str(_DIR)):
        return True  # generated code (dataclass methods): its own namespace
    return live.__globals__ is _live_globals(fresh.__module__)


def _cells(function) -> tuple:
    out = []
    for cell in function.__closure__ or ():
        try:
            out.append(cell.cell_contents)
        except ValueError:
            out.append(_MISSING)
    return tuple(out)


def _live_globals(module_name: str):
    module = sys.modules.get(module_name)
    return None if module is None else module.__dict__


def _numpy_problems() -> list[str]:
    problems = []
    for name in _NUMPY_NAMES:
        obj = getattr(np, name, None)
        if isinstance(obj, np.ufunc) or obj is None:
            continue
        if type(obj).__name__ == "_ArrayFunctionDispatcher":
            obj = getattr(obj, "_implementation", None)
        code = getattr(obj, "__code__", None)
        if isinstance(obj, types.BuiltinFunctionType) and str(obj.__module__).startswith("numpy"):
            continue
        if isinstance(obj, type) and str(obj.__module__).startswith("numpy"):
            continue
        if isinstance(code, types.CodeType) and code.co_filename.startswith(_NUMPY_DIR):
            continue
        problems.append(f"numpy.{name}")
    from numpy.lib import stride_tricks

    window = getattr(stride_tricks, "sliding_window_view", None)
    window = getattr(window, "_implementation", window)
    if not getattr(getattr(window, "__code__", None), "co_filename", "").startswith(_NUMPY_DIR):
        problems.append("numpy.lib.stride_tricks.sliding_window_view")
    return problems


def verify() -> list[str]:
    """Compare the live checks with fresh copies from disk; return what differs.

    Returns
    -------
    list of str
        One entry per problem, naming the module attribute (technical, English).
        Empty when everything matches.
    """
    problems: list[str] = []
    package = sys.modules.get("convlab")
    live_package = sys.modules.get(PACKAGE)
    if live_package is None or getattr(package, "checks", None) is not live_package:
        problems.append("convlab.checks (replaced in sys.modules or on the convlab package)")
    for path in sorted(_DIR.glob("*.py")):
        name = _module_name(path)
        live = sys.modules.get(name)
        if live is None:
            if name != f"{PACKAGE}.__main__":
                problems.append(f"{name} (missing from sys.modules)")
            continue
        if type(live) is not ReadOnlyModule:
            problems.append(f"{name} (its module type was changed)")
        live_file = getattr(live, "__file__", None)
        if live_file is None or Path(live_file).resolve() != path:
            problems.append(f"{name} (not loaded from {path.name})")
            continue
        try:
            fresh = _fresh(path, name)
        except Exception as error:  # noqa: BLE001 - a file edited on disk, say
            problems.append(f"{name} (cannot be loaded again: {type(error).__name__})")
            continue
        live_vars = vars(live)
        state = _STATE_NAMES.get(name, set())
        for key, value in fresh.items():
            if key in _IMPORT_DUNDERS or key in state:
                continue
            if key not in live_vars:
                problems.append(f"{name}.{key} (deleted)")
            elif not _same(live_vars[key], value, set()):
                problems.append(f"{name}.{key} (changed)")
        for key, value in live_vars.items():
            if key in fresh or key in _IMPORT_DUNDERS:
                continue
            if isinstance(value, types.ModuleType) and value.__name__ == f"{name}.{key}":
                continue
            problems.append(f"{name}.{key} (added)")
    problems.extend(f"{name} (replaced)" for name in _numpy_problems())
    return problems


def ensure_intact(check: str) -> None:
    """Raise `TamperingDetected` if :func:`verify` finds any difference.

    Parameters
    ----------
    check : str
        Name of the check about to run (for the message).
    """
    problems = verify()
    if problems:
        shown = "; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else "")
        raise TamperingDetected(
            _(
                "✗ {check}: the checks were modified in this session ({details}), so this "
                "result cannot be trusted and the check fails. Restart the kernel and run the "
                "notebook again without changing convlab.checks."
            ).format(check=check, details=shown)
        )
