"""TensorFlow and Keras next to the numpy references.

Introduced in lesson 06, Keras Conv2D / lesson 07, depthwise vs Conv2D (and
used by the speed lesson and ``convlab bench``).

This is the only module of convlab that imports TensorFlow, and it does so
inside the functions that need it: ``import convlab.tf`` is instant, and
:func:`keras_padding`, :func:`tf_pad_mode`, :func:`as_nhwc` and
:func:`as_hwio` never load TensorFlow.  Before the first import,
``TF_CPP_MIN_LOG_LEVEL`` is set to ``"3"`` (unless already set) so TensorFlow's
C++ messages do not fill a notebook (set it yourself beforehand to see
them), and the import itself runs with stderr silenced, because TensorFlow
2.21 prints its oneDNN start-up notice regardless of that variable.

The layer builders return *Keras 3* layers, built for their input channels
and holding exactly the given weights, so a lesson can compare
``convlab.conv2d(x, kernel)`` with ``apply_layer(conv2d_layer(kernel), x)``.
Layouts are Keras': images ``NHWC``, ``Conv2D`` kernels ``HWIO``
``(kh, kw, C_in, C_out)``, ``DepthwiseConv2D`` kernels ``(kh, kw, C,
multiplier)``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys

import numpy as np

from ._validation import (
    _check_dtype,
    _describe,
    as_array,
    as_kernel,
    check_cval,
    check_int,
    check_mode,
    check_pair,
    quote_list,
)
from .i18n import gettext as _

__all__ = [
    "keras_padding",
    "tf_pad_mode",
    "as_nhwc",
    "as_hwio",
    "conv2d_layer",
    "depthwise_layer",
    "separable_layer",
    "apply_layer",
    "correlate2d",
    "gpu_available",
    "full_float32",
]

_IMAGE_LAYOUTS = ("HW", "HWC", "NHWC", "CHW", "NCHW")
_KERNEL_LAYOUTS = ("HW", "HWIO", "OIHW")


# --------------------------------------------------------------------------
# lazy imports
# --------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_stderr():
    """Send file descriptor 2 to /dev/null for the duration (C++ start-up messages)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _tf():
    """Import TensorFlow quietly and return it.

    TensorFlow 2.21 prints its oneDNN notice through absl before
    ``TF_CPP_MIN_LOG_LEVEL`` is read, so the first import also silences the
    process's stderr; errors still surface as Python exceptions.
    """
    if "tensorflow" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        # TensorFlow turns oneDNN on by default only on some CPUs (AVX-512); without
        # it, DepthwiseConv2dNative refuses unequal row and column strides.
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
        with _quiet_stderr():
            for name in ("tensorflow", "keras"):  # keras' notice too
                importlib.import_module(name)
    import tensorflow as tf

    return tf


def _keras():
    """Import Keras 3 (after TensorFlow, so the TensorFlow backend is used)."""
    _tf()
    import keras

    return keras


def gpu_available() -> bool:
    """Whether TensorFlow sees a GPU (imports TensorFlow).

    Returns
    -------
    bool
        ``tf.config.list_physical_devices("GPU")`` is not empty.

    Examples
    --------
    >>> isinstance(gpu_available(), bool)  # doctest: +SKIP
    True
    """
    return bool(_tf().config.list_physical_devices("GPU"))


def full_float32() -> None:
    """Make TensorFlow compute float32 in full float32, also on a GPU (imports TensorFlow).

    On NVIDIA GPUs since Ampere, TensorFlow runs float32 convolutions and
    matrix products in TF32 by default: each input keeps 10 of its 23
    mantissa bits (about 3 significant digits), so a layer differs from the
    NumPy reference by about 1e-3 instead of 1e-6. Lessons that compare Keras
    with NumPy call this first. It changes nothing on a CPU.

    Introduced in lesson 04 (strides and shapes) and used in lesson 06.

    Examples
    --------
    >>> full_float32()  # doctest: +SKIP
    >>> _tf().config.experimental.tensor_float_32_execution_enabled()  # doctest: +SKIP
    False
    """
    _tf().config.experimental.enable_tensor_float_32_execution(False)


