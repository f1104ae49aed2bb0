"""Time `convlab grade` against plain execution and vanilla `nbgrader autograde`, per phase.

    .venv/bin/python benchmarks/grading.py --lesson 01-images-as-arrays --sizes 30,300 --jobs 2
    .venv/bin/python benchmarks/grading.py --students 8 --plain 2     # a quick try

For each class size, a scratch course gets N synthetic submissions (cycling
through: the solutions, the untouched release notebook, the solutions with one
exercise broken) and is graded by `convlab grade` (sandboxed, as instructors
grade).  Plain execution is `jupyter nbconvert` executing the solved
notebook (median of --plain runs, --jobs at a time, as grading runs); its
"cells alone" time is the sum of the executed cells' own times (nbclient's
per-cell timestamps, execute_input to execute_reply).  That notebook is the
student's (the release with the solutions): it has no hidden tests, which
grading runs; so the main ratio divides by the graded submission's own cells,
as its kernel timed them in the same run.  Vanilla is stock
`nbgrader autograde LESSON` on a copy of the same course and submissions, as it
runs by default: one process, one submission after the other, nbgrader's own
preprocessors, no sandbox, no feedback (its Execute gets only the sliced reply
wait, see PLAIN).

Prints, per class size, where a submission's seconds go (mean per graded
submission: sandbox start, kernel start until its kernel_info reply, the
import cells, the other cells, kernel stop and sandbox teardown, nbgrader's
bookkeeping, feedback, ...) and the ratios: grading per solved submission over
its own cells, vanilla's class time over `convlab grade`'s, and 100
submissions extrapolated.  Writes grading-bench.csv, grading-bench.png,
grading-phases.csv and grading-phases.md in --out.  A measurement, not a test:
run it on a quiet machine and read the ratios, which come from one run.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from convlab.grading import grade, nbgrader_env  # noqa: E402
from tests.grading.nbgrader_helpers import read_nb, solved, submit  # noqa: E402


def make_course(
    base: Path,
    lesson: str,
    n: int,
    language: str,
    figures: bool = True,
    zygote: bool = True,
    name: str = "course",
) -> Path:
    course = base / name
    course.mkdir()
    shutil.copy2(ROOT / "course" / language / "nbgrader_config.py", course)
    config = course / "nbgrader_config.py"
    if not figures:
        text = config.read_text()
        assert "c.GradingExecute.figures = True" in text
        config.write_text(text.replace("figures = True", "figures = False"))
    if not zygote:  # a cold kernel (and sandbox) per submission, as before the zygote
        config.write_text(config.read_text() + "\nc.GradingExecute.zygote = False\n")
    shutil.copytree(ROOT / "course" / language / "source", course / "source")
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", lesson, "--force", "--create"],
        cwd=course,
        check=True,
        capture_output=True,
        env=nbgrader_env(),
    )
    good = solved(course, lesson)
    untouched = read_nb(course / "release" / lesson / f"{lesson}.ipynb")
    broken = solved(course, lesson)
    first = next(c for c in broken.cells if c.metadata.get("nbgrader", {}).get("solution"))
    first.source = first.source.split("\n", 1)[0] + "\n    return None\n"
    for i in range(n):
        submit(
            course, f"student{i:03d}", lesson, nbformat.from_dict([good, untouched, broken][i % 3])
        )
    return course


PLAIN = [
    sys.executable,
    "-m",
    "jupyter",
    "nbconvert",
    "--to",
    "notebook",
    # Stock `--execute`, with nbclient's reply wait sliced as grading does: the
    # stock client sometimes never sees a reply the kernel sent
    # (jupyter/nbclient#312) and then waits forever, which would time the stall,
    # not the notebook.
    '--Exporter.preprocessors=["convlab.grading.execute.PatientExecutePreprocessor"]',
    "--PatientExecutePreprocessor.timeout=600",
]


def plain_execution(
    course: Path, lesson: str, repeat: int, jobs: int, figures: bool = True
) -> list[float]:
    """Seconds of plain `jupyter nbconvert` execution of the solved notebook.

    Runs `repeat` executions, `jobs` at a time (as many as grading workers), so
    both sides share the machine the same way.  Each copy runs in its own folder.
    Without figures, the kernel uses Matplotlib's 'agg' backend, as grading does.
    """
    env = nbgrader_env() | ({} if figures else {"MPLBACKEND": "agg"})
    times = []
    nb = solved(course, lesson)
    folders = []
    for j in range(jobs):
        folder = course / f"plain{j}"
        folder.mkdir(exist_ok=True)
        for extra in (course / "release" / lesson).iterdir():
            if extra.suffix != ".ipynb":
                (shutil.copytree if extra.is_dir() else shutil.copy2)(extra, folder / extra.name)
        nbformat.write(nb, folder / "solved.ipynb")
        folders.append(folder)
    done = 0
    cells: list[float] = []
    while done < repeat:
        batch = folders[: min(jobs, repeat - done)]
        started = []
        for folder in batch:
            cmd = PLAIN + ["--output", "executed.ipynb", "solved.ipynb"]
            proc = subprocess.Popen(
                cmd,
                cwd=folder,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            started.append((proc, time.perf_counter()))
        for proc, start in started:
            _, err = proc.communicate()
            if proc.returncode:
                raise RuntimeError(f"plain execution failed:\n{err[-2000:]}")
            times.append(time.perf_counter() - start)
        for folder in batch:
            cells.append(cells_seconds(nbformat.read(folder / "executed.ipynb", as_version=4)))
        done += len(batch)
    return times, cells


def cells_seconds(nb) -> float:
    """The executed notebook's code cells' own time: each from execute_input to execute_reply."""
    from convlab.grading.execute import kernel_seconds

    own = (kernel_seconds(cell) for cell in nb.cells if cell.cell_type == "code")
    return sum(seconds for seconds in own if seconds is not None)


VANILLA_CONFIG = """\
# Stock nbgrader: its own autograde preprocessors, no sandbox, no kernel limits.
import os

