"""Checks for lesson 10, mosaic, downsampling and aliasing.

Introduced in lesson 10: ``block_mean`` (area downsampling that keeps the
partial blocks at the bottom and right edges, from scratch),
``enlarge_nearest`` (nearest-neighbour enlargement, from scratch) and
``pixelate`` (the two together, cropped back, optionally inside a box).

Expected results are computed here with explicit loops over blocks and index
arithmetic, independently of ``convlab.pixelation``; the tests compare them
with OpenCV's ``INTER_AREA`` / ``INTER_NEAREST`` and scikit-image.
"""

from __future__ import annotations

import numpy as np

from convlab.i18n import gettext as _

from ._core import ArrayExercise, Case, Hypothesis, ShapeNote, frozen
from .shared import random_image

__all__ = ["BlockMean", "EnlargeNearest", "Pixelate", "block_means", "enlarged", "pixelated"]


def block_means(image: np.ndarray, size: int) -> np.ndarray:
    """Mean of each size x size block, partial blocks over the pixels they have, float64."""
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape[:2]
    out_h, out_w = -(-h // size), -(-w // size)
    out = np.empty((out_h, out_w, *image.shape[2:]))
    for y in range(out_h):
        for x in range(out_w):
            block = image[y * size : (y + 1) * size, x * size : (x + 1) * size]
            out[y, x] = block.mean(axis=(0, 1))
    return out


def enlarged(image: np.ndarray, size: int) -> np.ndarray:
    """Pixel (i, j) of the result is pixel (i // size, j // size) of `image`."""
    image = np.asarray(image)
    rows = np.arange(image.shape[0] * size) // size
    cols = np.arange(image.shape[1] * size) // size
    return image[rows][:, cols]


def _region(image, size, box, shrink) -> np.ndarray:
    out = np.asarray(image, dtype=np.float64).copy()
    top, left, bottom, right = box if box is not None else (0, 0, *out.shape[:2])
    region = np.asarray(image)[top:bottom, left:right]  # in its own dtype, as the student has it
    grown = enlarged(shrink(region, size), size)
    out[top:bottom, left:right] = grown[: bottom - top, : right - left]
    return out


def pixelated(image: np.ndarray, size: int, box=None) -> np.ndarray:
    """Block means enlarged back over the image (or over `box` only), float64."""
    return _region(image, size, box, block_means)


# -- what usual mistakes produce ---------------------------------------------


def _zero_padded_means(image, size):
    """Partial blocks divided by size * size, as if the missing pixels were 0."""
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape[:2]
    out_h, out_w = -(-h // size), -(-w // size)
    pad = [(0, out_h * size - h), (0, out_w * size - w)] + [(0, 0)] * (image.ndim - 2)
    padded = np.pad(image, pad)
    return padded.reshape(out_h, size, out_w, size, *image.shape[2:]).mean(axis=(1, 3))


def _corner_pixels(image, size):
    return np.asarray(image, dtype=np.float64)[::size, ::size]


def _centre_pixels(image, size):
    image = np.asarray(image, dtype=np.float64)
    rows = np.minimum(np.arange(0, image.shape[0], size) + size // 2, image.shape[0] - 1)
    cols = np.minimum(np.arange(0, image.shape[1], size) + size // 2, image.shape[1] - 1)
    return image[np.ix_(rows, cols)]


def _block_sums(image, size):
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape[:2]
    out_h, out_w = -(-h // size), -(-w // size)
    out = np.empty((out_h, out_w, *image.shape[2:]))
    for y in range(out_h):
        for x in range(out_w):
            out[y, x] = image[y * size : (y + 1) * size, x * size : (x + 1) * size].sum(axis=(0, 1))
    return out


def _wrapped_means(image, size):
    """Block sums added in uint8 (modulo 256), then divided by each block's pixel count."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError("only uint8 sums wrap")
    counts = _block_sums(np.ones(image.shape[:2]), size)
    if image.ndim == 3:
        counts = counts[..., None]
    return np.mod(_block_sums(image, size), 256) / counts


def _wrong_reshape(image, size):
    """Reshape (H, W) straight to (H // size, W // size, size, size) (whole blocks only)."""
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape[:2]
    if h % size or w % size:
        raise ValueError("only for whole blocks")
    return image.reshape(h // size, w // size, size, size, *image.shape[2:]).mean(axis=(2, 3))


def _across_channels(image, size):
    means = block_means(image, size)
    return np.repeat(means.mean(axis=2, keepdims=True), image.shape[2], axis=2)


def _rounded_index(image, size):
    image = np.asarray(image)
    h, w = image.shape[:2]
    rows = np.minimum(np.round(np.arange(h * size) / size).astype(int), h - 1)
    cols = np.minimum(np.round(np.arange(w * size) / size).astype(int), w - 1)
    return image[rows][:, cols]


def _tiled(image, size):
    image = np.asarray(image)
    return np.tile(image, (size, size) + (1,) * (image.ndim - 2))


def _wrapped_message() -> str:
    """Why block means are wrong when the pixels were added in uint8 (in the student's language)."""
    return _(
        "Your block means are wrong where a block's sum passes 255: the pixels were added in "
        "uint8, which wraps around modulo 256 (250 + 10 gives 4). Convert the image to float "
        "(image.astype(np.float64)) before adding, or use np.mean, which adds in float64."
    )


class _BlockExercise(ArrayExercise):
    """Shared cases of the downsampling exercises: gray and colour, ragged edges, dtypes."""

    arg_names = ("image", "size")

    def public_cases(self):
        image45 = frozen(np.arange(20, dtype=np.float64).reshape(4, 5))
        image57 = frozen(((np.arange(35).reshape(5, 7) * 5) % 11).astype(np.float64))
        rgb = frozen(((np.arange(5 * 6 * 3).reshape(5, 6, 3) * 7) % 13).astype(np.uint8))
        # Every kind of input the hidden cases use: bright uint8 pixels whose block sums
        # pass 255, float32 with one channel and whole blocks only, a block larger than
        # the image.
        bright = frozen((200 + (np.arange(35).reshape(5, 7) * 7) % 56).astype(np.uint8))
        single = frozen((np.arange(54).reshape(6, 9, 1) % 7 / 4).astype(np.float32))
        small = frozen(np.arange(18, dtype=np.float64).reshape(3, 2, 3) - 8)
        row = frozen((np.arange(9) % 4 / 3).astype(np.float32).reshape(1, 9))
        return [
            Case((image45, 2)),
            Case((image57, 3)),
            Case((rgb, 2)),
            Case((bright, 2)),
            Case((single, 3)),
            Case((small, 4)),
            Case((row, 2)),
        ]

    def hidden_cases(self, rng):
        cases = []
        for index, size in enumerate((1, 2, 2, 3, 3, 4, 5)):
            for channels in (None, 1, 3):
                h = size * int(rng.integers(1, 5)) + int(rng.integers(0, size))
                w = size * int(rng.integers(1, 5)) + int(rng.integers(0, size))
                if h == w:
                    w += 1
                shape = (h, w) if channels is None else (h, w, channels)
                dtype = (np.float64, np.float32, np.uint8)[(index + (channels or 0)) % 3]
                cases.append(Case((random_image(rng, shape, dtype), size)))
        # A block larger than the image, one row, whole blocks only, a larger RGB image.
        cases.append(Case((random_image(rng, (3, 2, 3), np.float64), 4)))
        cases.append(Case((random_image(rng, (1, 9), np.uint8), 2)))
        cases.append(Case((random_image(rng, (6, 9), np.float32), 3)))
        cases.append(Case((random_image(rng, (31, 20, 3), np.uint8), 4)))
        return cases


class BlockMean(_BlockExercise):
    """``block_mean(image, size)``: the mean of each block, partial edge blocks kept."""

    name = "block_mean"
    check_doc = """Check ``block_mean(image, size)`` (lesson 10): area downsampling, from scratch.

    The mean of each ``size x size`` block; partial blocks at the bottom and
    right edges average the pixels they have, so the output is
    ``(ceil(H / size), ceil(W / size)[, C])``.  Parameters, raises: as
    :func:`correlate_valid`.
    """
    example = "block_mean"
    guard_groups = ("conv", "resize")

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to compute the block means yourself, but "
            "{function} called {forbidden}. Library resizing and pooling (cv2.resize, "
            "skimage.transform, skimage.measure.block_reduce, scipy.ndimage, convlab's pooling "
            "and pixelation) are not allowed here; NumPy slicing, reshape, np.pad and reductions "
            "such as np.mean with `axis` are."
        )

    def expected(self, case):
        image, size = case.args
        return block_means(image, size)

    def hypotheses(self, case, expected):
        image, size = case.args
        yield Hypothesis(
            _(
                "Your blocks at the bottom or right edge are too dark: a partial block was "
                "averaged as if its missing pixels were 0 (divided by size * size). Divide each "
                "block's sum by the number of pixels it really has."
            ),
            lambda: _zero_padded_means(image, size),
        )
        yield Hypothesis(
            _(
                "That is one pixel per block (the top-left one, image[::size, ::size]), not the "
                "mean of the block. Keeping one pixel is the other way to shrink, and the one "
                "that aliases; this exercise asks for the mean."
            ),
            lambda: _corner_pixels(image, size),
        )
        yield Hypothesis(
            _(
                "That is the centre pixel of each block, not the mean of the block. Keeping one "
                "pixel is the other way to shrink (convlab.mosaic does it); this exercise asks "
                "for the mean."
            ),
            lambda: _centre_pixels(image, size),
        )
        yield Hypothesis(
            _("That is the sum of each block, not its mean: divide by its number of pixels."),
            lambda: _block_sums(image, size),
        )
        yield Hypothesis(_wrapped_message(), lambda: _wrapped_means(image, size))
        yield Hypothesis(
            _(
                "Your blocks are not size x size squares of neighbouring pixels: reshaping "
                "(H, W) straight to (H // size, W // size, size, size) mixes pixels of different "
                "rows. Reshape to (H // size, size, W // size, size) and average axes 1 and 3."
            ),
            lambda: _wrong_reshape(image, size),
        )
        if image.ndim == 3 and image.shape[2] > 1:
            yield Hypothesis(
                _(
                    "Your means mix the channels: each value averages all channels together. "
                    "Each channel is shrunk on its own."
                ),
                lambda: _across_channels(image, size),
            )

    def shape_notes(self, case, expected, received):
        image, size = case.args
        h, w = image.shape[:2]
        rest = image.shape[2:]
        yield ShapeNote(
            _(
                "Your output drops the rows or columns at the bottom or right edge that do not "
                "fill a whole block, as 'valid' pooling does. A mosaic must cover every pixel: "
                "keep the partial blocks, so the output has ceil(H / size) rows and "
                "ceil(W / size) columns."
            ),
            lambda: received.shape == (h // size, w // size, *rest),
        )
        if image.ndim == 3:
            yield ShapeNote(
                _(
                    "The channel axis is missing: a (H, W, C) image gives one small image per "
                    "channel, shape (ceil(H / size), ceil(W / size), C)."
                ),
                lambda: received.shape == expected.shape[:2],
            )
        yield ShapeNote(
            _(
                "That is the input's size: block_mean returns the small image, one value per "
                "block (enlarging it back is the next exercise)."
            ),
            lambda: received.shape == image.shape,
        )


class EnlargeNearest(_BlockExercise):
    """``enlarge_nearest(image, size)``: each pixel becomes a size x size block."""

    name = "enlarge_nearest"
    check_doc = """Check ``enlarge_nearest(image, size)`` (lesson 10): each pixel a size x size block.

    Library resizing is refused while `from_scratch` is true.  Parameters,
    raises: as :func:`correlate_valid`.
    """
    example = "enlarge_nearest"
    guard_groups = ("resize",)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to enlarge the image yourself, but {function} "
            "called {forbidden}. Library resizing (cv2.resize, skimage.transform, "
            "scipy.ndimage.zoom, convlab's pixelation) is not allowed here; NumPy indexing, "
            "np.repeat and np.kron are."
        )

    def expected(self, case):
        image, size = case.args
        return enlarged(image, size)

    def hypotheses(self, case, expected):
        image, size = case.args
        yield Hypothesis(
            _(
                "That repeats the whole image size x size times side by side (np.tile); each "
                "pixel should become a size x size block instead (np.repeat along axes 0 and 1)."
            ),
            lambda: _tiled(image, size),
        )
        yield Hypothesis(
            _(
                "Your index rounds i / size to the nearest pixel, so blocks are shifted by half "
                "a block. Output pixel i comes from input pixel i // size (rounded down)."
            ),
            lambda: _rounded_index(image, size),
        )

    def shape_notes(self, case, expected, received):
        image, size = case.args
        h, w = image.shape[:2]
        rest = image.shape[2:]
        yield ShapeNote(
            _("Only the rows were enlarged: repeat along axis 1 (the columns) too."),
            lambda: received.shape == (h * size, w, *rest),
        )
        yield ShapeNote(
            _("Only the columns were enlarged: repeat along axis 0 (the rows) too."),
            lambda: received.shape == (h, w * size, *rest),
        )
        yield ShapeNote(
            _(
                "Your result is flat: np.repeat without `axis` flattens the array first. "
                "Repeat along axis=0 and along axis=1."
            ),
            lambda: received.ndim == 1,
        )
        if image.ndim == 3:
            yield ShapeNote(
                _(
                    "The channels were repeated too: only the two image axes grow; a colour "
                    "image keeps its C channels."
                ),
                lambda: received.shape == (h * size, w * size, image.shape[2] * size),
            )
            yield ShapeNote(
                _(
                    "The columns and the channels were enlarged, not the rows and the columns: "
                    "np.kron lines a (size, size) block up with the last two axes. For a colour "
                    "image use a (size, size, 1) block, or np.repeat along axes 0 and 1."
                ),
                lambda: received.shape == (h, w * size, image.shape[2] * size),
            )


class Pixelate(ArrayExercise):
    """``pixelate(image, size, box=None)``: block means enlarged back, inside `box` only."""

    name = "pixelate"
    check_doc = """Check ``pixelate(image, size, box=None)`` (lesson 10): block means enlarged back.

    ``box = (top, left, bottom, right)`` limits the mosaic to that region,
    blocks starting at its top-left corner.  Parameters, raises: as
    :func:`correlate_valid`.
    """
    example = "pixelate"
    arg_names = ("image", "size", "box")
    guard_groups = ("resize",)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to build the mosaic from your own block_mean "
            "and enlarge_nearest, but {function} called {forbidden}. Library resizing and "
            "pixelation (cv2.resize, skimage.transform, convlab.mosaic, convlab.pixelate) are "
            "not allowed here."
        )

    def public_cases(self):
        image = frozen(np.arange(30, dtype=np.float64).reshape(5, 6))
        rgb = frozen(((np.arange(6 * 7 * 3).reshape(6, 7, 3) * 7) % 13).astype(np.uint8))
        # The hidden cases' other kinds: bright uint8 pixels whose block sums pass 255,
        # float32, size 1.
        bright = frozen((200 + (np.arange(42).reshape(6, 7) * 5) % 56).astype(np.uint8))
        single = frozen((np.arange(28).reshape(4, 7) % 5 / 4).astype(np.float32))
        return [
            Case((image, 2)),
            Case((image, 2, (1, 1, 4, 5))),
            Case((rgb, 3, (0, 2, 5, 7))),
            Case((bright, 2, (1, 0, 6, 5))),
            Case((single, 3)),
            Case((single, 5, (0, 1, 4, 7))),  # a block larger than the image's height
            Case((single, 1, (0, 0, 4, 7))),
        ]

    def hidden_cases(self, rng):
        cases = [Case((random_image(rng, (4, 7), np.float32), 1, (0, 0, 4, 7)))]
        for index in range(16):
            size = int(rng.integers(1, 6))
            channels = (None, 3)[index % 2]
            h, w = int(rng.integers(3, 16)), int(rng.integers(3, 16))
            if h == w:
                w += 1
            shape = (h, w) if channels is None else (h, w, channels)
            dtype = (np.float64, np.float32, np.uint8)[index % 3]
            image = random_image(rng, shape, dtype)
            if index % 4 == 0:
                cases.append(Case((image, size)))
                continue
            top, left = int(rng.integers(0, h - 1)), int(rng.integers(0, w - 1))
            bottom, right = int(rng.integers(top + 1, h + 1)), int(rng.integers(left + 1, w + 1))
            cases.append(Case((image, size, (top, left, bottom, right))))
        return cases

    def expected(self, case):
        image, size, *box = case.args
        return pixelated(image, size, box[0] if box else None)

    def hypotheses(self, case, expected):
        image, size, *rest = case.args
        box = rest[0] if rest else None
        h, w = image.shape[:2]
        top, left, bottom, right = box if box is not None else (0, 0, h, w)
        yield Hypothesis(
            _(
                "Your blocks follow the grid of the whole image, not of the box: pixelating the "
                "whole image and copying the box out of it. Start the blocks at the box's "
                "top-left corner: shrink and enlarge image[top:bottom, left:right] itself."
            ),
            lambda: _copy_region(image, pixelated(image, size), box),
        )
        yield Hypothesis(
            _(
                "Your box is read as (left, top, right, bottom). The box is (top, left, bottom, "
                "right): rows first, like image[top:bottom, left:right]."
            ),
            lambda: pixelated(image, size, (left, top, right, bottom)),
        )
        yield Hypothesis(
            _(
                "You pixelated the whole image; with a box, only image[top:bottom, left:right] changes."
            ),
            lambda: pixelated(image, size),
        )
        yield Hypothesis(
            _(
                "Outside the box your image is 0: start from a copy of the image "
                "(image.copy()), not from np.zeros_like, and replace the box only."
            ),
            lambda: _copy_region(np.zeros(image.shape), pixelated(image, size, box), box),
        )
        yield Hypothesis(
            _(
                "Your blocks take one pixel of the block (like convlab.mosaic) instead of the "
                "block's mean: shrink with your block_mean."
            ),
            lambda: _region(image, size, box, _centre_pixels),
        )
        yield Hypothesis(
            _(
                "Your blocks take one pixel of the block (the top-left one) instead of the "
                "block's mean: shrink with your block_mean."
            ),
            lambda: _region(image, size, box, _corner_pixels),
        )
        yield Hypothesis(
            _(
                "The partial blocks at the bottom or right edge of the region are too dark: "
                "their means count missing pixels as 0. Use your block_mean, which averages "
                "only the pixels a block has."
            ),
            lambda: _region(image, size, box, _zero_padded_means),
        )
        yield Hypothesis(_wrapped_message(), lambda: _region(image, size, box, _wrapped_means))

    def shape_notes(self, case, expected, received):
        image, size, *_rest = case.args
        h, w = image.shape[:2]
        yield ShapeNote(
            _(
                "Your output is larger than the image: enlarging ceil(H / size) block rows "
                "overshoots when size does not divide H. Crop the enlarged image back to the "
                "region's shape."
            ),
            lambda: received.shape[:2] == (-(-h // size) * size, -(-w // size) * size),
        )
        yield ShapeNote(
            _(
                "That is the small image: pixelate returns an image of the input's shape, "
                "each block filled with its mean (enlarge it back)."
            ),
            lambda: received.shape[:2] == (-(-h // size), -(-w // size)),
        )


def _copy_region(background, source, box) -> np.ndarray:
    out = np.asarray(background, dtype=np.float64).copy()
    if box is None:
        return np.asarray(source, dtype=np.float64).copy()
    top, left, bottom, right = box
    out[top:bottom, left:right] = source[top:bottom, left:right]
    return out


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    BlockMean,
    EnlargeNearest,
    Pixelate,
)