# --------------------------------------------------------------------------
# names (numpy only)
# --------------------------------------------------------------------------


def keras_padding(padding: object) -> str:
    """Keras' name for an output size of this course.

    Parameters
    ----------
    padding : {'valid', 'same'}
        The course's output size (``convlab.correlate2d(padding=...)``).

    Returns
    -------
    str
        ``'valid'`` or ``'same'`` for Keras layers; ``tf.nn.conv2d`` and
        ``tf.nn.max_pool2d`` spell them in capitals (``.upper()``).

    Raises
    ------
    ValueError
        For ``'full'`` (Keras has none: pad first, e.g. with
        ``keras.layers.ZeroPadding2D`` or :func:`convlab.pad`) and any other
        value; capitals get a hint.

    Notes
    -----
    The words mean the same in both places, including TensorFlow's
    asymmetric ``'same'`` (:func:`convlab.same_padding`).  Keras' padding is
    always zeros; border modes are a separate matter (:func:`tf_pad_mode`).

    Examples
    --------
    >>> keras_padding("same")
    'same'
    >>> keras_padding("valid").upper()  # for tf.nn.conv2d
    'VALID'
    """
    if isinstance(padding, str) and padding in ("valid", "same"):
        return padding
    hint = ""
    if isinstance(padding, str):
        if padding.lower() in ("valid", "same"):
            hint = _(" (course names are lower-case: use {ours!r})").format(ours=padding.lower())
        elif padding == "full":
            hint = _(
                " (Keras has no 'full': pad first with keras.layers.ZeroPadding2D "
                "or convlab.pad, then use 'valid')"
            )
    raise ValueError(
        _("`padding` must be 'valid' or 'same'; got {got}{hint}.").format(
            got=repr(padding) if isinstance(padding, str) else _describe(padding), hint=hint
        )
    )


def tf_pad_mode(mode: object) -> str:
    """``tf.pad``'s name for a border mode of this course.

    Parameters
    ----------
    mode : {'constant', 'reflect', 'symmetric'}
        A border mode as ``numpy.pad`` names it.

    Returns
    -------
    str
        ``'CONSTANT'``, ``'REFLECT'`` or ``'SYMMETRIC'``.

    Raises
    ------
    ValueError
        For ``'edge'`` and ``'wrap'`` (``tf.pad`` has neither) and for names
        that are not border modes of the course.
    TypeError
        If `mode` is not a str.

    See Also
    --------
    convlab.border_mode_table : Every library's names side by side.

    Examples
    --------
    >>> tf_pad_mode("reflect")  # numpy's reflect = OpenCV's BORDER_REFLECT_101
    'REFLECT'
    >>> tf_pad_mode("symmetric")
    'SYMMETRIC'
    """
    from .padding import border_mode_table

    mode = check_mode(mode)
    tf_name = next(row["tensorflow"] for row in border_mode_table() if row["numpy"] == mode)
    if tf_name is None:
        supported = [row["numpy"] for row in border_mode_table() if row["tensorflow"]]
        raise ValueError(
            _(
                "tf.pad has no {mode!r} border; use one of {supported}, or pad with "
                "convlab.pad / numpy.pad before handing the image to TensorFlow."
            ).format(mode=mode, supported=quote_list(supported))
        )
    return tf_name


# --------------------------------------------------------------------------
# layouts (numpy only)
# --------------------------------------------------------------------------


def _check_layout(layout: object, valid: tuple[str, ...]) -> str:
    if isinstance(layout, str) and layout.upper() in valid:
        return layout.upper()
    raise ValueError(
        _("`layout` must be one of {valid}; got {got}.").format(
            valid=quote_list(valid), got=_describe(layout)
        )
    )


