"""Pick one filter per color channel; a depthwise layer applies each to its channel only (lesson 07).

Introduced in lesson 07; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

import numpy as np

from .. import plotting
from ..i18n import gettext as _
from .core import Control, Explorer, label, options
from .kernel import default_kernels

__all__ = ["depthwise_filters", "depthwise_explorer"]


def depthwise_filters() -> dict[str, np.ndarray]:
    """The 5x5 filters offered per channel by :func:`depthwise_explorer`, by name.

    Returns
    -------
    dict of str to ndarray
        ``identity``, ``box blur``, ``sharpen``, ``outline`` and ``zero``,
        each 5 x 5 (the 3 x 3 classics of lesson 02 framed by zeros).

    Examples
    --------
    >>> sorted(depthwise_filters())
    ['box blur', 'identity', 'outline', 'sharpen', 'zero']
    """
    framed = {}
    for name, k in default_kernels().items():
        if name in ("identity", "sharpen", "outline"):
            five = np.zeros((5, 5))
            five[1:4, 1:4] = k
            framed[name] = five
    return {
        "identity": framed["identity"],
        "box blur": np.full((5, 5), 1 / 25),
        "sharpen": framed["sharpen"],
        "outline": framed["outline"],
        "zero": np.zeros((5, 5)),
    }


def depthwise_explorer(image) -> Explorer:
    """Pick one filter per color channel; a depthwise layer applies each to its channel only.

    Computed by :func:`convlab.depthwise_conv2d` with ``'same'`` padding
    (numpy, no TensorFlow); shows the image, the result (clipped to [0, 1])
    and the three output channels.

    Introduced in lesson 07, depthwise vs Conv2D.

    Parameters
    ----------
    image : array_like, shape (H, W, 3)
        A small color image, floats in [0, 1].

    Returns
    -------
    Explorer
        With controls ``red``, ``green`` and ``blue``, each a name of
        :func:`depthwise_filters`.

    Examples
    --------
    >>> import numpy as np
    >>> fig = depthwise_explorer(np.full((8, 8, 3), 0.5)).figure(red="zero")
    >>> [ax.get_title() for ax in fig.axes][:2]
    ['image', 'depthwise output']
    """
    from ..layers import depthwise_conv2d

    image = np.asarray(image, dtype=float)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"`image` must be a color image, shape (H, W, 3); got shape {image.shape}")
    filters = depthwise_filters()

    def render(red, green, blue):
        kernel = np.stack([filters[red], filters[green], filters[blue]], axis=-1)[..., None]
        out = np.clip(depthwise_conv2d(image, kernel, padding="same"), 0, 1)
        panels = [image, out, out[..., 0], out[..., 1], out[..., 2]]
        titles = [
            _("image"),
            _("depthwise output"),
            *(
                # TRANSLATORS: a panel title: a color channel (R, G or B) and its filter.
                _("{channel}: {filter}").format(channel=c, filter=label(n))
                for c, n in zip("RGB", (red, green, blue), strict=True)
            ),
        ]
        return plotting.show_images(panels, titles, ncols=5, vmin=0, vmax=1, size=2.4)

    names = tuple(filters)
    return Explorer(
        render,
        {
            "red": Control(_("red"), "box blur", options=options(names)),
            "green": Control(_("green"), "identity", options=options(names)),
            "blue": Control(_("blue"), "outline", options=options(names)),
        },
    )
