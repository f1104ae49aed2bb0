"""Checks for lesson 04, strides and output shapes.

Introduced in lesson 04: ``conv_output_size``, ``same_padding``,
``correlate_strided``.

Output sizes follow TensorFlow: ``'valid'`` pads nothing, ``'same'`` gives
``ceil(n / stride)`` outputs with the extra padding pixel after (bottom/right).
The expected values come from :mod:`convlab.shapes`, whose tests compare them
with TensorFlow; this module never imports TensorFlow.
"""

from __future__ import annotations

import numpy as np

from convlab import shapes as _shapes
from convlab.i18n import gettext as _

from . import _oracles
from ._core import (
    Call,
    Case,
    Exercise,
    Hypothesis,
    ScalarExercise,
    ShapeNote,
    Verdict,
    describe_kind,
    frozen,
)
from .shared import K23, WindowExercise, random_image, random_kernel

__all__ = ["ConvOutputSize", "CorrelateStrided", "SamePadding"]


def _total_padding(n: int, k: int, padding, stride: int, dilation: int) -> int:
    """Pixels added to one axis, both sides together."""
    if padding == "valid":
        return 0
    if padding == "same":
        return sum(_shapes.same_padding(n, k, stride=stride, dilation=dilation))
    return 2 * int(padding)


def _floor_size(n: int, total: int, k_eff: int, stride: int) -> int:
    return (n + total - k_eff) // stride + 1


