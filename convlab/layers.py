"""Convolution layers as Keras computes them, written in numpy.

Introduced in lesson 06, Keras Conv2D / lesson 07, depthwise vs Conv2D.

Layouts follow Keras and TensorFlow: images are ``NHWC`` (a batch of ``N``
images of ``H x W`` pixels and ``C`` channels; a single ``(H, W, C)`` image is
accepted too) and kernels are ``HWIO``, ``(kh, kw, C_in, C_out)``.  PyTorch
stores the same numbers as ``OIHW``, ``(C_out, C_in, kh, kw)``; see
:func:`hwio_to_oihw` and :func:`oihw_to_hwio`.

Like every deep-learning "convolution", these layers compute a
*cross-correlation*: the kernel is not flipped.  One output channel of
:func:`conv2d` is the sum, over the input channels, of one 2-D correlation per
channel::

    out[n, y, x, o] = bias[o] + sum over (i, j, c) of
        x_padded[n, y * sh + i * dh, x * sw + j * dw, c] * kernel[i, j, c, o]

and :func:`depthwise_conv2d` skips that sum: each input channel gets its own
``multiplier`` filters.  ``padding`` is Keras' ``'valid'`` (no padding) or
``'same'`` (zeros, ``ceil(n / stride)`` outputs, the extra row/column of an
even kernel at the bottom/right; :func:`convlab.same_padding`).

Computation: one vectorized step per kernel tap (``kh * kw`` matrix products
over the whole batch), which is readable and keeps memory proportional to the
output.  Dtypes: a ``float32`` image gives ``float32`` results, every other
dtype gives ``float64`` (integers are never truncated back).
"""

from __future__ import annotations

import numpy as np

from ._validation import _check_dtype, _describe, check_fits, check_int, check_pair, result_dtype
from .i18n import gettext as _
from .shapes import conv_output_size, same_padding

__all__ = [
    "conv2d",
    "depthwise_conv2d",
    "separable_conv2d",
    "depthwise_to_conv2d",
    "hwio_to_oihw",
    "oihw_to_hwio",
    "depthwise_hwio_to_oihw",
    "depthwise_oihw_to_hwio",
    "conv2d_param_count",
    "depthwise_param_count",
    "separable_conv2d_param_count",
]

#: The two paddings Keras' convolution layers know.
LAYER_PADDINGS = ("valid", "same")


# --------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------


def _as_batch(x: object) -> tuple[np.ndarray, bool]:
    """Return ``(x as NHWC, whether a batch axis was added)``."""
    array = np.asarray(x)
    _check_dtype(array, "x")
    if array.ndim not in (3, 4):
        hint = ""
        if array.ndim == 2:
            hint = _(" (a gray image needs a channel axis: x[..., None])")
        raise ValueError(
            _(
                "`x` must be a 3-D (H, W, C) image or a 4-D (N, H, W, C) batch; "
                "got shape {shape}{hint}."
            ).format(shape=array.shape, hint=hint)
        )
    if array.size == 0:
        raise ValueError(_("`x` must not be empty; got shape {shape}.").format(shape=array.shape))
    if array.ndim == 3:
        return array[np.newaxis], True
    return array, False


def _as_kernel4d(kernel: object, *, channels: int, name: str, layout: str) -> np.ndarray:
    """Check a 4-D HWIO-style kernel whose third axis must equal `channels`."""
    array = np.asarray(kernel)
    _check_dtype(array, name)
    if array.ndim != 4 or array.shape[2] != channels or array.size == 0:
        hint = ""
        if array.ndim == 2:
            hint = _(" (a 2-D filter for a one-channel image is kernel[:, :, None, None])")
        elif (
            array.ndim == 4
            and array.shape[1] == channels
            and array.shape[2] == array.shape[3] != channels
        ):  # reads as (C_out, C_in, k, k): a square PyTorch weight for this image
            hint = _(" (this looks like PyTorch's OIHW layout; convert it with oihw_to_hwio)")
        raise ValueError(
            _(
                "`{name}` must have shape {layout} with C_in == {channels} (the image's "
                "channels); got {shape}{hint}."
            ).format(name=name, layout=layout, channels=channels, shape=array.shape, hint=hint)
        )
    return array


