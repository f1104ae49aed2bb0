"""``convlab grade``: autograde a lesson for the whole class; feedback; a grades CSV that is always right.

Run inside (or pointed at) an nbgrader course directory (``course/<lang>/``):

1. every submission ``submitted/<student>/<lesson>/`` whose content (or the
   assignment's source) changed since it was last graded is autograded by
   nbgrader's own ``autograde`` and its feedback written by ``generate_feedback``,
   in long-lived worker processes (:mod:`convlab.grading.worker`), each
   notebook's kernel in an OS sandbox (:mod:`convlab.grading.sandbox`);
   unchanged submissions are skipped, ``--student ID`` regrades one student,
   ``--force`` everyone;
2. ``grades-<lesson>.csv`` is written from the gradebook: nbgrader's export
   columns plus ``status`` (``graded`` or ``failed``: a submission that could not
   be graded has no score, never a bare 0), ``sandbox`` (with the limits this
   machine did not enforce, also said in the summary), ``note`` and
   ``restored_cells`` (test cells the student deleted or edited, which nbgrader
   restored); the command exits non-zero when a submission failed and lists it;
3. every submission's own code is scanned outside the kernel for tampering with
   the checks (``flags-<lesson>.csv``).

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import json
import multiprocessing
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .coursedir import (
    GRADING_SCALE_EXTRA,
    course_from_args,
    course_lesson,
    is_sqlite,
    nbgrader_env,
    reference_path,
    resolve_db_url,
)

__all__ = ["grade", "GradeResult", "grade_cli", "unenforced_summary", "CSV_COLUMNS"]

#: Columns of ``grades-<lesson>.csv``: nbgrader's export columns, then ours.  The
#: names are fixed, in English, whatever the course's language (LMS exports and
#: scripts read them); ``sandbox`` and ``restored_cells`` hold machine-readable ids.
CSV_COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
    "status",
    "sandbox",
    "note",
    "restored_cells",
]


@dataclasses.dataclass
class GradeResult:
    student: str
    status: str  # "graded" (this run) | "skipped" (unchanged, graded before) | "failed"
    seconds: float = 0.0
    log: str = ""
    flags: list[str] = dataclasses.field(default_factory=list)
    #: Of `seconds`, the time nbgrader's autograde took (the rest: feedback).
    autograde_seconds: float = 0.0
    score: float | None = None
    max_score: float | None = None
    #: Test cells (grade ids) that did not get their full points.
    failures: list[str] = dataclasses.field(default_factory=list)
    #: Cells stopped by the per-cell time limit.
    timeouts: int = 0
    #: The machine that graded it (Dask), else "".
    host: str = ""
    #: Limits its sandbox did not hold on the machine that graded it (`sandbox.GAPS` ids).
    unenforced: list[str] = dataclasses.field(default_factory=list)
    #: Test cells (grade ids) the student deleted or edited, which nbgrader restored.
    restored: list[str] = dataclasses.field(default_factory=list)
    #: How its kernel started: "forked" (by the worker's zygote), "cold", or both
    #: ("forked, cold": the zygote failed and a cold kernel took over); "" if none started.
    kernel: str = ""
    #: Seconds per phase of this submission's grading (convlab.grading.worker.grade_submission).
    phases: dict[str, float] = dataclasses.field(default_factory=dict)


def _digest(folder: Path) -> str:
    """Content hash of a folder: every file's relative path and bytes."""
    h = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
            h.update(str(path.relative_to(folder)).encode() + b"\0")
            if path.is_symlink():
                h.update(b"link:" + os.readlink(path).encode())
            else:
                h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def _marker(course: Path, lesson: str, student: str) -> Path:
    return course / ".convlab" / "graded" / lesson / f"{student}.json"


def _state(course: Path, lesson: str, student: str, assignment: str) -> dict:
    return {
        "submission": _digest(course / "submitted" / student / lesson),
        "assignment": assignment,
    }


def _up_to_date(course: Path, lesson: str, student: str, state: dict) -> bool:
    marker = _marker(course, lesson, student)
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    return (
        recorded.get("status") == "graded"
        and {k: recorded.get(k) for k in state} == state
        and (course / "autograded" / student / lesson).is_dir()
    )


