"""Grades into a learning management system: Canvas and Moodle import files.

``convlab grade`` ends with ``grades-<lesson>.csv`` (nbgrader's export columns
and ours). No LMS imports that file as it is: each wants its own identifiers
and layout. This module reads the grades CSVs of one or more lessons and a
*roster* that maps nbgrader's ``student_id`` to the LMS's identifiers, and
writes:

- ``canvas``: Canvas's gradebook import CSV: ``Student, ID, SIS User ID,
  SIS Login ID, Section``, one column per assignment, and the ``Points
  Possible`` row Canvas writes in its own exports;
- ``moodle``: Moodle's grade import CSV: an identifier column (``ID number``
  or ``Email address``, matched on import to the user field of that name),
  the full name, one column per grade item;
- ``csv``: the roster's ``student_id`` and name, one column per lesson.

Everything is offline: the files are imported by hand in the LMS (the steps
are in docs/GRADING.md). A submission that could not be graded is left blank,
never 0; students graded but missing from the roster, roster students without
a grade and failed gradings are all listed in the returned
:class:`ExportResult` (and printed by ``convlab export``), never dropped
silently.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

__all__ = [
    "FORMATS",
    "ROSTER_COLUMNS",
    "ExportResult",
    "read_roster",
    "read_grades",
    "export",
    "export_cli",
]

#: What ``convlab export --to`` writes.
FORMATS = ("canvas", "moodle", "csv")
#: The roster's columns; only ``student_id`` is required, each format uses those it needs.
ROSTER_COLUMNS = (
    "student_id",
    "name",
    "id",
    "sis_user_id",
    "sis_login_id",
    "section",
    "email",
    "idnumber",
)
#: Canvas's first columns (its gradebook export and import use these headers).
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
#: The roster column behind each of Canvas's first columns.
_CANVAS_FROM_ROSTER = dict(
    zip(CANVAS_COLUMNS, ("name", "id", "sis_user_id", "sis_login_id", "section"), strict=True)
)
#: Canvas identifies a student by one of these (its import matches on them).
_CANVAS_KEYS = ("id", "sis_user_id", "sis_login_id")
#: Moodle's identifier columns, by preference: roster column -> header.
_MOODLE_KEYS = {"idnumber": "ID number", "email": "Email address"}


@dataclasses.dataclass
class ExportResult:
    """What :func:`export` wrote, and who could not be written as graded."""

    path: Path
    format: str
    lessons: list[str]
    #: Rows written (one per roster student).
    students: int
    #: Graded in the course but absent from the roster: not in the file (no LMS identifier).
    not_in_roster: list[str]
    #: In the roster, with no grade for a lesson: (student_id, lesson), left blank.
    not_graded: list[tuple[str, str]]
    #: Grading failed (``status`` ``failed`` in the grades CSV): (student_id, lesson), left blank.
    failed: list[tuple[str, str]]


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """The roster CSV as ``{student_id: {column: value}}`` (columns :data:`ROSTER_COLUMNS`).

    Raises ``ValueError`` for a roster without a ``student_id`` column, with
    an unknown column, or with a student listed twice.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        columns = [c.strip() for c in reader.fieldnames or []]
        if "student_id" not in columns:
            raise ValueError(
                f"roster {path}: the first line must name the columns, with `student_id` "
                f"(nbgrader's student id) among them; got {columns}"
            )
        unknown = [c for c in columns if c not in ROSTER_COLUMNS]
        if unknown:
            raise ValueError(
                f"roster {path}: unknown column(s) {unknown}; the columns are "
                + ", ".join(ROSTER_COLUMNS)
            )
        roster: dict[str, dict[str, str]] = {}
        for line, raw in enumerate(reader, start=2):
            row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
            student = row["student_id"]
            if not student:
                raise ValueError(f"roster {path}, line {line}: `student_id` is empty")
            if student in roster:
                raise ValueError(f"roster {path}, line {line}: student {student!r} is listed twice")
            roster[student] = {c: row.get(c, "") for c in ROSTER_COLUMNS}
    return roster


