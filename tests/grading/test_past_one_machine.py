"""Grading past one machine: a PostgreSQL gradebook, Dask workers, the class report.

One class of lesson 01 (five submissions: solved, untouched, one mistake, one
infinite loop, one unreadable notebook) graded three ways on copies of one course directory:

1. locally with the zero-setup SQLite gradebook;
2. locally into a real PostgreSQL server, named only in the course's
   ``nbgrader_config.py`` (``c.CourseDirectory.db_url``), which must win;
3. on a real Dask ``LocalCluster`` (two worker processes, one thread each) into
   PostgreSQL, through ``--scheduler``;

each must give the same grades CSV (statuses and scores). The class report is
checked on the first.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pytest

from convlab.cli import main
from convlab.grading import grade
from convlab.grading.coursedir import resolve_db_url
from convlab.i18n import translate

from .nbgrader_helpers import exercise_points, nbgrader, read_nb, scratch_course, solved, submit

SLUG = "01-images-as-arrays"
#: Per-cell time limit in this class (the course's is 60 s): the infinite loop costs this.
CELL_TIMEOUT = 15
TIMINGS: dict[str, float] = {}


def _rows(path: Path) -> dict[str, dict]:
    with path.open(newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def _grades(path: Path) -> dict[str, tuple]:
    """What must agree between gradebooks: status and scores per student."""
    return {
        s: (r["status"], r["raw_score"], r["late_submission_penalty"], r["score"], r["max_score"])
        for s, r in _rows(path).items()
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A course with the assignment released and four submissions, never graded."""
    course = scratch_course(tmp_path_factory.mktemp("class"), "en")
    with (course / "nbgrader_config.py").open("a") as f:
        f.write(f"\nc.Execute.timeout = {CELL_TIMEOUT}\n")
    nbgrader(["generate_assignment", SLUG, "--force", "--create"], course)
    wrong = solved(course, SLUG)
    cell = next(
        c for c in wrong.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "brighten"
    )
    cell.source, count = re.subn(r"np\.clip\(wide, 0, 255\)", "wide", cell.source)
    assert count == 1
    submit(course, "solved", SLUG, solved(course, SLUG))
    submit(course, "untouched", SLUG, read_nb(course / "release" / SLUG / f"{SLUG}.ipynb"))
    submit(course, "mistake", SLUG, wrong)
    looping = solved(course, SLUG)
    cell = next(
        c for c in looping.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "brighten"
    )
    cell.source = cell.source.replace('"""\n', '"""\n    while True:\n        pass\n', 1)
    assert "while True" in cell.source
    submit(course, "looping", SLUG, looping)
    submit(course, "broken", SLUG, solved(course, SLUG))
    (course / "submitted" / "broken" / SLUG / f"{SLUG}.ipynb").write_text("{ not a notebook")
    (course / "gradebook.db").unlink()
    return course


def _copy(template: Path, tmp_path: Path, name: str) -> Path:
    course = tmp_path / name
    shutil.copytree(template, course)
    return course


@pytest.fixture(scope="module")
def sqlite_graded(template, tmp_path_factory):
    course = _copy(template, tmp_path_factory.mktemp("sqlite"), "course")
    start = time.perf_counter()
    results, path = grade(course, SLUG, jobs=2, progress=False)
    TIMINGS["local, SQLite, 2 worker processes"] = time.perf_counter() - start
    return course, results, path


def test_db_url_precedence(tmp_path):
    """--db wins; else nbgrader_config.py's db_url (never overridden); else SQLite in the course."""
    course = scratch_course(tmp_path, "en")
    assert resolve_db_url(course) == f"sqlite:///{course / 'gradebook.db'}?timeout=120"
    with (course / "nbgrader_config.py").open("a") as f:
        f.write('\nc.CourseDirectory.db_url = "postgresql://grader@db.example/convlab_en"\n')
    assert resolve_db_url(course) == "postgresql://grader@db.example/convlab_en"
    assert resolve_db_url(course, "postgresql://other/x") == "postgresql://other/x"


