"""Shrink a fine pattern k times: keep every k-th pixel, blur first, or average blocks (lesson 10).

Introduced in lesson 10; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

import numpy as np

from ..i18n import gettext as _
from .core import Control, Explorer

__all__ = ["aliasing_explorer"]

#: Margins of the explorer's figure, in screen pixels: between panels, above them (titles).
_GAP, _TOP = 24, 44


def _one_to_one(images, titles):
    """Grayscale images side by side, one image pixel on one screen pixel at STATIC_DPI."""
    import matplotlib.pyplot as plt

    from .core import STATIC_DPI

    h, w = images[0].shape
    width = len(images) * w + (len(images) + 1) * _GAP
    height = h + _TOP + _GAP
    fig = plt.figure(figsize=(width / STATIC_DPI, height / STATIC_DPI), dpi=STATIC_DPI)
    for i, (image, title) in enumerate(zip(images, titles, strict=True)):
        left = _GAP + i * (w + _GAP)
        ax = fig.add_axes((left / width, _GAP / height, w / width, h / height))
        ax.imshow(image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
    return fig


def aliasing_explorer(pattern, *, max_factor: int = 8, view: int = 256) -> Explorer:
    """Shrink a fine pattern k times: keep every k-th pixel, blur first, or average blocks.

    Two panels: the pattern and the shrunk image, enlarged back by nearest
    neighbour so both show at the same scale.  ``'blur'`` is a Gaussian of
    sigma ``k / 2`` (``'reflect'`` borders) before keeping every k-th pixel.

    Each panel draws one pattern pixel on one screen pixel (at the explorers'
    :data:`~convlab.widgets.core.STATIC_DPI`): a fine pattern drawn smaller
    than its size would alias on the screen itself and show rings that are
    not in the data. A pattern larger than `view` pixels is shown by its
    top-left `view` × `view` corner (for a zone plate, from its finest rings
    to its centre).

    Introduced in lesson 10, mosaic, downsampling and aliasing.

    Parameters
    ----------
    pattern : array_like, shape (H, W)
        A grayscale pattern in [0, 1], such as :func:`convlab.zone_plate`.
    max_factor : int, default 8
        Largest shrink factor offered.
    view : int, default 256
        Largest side shown, in pattern pixels (one screen pixel each).

    Returns
    -------
    Explorer
        With controls ``factor`` and ``method`` (``'subsample'``, ``'blur'``,
        ``'mean'``).

    Examples
    --------
    >>> import numpy as np
    >>> fig = aliasing_explorer(np.zeros((16, 16))).figure(factor=4, method="blur")
    >>> len(fig.axes)
    2
    """
    from ..kernels import gaussian_kernel1d
    from ..pixelation import block_mean, enlarge_nearest
    from ..separable import separable_correlate2d

    pattern = np.asarray(pattern, dtype=float)
    if pattern.ndim != 2:
        raise ValueError(f"`pattern` must be a 2-D (H, W) array; got shape {pattern.shape}")
    if view < 16:
        raise ValueError(f"`view` must be at least 16 pixels; got {view!r}")
    cropped = pattern.shape[0] > view or pattern.shape[1] > view
    pattern = pattern[:view, :view]
    h, w = pattern.shape

    def render(factor, method):
        k = int(factor)
        if method == "mean":
            small = block_mean(pattern, k)
        elif method == "blur" and k > 1:
            sigma = k / 2
            g = gaussian_kernel1d(2 * int(np.ceil(3 * sigma)) + 1, sigma)
            small = separable_correlate2d(pattern, g, g, padding="same", mode="reflect")[::k, ::k]
        else:
            small = pattern[::k, ::k]
        grown = enlarge_nearest(small, k)[:h, :w]
        title = _("shrunk {k} times: {h}x{w}").format(k=k, h=small.shape[0], w=small.shape[1])
        first = _("pattern, top-left {h}×{w}").format(h=h, w=w) if cropped else _("pattern")
        return _one_to_one([pattern, grown], [first, title])

    return Explorer(
        render,
        {
            "factor": Control(_("shrink factor k"), min(4, max_factor), low=1, high=max_factor),
            "method": Control(
                _("method"),
                "subsample",
                options=(
                    (_("keep every k-th pixel"), "subsample"),
                    (_("blur, then keep every k-th pixel"), "blur"),
                    (_("block mean"), "mean"),
                ),
            ),
        },
    )
