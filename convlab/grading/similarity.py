"""Submissions that look like the same work: a flag for a human, never a penalty.

The answer cells of each submission (nbgrader's solution cells) are compared
pairwise with copydetect's winnowing fingerprints (Schleimer, Wilkerson and
Aiken's MOSS algorithm): the code is tokenized and every variable and function
name replaced by one token before fingerprinting, so renaming variables does
not hide a copy, and fingerprints are k-grams of tokens, so moving lines or
whole functions around does not either. The template code the release
notebook gives every student (function signatures, ``raise
NotImplementedError()``) is boilerplate: its fingerprints are removed first.

Short answers are excluded by construction: a pair is flagged only when the
copied part is long (at least :data:`MIN_OVERLAP` fingerprints in common) *and*
large in both submissions (each shares at least `threshold` of its
fingerprints with the other). Two students who independently write
``return n - k + 1`` share a handful of fingerprints, not a submission.

Why copydetect: it is a maintained MOSS-style detector for Python with the
two properties needed (name-insensitive tokens, order-insensitive
fingerprints) and a boilerplate option, usable offline as a library; MOSS
itself is a web service, and JPlag needs Java.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import itertools
from pathlib import Path

import nbformat

__all__ = [
    "SimilarPair",
    "answer_cells",
    "similar_pairs",
    "write_similarity_csv",
    "DEFAULT_THRESHOLD",
]

#: A pair is flagged when each submission shares at least this fraction of its fingerprints.
DEFAULT_THRESHOLD = 0.8
#: ... and at least this many tokens are shared (short answers are alike by nature).
MIN_OVERLAP = 40
#: A cell is named as alike on its own only with this many tokens in common: a one-line
#: answer (``return n - k + 1``, about 17 tokens) is alike in every correct submission.
MIN_CELL_OVERLAP = 25
#: k-gram length (tokens) and winnowing window of the fingerprints.
K, WINDOW = 12, 4
#: Columns of ``similarity-<lesson>.csv``.
CSV_COLUMNS = ["student_a", "student_b", "similarity", "shared", "cells"]


@dataclasses.dataclass(frozen=True)
class SimilarPair:
    """Two submissions whose answer cells look like the same work."""

    student_a: str
    student_b: str
    #: The smaller of the two fractions of fingerprints shared (0..1).
    similarity: float
    #: Fingerprints shared.
    shared: int
    #: Answer cells (nbgrader grade ids) that look alike on their own, in notebook order.
    cells: tuple[str, ...]


def answer_cells(notebook: Path | nbformat.NotebookNode) -> dict[str, str]:
    """The solution cells of a notebook: ``{grade_id: source}`` in notebook order."""
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, 4)
    cells: dict[str, str] = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            cells[meta.get("grade_id", f"cell-{len(cells)}")] = cell.source
    return cells


def _stable_kgram_hashes(string: str, k: int):
    """copydetect's ``hashed_kgrams`` with a hash that is the same in every process.

    copydetect hashes k-grams with Python's ``hash``, which is salted per process
    (PYTHONHASHSEED): winnowing then keeps other fingerprints in every run, and a
    pair of unchanged submissions was reported at 80% in one run, 85% or not at all
    in the next.
    """
    import numpy as np

    return np.array(
        [
            int.from_bytes(
                hashlib.blake2b(string[i : i + k].encode(), digest_size=8).digest(),
                "little",
                signed=True,
            )
            for i in range(len(string) - k + 1)
        ]
    )


def _fingerprint(code: str, boilerplate=None):
    import copydetect.utils
    from copydetect import CodeFingerprint

    salted = copydetect.utils.hashed_kgrams
    copydetect.utils.hashed_kgrams = _stable_kgram_hashes
    try:
        return CodeFingerprint(
            "answer.py", K, WINDOW, boilerplate=boilerplate, fp=io.StringIO(code), language="python"
        )
    finally:
        copydetect.utils.hashed_kgrams = salted


def _compare(a, b) -> tuple[int, float, float]:
    from copydetect import compare_files

    if len(a.hashes) == 0 or len(b.hashes) == 0:
        return 0, 0.0, 0.0
    overlap, (sim_a, sim_b), _ = compare_files(a, b)
    return int(overlap), float(sim_a), float(sim_b)


def similar_pairs(
    submissions: dict[str, dict[str, str]],
    template: dict[str, str],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[SimilarPair]:
    """Pairs of submissions whose answer cells look like the same work, most similar first.

    Parameters
    ----------
    submissions : dict
        ``{student_id: {grade_id: source}}``, e.g. from :func:`answer_cells`.
    template : dict
        The release notebook's answer cells (``{grade_id: source}``): code every
        student is given, ignored.
    threshold : float
        Fraction (0..1) of each submission's fingerprints the other must share.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"`threshold` must be in (0, 1]; got {threshold!r}")
    import numpy as np

    boilerplate = np.array(sorted(_fingerprint("\n\n".join(template.values())).hashes))
    whole = {s: _fingerprint("\n\n".join(c.values()), boilerplate) for s, c in submissions.items()}
    pairs = []
    for a, b in itertools.combinations(sorted(submissions), 2):
        shared, sim_a, sim_b = _compare(whole[a], whole[b])
        similarity = min(sim_a, sim_b)
        if shared < MIN_OVERLAP or similarity < threshold:
            continue
        cells = []
        for cell, code in submissions[a].items():
            other = submissions[b].get(cell)
            if other is None:
                continue
            one, two = _fingerprint(code, boilerplate), _fingerprint(other, boilerplate)
            shared_here, s1, s2 = _compare(one, two)
            if shared_here >= MIN_CELL_OVERLAP and min(s1, s2) >= threshold:
                cells.append(cell)
        pairs.append(SimilarPair(a, b, round(similarity, 3), shared, tuple(cells)))
    return sorted(pairs, key=lambda p: (-p.similarity, p.student_a, p.student_b))


def write_similarity_csv(path: Path, pairs: list[SimilarPair]) -> Path:
    """``similarity-<lesson>.csv``: one row per flagged pair (:data:`CSV_COLUMNS`)."""
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for p in pairs:
            writer.writerow(
                [p.student_a, p.student_b, f"{p.similarity:.3f}", p.shared, " ".join(p.cells)]
            )
    return Path(path)