def as_nhwc(images: object, *, layout: str | None = None) -> np.ndarray:
    """Return images as a ``float32`` ``(N, H, W, C)`` batch, TensorFlow's layout.

    Parameters
    ----------
    images : array_like
        One image or a batch.
    layout : {'HW', 'HWC', 'NHWC', 'CHW', 'NCHW'}, optional
        How `images` is laid out.  By default it is read from the number of
        dimensions (2: ``HW``, 3: ``HWC``, 4: ``NHWC``); name ``'CHW'`` or
        ``'NCHW'`` for channels-first (PyTorch) arrays.

    Returns
    -------
    numpy.ndarray
        A C-contiguous ``float32`` array of shape ``(N, H, W, C)``.  Values are
        not rescaled (``uint8`` stays in 0..255).

    Raises
    ------
    ValueError
        If `layout` is unknown or does not match the number of dimensions.
    TypeError
        If the dtype is not real numeric.

    Examples
    --------
    >>> import numpy as np
    >>> as_nhwc(np.zeros((4, 5))).shape
    (1, 4, 5, 1)
    >>> as_nhwc(np.zeros((2, 3, 4, 5)), layout="NCHW").shape  # PyTorch batch
    (2, 4, 5, 3)
    """
    array = np.asarray(images)
    _check_dtype(array, "images")
    if layout is None:
        layout = {2: "HW", 3: "HWC", 4: "NHWC"}.get(array.ndim)
        if layout is None:
            raise ValueError(
                _(
                    "`images` must be 2-D (H, W), 3-D (H, W, C) or 4-D (N, H, W, C); "
                    "got shape {shape}."
                ).format(shape=array.shape)
            )
    layout = _check_layout(layout, _IMAGE_LAYOUTS)
    if array.ndim != len(layout):
        raise ValueError(
            _("`layout` {layout!r} needs a {n}-D array; got shape {shape}.").format(
                layout=layout, n=len(layout), shape=array.shape
            )
        )
    # Name the axes we have, then put them in N, H, W, C order (adding N and C as needed).
    for axis in "NC":
        if axis not in layout:
            array = array[np.newaxis] if axis == "N" else array[..., np.newaxis]
            layout = axis + layout if axis == "N" else layout + axis
    order = [layout.index(axis) for axis in "NHWC"]
    return np.ascontiguousarray(array.transpose(order), dtype=np.float32)


def as_hwio(kernel: object, *, layout: str = "HWIO", channels: int = 1) -> np.ndarray:
    """Return a kernel as a ``float32`` Keras ``Conv2D`` kernel ``(kh, kw, C_in, C_out)``.

    Parameters
    ----------
    kernel : array_like
        The weights.
    layout : {'HWIO', 'OIHW', 'HW'}, optional
        ``'HWIO'``: already Keras/TensorFlow's layout.  ``'OIHW'``: PyTorch's
        ``(C_out, C_in, kh, kw)``.  ``'HW'``: one 2-D filter (numpy, OpenCV,
        ``convlab.kernels``) applied to each of `channels` channels
        separately, as ``cv2.filter2D`` and ``convlab.correlate2d`` do.
    channels : int, optional
        For ``'HW'``: the image's channels.  The result is then
        ``(kh, kw, channels, channels)``, zero except ``[:, :, c, c]``, so
        channel ``c`` in gives channel ``c`` out.

    Returns
    -------
    numpy.ndarray
        A C-contiguous ``float32`` ``HWIO`` kernel.

    Raises
    ------
    ValueError
        If the layout is unknown or does not match the array.

    See Also
    --------
    convlab.oihw_to_hwio, convlab.depthwise_to_conv2d

    Examples
    --------
    >>> import numpy as np
    >>> box = np.ones((3, 3)) / 9
    >>> as_hwio(box, layout="HW", channels=3).shape
    (3, 3, 3, 3)
    >>> as_hwio(np.zeros((8, 3, 5, 5)), layout="OIHW").shape
    (5, 5, 3, 8)
    """
    from .layers import depthwise_to_conv2d, oihw_to_hwio

    layout = _check_layout(layout, _KERNEL_LAYOUTS)
    array = np.asarray(kernel)
    _check_dtype(array, "kernel")
    if array.ndim != len(layout):
        raise ValueError(
            _("`kernel` in layout {layout!r} must be {n}-D; got shape {shape}.").format(
                layout=layout, n=len(layout), shape=array.shape
            )
        )
    if layout == "HW":
        channels = check_int(channels, name="channels", minimum=1)
        per_channel = np.repeat(array[:, :, np.newaxis, np.newaxis], channels, axis=2)
        array = depthwise_to_conv2d(per_channel)
    elif layout == "OIHW":
        array = oihw_to_hwio(array)
    return np.ascontiguousarray(array, dtype=np.float32)