def _ensure_assignment(course: Path, lesson: str, db_url: str) -> None:
    """Record the assignment's cells in the gradebook (nbgrader generate_assignment) if missing.

    This also creates the gradebook schema before parallel workers race to do it.
    """
    import subprocess

    from nbgrader.api import Gradebook, MissingEntry

    os.environ["PATH"] = nbgrader_env()["PATH"]  # nbgrader's Gradebook runs `alembic` from PATH
    with Gradebook(db_url) as gb:
        try:
            gb.find_assignment(lesson)
            return
        except MissingEntry:
            pass
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", lesson, "--force", "--create"]
        + [f"--CourseDirectory.db_url={db_url}"],
        cwd=course,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"nbgrader generate_assignment failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )


def compile_bytecode() -> None:
    """Write the bytecode of the `convlab` package the grading kernels import, where missing.

    Inside the sandbox the package is read-only, so a kernel cannot cache what it
    compiles: without ``__pycache__`` (a fresh checkout, ``PYTHONDONTWRITEBYTECODE``
    set), every submission's kernel compiled convlab's modules again (about 0.06 s
    of its imports, measured). Done once per ``convlab grade``; an installation it cannot write to is left
    as it is (pip compiles on install).
    """
    import compileall

    import convlab

    with contextlib.suppress(OSError):
        compileall.compile_dir(Path(convlab.__file__).parent, quiet=2)


def reference_seconds(course: Path, lesson: str, assignment: str, sandbox: str) -> float:
    """How long the lesson's solution takes to run as a graded notebook, measured once.

    The source notebook (solutions in) is run by :class:`GradingExecute` with
    the course's configuration and the same sandbox (a cold kernel: imports
    included), in a scratch copy of its folder, without a budget; the time is kept per assignment digest, so a
    changed lesson is timed again. It sets each submission's time budget
    (``c.GradingExecute.budget_factor``). The digests of the figures it drew
    are kept too: a student's feedback shows a figure the reference drew the
    same as a short note (:mod:`convlab.grading.student_feedback`).
    """
    import shutil
    import tempfile

    import nbformat
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    from .execute import GradingExecute

    path = reference_path(course, lesson)
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
        if recorded.get("assignment") == assignment and "figures" in recorded:
            return float(recorded["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    overrides = Config()
    overrides.GradingExecute.sandbox = sandbox
    overrides.GradingExecute.budget_factor = 0.0
    # A cold kernel: one run does not repay a zygote's start, and none is left in
    # this process for the whole class.
    overrides.GradingExecute.zygote = False
    config.merge(overrides)
    seconds = 0.0
    figures: dict[str, list[str]] = {}
    saved = dict(os.environ)
    os.environ.update(nbgrader_env())  # as the workers run the kernel
    try:
        with tempfile.TemporaryDirectory(prefix="convlab-reference-") as scratch:
            folder = Path(scratch) / lesson
            shutil.copytree(course / "source" / lesson, folder)
            for notebook in sorted(folder.glob("*.ipynb")):
                nb = nbformat.read(notebook, as_version=4)
                start = time.perf_counter()
                GradingExecute(config=config).preprocess(nb, {"metadata": {"path": str(folder)}})
                seconds += time.perf_counter() - start
                figures[notebook.stem] = sorted(figure_digests(nb))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"assignment": assignment, "seconds": round(seconds, 2), "figures": figures}),
        encoding="utf-8",
    )
    return seconds


def figure_digests(nb) -> set[str]:
    """The digests of the PNG figures a notebook's outputs hold (see ``figure_digest``)."""
    from .student_feedback import figure_digest

    return {
        figure_digest(output["data"]["image/png"])
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.get("data", {}).get("image/png")
    }


def _scan(course: Path, lesson: str, results: list[GradeResult]) -> Path:
    """Flag what tampers with grading, read out of the kernel's reach (``flags-<lesson>.csv``).

    Code that touches the checks (:func:`convlab.checks.scan_notebook`), and test
    cells the student deleted or edited (nbgrader graded the originals), the
    latter in the course's language.
    """
    from ..checks import scan_notebook
    from .report import _language, course_language
    from .tampering import finding, restored_test_cells

    path = course / f"flags-{lesson}.csv"
    with (
        _language(course_language(course, lesson)),
        path.open("w", newline="", encoding="utf-8") as f,
    ):
        writer = csv.writer(f)
        writer.writerow(["student_id", "finding"])
        for result in results:
            result.flags = []
            result.restored = []
            for notebook in sorted(
                (course / "submitted" / result.student / lesson).glob("*.ipynb")
            ):
                release = course / "release" / lesson / notebook.name
                try:
                    result.flags += scan_notebook(notebook)
                    if release.is_file():
                        changes = restored_test_cells(notebook, release)
                        result.flags += [finding(*change) for change in changes]
                        result.restored += [grade_id for grade_id, _change in changes]
                except (OSError, ValueError) as exc:  # unreadable or not a notebook
                    result.flags.append(f"could not read {notebook.name}: {exc}")
            writer.writerows([result.student, finding] for finding in result.flags)
    return path


