"""nbgrader end to end with its real commands, on every lesson, in every language.

generate_assignment -> submissions -> autograde -> generate_feedback -> export,
asserting the exact scores and that feedback HTML exists.

One lesson (:data:`EVERY_CASE`, which has widgets: a stalled reply after a
widget, jupyter/nbclient#312, would fail its grading) goes through every case:
the solutions, the untouched release, a plausible mistake.  The others are
graded once, with their mistake: its score (all points but the mistaken
exercise's) proves at once that every other hidden test passes on the
solutions as a student writes them, and that the mistaken one fails.  What
the untouched release and the full solutions add is the same for every lesson
(nbgrader's handling of a notebook), so one lesson shows it; nbval executes
every source notebook with its solutions anyway.
"""

from __future__ import annotations

import re
import time

import pytest

from convlab.coursebuild.catalogs import languages
from convlab.coursebuild.lessons import discover
from convlab.i18n import translate

from .nbgrader_helpers import (
    exercise_points,
    export_scores,
    nbgrader,
    read_nb,
    scratch_course,
    solved,
    submit,
)

#: One plausible mistake per lesson: (solution cell id, regex on its code, replacement).
MISTAKES = {
    # uint8 wrap-around: no clipping before converting back
    "01-images-as-arrays": ("brighten", r"np\.clip\(wide, 0, 255\)", "wide"),
    # convolution without the flip (correlation)
    "02-convolution-from-scratch": ("convolve_valid", r"kernel\[::-1, ::-1\]", "kernel"),
    # a flipped kernel in the 'same' correlation
    "03-padding": (
        "correlate_same",
        r"correlate_valid\(padded, kernel\)",
        "correlate_valid(padded, kernel[::-1, ::-1])",
    ),
    # TensorFlow's extra padding put before instead of after
    "04-strides-and-shapes": (
        "same_padding",
        r"return total // 2, total - total // 2",
        "return total - total // 2, total // 2",
    ),
    # an average-pooling kernel of 1/size instead of 1/size**2
    "05-pooling": ("avg_pool_kernel", r"1 / size\*\*2", "1 / size"),
    # a box blur divided by k instead of k*k (not normalised)
    "06-keras-conv2d": ("blur_kernel", r"1\.0 / \(k \* k\)", "1.0 / k"),
    # a bias counted for the depthwise step of SeparableConv2D
    "07-depthwise-vs-conv2d": (
        "param_counts",
        r"depthwise \+ pointwise \+ c_out",
        "depthwise + pointwise + c_out + c_in",
    ),
    # the circulating Gaussian bug: (x / (2 sigma))**2, a Gaussian of sigma * sqrt(2)
    "08-gaussian-and-separable": (
        "gaussian_1d",
        r"np\.exp\(-\(x\*\*2\) / \(2 \* sigma\*\*2\)\)",
        "np.exp(-((x / (2 * sigma)) ** 2))",
    ),
    # an edge where the magnitude equals the threshold (>= instead of >)
    "09-edge-detection": (
        "edge_map",
        r"gradient_magnitude\(gx, gy\) > threshold",
        "gradient_magnitude(gx, gy) >= threshold",
    ),
    # the box read as (left, top, right, bottom)
    "10-mosaic-and-aliasing": (
        "pixelate",
        r"top, left, bottom, right = box",
        "left, top, right, bottom = box",
    ),
    # the mean of the timed runs instead of their median
    "11-speed": ("time_median", r"statistics\.median\(durations\)", "statistics.fmean(durations)"),
}
SLUGS = [lesson.slug for lesson in discover()]
#: The language each lesson is graded in: the course's languages in turn.
LANGUAGE = {slug: languages()[i % len(languages())] for i, slug in enumerate(SLUGS)}
#: nbgrader's own feedback labels, which our template says in the notebook's language.
NBGRADER_LABELS = ("Student's answer", "Test cell", "(Top)", "Score:", "Comments:", "Grade cell")
#: The lesson graded through every case (solutions, untouched release, mistake).
EVERY_CASE = "01-images-as-arrays"


def test_every_lesson_has_a_mistake_case():
    assert sorted(MISTAKES) == sorted(SLUGS)


def _pipeline(slug, tmp_path):
    language = LANGUAGE[slug]
    course = scratch_course(tmp_path, language)
    nbgrader(["generate_assignment", slug, "--force", "--create"], course)

    good = solved(course, slug)
    untouched = read_nb(course / "release" / slug / f"{slug}.ipynb")
    wrong = solved(course, slug)
    grade_id, pattern, replacement = MISTAKES[slug]
    cell = next(
        c for c in wrong.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )
    cell.source, count = re.subn(pattern, replacement, cell.source)
    assert count == 1, f"the mistake for {slug} no longer applies to {grade_id}:\n{cell.source}"

    cases = [("solved", good), ("untouched", untouched), ("mistake", wrong)]
    if slug != EVERY_CASE:
        cases = cases[2:]
    for student, nb in cases:
        submit(course, student, slug, nb)

    start = time.perf_counter()
    nbgrader(["autograde", slug, "--create"], course)
    per_submission = (time.perf_counter() - start) / len(cases)
    print(f"\n[timing] {slug}: autograde {per_submission:.1f} s per submission")

    nbgrader(["generate_feedback", slug], course)
    scores = export_scores(course, slug)

    points = exercise_points(read_nb(course / "source" / slug / f"{slug}.ipynb"))
    total = sum(points.values())
    expected = {"solved": total, "untouched": 0.0, "mistake": total - points[grade_id]}
    assert scores == {student: expected[student] for student, _ in cases}
    for student, _ in cases:
        html = course / "feedback" / student / slug / f"{slug}.html"
        _check_feedback(html, language, slug)


def _check_feedback(html, language, slug):
    """The student's feedback page: their language, no hidden cases."""
    text = html.read_text(encoding="utf-8")
    size = html.stat().st_size
    print(f"[feedback] {slug} ({language}): {size / 1000:.0f} kB")
    assert translate("Score", language) + ":" in text
    if language != "en":
        assert not [label for label in NBGRADER_LABELS if label in text], html
    # "hidden=True" is in every hidden test cell and in the line giving its seed
    for leak in ("BEGIN HIDDEN TESTS", "hidden=True", "KeyboardInterrupt"):
        assert leak not in text, f"{leak!r} in the feedback of {slug}"


@pytest.mark.grading
class _Pipeline:
    """One class per lesson, so pytest-xdist (--dist loadscope) grades lessons in parallel."""

    slug = ""

    def test_nbgrader_generate_autograde_feedback_export(self, tmp_path):
        _pipeline(self.slug, tmp_path)


for _slug in SLUGS:
    _name = "TestPipeline" + _slug.split("-")[0]
    globals()[_name] = type(
        _name, (_Pipeline,), {"slug": _slug, "__doc__": f"nbgrader end to end on {_slug}."}
    )
