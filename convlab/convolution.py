"""2-D correlation and convolution: sliding-window loops and a vectorized version.

Introduced in lesson 02, convolution from scratch (padding in lesson 03,
strides and dilation in lesson 04).

Both :func:`correlate2d` and :func:`convolve2d` run the same machinery; the
only difference is that convolution flips the kernel first.  Output size
(``padding='valid' | 'same' | 'full'``) and border handling (``mode``) are
separate parameters.  Results are floating point: ``float32`` for a
``float32`` image, ``float64`` for everything else.

Speed: the vectorized version is still "one multiply-add per kernel tap", but
done on strips of output rows (see ``STRIP_BYTES``) with in-place ufuncs
(``out=``) into strip-sized scratch buffers.  A whole-image
``out += w * window`` writes a full-image temporary per tap, so memory traffic,
not arithmetic, sets the speed; a strip's rows stay in the CPU cache for all
its taps.  Strips are independent and numpy releases the GIL inside ufuncs,
so they are filtered on ``THREADS`` threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._validation import (
    as_array,
    as_float,
    as_kernel,
    check_cval,
    check_fits,
    check_mode,
    check_pair,
)
from .padding import _source_index
from .shapes import _effective_size, check_padding_2d, resolve_padding_2d

__all__ = ["correlate2d", "convolve2d", "correlate2d_loops"]

#: Threads that filter row strips in parallel (default: one per CPU).  Set it
#: to 1 to run on the calling thread only.  Results do not depend on it.
THREADS: int = os.cpu_count() or 1

#: Target size in bytes of one strip of output rows (about an L2 cache).
#: Smaller strips stay closer to the cores but cost more ufunc calls, and
#: threads then wait on each other for the GIL between calls; on a 2-core
#: machine 1 MiB was fastest (128 KiB was 2-3x slower with 2 threads).
STRIP_BYTES: int = 1024 * 1024


def _filter2d(
    image,
    kernel,
    *,
    padding,
    mode,
    cval,
    stride,
    dilation,
    flip: bool,
) -> np.ndarray:
    """Check the arguments, pad, and correlate (with the kernel flipped if `flip`)."""
    image = as_float(as_array(image))
    kernel = as_kernel(kernel).astype(image.dtype)
    padding = check_padding_2d(padding)
    mode = check_mode(mode)
    cval = check_cval(cval)
    stride = check_pair(stride, name="stride")
    dilation = check_pair(dilation, name="dilation")
    if flip:
        kernel = kernel[::-1, ::-1]
    widths = resolve_padding_2d(image.shape[:2], kernel.shape, padding, stride, dilation)
    padded = _pad_fast(image, widths, mode, cval) if any(map(any, widths)) else image
    return _correlate_padded(padded, kernel, stride, dilation)


def _pad_fast(image: np.ndarray, widths, mode: str, cval: float) -> np.ndarray:
    """The same array as ``padding._pad``, built with slice copies.

    Every mode maps positions inside the image to themselves, so the image is
    copied in one block and only the border cells are looked up in
    ``_source_index`` (per-pixel fancy indexing of the whole image is ~10x slower).
    """
    (top, bottom), (left, right) = widths
    h, w = image.shape[:2]
    out = np.empty((top + h + bottom, left + w + right, *image.shape[2:]), image.dtype)
    out[top : top + h, left : left + w] = image
    sides = np.r_[0:left, left + w : left + w + right]  # border columns
    ends = np.r_[0:top, top + h : top + h + bottom]  # border rows
    if mode == "constant":
        out[top : top + h, sides] = cval
        out[ends] = cval
    else:
        out[top : top + h, sides] = image[:, _source_index(w, left, right, mode)[sides]]
        out[ends] = out[top + _source_index(h, top, bottom, mode)[ends]]
    return out


def _accumulate(
    src: np.ndarray,
    kernel: np.ndarray,
    stride: tuple[int, int],
    dilation: tuple[int, int],
    out: np.ndarray,
    scratch: np.ndarray,
) -> None:
    """``out = sum_ij kernel[i, j] * window_ij(src)``: the tap loop, in place.

    `scratch` has the shape of `out`.  The order of the sums is that of the
    plain loop (``out = 0; out += w * window`` per tap), so results are exact.
    """
    kh, kw = kernel.shape
    (sh, sw), (dh, dw) = stride, dilation
    out_h, out_w = out.shape[:2]
    out.fill(0)
    for i in range(kh):
        for j in range(kw):
            top, left = i * dh, j * dw
            window = src[
                top : top + (out_h - 1) * sh + 1 : sh,
                left : left + (out_w - 1) * sw + 1 : sw,
            ]
            np.multiply(window, kernel[i, j], out=scratch)
            np.add(out, scratch, out=out)


def _by_strips(n_rows: int, row_bytes: int, work: Callable[[int, int], None]) -> None:
    """Call ``work(start, stop)`` on strips of about STRIP_BYTES, on THREADS threads.

    Each thread takes one contiguous block of rows and works through it strip by strip.
    """
    step = max(1, STRIP_BYTES // max(row_bytes, 1))
    threads = max(1, min(THREADS, -(-n_rows // step)))
    bounds = [n_rows * t // threads for t in range(threads + 1)]

    def block(t: int) -> None:
        for start in range(bounds[t], bounds[t + 1], step):
            work(start, min(start + step, bounds[t + 1]))

    if threads == 1:
        block(0)
        return
    with ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(block, range(threads)):
            pass  # iterating re-raises a worker's exception


def _correlate_padded(
    padded: np.ndarray,
    kernel: np.ndarray,
    stride: tuple[int, int] = (1, 1),
    dilation: tuple[int, int] = (1, 1),
) -> np.ndarray:
    """Valid correlation of an already padded float image: one strided slice per tap.

    ``out[y, x] = sum_ij kernel[i, j] * padded[y*sh + i*dh, x*sw + j*dw]``.
    For each tap ``(i, j)`` the pixels it meets, over all output positions,
    form one strided slice of `padded`; adding ``kernel[i, j] * slice`` for all
    taps gives the output with ``kh * kw`` multiply-adds, done strip by strip
    (see the module docstring).
    """
    kh, kw = kernel.shape
    (sh, sw), (dh, dw) = stride, dilation
    eff_h, eff_w = _effective_size(kh, dh), _effective_size(kw, dw)
    check_fits(padded.shape[:2], (eff_h, eff_w))
    out_h = (padded.shape[0] - eff_h) // sh + 1
    out_w = (padded.shape[1] - eff_w) // sw + 1
    out = np.empty((out_h, out_w, *padded.shape[2:]), dtype=padded.dtype)

    def work(start: int, stop: int) -> None:  # output rows start:stop
        src = padded[start * sh : (stop - 1) * sh + eff_h]
        strip = out[start:stop]
        _accumulate(src, kernel, stride, dilation, strip, np.empty_like(strip))

    _by_strips(out_h, out[:1].nbytes, work)
    return out


def correlate2d(
    image,
    kernel,
    *,
    padding="valid",
    mode: str = "constant",
    cval: float = 0.0,
    stride=1,
    dilation=1,
) -> np.ndarray:
    """Cross-correlate an image with a 2-D kernel (what deep learning calls convolution).

    ``out[y, x] = sum_ij kernel[i, j] * padded[y*sh + i*dh, x*sw + j*dw]``,
    computed for each channel of an (H, W, C) image with the same kernel.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype.
    kernel : (kh, kw) array_like
        The weights; any size, odd or even.
    padding : {'valid', 'same', 'full'} or int or ((int, int), (int, int)), optional
        Output size.  ``'valid'``: only positions where the kernel fits inside
        the image.  ``'same'``: TensorFlow's rule, ``ceil(H / stride)`` rows,
        the extra row/column of an even kernel padded at the bottom/right (see
        :func:`convlab.same_padding`).  ``'full'``: every partial overlap.
        An int pads that much on every side; ``((top, bottom), (left,
        right))`` pads exactly so.
    mode : {'constant', 'edge', 'reflect', 'symmetric', 'wrap'}, optional
        Border handling of the padded cells, as ``numpy.pad`` names it.
    cval : float, optional
        Value of ``'constant'`` borders.
    stride : int or (int, int), optional
        Step between output positions (rows, columns).
    dilation : int or (int, int), optional
        Spacing between kernel taps (rows, columns); the kernel then covers
        ``(k - 1) * dilation + 1`` pixels.

    Returns
    -------
    ndarray
        Shape ``(out_h, out_w)`` or ``(out_h, out_w, C)`` (see
        :func:`convlab.conv_output_size`), dtype ``float32`` for a ``float32``
        image and ``float64`` otherwise (a ``uint8`` image is never truncated).

    Raises
    ------
    TypeError
        If the image or kernel is not numeric, or an option has the wrong type.
    ValueError
        If the image is not 2-D/3-D, the kernel is not 2-D, either is empty,
        `padding` or `mode` is unknown, `stride` or `dilation` < 1, or the
        (dilated) kernel is larger than the padded image.

    See Also
    --------
    convolve2d : The same with the kernel flipped (true convolution).
    correlate2d_loops : The plain sliding-window loops (the lesson's reference).
    scipy.ndimage.correlate, scipy.signal.correlate2d, cv2.filter2D

    Notes
    -----
    Equal to ``scipy.ndimage.correlate(image, kernel, mode=<scipy name>)`` for
    an odd kernel with ``padding='same'`` (scipy's mode names differ: see
    :func:`convlab.border_mode_table`), to ``scipy.signal.correlate2d`` for
    ``'valid'`` and ``'full'``, to ``cv2.filter2D`` and to
    ``tf.nn.conv2d(..., padding='SAME')`` with zero borders.  A stride keeps
    every ``stride``-th output of the stride-1 result; a dilation equals a
    kernel with ``dilation - 1`` zeros inserted between taps.

    The implementation loops over the ``kh * kw`` kernel taps and adds one
    strided slice of the padded image per tap: as readable as the
    sliding-window loops, and as fast as numpy.

    Examples
    --------
    An impulse picks out the kernel, rotated by 180 degrees:

    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> kernel = np.array([[1, 2, 4], [8, 16, 32], [64, 128, 256]])
    >>> correlate2d(image, kernel, padding="same")
    array([[256., 128.,  64.],
           [ 32.,  16.,   8.],
           [  4.,   2.,   1.]])
    >>> correlate2d(image, kernel)  # 'valid': one position
    array([[16.]])
    >>> correlate2d(np.arange(16.0).reshape(4, 4), np.ones((1, 1)), stride=2)
    array([[ 0.,  2.],
           [ 8., 10.]])
    """
    return _filter2d(
        image,
        kernel,
        padding=padding,
        mode=mode,
        cval=cval,
        stride=stride,
        dilation=dilation,
        flip=False,
    )


def convolve2d(
    image,
    kernel,
    *,
    padding="valid",
    mode: str = "constant",
    cval: float = 0.0,
    stride=1,
    dilation=1,
) -> np.ndarray:
    """Convolve an image with a 2-D kernel: correlation with the kernel flipped.

    ``convolve2d(image, kernel, **options)`` is exactly
    ``correlate2d(image, kernel[::-1, ::-1], **options)``.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype.
    kernel : (kh, kw) array_like
        The weights; any size, odd or even.
    padding : {'valid', 'same', 'full'} or int or ((int, int), (int, int)), optional
        Output size, as in :func:`correlate2d` (TensorFlow's ``'same'``).
    mode : {'constant', 'edge', 'reflect', 'symmetric', 'wrap'}, optional
        Border handling of the padded cells, as ``numpy.pad`` names it.
    cval : float, optional
        Value of ``'constant'`` borders.
    stride : int or (int, int), optional
        Step between output positions (rows, columns).
    dilation : int or (int, int), optional
        Spacing between kernel taps (rows, columns).

    Returns
    -------
    ndarray
        As :func:`correlate2d`: ``float32`` for a ``float32`` image, else
        ``float64``.

    Raises
    ------
    TypeError
        If the image or kernel is not numeric, or an option has the wrong type.
    ValueError
        As :func:`correlate2d`.

    See Also
    --------
    correlate2d : The same without the flip.
    scipy.ndimage.convolve, scipy.signal.convolve2d

    Notes
    -----
    For a symmetric kernel (box, Gaussian, Laplacian) the two are equal.
    Convolution is commutative and associative (blurring twice is one
    convolution with the convolved kernels); correlation is neither.  Equal to
    ``scipy.signal.convolve2d`` for ``'valid'`` and ``'full'`` and to
    ``scipy.ndimage.convolve`` for an odd kernel with ``'same'``.  For an even
    kernel, ``'same'`` pads as TensorFlow (extra row/column after) *before*
    the flip, which differs from scipy's centring.

    Examples
    --------
    An impulse reproduces the kernel itself:

    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> kernel = np.array([[1, 2, 4], [8, 16, 32], [64, 128, 256]])
    >>> convolve2d(image, kernel, padding="same")
    array([[  1.,   2.,   4.],
           [  8.,  16.,  32.],
           [ 64., 128., 256.]])
    """
    return _filter2d(
        image,
        kernel,
        padding=padding,
        mode=mode,
        cval=cval,
        stride=stride,
        dilation=dilation,
        flip=True,
    )


def correlate2d_loops(image, kernel) -> np.ndarray:
    """Valid 2-D correlation written as plain sliding-window loops.

    The lesson's reference: one loop over output rows, one over columns, and
    at each position the sum of the window times the kernel.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype; each channel is filtered with
        the same kernel.
    kernel : (kh, kw) array_like
        The weights; not larger than the image.

    Returns
    -------
    ndarray
        Shape ``(H - kh + 1, W - kw + 1[, C])``; ``float32`` for a ``float32``
        image, else ``float64``.

    Raises
    ------
    TypeError
        If the image or kernel is not numeric.
    ValueError
        If the image is not 2-D/3-D, the kernel is not 2-D, either is empty, or
        the kernel is larger than the image.

    See Also
    --------
    correlate2d : The vectorized version, with padding, strides and dilation.

    Notes
    -----
    Slow (one Python iteration per output pixel) and meant to be read, not
    used on large images.  ``correlate2d(image, kernel)`` gives the same
    result.

    Examples
    --------
    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> correlate2d_loops(image, np.array([[1, 2], [4, 8]]))
    array([[8., 4.],
           [2., 1.]])
    """
    image = as_float(as_array(image))
    kernel = as_kernel(kernel).astype(image.dtype)
    kh, kw = kernel.shape
    check_fits(image.shape[:2], kernel.shape)
    out_h = image.shape[0] - kh + 1
    out_w = image.shape[1] - kw + 1
    out = np.zeros((out_h, out_w, *image.shape[2:]), dtype=image.dtype)
    if image.ndim == 3:
        kernel = kernel[:, :, np.newaxis]  # the same kernel for every channel
    for y in range(out_h):
        for x in range(out_w):
            window = image[y : y + kh, x : x + kw]
            out[y, x] = (window * kernel).sum(axis=(0, 1))
    return out
