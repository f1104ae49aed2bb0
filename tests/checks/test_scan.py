"""The static scan flags tampering in a submission and leaves solutions alone."""

from __future__ import annotations

import inspect
import json

import pytest

from convlab.checks import scan_notebook, scan_source

from . import solutions


@pytest.mark.parametrize(
    ("source", "flag"),
    [
        (
            "convlab.checks.correlate_valid = lambda f, **k: None",
            "assigns to convlab.checks.correlate_valid",
        ),
        ("vars(convlab.checks)['run'] = print", "an item of vars()"),
        ("convlab.checks.__dict__['run'] = print", "an item of convlab.checks.__dict__"),
        ("import sys\nsys.modules['convlab.checks'] = object()", "an item of sys.modules"),
        ("sys.setprofile(None)", "calls sys.setprofile"),
        ("object.__setattr__(m, '__class__', type(sys))", "calls object.__setattr__"),
        ("setattr(convlab.checks, 'run', print)", "calls setattr on convlab.checks"),
        ("import types\nconvlab = types.SimpleNamespace()", "assigns to the name convlab"),
        ("np.einsum = lambda *a: 0", "assigns to np.einsum"),
        ("f.__code__ = g.__code__", "assigns to f.__code__"),
        ("import gc", "imports gc"),
        ("%timeit x = 1\nimport ctypes", "imports ctypes"),
    ],
)
def test_tampering_constructs_are_flagged(source, flag):
    findings = scan_source(source)
    assert any(flag in finding for finding in findings), findings


def test_ordinary_solutions_are_not_flagged():
    assert scan_source(inspect.getsource(solutions)) == []


def test_notebook_scan_skips_locked_cells_and_names_the_cell(tmp_path):
    cells = [
        {
            "cell_type": "code",
            "metadata": {"nbgrader": {"locked": True}},
            "source": "sys.setprofile(None)",
        },
        {"cell_type": "markdown", "metadata": {}, "source": "convlab = 1"},
        {
            "cell_type": "code",
            "metadata": {"nbgrader": {"solution": True}},
            "source": ["x = 1\n", "convlab = 2\n"],
        },
    ]
    path = tmp_path / "submission.ipynb"
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    assert scan_notebook(path) == ["cell 2, line 2: assigns to the name convlab"]
