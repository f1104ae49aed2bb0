"""Checks for lesson 05, pooling.

Introduced in lesson 05: ``max_pool2d``, ``avg_pool2d`` (non-overlapping
windows, ``stride = size``, 'valid'; 2-D and (H, W, C) images) and
``avg_pool_kernel``, the (size, size, C, C) Conv2D kernel of average pooling.

Expected results are computed here by cropping to whole windows and reshaping
to ``(H // size, size, W // size, size[, C])``, independently of
``convlab.pooling``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from convlab.i18n import gettext as _

from ._core import ArrayExercise, Case, Hypothesis, ShapeNote, frozen
from .shared import random_image

__all__ = ["AvgPool2d", "AvgPoolKernel", "MaxPool2d", "pool"]


def pool(image: np.ndarray, size: int, reduce) -> np.ndarray:
    """Non-overlapping 'valid' pooling of a (H, W) or (H, W, C) image, in float64."""
    image = np.asarray(image, dtype=np.float64)
    oh, ow = image.shape[0] // size, image.shape[1] // size
    crop = image[: oh * size, : ow * size]
    blocks = crop.reshape(oh, size, ow, size, *image.shape[2:])
    return reduce(blocks, axis=(1, 3))


def _pool_wrong_reshape(image, size, reduce):
    """The classic bug: reshape (H, W) straight to (H/size, W/size, size, size)."""
    image = np.asarray(image, dtype=np.float64)
    oh, ow = image.shape[0] // size, image.shape[1] // size
    crop = image[: oh * size, : ow * size]
    return reduce(crop.reshape(oh, ow, size, size, *image.shape[2:]), axis=(2, 3))


def _pool_overlapping(image, size, reduce):
    """Windows one pixel apart (stride 1)."""
    windows = sliding_window_view(np.asarray(image, dtype=np.float64), (size, size), axis=(0, 1))
    return reduce(windows, axis=(-2, -1))


def _pool_across_channels(image, size, reduce):
    """One value per window over every channel, repeated for each channel."""
    pooled = pool(image, size, reduce)
    across = reduce(pooled, axis=2) if reduce is np.max else pooled.mean(axis=2)
    return np.repeat(across[:, :, np.newaxis], image.shape[2], axis=2)


class _PoolExercise(ArrayExercise):
    """Shared cases and diagnoses of max and average pooling."""

    arg_names = ("image", "size")
    guard_groups = ("conv",)
    reduce = staticmethod(np.max)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to write the pooling yourself, but {function} "
            "called {forbidden}. Library pooling and filters (convlab's pooling functions, "
            "scipy.ndimage filters, OpenCV, TensorFlow, PyTorch) are not allowed here; NumPy "
            "slicing, reshape, sliding_window_view and reductions such as np.max and np.mean "
            "with `axis` are."
        )

    def public_cases(self):
        image44 = frozen(np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 6, 3, 3], [2, 1, 7, 1]], float))
        image57 = frozen(((np.arange(35).reshape(5, 7) * 5) % 11).astype(np.float64))
        rgb = frozen(((np.arange(4 * 6 * 3).reshape(4, 6, 3) * 7) % 13).astype(np.uint8))
        return [
            Case((image44, 2)),
            Case((image57, 2)),
            Case((image57, 3)),
            Case((rgb, 2)),
            Case((frozen(image57[..., np.newaxis].astype(np.float32) / 2), 2)),
            # bright uint8 pixels: a window's sum passes 255, so adding in uint8 wraps
            Case((frozen(((np.arange(42).reshape(6, 7) * 37) % 256).astype(np.uint8)), 2)),
        ]

    def hidden_cases(self, rng):
        cases = []
        for index, size in enumerate((1, 2, 2, 3, 3, 4, 5)):
            for channels in (None, 1, 3):
                h = size * int(rng.integers(1, 5)) + int(rng.integers(0, size))
                w = size * int(rng.integers(1, 5)) + int(rng.integers(0, size))
                if h == w:
                    w += size
                shape = (h, w) if channels is None else (h, w, channels)
                dtype = (np.float64, np.float32, np.uint8)[(index + (channels or 0)) % 3]
                cases.append(Case((random_image(rng, shape, dtype), size)))
        # A window as large as the image, a one-row image, a larger RGB case.
        cases.append(Case((random_image(rng, (4, 4, 3), np.float64), 4)))
        cases.append(Case((random_image(rng, (1, 9), np.uint8), 1)))
        cases.append(Case((random_image(rng, (2, 9), np.float32), 2)))
        cases.append(Case((random_image(rng, (30, 21, 3), np.uint8), 3)))
        return cases

    def expected(self, case):
        image, size = case.args
        return pool(image, size, self.reduce)

    def common_hypotheses(self, case, expected):
        image, size = case.args
        reduce = self.reduce
        yield Hypothesis(
            _(
                "Your windows overlap: each starts 1 pixel after the previous one. Here the "
                "window moves by its own size (stride = size), so every pixel belongs to "
                "exactly one window."
            ),
            lambda: _pool_overlapping(image, size, reduce),
        )
        yield Hypothesis(
            _(
                "Your windows are not size x size blocks of neighbouring pixels: each one "
                "gathers pixels from different rows of the image. A reshape keeps the pixels "
                "in reading order, row after row, so reshaping (H, W) straight into "
                "(H // size, W // size, size, size) does not cut the image into blocks."
            ),
            lambda: _pool_wrong_reshape(image, size, reduce),
        )
        if image.ndim == 3 and image.shape[2] > 1:
            yield Hypothesis(
                _(
                    "Your windows mix the channels: each value pools over all channels "
                    "together. Pooling works on each channel on its own, like the image's "
                    "colour planes."
                ),
                lambda: _pool_across_channels(image, size, reduce),
            )

    def shape_notes(self, case, expected, received):
        image, size = case.args
        h, w = image.shape[:2]
        rest = image.shape[2:]
        if image.ndim == 3:
            yield ShapeNote(
                _(
                    "The channel axis is missing: a (H, W, C) image gives a "
                    "(H // size, W // size, C) output, one pooled map per channel."
                ),
                lambda: received.shape == expected.shape[:2],
            )
        if size != 2:
            yield ShapeNote(
                _(
                    "Your windows move by 2 pixels whatever their size. Here the window moves "
                    "by its own size (stride = size), so the output has H // size rows and "
                    "W // size columns."
                ),
                lambda: (
                    h >= size
                    and w >= size
                    and received.shape == ((h - size) // 2 + 1, (w - size) // 2 + 1, *rest)
                ),
            )
        yield ShapeNote(
            _(
                "Your output has a window for the leftover rows or columns at the bottom or "
                "right edge, which do not fill a whole window. 'valid' pooling drops them: the "
                "output has H // size rows and W // size columns."
            ),
            lambda: received.shape == (-(-h // size), -(-w // size), *rest),
        )
        yield ShapeNote(
            _(
                "That is the size of windows one pixel apart (stride 1). Here the window "
                "moves by its own size, so the output has H // size rows."
            ),
            lambda: received.shape == (h - size + 1, w - size + 1, *rest),
        )
        yield ShapeNote(
            _(
                "That is the input's size: pooling with a window of size s shrinks each side s times."
            ),
            lambda: received.shape == image.shape,
        )


class MaxPool2d(_PoolExercise):
    """``max_pool2d(image, size)``: maximum of each size x size window, stride = size."""

    name = "max_pool2d"
    check_doc = """Check ``max_pool2d(image, size)`` (lesson 05): stride = size, 'valid', from scratch.

    Images are (H, W) or (H, W, C); each channel is pooled on its own.
    Parameters, raises: as :func:`correlate_valid`.
    """
    example = "max_pool2d"
    reduce = staticmethod(np.max)

    def expected(self, case):
        """The maxima, in the image's own dtype: a maximum is one of its pixels."""
        image, size = case.args
        return pool(image, size, np.max).astype(np.asarray(image).dtype)

    def hypotheses(self, case, expected):
        image, size = case.args
        yield Hypothesis(
            _("That is average pooling: this exercise asks for the maximum of each window."),
            lambda: pool(image, size, np.mean),
        )
        yield Hypothesis(
            _("That is the minimum of each window; max pooling keeps the maximum."),
            lambda: pool(image, size, np.min),
        )
        yield from self.common_hypotheses(case, expected)


