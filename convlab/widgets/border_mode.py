"""Pick a border mode and a padding width; see what lands outside the edge (lesson 03).

Introduced in lesson 03; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

import numpy as np

from .. import plotting
from ..i18n import gettext as _
from .core import BORDER_MODES, Control, Explorer

__all__ = ["border_mode_explorer"]


def border_mode_explorer(data, *, pad_width: int = 2, max_pad_width: int | None = None) -> Explorer:
    """Pick a border mode and a padding width; see what lands outside the edge.

    A 1-D strip is drawn as numbered cells (:func:`convlab.plotting.show_strip`),
    an image with its original edge as a dashed frame
    (:func:`convlab.plotting.show_padded`).  Padding is computed by
    :func:`numpy.pad`, whose mode names the course uses.

    Introduced in lesson 03, padding.

    Parameters
    ----------
    data : array_like, shape (n,), (H, W) or (H, W, 3)
        A strip or an image.
    pad_width : int, default 2
        Initial padding on each side.
    max_pad_width : int, optional
        Largest padding offered; default: twice the strip's length (1-D) or
        half the image's smaller side.

    Returns
    -------
    Explorer
        With controls ``mode`` and ``pad_width``.

    Examples
    --------
    >>> import numpy as np
    >>> fig = border_mode_explorer(np.array([1, 2, 3, 4, 5])).figure(mode="reflect")
    >>> "".join(t.get_text() for t in fig.axes[0].texts)
    '321234543'
    """
    data = np.asarray(data)
    if data.ndim not in (1, 2, 3):
        raise ValueError(
            f"`data` must be a strip (n,) or an image (H, W) or (H, W, 3); got shape {data.shape}"
        )
    if max_pad_width is None:
        max_pad_width = 2 * data.shape[0] if data.ndim == 1 else min(data.shape[:2]) // 2
    max_pad_width = max(int(max_pad_width), int(pad_width), 1)

    def render(mode, pad_width):
        width = [(pad_width, pad_width)] * 2 + [(0, 0)] * (data.ndim - 2)
        padded = np.pad(data, width[: data.ndim], mode=mode)
        if data.ndim == 1:
            return plotting.show_strip([padded], labels=[f"{mode}"], pad_width=pad_width)
        return plotting.show_padded(
            padded, pad_width, [_("padded ({mode})").format(mode=mode)], size=4.0
        )

    return Explorer(
        render,
        {
            "mode": Control(_("mode"), "constant", options=BORDER_MODES),
            "pad_width": Control(_("padding"), int(pad_width), low=0, high=max_pad_width),
        },
    )
