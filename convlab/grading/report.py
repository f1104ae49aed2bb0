"""``convlab report``: where the class stands on a graded lesson.

Read from the gradebook (the grade of every test cell) and the autograded
notebooks (the checks' messages), in the course's language:

- per exercise, how many students passed its public tests and its hidden tests;
- per exercise, the diagnoses of the checks and how many students got each:
  the class's misconceptions, for the next lecture. A diagnosis is matched
  back to the library message it was written from, so the same mistake counts
  once whatever its numbers and whatever language the course is in
  (:func:`diagnosis_id`); other errors count by their first line, numbers
  normalized;
- pairs of submissions whose answer cells look like the same work
  (:mod:`convlab.grading.similarity`, also written as
  ``similarity-<lesson>.csv``): a flag for a human, never a penalty;
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
import functools
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from ..i18n import _, detect_language, get_language, ngettext, set_language

__all__ = ["ClassReport", "class_report", "write_report", "report_cli", "normalize"]

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
    #: (exercise, diagnosis in the course's language, students): per exercise, most frequent first
    diagnoses: list[tuple[str, str, list[str]]]
    scores: dict[str, float]
    max_score: float
    failed: dict[str, str]  # student -> note
    flagged: dict[str, list[str]]  # student -> findings
    #: submissions that look like the same work
    similar: list = dataclasses.field(default_factory=list)


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


#: A ``str.format`` placeholder in a catalog message.
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@functools.cache
def _templates(language: str) -> list[tuple[re.Pattern, str]]:
    """(pattern, English msgid) for every library message, most specific first.

    A diagnosis is one of the library's messages, formatted: matching it back
    to its message gives an id (the English msgid) that is the same in every
    language, so diagnoses group across languages and across numbers.
    """
    from ..i18n import _catalog

    table = _catalog(language)[0] if language != "en" else {}
    messages = _library_msgids()
    found = []
    for msgid in messages:
        text = table.get((None, msgid), msgid) if language != "en" else msgid
        if not isinstance(text, str) or not text.strip():
            continue
        literal = _PLACEHOLDER.split(text)
        if sum(len(part.strip()) for part in literal) < 8:
            continue  # too little fixed text to identify a message ("{a}: {b}")
        pattern = "(.+?)".join(re.escape(part) for part in literal)
        found.append((re.compile(pattern, re.DOTALL), msgid, sum(map(len, literal))))
    found.sort(key=lambda item: -item[2])
    return [(pattern, msgid) for pattern, msgid, _n in found]


@functools.cache
def _library_msgids() -> list[str]:
    """The msgids of the library catalog's template (``convlab/locales/convlab.pot``)."""
    import polib

    pot = Path(__file__).resolve().parents[1] / "locales" / "convlab.pot"
    return [e.msgid for e in polib.pofile(str(pot)) if not e.msgid_plural and not e.obsolete]


def diagnosis_id(text: str, language: str) -> str | None:
    """The English message a diagnosis was formatted from, or None.

    `language` is tried first, then English and the other languages of the
    library catalog: a resubmission graded before a course changed language,
    or a class that mixes languages, still groups by mistake.

    Examples
    --------
    >>> diagnosis_id("no such diagnosis, surely", "en") is None
    True
    """
    from ..i18n import available_languages

    text = " ".join(text.split())
    for lang in dict.fromkeys((language, "en", *available_languages())):
        for pattern, msgid in _templates(lang):
            if pattern.fullmatch(text):
                return msgid
    return None


def diagnosis_label(msgid: str, language: str) -> str:
    """A diagnosis message in `language` with its placeholders shown as ``…``."""
    from ..i18n import translate

    return " ".join(_PLACEHOLDER.sub("…", translate(msgid, language)).split())


def _diagnosis(output, language: str) -> tuple[str, str]:
    """(key, text) of what one failing test cell's error says.

    The key groups the same mistake across students, numbers and languages:
    the English message of the checks' diagnosis when it is one of the
    library's messages, else the error with its numbers normalized. The text
    is what the report shows, in `language`.
    """
    evalue = str(output.get("evalue", ""))
    from ..i18n import translate

    for label in dict.fromkeys((translate("Diagnosis:", language), "Diagnosis:")):
        for line in evalue.splitlines():
            if line.strip().startswith(label):
                found = line.strip()[len(label) :].strip()
                msgid = diagnosis_id(found, language)
                if msgid is not None:
                    return msgid, diagnosis_label(msgid, language)
                return normalize(found), normalize(found)
    first = next((x.strip() for x in evalue.splitlines() if x.strip()), "")
    ename = str(output.get("ename", "Error"))
    text = normalize(f"{ename}: {first}" if first else ename)
    return text, text