def submissions(course: Path, lesson: str) -> list[str]:
    """Student ids with a submission of `lesson` in ``submitted/``."""
    return sorted(p.parent.name for p in (course / "submitted").glob(f"*/{lesson}") if p.is_dir())


def _write_csv(
    course: Path, lesson: str, db_url: str, results: list[GradeResult], sandbox: str
) -> Path:
    from nbgrader.api import Gradebook, MissingEntry

    from .sandbox import sandbox_column

    path = course / f"grades-{lesson}.csv"
    with Gradebook(db_url) as gb, path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, CSV_COLUMNS)
        writer.writeheader()
        assignment = gb.find_assignment(lesson)
        for result in results:
            row: dict[str, object] = dict.fromkeys(CSV_COLUMNS, "")
            row.update(
                assignment=lesson, duedate=assignment.duedate or "", student_id=result.student
            )
            row["max_score"] = assignment.max_score
            try:
                student = gb.find_student(result.student)
                row.update(
                    last_name=student.last_name or "",
                    first_name=student.first_name or "",
                    email=student.email or "",
                )
            except MissingEntry:
                pass
            recorded = _recorded(course, lesson, result.student)
            row["sandbox"] = sandbox_column(
                recorded.get("sandbox", sandbox), recorded.get("unenforced", [])
            )
            row["restored_cells"] = " ".join(result.restored)
            if result.status == "failed":
                row["status"] = "failed"
                row["note"] = _failure_cause(result.log)
            else:
                try:
                    submission = gb.find_submission(lesson, result.student)
                except MissingEntry:
                    row["status"] = "failed"
                    row["note"] = "no grade recorded in the gradebook"
                else:
                    penalty = submission.late_submission_penalty or 0.0
                    row.update(
                        status="graded",
                        timestamp=submission.timestamp or "",
                        raw_score=submission.score,
                        late_submission_penalty=penalty,
                        score=max(0.0, submission.score - penalty),
                    )
            writer.writerow(row)
    return path


def _recorded(course: Path, lesson: str, student: str) -> dict:
    try:
        return json.loads(_marker(course, lesson, student).read_text())
    except (OSError, ValueError):
        return {}


#: An exception line of a traceback: ``package.module.NameError: message``.
_EXCEPTION_LINE = re.compile(r"^(?:[\w]+\.)*(\w+(?:Error|Exception|Exit|Interrupt)): (.+)$")
#: nbgrader's own wrapping of the real cause, which says nothing by itself.
_GENERIC = ("NbGraderException", "Please see the")


def _failure_cause(log: str) -> str:
    """The cause of a failed grading, for the CSV's note: the exception that started it.

    nbgrader ends its log with a generic "Please see the above traceback"; the
    exception behind it (an unreadable notebook, a missing file) is earlier.
    """
    lines = [x.strip() for x in log.splitlines() if x.strip()]
    causes = [
        f"{m.group(1)}: {m.group(2)}"
        for m in map(_EXCEPTION_LINE.match, lines)
        if m and not any(g in m.group(0) for g in _GENERIC)
    ]
    errors = [x for x in lines if ("ERROR" in x or "Error" in x) and "Please see" not in x]
    return ((causes or errors or lines or ["grading failed"])[-1])[:300]


def _assignment_digest(course: Path, lesson: str) -> str:
    h = hashlib.sha256(_digest(course / "source" / lesson).encode())
    h.update((course / "nbgrader_config.py").read_bytes())
    return h.hexdigest()


