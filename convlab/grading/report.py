"""``convlab report``: where the class stands on a graded lesson.

Read from the gradebook (the grade of every test cell) and the autograded
notebooks (the checks' messages), in the course's language:

- per exercise, how many students passed its public tests and its hidden tests;
- the most frequent diagnoses from the checks' failure messages (numbers
  normalized, so "failed 3 of 12 cases" and "failed 5 of 12 cases" count as one);
- the students whose grading failed (``grades-<lesson>.csv``) or was flagged
  (``flags-<lesson>.csv``);

written as ``report-<lesson>.csv`` and a score histogram ``report-<lesson>.png``
in the course directory (both ignored by git). ``convlab grade`` writes it at
the end of every run.

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from ..i18n import _, detect_language, get_language, ngettext, set_language

__all__ = ["ClassReport", "class_report", "write_report", "report_cli", "normalize"]

#: How many of the most frequent diagnoses the report lists.
TOP_DIAGNOSES = 10

#: A number, not digits inside a name (uint8, cv2).
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")


def normalize(message: str) -> str:
    """A failure message with its numbers replaced by ``#``, whitespace collapsed.

    Examples
    --------
    >>> normalize("failed 3 of 12 cases, max error 0.5, uint8 (line 4)")
    'failed # of # cases, max error #, uint8 (line #)'
    """
    return " ".join(_NUMBER.sub("#", message).split())


@dataclasses.dataclass
class ClassReport:
    lesson: str
    language: str
    students: list[str]
    #: exercise -> (students who passed every public test cell, ... hidden)
    passed: dict[str, tuple[int, int]]
    #: (exercise, normalized diagnosis) -> students, most frequent first
    diagnoses: list[tuple[str, str, list[str]]]
    scores: dict[str, float]
    max_score: float
    failed: dict[str, str]  # student -> note
    flagged: dict[str, list[str]]  # student -> findings


@contextmanager
def _language(language: str):
    before = get_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


def _test_cells(course: Path, lesson: str) -> dict[str, tuple[str, str]]:
    """grade id -> (exercise, 'public' | 'hidden') from the assignment's source notebooks."""
    import nbformat

    cells: dict[str, tuple[str, str]] = {}
    for path in sorted((course / "source" / lesson).glob("*.ipynb")):
        exercise = None
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                exercise = meta["grade_id"]
            elif meta.get("grade") and cell.cell_type == "code":
                kind = "hidden" if "BEGIN HIDDEN TESTS" in cell.source else "public"
                cells[meta["grade_id"]] = (exercise or meta["grade_id"], kind)
    return cells


def _diagnosis(output) -> str:
    """What one failing test cell's error says: the checks' diagnosis, else the error itself."""
    evalue = str(output.get("evalue", ""))
    label = _("Diagnosis:")
    for line in evalue.splitlines():
        if line.strip().startswith(label):
            return normalize(line.strip()[len(label) :])
    first = next((x.strip() for x in evalue.splitlines() if x.strip()), "")
    ename = str(output.get("ename", "Error"))
    return normalize(f"{ename}: {first}" if first else ename)


def _read_csv(path: Path) -> list[dict]:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    except OSError:
        return []