def _depthwise_kernel(kernel: object, input_channels: int | None) -> np.ndarray:
    """A ``(kh, kw, C, multiplier)`` kernel; a 2-D filter is repeated over channels."""
    array = np.asarray(kernel)
    _check_dtype(array, "kernel")
    if array.ndim == 2:
        channels = 1 if input_channels is None else input_channels
        array = np.repeat(array[:, :, np.newaxis, np.newaxis], channels, axis=2)
    if array.ndim != 4:
        raise ValueError(
            _(
                "`kernel` must have shape (kh, kw, C, multiplier), or (kh, kw) for the same "
                "filter on every channel; got {shape}."
            ).format(shape=array.shape)
        )
    return np.ascontiguousarray(array, dtype=np.float32)


def _conv_kernel(kernel: object, input_channels: int | None) -> np.ndarray:
    array = np.asarray(kernel)
    if array.ndim == 2:
        return as_hwio(array, layout="HW", channels=1 if input_channels is None else input_channels)
    if array.ndim != 4:
        raise ValueError(
            _(
                "`kernel` must have shape (kh, kw, C_in, C_out), or (kh, kw) for the same "
                "filter on every channel; got {shape}."
            ).format(shape=array.shape)
        )
    return as_hwio(array)


def _check_input_channels(kernel: np.ndarray, input_channels: object) -> int:
    channels = kernel.shape[2]
    if input_channels is not None:
        input_channels = check_int(input_channels, name="input_channels", minimum=1)
        if input_channels != channels:
            raise ValueError(
                _(
                    "`kernel` has C_in == {channels} but `input_channels` is {input_channels}; "
                    "got kernel shape {shape}."
                ).format(channels=channels, input_channels=input_channels, shape=kernel.shape)
            )
    return channels


def _bias(bias: object, n_out: int) -> np.ndarray | None:
    if bias is None:
        return None
    array = np.asarray(bias, dtype=np.float32)
    if array.shape != (n_out,):
        raise ValueError(
            _(
                "`bias` must have shape ({n_out},), one value per output channel; got {shape}."
            ).format(n_out=n_out, shape=array.shape)
        )
    return array


def _no_stride_with_dilation(stride: tuple[int, int], dilation: tuple[int, int], name: str):
    if max(stride) > 1 and max(dilation) > 1:
        raise ValueError(
            _(
                "Keras' {name} does not accept a stride > 1 together with a dilation > 1; "
                "got stride={stride}, dilation={dilation} (convlab.conv2d and tf.nn.conv2d do)."
            ).format(name=name, stride=stride, dilation=dilation)
        )


# --------------------------------------------------------------------------
# Keras layers
# --------------------------------------------------------------------------


