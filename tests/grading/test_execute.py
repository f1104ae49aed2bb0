"""GradingExecute on small notebooks: timeouts, dead kernels, the student's language.

Direct, without nbgrader (the end-to-end tests grade real lessons through
`convlab grade`).  Each notebook mimics a lesson: exercises are solution cells
followed by their test cells.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from convlab.grading.execute import GradingExecute
from convlab.grading.sandbox import sandbox_problem
from convlab.i18n import set_language

pytestmark = pytest.mark.skipif(
    sandbox_problem() is not None, reason=f"no sandbox here: {sandbox_problem()}"
)


def _solution(source, grade_id):
    cell = new_code_cell(source)
    cell.metadata.nbgrader = {"solution": True, "grade": False, "grade_id": grade_id}
    return cell


def _test(source, grade_id):
    cell = new_code_cell(source)
    cell.metadata.nbgrader = {"solution": False, "grade": True, "grade_id": grade_id, "points": 1}
    return cell


def _notebook(language, first_body):
    nb = new_notebook(
        cells=[
            new_code_cell("import math"),
            _solution(f"def first(x):\n{first_body}", "first"),
            _test("assert first(1) == 1", "first_public"),
            _test("assert first(2) == 2", "first_hidden"),
            _solution("def second(x):\n    return math.sqrt(x)", "second"),
            _test("assert second(4) == 2", "second_public"),
        ]
    )
    nb.metadata["convlab"] = {"language": language}
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _run(nb, tmp_path, timeout=20, **traits):
    executor = GradingExecute(timeout=timeout, **traits)
    try:
        executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    finally:
        set_language("en")
    return [
        [(o.get("ename"), o.get("evalue", "")) for o in c.outputs if o.output_type == "error"]
        for c in nb.cells
    ]


def test_timeout_stops_only_its_exercise_with_a_message_in_the_students_language(tmp_path):
    errors = _run(_notebook("es", "    while True:\n        pass"), tmp_path, timeout=5)
    assert errors[2] and errors[2][-1][0] == "TimeoutError"
    assert (
        "¿un bucle infinito?" in errors[2][-1][1]
        and "celda de código 3 (ejercicio 1)" in errors[2][-1][1]
    )
    assert errors[3] == [("NotRun", errors[3][0][1])] and "No se ejecutó" in errors[3][0][1]
    assert errors[5] == []  # the next exercise is graded as usual


def test_a_dead_kernel_costs_only_its_exercise(tmp_path):
    errors = _run(_notebook("ja", "    import os\n    os._exit(3)"), tmp_path)
    assert errors[2][-1][0] == "KernelDied" and "コードセル3（演習1）" in errors[2][-1][1]
    assert errors[3][0][0] == "NotRun"
    # A new kernel re-ran the imports and definitions: the second exercise passes.
    assert errors[5] == []


def test_a_correct_notebook_has_no_errors(tmp_path):
    errors = _run(_notebook("en", "    return x"), tmp_path)
    assert errors == [[]] * 6
    nbformat.validate(_notebook("en", "    return x"))


@pytest.mark.parametrize(
    ("figures", "sandbox"), [(True, "bwrap"), (False, "bwrap"), (False, "none")]
)
def test_figures_can_be_left_undrawn_with_the_same_results(tmp_path, figures, sandbox):
    nb = _notebook("es", "    return x")
    nb.cells.insert(
        1,
        new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "fig, ax = plt.subplots()\n"
            "ax.plot([1, 2, 3])\n"
            "plt.show()"
        ),
    )
    errors = _run(nb, tmp_path, figures=figures, sandbox=sandbox)
    assert errors == [[]] * 7
    outputs = nb.cells[1].outputs
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    # Drawn: the figure is in the graded notebook. Not drawn: nothing at all, not
    # even Matplotlib's English warning that plt.show() cannot show a figure.
    assert (len(images) == 1) if figures else (outputs == []), outputs


def test_a_function_that_loops_is_not_called_again_and_other_exercises_are_graded(tmp_path):
    """Each later cell that calls the looping function fails at once, naming it."""
    nb = _notebook("es", "    while True:\n        pass")
    calls = [new_code_cell(f"print(first({i}))") for i in range(4)]
    nb.cells[4:4] = calls  # ordinary cells between the exercises that call the looping function
    errors = _run(nb, tmp_path, timeout=5)
    enames = [e for cell in errors for e, _message in cell]
    # One cell runs into the limit; without this rule each call would run to it too.
    assert enames.count("TimeoutError") == 1, enames
    for cell in calls:
        (ename, message), *_ = [(o.ename, o.evalue) for o in cell.outputs]
        assert ename == "NotRun" and "first" in message and "bucle infinito" in message
    assert errors[-1] == []  # the next exercise, which does not use `first`, passes


def test_the_budget_stops_what_the_function_rule_cannot_see(tmp_path):
    """Loops in cells that are no exercise: the budget, max(3 x 10 s, 10 s + 2 x 5 s) = 30 s, ends them.

    Without it the eight loops would take 8 x 5 s; with it, whatever the kernel's
    start costs on a busy machine, the cell running when the budget ends says so
    and every later cell fails at once.
    """
    nb = _notebook("es", "    return x")
    loops = [new_code_cell("while True:\n    pass") for _ in range(8)]
    nb.cells[1:1] = loops
    executor = GradingExecute(timeout=5, reference_seconds=10.0, budget_factor=3.0)
    assert executor.budget() == 30.0
    try:
        executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    finally:
        set_language("en")
    code = [c for c in nb.cells if c.cell_type == "code"]
    first = [c.outputs[0] if c.outputs else None for c in code]
    over = [
        i
        for i, o in enumerate(first)
        if o is not None and "30 s" in o.get("evalue", "") and o.ename in ("TimeoutError", "NotRun")
    ]
    assert over, [o and o.ename for o in first]
    ended = over[0]
    assert "bucle infinito" in first[ended].evalue or "No se ejecutó" in first[ended].evalue
    assert ended < 1 + len(loops)  # the budget ended before the last loop
    assert all(o is not None and o.ename == "NotRun" for o in first[ended + 1 :])


def test_without_a_reference_the_budget_is_the_submission_timeout():
    assert GradingExecute(submission_timeout=600).budget() == 600
    assert (
        GradingExecute(reference_seconds=100, timeout=60, submission_timeout=1000).budget() == 300
    )
    assert GradingExecute(reference_seconds=10, timeout=60).budget() == 130
    assert GradingExecute(reference_seconds=10, budget_factor=0).budget() == 20 * 60


@pytest.mark.parametrize(
    ("language", "words"),
    [("es", "no se permite escribir fuera"), ("ja", "提出物のフォルダの外には書き込めません")],
)
def test_a_write_outside_the_submission_is_refused_in_the_students_language(
    tmp_path, language, words
):
    nb = _notebook(language, "    return x")
    nb.cells.insert(1, new_code_cell("open('/tmp/outside.txt', 'w')"))
    # As the course's nbgrader_config.py starts every grading kernel (kernel.limit_kernel).
    limits = "import convlab.grading as _convlab_grading; _convlab_grading.limit_kernel()"
    _run(nb, tmp_path, extra_arguments=[f"--IPKernelApp.exec_lines={limits}"])
    errors = [(o.ename, o.evalue) for o in nb.cells[1].outputs if o.output_type == "error"]
    assert errors and errors[0][0] == "PermissionError" and words in errors[0][1], errors
