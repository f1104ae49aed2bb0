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
