"""Add a number to a ``uint8`` image: wrap-around versus saturation (lesson 01).

Introduced in lesson 01; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

import numpy as np

from .. import plotting
from ..i18n import gettext as _
from .core import Control, Explorer

__all__ = ["brightness_explorer"]


def brightness_explorer(image, *, limit: int = 120) -> Explorer:
    """Add a number to a ``uint8`` image: wrap-around versus saturation.

    Three panels: the image, ``image + amount`` computed in ``uint8`` (values
    wrap around modulo 256, so bright pixels turn dark) and the same sum
    saturated to [0, 255] (what ``cv2.add`` does).

    Introduced in lesson 01, images as arrays.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W) or (H, W, 3)
        The image.
    limit : int, default 120
        The slider runs from ``-limit`` to ``limit``.

    Returns
    -------
    Explorer
        With one control, ``amount`` (default 60).

    Examples
    --------
    >>> import numpy as np
    >>> fig = brightness_explorer(np.full((4, 4), 250, np.uint8)).figure(amount=10)
    >>> [ax.get_title() for ax in fig.axes]
    ['uint8', 'uint8 + 10 (wraps)', 'saturated']
    """
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise TypeError(f"`image` must have dtype uint8; got {image.dtype}")

    def render(amount):
        wide = image.astype(np.int64) + int(amount)
        wrapped = wide.astype(np.uint8)  # int -> uint8 keeps the low 8 bits: modulo 256
        saturated = np.clip(wide, 0, 255).astype(np.uint8)
        wraps = (_("uint8 + {n} (wraps)") if amount >= 0 else _("uint8 - {n} (wraps)")).format(
            n=abs(amount)
        )
        return plotting.show_images([image, wrapped, saturated], ["uint8", wraps, _("saturated")])

    return Explorer(
        render,
        {"amount": Control(_("amount"), min(60, limit), low=-limit, high=limit)},
    )
