"""Mosaic (pixelation): shrink by nearest neighbour, optionally blur, grow back.

Introduced in lesson 10, mosaic.

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

__all__ = ["mosaic"]


def _check_region(region: object, shape: tuple[int, int]) -> tuple[int, int, int, int]:
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
                "`region` (top, left, bottom, right) must satisfy 0 <= top < bottom <= {height} "
                "and 0 <= left < right <= {width}; got {got}."
            ).format(height=height, width=width, got=(top, left, bottom, right))
        )
    raise TypeError(
        _("`region` must be None or four integers (top, left, bottom, right); got {got}.").format(
            got=_describe(region)
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
