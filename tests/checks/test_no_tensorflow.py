"""Lessons 01-03 never pay TensorFlow's import: not the checks, not their grading."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_running_every_check_leaves_tensorflow_unimported():
    code = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, {root!r})
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
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "torch"))
        print("LOADED", loaded)
        """
    ).format(root=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout
