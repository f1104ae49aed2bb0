"""Checks for lesson 09, edge detection.

Introduced in lesson 09: ``sobel_gradients`` (from scratch, ``(gx, gy)``),
``gradient_magnitude`` and ``edge_map``.  The convention is convlab's
(:mod:`convlab.kernels`): correlation with ``kx = [[-1, 0, 1], [-2, 0, 2],
[-1, 0, 1]]`` and ``ky = kx.T``, so ``gx`` grows to the right and ``gy``
*downwards*; 'same' output with numpy.pad's 'reflect' border (OpenCV's
default); kernels not normalised (as ``cv2.Sobel``).  A pair ``(gx, gy)`` is
compared as ``np.stack([gx, gy])``.
"""

from __future__ import annotations

import warnings

import numpy as np

from convlab.i18n import gettext as _

from . import _oracles
from ._core import ArrayExercise, Case, Hypothesis, ShapeNote, as_array, close, frozen
from .shared import MODES

__all__ = ["EdgeMap", "GradientMagnitude", "SobelGradients", "gradients"]

_DIFF = np.array([-1.0, 0.0, 1.0])
_SMOOTH = {
    "sobel": np.array([1.0, 2.0, 1.0]),
    "prewitt": np.array([1.0, 1.0, 1.0]),
    "scharr": np.array([3.0, 10.0, 3.0]),
    "none": np.array([0.0, 1.0, 0.0]),
}


def gradients(image: np.ndarray, mode: str = "reflect", operator: str = "sobel") -> np.ndarray:
    """``np.stack([gx, gy])``: 'same' correlation with ``outer(smooth, diff)`` and its transpose."""
    kx = np.outer(_SMOOTH[operator], _DIFF)
    image = np.asarray(image, dtype=np.float64)
    return np.stack(
        [_oracles.correlate_same(image, kx, mode), _oracles.correlate_same(image, kx.T, mode)]
    )


def _wrapped(values: np.ndarray) -> np.ndarray:
    """What uint8 arithmetic leaves of exact integer results: the value modulo 256."""
    return np.mod(np.round(values), 256).astype(np.uint8)


def _image(rng, shape, dtype) -> np.ndarray:
    if np.dtype(dtype) == np.uint8:
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    return rng.uniform(0, 1, size=shape).astype(dtype)


def _diagonal() -> np.ndarray:
    """A uint8 image with a bright lower-left triangle: a diagonal edge, falling to the right."""
    image = np.zeros((6, 7), np.uint8)
    for row in range(6):
        image[row, : row + 2] = 200
    return frozen(image)


def _between_norms(image) -> float:
    """A threshold that |gx| + |gy| crosses and the magnitude does not, at a diagonal pixel.

    Halfway between the smallest magnitude that the L1 norm overestimates and its L1
    value: the two maps differ there by far more than any rounding.
    """
    gx, gy = gradients(image)
    magnitude, l1 = np.hypot(gx, gy), np.abs(gx) + np.abs(gy)
    over = np.flatnonzero((l1 > magnitude * 1.2).ravel())
    pixel = over[np.argmin(magnitude.ravel()[over])]
    return float((magnitude.ravel()[pixel] + l1.ravel()[pixel]) / 2)


