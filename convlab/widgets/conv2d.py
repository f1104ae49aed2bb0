"""Apply a ``Conv2D`` kernel of your choice to a color image, with a bias (lesson 06).

Introduced in lesson 06; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

import numpy as np

from .. import plotting
from ..i18n import gettext as _
from .core import Control, Explorer, label, options

__all__ = ["conv2d_explorer"]


def conv2d_explorer(image) -> Explorer:
    """Apply a ``Conv2D`` kernel of your choice to a color image, with a bias.

    The kernel is ``(k, k, 3, 3)`` (Keras' layout); the layer is computed by
    :func:`convlab.conv2d` with ``'same'`` padding (numpy, no TensorFlow) and
    the result is clipped to [0, 1] for display.

    Introduced in lesson 06, Keras Conv2D.

    Parameters
    ----------
    image : array_like, shape (H, W, 3)
        A small color image (about 100 to 200 pixels a side), floats in [0, 1].

    Returns
    -------
    Explorer
        With controls ``kernel`` (``identity``, ``box blur``, ``box blur,
        channels mixed``, ``random``), ``size`` (k, odd) and ``bias`` (in
        hundredths, added to every output channel).

    Examples
    --------
    >>> import numpy as np
    >>> fig = conv2d_explorer(np.full((8, 8, 3), 0.5)).figure(kernel="identity", bias=10)
    >>> [ax.get_title() for ax in fig.axes]
    ['image', 'identity 3x3, bias 0.1']
    """
    from ..layers import conv2d

    image = np.asarray(image, dtype=float)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"`image` must be a color image, shape (H, W, 3); got shape {image.shape}")

    def kernel_for(name, k):
        eye = np.eye(3)
        if name == "identity":
            taps = np.zeros((k, k))
            taps[k // 2, k // 2] = 1.0
            return taps[:, :, None, None] * eye
        if name == "box blur":
            return np.full((k, k, 1, 1), 1.0 / (k * k)) * eye
        if name == "box blur, channels mixed":
            return np.full((k, k, 3, 3), 1.0 / (k * k * 3))
        limit = np.sqrt(6.0 / (k * k * 3 * 2))  # Keras' default, glorot_uniform
        return np.random.default_rng(k).uniform(-limit, limit, size=(k, k, 3, 3))

    def render(kernel, size, bias):
        k = 2 * int(size) + 1
        out = conv2d(image, kernel_for(kernel, k), np.full(3, bias / 100), padding="same")
        title = _("{kernel} {k}x{k}, bias {bias:g}").format(
            kernel=label(kernel), k=k, bias=bias / 100
        )
        return plotting.show_images([image, np.clip(out, 0, 1)], [_("image"), title], size=3.5)

    names = ("identity", "box blur", "box blur, channels mixed", "random")
    return Explorer(
        render,
        {
            "kernel": Control(_("kernel"), "box blur", options=options(names)),
            "size": Control(_("kernel size k = 2 * this + 1"), 1, low=0, high=5),
            "bias": Control(_("bias (hundredths)"), 0, low=-50, high=50),
        },
    )