c = get_config()  # noqa: F821
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "convlab-vanilla"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
# nbgrader's default list, with its Execute given the sliced reply wait only
# (jupyter/nbclient#312: the stock client can wait forever for a reply it missed).
c.Autograde.autograde_preprocessors = [
    "convlab.grading.execute.PatientExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Execute.timeout = 60
c.Exchange.root = os.path.join(c.CourseDirectory.root, "exchange")
"""


def vanilla_autograde(course: Path, base: Path, lesson: str, figures: bool = True) -> float:
    """Seconds of stock `nbgrader autograde LESSON` (serial) on a copy of `course`'s submissions."""
    vanilla = base / "vanilla"
    shutil.copytree(
        course,
        vanilla,
        ignore=shutil.ignore_patterns("autograded", "feedback", ".convlab", "plain*"),
    )
    (vanilla / "nbgrader_config.py").write_text(VANILLA_CONFIG)
    env = nbgrader_env() | ({} if figures else {"MPLBACKEND": "agg"})
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", lesson, "--force"],
        cwd=vanilla,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"vanilla nbgrader autograde failed:\n{proc.stderr[-2000:]}")
    return seconds


#: The phases of one submission, in the order they happen (worker.grade_submission).
SUBMISSION_PHASES = (
    ("worker start", "worker start (nbgrader loaded; once per worker)"),
    ("sandbox start", "sandbox start (copy, mounts, user id)"),
    ("kernel start", "kernel start, until its kernel_info reply"),
    ("imports", "first cells: imports and set-up (kernel's own time)"),
    ("cells", "the lesson's and the student's cells (kernel's own time)"),
    ("cell messages", "messages around the cells (requests, replies, outputs)"),
    ("kernel stop", "kernel stop and sandbox teardown"),
    ("nbgrader", "nbgrader bookkeeping (gradebook, other preprocessors)"),
    ("feedback", "feedback HTML"),
    ("summary", "score read back (gradebook, timeouts)"),
)


def phase_rows(graded, timings: dict, wall: float, jobs: int) -> list[dict]:
    """Mean seconds per submission of each phase, and its share of a submission's time."""
    n = len(graded)
    total = sum(r.seconds for r in graded) + sum(r.phases.get("worker start", 0) for r in graded)
    rows = []
    accounted = 0.0
    for key, label in SUBMISSION_PHASES:
        seconds = sum(r.phases.get(key, 0.0) for r in graded)
        accounted += seconds
        rows.append(
            {"phase": label, "seconds_per_submission": seconds / n, "share": seconds / total}
        )
    other = total - accounted
    rows.append(
        {
            "phase": "other (between cells, nbgrader's start of each step)",
            "seconds_per_submission": other / n,
            "share": other / total,
        }
    )
    rows.append(
        {
            "phase": "one submission, in its worker",
            "seconds_per_submission": total / n,
            "share": 1.0,
        }
    )
    for key, label in (
        ("setup", "class: setup (sandbox check, assignment, reference run)"),
        ("export", "class: flags and grades CSV"),
        ("report", "class: report (CSV and figure)"),
    ):
        if key in timings:
            rows.append({"phase": label, "seconds_per_submission": timings[key] / n, "share": None})
    idle = timings.get("grading", 0.0) - total / jobs
    rows.append(
        {
            "phase": f"class: workers' waits ({jobs} workers: pool, queue)",
            "seconds_per_submission": idle / n,
            "share": None,
        }
    )
    rows.append(
        {
            "phase": "class wall time / submissions",
            "seconds_per_submission": wall / n,
            "share": None,
        }
    )
    return rows