class SobelGradients(ArrayExercise):
    """``sobel_gradients(image) -> (gx, gy)``: Sobel, correlation, 'same', 'reflect'."""

    name = "sobel_gradients"
    check_doc = """Check ``sobel_gradients(image) -> (gx, gy)`` (lesson 09), from scratch.

    Correlation with convlab's Sobel kernels (``gx`` grows to the right,
    ``gy`` downwards), 'same' output, 'reflect' border, not normalised.
    Parameters, raises: as :func:`correlate_valid`.
    """
    example = "sobel_gradients"
    arg_names = ("image",)
    guard_groups = ("conv",)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to compute the gradients yourself, but "
            "{function} called {forbidden}. Library filters (cv2.Sobel, scipy.ndimage.sobel, "
            "skimage.filters, convlab's own functions) are not allowed here; numpy.pad, "
            "slicing, products and sums are."
        )

    def public_cases(self):
        step = np.zeros((5, 6), np.uint8)
        step[:, 3:] = 100
        ramp = np.add.outer(np.arange(4.0) * 10, np.arange(7.0))
        return [
            Case((frozen(step),)),
            Case((frozen(ramp),)),
            Case((frozen(step.T.copy()),)),
            # Every dtype of the hidden cases: float32, and uint8 with falling edges whose
            # sums pass 255 (uint8 arithmetic wraps both ways).
            Case((frozen(ramp.T.astype(np.float32) / 7),)),
            Case((_diagonal(),)),
        ]

    def hidden_cases(self, rng):
        cases = []
        for index in range(9):
            h = int(rng.integers(2, 10))
            w = h + int(rng.integers(1, 5))
            dtype = (np.uint8, np.float64, np.float32)[index % 3]
            cases.append(Case((frozen(_image(rng, (h, w), dtype)),)))
        cases.append(Case((frozen(np.full((3, 4), 7, np.uint8)),)))  # flat: no edges
        return cases

    def expected(self, case):
        return gradients(case.args[0])

    def hypotheses(self, case, expected):
        image = case.args[0]
        gx, gy = expected
        yield Hypothesis(
            _(
                "Your gx and gy are swapped: gx, the horizontal gradient, uses kx = "
                "[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] and responds to changes from left to "
                "right; return (gx, gy) in that order."
            ),
            lambda: np.stack([gy, gx]),
        )
        yield Hypothesis(
            _(
                "Both gradients have the wrong sign: the kernels were flipped, which is what "
                "convolution does. Flipping a derivative kernel by 180° changes its sign; "
                "this lesson correlates (as cv2.Sobel and cv2.filter2D do), so gx > 0 where "
                "the image gets brighter to the right."
            ),
            lambda: -expected,
        )
        yield Hypothesis(
            _(
                "Your gy has the wrong sign: here rows grow downwards, so gy > 0 where the "
                "image gets brighter from top to bottom (ky = kx.T)."
            ),
            lambda: np.stack([gx, -gy]),
        )
        yield Hypothesis(
            _("Your gx has the wrong sign: gx > 0 where the image gets brighter to the right."),
            lambda: np.stack([-gx, gy]),
        )
        if image.dtype == np.uint8:
            yield Hypothesis(
                _(
                    "Your gradients were computed in uint8 arithmetic: negative values "
                    "wrapped around modulo 256 (-1 became 255). Convert the image to float "
                    "(or a signed integer type) before taking differences."
                ),
                lambda: _wrapped(expected),
                key="uint8-wrap",
            )
        for other in MODES:
            if other != "reflect":
                yield Hypothesis(
                    _(
                        "Your border is '{received}'; this exercise pads with 'reflect' "
                        "(OpenCV's default border), which makes no false edges at the border."
                    ).format(received=other),
                    lambda other=other: gradients(image, other),
                    key=f"mode:{other}",
                )
        yield Hypothesis(
            _(
                "Your gradients are divided by 8 (normalised); this exercise, like cv2.Sobel, "
                "uses the kernels as they are."
            ),
            lambda: expected / 8,
        )
        for operator, message in (
            ("prewitt", _("You used Prewitt's smoothing [1, 1, 1]; Sobel's is [1, 2, 1].")),
            ("scharr", _("You used Scharr's smoothing [3, 10, 3]; Sobel's is [1, 2, 1].")),
            (
                "none",
                _(
                    "Your gradients are plain differences [-1, 0, 1], without Sobel's "
                    "smoothing [1, 2, 1] across the other axis."
                ),
            ),
        ):
            yield Hypothesis(
                message, lambda operator=operator: gradients(image, "reflect", operator)
            )

    def shape_notes(self, case, expected, received):
        image = case.args[0]
        h, w = image.shape
        yield ShapeNote(
            _("Return two arrays, (gx, gy), each with the image's shape."),
            lambda: received.shape in ((h, w), (1, h, w)),
        )
        yield ShapeNote(
            _(
                "Those are 'valid' outputs: pad the image by 1 pixel on every side first, so "
                "that gx and gy have the image's size."
            ),
            lambda: received.shape == (2, h - 2, w - 2),
        )


