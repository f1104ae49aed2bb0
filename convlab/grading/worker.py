"""Long-lived grading workers: nbgrader's Python API, one process per worker.

Each worker process imports nbgrader once and then, for each submission it is
given, runs nbgrader's own ``autograde`` and ``generate_feedback`` for that one
student (``nbgrader.apps.NbGraderAPI``).  The per-submission cost is the
kernel's start and the notebook's run, not a Python and nbgrader start-up.

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

__all__ = ["init_worker", "grade_submission", "dask_grade"]

_state: dict = {}


def init_worker(course: str, db_url: str, sandbox: str) -> None:
    """Load the course's nbgrader configuration once per worker process.

    Each sandbox claims its own user id when it starts
    (:class:`convlab.grading.sandbox.Sandbox`), so workers need no slot of their own.
    """
    started = time.perf_counter()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from sqlalchemy.exc import SAWarning
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    from .coursedir import nbgrader_env

    # nbgrader's gradebook code trips SQLAlchemy 2's autoflush warnings on every
    # submission (SAWarning "... not in session"); they are nbgrader's, harmless,
    # and buried the progress lines instructors read.
    warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.")
    os.environ.update(nbgrader_env())  # alembic on PATH, quiet TensorFlow
    os.chdir(course)
    config = PyFileConfigLoader("nbgrader_config.py", path=course).load_config()
    overrides = Config()
    overrides.CourseDirectory.root = course
    overrides.CourseDirectory.db_url = db_url
    overrides.GradingExecute.sandbox = sandbox
    # The feedback templates compiled once per worker, not once per page.
    overrides.GenerateFeedback.exporter_class = "convlab.grading.student_feedback.FeedbackExporter"
    config.merge(overrides)
    coursedir = CourseDirectory(config=config)
    _state["api"] = NbGraderAPI(coursedir=coursedir, config=config)
    _state["course"] = Path(course)
    _state["db_url"] = db_url
    _state["key"] = (course, db_url, sandbox)
    # The worker's own start (nbgrader loaded once): counted with its first submission.
    _state["startup"] = time.perf_counter() - started


def grade_submission(lesson: str, student: str) -> dict:
    """Autograde one submission and write its feedback; returns what happened.

    ``phases`` in the result: seconds per phase of this submission (see
    :data:`convlab.grading.execute.PHASES`; "nbgrader" is the rest of autograde:
    the gradebook and nbgrader's other preprocessors; "feedback" the feedback page;
    "summary" the score read back; "worker start" only with a worker's first one).
    """
    from .execute import take_kernel_kinds, take_phases, take_unenforced

    api = _state["api"]
    api.config.GradingExecute.reference_seconds = _reference(lesson)
    take_phases()  # nothing from before this submission
    take_unenforced()  # forget an earlier submission's
    take_kernel_kinds()
    start = time.perf_counter()
    result = api.autograde(lesson, student, force=True, create=True)
    seconds = time.perf_counter() - start
    # The limits this submission's sandboxes did not hold (none started: none listed).
    unenforced = take_unenforced()
    kernel = ", ".join(take_kernel_kinds())
    phases = take_phases()
    phases["nbgrader"] = max(0.0, seconds - phases.pop("execute", 0.0))
    if "startup" in _state:
        phases["worker start"] = _state.pop("startup")
    log = (result.get("log") or "") + (result.get("error") or "")
    graded = _state["course"] / "autograded" / student / lesson
    if not result.get("success") or not graded.is_dir():
        return {
            "student": student,
            "ok": False,
            "seconds": seconds,
            "log": log[-4000:],
            "unenforced": unenforced,
            "kernel": kernel,
            "phases": phases,
        }
    started = time.perf_counter()
    feedback = api.generate_feedback(lesson, student, force=True)
    if not feedback.get("success"):
        log += (feedback.get("log") or "") + (feedback.get("error") or "")
    phases["feedback"] = time.perf_counter() - started
    started = time.perf_counter()
    summary = _summary(lesson, student, graded)
    phases["summary"] = time.perf_counter() - started
    return {
        "student": student,
        "ok": True,
        "seconds": time.perf_counter() - start,
        "autograde_seconds": seconds,
        "log": log[-4000:],
        "unenforced": unenforced,
        "kernel": kernel,
        "phases": phases,
        **summary,
    }


def _reference(lesson: str) -> float:
    """The lesson's reference run time measured by ``convlab grade`` (0 when unknown)."""
    import json

    from .coursedir import reference_path

    try:
        path = reference_path(_state["course"], lesson)
        return float(json.loads(path.read_text(encoding="utf-8"))["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0


def _summary(lesson: str, student: str, graded: Path) -> dict:
    """Score, failing test cells and timed-out cells of a graded submission."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    summary: dict = {"score": None, "max_score": None, "failures": [], "timeouts": 0}
    try:
        with Gradebook(_state["db_url"]) as gb:
            submission = gb.find_submission(lesson, student)
            summary["score"] = submission.score
            summary["max_score"] = submission.max_score
            summary["failures"] = sorted(
                grade.name
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.max_score and (grade.score or 0) < grade.max_score
            )
    except MissingEntry:
        pass
    for path in sorted(graded.glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - the score above is what counts
            continue
        summary["timeouts"] += sum(
            output.get("ename") == "TimeoutError"
            for cell in nb.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
        )
    return summary


def dask_grade(course: str, db_url: str, sandbox: str, lesson: str, student: str) -> dict:
    """One Dask task: grade one submission in this worker process (set up on first use).

    The worker process keeps nbgrader loaded between tasks, like the local pool's
    workers.
    Workers must run one task at a time (``--nthreads 1``): nbgrader's API and
    the working directory are per process.
    """
    if _state.get("key") != (course, db_url, sandbox):
        init_worker(course, db_url, sandbox)
    outcome = grade_submission(lesson, student)
    import socket

    outcome["host"] = socket.gethostname()
    return outcome
