"""The grades CSV is always right: resubmissions, failures, one student's regrade.

Through `convlab grade` (the command and the function), on lesson 01; with the
limits the sandbox did not enforce (``sandbox`` column, summary) and the test
cells nbgrader restored (``restored_cells`` column).
"""

from __future__ import annotations

import csv
import io
import os
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from convlab.cli import main
from convlab.grading import cgroups, grade
from convlab.grading.command import CSV_COLUMNS, GradeResult, unenforced_summary
from convlab.grading.sandbox import GAPS, parse_sandbox_column, sandbox_column

from ..course.conftest import ROOT
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
    # Bob deletes one test cell and edits another to pass: nbgrader restores both.
    tampered = read_nb(course / "release" / SLUG / f"{SLUG}.ipynb")
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in tampered.cells]
    tampered.cells.pop(ids.index("brighten_public"))
    tampered.cells[ids.index("image_info_public")].source = "pass  # it failed, so I made it pass"
    submit(course, "bob", SLUG, tampered)
    submit(course, "carol", SLUG, solved(course, SLUG))
    (course / "submitted" / "carol" / SLUG / f"{SLUG}.ipynb").write_text("{ not a notebook")

    # 1. The command: a submission that cannot be graded is marked, listed, and the exit is 1.
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["grade", SLUG, "--course-dir", str(course), "--jobs", "2"])
    assert code == 1, out.getvalue()
    assert "FAILED carol" in out.getvalue()
    # What this machine's sandboxes did not enforce is said in the summary, with a remedy;
    # as root with cgroup v1 every limit is held (tests/grading/test_sandbox_limits.py).
    held = os.geteuid() == 0 and cgroups.v1_available()
    assert ("this machine does not enforce" in out.getvalue()) != held, out.getvalue()
    assert ("cpu-quota: no CPU quota per submission" in out.getvalue()) != held
    rows = _rows(course / f"grades-{SLUG}.csv")
    assert rows["alice"]["status"] == "graded" and float(rows["alice"]["score"]) == total
    assert rows["bob"]["status"] == "graded" and float(rows["bob"]["score"]) == 0.0
    assert rows["carol"]["status"] == "failed"
    assert rows["carol"]["score"] == "" and rows["carol"]["raw_score"] == ""
    # The note names the cause, not nbgrader's generic "see the above traceback".
    assert "NotJSONError" in rows["carol"]["note"], rows["carol"]["note"]
    # ... and in the sandbox column of every row whose notebook ran in a sandbox (Carol's
    # unreadable notebook never reached one). No cgroups: never a CPU quota nor a total.
    for student in ("alice", "bob"):
        kind, gaps = parse_sandbox_column(rows[student]["sandbox"])
        assert kind == "bwrap", rows[student]
        assert ({"cpu-quota", "total-memory"} <= set(gaps)) != held, rows[student]
        assert ("shared-process-limit" in gaps) == (os.geteuid() != 0)
        if os.geteuid() == 0:  # root mounts the socket folder's tmpfs
            expected = "bwrap" if held else "bwrap (not enforced: cpu-quota, total-memory)"
            assert rows[student]["sandbox"] == expected
    assert rows["carol"]["sandbox"] == "bwrap"
    # The test cells nbgrader restored, named in the row: Bob's deleted and edited ones.
    assert rows["bob"]["restored_cells"] == "image_info_public brighten_public"
    assert rows["alice"]["restored_cells"] == "" and rows["carol"]["restored_cells"] == ""
    # Bob's feedback says so in the course's language, not with nbgrader's English note.
    page = (course / "feedback" / "bob" / SLUG / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "This cell (id:brighten_public) was missing from your submission" in page
    assert "added back by nbgrader" not in page

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
    assert rows["bob"]["restored_cells"] == ""  # the resubmission keeps every test cell
    # Alice, skipped, keeps what her earlier grading recorded.
    assert rows["alice"]["sandbox"] == rows["bob"]["sandbox"] == rows["carol"]["sandbox"]
    assert (rows["alice"]["sandbox"] == "bwrap") == held  # with its gaps, where some are

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
    assert rows["carol"]["sandbox"] == "none" and rows["alice"]["sandbox"].startswith("bwrap")


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


@pytest.mark.parametrize(
    "language, heading, remedy",
    [
        ("en", "this machine does not enforce 4 sandbox limits", "grade as root"),
        ("es", "esta máquina no impone 4 límites del sandbox", "califica como root"),
        (
            "ja",
            "このマシンではサンドボックスの制限のうち4件が適用されていません",
            "rootで採点してください",
        ),
    ],
)
def test_unenforced_limits_are_said_in_the_course_language(language, heading, remedy):
    """The summary's lines on missing limits: in the course's language, ids kept for the CSV."""
    results = [
        GradeResult("ana", "graded", unenforced=["total-memory", "cpu-quota"]),
        GradeResult("ben", "skipped", unenforced=["shared-process-limit", "ipc-folder-size"]),
        GradeResult("eva", "failed"),
    ]
    lines = unenforced_summary(ROOT / "course" / language, SLUG, results)
    assert lines[0].startswith(heading), lines
    # One line per limit, in GAPS's order, each starting with the id the CSV uses.
    assert [line.split(":")[0].split("：")[0].strip() for line in lines[1:]] == list(GAPS)
    assert remedy in lines[3] and remedy in lines[4]
    assert "cgroup v2" in lines[1] and "CPUQuota=" in lines[1] and "MemoryMax=" in lines[2]
    assert unenforced_summary(ROOT / "course" / language, SLUG, results[2:]) == []


def test_sandbox_column_is_machine_readable():
    assert sandbox_column("bwrap") == "bwrap" and sandbox_column("none", ["cpu-quota"]) == "none"
    value = sandbox_column("bwrap", reversed(GAPS))
    assert value == (
        "bwrap (not enforced: cpu-quota, total-memory, ipc-folder-size, shared-process-limit)"
    )
    assert parse_sandbox_column(value) == ("bwrap", list(GAPS))
    assert parse_sandbox_column("bwrap") == ("bwrap", [])
    with pytest.raises(ValueError, match="unknown limits"):
        sandbox_column("bwrap", ["gpu"])
    for bad in ("docker", "bwrap (not enforced: gpu)", "bwrap (not enforced: )"):
        with pytest.raises(ValueError):
            parse_sandbox_column(bad)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("graded", "failed: brighten_hidden", "cell stopped")),
        ("es", ("calificada", "fallaron: brighten_hidden", "celda se detuvo")),
        ("ja", ("採点済み", "不合格: brighten_hidden", "制限時間")),
    ],
)
def test_progress_lines_are_in_the_course_language(language, words):
    """What `convlab grade` prints per submission, read by the instructor (a trial found it
    in English in the Spanish course)."""
    from convlab.grading.command import progress_line, timeout_warning
    from convlab.grading.report import _language

    result = GradeResult(
        "ben",
        "graded",
        score=9,
        max_score=12,
        seconds=5.7,
        failures=["brighten_hidden"],
        timeouts=1,
    )
    with _language(language):
        line, warning = progress_line(result), timeout_warning(result)
    assert line.startswith("ben") and "9/12" in line
    assert words[0] in line and words[1] in line and words[2] in warning, (line, warning)
    if language != "en":
        assert "graded" not in line and "failed" not in line
