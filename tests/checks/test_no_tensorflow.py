"""Lessons 01-03 never pay TensorFlow's import: not the checks, not their grading."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.subprocess_python import heavy_modules_after

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # a fresh interpreter (tests/subprocess_python.py): make test runs it
def test_running_every_check_leaves_tensorflow_unimported():
    code = """
        import convlab.checks
        from tests.checks import solutions as ok
        for name in convlab.checks.REGISTRY:
            student = getattr(ok, "correlate_loops" if name == "correlate_valid" else name)
            convlab.checks.run(name, student, hidden=True)
            getattr(convlab.checks, name)(student)
            try:
                convlab.checks.run(name, lambda *args: None, hidden=True)
            except convlab.checks.CheckFailed:
                pass
        """
    assert heavy_modules_after(code) == []
