"""Max and average pooling, windowed and global, as Keras computes them.

Introduced in lesson 05, pooling.

Windows default to non-overlapping (``stride = size``).  ``padding='same'``
pads as TensorFlow (see :func:`convlab.same_padding`), but padded cells never
count: max pooling pads with ``-inf`` and average pooling divides each window
by the number of real pixels in it.  Results are ``float32`` for a ``float32``
image and ``float64`` otherwise; each channel is pooled on its own.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, as_float, check_pair
from .i18n import gettext as _
from .padding import _pad
from .shapes import _padding_error, _same_padding

__all__ = ["max_pool2d", "avg_pool2d", "global_max_pool", "global_avg_pool"]


def _windows(image, size, stride, padding, fill):
    """Check the arguments and return, per window tap, the strided slice it meets.

    Output ``[y, x]`` of a reduction over the returned slices is the reduction
    over the window at ``(y * stride, x * stride)`` of the image padded with
    `fill` (``'same'`` only).
    """
    image = as_float(as_array(image))
    size = check_pair(size, name="size")
    stride = size if stride is None else check_pair(stride, name="stride")
    if not (isinstance(padding, str) and padding in ("valid", "same")):
        raise _padding_error(padding, _("one of 'valid', 'same'"))
    if padding == "same":
        widths = tuple(
            _same_padding(n, k, s, 1) for n, k, s in zip(image.shape[:2], size, stride, strict=True)
        )
        image = _pad(image, widths, "constant", fill)
    if size[0] > image.shape[0] or size[1] > image.shape[1]:
        raise ValueError(
            _("the pooling window {size} is larger than the image {shape}.").format(
                size=size, shape=image.shape[:2]
            )
        )
    out_h = (image.shape[0] - size[0]) // stride[0] + 1
    out_w = (image.shape[1] - size[1]) // stride[1] + 1
    taps = [
        image[
            i : i + (out_h - 1) * stride[0] + 1 : stride[0],
            j : j + (out_w - 1) * stride[1] + 1 : stride[1],
        ]
        for i in range(size[0])
        for j in range(size[1])
    ]
    return taps


def max_pool2d(image, size, *, stride=None, padding: str = "valid") -> np.ndarray:
    """Maximum over each pooling window (``tf.nn.max_pool2d``, Keras ``MaxPooling2D``).

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype.
    size : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; defaults to `size`.
    padding : {'valid', 'same'}, optional
        ``'valid'`` drops windows that would leave the image; ``'same'`` gives
        ``ceil(H / stride)`` rows, padding as TensorFlow with cells that never
        win the maximum.

    Returns
    -------
    ndarray
        Shape ``(out_h, out_w[, C])`` (see :func:`convlab.pool_output_size`);
        ``float32`` for a ``float32`` image, else ``float64``.

    Raises
    ------
    TypeError
        If the image is not numeric or `size`/`stride` are not integers.
    ValueError
        If the image is not 2-D/3-D or empty, `size`/`stride` < 1, `padding`
        is unknown, or a ``'valid'`` window is larger than the image.

    See Also
    --------
    avg_pool2d : The mean over each window.
    global_max_pool : The maximum over the whole image.

    Examples
    --------
    >>> image = np.zeros((4, 4)); image[1, 2] = 1
    >>> max_pool2d(image, 2)
    array([[0., 1.],
           [0., 0.]])
    >>> max_pool2d(-np.ones((3, 3)), 2, padding="same")  # padding never wins
    array([[-1., -1.],
           [-1., -1.]])
    """
    taps = _windows(image, size, stride, padding, -np.inf)
    out = taps[0].copy()
    for tap in taps[1:]:
        np.maximum(out, tap, out=out)
    return out


def avg_pool2d(image, size, *, stride=None, padding: str = "valid") -> np.ndarray:
    """Mean over each pooling window (``tf.nn.avg_pool2d``, Keras ``AveragePooling2D``).

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype.
    size : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; defaults to `size`.
    padding : {'valid', 'same'}, optional
        ``'valid'`` drops windows that would leave the image; ``'same'`` gives
        ``ceil(H / stride)`` rows and averages over the real pixels of each
        window only (padded cells are not counted, as in TensorFlow).

    Returns
    -------
    ndarray
        Shape ``(out_h, out_w[, C])``; ``float32`` for a ``float32`` image,
        else ``float64``.

    Raises
    ------
    TypeError
        If the image is not numeric or `size`/`stride` are not integers.
    ValueError
        If the image is not 2-D/3-D or empty, `size`/`stride` < 1, `padding`
        is unknown, or a ``'valid'`` window is larger than the image.

    See Also
    --------
    max_pool2d : The maximum over each window.
    global_avg_pool : The mean over the whole image.

    Notes
    -----
    PyTorch's ``avg_pool2d`` counts the padded zeros by default
    (``count_include_pad=True``); TensorFlow and this function do not.

    Examples
    --------
    >>> image = np.zeros((4, 4)); image[1, 2] = 1
    >>> avg_pool2d(image, 2)
    array([[0.  , 0.25],
           [0.  , 0.  ]])
    >>> avg_pool2d(np.ones((3, 3)), 2, padding="same")  # border windows: mean of real cells
    array([[1., 1.],
           [1., 1.]])
    """
    taps = _windows(image, size, stride, padding, 0.0)
    total = sum(taps[1:], start=taps[0].copy())
    if padding == "valid":
        return total / len(taps)
    # Count the real pixels of each window: pool a mask of ones padded with zeros.
    real = np.ones(np.shape(image)[:2], dtype=total.dtype)
    count = sum(_windows(real, size, stride, padding, 0.0))
    return total / (count[:, :, np.newaxis] if total.ndim == 3 else count)


def _global(image, reduce) -> np.ndarray:
    image = as_float(as_array(image))
    return reduce(image, axis=(0, 1))


def global_max_pool(image) -> np.ndarray:
    """Maximum over the height and width of each channel (Keras ``GlobalMaxPooling2D``).

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype.

    Returns
    -------
    ndarray or float
        Shape ``(C,)`` for an (H, W, C) image; a numpy float scalar for an
        (H, W) image.  ``float32`` for a ``float32`` image, else ``float64``.

    Raises
    ------
    TypeError
        If the image is not numeric.
    ValueError
        If the image is not 2-D/3-D or is empty.

    See Also
    --------
    max_pool2d : Windowed max pooling.
    global_avg_pool : The mean instead of the maximum.

    Examples
    --------
    >>> image = np.zeros((3, 3, 2)); image[1, 1] = [1, 2]
    >>> global_max_pool(image)
    array([1., 2.])
    """
    return _global(image, np.max)


def global_avg_pool(image) -> np.ndarray:
    """Mean over the height and width of each channel (Keras ``GlobalAveragePooling2D``).

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype.

    Returns
    -------
    ndarray or float
        Shape ``(C,)`` for an (H, W, C) image; a numpy float scalar for an
        (H, W) image.  ``float32`` for a ``float32`` image, else ``float64``.

    Raises
    ------
    TypeError
        If the image is not numeric.
    ValueError
        If the image is not 2-D/3-D or is empty.

    See Also
    --------
    avg_pool2d : Windowed average pooling.
    global_max_pool : The maximum instead of the mean.

    Examples
    --------
    >>> image = np.zeros((2, 2, 2)); image[1, 1] = [1, 2]
    >>> global_avg_pool(image)
    array([0.25, 0.5 ])
    """
    return _global(image, np.mean)
