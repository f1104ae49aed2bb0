"""A deleted or edited test cell is named for the instructor, in the course's language."""

from __future__ import annotations

import nbformat
import pytest

from convlab.grading.tampering import finding, restored_test_cells
from convlab.i18n import set_language

from ..course.conftest import ROOT

SLUG = "02-convolution-from-scratch"


@pytest.mark.parametrize("language", ["en", "es", "ja"])
def test_deleted_and_edited_test_cells_are_named_and_a_clean_copy_is_not(tmp_path, language):
    release = ROOT / "course" / language / "release" / SLUG / f"{SLUG}.ipynb"
    nb = nbformat.read(release, as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    clean = tmp_path / "clean.ipynb"
    for cell in nb.cells:  # an editor's trailing spaces are no edit
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source += "\n\n"
    nbformat.write(nb, clean)
    set_language(language)
    try:
        assert restored_test_cells(clean, release) == []
        nb.cells.pop(ids.index("correlate_loops_public"))
        edited = next(
            c
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id") == "valid_output_size_public"
        )
        edited.source = "pass  # it failed, so I made it pass"
        tampered = tmp_path / "tampered.ipynb"
        nbformat.write(nb, tampered)
        changes = restored_test_cells(tampered, release)
        findings = [finding(*change) for change in changes]
    finally:
        set_language("en")
    assert changes == [
        ("valid_output_size_public", "edited"),
        ("correlate_loops_public", "deleted"),
    ]
    assert len(findings) == 2
    assert "valid_output_size_public" in findings[0] and "correlate_loops_public" in findings[1]
    if language == "es":
        assert "se modificó" in findings[0] and "se borró" in findings[1]
    elif language == "ja":
        assert "編集" in findings[0] and "削除" in findings[1]
    else:
        assert "was edited" in findings[0] and "was deleted" in findings[1]