def _check_layer_padding(padding: object) -> str:
    if isinstance(padding, str) and padding in LAYER_PADDINGS:
        return padding
    hint = ""
    if isinstance(padding, str):
        if padding.lower() in LAYER_PADDINGS:
            hint = _(" (Keras names are lower-case: use {ours!r})").format(ours=padding.lower())
        elif padding == "full":
            hint = _(" (Keras layers have no 'full': pad the image first, e.g. with convlab.pad)")
    raise ValueError(
        _("`padding` must be 'valid' or 'same' (as in Keras); got {got}{hint}.").format(
            got=repr(padding) if isinstance(padding, str) else _describe(padding), hint=hint
        )
    )


def _check_bias(bias: object, n_out: int, dtype: np.dtype) -> np.ndarray | None:
    if bias is None:
        return None
    array = np.asarray(bias)
    _check_dtype(array, "bias")
    if array.shape != (n_out,):
        raise ValueError(
            _(
                "`bias` must have shape ({n_out},), one value per output channel; got {shape}."
            ).format(n_out=n_out, shape=array.shape)
        )
    return array.astype(dtype, copy=False)


def _pad_same(
    x: np.ndarray,
    kernel_hw: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    padding: str,
) -> tuple[np.ndarray, tuple[int, int]]:
    """Zero-pad an NHWC batch as Keras does; return it and the output size."""
    pads = [(0, 0), (0, 0), (0, 0), (0, 0)]
    if padding == "same":
        for axis in (0, 1):
            pads[axis + 1] = same_padding(
                x.shape[axis + 1], kernel_hw[axis], stride=stride[axis], dilation=dilation[axis]
            )
        x = np.pad(x, pads)
    effective = tuple((k - 1) * d + 1 for k, d in zip(kernel_hw, dilation, strict=True))
    check_fits(x.shape[1:3], effective)
    out_hw = tuple(
        conv_output_size(
            x.shape[axis + 1], kernel_hw[axis], stride=stride[axis], dilation=dilation[axis]
        )
        for axis in (0, 1)
    )
    return x, out_hw