def conv2d_layer(
    kernel: object,
    bias: object = None,
    *,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
    input_channels: int | None = None,
):
    """A Keras ``Conv2D`` layer holding the given weights.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw, C_in, C_out) or (kh, kw)
        ``HWIO`` weights; a 2-D filter is applied to each of
        `input_channels` channels separately (see :func:`as_hwio`).
    bias : array_like, shape (C_out,), optional
        The bias; without it the layer has ``use_bias=False``.
    stride, padding, dilation
        As in :func:`convlab.conv2d` (Keras' ``strides``, ``padding``,
        ``dilation_rate``).
    input_channels : int, optional
        Channels of the images the layer will see.  Needed for a 2-D
        `kernel` (default 1); checked against ``C_in`` for a 4-D one.

    Returns
    -------
    keras.layers.Conv2D
        Built for ``(None, None, None, C_in)`` inputs (any batch and image
        size), ``float32``, with ``layer.kernel`` and ``layer.bias`` set.

    Raises
    ------
    ValueError
        For a badly shaped kernel or bias, an unknown padding, or a stride
        and a dilation both above 1 (Keras refuses that combination).

    See Also
    --------
    convlab.conv2d : The same computation in numpy.
    apply_layer : Runs the layer on numpy images.

    Examples
    --------
    >>> import numpy as np
    >>> layer = conv2d_layer(np.ones((3, 3, 1, 4)), padding="same")  # doctest: +SKIP
    >>> apply_layer(layer, np.ones((5, 5, 1))).shape  # doctest: +SKIP
    (5, 5, 4)
    """
    keras = _keras()
    hwio = _conv_kernel(kernel, input_channels)
    channels = _check_input_channels(hwio, input_channels)
    stride = check_pair(stride, name="stride")
    dilation = check_pair(dilation, name="dilation")
    _no_stride_with_dilation(stride, dilation, "Conv2D")
    bias = _bias(bias, hwio.shape[3])
    layer = keras.layers.Conv2D(
        filters=hwio.shape[3],
        kernel_size=hwio.shape[:2],
        strides=stride,
        padding=keras_padding(padding),
        dilation_rate=dilation,
        use_bias=bias is not None,
        dtype="float32",
    )
    layer.build((None, None, None, channels))
    layer.set_weights([hwio] if bias is None else [hwio, bias])
    return layer


def depthwise_layer(
    kernel: object,
    bias: object = None,
    *,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
    input_channels: int | None = None,
):
    """A Keras ``DepthwiseConv2D`` layer holding the given weights.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw, C, multiplier) or (kh, kw)
        Keras' depthwise layout (``depth_multiplier = multiplier``); a 2-D
        filter is used for each of `input_channels` channels (multiplier 1),
        which is ``cv2.filter2D`` on every channel.
    bias : array_like, shape (C * multiplier,), optional
        The bias; without it the layer has ``use_bias=False``.
    stride, padding, dilation
        As in :func:`convlab.depthwise_conv2d`.
    input_channels : int, optional
        Channels of the images; needed for a 2-D `kernel` (default 1), checked
        against ``C`` for a 4-D one.

    Returns
    -------
    keras.layers.DepthwiseConv2D
        Built for ``(None, None, None, C)`` inputs, ``float32``.

    Raises
    ------
    ValueError
        For a badly shaped kernel or bias or an unknown padding.

    See Also
    --------
    convlab.depthwise_conv2d : The same computation in numpy.

    Examples
    --------
    >>> import numpy as np
    >>> layer = depthwise_layer(np.ones((3, 3)) / 9, input_channels=3)  # doctest: +SKIP
    >>> apply_layer(layer, np.ones((5, 5, 3))).shape  # doctest: +SKIP
    (3, 3, 3)
    """
    keras = _keras()
    depthwise = _depthwise_kernel(kernel, input_channels)
    channels = _check_input_channels(depthwise, input_channels)
    stride = check_pair(stride, name="stride")
    dilation = check_pair(dilation, name="dilation")
    bias = _bias(bias, channels * depthwise.shape[3])
    layer = keras.layers.DepthwiseConv2D(
        kernel_size=depthwise.shape[:2],
        strides=stride,
        padding=keras_padding(padding),
        depth_multiplier=depthwise.shape[3],
        dilation_rate=dilation,
        use_bias=bias is not None,
        dtype="float32",
    )
    layer.build((None, None, None, channels))
    layer.set_weights([depthwise] if bias is None else [depthwise, bias])
    return layer


