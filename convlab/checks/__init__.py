"""Exercise checks: public feedback, hidden grading, diagnoses, a from-scratch guard.

Every check takes the student's function and runs it on a list of cases::

    convlab.checks.correlate_valid(correlate_loops)                # public cell
    convlab.checks.correlate_valid(correlate_loops, hidden=True)   # more cases

On success it prints one line (``✓ correlate_valid: correlate_loops passed all
4 cases.``) and returns None.  On failure it raises :class:`CheckFailed`, an
`AssertionError` (so nbgrader marks the cell as failed), whose message, in the
notebook's language (``convlab.set_language``), names the smallest input the
function failed on, shows what was expected and what was received, and
diagnoses the mistake when it can confirm one.  A diagnosis is a tested
hypothesis: the check computes what the mistake (a flipped kernel, a loop that
stops one step early, the wrong border mode, uint8 wrap-around...) would have
produced and compares it with the student's output.

``hidden=True`` adds randomized cases, drawn from a fresh seed on every run
(``seed=`` repeats a run; the failure message prints the seed), and edge cases:
1x1 kernels, kernels as large as the image, non-square images and kernels,
gray and color images, uint8, float32 and float64 inputs.

Exercises written "from scratch" (listed in :data:`FROM_SCRATCH`: lesson 04's
output-size exercises always, the others while ``from_scratch=True``, the
default) fail when
the student's function calls the reference solution or a library convolution,
filter or padding function, however it was bound; see
``convlab.checks._scratch`` for the list and how calls are seen.

What a lesson's test cells contain
----------------------------------
Public (visible) test cell::

    convlab.checks.correlate_valid(correlate_loops)

Hidden test cell (between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``)::

    from convlab.checks import run
    run("correlate_valid", correlate_loops, hidden=True)

The hidden form imports ``run`` through ``sys.modules`` in the cell itself, so
it does not depend on the notebook's ``convlab`` variable (a student cell can
rebind that name to anything); ``run`` then verifies the checks before and
after running them.

Threat model
------------
The grader and the student's code share one Python process: nbgrader executes
the student's cells, then the test cells, in the same kernel.  Nothing inside
that process can be made tamper-proof against code written to defeat it, and
this package does not pretend otherwise.  What it does:

- **Rebinding or deleting** an attribute of ``convlab.checks`` or of any of its
  submodules (``convlab.checks.correlate_valid = lambda f, **k: None``) raises
  AttributeError: the modules are read-only (:class:`ReadOnlyModule`).
- **Bypassing that** (``vars(module)[name] = ...``, ``object.__setattr__``),
  editing a check's ``__code__`` or defaults, mutating the registry or the case
  data, adding a global that shadows a builtin, replacing ``convlab.checks`` in
  ``sys.modules`` or on the ``convlab`` package, or replacing a NumPy function
  the checks compute with: ``run`` (and every check with ``hidden=True``) first
  compiles the package's files afresh from disk and compares them with the
  live modules; any difference raises :class:`TamperingDetected` naming it.
  The comparison is repeated after the student's function has run, so
  tampering done *by* the function during the check is caught too.
- **Switching off the from-scratch guard** (``sys.setprofile``,
  ``threading.setprofile``, also from C through ``functools.partial``, seen by
  an audit hook) fails the check as tampering.

What it does not do: the entry point itself is the one thing that cannot
verify itself.  Code that targets it deliberately (replacing ``run`` with
``vars(convlab.checks)["run"] = ...`` or the module object in ``sys.modules``
before the hidden cell runs, patching ``builtins`` or ``importlib``, writing
to the installed files while autograding) can still fake a pass.  Such code is
in the submission for anyone to read: :func:`scan_source` flags it, and the
grading pipeline should run that scan out of process on every submission.
Locked test cells themselves are protected by nbgrader's checksums.

Where an exercise is declared
-----------------------------
Each lesson's module (``lesson01`` ... ``lesson11``) defines one
:class:`~convlab.checks._core.Exercise` subclass per exercise (its name,
cases, reference answer, diagnoses, from-scratch groups and the check's
docstring, ``check_doc``) and lists them in its ``EXERCISES`` tuple.  This
package makes the check functions, :data:`REGISTRY` and :data:`FROM_SCRATCH`
from those tuples: adding an exercise is a change to its lesson's module
(plus its tests).

Introduced in lesson 01, images as arrays (its first test cells).
"""

