"""The grades CSV is always right: resubmissions, failures, one student's regrade.

Through `convlab grade` (the command and the function), on lesson 01.
"""

from __future__ import annotations

import csv
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from convlab.cli import main
from convlab.grading import grade
from convlab.grading.command import CSV_COLUMNS

from .nbgrader_helpers import exercise_points, nbgrader, read_nb, scratch_course, solved, submit

SLUG = "01-images-as-arrays"


def _rows(path: Path) -> dict[str, dict]:
    with path.open() as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == CSV_COLUMNS
        return {row["student_id"]: row for row in reader}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = scratch_course(tmp_path_factory.mktemp("csv"), "en")
    nbgrader(["generate_assignment", SLUG, "--force", "--create"], course)
    return course


@pytest.mark.grading
def test_grades_csv_is_right_through_resubmission_failure_and_regrade(course):
    total = sum(exercise_points(read_nb(course / "source" / SLUG / f"{SLUG}.ipynb")).values())
    release = read_nb(course / "release" / SLUG / f"{SLUG}.ipynb")
    submit(course, "alice", SLUG, solved(course, SLUG))
    submit(course, "bob", SLUG, release)
    submit(course, "carol", SLUG, solved(course, SLUG))
    (course / "submitted" / "carol" / SLUG / f"{SLUG}.ipynb").write_text("{ not a notebook")

    # 1. The command: a submission that cannot be graded is marked, listed, and the exit is 1.
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["grade", SLUG, "--course-dir", str(course), "--jobs", "2"])
    assert code == 1, out.getvalue()
    assert "FAILED carol" in out.getvalue()
    rows = _rows(course / f"grades-{SLUG}.csv")
    assert rows["alice"]["status"] == "graded" and float(rows["alice"]["score"]) == total
    assert rows["bob"]["status"] == "graded" and float(rows["bob"]["score"]) == 0.0
    assert rows["carol"]["status"] == "failed"
    assert rows["carol"]["score"] == "" and rows["carol"]["raw_score"] == ""
    # The note names the cause, not nbgrader's generic "see the above traceback".
    assert "NotJSONError" in rows["carol"]["note"], rows["carol"]["note"]
    assert {row["sandbox"] for row in rows.values()} == {"bwrap"}

    # 2. Bob resubmits a solved notebook, Carol a readable one: both regraded without --force;
    #    Alice, unchanged, is skipped and keeps her grade.
    submit(course, "bob", SLUG, solved(course, SLUG))
    submit(course, "carol", SLUG, release)
    results, path = grade(course, SLUG, jobs=2, progress=False)
    status = {r.student: r.status for r in results}
    assert status == {"alice": "skipped", "bob": "graded", "carol": "graded"}
    rows = _rows(path)
    assert float(rows["alice"]["score"]) == total and rows["alice"]["status"] == "graded"
    assert float(rows["bob"]["score"]) == total
    assert float(rows["carol"]["score"]) == 0.0 and rows["carol"]["status"] == "graded"

    # 3. Nothing changed: nothing is graded again, and the CSV is the same.
    before = path.read_text()
    results, path = grade(course, SLUG, jobs=2, progress=False)
    assert {r.status for r in results} == {"skipped"}
    assert path.read_text() == before

    # 4. One student regraded on request; the others untouched.
    timings: dict[str, float] = {}
    results, path = grade(course, SLUG, jobs=1, students=["alice"], progress=False, timings=timings)
    assert {r.student: r.status for r in results} == {
        "alice": "graded",
        "bob": "skipped",
        "carol": "skipped",
    }
    assert float(_rows(path)["alice"]["score"]) == total
    # Where the seconds went: each phase of the submission, and the class's stages
    # (benchmarks/grading.py makes its table from them).
    phases = next(r.phases for r in results if r.student == "alice")
    for phase in ("sandbox start", "kernel start", "cells", "kernel stop", "nbgrader", "feedback"):
        assert phases.get(phase, 0) > 0, (phase, phases)
    assert set(timings) == {"setup", "grading", "export"}
    from benchmarks.grading import markdown_table, phase_rows

    graded = [r for r in results if r.status == "graded"]
    table = markdown_table(phase_rows(graded, timings, sum(timings.values()), 1))
    assert "kernel start, until its kernel_info reply" in table and "| 100% |" in table

    # 5. Graded without the sandbox (the instructor's explicit choice): the CSV says so.
    results, path = grade(course, SLUG, jobs=1, students=["carol"], sandbox="none", progress=False)
    rows = _rows(path)
    assert rows["carol"]["sandbox"] == "none" and rows["alice"]["sandbox"] == "bwrap"


@pytest.mark.grading
def test_grade_errors_are_one_line(course, capsys):
    assert main(["grade", "99-no-such-lesson", "--course-dir", str(course)]) == 2
    err = capsys.readouterr().err
    assert "no lesson '99-no-such-lesson'" in err and "Traceback" not in err
    assert main(["grade", "02-convolution-from-scratch", "--course-dir", str(course)]) == 2
    assert "no submissions of" in capsys.readouterr().err


def test_grading_refuses_without_a_sandbox(tmp_path, monkeypatch):
    """Without bubblewrap, grading refuses and names the install and the unsafe flag."""
    from convlab.grading import sandbox

    monkeypatch.setattr(sandbox, "_bwrap", lambda: None)
    problem = sandbox.sandbox_problem()
    assert "bubblewrap" in problem and "apt-get install bubblewrap" in problem
    course = scratch_course(tmp_path, "en")
    (course / "submitted" / "x" / SLUG).mkdir(parents=True)
    err = io.StringIO()
    from contextlib import redirect_stderr

    with redirect_stderr(err):
        assert main(["grade", SLUG, "--course-dir", str(course)]) == 2
    assert "--unsafe-no-sandbox" in err.getvalue()