def separable_layer(
    depthwise_kernel: object,
    pointwise_kernel: object,
    bias: object = None,
    *,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
):
    """A Keras ``SeparableConv2D`` layer holding the given weights.

    Parameters
    ----------
    depthwise_kernel : array_like, shape (kh, kw, C, multiplier)
        The depthwise step.
    pointwise_kernel : array_like, shape (1, 1, C * multiplier, C_out)
        The 1 x 1 step that mixes channels.
    bias : array_like, shape (C_out,), optional
        Added after the pointwise step.
    stride, padding, dilation
        Of the depthwise step, as in :func:`convlab.separable_conv2d`.

    Returns
    -------
    keras.layers.SeparableConv2D
        Built for ``(None, None, None, C)`` inputs, ``float32``.

    Raises
    ------
    ValueError
        For badly shaped kernels or bias, an unknown padding, or a stride and
        a dilation both above 1.

    See Also
    --------
    convlab.separable_conv2d : The same computation in numpy.
    convlab.separable_conv2d_param_count : Its weights.
    """
    keras = _keras()
    depthwise = _depthwise_kernel(depthwise_kernel, None)
    channels, multiplier = depthwise.shape[2:]
    pointwise = np.asarray(pointwise_kernel, dtype=np.float32)
    if pointwise.ndim != 4 or pointwise.shape[:3] != (1, 1, channels * multiplier):
        raise ValueError(
            _(
                "`pointwise_kernel` must have shape (1, 1, C * multiplier, C_out) with "
                "C * multiplier == {n}; got {shape}."
            ).format(n=channels * multiplier, shape=pointwise.shape)
        )
    stride = check_pair(stride, name="stride")
    dilation = check_pair(dilation, name="dilation")
    _no_stride_with_dilation(stride, dilation, "SeparableConv2D")
    bias = _bias(bias, pointwise.shape[3])
    layer = keras.layers.SeparableConv2D(
        filters=pointwise.shape[3],
        kernel_size=depthwise.shape[:2],
        strides=stride,
        padding=keras_padding(padding),
        depth_multiplier=multiplier,
        dilation_rate=dilation,
        use_bias=bias is not None,
        dtype="float32",
    )
    layer.build((None, None, None, channels))
    weights = [depthwise, pointwise] + ([] if bias is None else [bias])
    layer.set_weights(weights)
    return layer


def apply_layer(layer, images: object) -> np.ndarray:
    """Run a Keras layer (or model) on numpy images and return numpy.

    Parameters
    ----------
    layer : callable
        A Keras layer or model taking ``(N, H, W, C)`` ``float32`` tensors.
    images : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
        One image (a 2-D one is given one channel) or a batch.

    Returns
    -------
    numpy.ndarray
        ``float32``; ``(out_h, out_w, C_out)`` for one image, with the batch
        axis for a batch.

    See Also
    --------
    as_nhwc : The conversion applied to `images`.

    Examples
    --------
    >>> import numpy as np
    >>> layer = depthwise_layer(np.ones((1, 1, 1, 2)))  # doctest: +SKIP
    >>> apply_layer(layer, np.full((2, 2), 3.0))[0, 0]  # doctest: +SKIP
    array([3., 3.], dtype=float32)
    """
    array = np.asarray(images)
    batch = as_nhwc(array)
    out = np.asarray(layer(batch))
    return out if array.ndim == 4 else out[0]


# --------------------------------------------------------------------------
# TensorFlow's 2-D correlation, as convlab.correlate2d
# --------------------------------------------------------------------------


