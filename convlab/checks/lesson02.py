"""Checks for lesson 02, the sliding window.

Introduced in lesson 02: ``valid_output_size``, ``correlate_loops`` and
``correlate_vectorized`` (both checked by ``correlate_valid``), ``convolve_valid``.
"""

from __future__ import annotations

import numpy as np

from convlab.i18n import gettext as _

from . import _oracles
from ._core import (
    Case,
    Hypothesis,
    ScalarExercise,
    frozen,
)
from .shared import K23, WindowExercise, random_image, random_kernel

__all__ = ["ConvolveValid", "CorrelateValid", "ValidOutputSize"]

_K33 = frozen(np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [4.0, 3.0, -4.0]]))
# A small uint8 "photo" with dark and bright pixels side by side.
_PHOTO = frozen(
    np.array(
        [
            [12, 200, 255, 30, 90],
            [0, 180, 240, 60, 10],
            [250, 5, 128, 220, 40],
            [77, 99, 3, 160, 255],
        ],
        dtype=np.uint8,
    )
)
# A float32 image and an integer kernel: the output is still float64.
_SINGLES = frozen((np.arange(30, dtype=np.float32).reshape(5, 6) * 0.37) % 3)
_INT_KERNEL = frozen(np.array([[1, 2], [0, -1], [3, 1]], dtype=np.int64))


def window_cases(rng, *, odd_only: bool) -> list[Case]:
    """Randomized valid-window cases: 1x1 and image-sized kernels, non-square, dtypes."""
    cases = []
    kernel_shapes = [(1, 1), (1, 3), (3, 1), (3, 3), (3, 5), (5, 3)]
    if not odd_only:
        kernel_shapes += [(2, 2), (2, 3)]
    for kh, kw in kernel_shapes:
        h, w = kh + int(rng.integers(0, 7)), kw + int(rng.integers(0, 7))
        if h == w:
            w += 1
        dtype = (np.float64, np.float32, np.uint8)[int(rng.integers(0, 3))]
        cases.append(Case((random_image(rng, (h, w), dtype), random_kernel(rng, (kh, kw)))))
    # Kernel exactly as large as the image (output 1x1).
    for shape in ((3, 3), (3, 5)):
        cases.append(Case((random_image(rng, shape, np.float64), random_kernel(rng, shape))))
    # uint8 image with an integer kernel (negative results), and a float32 image.
    cases.append(
        Case((random_image(rng, (6, 7), np.uint8), random_kernel(rng, (3, 3), integer=True)))
    )
    cases.append(Case((random_image(rng, (7, 6), np.float32), random_kernel(rng, (3, 3)))))
    # A one-row image with a one-row kernel, and a larger random case.
    cases.append(Case((random_image(rng, (1, 9), np.float64), random_kernel(rng, (1, 3)))))
    cases.append(Case((random_image(rng, (17, 23), np.float64), random_kernel(rng, (5, 5)))))
    return cases


class ValidOutputSize(ScalarExercise):
    """``valid_output_size(n, k) -> n - k + 1``."""

    name = "valid_output_size"
    check_doc = """Check ``valid_output_size(n, k) -> int`` (lesson 02), for 1 <= k <= n.

    Parameters, raises: as :func:`image_info`.
    """
    example = "valid_output_size"
    arg_names = ("n", "k")

    def public_cases(self):
        return [Case((5, 3)), Case((7, 1)), Case((4, 4)), Case((28, 5))]

    def hidden_cases(self, rng):
        cases = [Case((1, 1)), Case((2, 1)), Case((2, 2)), Case((100, 3)), Case((512, 511))]
        for _i in range(20):
            n = int(rng.integers(1, 1000))
            cases.append(Case((n, int(rng.integers(1, n + 1)))))
        return cases

    def expected(self, case):
        n, k = case.args
        return n - k + 1

    def hypotheses(self, case, expected):
        n, k = case.args
        yield Hypothesis(
            _(
                "Your answer is one less than the right size: count the kernel's positions "
                "again, including the last one, where it touches the far edge."
            ),
            n - k,
        )
        yield Hypothesis(_("Your answer is one more than the right size."), n - k + 2)
        yield Hypothesis(
            _(
                "That is the size of the 'full' output, which keeps every partial overlap; "
                "'valid' counts only the positions where the kernel lies entirely inside the "
                "image."
            ),
            n + k - 1,
        )
        yield Hypothesis(
            _("That is the size of the 'same' output; a 'valid' output is smaller than its input."),
            n,
        )


