"""Time `convlab grade` against plain execution of the same notebook, at several class sizes.

    .venv/bin/python benchmarks/grading.py --lesson 01-images-as-arrays --sizes 30,300 --jobs 2

For each class size, a scratch course gets N synthetic submissions (cycling
through: the solutions, the untouched release notebook, the solutions with one
exercise broken) and is graded by `convlab grade` (sandboxed, as instructors
grade).  Plain execution is `jupyter nbconvert` executing the solved
notebook (median of --plain runs, --jobs at a time, as grading runs); the
ratio compares it with the autograde time of the solved submissions.  Writes
grading-bench.csv and grading-bench.png in --out and prints the table.  A
measurement, not a test: run it on a quiet machine and read the ratios, which
come from one run.
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


def make_course(base: Path, lesson: str, n: int, language: str, figures: bool = True) -> Path:
    course = base / "course"
    course.mkdir()
    shutil.copy2(ROOT / "course" / language / "nbgrader_config.py", course)
    if not figures:
        config = course / "nbgrader_config.py"
        text = config.read_text()
        assert "c.GradingExecute.figures = True" in text
        config.write_text(text.replace("figures = True", "figures = False"))
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
        done += len(batch)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="01-images-as-arrays")
    parser.add_argument("--language", default="en")
    parser.add_argument("--sizes", default="30,300", help="comma-separated class sizes")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--plain", type=int, default=10, help="plain executions to time")
    parser.add_argument(
        "--no-figures",
        action="store_true",
        help="grade with c.GradingExecute.figures = False (figures not drawn)",
    )
    parser.add_argument("--out", default="bench-results")
    args = parser.parse_args(argv)
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as scratch:
            base = Path(scratch)
            course = make_course(base, args.lesson, n, args.language, figures=not args.no_figures)
            plain = statistics.median(
                plain_execution(course, args.lesson, args.plain, args.jobs, not args.no_figures)
            )
            start = time.perf_counter()
            results, _ = grade(course, args.lesson, jobs=args.jobs, progress=True)
            wall = time.perf_counter() - start
            graded = [r for r in results if r.status == "graded"]
            per_sub = statistics.median(r.autograde_seconds for r in graded)
            # Submissions cycle solved/untouched/broken: student000, 003, ... are solved.
            solved_times = [r.autograde_seconds for r in graded if int(r.student[-3:]) % 3 == 0]
            per_solved = statistics.median(solved_times)
            with_feedback = statistics.median(r.seconds for r in graded)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
