"""Checks for lesson 07, depthwise versus Conv2D.

Introduced in lesson 07: ``depthwise_conv2d`` (from scratch),
``depthwise_to_conv2d_kernel``, ``param_counts``.  A depthwise kernel here is
``(kh, kw, C)``, one 2-D filter per channel (Keras' ``DepthwiseConv2D`` kernel
with ``depth_multiplier=1``, without its last axis).  Expected values are short
NumPy expressions; the tests compare them with ``convlab.layers``.
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
from .shared import short_loop_hypotheses

__all__ = ["DepthwiseConv2d", "DepthwiseToConv2dKernel", "ParamCounts"]

# Taps are distinct powers of two (negative in the second channel): every tap,
# and every channel's filter, is identifiable in the output.
_K232 = frozen(
    np.stack(
        [
            np.array([[1.0, 2.0, 4.0], [8.0, 16.0, 32.0]]),
            -np.array([[64.0, 32.0, 16.0], [8.0, 4.0, 2.0]]),
        ],
        axis=-1,
    )
)


def depthwise_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid depthwise correlation: channel c of the image with kernel[:, :, c], float64."""
    return np.stack(
        [_oracles.correlate_valid(image[..., c], kernel[..., c]) for c in range(image.shape[2])],
        axis=-1,
    )


def block_diagonal(kernel: np.ndarray) -> np.ndarray:
    """(kh, kw, C) -> (kh, kw, C, C): kernel[:, :, c] at [:, :, c, c], zeros elsewhere."""
    kh, kw, channels = kernel.shape
    out = np.zeros((kh, kw, channels, channels), dtype=np.float64)
    for c in range(channels):
        out[:, :, c, c] = kernel[:, :, c]
    return out


def param_counts(kh: int, kw: int, c_in: int, c_out: int) -> tuple[int, int]:
    """(Conv2D, SeparableConv2D) weights, Keras defaults (biases on, depth_multiplier=1)."""
    conv2d = kh * kw * c_in * c_out + c_out
    separable = kh * kw * c_in + c_in * c_out + c_out
    return conv2d, separable


def _image(rng, shape, dtype) -> np.ndarray:
    if np.dtype(dtype) == np.uint8:
        return frozen(rng.integers(0, 256, size=shape, dtype=np.uint8))
    if rng.random() < 0.5:
        return frozen(rng.normal(size=shape).astype(dtype))
    return frozen(rng.integers(-9, 10, size=shape).astype(dtype))


