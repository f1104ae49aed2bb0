"""A class of broken and hostile submissions, graded together by `convlab grade`.

Every case asserts the score it earned, the message it got, and — because the
whole corpus is graded in one parallel run — that nobody else's grade suffers.
Lesson 02 (convolution from scratch) is the target: it has from-scratch
exercises, so library calls and tampering matter.
"""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest
from scipy.signal import correlate2d as scipy_correlate2d

from convlab.checks import lesson02
from convlab.grading import grade

from .nbgrader_helpers import (
    exercise_points,
    graded_outputs,
    nbgrader,
    read_nb,
    scratch_course,
    solved,
    submit,
)

SLUG = "02-convolution-from-scratch"
TIMEOUT = (
    30  # seconds per cell here (60 shipped): generous for a loaded machine, short for the loop case
)


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _body(nb, grade_id, body, *, keep_docstring=True):
    """Replace the body of the function defined in a solution cell."""
    cell = _cell(nb, grade_id)
    header = re.match(r'(def \w+\(.*?\):\n(\s+""".*?"""\n)?)', cell.source, re.S).group(1)
    indented = "".join(f"    {line}\n" for line in body.strip("\n").splitlines())
    cell.source = header + indented


def _hardcoded_public_answers() -> str:
    answers = {}
    for case in lesson02.CorrelateValid().public_cases():
        image, kernel = (np.asarray(a) for a in case.args)
        answers[(image.tolist().__repr__(), kernel.tolist().__repr__())] = scipy_correlate2d(
            image, kernel, mode="valid"
        ).tolist()
    return (
        f"answers = {answers!r}\n"
        "key = (np.asarray(image).tolist().__repr__(), np.asarray(kernel).tolist().__repr__())\n"
        "return np.array(answers.get(key, [[0.0]]))"
    )


def corpus(course: Path):
    """(student, notebook, expected exercise scores lost, text expected in the graded outputs)."""
    cases = []

    def case(student, edit, lost, message):
        nb = solved(course, SLUG)
        edit(nb)
        cases.append((student, nb, lost, message))

    case("solved", lambda nb: None, [], None)
    cases.append(
        (
            "untouched",
            read_nb(course / "release" / SLUG / f"{SLUG}.ipynb"),
            "all",
            "NotImplementedError",
        )
    )
    case(
        "infinite_loop",
        lambda nb: _body(nb, "correlate_loops", "while True:\n    pass"),
        ["correlate_loops"],
        "an infinite loop?",
    )
    case(
        "memory_bomb",
        lambda nb: _body(
            nb, "correlate_vectorized", "big = np.ones((200_000, 200_000))\nreturn big"
        ),
        ["correlate_vectorized", "convolve_valid"],  # the lesson's convolve_valid builds on it
        "MemoryError",
    )
    case(
        "raises",
        lambda nb: _body(nb, "convolve_valid", 'raise ValueError("oops")'),
        ["convolve_valid"],
        "ValueError",
    )
    case(
        "sys_exit",
        lambda nb: _body(nb, "valid_output_size", "import sys\nsys.exit(1)"),
        ["valid_output_size"],
        "SystemExit",
    )
    # The kernel dies in the last exercise's test: the earlier points stay.
    case(
        "os_exit",
        lambda nb: _body(nb, "convolve_valid", "import os\nos._exit(3)"),
        ["convolve_valid"],
        "KernelDied",
    )
    # Killed in exercise 2: a new kernel grades the exercises after it, which keep their points.
    case(
        "kernel_killed",
        lambda nb: _body(
            nb, "correlate_loops", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
        ),
        ["correlate_loops"],
        "Not run: the kernel stopped in code cell",
    )

    def delete_public_test(nb):
        nb.cells.remove(_cell(nb, "correlate_loops_public"))

    # nbgrader puts the deleted test back (add_missing_cells) and runs it: a right answer keeps its points.
    case("deleted_test_cell", delete_public_test, [], "was missing from the submission")

    def delete_test_of_wrong_answer(nb):
        nb.cells.remove(_cell(nb, "correlate_loops_public"))
        _body(nb, "correlate_loops", "return np.zeros((1, 1))")

    # ...and a wrong answer cannot escape its test by deleting it.
    case(
        "deleted_test_wrong_answer",
        delete_test_of_wrong_answer,
        ["correlate_loops"],
        "was missing from the submission",
    )

    def edit_locked_test(nb):
        _cell(nb, "correlate_loops_public").source = "pass"
        _body(nb, "correlate_loops", "return np.zeros((1, 1))")

    case("edited_test_cell", edit_locked_test, ["correlate_loops"], None)

    def monkeypatch(nb):
        _body(nb, "correlate_loops", "return np.zeros((1, 1))")
        _cell(
            nb, "correlate_loops"
        ).source += "\n\nconvlab.checks.correlate_valid = lambda *args, **kwargs: None\n"

    case("monkeypatched_check", monkeypatch, ["correlate_loops"], "read-only")
    case(
        "reference_call",
        lambda nb: _body(
            nb, "correlate_loops", 'return convlab.correlate2d(image, kernel, padding="valid")'
        ),
        ["correlate_loops"],
        "compute the correlation yourself",
    )
    case(
        "library_alias",
        lambda nb: _body(
            nb,
            "correlate_vectorized",
            "from scipy.signal import correlate2d as helper\nreturn helper(image, kernel, mode='valid')",
        ),
        ["correlate_vectorized", "convolve_valid"],
        "compute the correlation yourself",
    )
    case(
        "hardcoded",
        lambda nb: _body(nb, "correlate_loops", _hardcoded_public_answers()),
        ["correlate_loops:hidden"],
        None,
    )
    case(
        "nan_output",
        lambda nb: _body(
            nb,
            "correlate_vectorized",
            "return np.full((image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1), np.nan)",
        ),
        ["correlate_vectorized", "convolve_valid"],
        "NaN",
    )

    def wrong_shape(nb):
        cell = _cell(nb, "correlate_loops")
        cell.source = re.sub(r"\n    return out\s*$", "\n    return out[:-1]\n", cell.source)
        assert "out[:-1]" in cell.source

    case("wrong_shape", wrong_shape, ["correlate_loops"], "The last row of the output is missing")

    def wrong_dtype(nb):
        cell = _cell(nb, "correlate_loops")
        cell.source = re.sub(r"\n    return out\s*$", "\n    return out.astype(str)\n", cell.source)
        assert "astype(str)" in cell.source

    case("wrong_dtype", wrong_dtype, ["correlate_loops"], "dtype")

    def print_100mb(nb):
        _cell(nb, "valid_output_size").source += '\n\nprint("x" * 100_000_000)\n'

    case("print_100mb", print_100mb, [], None)

    def write_outside(nb):
        _cell(
            nb, "valid_output_size"
        ).source += '\n\nopen("../../../../escaped.txt", "w").write("gotcha")\n'

    case("write_outside", write_outside, [], "PermissionError")
    return cases


