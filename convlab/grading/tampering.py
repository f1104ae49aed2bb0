"""Test cells a submission deleted or edited: nbgrader restores them; the instructor is told.

nbgrader's autograde puts every test cell back as the instructor wrote it
(``c.OverwriteCells`` and ``add_missing_cells``), so a deleted or edited test
cell costs the class nothing. But a student who deleted a failing test, or
edited one to pass, did something an instructor wants to know: each such cell
is a finding in ``flags-<lesson>.csv`` and the class report, in the course's
language, and its grade id is listed in the ``restored_cells`` column of
``grades-<lesson>.csv``.

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["finding", "restored_test_cells"]


def _test_cells(nb) -> dict[str, str]:
    """grade id -> source of every test cell (graded, not a solution) of a notebook."""
    cells = {}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            cells[meta.get("grade_id", "")] = (
                "".join(source) if isinstance(source, list) else source
            )
    return cells


def _same(a: str, b: str) -> bool:
    """Equal but for trailing whitespace and blank lines (an editor's changes, not the student's)."""

    def norm(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip().splitlines()]

    return norm(a) == norm(b)


def restored_test_cells(submitted: Path, release: Path) -> list[tuple[str, str]]:
    """The release notebook's test cells the submission deleted or edited.

    Parameters
    ----------
    submitted, release : Path
        The student's notebook and the release notebook it came from.

    Returns
    -------
    list of (str, str)
        ``(grade_id, "deleted" | "edited")`` per such cell, in the release
        notebook's order: the cells nbgrader restored before grading.
    """
    import json

    given = _test_cells(json.loads(Path(release).read_text(encoding="utf-8")))
    found = _test_cells(json.loads(Path(submitted).read_text(encoding="utf-8")))
    changes = []
    for grade_id, source in given.items():
        if grade_id not in found:
            changes.append((grade_id, "deleted"))
        elif not _same(found[grade_id], source):
            changes.append((grade_id, "edited"))
    return changes


def finding(grade_id: str, change: str) -> str:
    """One restored cell as a finding, in the current language (`change`: deleted or edited)."""
    from ..i18n import gettext as _

    if change == "deleted":
        return _("test cell {cell} was deleted (nbgrader graded the original)").format(
            cell=grade_id
        )
    if change == "edited":
        return _("test cell {cell} was edited (nbgrader graded the original)").format(cell=grade_id)
    raise ValueError(f"`change` must be 'deleted' or 'edited'; got {change!r}")