class CorrelateValid(WindowExercise):
    """``correlate_loops(image, kernel)`` / ``correlate_vectorized``: valid, from scratch."""

    name = "correlate_valid"
    check_doc = """Check a valid 2-D correlation, ``correlate_loops`` or ``correlate_vectorized`` (lesson 02).

    Any numeric output dtype is accepted if the values are right (results are
    compared in float64).  Kernels may be non-square, even-sized, 1x1 or as
    large as the image.

    Parameters
    ----------
    student_fn : callable
        ``f(image, kernel) -> ndarray``.
    hidden : bool, optional
        Also run randomized and edge cases.
    seed : int, optional
        Seed of the randomized cases; fresh per run when None.
    from_scratch : bool, optional
        Fail if the function calls a library convolution or filter (default).

    Raises
    ------
    CheckFailed
        With a localized report of the smallest failing case.
    """
    example = "correlate_loops"

    def public_cases(self):
        image45 = frozen(np.arange(20, dtype=np.float64).reshape(4, 5))
        image55 = frozen(
            np.array(
                [
                    [3, 1, 4, 1, 5],
                    [9, 2, 6, 5, 3],
                    [5, 8, 9, 7, 9],
                    [3, 2, 3, 8, 4],
                    [6, 2, 6, 4, 3],
                ],
                dtype=np.float64,
            )
        )
        return [
            Case((image45, K23)),
            Case((image55, _K33)),
            Case((frozen(np.array([[1.0, 2.0, 3.0]])), frozen(np.array([[1.0, 2.0]])))),
            Case((image55, frozen(np.array([[2.0]])))),
            # A uint8 photo: the results go below 0 and above 255, so an output kept
            # as uint8 wraps around (the lesson's warning), and an integer output
            # is not the float64 array asked for.
            Case((_PHOTO, _K33)),
            Case((_SINGLES, _INT_KERNEL)),  # float32 image, int64 kernel: the output is float64
        ]

    def hidden_cases(self, rng):
        return window_cases(rng, odd_only=False)

    def dtype_ok(self, case, expected, received):
        return received.dtype == np.float64  # the exercise asks for a float64 array

    def expected(self, case):
        return _oracles.correlate_valid(*case.args)

    def hypotheses(self, case, expected):
        image, kernel = case.args
        yield Hypothesis(
            _(
                "Your output is the convolution of the image with the kernel: the kernel was "
                "flipped (rotated by 180°). Correlation uses the kernel as it is."
            ),
            lambda: _oracles.correlate_valid(image, kernel[::-1, ::-1]),
        )
        yield Hypothesis(
            _(
                "Your output matches the kernel flipped upside down (its rows reversed). Correlation uses the kernel as it is."
            ),
            lambda: _oracles.correlate_valid(image, kernel[::-1, :]),
        )
        yield Hypothesis(
            _(
                "Your output matches the kernel flipped left to right (its columns reversed). "
                "Correlation uses the kernel as it is."
            ),
            lambda: _oracles.correlate_valid(image, kernel[:, ::-1]),
        )
        yield Hypothesis(
            _(
                "Your output matches the kernel transposed (rows and columns swapped). Check "
                "that kernel row i is multiplied with image row i of the window."
            ),
            lambda: _oracles.correlate_valid(image, kernel.T),
        )
        yield from self.short_hypotheses(expected)
        yield Hypothesis(
            _(
                "Your output is zero-padded 'same' correlation: valid correlation does not "
                "pad; it keeps only positions where the kernel fits entirely inside the image."
            ),
            lambda: _oracles.correlate_same(image, kernel, "constant"),
        )

    def shape_notes(self, case, expected, received):
        return self.output_notes(case, expected, received)


class ConvolveValid(WindowExercise):
    """``convolve_valid(image, kernel)``: valid 2-D convolution."""

    name = "convolve_valid"
    check_doc = """Check a valid 2-D convolution, ``convolve_valid(image, kernel)`` (lesson 02).

    The student may call their own correlation; library convolutions are
    refused while `from_scratch` is true.  Parameters, raises: as
    :func:`correlate_valid`.
    """
    example = "convolve_valid"

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to compute the convolution yourself (your "
            "own correlation functions are fine), but {function} called {forbidden}. Library "
            "convolutions, correlations and filters (SciPy, OpenCV, TensorFlow, "
            "numpy.convolve, convlab's own functions) are not allowed here."
        )

    def public_cases(self):
        image45 = frozen(np.arange(20, dtype=np.float64).reshape(4, 5))
        return [
            Case((image45, K23)),
            Case((frozen(np.arange(25, dtype=np.float64).reshape(5, 5) % 7), _K33)),
            Case((frozen(np.array([[1.0, 2.0, 3.0]])), frozen(np.array([[1.0, 2.0]])))),
            Case((_PHOTO, _K33)),  # uint8 input: a uint8 output would wrap around
            Case((_SINGLES, _INT_KERNEL)),  # float32 image, int64 kernel
        ]

    def hidden_cases(self, rng):
        return window_cases(rng, odd_only=False)

    def dtype_ok(self, case, expected, received):
        return received.dtype == np.float64  # the exercise asks for a float64 array

    def expected(self, case):
        return _oracles.convolve_valid(*case.args)

    def hypotheses(self, case, expected):
        image, kernel = case.args
        yield Hypothesis(
            _(
                "Your output is the correlation of the image with the kernel: the kernel was "
                "not flipped. Convolution rotates the kernel by 180° before sliding it."
            ),
            lambda: _oracles.correlate_valid(image, kernel),
        )
        yield Hypothesis(
            _(
                "The kernel was flipped upside down only. Convolution flips both axes (a "
                "rotation by 180°)."
            ),
            lambda: _oracles.correlate_valid(image, kernel[::-1, :]),
        )
        yield Hypothesis(
            _(
                "The kernel was flipped left to right only. Convolution flips both axes (a "
                "rotation by 180°)."
            ),
            lambda: _oracles.correlate_valid(image, kernel[:, ::-1]),
        )
        yield Hypothesis(
            _(
                "The kernel was transposed (rows and columns swapped) instead of rotated by "
                "180°. A transpose mirrors across the diagonal; convolution flips both axes."
            ),
            lambda: _oracles.correlate_valid(image, kernel.T),
        )
        rotated = _("The kernel was rotated by 90° instead of 180°.")
        yield Hypothesis(rotated, lambda: _oracles.correlate_valid(image, np.rot90(kernel, 1)))
        yield Hypothesis(rotated, lambda: _oracles.correlate_valid(image, np.rot90(kernel, -1)))
        yield from self.short_hypotheses(expected)

    def shape_notes(self, case, expected, received):
        return self.output_notes(case, expected, received)


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    ValidOutputSize,
    CorrelateValid,
    ConvolveValid,
)
