"""Checks for lesson 01, images as arrays.

Introduced in lesson 01: ``image_info``, ``to_grayscale``, ``bgr_to_rgb``,
``brighten``.
"""

from __future__ import annotations

import numpy as np

from convlab.i18n import gettext as _

from . import _oracles
from ._core import (
    ArrayExercise,
    Call,
    Case,
    Exercise,
    Hypothesis,
    ShapeNote,
    Verdict,
    describe_kind,
    frozen,
)
from .shared import close_values

__all__ = ["BgrToRgb", "Brighten", "ImageInfo", "ToGrayscale"]

_PUBLIC_RGB = frozen(
    np.array(
        [
            [[255, 0, 0], [0, 255, 0], [0, 0, 255]],
            [[250, 200, 10], [30, 60, 90], [128, 128, 128]],
        ],
        dtype=np.uint8,
    )
)


def _random_image(rng, shape, dtype) -> np.ndarray:
    if np.dtype(dtype) == np.uint8:
        return frozen(rng.integers(0, 256, size=shape, dtype=np.uint8))
    return frozen(rng.random(shape).astype(dtype))


def _shapes(rng, channels: int | None, count: int):
    """Random non-square shapes plus a 1x1 and a one-row image."""
    out = [(1, 1), (1, int(rng.integers(2, 9))), (int(rng.integers(2, 9)), 1)]
    while len(out) < count:
        h, w = (int(x) for x in rng.integers(2, 17, size=2))
        out.append((h, w))
    return [s if channels is None else (*s, channels) for s in out]


class ImageInfo(Exercise):
    """``image_info(image) -> (height, width, channels)``; a 2-D image has one channel."""

    name = "image_info"
    check_doc = """Check ``image_info(image) -> (height, width, channels)`` (lesson 01).

    A 2-D (grayscale) image counts as one channel.

    Parameters
    ----------
    student_fn : callable
        The student's function.
    hidden : bool, optional
        Also run randomized and edge cases (hidden test cells).
    seed : int, optional
        Seed of the randomized cases; fresh per run when None.

    Raises
    ------
    CheckFailed
        With a localized report of the smallest failing case.
    """
    example = "image_info"
    arg_names = ("image",)

    def public_cases(self):
        return [
            Case((frozen(np.zeros((4, 6), np.uint8)),)),
            Case((frozen(np.zeros((5, 3, 3), np.uint8)),)),
            Case((frozen(np.zeros((2, 7, 4), np.float64)),)),
            Case((frozen(np.zeros((3, 5, 1), np.float32)),)),  # one channel kept as an axis
        ]

    def hidden_cases(self, rng):
        cases = []
        for channels in (None, 1, 3, 4):
            for dtype in (np.uint8, np.float32):
                for shape in _shapes(rng, channels, 4):
                    cases.append(Case((frozen(np.zeros(shape, dtype)),)))
        return cases

    def expected(self, case):
        shape = case.args[0].shape
        return (shape[0], shape[1], shape[2] if len(shape) == 3 else 1)

    def judge(self, case: Case, expected, call: Call):
        value = call.value
        if value is None:
            return Verdict(_("Your function returned None. Is a `return` statement missing?"))
        if not isinstance(value, (tuple, list)):
            return Verdict(
                _(
                    "Your function returned {kind}; a tuple (height, width, channels) was expected."
                ).format(kind=describe_kind(value))
            )
        items = list(value)
        integers = all(
            isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)) for x in items
        )
        numbers = [
            int(x) if isinstance(x, (int, float, np.integer, np.floating)) else None for x in items
        ]
        h, w, c = expected
        if len(items) == 3 and integers and tuple(numbers) == expected:
            return None
        image = case.args[0]
        if len(items) == 2 and tuple(numbers) == (h, w):
            return Verdict(
                _(
                    "For a grayscale image (a 2-D array, with no channel axis) your function "
                    "returned only two numbers. It should still return three: this exercise "
                    "counts a grayscale image as one channel."
                )
            )
        if len(items) != 3:
            return Verdict(
                _(
                    "Your function returned {count} values; three were expected (height, width, channels)."
                ).format(count=len(items))
            )
        if not integers:
            if tuple(numbers) == expected:
                return Verdict(
                    _("The numbers are right, but they should be integers, not {kind}.").format(
                        kind=", ".join(sorted({type(x).__name__ for x in items}))
                    )
                )
            return Verdict(_("Height, width and channels are whole numbers (int)."))
        got = tuple(numbers)
        if got == (w, h, c) and h != w:
            return Verdict(
                _(
                    "Height and width are swapped. The first axis of an image array runs over "
                    "rows, from top to bottom."
                )
            )
        if image.ndim == 3 and got == (image.shape[2], h, w) and got != expected:
            return Verdict(
                _(
                    "Your result puts the channels first. In these images (as in NumPy, OpenCV "
                    "and TensorFlow) the channel axis is the last one."
                )
            )
        if image.ndim == 2 and got[:2] == (h, w) and got[2] != 1:
            return Verdict(
                _(
                    "For a grayscale image (a 2-D array, with no channel axis) your function "
                    "returned {channels} channels; this exercise counts it as one channel."
                ).format(channels=got[2])
            )
        return Verdict(
            _("Your function returned {received}; the right answer is different.").format(
                received=got
            )
        )


