"""Checks for lesson 08, Gaussian blur and separable filters.

Introduced in lesson 08: ``gaussian_1d`` (the normalised sampled Gaussian),
``separate`` (the two 1-D factors of a rank-1 kernel) and ``blur_separable``
(from scratch, two 1-D passes, 'same' output, numpy.pad's 'reflect' border).
Expected values are short NumPy expressions; the tests compare them with
``convlab``, OpenCV and SciPy.
"""

from __future__ import annotations

import warnings

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
    as_array,
    describe_kind,
    frozen,
)
from .shared import MODES, mode_explanation

__all__ = ["BlurSeparable", "GaussianOneD", "Separate", "gaussian_taps", "one_pass"]


def gaussian_taps(sigma: float, radius: int, *, width: float | None = None) -> np.ndarray:
    """``exp(-x**2 / (2 * width**2))`` at x = -radius..radius, normalised (width = sigma)."""
    width = sigma if width is None else width
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-(x**2) / (2.0 * width**2))
    return g / g.sum()


def one_pass(image: np.ndarray, k1d: np.ndarray, axis: int, mode: str = "reflect") -> np.ndarray:
    """'same' 1-D correlation along `axis` (0: down the columns, 1: along the rows), float64."""
    kernel = np.asarray(k1d, dtype=np.float64)
    kernel = kernel[:, np.newaxis] if axis == 0 else kernel[np.newaxis, :]
    return _oracles.correlate_same(np.asarray(image, dtype=np.float64), kernel, mode)


# -- gaussian_1d -------------------------------------------------------------------------


class GaussianOneD(ArrayExercise):
    """``gaussian_1d(sigma, radius)``: ``exp(-x**2 / (2 sigma**2))``, x = -radius..radius, sum 1."""

    name = "gaussian_1d"
    check_doc = """Check ``gaussian_1d(sigma, radius)`` (lesson 08): ``exp(-x**2 / (2 sigma**2))``, sum 1.

    ``x`` runs over ``-radius..radius``; the check recognises the exponent
    written ``-(x / (2 sigma))**2`` (a Gaussian of standard deviation
    ``sigma * sqrt(2)``).  Parameters, raises: as :func:`image_info`.
    """
    example = "gaussian_1d"
    arg_names = ("sigma", "radius")

    def public_cases(self):
        return [Case((1.0, 3)), Case((2.0, 4)), Case((0.5, 2)), Case((3, 5))]  # sigma an int too

    def hidden_cases(self, rng):
        cases = [Case((1.0, 0)), Case((3, 9)), Case((0.8, 1)), Case((10.0, 2))]
        for _i in range(12):
            sigma = float(np.round(rng.uniform(0.3, 5.0), 3))
            radius = int(rng.integers(1, 4 * int(np.ceil(sigma)) + 2))
            cases.append(Case((sigma, radius)))
        return cases

    def expected(self, case):
        return gaussian_taps(*case.args)

    def hypotheses(self, case, expected):
        sigma, radius = case.args
        x = np.arange(-radius, radius + 1, dtype=np.float64)
        wide = float(sigma) * np.sqrt(2.0)
        yield Hypothesis(
            _(
                "Your kernel is a Gaussian of standard deviation σ√2 = {wide:.4g}, not σ = "
                "{sigma:g}: the exponent was written -((x - μ) / (2σ))², which is -(x - μ)² / (4σ²), "
                "instead of -(x - μ)² / (2σ²). Every blur made with it is √2 ≈ 1.41 times "
                "wider than asked."
            ).format(wide=wide, sigma=float(sigma)),
            lambda: gaussian_taps(sigma, radius, width=wide),
            key="sqrt2",
        )
        yield Hypothesis(
            _(
                "Your kernel is a Gaussian of standard deviation σ/√2: the exponent was "
                "-x² / σ² instead of -x² / (2σ²)."
            ),
            lambda: gaussian_taps(sigma, radius, width=float(sigma) / np.sqrt(2.0)),
            key="no-two",
        )
        yield Hypothesis(
            _(
                "Your kernel uses σ as the variance: the exponent was -x² / (2σ), but σ is "
                "the standard deviation, so it must be squared: -x² / (2σ²)."
            ),
            lambda: gaussian_taps(sigma, radius, width=np.sqrt(float(sigma))),
            key="variance",
        )
        yield Hypothesis(
            _(
                "The shape is right but the taps do not add up to 1 (their sum is {total:.4g}): "
                "divide by their sum, or the blur brightens or darkens the image."
            ).format(total=float(np.exp(-(x**2) / (2.0 * sigma**2)).sum())),
            lambda: np.exp(-(x**2) / (2.0 * sigma**2)),
            key="not-normalised",
        )
        yield Hypothesis(
            _(
                "You multiplied by 1 / (σ√(2π)), the factor that makes the continuous "
                "Gaussian's integral 1. The sampled, truncated taps then add up to about 1, "
                "not exactly 1; divide the taps by their sum instead."
            ),
            lambda: np.exp(-(x**2) / (2.0 * sigma**2)) / (sigma * np.sqrt(2.0 * np.pi)),
            key="pdf",
        )
        yield Hypothesis(
            _(
                "Your taps are not centred: x must run from -radius to radius (the peak in the "
                "middle), not from 0 to 2·radius."
            ),
            lambda: _normalised(np.exp(-((x + radius) ** 2) / (2.0 * sigma**2))),
            key="uncentred",
        )

    def shape_notes(self, case, expected, received):
        _sigma, radius = case.args
        yield ShapeNote(
            _(
                "A kernel of radius r has 2r + 1 taps: r on each side of the centre, and the centre."
            ),
            lambda: received.shape in ((radius,), (radius + 1,), (2 * radius,)),
        )
        yield ShapeNote(
            _("The kernel should be 1-D, shape (2·radius + 1,); yours is 2-D."),
            lambda: received.ndim == 2,
        )


