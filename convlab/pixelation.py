"""Mosaic (pixelation): shrink, optionally blur, grow back by nearest neighbour.

Introduced in lesson 10, mosaic, downsampling and aliasing: :func:`mosaic`
(tiles take their centre pixel), and the three steps the lesson builds by
hand, :func:`block_mean` (area downsampling), :func:`enlarge_nearest` and
:func:`pixelate`.

The module is called ``pixelation`` rather than ``mosaic`` so that
``convlab.mosaic`` is always the function: a submodule of the same name would
replace it on the package once imported.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from ._validation import _describe, as_array, as_float, check_pair, check_real
from .i18n import gettext as _
from .kernels import gaussian_kernel1d
from .separable import separable_correlate2d

__all__ = ["mosaic", "block_mean", "enlarge_nearest", "pixelate"]


def _check_region(
    region: object, shape: tuple[int, int], name: str = "region"
) -> tuple[int, int, int, int]:
    height, width = shape
    if (
        isinstance(region, Sequence | np.ndarray)
        and not isinstance(region, str)
        and len(region) == 4
        and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in region)
    ):
        top, left, bottom, right = (int(v) for v in region)
        if 0 <= top < bottom <= height and 0 <= left < right <= width:
            return top, left, bottom, right
        raise ValueError(
            _(
                "`{name}` (top, left, bottom, right) must satisfy 0 <= top < bottom <= {height} "
                "and 0 <= left < right <= {width}; got {got}."
            ).format(name=name, height=height, width=width, got=(top, left, bottom, right))
        )
    raise TypeError(
        _("`{name}` must be None or four integers (top, left, bottom, right); got {got}.").format(
            name=name, got=_describe(region)
        )
    )


def _sample_index(n: int, block: int) -> np.ndarray:
    """Index of the pixel each block of `block` pixels keeps: its centre (clipped)."""
    return np.minimum(np.arange(0, n, block) + block // 2, n - 1)


def _pixelate(image: np.ndarray, block: tuple[int, int], sigma: float | None) -> np.ndarray:
    height, width = image.shape[:2]
    rows, cols = _sample_index(height, block[0]), _sample_index(width, block[1])
    small = image[np.ix_(rows, cols)]
    if sigma is not None:
        g = gaussian_kernel1d(2 * math.ceil(3 * sigma) + 1, sigma)
        small = separable_correlate2d(small, g, g, padding="same", mode="edge")
    grown = np.repeat(np.repeat(small, block[0], axis=0), block[1], axis=1)
    return grown[:height, :width]


def mosaic(image, block, *, blur: float | None = None, region=None) -> np.ndarray:
    """Pixelate an image: one colour per ``block x block`` tile.

    Each tile takes the value of its centre pixel (nearest-neighbour
    down-sampling), the small image is optionally blurred, and each value is
    repeated back over its tile (nearest-neighbour up-sampling), so the result
    has the input's shape.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype.
    block : int or (int, int)
        Tile height and width in pixels, >= 1 (1 leaves the image unchanged
        unless `blur` is given).  Tiles at the bottom/right edge may be cut.
    blur : float, optional
        Standard deviation, **in tiles**, of a Gaussian blur applied to the
        small image (kernel ``gaussian_kernel1d(2 * ceil(3 * blur) + 1,
        blur)`` in both directions, ``'edge'`` borders).  Softens the jumps
        between neighbouring tiles.  ``None`` (default): no blur.
    region : (top, left, bottom, right), optional
        Pixelate only ``image[top:bottom, left:right]`` (tiles start at its
        top-left corner); the rest is unchanged.  ``None``: the whole image.

    Returns
    -------
    ndarray
        Same shape as `image`; ``float32`` for a ``float32`` image, else
        ``float64`` (values of a ``uint8`` image stay in 0..255: convert with
        ``np.clip(out, 0, 255).astype(np.uint8)`` to show it as such).

    Raises
    ------
    TypeError
        If the image is not numeric, or `block`, `blur` or `region` has the
        wrong type.
    ValueError
        If the image is not 2-D/3-D or is empty, `block` < 1, `blur` <= 0, or
        `region` is empty or leaves the image.

    See Also
    --------
    convlab.avg_pool2d : Tiles that take the mean instead of the centre pixel.
    convlab.gaussian_kernel1d : The blur kernel.

    Examples
    --------
    >>> image = np.zeros((4, 4)); image[1, 1] = 1
    >>> mosaic(image, 2)
    array([[1., 1., 0., 0.],
           [1., 1., 0., 0.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.]])
    >>> mosaic(np.arange(16.0).reshape(4, 4), 2, region=(0, 0, 2, 4))  # top half only
    array([[ 5.,  5.,  7.,  7.],
           [ 5.,  5.,  7.,  7.],
           [ 8.,  9., 10., 11.],
           [12., 13., 14., 15.]])
    """
    image = as_float(as_array(image))
    block = check_pair(block, name="block")
    sigma = None if blur is None else check_real(blur, name="blur", positive=True)
    if region is None:
        return _pixelate(image, block, sigma)
    top, left, bottom, right = _check_region(region, image.shape[:2])
    out = image.copy()
    out[top:bottom, left:right] = _pixelate(image[top:bottom, left:right], block, sigma)
    return out


def _check_size(size: object) -> int:
    from ._validation import check_int

    return check_int(size, name="size", minimum=1)


def block_mean(image, size) -> np.ndarray:
    """Area downsampling: the mean of each ``size x size`` block.

    Unlike 'valid' pooling (:func:`convlab.avg_pool2d`), nothing is dropped:
    the output has ``ceil(H / size)`` rows and ``ceil(W / size)`` columns,
    and a partial block at the bottom or right edge takes the mean of the
    pixels it has (not of zeros, which would darken the edge).

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype; each channel on its own.
    size : int
        Block side, >= 1.

    Returns
    -------
    ndarray
        ``(ceil(H / size), ceil(W / size)[, C])``, ``float32`` for a
        ``float32`` image, else ``float64``.

    Raises
    ------
    TypeError, ValueError
        For a non-numeric or empty image, or a `size` that is not an integer >= 1.

    See Also
    --------
    convlab.avg_pool2d : The same with leftover rows and columns dropped.
    enlarge_nearest : The way back up.

    Notes
    -----
    Where ``size`` divides the image, this is ``cv2.resize(image, (W // size,
    H // size), interpolation=cv2.INTER_AREA)`` and
    ``skimage.transform.downscale_local_mean``.

    Examples
    --------
    >>> block_mean(np.arange(15.0).reshape(3, 5), 2)
    array([[ 3. ,  5. ,  6.5],
           [10.5, 12.5, 14. ]])
    """
    image = as_float(as_array(image))
    size = _check_size(size)
    height, width = image.shape[:2]
    out_h, out_w = -(-height // size), -(-width // size)
    pad = [(0, out_h * size - height), (0, out_w * size - width)] + [(0, 0)] * (image.ndim - 2)
    padded = np.pad(image, pad)
    counts = np.pad(np.ones((height, width), image.dtype), pad[:2])
    shape = (out_h, size, out_w, size)
    sums = padded.reshape(*shape, *image.shape[2:]).sum(axis=(1, 3))
    n = counts.reshape(shape).sum(axis=(1, 3))
    return sums / (n if image.ndim == 2 else n[:, :, np.newaxis])


def enlarge_nearest(image, size) -> np.ndarray:
    """Nearest-neighbour enlargement: each pixel becomes a ``size x size`` block.

    Parameters
    ----------
    image : (h, w) or (h, w, C) array_like
        Image of any real dtype.
    size : int
        Block side, >= 1.

    Returns
    -------
    ndarray
        ``(h * size, w * size[, C])``, same dtype as `image`.

    Raises
    ------
    TypeError, ValueError
        For a non-numeric or empty image, or a `size` that is not an integer >= 1.

    Notes
    -----
    The same as ``cv2.resize(image, None, fx=size, fy=size,
    interpolation=cv2.INTER_NEAREST)`` and ``skimage.transform.rescale(image,
    size, order=0)`` for integer factors.

    Examples
    --------
    >>> enlarge_nearest(np.array([[1, 2], [3, 4]]), 2)
    array([[1, 1, 2, 2],
           [1, 1, 2, 2],
           [3, 3, 4, 4],
           [3, 3, 4, 4]])
    """
    image = as_array(image)
    size = _check_size(size)
    return np.repeat(np.repeat(image, size, axis=0), size, axis=1)


def pixelate(image, size, box=None) -> np.ndarray:
    """Pixelate with block means: :func:`block_mean`, then :func:`enlarge_nearest`, cropped.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        The image.
    size : int
        Block side, >= 1.
    box : (top, left, bottom, right), optional
        Pixelate only ``image[top:bottom, left:right]``, with blocks starting
        at its top-left corner; the rest is unchanged.  ``None``: everything.

    Returns
    -------
    ndarray
        Same shape as `image`, dtype as :func:`block_mean`.

    Raises
    ------
    TypeError, ValueError
        For a bad image or size, or a box that is empty or leaves the image.

    See Also
    --------
    mosaic : Tiles that take their centre pixel, with an optional blur.

    Examples
    --------
    >>> pixelate(np.arange(16.0).reshape(4, 4), 2, box=(0, 0, 2, 4))
    array([[ 2.5,  2.5,  4.5,  4.5],
           [ 2.5,  2.5,  4.5,  4.5],
           [ 8. ,  9. , 10. , 11. ],
           [12. , 13. , 14. , 15. ]])
    """
    image = as_float(as_array(image))
    size = _check_size(size)
    top, left, bottom, right = (
        (0, 0, *image.shape[:2]) if box is None else _check_region(box, image.shape[:2], "box")
    )
    out = image.copy()
    region = image[top:bottom, left:right]
    grown = enlarge_nearest(block_mean(region, size), size)
    out[top:bottom, left:right] = grown[: bottom - top, : right - left]
    return out
