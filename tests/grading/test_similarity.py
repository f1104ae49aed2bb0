"""The similarity report flags a copied-and-renamed pair, not two independent correct answers.

Real notebooks: the submissions are lesson 02's English release notebook with
their answer cells filled in, as a student's would be.
"""

from __future__ import annotations

import csv

import nbformat
import pytest

from convlab.grading.similarity import answer_cells, similar_pairs, write_similarity_csv

from ..course.conftest import ROOT

LESSON = "02-convolution-from-scratch"
RELEASE = ROOT / "course" / "en" / "release" / LESSON / f"{LESSON}.ipynb"

REFERENCE = {
    "valid_output_size": """def valid_output_size(n, k):
    return n - k + 1
""",
    "correlate_loops": """def correlate_loops(image, kernel):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    kh, kw = kernel.shape
    out_h = image.shape[0] - kh + 1
    out_w = image.shape[1] - kw + 1
    out = np.zeros((out_h, out_w))
    for y in range(out_h):
        for x in range(out_w):
            window = image[y : y + kh, x : x + kw]
            out[y, x] = np.sum(window * kernel)
    return out
""",
    "correlate_vectorized": """def correlate_vectorized(image, kernel):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    kh, kw = kernel.shape
    out_h = image.shape[0] - kh + 1
    out_w = image.shape[1] - kw + 1
    out = np.zeros((out_h, out_w))
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * image[i : i + out_h, j : j + out_w]
    return out
""",
    "convolve_valid": """def convolve_valid(image, kernel):
    kernel = np.asarray(kernel)
    return correlate_vectorized(image, kernel[::-1, ::-1])
""",
}
# REFERENCE copied, names changed and independent lines reordered
COPY_RENAMED = {
    "valid_output_size": """def valid_output_size(n, k):
    return n + 1 - k
""",
    "correlate_loops": """def correlate_loops(image, kernel):
    k = np.asarray(kernel, dtype=np.float64)
    img = np.asarray(image, dtype=np.float64)
    h, w = k.shape
    rows = img.shape[0] - h + 1
    cols = img.shape[1] - w + 1
    result = np.zeros((rows, cols))
    for r in range(rows):
        for c in range(cols):
            patch = img[r : r + h, c : c + w]
            result[r, c] = np.sum(patch * k)
    return result
""",
    "correlate_vectorized": """def correlate_vectorized(image, kernel):
    k = np.asarray(kernel, dtype=np.float64)
    img = np.asarray(image, dtype=np.float64)
    h, w = k.shape
    cols = img.shape[1] - w + 1
    rows = img.shape[0] - h + 1
    result = np.zeros((rows, cols))
    for a in range(h):
        for b in range(w):
            result += k[a, b] * img[a : a + rows, b : b + cols]
    return result
""",
    "convolve_valid": """def convolve_valid(image, kernel):
    flipped = np.asarray(kernel)
    return correlate_vectorized(image, flipped[::-1, ::-1])
""",
}
# independent, correct
INDEPENDENT = {
    "valid_output_size": """def valid_output_size(n, k):
    if k > n:
        return 0
    return n - (k - 1)
""",
    "correlate_loops": """def correlate_loops(image, kernel):
    img = np.array(image, float)
    ker = np.array(kernel, float)
    H = img.shape[0] - ker.shape[0] + 1
    W = img.shape[1] - ker.shape[1] + 1
    result = np.empty((H, W))
    for r in range(H):
        for c in range(W):
            total = 0.0
            for i in range(ker.shape[0]):
                for j in range(ker.shape[1]):
                    total += img[r + i, c + j] * ker[i, j]
            result[r, c] = total
    return result
""",
    "correlate_vectorized": """def correlate_vectorized(image, kernel):
    from numpy.lib.stride_tricks import sliding_window_view
    windows = sliding_window_view(np.asarray(image, float), np.shape(kernel))
    return np.einsum("yxij,ij->yx", windows, np.asarray(kernel, float))
""",
    "convolve_valid": """def convolve_valid(image, kernel):
    return correlate_vectorized(image, np.flip(np.asarray(kernel)))
""",
}
# independent, correct, closer to the lesson's text
INDEPENDENT_LESSON_STYLE = {
    "valid_output_size": """def valid_output_size(n, k):
    return max(n - k + 1, 0)
""",
    "correlate_loops": """def correlate_loops(image, kernel):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    n_rows = valid_output_size(image.shape[0], kernel.shape[0])
    n_cols = valid_output_size(image.shape[1], kernel.shape[1])
    output = np.zeros((n_rows, n_cols))
    for row in range(n_rows):
        for col in range(n_cols):
            region = image[row:row + kernel.shape[0], col:col + kernel.shape[1]]
            output[row, col] = (region * kernel).sum()
    return output
""",
    "correlate_vectorized": """def correlate_vectorized(image, kernel):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    n_rows = valid_output_size(image.shape[0], kernel.shape[0])
    n_cols = valid_output_size(image.shape[1], kernel.shape[1])
    output = np.zeros((n_rows, n_cols))
    for (i, j), weight in np.ndenumerate(kernel):
        output = output + weight * image[i:i + n_rows, j:j + n_cols]
    return output
""",
    "convolve_valid": """def convolve_valid(image, kernel):
    return correlate_vectorized(image, np.asarray(kernel)[::-1, ::-1])
""",
}


