"""``convlab grade``: autograde a lesson for the whole class, then feedback and grades.

A thin layer over nbgrader's own commands, run inside an nbgrader course
directory (``course/<lang>/``):

1. ``nbgrader autograde <lesson> --student <id>`` for every submission in
   ``submitted/*/<lesson>/``, in parallel worker processes (one per core by
   default), each in its own process so one broken submission cannot take the
   others down;
2. ``nbgrader generate_feedback <lesson>``;
3. ``nbgrader export --to grades-<lesson>.csv``;
4. a scan of every submission's own code (outside the kernel) for tampering
   with the checks, written to ``flags-<lesson>.csv`` for review.

Resumable: a submission is marked done (``.convlab/graded/<lesson>/<id>``)
only after nbgrader has recorded its grade in the gradebook, and done
submissions are skipped on the next run (``--force`` regrades).  Parallel
nbgrader processes share the SQLite gradebook; a busy timeout makes them wait
for each other instead of failing.

Introduced in the instructor guide (README, "For instructors").
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

__all__ = ["grade", "GradeResult", "grade_cli"]

#: Seconds nbgrader may spend on one submission before it is stopped
#: (each cell is already limited by ``Execute.timeout`` in nbgrader_config.py).
SUBMISSION_TIMEOUT = 30 * 60


@dataclasses.dataclass
class GradeResult:
    student: str
    status: str  # "graded" | "skipped" | "failed"
    seconds: float = 0.0
    log: str = ""
    flags: list[str] = dataclasses.field(default_factory=list)


def nbgrader_env() -> dict[str, str]:
    """Environment for nbgrader subprocesses: this interpreter's scripts first on PATH
    (nbgrader runs `alembic` from PATH), TensorFlow's C++ logs silenced."""
    bindir = str(Path(sys.executable).parent)
    return dict(
        os.environ,
        PATH=os.pathsep.join([bindir, os.environ.get("PATH", "")]),
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONWARNINGS="ignore",
    )


def _db_args(course: Path) -> list[str]:
    # SQLite waits up to 120 s for a lock held by another worker.
    return [f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}?timeout=120"]


def _run(
    args: list[str], course: Path, timeout: float | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, *_db_args(course)],
        cwd=course,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _marker(course: Path, lesson: str, student: str) -> Path:
    return course / ".convlab" / "graded" / lesson / student