class GradientMagnitude(ArrayExercise):
    """``gradient_magnitude(gx, gy)``: ``sqrt(gx**2 + gy**2)`` computed in floating point."""

    name = "gradient_magnitude"
    check_doc = """Check ``gradient_magnitude(gx, gy)`` (lesson 09): ``sqrt(gx**2 + gy**2)`` in float.

    Inputs may be float64, float32, int16 (``cv2.Sobel`` with ``CV_16S``) or
    uint8.  Parameters, raises: as :func:`image_info`.
    """
    example = "gradient_magnitude"
    arg_names = ("gx", "gy")

    def public_cases(self):
        gx = np.array([[3.0, 0.0, -5.0], [1.0, -8.0, 0.0]])
        gy = np.array([[4.0, 2.0, 12.0], [1.0, 6.0, 0.0]])
        # The hidden cases' dtypes: float32, int16 as cv2.Sobel(..., cv2.CV_16S) gives it
        # (squares overflow int16) and uint8 as cv2.convertScaleAbs gives it (squares
        # overflow uint8; np.hypot of two uint8 arrays computes in float16).
        gx16 = np.array([[1020, -1020, 300, 0], [-700, 251, 5, 1000]], dtype=np.int16)
        gy16 = np.array([[-1000, 980, 0, -3], [640, 255, 12, -999]], dtype=np.int16)
        gx8 = np.array([[255, 200, 3], [100, 0, 181]], dtype=np.uint8)
        gy8 = np.array([[255, 17, 4], [99, 7, 250]], dtype=np.uint8)
        return [
            Case((frozen(gx), frozen(gy))),
            Case((frozen(gx.T.copy()), frozen(gy.T.copy()))),
            Case((frozen((gx / 3).astype(np.float32)), frozen((gy / 3).astype(np.float32)))),
            Case((frozen(gx16), frozen(gy16))),
            Case((frozen(gx8), frozen(gy8))),
        ]

    def hidden_cases(self, rng):
        cases = []
        for dtype in (np.float64, np.float32, np.int16, np.uint8, np.float64, np.int16):
            h = int(rng.integers(1, 7))
            w = h + int(rng.integers(1, 4))
            if dtype == np.int16:  # cv2.Sobel(..., cv2.CV_16S, ...) on uint8: -1020..1020
                gx, gy = (rng.integers(-1020, 1021, size=(h, w)) for _i in range(2))
            elif dtype == np.uint8:  # cv2.convertScaleAbs: |gradient| saturated to 0..255
                gx, gy = (rng.integers(0, 256, size=(h, w)) for _i in range(2))
            else:
                gx, gy = (rng.normal(scale=50, size=(h, w)) for _i in range(2))
            cases.append(Case((frozen(gx.astype(dtype)), frozen(gy.astype(dtype)))))
        cases.append(Case((frozen(np.zeros((2, 3))), frozen(np.zeros((2, 3))))))
        return cases

    def expected(self, case):
        gx, gy = (np.asarray(a, dtype=np.float64) for a in case.args)
        return np.hypot(gx, gy)

    def tolerance(self, case, expected):
        scale = max(1.0, float(np.abs(expected).max())) if expected.size else 1.0
        single = any(a.dtype in (np.float32, np.int16) for a in case.args)
        rtol = 1e-6 if single else 1e-9
        return rtol, rtol * scale

    def evidence(self, case, expected, call):
        """As ArrayExercise's, but NaN (the square root of an overflowed sum) matches NaN."""
        received = as_array(call.value) if call.error is None else None
        if received is None:
            return {}
        received = np.nan_to_num(received.astype(np.float64), nan=-1.0)
        rtol, atol = self.tolerance(case, expected)
        found = {}
        for hypothesis in self.all_hypotheses(case, expected, received):
            key, message = hypothesis.key or hypothesis.message, hypothesis.message
            try:
                predicted = np.nan_to_num(
                    np.asarray(hypothesis.predict(), dtype=np.float64), nan=-1.0
                )
            except Exception:  # noqa: BLE001 - a hypothesis that does not apply here
                continue
            if close(predicted, expected, rtol, atol):
                continue
            matched = close(received, predicted, rtol, atol)
            if key not in found or (matched and not found[key][0]):
                found[key] = (matched, message)
        return found

    def hypotheses(self, case, expected):
        gx, gy = case.args
        fx, fy = gx.astype(np.float64), gy.astype(np.float64)
        yield Hypothesis(
            _(
                "Your magnitude is |gx| + |gy|, a cheap approximation that overestimates "
                "diagonal edges by up to √2 ≈ 1.41 times. The exact magnitude is "
                "sqrt(gx² + gy²) (np.hypot)."
            ),
            lambda: np.abs(fx) + np.abs(fy),
        )
        yield Hypothesis(
            _("Your result is gx² + gy²: the square root is missing."), lambda: fx**2 + fy**2
        )
        yield Hypothesis(
            _(
                "Your magnitude is max(|gx|, |gy|): that ignores the smaller component. The "
                "exact magnitude is sqrt(gx² + gy²) (np.hypot)."
            ),
            lambda: np.maximum(np.abs(fx), np.abs(fy)),
        )
        if gx.dtype.kind in "iu":

            def native():
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    return np.sqrt(gx * gx + gy * gy)

            yield Hypothesis(
                _(
                    "gx² + gy² was computed in {dtype}, which overflowed: {dtype} holds at most "
                    "{limit}. Convert gx and gy to float64 before squaring."
                ).format(dtype=gx.dtype, limit=np.iinfo(gx.dtype).max),
                native,
                key="integer-overflow",
            )

            def low_precision():
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    return np.hypot(gx, gy)

            yield Hypothesis(
                _(
                    "np.hypot on two {dtype} arrays computes in {result}, which is not precise "
                    "enough. Convert gx and gy to float64 first."
                ).format(dtype=gx.dtype, result=np.hypot(gx[:0], gy[:0]).dtype),
                low_precision,
                key="low-precision",
            )