class AvgPool2d(_PoolExercise):
    """``avg_pool2d(image, size)``: mean of each size x size window, stride = size."""

    name = "avg_pool2d"
    check_doc = """Check ``avg_pool2d(image, size)`` (lesson 05): as :func:`max_pool2d`, with the mean.

    Parameters, raises: as :func:`correlate_valid`.
    """
    example = "avg_pool2d"
    reduce = staticmethod(np.mean)

    def hypotheses(self, case, expected):
        image, size = case.args
        yield Hypothesis(
            _("That is max pooling: this exercise asks for the mean of each window."),
            lambda: pool(image, size, np.max),
        )
        yield Hypothesis(
            _(
                "That is the sum of each window, not its mean: divide by the number of pixels "
                "in a window, size * size."
            ),
            lambda: pool(image, size, np.sum),
        )
        yield Hypothesis(
            _("You divided by size, but a window holds size * size pixels: divide by size * size."),
            lambda: pool(image, size, np.sum) / size,
        )
        if np.asarray(image).dtype == np.uint8:
            yield Hypothesis(
                _(
                    "Your averages are wrong where a window's sum passes 255: the pixels were "
                    "added in uint8, which wraps around modulo 256 (250 + 10 gives 4). Convert "
                    "the window to float before adding, or use np.mean, which adds in float64."
                ),
                lambda: np.mod(pool(image, size, np.sum), 256) / (size * size),
            )
        yield from self.common_hypotheses(case, expected)