def read_grades(course: Path, lesson: str) -> tuple[dict[str, dict[str, str]], str]:
    """``grades-<lesson>.csv`` of a course directory: ``({student_id: row}, max_score)``."""
    path = Path(course) / f"grades-{lesson}.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"no grades for lesson {lesson!r}: {path} does not exist "
            f"(run `convlab grade {lesson}` in the course directory first)"
        )
    with path.open(newline="", encoding="utf-8") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    max_scores = {row["max_score"] for row in rows.values() if row.get("max_score")}
    return rows, _number(max_scores.pop()) if max_scores else ""


def _number(value: str | float) -> str:
    """A score as an LMS reads it: a plain decimal number with a point, no exponent."""
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def _require(roster: dict[str, dict[str, str]], fmt: str, keys) -> str:
    """The first identifier column of `keys` that every roster row fills."""
    for key in keys:
        if roster and all(row[key] for row in roster.values()):
            return key
    raise ValueError(
        f"a {fmt} export needs one roster column that identifies every student in the LMS: "
        + " or ".join(f"`{k}`" for k in keys)
        + " (filled on every line)"
    )


def export(
    course: Path,
    lessons: list[str],
    fmt: str,
    roster_path: Path,
    output: Path,
) -> ExportResult:
    """Write the grades of `lessons` in `course` as an import file for `fmt` (:data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"`fmt` must be one of {', '.join(map(repr, FORMATS))}; got {fmt!r}")
    if not lessons:
        raise ValueError("`lessons` must name at least one lesson")
    roster = read_roster(roster_path)
    grades = {lesson: read_grades(course, lesson) for lesson in lessons}

    not_in_roster = sorted({s for rows, _ in grades.values() for s in rows if s not in roster})
    not_graded, failed = [], []
    scores: dict[str, dict[str, str]] = {}
    for student in roster:
        scores[student] = {}
        for lesson, (rows, _) in grades.items():
            row = rows.get(student)
            if row is None:
                not_graded.append((student, lesson))
                value = ""
            elif row.get("status") != "graded" or row.get("score", "") == "":
                failed.append((student, lesson))
                value = ""
            else:
                value = _number(row["score"])
            scores[student][lesson] = value

    if fmt == "canvas":
        _require(roster, "Canvas", _CANVAS_KEYS)
        table = [
            [*CANVAS_COLUMNS, *lessons],
            ["    Points Possible", *[""] * (len(CANVAS_COLUMNS) - 1)]
            + [grades[lesson][1] for lesson in lessons],
        ]
        table += [
            [row[_CANVAS_FROM_ROSTER[c]] for c in CANVAS_COLUMNS]
            + [scores[student][lesson] for lesson in lessons]
            for student, row in roster.items()
        ]
    elif fmt == "moodle":
        key = _require(roster, "Moodle", tuple(_MOODLE_KEYS))
        table = [[_MOODLE_KEYS[key], "Full name", *lessons]]
        table += [
            [row[key], row["name"]] + [scores[student][lesson] for lesson in lessons]
            for student, row in roster.items()
        ]
    else:
        table = [["student_id", "name", *lessons]]
        table += [
            [student, row["name"]] + [scores[student][lesson] for lesson in lessons]
            for student, row in roster.items()
        ]

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(table)

    return ExportResult(
        path=output,
        format=fmt,
        lessons=list(lessons),
        students=len(roster),
        not_in_roster=not_in_roster,
        not_graded=not_graded,
        failed=failed,
    )


def export_cli(args) -> int:
    """``convlab export``: write the file, list who is not in it as graded; 2 on bad input."""
    import sys

    from .coursedir import course_from_args

    course = course_from_args(args)
    try:
        result = export(course, args.lesson, args.fmt, Path(args.roster), Path(args.output))
    except (ValueError, FileNotFoundError) as exc:
        print(f"convlab export: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {result.path}: {result.students} students x {len(result.lessons)} lesson(s), "
        f"{result.format} format"
    )
    if result.not_in_roster:
        print("graded but not in the roster (not in the file): " + ", ".join(result.not_in_roster))
    for label, pairs in (
        ("no grade (left blank)", result.not_graded),
        ("grading failed (left blank; see the grades CSV's note)", result.failed),
    ):
        if pairs:
            print(f"{label}: " + ", ".join(f"{s} ({lesson})" for s, lesson in pairs))
    return 0