class DepthwiseConv2d(ArrayExercise):
    """``depthwise_conv2d(image, kernel)``: valid, stride 1, one filter per channel, from scratch."""

    name = "depthwise_conv2d"
    check_doc = """Check ``depthwise_conv2d(image, kernel)`` (lesson 07): valid, stride 1, from scratch.

    `image` is (H, W, C), `kernel` (kh, kw, C): channel c is correlated with
    ``kernel[:, :, c]``.  Parameters, raises: as :func:`correlate_valid`.
    """
    example = "depthwise_conv2d"
    arg_names = ("image", "kernel")
    guard_groups = ("conv",)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to compute the depthwise convolution yourself, "
            "but {function} called {forbidden}. Library convolutions, correlations and "
            "filters (SciPy, OpenCV, TensorFlow, numpy.convolve, convlab's own functions) "
            "are not allowed here; NumPy array operations such as slicing, sums, np.einsum "
            "and sliding_window_view are."
        )

    def public_cases(self):
        image452 = frozen(np.arange(40, dtype=np.float64).reshape(4, 5, 2))
        image553 = frozen((np.arange(75, dtype=np.float64).reshape(5, 5, 3) * 7) % 11)
        kernel333 = frozen(
            np.stack(
                [
                    np.array([[1.0, 0, -1], [2, 0, -2], [4, 3, -4]]),
                    np.full((3, 3), 1 / 9),
                    np.array([[0.0, 0, 0], [0, 0, 1], [0, 0, 0]]),
                ],
                axis=-1,
            )
        )
        return [
            Case((image452, _K232)),
            Case((image553, kernel333)),
            Case((frozen(np.arange(12.0).reshape(3, 4, 1)), frozen(np.array([[[2.0]]])))),
            Case((frozen((image452 * 6).astype(np.uint8)), frozen(_K232.astype(np.int64)))),
            Case((frozen(image553.astype(np.float32) / 2), kernel333)),
        ]

    def hidden_cases(self, rng):
        cases = []
        shapes = [(1, 1), (1, 3), (3, 1), (2, 2), (3, 3), (3, 5), (5, 3)]
        for index, (kh, kw) in enumerate(shapes):
            h, w = kh + int(rng.integers(0, 6)), kw + int(rng.integers(0, 6))
            if h == w:
                w += 1
            channels = int(rng.integers(1, 5))
            dtype = (np.float64, np.float32, np.uint8)[index % 3]
            kernel = frozen(rng.normal(size=(kh, kw, channels)).round(3))
            cases.append(Case((_image(rng, (h, w, channels), dtype), kernel)))
        # One channel, a kernel as large as the image (1 x 1 output), a larger color case.
        cases.append(
            Case((_image(rng, (6, 7, 1), np.float64), frozen(rng.normal(size=(3, 3, 1)).round(3))))
        )
        cases.append(
            Case((_image(rng, (3, 4, 3), np.float64), frozen(rng.normal(size=(3, 4, 3)).round(3))))
        )
        cases.append(
            Case((_image(rng, (9, 12, 3), np.uint8), frozen(rng.integers(-4, 5, size=(3, 3, 3)))))
        )
        return cases

    def expected(self, case):
        return depthwise_valid(*case.args)

    def hypotheses(self, case, expected):
        image, kernel = case.args
        channels = image.shape[2]

        def per_channel(kernels):
            return np.stack(
                [_oracles.correlate_valid(image[..., c], k) for c, k in enumerate(kernels)],
                axis=-1,
            )

        def mixed():
            total = [
                sum(
                    _oracles.correlate_valid(image[..., c], kernel[..., o]) for c in range(channels)
                )
                for o in range(channels)
            ]
            return np.stack(total, axis=-1)

        mixing = _(
            "Your output mixes the channels: each output channel is the sum over all input "
            "channels, as in a Conv2D. A depthwise convolution filters channel c with "
            "kernel[:, :, c] alone and never adds channels together."
        )
        yield Hypothesis(mixing, mixed, key="mixing")
        # Each channel filtered with its own kernel, then the channels added together.
        yield Hypothesis(
            mixing,
            lambda: np.repeat(expected.sum(axis=2, keepdims=True), channels, axis=2),
            key="mixing",
        )
        yield Hypothesis(
            _(
                "Your output is the convolution: the kernel was flipped (rotated by 180°). "
                "Layers correlate: they use the kernel as it is."
            ),
            lambda: per_channel([kernel[::-1, ::-1, c] for c in range(channels)]),
        )
        if channels > 1:
            yield Hypothesis(
                _(
                    "Every channel was filtered with kernel[:, :, 0]. Each channel has its own "
                    "filter: channel c goes with kernel[:, :, c]."
                ),
                lambda: per_channel([kernel[..., 0]] * channels),
            )
            yield Hypothesis(
                _(
                    "Channel c was filtered with another channel's filter (the kernel's channels "
                    "in reverse order). Channel c goes with kernel[:, :, c]."
                ),
                lambda: per_channel([kernel[..., channels - 1 - c] for c in range(channels)]),
            )
        yield Hypothesis(
            _(
                "Your output matches each filter transposed (rows and columns swapped). Check "
                "that kernel row i is multiplied with image row i of the window."
            ),
            lambda: per_channel([kernel[..., c].T for c in range(channels)]),
        )
        yield from short_loop_hypotheses(expected)
        kh, kw = kernel.shape[:2]
        if kh % 2 and kw % 2:
            yield Hypothesis(
                _(
                    "Your output is zero-padded 'same' correlation: this exercise asks for "
                    "'valid', which keeps only positions where the kernel fits inside the image."
                ),
                lambda: np.stack(
                    [
                        _oracles.correlate_same(image[..., c], kernel[..., c], "constant")
                        for c in range(channels)
                    ],
                    axis=-1,
                ),
            )

    def shape_notes(self, case, expected, received):
        image, kernel = case.args
        h, w, channels = image.shape
        kh, kw = kernel.shape[:2]
        oh, ow = expected.shape[:2]
        yield ShapeNote(
            _(
                "Your output has no channel axis: adding the channels together gives one "
                "output, as a Conv2D with one filter does. A depthwise convolution keeps one "
                "output channel per input channel: (out_h, out_w, C)."
            ),
            lambda: received.shape == (oh, ow),
        )
        yield ShapeNote(
            _(
                "Your output puts the channels first, (C, out_h, out_w). Keep the image's "
                "layout, channels last: (out_h, out_w, C)."
            ),
            lambda: received.shape == (channels, oh, ow),
        )
        yield ShapeNote(
            _(
                "That is the size of the input ('same'), but a valid output keeps only the "
                "positions where the kernel fits entirely inside the image, so it shrinks."
            ),
            lambda: received.shape == (h, w, channels),
        )
        yield ShapeNote(
            _("That is the size of the 'full' output; a valid output is smaller than its input."),
            lambda: received.shape == (h + kh - 1, w + kw - 1, channels),
        )
        yield ShapeNote(
            _(
                "Your output is larger than the valid output: your loops go past the last "
                "position where the kernel fits inside the image."
            ),
            lambda: received.ndim == 3 and received.shape[0] >= oh and received.shape[1] >= ow,
        )