def _submission(tmp_path, student: str, answers: dict[str, str]):
    nb = nbformat.read(RELEASE, as_version=4)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            cell.source = answers[grade_id]
    path = tmp_path / "submitted" / student / LESSON / f"{LESSON}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def class_answers(tmp_path):
    answers = {
        "ana": REFERENCE,
        "ben": COPY_RENAMED,
        "carla": INDEPENDENT,
        "dora": INDEPENDENT_LESSON_STYLE,
    }
    paths = {student: _submission(tmp_path, student, a) for student, a in answers.items()}
    return {student: answer_cells(path) for student, path in paths.items()}


def test_copied_and_renamed_pair_is_flagged_and_independent_answers_are_not(class_answers):
    pairs = similar_pairs(class_answers, answer_cells(RELEASE))
    assert [(p.student_a, p.student_b) for p in pairs] == [("ana", "ben")]
    assert pairs[0].similarity >= 0.8
    # the cells that look alike on their own; valid_output_size is one short line, alike by nature
    assert pairs[0].cells == ("correlate_loops", "correlate_vectorized", "convolve_valid")


def test_template_code_alone_is_never_similar(class_answers):
    template = answer_cells(RELEASE)
    blank = {"eva": dict(template), "fede": dict(template)}
    assert similar_pairs(blank, template) == []


def test_similarity_csv_lists_pair_score_and_cells(class_answers, tmp_path):
    path = write_similarity_csv(
        tmp_path / "similarity.csv", similar_pairs(class_answers, answer_cells(RELEASE))
    )
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["student_a", "student_b", "similarity", "shared", "cells"]
    assert rows[1][:2] == ["ana", "ben"]
    assert rows[1][4] == "correlate_loops correlate_vectorized convolve_valid"


def test_threshold_outside_0_1_is_refused():
    with pytest.raises(ValueError, match=r"`threshold` must be in \(0, 1\]"):
        similar_pairs({}, {}, threshold=0)


def test_the_same_submissions_give_the_same_pairs_in_every_process(class_answers, tmp_path):
    """copydetect hashes with Python's salted ``hash``: without a stable hash, unchanged
    submissions were 80%, 85% or not similar at all from one run to the next."""
    import json
    import os
    import subprocess
    import sys

    data = tmp_path / "answers.json"
    data.write_text(json.dumps({"class": class_answers, "template": answer_cells(RELEASE)}))
    code = (
        "import dataclasses, json, sys\n"
        "from convlab.grading.similarity import similar_pairs\n"
        "d = json.load(open(sys.argv[1]))\n"
        "print(json.dumps([dataclasses.astuple(p) for p in similar_pairs(d['class'], d['template'])]))\n"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run(
            [sys.executable, "-c", code, str(data)], env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        outputs.add(run.stdout)
    assert len(outputs) == 1, outputs
