"""Repository-wide pytest configuration.

nbval turns each notebook cell into a test item; the cells of one notebook
must run in order in one kernel, so they share an xdist group (run with
``--dist loadgroup``), while every other test is spread over the workers.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.xdist_group(name=str(item.fspath)))
