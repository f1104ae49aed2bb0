"""Checks for lesson 06, the Keras Conv2D layer.

Introduced in lesson 06: ``conv2d_params``, ``identity_kernel``, ``blur_kernel``.
Kernels are Keras' ``Conv2D`` layout, HWIO: ``(kh, kw, C_in, C_out)``.  The
expected values are short NumPy expressions (no TensorFlow: grading a lesson
never pays its import); the tests compare them with ``convlab.layers``.
"""

from __future__ import annotations

import numpy as np

from convlab.i18n import gettext as _

from ._core import ArrayExercise, Case, Hypothesis, ScalarExercise, ShapeNote

__all__ = ["BlurKernel", "Conv2dParams", "IdentityKernel", "KernelExercise"]


def conv2d_params(kh: int, kw: int, c_in: int, c_out: int, bias: bool = True) -> int:
    """Weights of a Conv2D layer: one kh x kw x c_in filter per output channel, plus biases."""
    return kh * kw * c_in * c_out + (c_out if bias else 0)


def identity(k: int, channels: int) -> np.ndarray:
    """The (k, k, C, C) kernel whose 'same' output is its input: a 1 at the centre, per channel."""
    out = np.zeros((k, k, channels, channels))
    for c in range(channels):
        out[k // 2, k // 2, c, c] = 1.0
    return out


def box(k: int, channels: int) -> np.ndarray:
    """The (k, k, C, C) kernel that box-blurs each channel on its own."""
    out = np.zeros((k, k, channels, channels))
    for c in range(channels):
        out[:, :, c, c] = 1.0 / (k * k)
    return out


class Conv2dParams(ScalarExercise):
    """``conv2d_params(kh, kw, c_in, c_out, bias=True)``: Keras' ``count_params()``."""

    name = "conv2d_params"
    check_doc = """Check ``conv2d_params(kh, kw, c_in, c_out, bias=True) -> int`` (lesson 06).

    The number Keras' ``count_params()`` gives for a ``Conv2D`` layer.
    Parameters, raises: as :func:`image_info`.
    """
    example = "conv2d_params"
    arg_names = ("kh", "kw", "c_in", "c_out", "bias")

    def public_cases(self):
        return [
            Case((5, 5, 3, 3)),
            Case((3, 3, 3, 16)),
            Case((3, 3, 16, 8), (("bias", False),)),
            Case((1, 1, 64, 32)),
            Case((3, 5, 2, 4), (("bias", True),)),
        ]

    def hidden_cases(self, rng):
        cases = [
            Case((1, 1, 1, 1)),
            Case((1, 1, 1, 1), (("bias", False),)),
            Case((3, 3, 1, 1)),
            Case((7, 1, 3, 5)),
            Case((1, 7, 5, 3), (("bias", False),)),
            Case((3, 5, 2, 4), (("bias", True),)),
            Case((3, 3, 512, 512)),
        ]
        for index in range(16):
            kh, kw = (int(x) for x in rng.integers(1, 8, size=2))
            c_in, c_out = (int(x) for x in rng.integers(1, 129, size=2))
            kwargs = () if index % 3 == 0 else (("bias", bool(index % 3 == 1)),)
            cases.append(Case((kh, kw, c_in, c_out), kwargs))
        return cases

    def expected(self, case):
        return conv2d_params(*case.args, **dict(case.kwargs))

    def hypotheses(self, case, expected):
        kh, kw, c_in, c_out = case.args
        bias = dict(case.kwargs).get("bias", True)
        weights = kh * kw * c_in * c_out
        if bias:
            yield Hypothesis(
                _(
                    "Your count leaves out the bias: a Conv2D layer adds one bias per output "
                    "channel (per filter)."
                ),
                weights,
            )
            yield Hypothesis(
                _(
                    "Your count has one bias per input channel; there is one per output "
                    "channel, added to that filter's sum."
                ),
                weights + c_in,
            )
            yield Hypothesis(
                _(
                    "Your count has a single bias for the whole layer; there is one per output "
                    "channel."
                ),
                weights + 1,
            )
            yield Hypothesis(
                _(
                    "Your count has one bias per pair of input and output channels "
                    "(c_in x c_out); a bias belongs to a filter, so there are c_out of them."
                ),
                weights + c_in * c_out,
            )
        else:
            yield Hypothesis(
                _(
                    "Called with bias=False, your count still includes the biases: a layer with "
                    "use_bias=False has the kernel's weights only."
                ),
                weights + c_out,
            )
        yield Hypothesis(
            _(
                "Your count gives each output channel one kh x kw filter, but a Conv2D filter "
                "spans every input channel: it has kh x kw x c_in weights."
            ),
            kh * kw * c_out + (c_out if bias else 0),
        )
        yield Hypothesis(
            _(
                "Your count adds the channels instead of multiplying them: every output channel "
                "has a weight for every input channel at every tap."
            ),
            kh * kw * (c_in + c_out) + (c_out if bias else 0),
        )
        yield Hypothesis(
            _(
                "Your count uses the kernel height for both sides of the kernel; a kernel "
                "can be kh x kw with kh != kw."
            ),
            kh * kh * c_in * c_out + (c_out if bias else 0),
        )


class KernelExercise(ArrayExercise):
    """Shared mistakes of the exercises that build a (k, k, C, C) Conv2D kernel."""

    arg_names = ("k", "channels")

    def public_cases(self):
        return [Case((3, 3)), Case((1, 1)), Case((5, 2)), Case((3, 1))]

    def hidden_cases(self, rng):
        cases = [Case((1, 3)), Case((7, 1)), Case((1, 1)), Case((3, 3)), Case((3, 4))]
        for _i in range(10):
            cases.append(Case((int(rng.choice([1, 3, 5, 7, 9])), int(rng.integers(1, 6)))))
        return cases

    def tolerance(self, case, expected):
        # float32 weights are what Keras stores: 1/9 in float32 is right here.
        return 1e-6, 1e-7

    def layout_hypotheses(self, case, expected):
        """The same kernel in PyTorch's OIHW layout (same shape only when k == C)."""
        yield Hypothesis(
            _(
                "Your kernel is in PyTorch's layout (C_out, C_in, kh, kw). Keras' Conv2D "
                "stores kernels as (kh, kw, C_in, C_out): the two spatial axes come first."
            ),
            lambda: expected.transpose(3, 2, 0, 1),
        )

    def shape_notes(self, case, expected, received):
        k, channels = case.args
        yield ShapeNote(
            _(
                "Your kernel has PyTorch's layout (C_out, C_in, kh, kw). Keras' Conv2D stores "
                "kernels as (kh, kw, C_in, C_out): the two spatial axes come first."
            ),
            lambda: received.shape == (channels, channels, k, k),
        )
        yield ShapeNote(
            _(
                "Your kernel is {ndim}-D, with one axis for the channels. A Conv2D kernel is "
                "4-D, (kh, kw, C_in, C_out): one k x k filter for every pair of input and "
                "output channels."
            ).format(ndim=received.ndim),
            lambda: received.shape in ((k, k, channels), (channels, k, k)),
        )
        yield ShapeNote(
            _(
                "Your kernel is a single 2-D filter. A Conv2D kernel is 4-D, (kh, kw, C_in, "
                "C_out): one k x k filter for every pair of input and output channels."
            ),
            lambda: received.shape == (k, k),
        )
        yield ShapeNote(
            _(
                "Your kernel has one output channel; the layer must give back as many "
                "channels as it receives, so C_out = C_in = channels."
            ),
            lambda: received.shape == (k, k, channels, 1),
        )

    def mixing_message(self) -> str:
        return _(
            "Your kernel mixes the channels: every output channel takes in every input "
            "channel, so the colours run into each other. Output channel c should see input "
            "channel c only: kernel[:, :, c_in, c_out] must be zero when c_in != c_out."
        )


class IdentityKernel(KernelExercise):
    """``identity_kernel(k, channels)``: a (k, k, C, C) kernel whose 'same' output is its input."""

    name = "identity_kernel"
    check_doc = """Check ``identity_kernel(k, channels)`` (lesson 06): the (k, k, C, C) identity, odd k.

    Any numeric dtype is accepted (float32 included).  Parameters, raises: as
    :func:`image_info`.
    """
    example = "identity_kernel"

    def expected(self, case):
        return identity(*case.args)

    def hypotheses(self, case, expected):
        k, channels = case.args
        middle = k // 2
        mixing = np.zeros((k, k, channels, channels))
        mixing[middle, middle] = 1.0
        yield Hypothesis(self.mixing_message(), lambda: mixing, key="mixing")
        for i in range(k):
            for j in range(k):
                if (i, j) == (middle, middle):
                    continue
                shifted = np.zeros((k, k, channels, channels))
                for c in range(channels):
                    shifted[i, j, c, c] = 1.0
                yield Hypothesis(
                    _(
                        "The 1 of your kernel is at tap ({i}, {j}), not at the centre "
                        "({middle}, {middle}). With 'same' padding a layer using it would "
                        "shift the image instead of keeping it in place."
                    ).format(i=i, j=j, middle=middle),
                    lambda shifted=shifted: shifted,
                    key=f"tap:{i - middle},{j - middle}",
                )
        yield from self.layout_hypotheses(case, expected)
        yield Hypothesis(
            _(
                "Your kernel is all ones on each channel's filter: that adds up k x k "
                "neighbours (a blur, and k x k times brighter). The identity keeps only the "
                "centre tap."
            ),
            lambda: box(k, channels) * (k * k),
        )


class BlurKernel(KernelExercise):
    """``blur_kernel(k, channels)``: a (k, k, C, C) kernel that box-blurs each channel."""

    name = "blur_kernel"
    check_doc = """Check ``blur_kernel(k, channels)`` (lesson 06): a (k, k, C, C) per-channel box blur.

    Parameters, raises: as :func:`identity_kernel`.
    """
    example = "blur_kernel"

    def expected(self, case):
        return box(*case.args)

    def hypotheses(self, case, expected):
        k, channels = case.args
        yield Hypothesis(
            self.mixing_message(), lambda: np.full(expected.shape, 1.0 / (k * k)), key="mixing"
        )
        yield Hypothesis(
            self.mixing_message(),
            lambda: np.full(expected.shape, 1.0 / (k * k * channels)),
            key="mixing",
        )
        yield Hypothesis(
            _(
                "Your kernel is not normalised: each channel's filter sums to {total}, so the "
                "blurred image is {total} times brighter. A blur's weights sum to 1."
            ).format(total=k * k),
            lambda: expected * (k * k),
        )
        yield Hypothesis(
            _(
                "Each channel's filter sums to {total}: dividing by k is not enough, a k x k "
                "box has k x k weights. A blur's weights sum to 1."
            ).format(total=k),
            lambda: expected * k,
        )
        yield Hypothesis(
            _(
                "Your kernel is normalised over all its weights, channels included, so each "
                "channel's filter sums to {total} and the image gets darker. Each channel's "
                "own k x k filter should sum to 1."
            ).format(total=f"{1 / channels:.3g}"),
            lambda: expected / channels,
        )
        yield from self.layout_hypotheses(case, expected)
        yield Hypothesis(
            _(
                "Your kernel keeps only the centre tap of each channel: that is the identity, "
                "which leaves the image unchanged. A box blur averages all k x k taps."
            ),
            lambda: identity(k, channels),
        )


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    Conv2dParams,
    IdentityKernel,
    BlurKernel,
)
