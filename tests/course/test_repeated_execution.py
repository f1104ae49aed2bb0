"""Every lesson executes again and again without the widget stall (jupyter/nbclient#312).

With nbclient's single long wait for a cell's reply, a reply that arrived while
the wait was pending was sometimes seen only when the wait timed out: cells
after a widget stalled for the whole cell timeout (about 1 run in 3 of lesson
01 on a quiet machine).  convlab's clients wait in short slices
(:class:`convlab.grading.execute.PatientReplyMixin`), in grading too.  Here
every lesson runs several times in a row; a stall would surface as a
``CellTimeoutError`` (60 s per cell: generous for a busy machine, far below
nbgrader's or nbval's limits, so a stall cannot hide).
"""

from __future__ import annotations

import time

import nbformat
import pytest

from convlab.grading.execute import patient_client

from .conftest import ROOT, SLUGS

RUNS = 2
CELL_TIMEOUT = 60


@pytest.mark.notebooks
@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_executes_repeatedly_without_stalling(slug):
    path = ROOT / "course" / "en" / "source" / slug / f"{slug}.ipynb"
    times = []
    for _ in range(RUNS):
        nb = nbformat.read(path, as_version=4)
        client = patient_client(
            nb,
            timeout=CELL_TIMEOUT,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        start = time.perf_counter()
        client.execute()  # raises on a cell error or a stalled (timed-out) cell
        times.append(time.perf_counter() - start)
    print(f"\n[timing] {slug}: " + ", ".join(f"{t:.1f} s" for t in times))
