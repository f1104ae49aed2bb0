"""Fixtures for the checks' tests: English messages, and undoing deliberate tampering."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import convlab
import convlab.checks
from convlab.i18n import get_language, set_language


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English unless a test sets another language."""
    before = get_language()
    set_language("en")
    yield
    set_language(before)


@pytest.fixture
def restore_checks():
    """Snapshot every convlab.checks module, numpy and sys.modules; restore them afterwards."""
    modules = {name: m for name, m in sys.modules.items() if name.startswith("convlab.checks")}
    namespaces = {name: dict(vars(m)) for name, m in modules.items()}
    classes = {name: type(m) for name, m in modules.items()}
    numpy_vars = dict(vars(np))
    package_checks = vars(sys.modules["convlab"]).get("checks")
    yield
    for name, module in modules.items():
        sys.modules[name] = module
        object.__setattr__(module, "__class__", classes[name])
        live = vars(module)
        live.clear()
        live.update(namespaces[name])
    for name, value in numpy_vars.items():
        if vars(np).get(name) is not value:
            setattr(np, name, value)
    vars(sys.modules["convlab"])["checks"] = package_checks
    assert convlab.checks.verify() == []