from __future__ import annotations

import types as _types

from . import (
    _core,
    _integrity,
    lesson01,
    lesson02,
    lesson03,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
    lesson09,
    lesson10,
    lesson11,
)
from ._errors import CheckFailed, TamperingDetected
from ._integrity import ReadOnlyModule, verify
from ._scan import scan_notebook, scan_source


def _check(exercise, student_fn, hidden, seed, from_scratch=False) -> None:
    if not hidden:
        _core.run_exercise(exercise, student_fn, hidden=False, seed=seed, from_scratch=from_scratch)
        return
    _integrity.ensure_intact(exercise.name)
    try:
        _core.run_exercise(exercise, student_fn, hidden=True, seed=seed, from_scratch=from_scratch)
    finally:
        # Tampering done by the student's function during the run explains
        # (and takes precedence over) whatever the run concluded.
        _integrity.ensure_intact(exercise.name)


#: The lesson modules, in course order; each declares its exercises in ``EXERCISES``.
LESSONS = (
    lesson01,
    lesson02,
    lesson03,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
    lesson09,
    lesson10,
    lesson11,
)


def _make_check(exercise_type: type[_core.Exercise]):
    """The public check function of one declared exercise.

    Its signature is ``(student_fn, *, hidden=False, seed=None)``, plus
    ``from_scratch=True`` for an exercise with a from-scratch guard that the
    caller may switch off (`scratch_optional`); a guard that is not optional
    is always on.
    """
    if exercise_type.guard_groups and exercise_type.scratch_optional:

        def check(
            student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
        ) -> None:
            _check(exercise_type(), student_fn, hidden, seed, from_scratch)

    else:
        always = bool(exercise_type.guard_groups)

        def check(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
            _check(exercise_type(), student_fn, hidden, seed, always)

    check.__name__ = check.__qualname__ = exercise_type.name
    check.__module__ = __name__
    check.__doc__ = exercise_type.check_doc
    return check


def _declared_checks() -> dict:
    checks = {}
    for lesson in LESSONS:
        for exercise_type in lesson.EXERCISES:
            if exercise_type.name in checks:
                raise ValueError(f"two exercises are named {exercise_type.name!r}")
            checks[exercise_type.name] = _make_check(exercise_type)
    return checks


#: Check name -> check function (read-only), in course order; each check is also
#: an attribute of this package (``convlab.checks.correlate_valid``).
REGISTRY = _types.MappingProxyType(_declared_checks())
globals().update(REGISTRY)

#: Names of the exercises done from scratch (whose check refuses library functions).
FROM_SCRATCH = tuple(
    exercise_type.name
    for lesson in LESSONS
    for exercise_type in lesson.EXERCISES
    if exercise_type.guard_groups
)

__all__ = [  # noqa: PLE0604 - the checks' names come from the lessons' declarations
    "CheckFailed",
    "FROM_SCRATCH",
    "LESSONS",
    "REGISTRY",
    "ReadOnlyModule",
    "TamperingDetected",
    "run",
    "scan_notebook",
    "scan_source",
    "verify",
    *REGISTRY,
]


def run(check: str, student_fn, *, hidden: bool = True, seed: int | None = None, **options) -> None:
    """Run the check named `check`, after verifying that no check was tampered with.

    This is the form for hidden test cells::

        from convlab.checks import run
        run("correlate_valid", correlate_loops, hidden=True)

    Parameters
    ----------
    check : str
        A key of `REGISTRY`.
    student_fn : callable
        The student's function.
    hidden : bool, optional
        Run the hidden cases too (default True).
    seed : int, optional
        Seed of the randomized cases.
    **options
        Passed to the check (``from_scratch=``).

    Raises
    ------
    TamperingDetected
        If the live checks differ from the files on disk, before or after the run.
    CheckFailed
        If the student's function fails the check.
    ValueError
        If `check` is not a known check.
    """
    if check not in REGISTRY:
        raise ValueError(f"`check` must be one of {', '.join(map(repr, REGISTRY))}; got {check!r}")
    _integrity.ensure_intact(check)
    try:
        REGISTRY[check](student_fn, hidden=hidden, seed=seed, **options)
    finally:
        _integrity.ensure_intact(check)


_integrity.freeze()