def _tap(
    xp: np.ndarray,
    i: int,
    j: int,
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """The (N, out_h, out_w, C) view of the padded input that kernel tap (i, j) sees."""
    top, left = i * dilation[0], j * dilation[1]
    rows = slice(top, top + (out_hw[0] - 1) * stride[0] + 1, stride[0])
    cols = slice(left, left + (out_hw[1] - 1) * stride[1] + 1, stride[1])
    return xp[:, rows, cols, :]


# --------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------


def conv2d(
    x: object,
    kernel: object,
    bias: object = None,
    *,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    """Apply a Keras ``Conv2D`` layer with the given weights.

    Parameters
    ----------
    x : array_like, shape (N, H, W, C_in) or (H, W, C_in)
        A batch of images or one image (channels last).
    kernel : array_like, shape (kh, kw, C_in, C_out)
        The weights in Keras/TensorFlow ``HWIO`` layout (``layer.kernel``).
        Even and non-square sizes are allowed.
    bias : array_like, shape (C_out,), optional
        Added to each output channel (``layer.bias``); none by default.
    stride : int or (int, int), optional
        Step between output positions, rows then columns (Keras ``strides``).
    padding : {'valid', 'same'}, optional
        ``'valid'``: no padding.  ``'same'``: zero padding as TensorFlow adds
        it, giving ``ceil(H / stride)`` rows (see :func:`convlab.same_padding`).
    dilation : int or (int, int), optional
        Spacing between kernel taps (Keras ``dilation_rate``).  Unlike Keras,
        a stride and a dilation both above 1 are allowed (``tf.nn.conv2d``
        allows them too).

    Returns
    -------
    numpy.ndarray, shape (N, out_h, out_w, C_out) or (out_h, out_w, C_out)
        No batch axis when `x` had none.  ``float32`` for a ``float32`` `x`,
        ``float64`` otherwise.

    Raises
    ------
    ValueError
        If `x` is not 3-D or 4-D, `kernel` is not ``(kh, kw, C_in, C_out)``
        with ``C_in`` equal to the image's channels, `bias` does not have one
        value per output channel, `padding` is not ``'valid'``/``'same'``, or
        the (dilated) kernel is larger than the padded image.
    TypeError
        If an array is not real-valued, or `stride`/`dilation` are not
        integers.

    See Also
    --------
    depthwise_conv2d : One group of filters per input channel.
    convlab.correlate2d : The same 2-D correlation on one channel, with border modes.
    convlab.tf.conv2d_layer : The Keras layer holding the same weights.

    Notes
    -----
    Each output channel ``o`` is ``bias[o]`` plus the sum over input channels
    ``c`` of the 2-D *correlation* of channel ``c`` with ``kernel[:, :, c, o]``.
    The computation runs one matrix product per kernel tap::

        out += x_shifted_by_tap @ kernel[i, j]      # (..., C_in) @ (C_in, C_out)

    Examples
    --------
    An impulse shows the kernel, flipped: a layer correlates, it does not
    convolve.

    >>> import numpy as np
    >>> x = np.zeros((5, 5, 1))
    >>> x[2, 2, 0] = 1.0
    >>> kernel = np.arange(1.0, 10.0).reshape(3, 3, 1, 1)
    >>> conv2d(x, kernel)[:, :, 0]
    array([[9., 8., 7.],
           [6., 5., 4.],
           [3., 2., 1.]])

    ``'same'`` keeps the size, a stride divides it (rounding up):

    >>> conv2d(x, kernel, padding="same").shape, conv2d(x, kernel, padding="same", stride=2).shape
    ((5, 5, 1), (3, 3, 1))

    Input channels are summed; each output channel has its own filters and bias:

    >>> rgb = np.ones((1, 1, 3))
    >>> kernel = np.array([1.0, 2.0, 3.0]).reshape(1, 1, 3, 1) * [1.0, 10.0]
    >>> kernel.shape
    (1, 1, 3, 2)
    >>> conv2d(rgb, kernel, bias=[0.5, 0.0])
    array([[[ 6.5, 60. ]]])
    """
    batch, added = _as_batch(x)
    kernel = _as_kernel4d(
        kernel, channels=batch.shape[3], name="kernel", layout="(kh, kw, C_in, C_out)"
    )
    stride = check_pair(stride, name="stride")
    dilation = check_pair(dilation, name="dilation")
    padding = _check_layer_padding(padding)
    dtype = result_dtype(batch)
    kh, kw, _c_in, c_out = kernel.shape
    bias = _check_bias(bias, c_out, dtype)

    xp, out_hw = _pad_same(batch.astype(dtype, copy=False), (kh, kw), stride, dilation, padding)
    kernel = kernel.astype(dtype, copy=False)
    out = np.zeros((batch.shape[0], *out_hw, c_out), dtype=dtype)
    for i in range(kh):
        for j in range(kw):
            out += _tap(xp, i, j, out_hw, stride, dilation) @ kernel[i, j]
    if bias is not None:
        out += bias
    return out[0] if added else out


def depthwise_conv2d(
    x: object,
    kernel: object,
    bias: object = None,
    *,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    """Apply a Keras ``DepthwiseConv2D`` layer with the given weights.

    Each input channel is correlated with its own ``multiplier`` filters;
    channels are never mixed.

    Parameters
    ----------
    x : array_like, shape (N, H, W, C) or (H, W, C)
        A batch of images or one image (channels last).
    kernel : array_like, shape (kh, kw, C, multiplier)
        The weights in Keras' ``DepthwiseConv2D`` layout
        (``layer.kernel``, ``depth_multiplier = multiplier``).
    bias : array_like, shape (C * multiplier,), optional
        Added to each output channel (Keras' ``use_bias=True``); none by default.
    stride, padding, dilation
        As in :func:`conv2d`.

    Returns
    -------
    numpy.ndarray, shape (N, out_h, out_w, C * multiplier) or without the batch axis
        Output channel ``c * multiplier + q`` is input channel ``c``
        correlated with ``kernel[:, :, c, q]``: TensorFlow's order, which
        keeps the filters of one input channel together.

    Raises
    ------
    ValueError
        If `kernel` is not ``(kh, kw, C, multiplier)`` with ``C`` equal to the
        image's channels; otherwise as :func:`conv2d`.
    TypeError
        As :func:`conv2d`.

    See Also
    --------
    depthwise_to_conv2d : The ``Conv2D`` kernel that computes the same thing.
    conv2d : Filters that mix channels.
    separable_conv2d : Depthwise, then a 1 x 1 ``Conv2D``.

    Notes
    -----
    A depthwise layer is a ``Conv2D`` whose kernel is zero wherever the input
    and output channels do not belong together, so it needs ``C_out`` times
    fewer weights and multiplications (see :func:`depthwise_param_count`).

    Examples
    --------
    Two channels, two filters each; the outputs come grouped by input channel:

    >>> import numpy as np
    >>> x = np.ones((1, 1, 2)) * [1.0, 10.0]
    >>> kernel = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2)
    >>> depthwise_conv2d(x, kernel)[0, 0]
    array([ 1.,  2., 30., 40.])

    An impulse in each channel shows each channel's (flipped) filter:

    >>> x = np.zeros((3, 3, 2))
    >>> x[1, 1] = 1.0
    >>> kernel = np.stack([np.eye(3), np.ones((3, 3))], axis=-1)[..., None]
    >>> out = depthwise_conv2d(x, kernel, padding="same")
    >>> out.shape
    (3, 3, 2)
    >>> out[:, :, 0]
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    """
    batch, added = _as_batch(x)
    kernel = _as_kernel4d(
        kernel, channels=batch.shape[3], name="kernel", layout="(kh, kw, C, multiplier)"
    )
    stride = check_pair(stride, name="stride")
    dilation = check_pair(dilation, name="dilation")
    padding = _check_layer_padding(padding)
    dtype = result_dtype(batch)
    kh, kw, channels, multiplier = kernel.shape
    bias = _check_bias(bias, channels * multiplier, dtype)

    xp, out_hw = _pad_same(batch.astype(dtype, copy=False), (kh, kw), stride, dilation, padding)
    kernel = kernel.astype(dtype, copy=False)
    out = np.zeros((batch.shape[0], *out_hw, channels, multiplier), dtype=dtype)
    for i in range(kh):
        for j in range(kw):
            # (N, oh, ow, C, 1) * (C, multiplier): each channel times its own filters
            out += _tap(xp, i, j, out_hw, stride, dilation)[..., np.newaxis] * kernel[i, j]
    out = out.reshape(*out.shape[:3], channels * multiplier)
    if bias is not None:
        out += bias
    return out[0] if added else out


def separable_conv2d(
    x: object,
    depthwise_kernel: object,
    pointwise_kernel: object,
    bias: object = None,
    *,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    """Apply a Keras ``SeparableConv2D`` layer: depthwise, then a 1 x 1 ``Conv2D``.

    Parameters
    ----------
    x : array_like, shape (N, H, W, C) or (H, W, C)
        A batch of images or one image (channels last).
    depthwise_kernel : array_like, shape (kh, kw, C, multiplier)
        Keras' ``layer.depthwise_kernel``.
    pointwise_kernel : array_like, shape (1, 1, C * multiplier, C_out)
        Keras' ``layer.pointwise_kernel``: mixes the depthwise outputs.
    bias : array_like, shape (C_out,), optional
        Added after the pointwise step (Keras has no bias in between).
    stride, padding, dilation
        Of the depthwise step, as in :func:`conv2d`.

    Returns
    -------
    numpy.ndarray, shape (N, out_h, out_w, C_out) or without the batch axis

    Raises
    ------
    ValueError, TypeError
        As :func:`depthwise_conv2d` and :func:`conv2d`; `pointwise_kernel`
        must be ``(1, 1, C * multiplier, C_out)``.

    See Also
    --------
    separable_conv2d_param_count : Its weights, against :func:`conv2d_param_count`.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.ones((1, 1, 2)) * [1.0, 10.0]
    >>> depthwise = np.array([2.0, 3.0]).reshape(1, 1, 2, 1)
    >>> pointwise = np.array([[1.0, 1.0], [1.0, -1.0]]).reshape(1, 1, 2, 2)
    >>> separable_conv2d(x, depthwise, pointwise)[0, 0]  # [2 + 30, 2 - 30]
    array([ 32., -28.])
    """
    depthwise = depthwise_conv2d(
        x, depthwise_kernel, stride=stride, padding=padding, dilation=dilation
    )
    channels = depthwise.shape[-1]
    pointwise = np.asarray(pointwise_kernel)
    if pointwise.ndim == 4 and pointwise.shape[:2] != (1, 1):
        raise ValueError(
            _(
                "`pointwise_kernel` must have shape (1, 1, C * multiplier, C_out) with "
                "C * multiplier == {channels}; got {shape}."
            ).format(channels=channels, shape=pointwise.shape)
        )
    _as_kernel4d(
        pointwise,
        channels=channels,
        name="pointwise_kernel",
        layout="(1, 1, C * multiplier, C_out)",
    )
    return conv2d(depthwise, pointwise, bias)


# --------------------------------------------------------------------------
# kernel layouts
# --------------------------------------------------------------------------


def depthwise_to_conv2d(kernel: object) -> np.ndarray:
    """Return the ``Conv2D`` kernel that computes the same as a depthwise kernel.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw, C, multiplier)
        A ``DepthwiseConv2D`` kernel.

    Returns
    -------
    numpy.ndarray, shape (kh, kw, C, C * multiplier)
        Block-diagonal in the channel axes: ``out[:, :, c, c * multiplier + q]``
        is ``kernel[:, :, c, q]`` and every other entry is 0, so
        ``conv2d(x, depthwise_to_conv2d(k))`` equals ``depthwise_conv2d(x, k)``.

    Raises
    ------
    ValueError
        If `kernel` is not 4-D.

    See Also
    --------
    depthwise_conv2d, conv2d

    Examples
    --------
    >>> import numpy as np
    >>> kernel = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2)
    >>> depthwise_to_conv2d(kernel)[0, 0]  # rows: input channels, columns: outputs
    array([[1., 2., 0., 0.],
           [0., 0., 3., 4.]])
    """
    kernel = _check_4d(kernel, "kernel", "(kh, kw, C, multiplier)")
    kh, kw, channels, multiplier = kernel.shape
    full = np.zeros((kh, kw, channels, channels, multiplier), dtype=np.result_type(kernel, 0.0))
    for c in range(channels):
        full[:, :, c, c, :] = kernel[:, :, c, :]
    return full.reshape(kh, kw, channels, channels * multiplier)


def _check_4d(kernel: object, name: str, layout: str) -> np.ndarray:
    array = np.asarray(kernel)
    _check_dtype(array, name)
    if array.ndim != 4:
        raise ValueError(
            _("`{name}` must be a 4-D array of shape {layout}; got shape {shape}.").format(
                name=name, layout=layout, shape=array.shape
            )
        )
    return array


def hwio_to_oihw(kernel: object) -> np.ndarray:
    """Convert a Keras/TensorFlow ``Conv2D`` kernel to PyTorch's layout.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw, C_in, C_out)
        ``HWIO``, as Keras' ``Conv2D.kernel`` and ``tf.nn.conv2d`` store it.

    Returns
    -------
    numpy.ndarray, shape (C_out, C_in, kh, kw)
        ``OIHW``, as ``torch.nn.Conv2d.weight`` stores it (a C-contiguous copy).

    Raises
    ------
    ValueError
        If `kernel` is not 4-D.

    See Also
    --------
    oihw_to_hwio : The inverse.
    depthwise_hwio_to_oihw : For depthwise kernels, whose layouts differ more.

    Notes
    -----
    Both libraries correlate (no flip), so only the axes move.  A grouped
    PyTorch weight ``(C_out, C_in / groups, kh, kw)`` converts the same way to
    Keras' grouped ``Conv2D(groups=...)`` kernel ``(kh, kw, C_in / groups, C_out)``.

    Examples
    --------
    >>> import numpy as np
    >>> kernel = np.zeros((3, 5, 2, 8))  # 3 x 5 filters, 2 -> 8 channels
    >>> hwio_to_oihw(kernel).shape
    (8, 2, 3, 5)
    """
    kernel = _check_4d(kernel, "kernel", "(kh, kw, C_in, C_out)")
    return np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))


def oihw_to_hwio(kernel: object) -> np.ndarray:
    """Convert a PyTorch ``Conv2d`` weight to the Keras/TensorFlow layout.

    Parameters
    ----------
    kernel : array_like, shape (C_out, C_in, kh, kw)
        ``OIHW``, as ``torch.nn.Conv2d.weight`` stores it.

    Returns
    -------
    numpy.ndarray, shape (kh, kw, C_in, C_out)
        ``HWIO`` (a C-contiguous copy).

    Raises
    ------
    ValueError
        If `kernel` is not 4-D.

    See Also
    --------
    hwio_to_oihw : The inverse.
    depthwise_oihw_to_hwio : For depthwise weights (``groups == C_in``).

    Examples
    --------
    >>> import numpy as np
    >>> weight = np.zeros((8, 2, 3, 5))
    >>> oihw_to_hwio(weight).shape
    (3, 5, 2, 8)
    >>> bool((hwio_to_oihw(oihw_to_hwio(weight)) == weight).all())
    True
    """
    kernel = _check_4d(kernel, "kernel", "(C_out, C_in, kh, kw)")
    return np.ascontiguousarray(kernel.transpose(2, 3, 1, 0))


def depthwise_hwio_to_oihw(kernel: object) -> np.ndarray:
    """Convert a Keras ``DepthwiseConv2D`` kernel to PyTorch's depthwise weight.

    PyTorch writes a depthwise layer as ``Conv2d(C, C * multiplier, k,
    groups=C)``, whose weight has one input channel per group.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw, C, multiplier)
        Keras' ``DepthwiseConv2D.kernel`` (``tf.nn.depthwise_conv2d`` filter).

    Returns
    -------
    numpy.ndarray, shape (C * multiplier, 1, kh, kw)
        Row ``c * multiplier + q`` is ``kernel[:, :, c, q]``: both libraries
        order the outputs by input channel, so the outputs line up.

    Raises
    ------
    ValueError
        If `kernel` is not 4-D.

    See Also
    --------
    depthwise_oihw_to_hwio : The inverse.
    hwio_to_oihw : For ``Conv2D`` kernels.

    Examples
    --------
    >>> import numpy as np
    >>> kernel = np.arange(8.0).reshape(1, 2, 2, 2)  # 1 x 2 filters, C=2, multiplier=2
    >>> weight = depthwise_hwio_to_oihw(kernel)
    >>> weight.shape
    (4, 1, 1, 2)
    >>> weight[1, 0], kernel[:, :, 0, 1]  # output 1: channel 0, second filter
    (array([[1., 5.]]), array([[1., 5.]]))
    """
    kernel = _check_4d(kernel, "kernel", "(kh, kw, C, multiplier)")
    kh, kw, channels, multiplier = kernel.shape
    return np.ascontiguousarray(
        kernel.reshape(kh, kw, channels * multiplier, 1).transpose(2, 3, 0, 1)
    )


def depthwise_oihw_to_hwio(kernel: object, *, multiplier: int = 1) -> np.ndarray:
    """Convert a PyTorch depthwise weight (``groups == C``) to Keras' layout.

    Parameters
    ----------
    kernel : array_like, shape (C * multiplier, 1, kh, kw)
        ``torch.nn.Conv2d(C, C * multiplier, k, groups=C).weight``.
    multiplier : int, optional
        Filters per input channel (``out_channels // groups`` in PyTorch).
        The weight's shape does not say how its first axis splits.

    Returns
    -------
    numpy.ndarray, shape (kh, kw, C, multiplier)
        Keras' ``DepthwiseConv2D`` kernel.

    Raises
    ------
    ValueError
        If `kernel` is not ``(C * multiplier, 1, kh, kw)``.
    TypeError
        If `multiplier` is not an integer.

    See Also
    --------
    depthwise_hwio_to_oihw : The inverse.

    Examples
    --------
    >>> import numpy as np
    >>> weight = np.zeros((6, 1, 3, 3))
    >>> depthwise_oihw_to_hwio(weight).shape  # 6 channels, one filter each
    (3, 3, 6, 1)
    >>> depthwise_oihw_to_hwio(weight, multiplier=2).shape  # 3 channels, two each
    (3, 3, 3, 2)
    """
    kernel = _check_4d(kernel, "kernel", "(C * multiplier, 1, kh, kw)")
    multiplier = check_int(multiplier, name="multiplier", minimum=1)
    out_channels, one, kh, kw = kernel.shape
    if one != 1 or out_channels % multiplier:
        raise ValueError(
            _(
                "`kernel` must have shape (C * multiplier, 1, kh, kw) with multiplier == "
                "{multiplier}; got {shape}."
            ).format(multiplier=multiplier, shape=kernel.shape)
        )
    channels = out_channels // multiplier
    return np.ascontiguousarray(
        kernel[:, 0].transpose(1, 2, 0).reshape(kh, kw, channels, multiplier)
    )


# --------------------------------------------------------------------------
# parameter counts
# --------------------------------------------------------------------------


def _check_flag(value: object, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(
            _("`{name}` must be True or False; got {got}.").format(name=name, got=_describe(value))
        )
    return bool(value)


def conv2d_param_count(kh: int, kw: int, c_in: int, c_out: int, *, bias: bool = True) -> int:
    """Number of trainable weights of a ``Conv2D`` layer.

    Parameters
    ----------
    kh, kw : int
        Kernel height and width.
    c_in, c_out : int
        Input and output channels (``filters`` in Keras).
    bias : bool, optional
        Whether the layer has a bias (Keras' ``use_bias``, True by default).

    Returns
    -------
    int
        ``kh * kw * c_in * c_out + (c_out if bias else 0)``, the number Keras'
        ``model.summary()`` prints.

    Raises
    ------
    TypeError
        If a size is not an integer or `bias` is not a bool.
    ValueError
        If a size is smaller than 1.

    See Also
    --------
    depthwise_param_count, separable_conv2d_param_count

    Examples
    --------
    A 5 x 5 filter from RGB to three channels:

    >>> conv2d_param_count(5, 5, 3, 3)
    228
    >>> conv2d_param_count(5, 5, 3, 3, bias=False)
    225
    """
    kh, kw, c_in, c_out = (
        check_int(v, name=n, minimum=1)
        for v, n in zip((kh, kw, c_in, c_out), "kh kw c_in c_out".split(), strict=True)
    )
    return kh * kw * c_in * c_out + (c_out if _check_flag(bias, "bias") else 0)


def depthwise_param_count(
    kh: int, kw: int, c: int, multiplier: int = 1, *, bias: bool = True
) -> int:
    """Number of trainable weights of a ``DepthwiseConv2D`` layer.

    Parameters
    ----------
    kh, kw : int
        Kernel height and width.
    c : int
        Input channels.
    multiplier : int, optional
        Filters per input channel (Keras' ``depth_multiplier``).
    bias : bool, optional
        Whether the layer has a bias (Keras' ``use_bias``, True by default).

    Returns
    -------
    int
        ``kh * kw * c * multiplier + (c * multiplier if bias else 0)``.

    Raises
    ------
    TypeError
        If a size is not an integer or `bias` is not a bool.
    ValueError
        If a size is smaller than 1.

    See Also
    --------
    conv2d_param_count : The ``Conv2D`` with the same output needs ``c`` times more.

    Examples
    --------
    >>> depthwise_param_count(5, 5, 3)
    78
    >>> depthwise_param_count(5, 5, 3, 2, bias=False)
    150
    """
    kh, kw, c, multiplier = (
        check_int(v, name=n, minimum=1)
        for v, n in zip((kh, kw, c, multiplier), "kh kw c multiplier".split(), strict=True)
    )
    return kh * kw * c * multiplier + (c * multiplier if _check_flag(bias, "bias") else 0)


def separable_conv2d_param_count(
    kh: int, kw: int, c_in: int, c_out: int, multiplier: int = 1, *, bias: bool = True
) -> int:
    """Number of trainable weights of a ``SeparableConv2D`` layer.

    Parameters
    ----------
    kh, kw : int
        Depthwise kernel height and width.
    c_in, c_out : int
        Input channels and output channels (``filters``).
    multiplier : int, optional
        Depthwise filters per input channel (Keras' ``depth_multiplier``).
    bias : bool, optional
        Whether the layer has a bias; Keras adds it after the pointwise step
        only, so it has ``c_out`` values.

    Returns
    -------
    int
        ``kh * kw * c_in * multiplier`` (depthwise) ``+ c_in * multiplier * c_out``
        (pointwise) ``+ (c_out if bias else 0)``.

    Raises
    ------
    TypeError
        If a size is not an integer or `bias` is not a bool.
    ValueError
        If a size is smaller than 1.

    See Also
    --------
    conv2d_param_count, depthwise_param_count, separable_conv2d

    Examples
    --------
    3 x 3, 64 -> 128 channels: about 8 times fewer weights than ``Conv2D``.

    >>> separable_conv2d_param_count(3, 3, 64, 128)
    8896
    >>> conv2d_param_count(3, 3, 64, 128)
    73856
    """
    kh, kw, c_in, c_out, multiplier = (
        check_int(v, name=n, minimum=1)
        for v, n in zip(
            (kh, kw, c_in, c_out, multiplier), "kh kw c_in c_out multiplier".split(), strict=True
        )
    )
    depthwise = kh * kw * c_in * multiplier
    pointwise = c_in * multiplier * c_out
    return depthwise + pointwise + (c_out if _check_flag(bias, "bias") else 0)