def class_figures(graded, timings: dict, wall: float, n: int) -> tuple[float, float, float]:
    """Mean grading seconds of a solved submission, its cells as its kernel ran them (hidden
    tests included), and 100 submissions extrapolated (the class set-up once)."""
    # Submissions cycle solved/untouched/broken: student000, 003, ... are solved.
    solved_graded = [r for r in graded if int(r.student[-3:]) % 3 == 0]
    grading_solved = statistics.mean(r.seconds for r in solved_graded)
    own_cells = statistics.mean(
        r.phases.get("imports", 0.0) + r.phases.get("cells", 0.0) for r in solved_graded
    )
    fixed = timings["setup"]
    return grading_solved, own_cells, fixed + (wall - fixed) * 100 / n


def cold_comparison(graded, timings: dict, wall: float, jobs: int, n: int) -> str:
    """The same class graded with a cold kernel per submission (no zygote), in the same run."""
    grading_solved, own_cells, per_100 = class_figures(graded, timings, wall, n)
    return (
        "\nThe same class graded with a cold kernel per submission "
        "(`c.GradingExecute.zygote = False`), in the same run:\n\n"
        + markdown_table(phase_rows(graded, timings, wall, jobs))
        + "\n\n"
        + f"- cold: grading per solved submission {grading_solved:.2f} s, its cells "
        f"{own_cells:.2f} s, ratio {grading_solved / own_cells:.2f}; class {wall:.1f} s; "
        f"100 submissions extrapolated {per_100:.0f} s\n"
    )


