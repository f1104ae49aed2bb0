"""Max or average pooling of an image, with a window size of your choice (lesson 05).

Introduced in lesson 05; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

import numpy as np

from .. import plotting
from ..i18n import gettext as _
from .core import Control, Explorer, options

__all__ = ["pooling_explorer"]


def pooling_explorer(image, *, max_size: int = 12) -> Explorer:
    """Max or average pooling of an image, with a window size of your choice.

    Two panels: the image and its pooled version (:func:`convlab.max_pool2d`
    or :func:`convlab.avg_pool2d`, ``stride = size``), shapes in the titles.

    Introduced in lesson 05, pooling.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, 3)
        The image (floats in [0, 1] or uint8).
    max_size : int, default 12
        Largest window size offered.

    Returns
    -------
    Explorer
        With controls ``pooling`` (``'max'``, ``'average'``) and ``size``.

    Examples
    --------
    >>> import numpy as np
    >>> fig = pooling_explorer(np.zeros((12, 12))).figure(pooling="max", size=4)
    >>> [ax.get_title() for ax in fig.axes]
    ['image 12x12', 'max pool 4x4: 3x3']
    """
    from ..pooling import avg_pool2d, max_pool2d

    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"`image` must have shape (H, W) or (H, W, 3); got shape {image.shape}")
    if image.dtype == np.uint8:
        image = image / 255.0
    max_size = max(1, min(int(max_size), *image.shape[:2]))

    def render(pooling, size):
        pool = max_pool2d if pooling == "max" else avg_pool2d
        pooled = pool(image, size)
        h, w = image.shape[:2]
        title = (
            _("max pool {size}x{size}: {h}x{w}")
            if pooling == "max"
            else _("average pool {size}x{size}: {h}x{w}")
        )
        return plotting.show_images(
            [image, pooled],
            [
                _("image {h}x{w}").format(h=h, w=w),
                title.format(size=size, h=pooled.shape[0], w=pooled.shape[1]),
            ],
            vmin=0,
            vmax=1,
        )

    return Explorer(
        render,
        {
            "pooling": Control(_("pooling"), "max", options=options(("max", "average"))),
            "size": Control(_("size"), min(4, max_size), low=1, high=max_size),
        },
    )
