"""Every release notebook runs, as a student receives it, up to its first exercise.

Proved without executing the release: nbval executes every source notebook in
every language (``make test``), and a release notebook up to its first
exercise is the source's cells (same kind, same code, same order), under the
same notebook metadata (which the setup cell reads: language, translations),
next to the same files.  What ran in nbval's kernel is what a student's kernel
runs up to the first exercise.
"""

from __future__ import annotations

import shutil

import nbformat

from tests.notebook_runs import count_execution

from .conftest import ROOT, built_notebook


def _first_exercise(nb: nbformat.NotebookNode) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))


def _files(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".ipynb"
    }


def test_release_notebook_is_the_source_up_to_the_first_exercise(language, slug):
    source = built_notebook(language, "source", slug)
    release = built_notebook(language, "release", slug)
    first = _first_exercise(release)
    assert first > 1, "a lesson should teach something before its first exercise"
    assert _first_exercise(source) == first
    assert [(c.cell_type, c.source) for c in release.cells[:first]] == [
        (c.cell_type, c.source) for c in source.cells[:first]
    ]
    assert release.metadata == source.metadata
    folder = ROOT / "course" / language
    assert _files(folder / "release" / slug) == _files(folder / "source" / slug)


def test_nbgrader_validate_shows_check_messages_and_no_hidden_cell_output(tmp_path):
    """A student's Validate on an untouched release: the public checks fail with their
    messages (no traceback), and hidden-test cells give no output to misread as a score."""
    import subprocess
    import sys

    from convlab.grading import nbgrader_env

    slug = "02-convolution-from-scratch"
    work = tmp_path / slug
    shutil.copytree(ROOT / "course" / "en" / "release" / slug, work)
    count_execution("other")
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
