"""Edge detection with gradient kernels: components, magnitude and direction.

Introduced in lesson 09, edge detection.

Gradients are correlations with the ``(kx, ky)`` pairs of
:mod:`convlab.kernels` (``'same'`` output size).  ``gx`` is positive where
intensity increases to the right, ``gy`` where it increases *downwards* (image
rows grow downwards), as ``cv2.Sobel`` and ``scipy.ndimage.sobel``.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_mode, quote_list
from .convolution import correlate2d
from .i18n import gettext as _
from .kernels import prewitt_kernels, scharr_kernels, sobel_kernels

__all__ = ["sobel_gradients", "gradient_magnitude", "gradient_angle"]

_OPERATORS = {"sobel": sobel_kernels, "scharr": scharr_kernels, "prewitt": prewitt_kernels}


def _gradients(image, mode: str, operator: str) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(operator, str) and operator in _OPERATORS):
        raise ValueError(
            _("`operator` must be one of {valid}; got {got!r}.").format(
                valid=quote_list(tuple(_OPERATORS)), got=operator
            )
        )
    mode = check_mode(mode)
    kx, ky = _OPERATORS[operator]()
    gx = correlate2d(image, kx, padding="same", mode=mode)
    gy = correlate2d(image, ky, padding="same", mode=mode)
    return gx, gy


def sobel_gradients(image, *, mode: str = "reflect") -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical Sobel derivatives ``(gx, gy)`` of an image.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype; channels are filtered apart.
    mode : {'constant', 'edge', 'reflect', 'symmetric', 'wrap'}, optional
        Border handling (numpy.pad names).  The default ``'reflect'`` is
        OpenCV's default ``BORDER_REFLECT_101`` and avoids false edges at the
        border, which ``'constant'`` zeros would create.

    Returns
    -------
    gx, gy : ndarray
        Same shape as the image, ``float32`` for a ``float32`` image, else
        ``float64``.  Not normalized: a ramp increasing by 1 per pixel gives
        ``gx == 8``.

    Raises
    ------
    TypeError
        If the image is not numeric or `mode` is not a str.
    ValueError
        If the image is not 2-D/3-D or is empty, or `mode` is unknown.

    See Also
    --------
    convlab.sobel_kernels : The kernels and their sign convention.
    gradient_magnitude, gradient_angle : Edge strength and direction.

    Notes
    -----
    Equal to ``cv2.Sobel(image, cv2.CV_64F, 1, 0, ksize=3)`` (``gx``) and
    ``cv2.Sobel(image, cv2.CV_64F, 0, 1, ksize=3)`` (``gy``) with the default
    border, and to ``scipy.ndimage.sobel(image, axis=1, mode='mirror')`` and
    ``axis=0``.

    Examples
    --------
    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> gx, gy = sobel_gradients(image, mode="constant")
    >>> gx
    array([[ 1.,  0., -1.],
           [ 2.,  0., -2.],
           [ 1.,  0., -1.]])
    >>> gy
    array([[ 1.,  2.,  1.],
           [ 0.,  0.,  0.],
           [-1., -2., -1.]])
    """
    return _gradients(image, mode, "sobel")


def gradient_magnitude(image, *, mode: str = "reflect", operator: str = "sobel") -> np.ndarray:
    """Edge strength ``sqrt(gx**2 + gy**2)``.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype; channels are filtered apart.
    mode : {'constant', 'edge', 'reflect', 'symmetric', 'wrap'}, optional
        Border handling (numpy.pad names).
    operator : {'sobel', 'scharr', 'prewitt'}, optional
        Which gradient kernels to use (:func:`convlab.sobel_kernels`, ...).

    Returns
    -------
    ndarray
        Same shape as the image, non-negative; ``float32`` for a ``float32``
        image, else ``float64``.

    Raises
    ------
    TypeError
        If the image is not numeric or `mode` is not a str.
    ValueError
        If the image is not 2-D/3-D or is empty, or `mode` or `operator` is
        unknown.

    See Also
    --------
    sobel_gradients : The components.
    gradient_angle : The direction.

    Examples
    --------
    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> gradient_magnitude(image, mode="constant") ** 2
    array([[2., 4., 2.],
           [4., 0., 4.],
           [2., 4., 2.]])
    """
    gx, gy = _gradients(image, mode, operator)
    return np.hypot(gx, gy)


def gradient_angle(image, *, mode: str = "reflect", operator: str = "sobel") -> np.ndarray:
    """Gradient direction ``arctan2(gy, gx)`` in radians, in ``[-pi, pi]``.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype; channels are filtered apart.
    mode : {'constant', 'edge', 'reflect', 'symmetric', 'wrap'}, optional
        Border handling (numpy.pad names).
    operator : {'sobel', 'scharr', 'prewitt'}, optional
        Which gradient kernels to use.

    Returns
    -------
    ndarray
        Same shape as the image.  0 points right (intensity increasing to the
        right), ``pi / 2`` points *down* (image rows grow downwards).  Where
        the image is flat (``gx == gy == 0``) the angle is 0.

    Raises
    ------
    TypeError
        If the image is not numeric or `mode` is not a str.
    ValueError
        If the image is not 2-D/3-D or is empty, or `mode` or `operator` is
        unknown.

    See Also
    --------
    gradient_magnitude : The strength.
    numpy.arctan2

    Examples
    --------
    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> np.degrees(gradient_angle(image, mode="constant"))
    array([[  45.,   90.,  135.],
           [   0.,    0.,  180.],
           [ -45.,  -90., -135.]])
    """
    gx, gy = _gradients(image, mode, operator)
    return np.arctan2(gy, gx)
