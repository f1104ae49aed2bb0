"""Every release notebook runs, as a student receives it, up to its first exercise."""

from __future__ import annotations

import shutil

import nbformat
from nbclient import NotebookClient

from .conftest import ROOT


def test_release_notebook_runs_up_to_the_first_exercise(language, slug, tmp_path):
    folder = ROOT / "course" / language / "release" / slug
    work = tmp_path / slug
    shutil.copytree(folder, work)
    nb = nbformat.read(work / f"{slug}.ipynb", as_version=4)
    first = next(
        i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution")
    )
    assert first > 1, "a lesson should teach something before its first exercise"
    nb.cells = nb.cells[:first]
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []


def test_nbgrader_validate_shows_check_messages_and_no_hidden_cell_output(tmp_path):
    """A student's Validate on an untouched release: the public checks fail with their
    messages (no traceback), and hidden-test cells give no output to misread as a score."""
    import subprocess
    import sys

    from convlab.grading import nbgrader_env

    slug = "02-convolution-from-scratch"
    work = tmp_path / slug
    shutil.copytree(ROOT / "course" / "en" / "release" / slug, work)
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "validate", f"{slug}.ipynb"],
        cwd=work,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    text = proc.stdout + proc.stderr
    nb = nbformat.read(work / f"{slug}.ipynb", as_version=4)
    public = [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") and "convlab.checks." in c.source
    ]
    assert f"VALIDATION FAILED ON {len(public)} CELL(S)" in text, text[-3000:]
    assert "cannot be converted to a float" not in text
    assert "Traceback" not in text and "convlab/checks" not in text
    assert "✗ valid_output_size: valid_output_size failed" in text
    assert "Diagnosis: Your function raised NotImplementedError: the exercise is not" in text