def grade(
    course: Path,
    lesson: str,
    *,
    jobs: int | None = None,
    force: bool = False,
    students: list[str] | None = None,
    db_url: str | None = None,
    sandbox: str = "bwrap",
    progress: bool = True,
    scheduler=None,
    timings: dict[str, float] | None = None,
) -> tuple[list[GradeResult], Path | None]:
    """Autograde the submissions of `lesson` that changed, write their feedback and the grades CSV.

    Parameters
    ----------
    course : Path
        An nbgrader course directory (with ``nbgrader_config.py``).
    lesson : str
        The assignment, e.g. ``"02-convolution-from-scratch"``.
    jobs : int, optional
        Worker processes (default: the number of CPUs).
    force : bool
        Regrade every submission, changed or not.
    students : list of str, optional
        Regrade these students (whatever their state); the CSV still lists everyone.
    db_url : str, optional
        The gradebook's SQLAlchemy URL (default: ``c.CourseDirectory.db_url`` of
        the course's ``nbgrader_config.py`` when it sets one, else ``gradebook.db``
        in the course), e.g. ``postgresql://grader@dbhost/convlab_es``.
    sandbox : {'bwrap', 'none'}
        'none' grades without the OS sandbox (unsafe); it is recorded in the CSV.
    scheduler : str or distributed.Client, optional
        A Dask distributed scheduler's address (``tcp://host:8786``), or a
        connected ``distributed.Client`` (Dask Gateway's): one task per
        submission on its workers, which must see the course directory at the same
        path and reach the gradebook. SQLite is refused unless every worker runs
        on this machine.
    timings : dict, optional
        Filled with the class's seconds per stage: "setup" (sandbox check,
        assignment, the reference run), "grading" (the workers, all submissions)
        and "export" (flags and grades CSV). Each submission's own phases are in
        its result's ``phases``.

    Returns
    -------
    results, csv_path
        Per-student results (sorted by id) and the CSV's path.

    Raises
    ------
    ValueError
        If `course` is not a course directory or has no submission of `lesson`.
    convlab.grading.sandbox.SandboxUnavailable
        If `sandbox` is 'bwrap' and no sandbox can be started here.
    """
    from tqdm.auto import tqdm

    from ..i18n import gettext as _
    from .report import _language, course_language
    from .sandbox import SandboxUnavailable, sandbox_problem

    timings = {} if timings is None else timings
    started = time.perf_counter()
    course = course_lesson(course, lesson)
    everyone = submissions(course, lesson)
    if not everyone:
        raise ValueError(
            f"no submissions of {lesson!r} in {course / 'submitted'}/<student>/{lesson}/"
        )
    if sandbox not in ("bwrap", "none"):
        raise ValueError(f"`sandbox` must be 'bwrap' or 'none'; got {sandbox!r}")
    if sandbox == "bwrap":
        problem = sandbox_problem()
        if problem:
            raise SandboxUnavailable(problem)
    db_url = resolve_db_url(course, db_url)
    _ensure_assignment(course, lesson, db_url)
    assignment = _assignment_digest(course, lesson)
    compile_bytecode()  # before the first kernel: the reference run's
    reference_seconds(course, lesson, assignment, sandbox)  # each submission's time budget
    wanted = set(students or [])
    unknown = wanted - set(everyone)
    if unknown:
        raise ValueError(f"no submission of {lesson!r} from: {', '.join(sorted(unknown))}")

    results: dict[str, GradeResult] = {}
    todo: dict[str, dict] = {}
    for student in everyone:
        state = _state(course, lesson, student, assignment)
        if force or student in wanted or not _up_to_date(course, lesson, student, state):
            todo[student] = state
        else:
            recorded = _recorded(course, lesson, student)
            results[student] = GradeResult(
                student, "skipped", unenforced=list(recorded.get("unenforced", []))
            )

    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    language = course_language(course, lesson)  # of the progress lines
    timings["setup"] = time.perf_counter() - started
    started = time.perf_counter()
    with _language(language):
        # TRANSLATORS: the progress bar's label; tqdm adds "3/30 [00:12<01:40, 3.4s/<unit>]".
        desc = _("grading {lesson}").format(lesson=lesson)
        # TRANSLATORS: the progress bar's unit, after "s/" (seconds per submission), one word.
        unit = _("submission")
    with tqdm(total=len(todo), desc=desc, unit=unit, disable=not progress) as bar:
        if scheduler:
            outcomes = _run_dask(course, lesson, list(todo), scheduler, db_url, sandbox)
        else:
            outcomes = _run_workers(course, lesson, list(todo), jobs, db_url, sandbox)
        for outcome in outcomes:
            student = outcome["student"]
            status = "graded" if outcome["ok"] else "failed"
            results[student] = result = GradeResult(
                student,
                status,
                outcome["seconds"],
                outcome["log"],
                autograde_seconds=outcome.get("autograde_seconds", outcome["seconds"]),
                score=outcome.get("score"),
                max_score=outcome.get("max_score"),
                failures=list(outcome.get("failures", [])),
                timeouts=outcome.get("timeouts", 0),
                host=outcome.get("host", ""),
                unenforced=list(outcome.get("unenforced", [])),
                kernel=outcome.get("kernel", ""),
                phases=dict(outcome.get("phases", {})),
            )
            marker = _marker(course, lesson, student)
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(
                json.dumps(
                    {
                        **todo[student],
                        "status": status,
                        "sandbox": sandbox,
                        "unenforced": result.unenforced,
                        "seconds": round(outcome["seconds"], 2),
                    }
                )
            )
            bar.update()
            if progress:
                with _language(language):
                    bar.write(progress_line(result))
                    if result.timeouts:
                        bar.write(timeout_warning(result))

    timings["grading"] = time.perf_counter() - started
    started = time.perf_counter()
    ordered = [results[s] for s in everyone]
    _scan(course, lesson, ordered)
    csv_path = _write_csv(course, lesson, db_url, ordered, sandbox)
    timings["export"] = time.perf_counter() - started
    return ordered, csv_path