def _normalised(g: np.ndarray) -> np.ndarray:
    return g / g.sum()


# -- separate ----------------------------------------------------------------------------


def _product(value):
    """``np.outer(column, row)`` of a returned pair, or None when it is not one."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    column, row = as_array(value[0]), as_array(value[1])
    if column is None or row is None or column.ndim != 1 or row.ndim != 1:
        return None
    with np.errstate(all="ignore"):
        return np.outer(column.astype(np.float64), row.astype(np.float64))


class Separate(Exercise):
    """``separate(kernel) -> (column, row)`` with ``np.outer(column, row) == kernel``."""

    name = "separate"
    check_doc = """Check ``separate(kernel) -> (column, row)`` (lesson 08) for rank-1 kernels.

    Any pair with ``np.outer(column, row) == kernel`` passes (the split is
    unique only up to a factor).  Parameters, raises: as :func:`image_info`.
    """
    example = "separate"
    arg_names = ("kernel",)

    def public_cases(self):
        sobel = np.outer([1.0, 2.0, 1.0], [-1.0, 0.0, 1.0])
        gaussian = np.outer(gaussian_taps(1.0, 2), gaussian_taps(1.0, 2))
        return [
            Case((frozen(sobel),)),
            Case((frozen(gaussian),)),
            Case((frozen(np.outer([1.0, -2.0], [3.0, 1.0, 2.0])),)),
            # uint8, with a zero first row: dividing by the corner would divide by 0
            Case((frozen(np.outer([0, 1, 3], [1, 2, 1]).astype(np.uint8)),)),
            Case((frozen(np.outer([1.0, 3.0, 1.0, 3.0], [1.0, -2.0]).astype(np.float32)),)),
        ]

    def hidden_cases(self, rng):
        cases = [
            Case((frozen(np.outer([1, 2, 1], [1, 2, 1]).astype(np.uint8)),)),
            Case((frozen(np.outer([0.0, 1.0, 0.0], [1.0, 2.0, 1.0])),)),  # a zero corner
            Case((frozen(np.array([[5.0]])),)),
            Case((frozen(np.outer([1.0], [1.0, 4.0, 6.0, 4.0, 1.0]) / 16),)),
            Case((frozen(np.outer([2.0, -1.0, 3.0], [1.0, 0.5]) * 1000),)),
        ]
        for index in range(8):
            kh, kw = (int(x) for x in rng.integers(1, 8, size=2))
            if kh == kw:
                kw += 1
            column = rng.normal(size=kh).round(3)
            row = rng.normal(size=kw).round(3)
            column[np.abs(column) < 0.05] = 0.5
            row[np.abs(row) < 0.05] = -0.5
            dtype = np.float32 if index % 3 == 0 else np.float64
            cases.append(Case((frozen(np.outer(column, row).astype(dtype)),)))
        return cases

    def expected(self, case):
        return np.asarray(case.args[0], dtype=np.float64)

    def _tolerance(self, kernel: np.ndarray) -> float:
        scale = max(1.0, float(np.abs(kernel).max()))
        return (1e-5 if kernel.dtype == np.float32 else 1e-8) * scale

    def _mistakes(self, kernel: np.ndarray):
        """A :class:`Hypothesis` per known mistake (`predict`: the outer product it gives)."""
        s = np.linalg.svd(kernel.astype(np.float64), compute_uv=False)
        yield Hypothesis(
            _(
                "The SVD's u[:, 0] and vt[0] have length 1, so their outer product is the "
                "kernel divided by its largest singular value s[0]: the scale s[0] is missing."
            ),
            kernel / s[0],
            key="unit-vectors",
        )
        yield Hypothesis(
            _(
                "Both vectors were multiplied by s[0], so their product is s[0] times too "
                "large: the scale s[0] belongs to the product, not to each vector."
            ),
            kernel * s[0],
            key="twice-scaled",
        )
        corner = float(kernel[0, 0])
        yield Hypothesis(
            _(
                "You returned the kernel's first column and first row as they are: their "
                "outer product is the kernel times kernel[0, 0]. Divide one of them by that "
                "entry (when it is not 0), or use the SVD."
            ),
            kernel * corner,
            key="first-row-column",
        )
        yield Hypothesis(
            _(
                "Your vectors are in the wrong order, or from the wrong side of the SVD: "
                "np.outer(column, row) gives the transpose of the kernel. The column (first) "
                "has one value per row of the kernel."
            ),
            kernel.T if kernel.shape[0] == kernel.shape[1] else None,
            key="transposed",
        )

    def judge(self, case, expected, call):
        kernel = case.args[0]
        kh, kw = kernel.shape
        value = call.value
        if value is None:
            return Verdict(_("Your function returned None. Is a `return` statement missing?"))
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return Verdict(
                _(
                    "Your function returned {kind}; a tuple of two 1-D arrays (column, row) "
                    "was expected."
                ).format(kind=describe_kind(value))
            )
        column, row = as_array(value[0]), as_array(value[1])
        if column is None or row is None:
            return Verdict(_("Both items of the tuple must be NumPy arrays of numbers."))
        if column.ndim != 1 or row.ndim != 1:
            return Verdict(
                _(
                    "Your column and row have shapes {column} and {row}; both should be 1-D, "
                    "of shapes ({kh},) and ({kw},). Use .ravel() on a (k, 1) or (1, k) array."
                ).format(column=tuple(column.shape), row=tuple(row.shape), kh=kh, kw=kw)
            )
        if (column.size, row.size) != (kh, kw):
            if (column.size, row.size) == (kw, kh):
                return Verdict(
                    _(
                        "Your vectors are in the wrong order: for a kernel of shape ({kh}, "
                        "{kw}) the column (first) has {kh} values and the row (second) {kw}."
                    ).format(kh=kh, kw=kw)
                )
            return Verdict(
                _(
                    "Your vectors have {n} and {m} values; for a kernel of shape ({kh}, {kw}) "
                    "they should have {kh} and {kw}."
                ).format(n=column.size, m=row.size, kh=kh, kw=kw)
            )
        with np.errstate(all="ignore"):
            product = np.outer(column.astype(np.float64), row.astype(np.float64))
        if not np.isfinite(product).all():
            return Verdict(
                _(
                    "Your vectors contain NaN or infinite values. Dividing by an entry of the "
                    "kernel fails when that entry is 0 (here kernel[0, 0] = {corner:g}); divide "
                    "by the largest entry instead, or use the SVD."
                ).format(corner=float(kernel[0, 0]))
            )
        if np.abs(product - expected).max() <= self._tolerance(kernel):
            return None
        return Verdict(
            _(
                "np.outer(column, row) is not the kernel: the largest difference is {error:.3g}."
            ).format(error=float(np.abs(product - expected).max()))
        )

    def evidence(self, case, expected, call: Call):
        product = _product(call.value) if call.error is None else None
        if product is None or product.shape != expected.shape:
            return {}
        tol = self._tolerance(case.args[0])
        found = {}
        for mistake in self._mistakes(expected):
            key, message, predicted = mistake.key, mistake.message, mistake.predict
            if predicted is None or np.abs(predicted - expected).max() <= tol:
                continue
            matched = bool(np.abs(product - predicted).max() <= tol)
            found[key] = (matched, message)
        return found


# -- blur_separable ----------------------------------------------------------------------


class BlurSeparable(ArrayExercise):
    """``blur_separable(image, k1d)``: 'same' correlation with ``np.outer(k1d, k1d)``, 'reflect'."""

    name = "blur_separable"
    check_doc = """Check ``blur_separable(image, k1d)`` (lesson 08): two 1-D passes, from scratch.

    'same' correlation of a 2-D image with ``np.outer(k1d, k1d)``, border
    numpy.pad's 'reflect', floating-point output.  Parameters, raises: as
    :func:`correlate_valid`.
    """
    example = "blur_separable"
    arg_names = ("image", "k1d")
    guard_groups = ("conv",)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to write the two 1-D passes yourself, but "
            "{function} called {forbidden}. Library convolutions and filters (SciPy, OpenCV, "
            "numpy.convolve, convlab's own functions) are not allowed here; numpy.pad, "
            "slicing, products and sums are."
        )

    def public_cases(self):
        image = frozen(np.arange(1, 31, dtype=np.float64).reshape(5, 6) ** 1.5)
        return [
            Case((image, frozen(np.array([0.25, 0.5, 0.25])))),
            Case((image, frozen(np.array([1.0, 2.0, 4.0]) / 7))),
            Case((frozen(np.eye(6, 7, dtype=np.uint8) * 200), frozen(gaussian_taps(1.0, 2)))),
            Case(
                (
                    frozen(image.astype(np.float32) / 8),
                    frozen(np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16),
                )
            ),
        ]

    def hidden_cases(self, rng):
        cases = []
        for index in range(10):
            radius = int(rng.integers(0, 4))
            h = int(rng.integers(radius + 2, 12))
            w = h + int(rng.integers(1, 5))
            dtype = (np.float64, np.float32, np.uint8)[index % 3]
            if dtype == np.uint8:
                image = rng.integers(0, 256, size=(h, w), dtype=np.uint8)
            else:
                image = rng.normal(size=(h, w)).astype(dtype)
            if index % 2:
                k1d = gaussian_taps(float(rng.uniform(0.5, 2.0)), radius)
            else:
                k1d = rng.uniform(0.1, 1.0, size=2 * radius + 1).round(3)
            cases.append(Case((frozen(image), frozen(k1d))))
        cases.append(Case((frozen(rng.normal(size=(3, 3))), frozen(np.array([0.2, 0.3, 0.5])))))
        return cases

    def expected(self, case):
        image, k1d = case.args
        return _oracles.correlate_same(image, np.outer(k1d, k1d), "reflect")

    def hypotheses(self, case, expected):
        image, k1d = case.args
        radius = k1d.size // 2
        for other in MODES:
            if other == "reflect" or (other == "wrap" and radius > min(image.shape)):
                continue
            if other == "constant":
                message = _(
                    "Your border is zero padding ('constant'): the blur averages the image "
                    "with black outside it, so the border darkens. Pad with 'reflect'."
                )
            else:
                message = _(
                    "Your output matches padding in '{received}' mode, but '{mode}' was asked."
                ).format(received=other, mode="reflect")
            yield Hypothesis(
                message + " " + mode_explanation("reflect"),
                lambda other=other: one_pass(one_pass(image, k1d, 0, other), k1d, 1, other),
                key=f"mode:{other}",
            )
        yield Hypothesis(
            _(
                "Only the vertical pass (down the columns) was applied: the horizontal pass "
                "along the rows is missing."
            ),
            lambda: one_pass(image, k1d, 0),
        )
        yield Hypothesis(
            _(
                "Only the horizontal pass (along the rows) was applied: the vertical pass "
                "down the columns is missing."
            ),
            lambda: one_pass(image, k1d, 1),
        )
        yield Hypothesis(
            _(
                "Both passes ran along the same axis: one pass must go down the columns "
                "(axis 0), the other along the rows (axis 1)."
            ),
            lambda: one_pass(one_pass(image, k1d, 0), k1d, 0),
        )
        yield Hypothesis(
            _(
                "Both passes ran along the same axis: one pass must go down the columns "
                "(axis 0), the other along the rows (axis 1)."
            ),
            lambda: one_pass(one_pass(image, k1d, 1), k1d, 1),
        )
        yield Hypothesis(
            _(
                "Your output is the convolution: the 1-D kernel was flipped. This exercise, "
                "like OpenCV's filters, correlates (uses the kernel as it is)."
            ),
            lambda: one_pass(one_pass(image, k1d[::-1], 0), k1d[::-1], 1),
        )
        yield Hypothesis(
            _(
                "Each tap of the 1-D kernel was squared (k1d ** 2): the 2-D kernel is the "
                "outer product np.outer(k1d, k1d), but each pass uses k1d itself."
            ),
            lambda: one_pass(one_pass(image, k1d**2, 0), k1d**2, 1),
        )
        yield Hypothesis(
            _(
                "Each axis was filtered twice, a blur wider than asked: one pass down the "
                "columns and one along the rows are enough."
            ),
            lambda: one_pass(one_pass(one_pass(one_pass(image, k1d, 0), k1d, 0), k1d, 1), k1d, 1),
        )
        if image.dtype == np.uint8:

            def stored_in_uint8(cast, *, output: bool):
                """The first pass (and, with `output`, the result) cast by `cast` to uint8."""
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    first = cast(one_pass(image, k1d, 0)).astype(np.uint8)
                    second = one_pass(first, k1d, 1)
                    return cast(second).astype(np.uint8) if output else second

            for cast in (np.asarray, np.rint):
                yield Hypothesis(
                    _(
                        "Both passes were stored in uint8 arrays, so fractions were cut off "
                        "after each pass. Keep the intermediate image and the result in "
                        "floating point."
                    ),
                    lambda cast=cast: stored_in_uint8(cast, output=True),
                    key="uint8 both passes",
                )
            yield Hypothesis(
                _(
                    "The first pass was stored in a uint8 array, so its fractions were cut "
                    "off before the second pass. Keep the intermediate image in floating point."
                ),
                lambda: stored_in_uint8(np.asarray, output=False),
            )
            yield Hypothesis(
                _(
                    "Your output was rounded to uint8, as cv2.GaussianBlur does; this "
                    "exercise asks for the exact floating-point result."
                ),
                lambda: np.clip(np.round(expected), 0, 255).astype(np.uint8),
            )

    def shape_notes(self, case, expected, received):
        image, k1d = case.args
        r = k1d.size // 2
        yield ShapeNote(
            _(
                "That is the 'valid' output: pad the image by the kernel's radius on every "
                "side first, so that the output has the image's size."
            ),
            lambda: received.shape == (image.shape[0] - 2 * r, image.shape[1] - 2 * r),
        )
        yield ShapeNote(
            _("The output should have the same height and width as the image."),
            lambda: received.shape != image.shape,
        )


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    GaussianOneD,
    Separate,
    BlurSeparable,
)