class DepthwiseToConv2dKernel(ArrayExercise):
    """``depthwise_to_conv2d_kernel(kernel)``: (kh, kw, C) -> block-diagonal (kh, kw, C, C)."""

    name = "depthwise_to_conv2d_kernel"
    check_doc = """Check ``depthwise_to_conv2d_kernel(kernel)`` (lesson 07): (kh, kw, C) -> (kh, kw, C, C).

    The block-diagonal ``Conv2D`` kernel.  Parameters, raises: as :func:`image_info`.
    """
    example = "depthwise_to_conv2d_kernel"
    arg_names = ("kernel",)

    def public_cases(self):
        return [
            Case((frozen(np.arange(1.0, 19.0).reshape(3, 3, 2)),)),
            Case((frozen(np.array([[[1.0, 2.0, 3.0]]])),)),
            Case((frozen(np.arange(1.0, 7.0).reshape(2, 3, 1)),)),
            Case((frozen(np.arange(1, 13, dtype=np.int64).reshape(2, 2, 3)),)),
            Case((frozen(np.arange(1, 9, dtype=np.uint8).reshape(2, 2, 2)),)),
            Case((frozen(np.arange(12, dtype=np.float32).reshape(1, 3, 4) / 4),)),
        ]

    def hidden_cases(self, rng):
        cases = []
        for index in range(10):
            kh, kw = (int(x) for x in rng.integers(1, 6, size=2))
            channels = int(rng.integers(1, 6))
            dtype = (np.float64, np.float32)[index % 2]
            cases.append(Case((frozen(rng.normal(size=(kh, kw, channels)).astype(dtype)),)))
        cases.append(Case((frozen(rng.integers(-5, 6, size=(3, 3, 3))),)))  # integers
        cases.append(Case((frozen(rng.integers(0, 256, size=(2, 3, 2), dtype=np.uint8)),)))
        cases.append(Case((frozen(rng.normal(size=(1, 1, 1))),)))
        cases.append(Case((frozen(rng.normal(size=(1, 5, 4))),)))
        cases.append(Case((frozen(rng.normal(size=(2, 2, 2))),)))  # k == C: same shape in OIHW
        return cases

    def tolerance(self, case, expected):
        return 1e-6, 1e-6 * max(1.0, float(np.abs(expected).max()))

    def expected(self, case):
        return block_diagonal(case.args[0])

    def hypotheses(self, case, expected):
        kernel = case.args[0].astype(np.float64)
        channels = kernel.shape[2]
        mixing = _(
            "Your kernel mixes the channels: it has non-zero filters off the diagonal, so "
            "output channel c would add up every input channel. Only kernel[:, :, c, c] "
            "holds a filter; every other pair of channels gets zeros."
        )
        yield Hypothesis(
            mixing, lambda: np.repeat(kernel[:, :, :, None], channels, axis=3), key="mixing"
        )
        yield Hypothesis(
            mixing, lambda: np.repeat(kernel[:, :, None, :], channels, axis=2), key="mixing"
        )
        yield Hypothesis(
            _(
                "Your kernel is in PyTorch's layout (C_out, C_in, kh, kw). Keras' Conv2D "
                "stores kernels as (kh, kw, C_in, C_out): the two spatial axes come first."
            ),
            lambda: expected.transpose(3, 2, 0, 1),
        )
        yield Hypothesis(
            _(
                "The filters were flipped (rotated by 180°). Both layers correlate, so the "
                "filters go into the Conv2D kernel as they are."
            ),
            lambda: block_diagonal(kernel[::-1, ::-1]),
        )
        if channels > 1:

            def shifted(offset):
                out = np.zeros_like(expected)
                for c in range(channels):
                    if 0 <= c + offset < channels:
                        out[:, :, c, c + offset] = kernel[:, :, c]
                return out

            off_diagonal = _(
                "Your filters are beside the diagonal: input channel c's filter went to output "
                "channel c + 1 or c - 1. A depthwise layer keeps each channel in place, so "
                "channel c's filter belongs at kernel[:, :, c, c]."
            )
            yield Hypothesis(off_diagonal, lambda: shifted(1), key="off-diagonal")
            yield Hypothesis(off_diagonal, lambda: shifted(-1), key="off-diagonal")

            def anti():
                out = np.zeros_like(expected)
                for c in range(channels):
                    out[:, :, c, channels - 1 - c] = kernel[:, :, c]
                return out

            yield Hypothesis(
                _(
                    "Input channel c's filter went to output channel C - 1 - c. A depthwise "
                    "layer keeps the channel order: it belongs at kernel[:, :, c, c]."
                ),
                anti,
            )

    def shape_notes(self, case, expected, received):
        kh, kw, channels = case.args[0].shape
        yield ShapeNote(
            _(
                "Your kernel has PyTorch's layout (C_out, C_in, kh, kw). Keras' Conv2D stores "
                "kernels as (kh, kw, C_in, C_out): the two spatial axes come first."
            ),
            lambda: received.shape == (channels, channels, kh, kw),
        )
        yield ShapeNote(
            _(
                "That is the DepthwiseConv2D layout, (kh, kw, C, multiplier). A Conv2D kernel "
                "needs a filter for every pair of input and output channels: (kh, kw, C, C)."
            ),
            lambda: received.shape == (kh, kw, channels, 1),
        )
        yield ShapeNote(
            _(
                "Your result has the depthwise kernel's shape. The Conv2D kernel has one more "
                "axis: (kh, kw, C, C), with zeros wherever input and output channels differ."
            ),
            lambda: received.shape == (kh, kw, channels),
        )