@pytest.mark.grading
def test_sqlite_grading_of_the_class(sqlite_graded, template):
    course, results, path = sqlite_graded
    total = sum(exercise_points(read_nb(course / "source" / SLUG / f"{SLUG}.ipynb")).values())
    rows = _rows(path)
    assert {s: r["status"] for s, r in rows.items()} == {
        "broken": "failed",
        "looping": "graded",
        "mistake": "graded",
        "solved": "graded",
        "untouched": "graded",
    }
    assert float(rows["solved"]["score"]) == total and float(rows["untouched"]["score"]) == 0
    assert float(rows["mistake"]["score"]) == total - 3  # brighten: public 1 + hidden 2
    by = {r.student: r for r in results}
    assert by["solved"].failures == [] and by["solved"].score == total
    assert by["mistake"].failures == ["brighten_hidden", "brighten_public"]
    assert len(by["untouched"].failures) == 8 and by["untouched"].timeouts == 0


@pytest.mark.grading
def test_postgresql_gradebook_from_the_course_config(postgres, template, sqlite_graded, tmp_path):
    course = _copy(template, tmp_path, "course")
    url = postgres.new_database()
    with (course / "nbgrader_config.py").open("a") as f:
        f.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
    out = io.StringIO()
    start = time.perf_counter()
    with redirect_stdout(out):
        code = main(["grade", SLUG, "--course-dir", str(course), "--jobs", "2"])
    TIMINGS["local, PostgreSQL, 2 worker processes"] = time.perf_counter() - start
    assert code == 1, out.getvalue()  # "broken" failed
    assert not (course / "gradebook.db").exists(), "the configured db_url was overridden"
    assert _grades(course / f"grades-{SLUG}.csv") == _grades(sqlite_graded[2])

    # The grades are in PostgreSQL, as nbgrader's own export reads them.
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        recorded = {s.student.id: s.score for s in gb.assignment_submissions(SLUG)}
    rows = _rows(course / f"grades-{SLUG}.csv")
    assert recorded.keys() >= {"mistake", "solved", "untouched"}
    for student in ("mistake", "solved", "untouched"):
        assert recorded[student] == float(rows[student]["raw_score"])

    # One line per finished submission: student, score, time, failing tests.
    text = out.getvalue()
    assert re.search(
        r"mistake\s+graded\s+\d+/\d+\s+[\d.]+ s\s+failed: brighten_hidden, brighten_public", text
    ), text
    assert re.search(r"solved\s+graded\s+\d+/\d+\s+[\d.]+ s\s+all passed", text), text
    assert "WARNING looping: 1 cell stopped at the time limit" in text, text
    assert "WARNING mistake" not in text
    assert (course / f"report-{SLUG}.csv").exists() and (course / f"report-{SLUG}.png").exists()


@pytest.mark.grading
def test_dask_local_cluster_with_postgresql(postgres, template, sqlite_graded, tmp_path):
    from distributed import Client, LocalCluster

    course = _copy(template, tmp_path, "course")
    url = postgres.new_database()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        start = time.perf_counter()
        results, path = grade(
            course, SLUG, db_url=url, scheduler=cluster.scheduler_address, progress=False
        )
        TIMINGS["Dask LocalCluster, PostgreSQL, 2 worker processes"] = time.perf_counter() - start
        assert _grades(path) == _grades(sqlite_graded[2])
        assert not (course / "gradebook.db").exists()
        by = {r.student: r for r in results}
        assert by["mistake"].failures == ["brighten_hidden", "brighten_public"]
        assert all(r.host for r in results if r.status == "graded")
        # Graded by the cluster's tasks: a second run, through the caller's own
        # client (as with Dask Gateway), finds all but the failed one up to date.
        with Client(cluster) as client:
            again, _path = grade(course, SLUG, db_url=url, progress=False, scheduler=client)
    assert {r.student: r.status for r in again} == {
        "broken": "failed",
        "looping": "skipped",
        "mistake": "skipped",
        "solved": "skipped",
        "untouched": "skipped",
    }
    print("\n[timing] lesson 01, 5 submissions:")
    for name, seconds in TIMINGS.items():
        print(f"[timing]   {name}: {seconds:.1f} s")


