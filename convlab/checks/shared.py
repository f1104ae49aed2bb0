"""Helpers several lessons' checks share: test data, border modes, the sliding-window base.

A lesson module imports what it shares with another lesson from here, never
from that lesson's module.
"""

from __future__ import annotations

import numpy as np

from convlab.i18n import gettext as _

from ._core import ArrayExercise, Hypothesis, ShapeNote, as_array, frozen, joined

__all__ = [
    "K23",
    "MODES",
    "WindowExercise",
    "close_values",
    "mode_explanation",
    "random_image",
    "random_kernel",
    "short_loop_hypotheses",
]

# Kernels whose taps are distinct powers of two: every tap is identifiable in
# the output, so a flipped or transposed kernel cannot go unnoticed.
K23 = frozen(np.array([[1.0, 2.0, 4.0], [8.0, 16.0, 32.0]]))

#: numpy.pad's names, in the order the lessons introduce them.
MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def mode_explanation(mode: str) -> str:
    """What one border mode does, on the row [1 2 3] padded by 2."""
    texts = {
        "constant": _("'constant' fills the border with zeros: [0 0 | 1 2 3 | 0 0]."),
        "edge": _("'edge' repeats the edge value: [1 1 | 1 2 3 | 3 3]."),
        "reflect": _(
            "'reflect' mirrors around the edge value without repeating it: [3 2 | 1 2 3 | 2 1]."
        ),
        "symmetric": _("'symmetric' mirrors including the edge value: [2 1 | 1 2 3 | 3 2]."),
        "wrap": _("'wrap' continues from the opposite side: [2 3 | 1 2 3 | 1 2]."),
    }
    return texts[mode]


def random_image(rng, shape, dtype) -> np.ndarray:
    if np.dtype(dtype) == np.uint8:
        return frozen(rng.integers(0, 256, size=shape, dtype=np.uint8))
    if np.dtype(dtype).kind == "f" and rng.random() < 0.5:
        return frozen(rng.normal(size=shape).astype(dtype))
    return frozen(rng.integers(-9, 10, size=shape).astype(dtype))


def random_kernel(rng, shape, integer: bool = False) -> np.ndarray:
    if integer:
        return frozen(rng.integers(-4, 5, size=shape).astype(np.int64))
    return frozen(rng.normal(size=shape).round(3))


def close_values(a: np.ndarray, b: np.ndarray) -> bool:
    """Exact equality of values, whatever the two dtypes."""
    return a.shape == b.shape and bool((a.astype(np.float64) == b.astype(np.float64)).all())


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
        yield ShapeNote(
            self._square_note(kh, kw),
            lambda: (
                received.shape in self._square_shapes(case, expected) and received.shape != (h, w)
            ),
        )
        yield ShapeNote(
            _(
                "That is the size of the input ('same'), but a valid output keeps only the "
                "positions where the kernel fits entirely inside the image, so it shrinks."
            ),
            lambda: received.shape == (h, w),
        )
        yield ShapeNote(
            _("That is the size of the 'full' output; a valid output is smaller than its input."),
            lambda: received.shape == (h + kh - 1, w + kw - 1),
        )
        yield ShapeNote(
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
        yield from short_loop_hypotheses(expected)


def short_loop_hypotheses(expected):
    """The loops stop one position early in rows, columns or both (one Hypothesis each)."""
    yield Hypothesis(
        _(
            "The last row and the last column of the output are missing: your loops stop "
            "one position too early."
        ),
        lambda: expected[:-1, :-1],
    )
    yield Hypothesis(
        _(
            "The last row of the output is missing: the loop over rows stops one position too early."
        ),
        lambda: expected[:-1, :],
    )
    yield Hypothesis(
        _(
            "The last column of the output is missing: the loop over columns stops one "
            "position too early."
        ),
        lambda: expected[:, :-1],
    )
