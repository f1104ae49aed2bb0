"""Helpers to run nbgrader's real commands on a scratch copy of a course directory."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from convlab.coursebuild.lessons import repo_root
from convlab.grading import nbgrader_env
from tests.notebook_runs import count_execution

ROOT = repo_root()


def nbgrader(args: list[str], course: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise AssertionError(
            f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    return proc


def scratch_course(tmp_path: Path, language: str = "en") -> Path:
    """A copy of course/<language>/ (config and sources) to grade in."""
    course = tmp_path / f"course-{language}"
    course.mkdir()
    shutil.copy2(ROOT / "course" / language / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "course" / language / "source", course / "source")
    return course


def read_nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def solved(course: Path, slug: str) -> nbformat.NotebookNode:
    """The release notebook with every solution cell filled in from the source, as a student would."""
    source = read_nb(course / "source" / slug / f"{slug}.ipynb")
    release = read_nb(course / "release" / slug / f"{slug}.ipynb")
    answers = {
        c.metadata.nbgrader["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = re.sub(r"\s*### (BEGIN|END) SOLUTION", "", answers[grade_id])
    return release


def exercise_points(nb: nbformat.NotebookNode) -> dict[str, int]:
    """Points per solution cell: the tests cells that follow it, up to the next solution."""
    points: dict[str, int] = {}
    current = None
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            current = meta["grade_id"]
            points[current] = 0
        elif meta.get("grade") and current is not None:
            points[current] += meta["points"]
    return points


def submit(course: Path, student: str, slug: str, nb: nbformat.NotebookNode) -> None:
    """Put `nb` where nbgrader collects `student`'s submission (counted as a grading execution)."""
    count_execution("grading")
    folder = course / "submitted" / student / slug
    folder.mkdir(parents=True, exist_ok=True)
    for extra in (course / "release" / slug).iterdir():
        if extra.suffix != ".ipynb":
            (shutil.copytree if extra.is_dir() else shutil.copy2)(extra, folder / extra.name)
    nbformat.write(nb, folder / f"{slug}.ipynb")


def export_scores(course: Path, slug: str) -> dict[str, float]:
    nbgrader(["export", "--to", "grades.csv"], course)
    with (course / "grades.csv").open() as f:
        return {
            row["student_id"]: float(row["raw_score"])
            for row in csv.DictReader(f)
            if row["assignment"] == slug
        }


def graded_outputs(course: Path, student: str, slug: str) -> str:
    """Everything a graded notebook's code cells output: text, error names, messages, tracebacks."""
    nb = read_nb(course / "autograded" / student / slug / f"{slug}.ipynb")
    return "\n".join(
        "".join(o.get("text", ""))
        + str(o.get("ename", ""))
        + str(o.get("evalue", ""))
        + "".join(o.get("traceback", []))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


def graded_errors(course: Path, student: str, slug: str) -> list:
    """(cell index, grade id, error name, message) of each error in a graded notebook."""
    nb = read_nb(course / "autograded" / student / slug / f"{slug}.ipynb")
    return [
        (i, c.metadata.get("nbgrader", {}).get("grade_id"), o.ename, o.evalue[:500])
        for i, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