class ToGrayscale(ArrayExercise):
    """``to_grayscale(rgb)``: float64 (H, W) in [0, 1] with ``rgb2gray``'s weights."""

    name = "to_grayscale"
    check_doc = """Check ``to_grayscale(rgb)`` (lesson 01): float64 (H, W) in [0, 1], ``rgb2gray``'s weights.

    uint8 input is scaled by 1/255; float input is taken to be in [0, 1].
    Parameters, raises: as :func:`image_info`.
    """
    example = "to_grayscale"
    arg_names = ("rgb",)

    def public_cases(self):
        floats = frozen(np.array([[[1.0, 0.5, 0.0], [0.25, 0.75, 1.0]]]))
        singles = frozen(np.array([[[0.2, 0.4, 0.6], [1.0, 0.0, 0.5]]], np.float32))
        return [Case((_PUBLIC_RGB,)), Case((floats,)), Case((singles,))]

    def hidden_cases(self, rng):
        cases = []
        for dtype in (np.uint8, np.float32, np.float64):
            for shape in _shapes(rng, 3, 5):
                cases.append(Case((_random_image(rng, shape, dtype),)))
        cases.append(Case((frozen(np.full((2, 3, 3), 255, np.uint8)),)))
        return cases

    def expected(self, case):
        return _oracles.to_grayscale(case.args[0])

    def dtype_ok(self, case, expected, received):
        if case.args[0].dtype == np.float32:
            return received.dtype.kind == "f"
        return received.dtype == np.float64

    def hypotheses(self, case, expected):
        rgb = case.args[0]
        scale = 255.0 if rgb.dtype == np.uint8 else 1.0
        f = rgb.astype(np.float64)
        yield Hypothesis(
            _(
                "Your output is the plain average of R, G and B. The eye is more sensitive to "
                "green than to blue, so luminance weights the channels differently; this "
                "exercise uses the weights of skimage.color.rgb2gray."
            ),
            lambda: f.mean(axis=-1) / scale,
        )
        yield Hypothesis(
            _(
                "Your output uses the weights 0.299, 0.587, 0.114 (ITU-R BT.601, as OpenCV's "
                "cvtColor does). This exercise uses the weights of skimage.color.rgb2gray "
                "(ITU-R BT.709)."
            ),
            lambda: _oracles.to_grayscale(rgb, (0.299, 0.587, 0.114)),
        )
        yield Hypothesis(
            _(
                "The weights were applied to the channels in reverse order, as if the image "
                "were BGR. The input is RGB: channel 0 is red."
            ),
            lambda: _oracles.to_grayscale(rgb[..., ::-1]),
        )
        if scale != 1.0:
            yield Hypothesis(
                _(
                    "Your values go up to 255: a uint8 image holds values from 0 to 255, and "
                    "the result should be in [0, 1]."
                ),
                lambda: _oracles.to_grayscale(rgb) * 255.0,
            )
            wrapped = (rgb[..., 0] + rgb[..., 1] + rgb[..., 2]).astype(np.float64)  # uint8: wraps
            overflow = _(
                "Adding the uint8 channels overflowed: uint8 arithmetic wraps around at 256 "
                "(250 + 10 gives 4). Convert to a floating-point type before adding."
            )
            yield Hypothesis(overflow, lambda: wrapped / 3.0 / 255.0)
            yield Hypothesis(overflow, lambda: wrapped / 3.0)
        for channel, label in ((0, "R"), (1, "G"), (2, "B")):
            yield Hypothesis(
                _(
                    "Your output equals one channel of the image ({channel}) instead of a "
                    "weighted combination of all three."
                ).format(channel=label),
                lambda channel=channel: f[..., channel] / scale,
            )

    def shape_notes(self, case, expected, received):
        yield ShapeNote(
            _("Your output still has a channel axis; a grayscale image is 2-D, (height, width)."),
            lambda: received.ndim == 3 and received.shape[:2] == expected.shape,
        )