def _grade_one(course: Path, lesson: str, student: str, force: bool) -> GradeResult:
    marker = _marker(course, lesson, student)
    if marker.exists() and not force:
        return GradeResult(student, "skipped")
    start = time.perf_counter()
    args = ["autograde", lesson, "--student", student, "--create", "--force"]
    try:
        proc = _run(args, course, timeout=SUBMISSION_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        log = f"nbgrader autograde stopped after {SUBMISSION_TIMEOUT} s\n{exc.stdout or ''}"
        return GradeResult(student, "failed", time.perf_counter() - start, log)
    seconds = time.perf_counter() - start
    log = (proc.stdout + proc.stderr)[-4000:]
    if proc.returncode != 0:
        return GradeResult(student, "failed", seconds, log)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{seconds:.1f}\n")
    return GradeResult(student, "graded", seconds, log)


def _ensure_assignment(course: Path, lesson: str) -> None:
    """Record the assignment's cells in the gradebook (nbgrader generate_assignment) if missing.

    This also creates the gradebook schema before parallel workers race to do it.
    """
    from nbgrader.api import Gradebook, MissingEntry

    os.environ["PATH"] = nbgrader_env()["PATH"]  # nbgrader's Gradebook runs `alembic` from PATH
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            gb.find_assignment(lesson)
            return
        except MissingEntry:
            pass
    proc = _run(["generate_assignment", lesson, "--force", "--create"], course)
    if proc.returncode != 0:
        raise RuntimeError(
            f"nbgrader generate_assignment failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )


def _scan(course: Path, lesson: str, results: list[GradeResult]) -> Path:
    """Flag code that tampers with grading, read out of the kernel's reach.

    Writes ``flags-<lesson>.csv`` (student, finding) for the instructor to review;
    see :func:`convlab.checks.scan_notebook` for what is flagged.
    """
    import csv

    from .checks import scan_notebook

    path = course / f"flags-{lesson}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "finding"])
        for result in results:
            for notebook in sorted(
                (course / "submitted" / result.student / lesson).glob("*.ipynb")
            ):
                try:
                    result.flags = scan_notebook(notebook)
                except (OSError, ValueError) as exc:  # unreadable or not a notebook
                    result.flags = [f"could not read {notebook.name}: {exc}"]
                writer.writerows([result.student, finding] for finding in result.flags)
    return path


def submissions(course: Path, lesson: str) -> list[str]:
    """Student ids with a submission of `lesson` in ``submitted/``."""
    return sorted(p.parent.name for p in (course / "submitted").glob(f"*/{lesson}") if p.is_dir())


def grade(
    course: Path,
    lesson: str,
    *,
    jobs: int | None = None,
    force: bool = False,
    progress: bool = True,
) -> tuple[list[GradeResult], Path | None]:
    """Autograde every submission of `lesson`, generate feedback, export grades.

    Returns the per-student results and the path of the exported CSV (None
    when no submission could be graded).
    """
    from tqdm.auto import tqdm

    course = Path(course).resolve()
    if not (course / "nbgrader_config.py").exists():
        raise ValueError(f"{course} is not an nbgrader course directory (no nbgrader_config.py)")
    students = submissions(course, lesson)
    if not students:
        raise ValueError(
            f"no submissions of {lesson!r} in {course / 'submitted'}/<student>/{lesson}/"
        )
    jobs = max(1, jobs or os.cpu_count() or 1)
    _ensure_assignment(course, lesson)
    results = []
    with (
        ThreadPoolExecutor(max_workers=jobs) as pool,
        tqdm(
            total=len(students), desc=f"grading {lesson}", unit="submission", disable=not progress
        ) as bar,
    ):
        futures = [pool.submit(_grade_one, course, lesson, s, force) for s in students]
        for future in as_completed(futures):
            results.append(future.result())
            bar.update()
    results.sort(key=lambda r: r.student)
    _scan(course, lesson, results)
    if not any(r.status in ("graded", "skipped") for r in results):
        return results, None
    proc = _run(["generate_feedback", lesson, "--force"], course)
    if proc.returncode != 0:
        raise RuntimeError(
            f"nbgrader generate_feedback failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    csv_path = course / f"grades-{lesson}.csv"
    proc = _run(["export", "--to", str(csv_path)], course)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader export failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return results, csv_path


def grade_cli(args) -> int:
    from .build.lessons import repo_root

    course = Path(args.course_dir) if args.course_dir else repo_root() / "course" / args.lang
    results, csv_path = grade(course, args.lesson, jobs=args.jobs, force=args.force)
    for r in results:
        line = f"{r.student:20s} {r.status:8s} {r.seconds:6.1f} s"
        print(line)
        if r.status == "failed":
            print("    " + r.log.strip().replace("\n", "\n    ")[-1500:])
        for finding in r.flags:
            print(f"    flagged: {finding}")
    failed = [r for r in results if r.status == "failed"]
    flagged = [r for r in results if r.flags]
    print(f"grades: {csv_path}  ({len(results) - len(failed)} ok, {len(failed)} failed)")
    if flagged:
        print(
            f"{len(flagged)} submission(s) flagged for review: {course / f'flags-{args.lesson}.csv'}"
        )
    return 1 if failed else 0


#: Memory the grading kernel may allocate (bytes); see :func:`limit_kernel`.
KERNEL_MEMORY = 4 * 1024**3


def limit_kernel(memory: int = KERNEL_MEMORY) -> None:
    """Cap the memory of the current process (the grading kernel) and quiet TensorFlow.

    ``nbgrader_config.py`` runs this at the start of every grading kernel
    (``IPKernelApp.exec_lines``), so a memory bomb raises ``MemoryError`` in
    the student's cell instead of exhausting the machine.  ``RLIMIT_DATA``
    counts heap and anonymous mappings, not the address space TensorFlow
    reserves for code, so TensorFlow still imports.
    """
    import resource

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    _confine_writes(Path.cwd())


_WRITE_EVENTS = {
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.mkdir",
    "shutil.rmtree",
    "os.truncate",
    "os.symlink",
    "os.link",
    "os.chmod",
}


def _confine_writes(folder: Path) -> None:
    """Refuse file writes outside the submission folder (and caches/temp) in this process.

    An audit hook (PEP 578) cannot be removed once added, so a submission
    cannot switch it off.  It sees Python-level opens and file operations;
    native code writing files on its own is out of its reach.
    """
    import sys
    import tempfile

    # A private temporary folder: the shared one (/tmp) may hold other
    # students' work or the course directory itself.
    private_tmp = tempfile.mkdtemp(prefix="convlab-grading-")
    tempfile.tempdir = private_tmp
    os.environ["TMPDIR"] = private_tmp
    home = Path.home()
    allowed = [
        folder.resolve(),
        Path(private_tmp).resolve(),
        home / ".cache",
        home / ".config" / "matplotlib",
        home / ".keras",
        home / ".ipython",
        home / ".local" / "share" / "jupyter",
        Path("/dev"),
    ]
    if os.environ.get("MPLCONFIGDIR"):
        allowed.append(Path(os.environ["MPLCONFIGDIR"]))

    def inside(path) -> bool:
        try:
            target = Path(os.fsdecode(path)).resolve()
        except (TypeError, ValueError, OSError):
            return True  # file descriptors and the like
        return any(target == root or root in target.parents for root in allowed)

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(m in mode for m in "wax+")) or (
                isinstance(flags, int)
                and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
            )
            if writing and path is not None and not isinstance(path, int) and not inside(path):
                raise PermissionError(
                    f"grading: writing outside the submission folder is not allowed ({os.fsdecode(path)})"
                )
        elif (
            event in _WRITE_EVENTS and args and not isinstance(args[0], int) and not inside(args[0])
        ):
            raise PermissionError(
                f"grading: changing files outside the submission folder is not allowed ({args[0]})"
            )

    sys.addaudithook(hook)