class AvgPoolKernel(ArrayExercise):
    """``avg_pool_kernel(size, channels)``: the (size, size, C, C) kernel of average pooling."""

    name = "avg_pool_kernel"
    check_doc = """Check ``avg_pool_kernel(size, channels)`` (lesson 05): the (size, size, C, C) kernel.

    Parameters, raises: as :func:`image_info`.
    """
    example = "avg_pool_kernel"
    arg_names = ("size", "channels")

    def public_cases(self):
        return [Case((3, 1)), Case((2, 2)), Case((3, 3))]

    def hidden_cases(self, rng):
        cases = [Case((1, 1)), Case((1, 3)), Case((5, 1)), Case((2, 4))]
        for _i in range(10):
            cases.append(Case((int(rng.integers(1, 7)), int(rng.integers(1, 6)))))
        return cases

    def expected(self, case):
        size, channels = case.args
        kernel = np.zeros((size, size, channels, channels))
        for c in range(channels):
            kernel[:, :, c, c] = 1.0 / size**2
        return kernel

    def hypotheses(self, case, expected):
        size, channels = case.args
        shape = (size, size, channels, channels)
        diagonal = expected != 0
        yield Hypothesis(
            _(
                "Every input channel feeds every output channel: output channel c would "
                "average all the channels together. For pooling, output channel c sees only "
                "input channel c, so kernel[:, :, i, o] must be zero when i != o."
            ),
            lambda: np.full(shape, 1.0 / size**2),
            key="mixing",
        )
        yield Hypothesis(
            _(
                "Your kernel averages over the window and over all channels at once. For "
                "pooling, output channel c sees only input channel c, so kernel[:, :, i, o] "
                "must be zero when i != o."
            ),
            lambda: np.full(shape, 1.0 / (size**2 * channels)),
            key="mixing",
        )
        yield Hypothesis(
            _(
                "The weights are 1: that kernel sums each window instead of averaging it. "
                "Divide by the number of pixels in a window, size * size."
            ),
            lambda: diagonal * 1.0,
        )
        yield Hypothesis(
            _(
                "The weights are 1 / size, but a window holds size * size pixels: each weight "
                "is 1 / (size * size)."
            ),
            lambda: diagonal / size,
        )
        yield Hypothesis(
            _(
                "The weights are divided by the number of channels too. Each output channel "
                "averages the size * size pixels of one input channel: 1 / (size * size)."
            ),
            lambda: diagonal / (size**2 * channels),
        )

    def shape_notes(self, case, expected, received):
        size, channels = case.args
        yield ShapeNote(
            _(
                "That is PyTorch's (C_out, C_in, kh, kw) layout. A Keras Conv2D kernel, and "
                "convlab.conv2d's, is (kh, kw, C_in, C_out): (size, size, channels, channels)."
            ),
            lambda: received.shape == (channels, channels, size, size) and size != channels,
        )
        yield ShapeNote(
            _(
                "A Conv2D kernel has four axes, (kh, kw, C_in, C_out): here (size, size, "
                "channels, channels), with one 2-D kernel for each pair of input and output "
                "channels."
            ),
            lambda: received.ndim != 4,
        )


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    MaxPool2d,
    AvgPool2d,
    AvgPoolKernel,
)