def class_report(course: Path, lesson: str, db_url: str | None = None) -> ClassReport:
    """Gather the report of `lesson` from the gradebook and the autograded notebooks."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    from .coursedir import course_lesson, nbgrader_env, resolve_db_url

    course = course_lesson(course, lesson)
    language = detect_language(course)
    cells = _test_cells(course, lesson)
    exercises = list(dict.fromkeys(exercise for exercise, _kind in cells.values()))
    db_url = resolve_db_url(course, db_url)
    if db_url.startswith("sqlite:///"):  # do not create an empty gradebook to report on
        gradebook = Path(db_url[len("sqlite:///") :].split("?", 1)[0])
        if not (course / gradebook).exists():
            raise ValueError(f"{lesson!r} has not been graded yet (no {course / gradebook})")
    os.environ["PATH"] = nbgrader_env()["PATH"]  # nbgrader's Gradebook runs `alembic`

    scores: dict[str, float] = {}
    # exercise -> kind -> students with every such cell at full points
    passed = {e: {"public": 0, "hidden": 0} for e in exercises}
    with Gradebook(db_url) as gb:
        try:
            assignment = gb.find_assignment(lesson)
        except MissingEntry:
            raise ValueError(f"{lesson!r} has not been graded yet (not in {db_url})") from None
        max_score = assignment.max_score
        for submission in gb.assignment_submissions(lesson):
            student = submission.student.id
            penalty = submission.late_submission_penalty or 0.0
            scores[student] = max(0.0, submission.score - penalty)
            full: dict[tuple[str, str], bool] = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.name not in cells:
                        continue
                    key = cells[grade.name]
                    ok = (grade.score or 0) >= (grade.max_score or 0)
                    full[key] = full.get(key, True) and ok
            for (exercise, kind), ok in full.items():
                passed[exercise][kind] += ok

    grades_csv = {row["student_id"]: row for row in _read_csv(course / f"grades-{lesson}.csv")}
    failed = {s: row.get("note", "") for s, row in grades_csv.items() if row["status"] == "failed"}
    for student in failed:
        scores.pop(student, None)  # an old grade is not this submission's score
    flagged: dict[str, list[str]] = collections.defaultdict(list)
    for row in _read_csv(course / f"flags-{lesson}.csv"):
        flagged[row["student_id"]].append(row["finding"])

    counter: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    with _language(language):
        for student in sorted(scores):
            for path in sorted((course / "autograded" / student / lesson).glob("*.ipynb")):
                try:
                    nb = nbformat.read(path, as_version=4)
                except Exception:  # noqa: BLE001 - a report, not a grader
                    continue
                for cell in nb.cells:
                    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                    if grade_id not in cells or cell.cell_type != "code":
                        continue
                    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                    if any(o.get("ename") == "TimeoutError" for o in errors):
                        # the interrupt that stopped a timed-out cell is not a diagnosis
                        errors = [o for o in errors if o.get("ename") != "KeyboardInterrupt"]
                    for output in errors:
                        counter[(cells[grade_id][0], _diagnosis(output))].add(student)
    diagnoses = sorted(
        ((e, d, sorted(who)) for (e, d), who in counter.items()),
        key=lambda item: (-len(item[2]), exercises.index(item[0]) if item[0] in exercises else 0),
    )[:TOP_DIAGNOSES]
    return ClassReport(
        lesson=lesson,
        language=language,
        students=sorted(set(scores) | set(failed) | set(grades_csv)),
        passed={e: (v["public"], v["hidden"]) for e, v in passed.items()},
        diagnoses=diagnoses,
        scores=scores,
        max_score=max_score,
        failed=failed,
        flagged=dict(flagged),
    )


def write_report(course: Path, lesson: str, db_url: str | None = None) -> tuple[Path, Path]:
    """Write ``report-<lesson>.csv`` and ``report-<lesson>.png`` in the course directory."""
    course = Path(course).resolve()
    report = class_report(course, lesson, db_url)
    with _language(report.language):
        csv_path = _write_csv(course, report)
        png_path = _write_png(course, report)
    return csv_path, png_path


def _write_csv(course: Path, report: ClassReport) -> Path:
    path = course / f"report-{report.lesson}.csv"
    graded = len(report.scores)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([_("section"), _("exercise"), _("detail"), _("students"), _("who")])
        for exercise, (public, hidden) in report.passed.items():
            writer.writerow(
                [_("passed the public tests"), exercise, _("of {n}").format(n=graded), public, ""]
            )
            writer.writerow(
                [_("passed the hidden tests"), exercise, _("of {n}").format(n=graded), hidden, ""]
            )
        for exercise, diagnosis, who in report.diagnoses:
            writer.writerow([_("frequent diagnosis"), exercise, diagnosis, len(who), " ".join(who)])
        for student, note in sorted(report.failed.items()):
            writer.writerow([_("grading failed"), "", note, 1, student])
        for student, findings in sorted(report.flagged.items()):
            for finding in findings:
                writer.writerow([_("flagged for review"), "", finding, 1, student])
    return path


def _write_png(course: Path, report: ClassReport) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib import font_manager

    path = course / f"report-{report.lesson}.png"
    if report.language == "ja":  # a font with Japanese glyphs, when the machine has one
        names = {f.name for f in font_manager.fontManager.ttflist}
        cjk = [
            n for n in ("Noto Sans CJK JP", "IPAexGothic", "IPAGothic", "TakaoGothic") if n in names
        ]
        family = cjk + ["DejaVu Sans"]
    else:
        family = ["DejaVu Sans"]
    with plt.rc_context({"font.family": family}):
        figure, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
        top = max(report.max_score, 1.0)
        bins = np.arange(0, top + 2) - 0.5 if top <= 40 else 20
        ax.hist(list(report.scores.values()), bins=bins, color="#4878a8", edgecolor="white")
        ax.set_xlim(-0.5, top + 0.5)
        ax.set_xlabel(_("score (out of {max_score:g})").format(max_score=report.max_score))
        ax.set_ylabel(_("students"))
        ax.yaxis.get_major_locator().set_params(integer=True)
        graded = len(report.scores)
        ax.set_title(
            ngettext(
                "{lesson}: scores of {n} graded student",
                "{lesson}: scores of {n} graded students",
                graded,
            ).format(lesson=report.lesson, n=graded)
        )
        figure.savefig(path, dpi=100)
        plt.close(figure)
    return path


def report_cli(args) -> int:
    from .coursedir import course_from_args

    course = course_from_args(args)
    try:
        csv_path, png_path = write_report(course, args.lesson, args.db)
    except ValueError as exc:
        print(f"convlab report: {exc}", file=sys.stderr)
        return 2
    with csv_path.open(encoding="utf-8") as f:
        sys.stdout.write(f.read())
    print(f"report: {csv_path}  {png_path}")
    return 0