def _similar(course: Path, lesson: str, students: list[str]) -> list:
    """Similar pairs among the submissions of `students` (their submitted notebooks)."""
    from .similarity import answer_cells, similar_pairs

    template: dict[str, str] = {}
    for path in sorted((course / "release" / lesson).glob("*.ipynb")):
        template.update(answer_cells(path))
    answers: dict[str, dict[str, str]] = {}
    for student in students:
        cells: dict[str, str] = {}
        for path in sorted((course / "submitted" / student / lesson).glob("*.ipynb")):
            try:
                cells.update(answer_cells(path))
            except Exception:  # noqa: BLE001 - an unreadable notebook is graded as failed elsewhere
                continue
        if cells:
            answers[student] = cells
    return similar_pairs(answers, template)


def course_language(course: Path, lesson: str) -> str:
    """The language of a course directory: its lesson's source notebooks say it.

    A course directory holds no notebook at its top, so the notebooks of
    ``source/<lesson>/`` (written by ``convlab build`` with their language) are
    read; a copy or a clone of ``course/es`` graded by anyone is Spanish.
    ``CONVLAB_LANG``, when set, is the instructor's explicit choice and wins.
    """
    return os.environ.get("CONVLAB_LANG") or detect_language(Path(course) / "source" / lesson)


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
    language = course_language(course, lesson)
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
    labels: dict[tuple[str, str], str] = {}
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
                        mistake, text = _diagnosis(output, language)
                        counter[(cells[grade_id][0], mistake)].add(student)
                        labels[(cells[grade_id][0], mistake)] = text
    # per exercise (in notebook order), its diagnoses, the most frequent first
    diagnoses = sorted(
        ((e, labels[(e, k)], sorted(who)) for (e, k), who in counter.items()),
        key=lambda item: (
            exercises.index(item[0]) if item[0] in exercises else len(exercises),
            -len(item[2]),
            item[1],
        ),
    )
    return ClassReport(
        similar=_similar(course, lesson, sorted(set(scores) | set(grades_csv))),
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


def write_report(
    course: Path, lesson: str, db_url: str | None = None, report: ClassReport | None = None
) -> tuple[Path, Path]:
    """Write ``report-<lesson>.csv``, ``report-<lesson>.png`` and ``similarity-<lesson>.csv``.

    `report` is the :func:`class_report` of the lesson when the caller has it already.
    """
    course = Path(course).resolve()
    report = report or class_report(course, lesson, db_url)
    with _language(report.language):
        csv_path = _write_csv(course, report)
        png_path = _write_png(course, report)
    from .similarity import write_similarity_csv

    write_similarity_csv(course / f"similarity-{lesson}.csv", report.similar)
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
        for pair in report.similar:
            writer.writerow(
                [
                    _("similar submissions (for a human to look at)"),
                    " ".join(pair.cells),
                    _("{percent:.0f}% of each submission in common").format(
                        percent=100 * pair.similarity
                    ),
                    2,
                    f"{pair.student_a} {pair.student_b}",
                ]
            )
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

    path = course / f"report-{report.lesson}.png"
    from ..i18n import configure_fonts

    with plt.rc_context():
        # IPAexGothic (matplotlib-fontja, a course dependency) behind DejaVu Sans
        # for Japanese, as in the lessons' figures.
        configure_fonts(report.language)
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


def summary(report: ClassReport) -> str:
    """The report as an instructor reads it, in the course's language.

    Per exercise: how many passed its public and hidden tests, then its
    diagnoses with how many students got each, most frequent first.
    """
    graded = len(report.scores)
    lines = []
    with _language(report.language):
        for exercise, (public, hidden) in report.passed.items():
            lines.append(
                _(
                    "{exercise}: public tests passed by {public} of {n}, hidden tests by {hidden} of {n}"
                ).format(exercise=exercise, public=public, hidden=hidden, n=graded)
            )
            for _exercise, diagnosis, who in (d for d in report.diagnoses if d[0] == exercise):
                lines.append(
                    "    "
                    + _("{count} of {n}: {diagnosis}").format(
                        count=len(who), n=graded, diagnosis=diagnosis
                    )
                )
        for pair in report.similar:
            lines.append(
                _(
                    "similar submissions (for a human to look at): {a} and {b}, "
                    "{percent:.0f}% of each in common ({cells})"
                ).format(
                    a=pair.student_a,
                    b=pair.student_b,
                    percent=100 * pair.similarity,
                    cells=", ".join(pair.cells),
                )
            )
    return "\n".join(lines)


def report_cli(args) -> int:
    from .coursedir import course_from_args

    course = course_from_args(args)
    try:
        report = class_report(course, args.lesson, args.db)
        csv_path, png_path = write_report(course, args.lesson, args.db, report)
    except ValueError as exc:
        print(f"convlab report: {exc}", file=sys.stderr)
        return 2
    print(summary(report))
    print(f"report: {csv_path}  {png_path}")
    return 0