def progress_line(result: GradeResult) -> str:
    """One line per finished submission: student, score, time, failing test cells.

    In the current language (the caller sets the course's).
    """
    from ..i18n import gettext as _
    from ..i18n import pad

    status = {"graded": _("graded"), "failed": _("failed"), "skipped": _("unchanged")}
    if result.status == "failed":
        score = "-"
        failures = _failure_cause(result.log)
    else:
        score = (
            f"{result.score:g}/{result.max_score:g}"
            if result.score is not None and result.max_score is not None
            else "?"
        )
        failures = (
            _("failed: {cells}").format(cells=", ".join(result.failures))
            if result.failures
            else _("all passed")
        )
    host = f"  [{result.host}]" if result.host else ""
    label = status.get(result.status, result.status)
    return (
        f"{result.student:20s} {pad(label, 12)} {score:>9s} {result.seconds:6.1f} s  "
        f"{failures}{host}"
    )


def timeout_warning(result: GradeResult) -> str:
    from ..i18n import ngettext

    return ngettext(
        "WARNING {student}: {n} cell stopped at the time limit ({seconds:.0f} s for this "
        "submission); look at autograded/{student}/ (an infinite loop, or a machine too busy?)",
        "WARNING {student}: {n} cells stopped at the time limit ({seconds:.0f} s for this "
        "submission); look at autograded/{student}/ (an infinite loop, or a machine too busy?)",
        result.timeouts,
    ).format(student=result.student, n=result.timeouts, seconds=result.seconds)


def _run_dask(course, lesson, students, scheduler, db_url, sandbox):
    """Yield one outcome per student, each graded by a task on a Dask cluster.

    The workers run :func:`convlab.grading.worker.dask_grade`: nbgrader is loaded
    once per worker process.
    A task whose worker died (Dask retries it on another worker first) fails only
    that submission.
    """
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise ValueError(
            f"`--scheduler` needs Dask distributed, which is not installed: install the "
            f"{GRADING_SCALE_EXTRA!r} extra (pip install -e '.[{GRADING_SCALE_EXTRA}]' "
            f"in the convlab repository)"
        ) from exc

    import uuid

    from .worker import dask_grade

    run = uuid.uuid4().hex[:8]
    if isinstance(scheduler, Client):  # the caller's client (e.g. Dask Gateway's, with TLS)
        client = contextlib.nullcontext(scheduler)
    else:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as exc:
            raise ValueError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    with client as client:
        workers = client.scheduler_info().get("workers", {})
        if not workers:
            client.wait_for_workers(1, timeout=120)
            workers = client.scheduler_info().get("workers", {})
        if is_sqlite(db_url):
            remote = sorted(
                {w.get("host", "") for w in workers.values()} - {"127.0.0.1", "localhost", "::1"}
            )
            if remote:
                raise ValueError(
                    f"a SQLite gradebook cannot be shared by workers on other machines "
                    f"({', '.join(remote)}): use --db postgresql://... (docs/GRADING.md)"
                )
        futures = {
            client.submit(
                dask_grade,
                str(course),
                db_url,
                sandbox,
                lesson,
                student,
                key=f"convlab-grade-{lesson}-{student}-{run}",
                pure=False,
            ): student
            for student in students
        }
        for future in dask_completed(futures):
            student = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - one submission, not the class
                outcome = {
                    "student": student,
                    "ok": False,
                    "seconds": 0.0,
                    "log": f"ERROR: the Dask task failed: {exc!r}",
                }
            yield outcome


