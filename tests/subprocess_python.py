"""Python code run in a fresh interpreter: what a test can only see from outside its own process.

Several tests need a clean ``sys.modules``: that importing convlab, running
checks or a benchmark never imports TensorFlow (its import costs seconds), or
that a library imported during a check is caught.  One helper runs the code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from convlab.coursebuild.lessons import repo_root

ROOT = repo_root()

#: Top-level packages a student's NumPy-only lesson must never pay for.
HEAVY = ("tensorflow", "keras", "torch")

_REPORT = (
    "\nimport json as _json, sys as _sys\n"
    "print('LOADED ' + _json.dumps(sorted(m for m in _sys.modules "
    "if m.split('.')[0] in {heavy!r})))\n"
)


def run_python(code: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess:
    """Run `code` (dedented) in a new interpreter, from the repository root and with it on the path.

    With `check`, a non-zero exit fails the calling test with the interpreter's stderr.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"the subprocess failed (exit {result.returncode}):\n{result.stderr}")
    return result


def heavy_modules_after(code: str, timeout: float = 900) -> list[str]:
    """The modules of :data:`HEAVY` loaded once `code` has run in a new interpreter."""
    result = run_python(textwrap.dedent(code) + _REPORT.format(heavy=HEAVY), timeout=timeout)
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOADED "))
    return json.loads(line[len("LOADED ") :])


def heavy_modules_after_lesson_checks(module: str, timeout: float = 900) -> list[str]:
    """The heavy modules loaded by running a lesson's check tests' right and wrong answers.

    `module` (``"tests.checks.test_lesson04"``) defines ``RIGHT`` (check, student)
    and ``CASES`` (check, wrong, diagnosis); each runs through its hidden check.
    """
    code = f"""
        import convlab.checks
        import {module} as t
        for check, student in t.RIGHT:
            convlab.checks.run(check, student, hidden=True)
        for check, wrong, _diagnosis in t.CASES:
            try:
                convlab.checks.run(check, wrong, hidden=True)
            except convlab.checks.CheckFailed:
                pass
        """
    return heavy_modules_after(code, timeout=timeout)
