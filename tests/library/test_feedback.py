"""What a student sees when a cell fails, in a real Jupyter kernel (convlab.feedback)."""

from __future__ import annotations

import re

import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from convlab.feedback import student_traceback

ANSI = re.compile(r"\x1b\[[0-9;]*m")

CELLS = [
    "import convlab\nconvlab.set_language('es')",
    # 1: an unsolved exercise, as nbgrader releases it
    "def correlate_loops(image, kernel):\n    # ESCRIBE TU CÓDIGO AQUÍ\n    raise NotImplementedError()",
    # 2: its public check
    "convlab.checks.correlate_valid(correlate_loops)",
    # 3: the student calls the unsolved function directly
    "correlate_loops(1, 2)",
    # 4: the student's own code passes a bad argument to a convlab function
    "def my_blur(image):\n    return convlab.pad(image, -1)\n\nmy_blur([[1.0]])",
    # 5: an error wholly in the student's code
    "def broken():\n    return [][1]\n\nbroken()",
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    work = tmp_path_factory.mktemp("feedback")
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(work)}},
    )
    client.execute()
    errors = []
    for cell in nb.cells:
        found = [o for o in cell.outputs if o.output_type == "error"]
        errors.append(found[0] if found else None)
    return errors


def _text(error) -> str:
    return ANSI.sub("", "\n".join(error.traceback))


def test_setup_and_definition_run_without_errors(outputs):
    assert outputs[0] is None and outputs[1] is None


def test_a_failed_check_shows_only_its_localized_message(outputs):
    error = outputs[2]
    assert error is not None and error.ename == "CheckFailed"
    text = _text(error)
    assert text.startswith("✗ correlate_valid: correlate_loops")
    assert "Diagnóstico:" in text and "raise NotImplementedError()" in text
    assert "Traceback" not in text and "convlab/checks" not in text and "File " not in text
    assert len(error.traceback) < 15


def test_the_unsolved_stub_called_directly_gets_a_localized_hint(outputs):
    text = _text(outputs[3])
    assert "NotImplementedError" in text
    assert "Este ejercicio aún no tiene respuesta" in text
    assert "correlate_loops" in text  # the student's own frame is kept


def test_errors_from_a_convlab_function_keep_the_students_frames_only(outputs):
    error = outputs[4]
    assert error.ename == "ValueError"
    text = _text(error)
    assert "my_blur" in text and "convlab.pad(image, -1)" in text
    assert "_validation.py" not in text and "padding.py" not in text


def test_errors_in_the_students_code_keep_the_usual_traceback(outputs):
    text = _text(outputs[5])
    assert "IndexError" in text and "broken()" in text and "return [][1]" in text


def test_student_traceback_drops_only_convlab_frames():
    import convlab

    def mine():
        convlab.pad([[1.0]], -1)

    try:
        mine()
    except ValueError as error:
        tb = error.__traceback__
    names = []
    kept = student_traceback(tb)
    while kept is not None:
        names.append(kept.tb_frame.f_code.co_name)
        kept = kept.tb_next
    assert names[-1] == "mine" and names[0] == "test_student_traceback_drops_only_convlab_frames"
