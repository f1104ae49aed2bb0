"""Slide a kernel of your choice over a small image, one output pixel at a time (lesson 02).

Introduced in lesson 02; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import plotting
from ..i18n import gettext as _
from .core import Control, Explorer, options

__all__ = ["default_kernels", "kernel_explorer"]


def default_kernels() -> dict[str, np.ndarray]:
    """The classic 3x3 kernels of lesson 02, by name.

    Returns
    -------
    dict of str to ndarray
        ``identity``, ``box``, ``sharpen``, ``outline``, ``shift right``
        (correlation with it moves the image one pixel to the right) and
        ``horizontal edges``.

    Examples
    --------
    >>> default_kernels()["sharpen"]
    array([[ 0., -1.,  0.],
           [-1.,  5., -1.],
           [ 0., -1.,  0.]])
    """
    identity = np.zeros((3, 3))
    identity[1, 1] = 1
    shift = np.zeros((3, 3))
    shift[1, 0] = 1
    return {
        "identity": identity,
        "box": np.full((3, 3), 1 / 9),
        "sharpen": np.array([[0.0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
        "outline": np.array([[-1.0, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
        "shift right": shift,
        "horizontal edges": np.array([[-1.0, -2, -1], [0, 0, 0], [1, 2, 1]]),
    }


def kernel_explorer(image, kernels: Mapping[str, np.ndarray] | None = None) -> Explorer:
    """Slide a kernel of your choice over a small image, one output pixel at a time.

    Draws :func:`convlab.plotting.sliding_window_figure`: the window on the
    input, the kernel with its numbers, and the output filled in up to the
    chosen pixel.

    Introduced in lesson 02, convolution from scratch.

    Parameters
    ----------
    image : array_like, shape (H, W)
        A small grayscale image (about 8 to 24 pixels a side).
    kernels : mapping of str to ndarray, optional
        The kernels to choose from; default :func:`default_kernels`.  All
        must have the same shape.

    Returns
    -------
    Explorer
        With controls ``kernel`` (a name), ``row`` and ``col`` (the output pixel).

    Examples
    --------
    >>> import numpy as np
    >>> explorer = kernel_explorer(np.arange(36.0).reshape(6, 6))
    >>> fig = explorer.figure(kernel="box", row=3, col=3)
    >>> fig.axes[2].get_title()
    'output[3, 3] = 28'
    """
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"`image` must be 2-D (grayscale), shape (H, W); got shape {image.shape}")
    kernels = {
        name: np.asarray(k, dtype=float) for name, k in (kernels or default_kernels()).items()
    }
    if not kernels:
        raise ValueError("`kernels` must hold at least one kernel")
    shapes = {k.shape for k in kernels.values()}
    if len(shapes) != 1:
        raise ValueError(f"all `kernels` must have the same shape; got {sorted(shapes)}")
    (kh, kw) = shapes.pop()
    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    if oh < 1 or ow < 1:
        raise ValueError(
            f"`image` (shape {image.shape}) must be at least as large as the kernels ({kh}x{kw})"
        )

    def render(kernel, row, col):
        return plotting.sliding_window_figure(image, kernels[kernel], (row, col))

    names = tuple(kernels)
    return Explorer(
        render,
        {
            "kernel": Control(
                _("kernel"), "box" if "box" in names else names[0], options=options(names)
            ),
            "row": Control(_("row"), oh // 2, low=0, high=oh - 1),
            "col": Control(_("column"), ow // 2, low=0, high=ow - 1),
        },
    )
