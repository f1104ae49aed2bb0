"""Checks for lesson 02, the sliding window.

Introduced in lesson 02: ``valid_output_size``, ``correlate_loops`` and
``correlate_vectorized`` (both checked by ``correlate_valid``), ``convolve_valid``.
"""

from __future__ import annotations

import numpy as np

from convlab.i18n import gettext as _

from . import _oracles
from ._core import ArrayExercise, Case, ScalarExercise, as_array, frozen, joined

__all__ = ["ConvolveValid", "CorrelateValid", "ValidOutputSize", "WindowExercise"]

# Kernels whose taps are distinct powers of two: every tap is identifiable in
# the output, so a flipped or transposed kernel cannot go unnoticed.
_K23 = frozen(np.array([[1.0, 2.0, 4.0], [8.0, 16.0, 32.0]]))
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


def _image(rng, shape, dtype) -> np.ndarray:
    if np.dtype(dtype) == np.uint8:
        return frozen(rng.integers(0, 256, size=shape, dtype=np.uint8))
    if np.dtype(dtype).kind == "f" and rng.random() < 0.5:
        return frozen(rng.normal(size=shape).astype(dtype))
    return frozen(rng.integers(-9, 10, size=shape).astype(dtype))


def _kernel(rng, shape, integer: bool = False) -> np.ndarray:
    if integer:
        return frozen(rng.integers(-4, 5, size=shape).astype(np.int64))
    return frozen(rng.normal(size=shape).round(3))


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
        cases.append(Case((_image(rng, (h, w), dtype), _kernel(rng, (kh, kw)))))
    # Kernel exactly as large as the image (output 1x1).
    for shape in ((3, 3), (3, 5)):
        cases.append(Case((_image(rng, shape, np.float64), _kernel(rng, shape))))
    # uint8 image with an integer kernel (negative results), and a float32 image.
    cases.append(Case((_image(rng, (6, 7), np.uint8), _kernel(rng, (3, 3), integer=True))))
    cases.append(Case((_image(rng, (7, 6), np.float32), _kernel(rng, (3, 3)))))
    # A one-row image with a one-row kernel, and a larger random case.
    cases.append(Case((_image(rng, (1, 9), np.float64), _kernel(rng, (1, 3)))))
    cases.append(Case((_image(rng, (17, 23), np.float64), _kernel(rng, (5, 5)))))
    return cases


class ValidOutputSize(ScalarExercise):
    """``valid_output_size(n, k) -> n - k + 1``."""

    name = "valid_output_size"
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
        yield (
            _(
                "Your answer is one less than the right size: count the kernel's positions "
                "again, including the last one, where it touches the far edge."
            ),
            n - k,
        )
        yield _("Your answer is one more than the right size."), n - k + 2
        yield (
            _(
                "That is the size of the 'full' output, which keeps every partial overlap; "
                "'valid' counts only the positions where the kernel lies entirely inside the "
                "image."
            ),
            n + k - 1,
        )
        yield (
            _("That is the size of the 'same' output; a 'valid' output is smaller than its input."),
            n,
        )


class WindowExercise(ArrayExercise):
    """Shared machinery of the sliding-window exercises (valid and same)."""

    arg_names = ("image", "kernel")
    guard_groups = ("conv",)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to compute the correlation yourself, but "
            "{function} called {forbidden}. Library convolutions, correlations and filters "
            "(SciPy, OpenCV, TensorFlow, numpy.convolve, convlab's own functions) are not "
            "allowed here; NumPy array operations such as slicing, sums, np.einsum and "
            "sliding_window_view are."
        )

    def _square_note(self, kh, kw) -> str:
        return _(
            "That is the size a square kernel would give: your code uses one side of the "
            "kernel for both axes. The kernel is {kh} x {kw}: the output's rows depend on "
            "its height and its columns on its width."
        ).format(kh=kh, kw=kw)

    @staticmethod
    def _square_shapes(case, expected) -> set:
        """Output shapes of code that treats a non-square kernel as square (valid outputs)."""
        image, kernel = case.args[0], case.args[1]
        if np.ndim(kernel) != 2 or kernel.shape[0] == kernel.shape[1]:
            return set()
        h, w = image.shape[:2]
        kh, kw = kernel.shape
        if expected.shape != (h - kh + 1, w - kw + 1):
            return set()
        return {(h - kh + 1, w - kh + 1), (h - kw + 1, w - kw + 1)} - {expected.shape}

    def evidence(self, case, expected, call):
        """Known mistakes, plus a square-kernel loop told apart by the output's shape."""
        found = super().evidence(case, expected, call)
        shapes = self._square_shapes(case, expected)
        received = as_array(call.value) if call.error is None else None
        if shapes and received is not None:
            kh, kw = case.args[1].shape
            message = joined(
                _("Your output has shape {received}, but the expected shape is {expected}.").format(
                    received=tuple(received.shape), expected=tuple(expected.shape)
                ),
                self._square_note(kh, kw),
            )
            found["square-kernel"] = (received.shape in shapes, message)
        return found

    def output_notes(self, case, expected, received):
        """Shape hypotheses shared by valid-size outputs."""
        image, kernel = case.args[0], case.args[1]
        h, w = image.shape[:2]
        kh, kw = kernel.shape
        yield (
            self._square_note(kh, kw),
            lambda: (
                received.shape in self._square_shapes(case, expected) and received.shape != (h, w)
            ),
        )
        yield (
            _(
                "That is the size of the input ('same'), but a valid output keeps only the "
                "positions where the kernel fits entirely inside the image, so it shrinks."
            ),
            lambda: received.shape == (h, w),
        )
        yield (
            _("That is the size of the 'full' output; a valid output is smaller than its input."),
            lambda: received.shape == (h + kh - 1, w + kw - 1),
        )
        yield (
            _(
                "Your output is larger than the valid output: your loops go past the last "
                "position where the kernel fits inside the image."
            ),
            lambda: (
                received.shape[0] >= expected.shape[0] and received.shape[1] >= expected.shape[1]
            ),
        )

    def short_hypotheses(self, expected):
        """The loops stop one position early in rows, columns or both."""
        yield (
            _(
                "The last row and the last column of the output are missing: your loops stop "
                "one position too early."
            ),
            lambda: expected[:-1, :-1],
        )
        yield (
            _(
                "The last row of the output is missing: the loop over rows stops one position too early."
            ),
            lambda: expected[:-1, :],
        )
        yield (
            _(
                "The last column of the output is missing: the loop over columns stops one "
                "position too early."
            ),
            lambda: expected[:, :-1],
        )