def _run_workers(course, lesson, students, jobs, db_url, sandbox):
    """Yield one outcome per student.

    A worker process that dies (nbgrader itself crashing: kernels die apart from
    it) breaks the whole pool, and the submission that caused it cannot be told
    from the others in flight; so the rest are then graded one pool per
    submission, and only the one that breaks its own pool is marked failed.
    """
    from .worker import grade_submission, init_worker

    left = list(students)
    ctx = multiprocessing.get_context("spawn")
    isolated = False
    while left:
        batch = left[:1] if isolated else list(left)
        workers = 1 if isolated else jobs
        broken = False
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=init_worker,
            initargs=(str(course), db_url, sandbox),
        ) as pool:
            futures = {pool.submit(grade_submission, lesson, s): s for s in batch}
            for future in as_completed(futures):
                student = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                except Exception as exc:  # noqa: BLE001 - one submission, not the class
                    outcome = {
                        "student": student,
                        "ok": False,
                        "seconds": 0.0,
                        "log": repr(exc),
                    }
                left.remove(student)
                yield outcome
        if broken and isolated:
            victim = left.pop(0)
            yield {
                "student": victim,
                "ok": False,
                "seconds": 0.0,
                "log": "ERROR: the grading worker process died while grading this submission",
            }
        isolated = isolated or broken


def unenforced_summary(course: Path, lesson: str, results: list[GradeResult]) -> list[str]:
    """The summary's lines on the sandbox limits this machine did not enforce.

    In the course's language (:func:`convlab.grading.report.course_language`):
    a heading and, per limit any submission's sandbox lacked, what is missing
    and what the instructor can do (:func:`convlab.grading.sandbox.unenforced_lines`).
    """
    from .report import _language, course_language
    from .sandbox import unenforced_lines

    gaps = {gap for result in results for gap in result.unenforced}
    if not gaps:
        return []
    with _language(course_language(course, lesson)):
        return unenforced_lines(gaps)


def grade_cli(args) -> int:
    from ..i18n import gettext as _
    from ..i18n import ngettext
    from .report import _language, class_report, course_language, summary, write_report
    from .sandbox import SandboxUnavailable

    course = course_from_args(args)
    sandbox = "none" if args.unsafe_no_sandbox else "bwrap"
    try:
        results, csv_path = grade(
            course,
            args.lesson,
            jobs=args.jobs,
            force=args.force,
            students=args.student,
            db_url=args.db,
            sandbox=sandbox,
            scheduler=args.scheduler,
        )
    except (ValueError, SandboxUnavailable) as exc:
        print(f"convlab grade: {exc}", file=sys.stderr)
        if isinstance(exc, SandboxUnavailable):
            print(
                "convlab grade: refusing to grade without a sandbox; "
                "`--unsafe-no-sandbox` grades anyway (recorded in the grades CSV).",
                file=sys.stderr,
            )
        return 2
    failed = [r for r in results if r.status == "failed"]
    flagged = [r for r in results if r.flags]
    counts = {s: sum(r.status == s for r in results) for s in ("graded", "skipped", "failed")}
    for line in unenforced_summary(course, args.lesson, results):
        print(line)
    language = course_language(course, args.lesson)  # the summary's
    with _language(language):
        for r in failed:
            print(
                _("FAILED {student}: {cause}").format(
                    student=r.student, cause=_failure_cause(r.log)
                )
            )
        for r in flagged:
            for finding in r.flags:
                print(_("flagged {student}: {finding}").format(student=r.student, finding=finding))
        print(
            _("grades: {path}  (graded: {graded}, unchanged: {skipped}, failed: {failed})").format(
                path=csv_path,
                graded=counts["graded"],
                skipped=counts["skipped"],
                failed=counts["failed"],
            )
        )
        if sandbox == "none":
            print(_("NO SANDBOX: these submissions ran with your rights (--unsafe-no-sandbox)"))
        if flagged:
            print(
                ngettext(
                    "{n} submission flagged for review: {path}",
                    "{n} submissions flagged for review: {path}",
                    len(flagged),
                ).format(n=len(flagged), path=course / f"flags-{args.lesson}.csv")
            )
    try:
        report = class_report(course, args.lesson, args.db)
        report_csv, report_png = write_report(course, args.lesson, args.db, report)
    except Exception as exc:  # noqa: BLE001 - the grades are written; the report is extra
        print(f"convlab grade: the class report could not be written: {exc}", file=sys.stderr)
    else:
        print(summary(report))
        with _language(language):
            print(_("class report: {csv}  {png}").format(csv=report_csv, png=report_png))
    return 1 if failed else 0
