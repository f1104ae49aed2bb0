"""mypy on convlab/ passes, with the settings of pyproject.toml's [tool.mypy].

The same command as `make lint`. Slow (about 20 s with mypy's cache, minutes
without), so marked `slow`. Skipped where mypy is not installed (it is in the
`test` extra), except under CI, where a missing mypy fails.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_mypy_passes_on_convlab():
    if importlib.util.find_spec("mypy") is None:
        if os.environ.get("CI"):
            pytest.fail("mypy is not installed (pip install -e '.[test]')")
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    assert "Success" in proc.stdout, proc.stdout[-2000:]