class BgrToRgb(ArrayExercise):
    """``bgr_to_rgb(image)``: reverse the channel axis, keep dtype and shape."""

    name = "bgr_to_rgb"
    check_doc = """Check ``bgr_to_rgb(image)`` (lesson 01): channel order reversed, dtype kept.

    The input must not be modified.  Parameters, raises: as :func:`image_info`.
    """
    example = "bgr_to_rgb"
    arg_names = ("image",)

    def public_cases(self):
        tiny = frozen(np.arange(12, dtype=np.uint8).reshape(2, 2, 3) * 20)
        floats = frozen(np.linspace(0.0, 1.0, 18).reshape(2, 3, 3))
        return [
            Case((tiny,)),
            Case((_PUBLIC_RGB,)),
            Case((floats,)),
            Case((frozen(floats.astype(np.float32)),)),
        ]

    def hidden_cases(self, rng):
        cases = []
        for dtype in (np.uint8, np.float32, np.float64):
            for shape in _shapes(rng, 3, 4):
                cases.append(Case((_random_image(rng, shape, dtype),)))
        strided = _random_image(rng, (6, 5, 3), np.uint8)
        cases.append(Case((frozen(strided)[:, ::2],)))  # a non-contiguous view
        return cases

    def expected(self, case):
        return np.ascontiguousarray(case.args[0][..., ::-1])

    def dtype_ok(self, case, expected, received):
        return received.dtype == case.args[0].dtype

    def hypotheses(self, case, expected):
        image = case.args[0]
        yield Hypothesis(
            _(
                "Your function flipped the image upside down (it reversed the rows) instead of "
                "reversing the order of the channels."
            ),
            lambda: image[::-1],
        )
        yield Hypothesis(
            _(
                "Your function flipped the image left to right (it reversed the columns) "
                "instead of reversing the order of the channels."
            ),
            lambda: image[:, ::-1],
        )
        for order in ((1, 2, 0), (2, 0, 1), (0, 2, 1), (1, 0, 2)):
            yield Hypothesis(
                _(
                    "Your output holds the input's channels in the order {order}. Think about "
                    "where blue, green and red should each end up."
                ).format(order=order),
                lambda order=order: image[..., list(order)],
            )

    def shape_notes(self, case, expected, received):
        yield ShapeNote(
            _(
                "A channel was dropped or added: the output should have as many channels as the input."
            ),
            lambda: received.shape[:2] == expected.shape[:2] and received.ndim == 3,
        )
        yield ShapeNote(
            _("The channel axis is gone: the output should be a color image, like the input."),
            lambda: received.shape == expected.shape[:2],
        )

    def diagnose(self, case, expected, received, rtol, atol):
        if (
            received.shape == expected.shape
            and close_values(received, expected)
            and (received.dtype != expected.dtype)
        ):
            return _(
                "The values are right, but the dtype changed from {expected} to {received}; "
                "reordering channels should keep the image's dtype."
            ).format(expected=expected.dtype, received=received.dtype)
        return super().diagnose(case, expected, received, rtol, atol)


class Brighten(ArrayExercise):
    """``brighten(image, amount)``: add `amount`, saturating at 0 and 255, uint8 out."""

    name = "brighten"
    check_doc = """Check ``brighten(image, amount) -> uint8`` (lesson 01), saturating like ``cv2.add``.

    Negative amounts darken, saturating at 0.  Parameters, raises: as :func:`image_info`.
    """
    example = "brighten"
    arg_names = ("image", "amount")

    def public_cases(self):
        row = frozen(np.array([[0, 100, 200, 250, 255]], np.uint8))
        return [Case((row, 10)), Case((row, -120)), Case((_PUBLIC_RGB, 20))]

    def hidden_cases(self, rng):
        cases = []
        for channels in (None, 3):
            for shape in _shapes(rng, channels, 4):
                image = _random_image(rng, shape, np.uint8)
                amount = int(rng.choice([-1, 1]) * rng.integers(1, 200))
                cases.append(Case((image, amount)))
        full = frozen(np.array([[0, 1, 128, 254, 255]], np.uint8))
        cases += [
            Case((full, 0)),
            Case((full, 255)),
            Case((full, -255)),
            Case((full, 1)),
            Case((full, -1)),
        ]
        return cases

    def expected(self, case):
        return _oracles.brighten(*case.args)

    def dtype_ok(self, case, expected, received):
        return received.dtype == np.uint8

    def hypotheses(self, case, expected):
        image, amount = case.args
        wide = image.astype(np.int64) + amount
        yield Hypothesis(
            _(
                "Values wrapped around: uint8 arithmetic works modulo 256, so 250 + 10 gives "
                "4. The exercise asks for saturation, as cv2.add does: results above 255 stay "
                "at 255, and results below 0 stay at 0."
            ),
            lambda: wide % 256,
        )
        yield Hypothesis(
            _(
                "Results above 255 saturate, but results below 0 wrap around to large values "
                "(try a negative amount). Saturation applies at both ends: below 0 the result "
                "stays at 0."
            ),
            lambda: np.minimum(wide, 255) % 256,
        )
        yield Hypothesis(
            _(
                "Results below 0 saturate, but results above 255 wrap around to small values. "
                "Saturation applies at both ends: above 255 the result stays at 255."
            ),
            lambda: np.maximum(wide, 0) % 256,
        )
        if image.ndim == 3:

            def first_only():
                out = image.copy()
                out[..., 0] = expected[..., 0]
                return out

            yield Hypothesis(
                _(
                    "Only the first channel was brightened. (OpenCV 4's cv2.add does this with "
                    "a plain number, which it turns into the scalar (amount, 0, 0, 0).)"
                ),
                first_only,
            )

    def diagnose(self, case, expected, received, rtol, atol):
        if close_values(received, expected) and received.dtype != np.uint8:
            return _(
                "The values are right, but the result should be a uint8 image (its dtype is {dtype})."
            ).format(dtype=received.dtype)
        return super().diagnose(case, expected, received, rtol, atol)


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    ImageInfo,
    ToGrayscale,
    BgrToRgb,
    Brighten,
)
