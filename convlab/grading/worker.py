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
from pathlib import Path

__all__ = ["init_worker", "grade_submission"]

_state: dict = {}


def init_worker(course: str, db_url: str, sandbox: str, slots) -> None:
    """Load the course's nbgrader configuration once per worker process."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    from .command import nbgrader_env

    os.environ.update(nbgrader_env())  # alembic on PATH, quiet TensorFlow
    os.chdir(course)
    config = PyFileConfigLoader("nbgrader_config.py", path=course).load_config()
    overrides = Config()
    overrides.CourseDirectory.root = course
    overrides.CourseDirectory.db_url = db_url
    overrides.GradingExecute.sandbox = sandbox
    slot = slots.get()
    overrides.GradingExecute.sandbox_slot = slot
    config.merge(overrides)
    coursedir = CourseDirectory(config=config)
    _state["api"] = NbGraderAPI(coursedir=coursedir, config=config)
    _state["course"] = Path(course)


def grade_submission(lesson: str, student: str) -> dict:
    """Autograde one submission and write its feedback; returns what happened."""
    api = _state["api"]
    start = time.perf_counter()
    result = api.autograde(lesson, student, force=True, create=True)
    seconds = time.perf_counter() - start
    log = (result.get("log") or "") + (result.get("error") or "")
    graded = _state["course"] / "autograded" / student / lesson
    if not result.get("success") or not graded.is_dir():
        return {"student": student, "ok": False, "seconds": seconds, "log": log[-4000:]}
    feedback = api.generate_feedback(lesson, student, force=True)
    if not feedback.get("success"):
        log += (feedback.get("log") or "") + (feedback.get("error") or "")
    return {
        "student": student,
        "ok": True,
        "seconds": time.perf_counter() - start,
        "autograde_seconds": seconds,
        "log": log[-4000:],
    }