@pytest.mark.grading
def test_hostile_corpus_is_graded_fairly_in_one_parallel_run(tmp_path):
    course = scratch_course(tmp_path, "en")
    config = course / "nbgrader_config.py"
    config.write_text(
        config.read_text().replace("c.Execute.timeout = 60", f"c.Execute.timeout = {TIMEOUT}")
    )
    nbgrader(["generate_assignment", SLUG, "--force", "--create"], course)
    source = read_nb(course / "source" / SLUG / f"{SLUG}.ipynb")
    points = exercise_points(source)
    public = {
        c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"]
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade") and "HIDDEN" not in c.source
    }
    total = sum(points.values())

    cases = corpus(course)
    for student, nb, _, _ in cases:
        submit(course, student, SLUG, nb)

    start = time.perf_counter()
    results, csv_path = grade(course, SLUG, jobs=2, progress=False)
    elapsed = time.perf_counter() - start
    print(f"\n[timing] {len(cases)} submissions graded in {elapsed:.0f} s with 2 workers")
    assert all(r.status == "graded" for r in results), [
        (r.student, r.log) for r in results if r.status != "graded"
    ]
    # Every kernel was forked by its worker's zygote, none started cold: a zygote that a
    # submission killed or left unclean was replaced by a new one.
    assert {r.kernel for r in results} == {"forked"}, {r.student: r.kernel for r in results}

    with csv_path.open() as f:
        scores = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)}
    report, sizes = {}, {}
    for student, _, lost, message in cases:
        if lost == "all":
            expected = 0.0
        else:
            expected = total
            for item in lost:
                name, _, part = item.partition(":")
                expected -= (
                    points[name] - public[f"{name}_public"] if part == "hidden" else points[name]
                )
        graded = read_nb(course / "autograded" / student / SLUG / f"{SLUG}.ipynb")
        outputs = graded_outputs(course, student, SLUG)
        # Notes nbgrader adds to restored cells are in their source, not their outputs.
        sources = "\n".join(c.source for c in graded.cells)
        report[student] = (
            scores[student],
            expected,
            message is None or message in outputs + sources,
        )
        html = course / "feedback" / student / SLUG / f"{SLUG}.html"
        sizes[student] = html.stat().st_size if html.exists() else None
    print(
        "\n".join(
            f"[corpus] {s:20s} score {got:4.1f} (expected {exp:4.1f}) message ok: {ok}"
            for s, (got, exp, ok) in report.items()
        )
    )
    # The feedback page a student gets back is small (about 1 MB with nbgrader's own
    # page): figures the solution draws the same are not repeated (the reference
    # run of `convlab grade` records them), the others are shrunk.
    print(f"[corpus] feedback sizes: {sizes}")
    assert sizes["solved"] is not None and sizes["solved"] <= 150_000, sizes
    assert {s: (got, ok) for s, (got, _, ok) in report.items()} == {
        s: (exp, True) for s, (_, exp, _) in report.items()
    }

    # The infinite loop is bounded: after its timeout, the rest of its exercise is not run
    # (later exercises that call the looping function may time out once each).
    looping = read_nb(course / "autograded" / "infinite_loop" / SLUG / f"{SLUG}.ipynb")
    enames = [o.get("ename") for c in looping.cells for o in c.get("outputs", [])]
    assert "TimeoutError" in enames and "NotRun" in enames, enames
    assert enames.index("TimeoutError") < enames.index("NotRun")

    assert not (tmp_path / "escaped.txt").exists() and not (course.parent / "escaped.txt").exists()
    flags = {r.student: r.flags for r in results}
    assert flags["monkeypatched_check"] and not flags["solved"]

    # Resumable: a second run grades nothing again and loses no grade.
    results2, csv2 = grade(course, SLUG, jobs=2, progress=False)
    assert all(r.status == "skipped" for r in results2)
    with csv2.open() as f:
        assert {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)} == scores


def test_corpus_notebooks_are_valid(tmp_path):
    """Cheap guard: every corpus notebook is valid nbformat (the edits above did not break JSON)."""
    course = scratch_course(tmp_path, "en")
    (course / "release").mkdir()
    import shutil

    shutil.copytree(
        Path(__file__).parents[2] / "course" / "en" / "release" / SLUG, course / "release" / SLUG
    )
    for _, nb, _, _ in corpus(course):
        nbformat.validate(nb)