class EdgeMap(ArrayExercise):
    """``edge_map(image, threshold)``: Sobel magnitude (reflect) > threshold, as a bool array."""

    name = "edge_map"
    check_doc = """Check ``edge_map(image, threshold)`` (lesson 09): Sobel magnitude > threshold, bool.

    Parameters, raises: as :func:`image_info`.
    """
    example = "edge_map"
    arg_names = ("image", "threshold")

    def public_cases(self):
        step = np.zeros((5, 7), np.uint8)
        step[:, 4:] = 1  # a step of 1: the Sobel magnitude is exactly 4 on both sides
        square = np.zeros((6, 6))
        square[2:4, 2:4] = 1.0
        diagonal = _diagonal()  # uint8, falling edges, sums past 255
        return [
            Case((frozen(step), 4)),  # a tie at the threshold: > and >= differ
            Case((frozen(step), 3.5)),
            Case((frozen(square), 2.5)),
            Case((diagonal, _between_norms(diagonal))),  # L1 and L2 norms differ
            Case((frozen(square.T.astype(np.float32) * 3), 5.0)),
            Case((frozen(np.full((4, 5), 9, np.uint8)), 0)),  # flat: nothing above 0
        ]

    def hidden_cases(self, rng):
        cases = []
        for index in range(8):
            h = int(rng.integers(3, 10))
            w = h + int(rng.integers(1, 4))
            dtype = (np.uint8, np.float64, np.float32, np.uint8)[index % 4]
            image = _image(rng, (h, w), dtype)
            magnitude = np.hypot(*gradients(image))
            # Halfway between two distinct magnitudes near the 60th percentile: no pixel
            # sits within rounding of the threshold (hypot vs sqrt(gx**2 + gy**2) agree).
            values = np.unique(magnitude)
            if len(values) > 1:
                i = min(len(values) - 2, int(0.6 * (len(values) - 1)))
                threshold = float((values[i] + values[i + 1]) / 2)
            else:
                threshold = float(values[0]) + 0.5
            if dtype == np.uint8 and index % 2:
                threshold = float(np.round(threshold))
            cases.append(Case((frozen(image), threshold)))
        cases.append(Case((frozen(np.full((4, 5), 9, np.uint8)), 0)))  # flat: nothing above 0
        return cases

    def expected(self, case):
        image, threshold = case.args
        return np.hypot(*gradients(image)) > threshold

    def dtype_ok(self, case, expected, received):
        return received.dtype == np.bool_

    def hypotheses(self, case, expected):
        image, threshold = case.args
        gx, gy = gradients(image)
        magnitude = np.hypot(gx, gy)
        yield Hypothesis(
            _("Your map uses >= threshold; an edge is where the magnitude is above it (>)."),
            lambda: magnitude >= threshold,
        )
        yield Hypothesis(
            _("Your map is inverted: True should mark the edges, where the magnitude is large."),
            lambda: magnitude <= threshold,
        )
        yield Hypothesis(
            _(
                "Your map thresholds |gx| + |gy|, not the magnitude sqrt(gx² + gy²): it marks "
                "more diagonal edges than it should."
            ),
            lambda: np.abs(gx) + np.abs(gy) > threshold,
        )
        yield Hypothesis(
            _("Your map uses only gx, so it misses horizontal edges; threshold the magnitude."),
            lambda: np.abs(gx) > threshold,
        )
        yield Hypothesis(
            _("Your map uses only gy, so it misses vertical edges; threshold the magnitude."),
            lambda: np.abs(gy) > threshold,
        )
        yield Hypothesis(
            _(
                "Your gradients were zero padded: the border looks like an edge. Pad with "
                "'reflect'."
            ),
            lambda: np.hypot(*gradients(image, "constant")) > threshold,
        )
        yield Hypothesis(
            _("Your magnitude was divided by 8; use Sobel's kernels as they are."),
            lambda: magnitude / 8 > threshold,
        )
        if image.dtype == np.uint8:
            yield Hypothesis(
                _(
                    "Your gradients were computed in uint8 arithmetic: negative differences "
                    "wrapped around to large positive values. Convert the image to float first."
                ),
                lambda: np.hypot(*_wrapped(gradients(image)).astype(np.float64)) > threshold,
            )

    def diagnose(self, case, expected, received, rtol, atol):
        if received.shape == expected.shape and received.dtype != np.bool_:
            values = set(np.unique(received).tolist())
            if values <= {0, 1} and np.array_equal(received.astype(bool), expected):
                return _(
                    "The right pixels are marked, but as {dtype} numbers; return a boolean "
                    "array (magnitude > threshold is one)."
                ).format(dtype=received.dtype)
            if values <= {0, 255} and np.array_equal(received > 0, expected):
                return _(
                    "The right pixels are marked, as 0 and 255; return a boolean array "
                    "(magnitude > threshold is one)."
                )
            return _(
                "Your function returned {dtype} values; a boolean array (True on edges) was "
                "expected. Did you return the magnitude instead of comparing it with the "
                "threshold?"
            ).format(dtype=received.dtype)
        return super().diagnose(case, expected, received, rtol, atol)


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    SobelGradients,
    GradientMagnitude,
    EdgeMap,
)
