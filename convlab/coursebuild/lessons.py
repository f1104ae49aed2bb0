"""Reading lesson sources (jupytext MyST markdown) under ``course/lessons``."""

from __future__ import annotations

import ast
import dataclasses
import io
import re
from functools import cached_property
from pathlib import Path

import jupytext
import nbformat

from ..grading.coursedir import repo_root
from .comments import TRANSLATOR_TAG, parse_python

__all__ = [
    "Lesson",
    "CodeMessage",
    "CodeTextMessage",
    "ROLES",
    "discover",
    "repo_root",
    "LessonError",
]

#: The function lesson code wraps its human-readable strings in (see convlab.i18n.tr).
TR_KEYWORDS = {"tr": None}

#: Roles a code cell can declare with ``convlab: {role: ...}`` metadata.
ROLES = ("solution", "tests", "readonly")
_SLUG = re.compile(r"^\d{2}-[a-z0-9-]+$")
_GRADE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class LessonError(ValueError):
    """A lesson source breaks the format described in docs/ARCHITECTURE.md."""


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

    @cached_property
    def cell_lines(self) -> list[int]:
        """The 1-based line of the source file where each cell's content starts."""
        return _cell_lines(self.path.read_text(encoding="utf-8"), self.notebook.cells)

    def code_messages(self) -> list[CodeMessage]:
        """The ``tr("...")`` literals of the code cells, in order (duplicates included).

        Extraction is Babel's Python extractor with keyword ``tr``, so only
        literal strings count; a ``# TRANSLATORS:`` comment right above the call
        becomes a comment for translators.
        """
        from babel.messages.extract import extract

        found = []
        lines = self.cell_lines
        for index, cell in enumerate(self.notebook.cells):
            if cell.cell_type != "code" or "tr(" not in cell.source:
                continue
            source = _without_magics(cell.source)
            code_lines = source.splitlines()
            _check_tr_calls(source, f"{self.slug}, cell {index}")
            for lineno, message, comments, _context in extract(
                "python",
                io.BytesIO(source.encode("utf-8")),
                keywords=TR_KEYWORDS,
                comment_tags=(TRANSLATOR_TAG,),
                strip_comment_tags=True,
            ):
                if not isinstance(message, str) or not message:
                    raise LessonError(
                        f"{self.slug}, cell {index}, line {lineno}: tr() takes one literal, "
                        "non-empty string (placeholders with .format(), never an f-string)"
                    )
                code = code_lines[lineno - 1].strip() if lineno <= len(code_lines) else ""
                found.append(
                    CodeMessage(message, index, lines[index] + lineno - 1, code, tuple(comments))
                )
        return found

    @cached_property
    def code_names(self) -> frozenset[str]:
        """Every identifier of the lesson's code cells (to tell commented-out code from prose)."""
        import tokenize

        names = set()
        for cell in self.notebook.cells:
            if cell.cell_type != "code":
                continue
            try:
                tokens = tokenize.generate_tokens(
                    io.StringIO(_without_magics(cell.source)).readline
                )
                names |= {t.string for t in tokens if t.type == tokenize.NAME}
            except (tokenize.TokenError, SyntaxError):
                continue
        return frozenset(names)

    def code_texts(self) -> list[CodeTextMessage]:
        """The comment blocks and docstrings of the code cells, in order (see convlab.coursebuild.comments)."""
        from .comments import extract

        found = []
        lines = self.cell_lines
        for index, cell in enumerate(self.notebook.cells):
            if cell.cell_type != "code":
                continue
            for text in extract(cell.source, self.code_names):
                found.append(
                    CodeTextMessage(
                        text.msgid, text.kind, index, lines[index] + text.line - 1, text.code
                    )
                )
        return found

    def messages(self) -> list[tuple[int, str]]:
        """The translatable messages: ``(cell_index, markdown_source)`` per markdown cell."""
        return [
            (i, message_of(cell))
            for i, cell in enumerate(self.notebook.cells)
            if cell.cell_type == "markdown" and message_of(cell)
        ]


@dataclasses.dataclass(frozen=True)
class CodeMessage:
    """One ``tr("...")`` string of a lesson's code cell."""

    msgid: str
    cell: int  # index of the cell in the lesson
    line: int  # line in the lesson's source file
    code: str  # the code line holding the call (context for translators)
    comments: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class CodeTextMessage:
    """One comment block or docstring of a lesson's code cell."""

    msgid: str
    kind: str  # "comment" | "inline comment" | "docstring"
    cell: int  # index of the cell in the lesson
    line: int  # line in the lesson's source file
    code: str  # the line of code it documents (context for translators)


def _check_tr_calls(source: str, where: str) -> None:
    """Every tr() call must take one literal string (extraction is static)."""
    try:
        tree = parse_python(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr":
            arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value):
                raise LessonError(
                    f"{where}, line {node.lineno}: tr() takes one literal, non-empty string "
                    "(placeholders with .format(), never an f-string)"
                )


def _without_magics(source: str) -> str:
    """The cell's code with IPython magics and shell escapes commented out (for tokenizing)."""
    return "\n".join(
        "#" + line if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def _cell_lines(text: str, cells) -> list[int]:
    """Line (1-based) where each cell's source starts in a MyST file, found in order."""
    lines = text.splitlines()
    result, pos = [], 0
    for cell in cells:
        body = cell.source.strip("\n").splitlines()
        first = next((x for x in body if x.strip()), None)
        at = pos
        if first is not None:
            for i in range(pos, len(lines)):
                if lines[i] == first:
                    at = i
                    break
        result.append(at + 1)
        pos = at + max(1, len(body))
    return result


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