class ParamCounts(Exercise):
    """``param_counts(kh, kw, c_in, c_out) -> (conv2d, separable)`` with Keras' defaults."""

    name = "param_counts"
    check_doc = """Check ``param_counts(kh, kw, c_in, c_out) -> (conv2d, separable)`` (lesson 07).

    Keras' defaults: biases on, ``depth_multiplier=1``; ``SeparableConv2D`` has
    one bias per output channel.  Parameters, raises: as :func:`image_info`.
    """
    example = "param_counts"
    arg_names = ("kh", "kw", "c_in", "c_out")

    def public_cases(self):
        return [Case((3, 3, 3, 8)), Case((5, 5, 3, 3)), Case((3, 3, 64, 128))]

    def hidden_cases(self, rng):
        cases = [
            Case((1, 1, 1, 1)),
            Case((3, 3, 1, 1)),
            Case((1, 1, 16, 16)),
            Case((3, 5, 4, 2)),
            Case((7, 1, 32, 8)),
        ]
        for _i in range(15):
            kh, kw = (int(x) for x in rng.integers(1, 8, size=2))
            c_in, c_out = (int(x) for x in rng.integers(1, 257, size=2))
            cases.append(Case((kh, kw, c_in, c_out)))
        return cases

    def expected(self, case):
        return param_counts(*case.args)

    def hypotheses(self, case, expected):
        """Yield a :class:`Hypothesis`; its `part`: 0 (Conv2D), 1 (separable) or None (both)."""
        kh, kw, c_in, c_out = case.args
        conv, separable = expected
        depthwise = kh * kw * c_in
        yield Hypothesis(
            _("Your two counts are in the wrong order: the function returns (conv2d, separable)."),
            (separable, conv),
            part=None,
        )
        yield Hypothesis(
            _(
                "Your Conv2D count leaves out the bias: a Conv2D layer adds one bias per "
                "output channel."
            ),
            conv - c_out,
            part=0,
        )
        yield Hypothesis(
            _("Your Conv2D count has one bias per input channel; there is one per output channel."),
            conv - c_out + c_in,
            part=0,
        )
        yield Hypothesis(
            _(
                "Your Conv2D count has one bias per pair of input and output channels "
                "(c_in x c_out); a bias belongs to a filter, so there are c_out of them."
            ),
            conv - c_out + c_in * c_out,
            part=0,
        )
        yield Hypothesis(
            _(
                "Your Conv2D count gives each output channel one kh x kw filter, but a Conv2D "
                "filter spans every input channel: it has kh x kw x c_in weights."
            ),
            kh * kw * c_out + c_out,
            part=0,
        )
        yield Hypothesis(
            _(
                "Your SeparableConv2D count includes a bias for the depthwise step too. Keras' "
                "SeparableConv2D has one bias, c_out values, after the pointwise step (a "
                "DepthwiseConv2D followed by a 1 x 1 Conv2D would have both)."
            ),
            separable + c_in,
            part=1,
        )
        yield Hypothesis(
            _(
                "Your SeparableConv2D count leaves out the bias: Keras adds c_out biases after "
                "the pointwise step."
            ),
            separable - c_out,
            part=1,
        )
        yield Hypothesis(
            _(
                "Your SeparableConv2D count leaves out the pointwise step: the 1 x 1 Conv2D that "
                "mixes the c_in depthwise outputs into c_out channels has c_in x c_out weights."
            ),
            depthwise + c_out,
            part=1,
        )
        yield Hypothesis(
            _(
                "That is the count of the DepthwiseConv2D step alone (with its bias). "
                "SeparableConv2D adds a pointwise 1 x 1 Conv2D from c_in to c_out channels."
            ),
            depthwise + c_in,
            part=1,
        )
        yield Hypothesis(
            _(
                "The pointwise step is a 1 x 1 convolution: c_in x c_out weights, with no "
                "kh x kw factor."
            ),
            depthwise + kh * kw * c_in * c_out + c_out,
            part=1,
        )

    @staticmethod
    def _pair(value):
        """The returned pair as two Python numbers, or None if it is not a pair of numbers."""
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return None
        items = []
        for item in value:
            if isinstance(item, (bool, np.bool_)) or not isinstance(
                item, (int, float, np.integer, np.floating)
            ):
                return None
            items.append(item)
        return items

    def evidence(self, case, expected, call: Call):
        pair = self._pair(call.value) if call.error is None else None
        if pair is None:
            return {}
        got = tuple(float(x) for x in pair)
        found = {}
        for hypothesis in self.hypotheses(case, expected):
            message, predicted, part = hypothesis.message, hypothesis.predict, hypothesis.part
            if part is None:
                if tuple(predicted) != tuple(expected):
                    found[message] = (got == tuple(predicted), message)
            elif predicted != expected[part]:
                found[message] = (got[part] == predicted, message)
        return found

    def judge(self, case, expected, call: Call):
        value = call.value
        if value is None:
            return Verdict(_("Your function returned None. Is a `return` statement missing?"))
        pair = self._pair(value)
        if pair is None:
            return Verdict(
                _(
                    "Your function returned {kind}; a tuple of two ints (conv2d, separable) "
                    "was expected."
                ).format(kind=describe_kind(value))
            )
        integers = all(isinstance(x, (int, np.integer)) for x in pair)
        numbers = tuple(float(x) for x in pair)
        if numbers == tuple(expected):
            if integers:
                return None
            return Verdict(
                _(
                    "The numbers are right, but parameter counts are whole numbers: return "
                    "ints, not {kind}."
                ).format(kind=", ".join(sorted({type(x).__name__ for x in pair})))
            )
        conv_ok, separable_ok = numbers[0] == expected[0], numbers[1] == expected[1]
        if conv_ok:
            return Verdict(_("Your Conv2D count is right; your SeparableConv2D count is not."))
        if separable_ok:
            return Verdict(_("Your SeparableConv2D count is right; your Conv2D count is not."))
        return Verdict(_("Both counts differ from the right ones."))


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    DepthwiseConv2d,
    DepthwiseToConv2dKernel,
    ParamCounts,
)
