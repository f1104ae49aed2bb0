"""Overhead of the grading sandbox: the same notebook executed by GradingExecute with and without it.

    .venv/bin/python benchmarks/sandbox.py --lesson 01-images-as-arrays --repeat 5

Alternates sandboxed and unsandboxed runs of the lesson's solved notebook
(kernel start included, as in grading) and reports the medians and their
difference; also times starting an empty sandbox (``bwrap ... /bin/true``).
Writes sandbox-bench.csv in --out.  A measurement, not a test.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from convlab.grading.execute import GradingExecute  # noqa: E402
from convlab.grading.sandbox import Sandbox  # noqa: E402
from tests.grading.nbgrader_helpers import read_nb  # noqa: E402


def solved_source(lesson: str, language: str) -> nbformat.NotebookNode:
    return read_nb(ROOT / "course" / language / "source" / lesson / f"{lesson}.ipynb")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="01-images-as-arrays")
    parser.add_argument("--language", default="en")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default="bench-results")
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {"bwrap": [], "none": []}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for _ in range(args.repeat):
            for mode in ("bwrap", "none"):
                nb = solved_source(args.lesson, args.language)
                start = time.perf_counter()
                GradingExecute(sandbox=mode, timeout=300).preprocess(
                    nb, {"metadata": {"path": str(folder)}}
                )
                times[mode].append(time.perf_counter() - start)
                print(mode, f"{times[mode][-1]:.2f} s", flush=True)
        empty = []
        for _ in range(args.repeat):
            box = Sandbox(folder)
            start = time.perf_counter()
            subprocess.run(box.wrap(["/bin/true"]), check=True)
            empty.append(time.perf_counter() - start)
            box.close()
    row = {
        "lesson": args.lesson,
        "runs": args.repeat,
        "sandboxed_median_s": round(statistics.median(times["bwrap"]), 2),
        "unsandboxed_median_s": round(statistics.median(times["none"]), 2),
        "overhead_s": round(
            statistics.median(times["bwrap"]) - statistics.median(times["none"]), 2
        ),
        "empty_sandbox_start_median_s": round(statistics.median(empty), 3),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "sandbox-bench.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
