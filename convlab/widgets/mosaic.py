"""A mosaic in three steps: shrink (block mean or one pixel), optionally blur, enlarge (lesson 10).

Introduced in lesson 10; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

import numpy as np

from .. import plotting
from ..i18n import gettext as _
from .core import Control, Explorer

__all__ = ["mosaic_explorer"]


def _shrink(image: np.ndarray, size: int, shrink: str, blur: str) -> np.ndarray:
    """One step of lesson 10's mosaic: block mean or one pixel per block, then a blur."""
    from ..convolution import correlate2d
    from ..kernels import gaussian_kernel
    from ..pixelation import _sample_index, block_mean

    if shrink == "mean":
        small = block_mean(image, size)
    else:  # the centre pixel of each block (clipped in a partial block), as convlab.mosaic
        rows, cols = _sample_index(image.shape[0], size), _sample_index(image.shape[1], size)
        small = image[np.ix_(rows, cols)]
    if blur != "none":
        small = correlate2d(small, gaussian_kernel(5, 1.0), padding="same", mode=blur)
    return small


def mosaic_explorer(image, *, max_size: int = 40) -> Explorer:
    """A mosaic in three steps: shrink (block mean or one pixel), optionally blur, enlarge.

    Two panels: the image and its mosaic, enlarged back to the image's size
    by nearest neighbour.  The blur is a 5 x 5 Gaussian (sigma 1) on the
    small image, with zero (``'constant'``) or ``'reflect'`` borders, so the
    dark frame zeros leave can be seen.

    Introduced in lesson 10, mosaic, downsampling and aliasing.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, 3)
        The image (floats in [0, 1] or uint8).
    max_size : int, default 40
        Largest block size offered.

    Returns
    -------
    Explorer
        With controls ``size``, ``shrink`` (``'mean'``, ``'pixel'``) and
        ``blur`` (``'none'``, ``'constant'``, ``'reflect'``).

    Examples
    --------
    >>> import numpy as np
    >>> fig = mosaic_explorer(np.ones((12, 12))).figure(size=4, blur="constant")
    >>> len(fig.axes)
    2
    """
    from ..pixelation import enlarge_nearest

    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"`image` must have shape (H, W) or (H, W, 3); got shape {image.shape}")
    if image.dtype == np.uint8:
        image = image / 255.0
    max_size = max(1, min(int(max_size), *image.shape[:2]))
    h, w = image.shape[:2]

    def render(size, shrink, blur):
        small = _shrink(image, size, shrink, blur)
        grown = np.clip(enlarge_nearest(small, size)[:h, :w], 0, 1)
        title = _("mosaic: {h}x{w} blocks of {size}x{size}").format(
            h=small.shape[0], w=small.shape[1], size=size
        )
        return plotting.show_images([image, grown], [_("image"), title], vmin=0, vmax=1, size=4)

    return Explorer(
        render,
        {
            "size": Control(_("block size"), min(12, max_size), low=1, high=max_size),
            "shrink": Control(
                _("shrink"),
                "mean",
                options=((_("block mean"), "mean"), (_("one pixel per block"), "pixel")),
            ),
            "blur": Control(
                _("blur"),
                "none",
                options=(
                    (_("none"), "none"),
                    (_("Gaussian, zero borders"), "constant"),
                    (_("Gaussian, reflect borders"), "reflect"),
                ),
            ),
        },
    )