def markdown_table(rows: list[dict]) -> str:
    lines = ["| phase | seconds per submission | share |", "| --- | ---: | ---: |"]
    for row in rows:
        share = "" if row["share"] is None else f"{100 * row['share']:.0f}%"
        lines.append(f"| {row['phase']} | {row['seconds_per_submission']:.2f} | {share} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="01-images-as-arrays")
    parser.add_argument("--language", default="en")
    parser.add_argument("--sizes", default="30,300", help="comma-separated class sizes")
    parser.add_argument("--students", type=int, help="one class of this size (instead of --sizes)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--plain", type=int, default=10, help="plain executions to time")
    parser.add_argument(
        "--no-figures",
        action="store_true",
        help="grade with c.GradingExecute.figures = False (figures not drawn)",
    )
    parser.add_argument(
        "--no-vanilla", action="store_true", help="skip stock `nbgrader autograde` (serial)"
    )
    parser.add_argument(
        "--no-cold",
        action="store_true",
        help="skip grading the same class with a cold kernel per submission "
        "(c.GradingExecute.zygote = False) for comparison",
    )
    parser.add_argument("--out", default="bench-results")
    args = parser.parse_args(argv)
    rows = []
    tables = []
    sizes = [args.students] if args.students else [int(x) for x in args.sizes.split(",")]
    for n in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            base = Path(scratch)
            course = make_course(base, args.lesson, n, args.language, figures=not args.no_figures)
            plain_times, plain_cells = plain_execution(
                course, args.lesson, args.plain, args.jobs, not args.no_figures
            )
            plain = statistics.median(plain_times)
            cells = statistics.median(plain_cells)
            vanilla = None
            if not args.no_vanilla:
                vanilla = vanilla_autograde(course, base, args.lesson, not args.no_figures)
            cold_text = ""
            if not args.no_cold:
                cold_course = make_course(
                    base, args.lesson, n, args.language, not args.no_figures, False, "cold"
                )
                cold_timings: dict[str, float] = {}
                start = time.perf_counter()
                cold_results, _ = grade(
                    cold_course, args.lesson, jobs=args.jobs, progress=False, timings=cold_timings
                )
                cold_wall = time.perf_counter() - start
                cold_graded = [r for r in cold_results if r.status == "graded"]
                cold_text = cold_comparison(cold_graded, cold_timings, cold_wall, args.jobs, n)
            timings: dict[str, float] = {}
            start = time.perf_counter()
            results, _ = grade(course, args.lesson, jobs=args.jobs, progress=True, timings=timings)
            wall = time.perf_counter() - start
            from convlab.grading.report import class_report, write_report

            started = time.perf_counter()
            write_report(course, args.lesson, None, class_report(course, args.lesson, None))
            timings["report"] = time.perf_counter() - started
            graded = [r for r in results if r.status == "graded"]
            per_sub = statistics.median(r.autograde_seconds for r in graded)
            # Submissions cycle solved/untouched/broken: student000, 003, ... are solved.
            solved_times = [r.autograde_seconds for r in graded if int(r.student[-3:]) % 3 == 0]
            per_solved = statistics.median(solved_times)
            with_feedback = statistics.median(r.seconds for r in graded)
            grading_solved, own_cells, per_100 = class_figures(graded, timings, wall, n)
            phases = phase_rows(graded, timings, wall, args.jobs)
            ratios = {
                "cells_alone_seconds": round(cells, 2),
                "grading_solved_seconds_mean": round(grading_solved, 2),
                "grading_over_cells": round(grading_solved / cells, 2),
                "own_cells_seconds": round(own_cells, 2),
                "grading_over_own_cells": round(grading_solved / own_cells, 2),
                "vanilla_wall_seconds": None if vanilla is None else round(vanilla, 1),
                "vanilla_seconds_per_submission": None
                if vanilla is None
                else round(vanilla / n, 2),
                "vanilla_over_convlab": None if vanilla is None else round(vanilla / wall, 2),
                "extrapolated_100_seconds": round(per_100, 0),
            }
            text = (
                f"\n## {args.lesson}, {n} submissions, {args.jobs} workers"
                f"{'' if not args.no_figures else ', figures not drawn'}\n\n"
                + markdown_table(phases)
                + "\n\n"
                + f"- grading per solved submission (in its worker, feedback included): "
                f"{grading_solved:.2f} s; its cells as its kernel ran them in this run (hidden "
                f"tests included): {own_cells:.2f} s, ratio {grading_solved / own_cells:.2f} "
                f"(goal <= 1.1); the cells alone of plain nbconvert (no hidden tests, median of "
                f"{len(plain_cells)}): {cells:.2f} s, ratio {grading_solved / cells:.2f}\n"
                + (
                    f"- class: vanilla `nbgrader autograde` (serial) {vanilla:.1f} s "
                    f"({vanilla / n:.2f} s per submission), `convlab grade --jobs {args.jobs}` "
                    f"{wall:.1f} s: {vanilla / wall:.2f}x faster (goal >= 3)\n"
                    if vanilla is not None
                    else ""
                )
                + f"- 100 submissions, extrapolated (setup once, the rest per submission): "
                f"{per_100:.0f} s (goal <= 240 s)\n" + cold_text
            )
            print(text, flush=True)
            tables.append((n, phases, text))
            rows.append(
                {
                    "lesson": args.lesson,
                    "submissions": n,
                    "jobs": args.jobs,
                    "figures": not args.no_figures,
                    "graded": len(graded),
                    "wall_seconds": round(wall, 1),
                    "wall_seconds_per_submission": round(wall / n, 2),
                    "autograde_seconds_median": round(per_sub, 2),
                    "with_feedback_seconds_median": round(with_feedback, 2),
                    "plain_execution_seconds_median": round(plain, 2),
                    "autograde_solved_seconds_median": round(per_solved, 2),
                    "autograde_over_plain": round(per_solved / plain, 2),
                    **ratios,
                }
            )
            print(rows[-1], flush=True)
    first = rows[0]["autograde_seconds_median"]
    for row in rows:
        row["per_submission_vs_smallest_class"] = round(row["autograde_seconds_median"] / first, 2)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "grading-bench.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with (out / "grading-phases.csv").open("w", newline="") as f:
        writer = csv.DictWriter(
            f, fieldnames=["submissions", "phase", "seconds_per_submission", "share"]
        )
        writer.writeheader()
        for n, phases, _ in tables:
            for phase in phases:
                writer.writerow(
                    {
                        "submissions": n,
                        "phase": phase["phase"],
                        "seconds_per_submission": round(phase["seconds_per_submission"], 3),
                        "share": "" if phase["share"] is None else round(phase["share"], 3),
                    }
                )
    (out / "grading-phases.md").write_text("".join(text for _, _, text in tables).lstrip())
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    sizes = [r["submissions"] for r in rows]
    ax.plot(sizes, [r["autograde_seconds_median"] for r in rows], "o-", label="autograde (median)")
    ax.plot(
        sizes, [r["wall_seconds_per_submission"] for r in rows], "s-", label="wall / submission"
    )
    ax.plot(
        sizes, [r["plain_execution_seconds_median"] for r in rows], "^--", label="plain execution"
    )
    ax.set_xscale("log")
    ax.set_xlabel("class size (submissions)")
    ax.set_ylabel("seconds")
    ax.set_ylim(bottom=0)
    drawn = "" if not args.no_figures else ", figures not drawn"
    ax.set_title(f"convlab grade, {args.lesson}, {args.jobs} workers{drawn}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "grading-bench.png", dpi=100)
    for row in rows:
        print(row)
    for _, _, text in tables:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
