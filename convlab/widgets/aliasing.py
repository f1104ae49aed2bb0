"""Shrink a fine pattern k times: keep every k-th pixel, blur first, or average blocks (lesson 10).

Introduced in lesson 10; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

import numpy as np

from .. import plotting
from ..i18n import gettext as _
from .core import Control, Explorer

__all__ = ["aliasing_explorer"]


def aliasing_explorer(pattern, *, max_factor: int = 8) -> Explorer:
    """Shrink a fine pattern k times: keep every k-th pixel, blur first, or average blocks.

    Two panels: the pattern and the shrunk image, enlarged back by nearest
    neighbour so both show at the same scale.  ``'blur'`` is a Gaussian of
    sigma ``k / 2`` (``'reflect'`` borders) before keeping every k-th pixel.

    Introduced in lesson 10, mosaic, downsampling and aliasing.

    Parameters
    ----------
    pattern : array_like, shape (H, W)
        A grayscale pattern in [0, 1], such as :func:`convlab.zone_plate`.
    max_factor : int, default 8
        Largest shrink factor offered.

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
        return plotting.show_images(
            [pattern, grown], [_("pattern"), title], vmin=0, vmax=1, size=4, annotate=False
        )

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