class ConvOutputSize(ScalarExercise):
    """``conv_output_size(n, k, padding, stride, dilation)``: 'valid', 'same' or p per side."""

    name = "conv_output_size"
    check_doc = """Check ``conv_output_size(n, k, padding, stride, dilation) -> int`` (lesson 04).

    `padding` is ``'valid'``, ``'same'`` (TensorFlow's: ``ceil(n / stride)``)
    or an int added on each side.  Parameters, raises: as :func:`image_info`.
    """
    scratch_optional = False
    example = "conv_output_size"
    arg_names = ("n", "k", "padding", "stride", "dilation")
    guard_groups = ("shapes",)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to work the size out yourself, but {function} "
            "called {forbidden}. convlab's shape helpers and TensorFlow are not allowed here; "
            "integer arithmetic (//, -(-a // b), max) is all you need."
        )

    def public_cases(self):
        return [
            Case((5, 3, "valid", 1, 1)),
            Case((7, 3, "valid", 2, 1)),
            Case((7, 3, "valid", 1, 2)),
            Case((8, 3, "valid", 2, 1)),
            Case((5, 3, 1, 1, 1)),
            Case((7, 3, "same", 2, 1)),
            Case((600, 5, "same", 2, 1)),
            Case((600, 5, "valid", 2, 1)),
            Case((8, 1, "valid", 3, 1)),  # a kernel narrower than the stride
        ]

    def hidden_cases(self, rng):
        cases = [
            Case((1, 1, "valid", 1, 1)),
            Case((1, 1, "same", 3, 1)),
            Case((4, 4, "valid", 3, 1)),
            Case((6, 3, "valid", 5, 1)),
            Case((10, 3, "same", 4, 2)),
            Case((9, 3, "valid", 1, 4)),
            Case((224, 7, 3, 2, 1)),
            Case((224, 3, "same", 1, 1)),
            Case((5, 3, 0, 1, 1)),
        ]
        while len(cases) < 45:
            n = int(rng.integers(1, 700))
            k = int(rng.integers(1, 8))
            stride = int(rng.integers(1, 5))
            dilation = int(rng.integers(1, 4))
            padding = ("valid", "same", int(rng.integers(0, 4)))[len(cases) % 3]
            total = _total_padding(n, k, padding, stride, dilation)
            if n + total >= (k - 1) * dilation + 1:
                cases.append(Case((n, k, padding, stride, dilation)))
        return cases

    def expected(self, case):
        n, k, padding, stride, dilation = case.args
        return _shapes.conv_output_size(n, k, padding=padding, stride=stride, dilation=dilation)

    def hypotheses(self, case, expected):
        n, k, padding, stride, dilation = case.args
        total = _total_padding(n, k, padding, stride, dilation)
        k_eff = (k - 1) * dilation + 1
        if padding == "same":
            yield Hypothesis(
                _(
                    "For 'same' you rounded n / stride down. TensorFlow's 'same' output has "
                    "ceil(n / stride) positions: the padding completes the last, partial window."
                ),
                n // stride,
            )
            yield Hypothesis(
                _(
                    "For 'same' you returned n, as with stride 1. With a stride, 'same' has "
                    "ceil(n / stride) positions, one every stride pixels."
                ),
                n,
            )
            yield Hypothesis(
                _(
                    "For 'same' you used the 'valid' size: 'same' pads the input first, so that "
                    "the output has ceil(n / stride) positions."
                ),
                _floor_size(n, 0, k_eff, stride) if n >= k_eff else expected,
            )
            return
        yield Hypothesis(
            _(
                "You rounded up. A window that would stick out past the padded input is not a "
                "position: the division by the stride rounds down (floor)."
            ),
            -(-(n + total - k_eff) // stride) + 1,
        )
        yield Hypothesis(
            _(
                "The dilation is missing: a kernel of k taps spaced d apart covers "
                "d * (k - 1) + 1 pixels, and that is the size that must fit."
            ),
            _floor_size(n, total, k, stride),
        )
        yield Hypothesis(
            _(
                "A dilated kernel covers d * (k - 1) + 1 pixels, not d * k: the gaps are only "
                "between taps, not after the last one."
            ),
            _floor_size(n, total, dilation * k, stride) if n + total >= dilation * k else expected,
        )
        yield Hypothesis(
            _(
                "Your answer is one less than the right size: the first position, at 0, counts "
                "too. After the division by the stride, add 1."
            ),
            (n + total - k_eff) // stride,
        )
        divided = _(
            "You divided the stride-1 output size by the stride. The positions are 0, s, 2s, "
            "...: count the steps that fit, floor((n + p_total - k_eff) / s), then add 1 "
            "for the first position."
        )
        yield Hypothesis(divided, (n + total - k_eff + 1) // stride)
        if stride > 1:
            yield Hypothesis(divided, (n - k + 1) // stride)  # also without padding and dilation
        yield Hypothesis(
            _("The stride is missing: with stride s only every s-th position is kept."),
            n + total - k_eff + 1,
        )
        if not isinstance(padding, str):
            yield Hypothesis(
                _(
                    "An integer `padding` p adds p pixels on each side of the axis: the total "
                    "is 2p, not p."
                ),
                _floor_size(n, int(padding), k_eff, stride),
            )


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class SamePadding(Exercise):
    """``same_padding(n, k, stride) -> (before, after)``, TensorFlow's 'same' rule."""

    name = "same_padding"
    check_doc = """Check ``same_padding(n, k, stride) -> (before, after)`` (lesson 04), TensorFlow's rule.

    Parameters, raises: as :func:`image_info`.
    """
    scratch_optional = False
    example = "same_padding"
    arg_names = ("n", "k", "stride")
    guard_groups = ("shapes",)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to work the size out yourself, but {function} "
            "called {forbidden}. convlab's shape helpers and TensorFlow are not allowed here; "
            "integer arithmetic (//, -(-a // b), max) is all you need."
        )

    def public_cases(self):
        return [
            Case((5, 3, 1)),
            Case((5, 4, 1)),
            Case((6, 3, 2)),
            Case((600, 5, 2)),
            Case((7, 3, 2)),  # n not a multiple of the stride: the output size rounds up
            Case((8, 1, 2)),  # a kernel narrower than the stride: the total would be -1
        ]

    def hidden_cases(self, rng):
        cases = [
            Case((1, 1, 1)),
            Case((1, 3, 1)),
            Case((2, 2, 2)),
            Case((6, 1, 2)),
            Case((7, 2, 4)),
            Case((224, 7, 2)),
            Case((600, 5, 3)),
        ]
        for _i in range(30):
            n = int(rng.integers(1, 300))
            cases.append(Case((n, int(rng.integers(1, 8)), int(rng.integers(1, 5)))))
        return cases

    def expected(self, case):
        n, k, stride = case.args
        return _shapes.same_padding(n, k, stride=stride)

    def hypotheses(self, case, expected):
        n, k, stride = case.args
        before, after = expected
        out = -(-n // stride)
        total = (out - 1) * stride + k - n
        yield Hypothesis(
            _(
                "Before and after are swapped: the extra pixel of an odd total went before "
                "(top/left). TensorFlow puts the smaller half before and the larger half after "
                "(bottom/right)."
            ),
            (after, before),
        )
        yield Hypothesis(
            _(
                "That is the total padding on each side. The total is split between the two "
                "sides: before = total // 2, after = the rest."
            ),
            (before + after, before + after),
        )
        yield Hypothesis(
            _(
                "The stride is missing: you padded k - 1 pixels, as for stride 1. With a "
                "stride, 'same' means ceil(n / stride) outputs, and the padding is what those "
                "outputs need: (out - 1) * stride + k - n."
            ),
            ((k - 1) // 2, k - 1 - (k - 1) // 2),
        )
        low = max((n // stride - 1) * stride + k - n, 0)
        yield Hypothesis(
            _(
                "You computed the number of outputs as n // stride. TensorFlow's 'same' output "
                "has ceil(n / stride) positions; the padding is what those need."
            ),
            (low // 2, low - low // 2),
        )
        if total < 0:
            yield Hypothesis(
                _(
                    "The padding came out negative. When the stride is larger than the kernel "
                    "the windows need no padding at all: clamp the total at 0."
                ),
                (total // 2, total - total // 2),
            )

    def evidence(self, case: Case, expected, call: Call) -> dict[str, tuple[bool, str]]:
        pair = self._pair(call.value) if call.error is None else None
        if pair is None:
            return {}
        return {
            hypothesis.message: (pair == hypothesis.predict, hypothesis.message)
            for hypothesis in self.hypotheses(case, expected)
            if hypothesis.predict != expected
        }

    @staticmethod
    def _pair(value):
        if isinstance(value, (tuple, list)) and len(value) == 2 and all(map(_is_int, value)):
            return int(value[0]), int(value[1])
        return None

    def judge(self, case: Case, expected, call: Call) -> Verdict | None:
        value = call.value
        pair = self._pair(value)
        if pair is not None:
            if pair == tuple(expected):
                return None
            return Verdict(
                _("Your function returned {received}; the right answer is different.").format(
                    received=pair
                )
            )
        if value is None:
            return Verdict(_("Your function returned None. Is a `return` statement missing?"))
        if _is_int(value):
            return Verdict(
                _(
                    "Your function returned one number, {received}; a pair (before, after) was "
                    "expected, because the two sides can differ."
                ).format(received=int(value))
            )
        if isinstance(value, (tuple, list)) and len(value) == 2:
            try:
                numbers = tuple(float(v) for v in value)
            except (TypeError, ValueError):
                numbers = None
            if numbers == tuple(float(v) for v in expected):
                return Verdict(
                    _(
                        "The numbers are right, but padding widths are whole numbers: return "
                        "ints, not {kind}."
                    ).format(kind=", ".join(sorted({type(v).__name__ for v in value})))
                )
        return Verdict(
            _("Your function returned {kind}; a pair of ints (before, after) was expected.").format(
                kind=describe_kind(value)
            )
        )


class CorrelateStrided(WindowExercise):
    """``correlate_strided(image, kernel, stride)``: valid 2-D correlation, from scratch."""

    name = "correlate_strided"
    check_doc = """Check ``correlate_strided(image, kernel, stride)`` (lesson 04): valid, 2-D, from scratch.

    Parameters, raises: as :func:`correlate_valid`.
    """
    example = "correlate_strided"
    arg_names = ("image", "kernel", "stride")

    def public_cases(self):
        image57 = frozen(np.arange(35, dtype=np.float64).reshape(5, 7))
        image66 = frozen((np.arange(36, dtype=np.float64).reshape(6, 6) * 7) % 11)
        k33 = frozen(np.array([[1.0, 2.0, 4.0], [8.0, 16.0, 32.0], [64.0, 128.0, 256.0]]))
        return [
            Case((image57, K23, 2)),
            Case((image66, k33, 3)),
            Case((image57, k33, 1)),
            Case((image66, frozen(np.array([[1.0, -1.0]])), 4)),
            Case((frozen((image57 * 9).astype(np.uint8)), k33, 2)),
            Case((frozen(image66.astype(np.float32) / 3), K23, 3)),
        ]

    def hidden_cases(self, rng):
        cases = []
        kernel_shapes = [(1, 1), (1, 3), (3, 1), (2, 2), (3, 3), (3, 5), (5, 3), (5, 5)]
        for index, (kh, kw) in enumerate(kernel_shapes):
            for stride in (2, 3, int(rng.integers(1, 6))):
                h, w = kh + int(rng.integers(0, 12)), kw + int(rng.integers(0, 12))
                if h == w:
                    w += 1
                dtype = (np.float64, np.float32, np.uint8)[(index + stride) % 3]
                cases.append(
                    Case((random_image(rng, (h, w), dtype), random_kernel(rng, (kh, kw)), stride))
                )
        # Kernel as large as the image (one output), a stride larger than the image,
        # a one-row image, a larger case.
        cases.append(Case((random_image(rng, (3, 4), np.float64), random_kernel(rng, (3, 4)), 2)))
        cases.append(Case((random_image(rng, (4, 6), np.float64), random_kernel(rng, (2, 2)), 7)))
        cases.append(Case((random_image(rng, (1, 11), np.uint8), random_kernel(rng, (1, 3)), 2)))
        cases.append(Case((random_image(rng, (23, 17), np.float32), random_kernel(rng, (5, 5)), 2)))
        return cases

    def expected(self, case):
        image, kernel, stride = case.args
        return _oracles.correlate_valid(image, kernel)[::stride, ::stride]

    def hypotheses(self, case, expected):
        image, kernel, stride = case.args
        full = _oracles.correlate_valid(image, kernel)
        yield Hypothesis(
            _(
                "Your output is the stride-1 correlation: every position was kept. With stride "
                "s the window jumps s pixels at a time, so only every s-th position is computed."
            ),
            lambda: full,
        )
        yield Hypothesis(
            _(
                "Your output has the right size, but its windows start at (y, x) instead of "
                "(y * stride, x * stride): the output index moves by 1, the window by the stride."
            ),
            lambda: full[: expected.shape[0], : expected.shape[1]],
        )
        yield Hypothesis(
            _(
                "You took every stride-th pixel of the image first and then correlated. A "
                "strided correlation keeps the image whole and moves the window by the stride."
            ),
            lambda: _oracles.correlate_valid(image[::stride, ::stride], kernel),
        )
        yield Hypothesis(
            _("The stride was applied to the rows only; the columns need it too."),
            lambda: full[::stride, :],
        )
        yield Hypothesis(
            _("The stride was applied to the columns only; the rows need it too."),
            lambda: full[:, ::stride],
        )
        yield Hypothesis(
            _(
                "Your output is a convolution: the kernel was flipped. Correlation uses the "
                "kernel as it is."
            ),
            lambda: _oracles.correlate_valid(image, kernel[::-1, ::-1])[::stride, ::stride],
        )
        yield from self.short_hypotheses(expected)

    def shape_notes(self, case, expected, received):
        image, kernel, stride = case.args
        (h, w), (kh, kw) = image.shape, kernel.shape
        past_edge = _(
            "Your output is one row or column too large: the last window would stick out "
            "past the image. Count the positions with floor((n - k) / stride) + 1."
        )
        ceil_valid = (-(-(h - kh) // stride) + 1, -(-(w - kw) // stride) + 1)
        same = (-(-h // stride), -(-w // stride))
        yield ShapeNote(past_edge, lambda: received.shape == ceil_valid)
        yield ShapeNote(
            _(
                "That is the 'same' size, ceil(n / stride); without padding only "
                "floor((n - k) / stride) + 1 windows fit."
            ),
            lambda: received.shape == same,
        )
        yield ShapeNote(
            past_edge,
            lambda: (
                received.shape
                in (
                    (expected.shape[0] + 1, expected.shape[1]),
                    (expected.shape[0], expected.shape[1] + 1),
                )
            ),
        )


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    ConvOutputSize,
    SamePadding,
    CorrelateStrided,
)