def correlate2d(
    image: object,
    kernel: object,
    *,
    padding: object = "valid",
    mode: str = "constant",
    cval: float = 0.0,
    stride: int | tuple[int, int] = 1,
    dilation: int | tuple[int, int] = 1,
    dtype: str = "float32",
    device: str | None = None,
) -> np.ndarray:
    """:func:`convlab.correlate2d`, computed by TensorFlow.

    Each channel is correlated with the same 2-D kernel by
    ``tf.nn.depthwise_conv2d``; borders are added first with ``tf.pad``.

    Parameters
    ----------
    image : array_like or tf.Tensor, shape (H, W) or (H, W, C)
        The image.  A tensor already on `device` is used as is (as a benchmark
        wants).
    kernel : array_like, shape (kh, kw)
        The weights.
    padding : {'valid', 'same', 'full'} or int or ((int, int), (int, int)), optional
        Output size, as in :func:`convlab.correlate2d`.
    mode : {'constant', 'reflect', 'symmetric'}, optional
        Border mode (``tf.pad`` has no ``'edge'`` or ``'wrap'``).
    cval : float, optional
        Value of ``'constant'`` borders.
    stride, dilation : int or (int, int), optional
        As in :func:`convlab.correlate2d`.
    dtype : {'float32', 'float16', 'bfloat16', 'float64'}, optional
        The precision TensorFlow computes in.
    device : str, optional
        A TensorFlow device such as ``'/CPU:0'`` or ``'/GPU:0'``; TensorFlow
        picks one by default.

    Returns
    -------
    numpy.ndarray
        Shape as :func:`convlab.correlate2d`, dtype `dtype`.

    Raises
    ------
    ValueError, TypeError
        For the same arguments as :func:`convlab.correlate2d`, and for border
        modes ``tf.pad`` lacks.

    Notes
    -----
    ``tf.nn.depthwise_conv2d`` gives wrong sizes when a stride and a dilation
    are both above 1 (TensorFlow warns); this function then computes the
    stride-1 result and keeps every ``stride``-th output.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> correlate2d(image, np.arange(9.0).reshape(3, 3), padding="same")  # doctest: +SKIP
    array([[8., 7., 6.],
           [5., 4., 3.],
           [2., 1., 0.]], dtype=float32)
    """
    from .shapes import check_padding_2d, resolve_padding_2d

    tf = _tf()
    kernel = as_kernel(kernel)
    padding = check_padding_2d(padding)
    tf_mode = tf_pad_mode(mode)
    cval = check_cval(cval)
    stride = check_pair(stride, name="stride")
    dilation = check_pair(dilation, name="dilation")
    valid_dtypes = ("float32", "float16", "bfloat16", "float64")
    if dtype not in valid_dtypes:
        raise ValueError(
            _("`dtype` must be one of {valid}; got {got}.").format(
                valid=quote_list(valid_dtypes), got=_describe(dtype)
            )
        )
    if not tf.is_tensor(image):
        image = as_array(image)
    ndim = len(image.shape)
    if ndim not in (2, 3):
        raise ValueError(
            _("`image` must be a 2-D (H, W) or 3-D (H, W, C) array; got shape {shape}.").format(
                shape=tuple(image.shape)
            )
        )
    widths = resolve_padding_2d(tuple(image.shape[:2]), kernel.shape, padding, stride, dilation)
    with tf.device(device) if device else contextlib.nullcontext():
        x = tf.cast(tf.convert_to_tensor(image), dtype)
        if ndim == 2:
            x = x[:, :, tf.newaxis]
        channels = x.shape[-1]
        if any(map(any, widths)):
            x = tf.pad(x, [*widths, (0, 0)], mode=tf_mode, constant_values=cval)
        x = x[tf.newaxis]
        filt = tf.cast(np.repeat(kernel[:, :, np.newaxis, np.newaxis], channels, axis=2), dtype)
        both = max(stride) > 1 and max(dilation) > 1
        out = tf.nn.depthwise_conv2d(
            x,
            filt,
            strides=[1, 1, 1, 1] if both else [1, *stride, 1],
            padding="VALID",
            dilations=dilation,
        )
        if both:
            out = out[:, :: stride[0], :: stride[1], :]
        out = out[0] if ndim == 3 else out[0, :, :, 0]
        return out.numpy()