@pytest.mark.grading
def test_class_report(sqlite_graded, monkeypatch, capsys, tmp_path):
    course, _results, path = sqlite_graded
    assert main(["report", SLUG, "--course-dir", str(course)]) == 0
    rows = list(csv.reader((course / f"report-{SLUG}.csv").open(encoding="utf-8")))
    assert rows[0] == ["section", "exercise", "detail", "students", "who"]
    passed = {(r[0], r[1]): int(r[3]) for r in rows if r[0].startswith("passed")}
    for exercise in ("image_info", "bgr_to_rgb", "to_grayscale"):
        assert passed[("passed the public tests", exercise)] == 3  # solved, mistake, looping
        assert passed[("passed the hidden tests", exercise)] == 3
    assert passed[("passed the public tests", "brighten")] == 1  # solved only
    assert passed[("passed the hidden tests", "brighten")] == 1
    diagnoses = {(r[1], r[2]): r[4] for r in rows if r[0] == "frequent diagnosis"}
    # The checks' diagnosis of the mistake, numbers normalized (not those in names).
    wrapped = [d for (e, d), who in diagnoses.items() if e == "brighten" and who == "mistake"]
    # matched back to the library's message: the message itself, numbers and all
    assert wrapped == [
        "Values wrapped around: uint8 arithmetic works modulo 256, so 250 + 10 gives 4. The "
        "exercise asks for saturation, as cv2.add does: results above 255 stay at 255, and "
        "results below 0 stay at 0."
    ]
    for exercise in ("image_info", "bgr_to_rgb", "to_grayscale", "brighten"):
        raised = [d for (e, d), who in diagnoses.items() if e == exercise and who == "untouched"]
        assert any("NotImplementedError" in d for d in raised), (exercise, diagnoses)
    timed_out = [d for (e, d), who in diagnoses.items() if who == "looping"]
    # the cell limit, or (on a machine busy enough) the submission's time budget
    stops = ("TimeoutError: Stopped after # s: code cell #", "TimeoutError: Stopped: code cell #")
    assert any(d.startswith(stops) for d in timed_out), timed_out
    assert "KeyboardInterrupt" not in timed_out  # the interrupt that stopped it is not a diagnosis
    assert ["grading failed", "", rows_note(path, "broken"), "1", "broken"] in rows
    png = (course / f"report-{SLUG}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"

    # In the course's language (CONVLAB_LANG overrides the course's own here).
    monkeypatch.setenv("CONVLAB_LANG", "es")
    assert main(["report", SLUG, "--course-dir", str(course)]) == 0
    header = next(csv.reader((course / f"report-{SLUG}.csv").open(encoding="utf-8")))
    assert header[:4] == ["sección", "ejercicio", "detalle", "estudiantes"]
    assert header[4] not in ("", "who")  # the translators' word (now "identificadores")
    spanish = {
        (r[1], r[2])
        for r in csv.reader((course / f"report-{SLUG}.csv").open())
        if r[4] == "mistake"
    }
    assert ("brighten", translate(wrapped[0], "es")) in spanish  # the same diagnosis, in Spanish
    assert "brighten:" in capsys.readouterr().out

    # Without CONVLAB_LANG, the course's own language: its source notebooks say it.
    monkeypatch.delenv("CONVLAB_LANG")
    course = _copy(course, tmp_path, "ja")
    source = course / "source" / SLUG / f"{SLUG}.ipynb"
    nb = read_nb(source)
    nb.metadata["convlab"]["language"] = "ja"
    nbformat.write(nb, source)
    assert main(["report", SLUG, "--course-dir", str(course)]) == 0
    header = next(csv.reader((course / f"report-{SLUG}.csv").open(encoding="utf-8")))
    assert header[:2] == [translate("section", "ja"), translate("exercise", "ja")]
    similar = list(csv.reader((course / f"similarity-{SLUG}.csv").open(encoding="utf-8")))
    assert similar[0] == ["student_a", "student_b", "similarity", "shared", "cells"]


def rows_note(path: Path, student: str) -> str:
    return _rows(path)[student]["note"]


@pytest.mark.grading
def test_report_errors_are_one_line(template, capsys):
    assert main(["report", "99-nope", "--course-dir", str(template)]) == 2
    err = capsys.readouterr().err
    assert "no lesson '99-nope'" in err and "Traceback" not in err
    # Not graded yet: said in one line, and no empty gradebook is created.
    assert main(["report", SLUG, "--course-dir", str(template)]) == 2
    assert "has not been graded yet" in capsys.readouterr().err
    assert not (template / "gradebook.db").exists()
