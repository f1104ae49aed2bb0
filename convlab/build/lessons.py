"""Reading lesson sources (jupytext MyST markdown) under ``course/lessons``."""

from __future__ import annotations

import dataclasses
import re
from functools import cached_property
from pathlib import Path

import jupytext
import nbformat

__all__ = ["Lesson", "ROLES", "discover", "repo_root", "LessonError"]

#: Roles a code cell can declare with ``convlab: {role: ...}`` metadata.
ROLES = ("solution", "tests", "readonly")
_SLUG = re.compile(r"^\d{2}-[a-z0-9-]+$")
_GRADE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class LessonError(ValueError):
    """A lesson source breaks the format described in docs/ARCHITECTURE.md."""


def repo_root() -> Path:
    """The repository root (the folder holding ``course/`` and ``convlab/``)."""
    return Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class Lesson:
    """One lesson source file, e.g. ``course/lessons/02-convolution-from-scratch.md``."""

    path: Path

    @property
    def slug(self) -> str:
        return self.path.stem

    @cached_property
    def notebook(self) -> nbformat.NotebookNode:
        nb = jupytext.read(self.path, fmt="md:myst")
        _validate(self.slug, nb)
        return nb

    @property
    def title(self) -> str:
        return str(self.notebook.metadata.get("convlab", {}).get("title", self.slug))

    @property
    def needs_tensorflow(self) -> bool:
        return bool(self.notebook.metadata.get("convlab", {}).get("tensorflow", False))

    def messages(self) -> list[tuple[int, str]]:
        """The translatable messages: ``(cell_index, markdown_source)`` per markdown cell."""
        return [
            (i, message_of(cell))
            for i, cell in enumerate(self.notebook.cells)
            if cell.cell_type == "markdown" and message_of(cell)
        ]


def message_of(cell) -> str:
    """The msgid of a markdown cell: its source without surrounding blank lines."""
    return cell.source.strip("\n").rstrip()


def discover(root: Path | None = None) -> list[Lesson]:
    """All lessons, in order of their number."""
    root = root or repo_root()
    lessons = [Lesson(p) for p in sorted((root / "course" / "lessons").glob("[0-9][0-9]-*.md"))]
    for lesson in lessons:
        if not _SLUG.match(lesson.slug):
            raise LessonError(
                f"lesson file name must look like '02-convolution.md'; got {lesson.path.name!r}"
            )
    return lessons


def _validate(slug: str, nb) -> None:
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("convlab")
        if meta is None:
            continue
        where = f"{slug}, cell {i}"
        if cell.cell_type != "code":
            raise LessonError(f"{where}: only code cells take a `convlab` role")
        role, grade_id = meta.get("role"), meta.get("id")
        if role not in ROLES:
            raise LessonError(f"{where}: `role` must be one of {', '.join(ROLES)}; got {role!r}")
        if not isinstance(grade_id, str) or not _GRADE_ID.match(grade_id):
            raise LessonError(
                f"{where}: `id` must be a snake_case name such as 'conv2d_valid_shape'; got {grade_id!r}"
            )
        if grade_id in seen:
            raise LessonError(f"{where}: duplicate id {grade_id!r}")
        seen.add(grade_id)
        points = meta.get("points")
        if role == "tests":
            if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
                raise LessonError(
                    f"{where}: a `tests` cell needs a positive integer `points`; got {points!r}"
                )
        elif points is not None:
            raise LessonError(f"{where}: only `tests` cells take `points`")
        if role == "solution" and "### BEGIN SOLUTION" not in cell.source:
            raise LessonError(
                f"{where}: a solution cell must mark its answer with ### BEGIN SOLUTION / ### END SOLUTION"
            )