class CorrelateValid(WindowExercise):
    """``correlate_loops(image, kernel)`` / ``correlate_vectorized``: valid, from scratch."""

    name = "correlate_valid"
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
            Case((image45, _K23)),
            Case((image55, _K33)),
            Case((frozen(np.array([[1.0, 2.0, 3.0]])), frozen(np.array([[1.0, 2.0]])))),
            Case((image55, frozen(np.array([[2.0]])))),
            # A uint8 photo: the results go below 0 and above 255, so an output kept
            # as uint8 wraps around (the lesson's warning), and an integer output
            # is not the float64 array asked for.
            Case((_PHOTO, _K33)),
        ]

    def hidden_cases(self, rng):
        return window_cases(rng, odd_only=False)

    def dtype_ok(self, case, expected, received):
        return received.dtype == np.float64  # the exercise asks for a float64 array

    def expected(self, case):
        return _oracles.correlate_valid(*case.args)

    def hypotheses(self, case, expected):
        image, kernel = case.args
        yield (
            _(
                "Your output is the convolution of the image with the kernel: the kernel was "
                "flipped (rotated by 180°). Correlation uses the kernel as it is."
            ),
            lambda: _oracles.correlate_valid(image, kernel[::-1, ::-1]),
        )
        yield (
            _(
                "Your output matches the kernel flipped upside down (its rows reversed). Correlation uses the kernel as it is."
            ),
            lambda: _oracles.correlate_valid(image, kernel[::-1, :]),
        )
        yield (
            _(
                "Your output matches the kernel flipped left to right (its columns reversed). "
                "Correlation uses the kernel as it is."
            ),
            lambda: _oracles.correlate_valid(image, kernel[:, ::-1]),
        )
        yield (
            _(
                "Your output matches the kernel transposed (rows and columns swapped). Check "
                "that kernel row i is multiplied with image row i of the window."
            ),
            lambda: _oracles.correlate_valid(image, kernel.T),
        )
        yield from self.short_hypotheses(expected)
        yield (
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
            Case((image45, _K23)),
            Case((frozen(np.arange(25, dtype=np.float64).reshape(5, 5) % 7), _K33)),
            Case((frozen(np.array([[1.0, 2.0, 3.0]])), frozen(np.array([[1.0, 2.0]])))),
            Case((_PHOTO, _K33)),  # uint8 input: a uint8 output would wrap around
        ]

    def hidden_cases(self, rng):
        return window_cases(rng, odd_only=False)

    def dtype_ok(self, case, expected, received):
        return received.dtype == np.float64  # the exercise asks for a float64 array

    def expected(self, case):
        return _oracles.convolve_valid(*case.args)

    def hypotheses(self, case, expected):
        image, kernel = case.args
        yield (
            _(
                "Your output is the correlation of the image with the kernel: the kernel was "
                "not flipped. Convolution rotates the kernel by 180° before sliding it."
            ),
            lambda: _oracles.correlate_valid(image, kernel),
        )
        yield (
            _(
                "The kernel was flipped upside down only. Convolution flips both axes (a "
                "rotation by 180°)."
            ),
            lambda: _oracles.correlate_valid(image, kernel[::-1, :]),
        )
        yield (
            _(
                "The kernel was flipped left to right only. Convolution flips both axes (a "
                "rotation by 180°)."
            ),
            lambda: _oracles.correlate_valid(image, kernel[:, ::-1]),
        )
        yield (
            _(
                "The kernel was transposed (rows and columns swapped) instead of rotated by "
                "180°. A transpose mirrors across the diagonal; convolution flips both axes."
            ),
            lambda: _oracles.correlate_valid(image, kernel.T),
        )
        rotated = _("The kernel was rotated by 90° instead of 180°.")
        yield rotated, lambda: _oracles.correlate_valid(image, np.rot90(kernel, 1))
        yield rotated, lambda: _oracles.correlate_valid(image, np.rot90(kernel, -1))
        yield from self.short_hypotheses(expected)

    def shape_notes(self, case, expected, received):
        return self.output_notes(case, expected, received)
