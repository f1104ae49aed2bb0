"""Time `convlab grade` on N synthetic submissions of one lesson, 1 worker vs several.

    .venv/bin/python benchmarks/grading.py --lesson 01-images-as-arrays --n 100 --jobs 1,2

Submissions cycle through: the solutions, the untouched release notebook, and
the solutions with one exercise broken.  Writes grading-bench.csv (and prints
it) in --out.  A measurement, not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import csv
import shutil
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


def make_course(base: Path, lesson: str, n: int, language: str) -> Path:
    course = base / "course"
    course.mkdir()
    shutil.copy2(ROOT / "course" / language / "nbgrader_config.py", course)
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="01-images-as-arrays")
    parser.add_argument("--language", default="en")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--jobs", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--out", default="bench-results")
    args = parser.parse_args(argv)
    rows = []
    for jobs in [int(x) for x in args.jobs.split(",")]:
        with tempfile.TemporaryDirectory() as scratch:
            course = make_course(Path(scratch), args.lesson, args.n, args.language)
            start = time.perf_counter()
            results, _ = grade(course, args.lesson, jobs=jobs, progress=True)
            seconds = time.perf_counter() - start
            ok = sum(r.status == "graded" for r in results)
            rows.append(
                {
                    "lesson": args.lesson,
                    "submissions": args.n,
                    "jobs": jobs,
                    "graded": ok,
                    "seconds": round(seconds, 1),
                    "seconds_per_submission": round(seconds / args.n, 2),
                }
            )
            print(rows[-1], flush=True)
    base = rows[0]["seconds"]
    for row in rows:
        row["speedup_vs_first"] = round(base / row["seconds"], 2)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "grading-bench.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
