"""Separable kernels: rank-1 kernels applied as a column pass then a row pass.

Introduced in lesson 08, Gaussian and separable filters.

A kernel is separable when it is the outer product of a column and a row,
``kernel == np.outer(column, row)``, i.e. it has matrix rank 1.  Correlating
with the column and then with the row gives the same result as the 2-D
kernel for ``kh + kw`` instead of ``kh * kw`` multiplications per pixel.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_array,
    as_float,
    as_kernel,
    as_vector,
    check_cval,
    check_fits,
    check_mode,
    check_real,
)
from .convolution import _accumulate, _by_strips, _pad_fast
from .i18n import gettext as _
from .kernels import gaussian_kernel1d, gaussian_radius
from .shapes import check_padding_2d, resolve_padding_2d

__all__ = ["is_separable", "separate", "separable_correlate2d", "gaussian_blur"]


def _singular_values(kernel: np.ndarray) -> np.ndarray:
    return np.linalg.svd(kernel.astype(np.float64), compute_uv=False)


def _default_tol(kernel: np.ndarray) -> float:
    """1e-10 for float64 (and integer) kernels, 1e-5 for lower-precision floats."""
    if kernel.dtype.kind == "f" and kernel.dtype.itemsize < 8:
        return 1e-5
    return 1e-10


def is_separable(kernel, *, tol: float | None = None) -> bool:
    """Whether a 2-D kernel is the outer product of a column and a row (rank 1).

    Parameters
    ----------
    kernel : (kh, kw) array_like
        The kernel.
    tol : float, optional
        Relative tolerance: the kernel is separable when its second singular
        value is at most ``tol`` times its first.  Default: ``1e-10``, or
        ``1e-5`` for a ``float32`` (or ``float16``) kernel, whose rounding
        alone leaves a second singular value near ``1e-8`` times the first.

    Returns
    -------
    bool
        ``True`` for a rank-1 (or all-zero) kernel.

    Raises
    ------
    TypeError
        If the kernel is not numeric or `tol` not a real number.
    ValueError
        If the kernel is not 2-D or is empty, or `tol` is negative or not finite.

    See Also
    --------
    separate : The column and row of a separable kernel.

    Notes
    -----
    The singular value decomposition writes any kernel as a sum of rank-1
    terms ``s[i] * outer(u[:, i], vt[i])`` with ``s`` decreasing; the kernel is
    separable when only the first term matters.  Box, binomial, Gaussian,
    Sobel, Scharr and Prewitt kernels are separable; the Laplacian, sharpen
    and outline kernels are not.

    Examples
    --------
    >>> is_separable(np.array([[1, 2], [2, 4]]))
    True
    >>> is_separable(np.array([[0, 1], [1, 0]]))
    False
    """
    kernel = as_kernel(kernel)
    tol = _default_tol(kernel) if tol is None else check_real(tol, name="tol")
    if tol < 0:
        raise ValueError(_("`tol` must be >= 0; got {got}.").format(got=tol))
    s = _singular_values(kernel)
    if s[0] == 0:
        return True
    return bool(len(s) < 2 or s[1] <= tol * s[0])


def separate(kernel, *, tol: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split a separable kernel into ``(column, row)`` with ``np.outer(column, row) == kernel``.

    Parameters
    ----------
    kernel : (kh, kw) array_like
        A separable kernel (see :func:`is_separable`).
    tol : float, optional
        Relative tolerance of :func:`is_separable`.

    Returns
    -------
    column : (kh,) ndarray of float64
        Applied down the rows (vertical pass).
    row : (kw,) ndarray of float64
        Applied along the columns (horizontal pass).

    Raises
    ------
    TypeError
        If the kernel is not numeric.
    ValueError
        If the kernel is not 2-D, is empty, or is not separable.

    See Also
    --------
    is_separable : The test this function applies first.
    separable_correlate2d : Uses the two vectors.

    Notes
    -----
    The split is unique only up to a factor: ``(c * column, row / c)`` works
    for any ``c != 0``.  This function returns the balanced one (column and
    row of equal norm, from the first singular vectors), with the sign chosen
    so the column's largest-magnitude entry is positive.  A symmetric kernel
    such as a Gaussian or binomial one thus gets ``column == row``.

    Examples
    --------
    >>> column, row = separate(np.outer([1, 2, 1], [1, 2, 1]) / 16)
    >>> column, row
    (array([0.25, 0.5 , 0.25]), array([0.25, 0.5 , 0.25]))
    """
    array = as_kernel(kernel)
    if not is_separable(array, tol=tol):
        s = _singular_values(array)
        raise ValueError(
            _(
                "`kernel` is not separable (rank 1): its singular values are {s}; "
                "use correlate2d with the 2-D kernel instead."
            ).format(s=np.array2string(s, precision=3))
        )
    u, s, vt = np.linalg.svd(array.astype(np.float64))
    scale = np.sqrt(s[0])
    column, row = u[:, 0] * scale, vt[0] * scale
    if column[np.argmax(np.abs(column))] < 0:
        column, row = -column, -row
    return column, row


def separable_correlate2d(
    image,
    column,
    row,
    *,
    padding="valid",
    mode: str = "constant",
    cval: float = 0.0,
) -> np.ndarray:
    """Correlate with ``np.outer(column, row)`` as two 1-D passes.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype.
    column : (kh,) array_like
        Vertical kernel (first pass, down each column of pixels).
    row : (kw,) array_like
        Horizontal kernel (second pass, along each row of pixels).
    padding : {'valid', 'same', 'full'} or int or ((int, int), (int, int)), optional
        Output size, as in :func:`convlab.correlate2d` for the 2-D kernel.
    mode : {'constant', 'edge', 'reflect', 'symmetric', 'wrap'}, optional
        Border handling, as ``numpy.pad`` names it.
    cval : float, optional
        Value of ``'constant'`` borders.

    Returns
    -------
    ndarray
        Equal (to rounding) to ``correlate2d(image, np.outer(column, row),
        padding=padding, mode=mode, cval=cval)``; ``float32`` for a ``float32``
        image, else ``float64``.

    Raises
    ------
    TypeError
        If an input is not numeric or an option has the wrong type.
    ValueError
        If the image is not 2-D/3-D, a kernel is not 1-D, anything is empty,
        an option is unknown, or the kernel is larger than the padded image.

    See Also
    --------
    separate : Finds `column` and `row` for a separable 2-D kernel.
    convlab.correlate2d : The 2-D version.

    Notes
    -----
    The image is padded once for the 2-D kernel, then filtered by the
    ``(kh, 1)`` column and the ``(1, kw)`` row with 'valid' output.  Padding
    once is what makes borders match the 2-D result in every mode: padding
    before each pass would pad the intermediate image instead of the original.

    Examples
    --------
    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> separable_correlate2d(image, [1, 2, 4], [1, 8, 64], padding="same")
    array([[256.,  32.,   4.],
           [128.,  16.,   2.],
           [ 64.,   8.,   1.]])
    """
    image = as_float(as_array(image))
    column = as_vector(column, name="column").astype(image.dtype)
    row = as_vector(row, name="row").astype(image.dtype)
    padding = check_padding_2d(padding)
    mode = check_mode(mode)
    cval = check_cval(cval)
    shape = (column.size, row.size)
    widths = resolve_padding_2d(image.shape[:2], shape, padding, (1, 1), (1, 1))
    padded = _pad_fast(image, widths, mode, cval) if any(map(any, widths)) else image
    check_fits(padded.shape[:2], shape)
    return _two_passes(padded, column, row)


def _two_passes(padded: np.ndarray, column: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Valid correlation with ``np.outer(column, row)``: vertical pass, then horizontal.

    Both passes run on one strip of output rows at a time, so the vertical
    result of a strip is still in the CPU cache when the horizontal pass reads
    it (no full-size intermediate image); strips run on
    ``convlab.convolution.THREADS`` threads.
    """
    kh, kw = column.size, row.size
    out_h, out_w = padded.shape[0] - kh + 1, padded.shape[1] - kw + 1
    out = np.empty((out_h, out_w, *padded.shape[2:]), dtype=padded.dtype)
    ones = (1, 1)

    def work(start: int, stop: int) -> None:  # output rows start:stop
        vertical = np.empty_like(padded[start:stop])
        scratch = np.empty_like(vertical)
        src = padded[start : stop + kh - 1]
        _accumulate(src, column[:, np.newaxis], ones, ones, vertical, scratch)
        _accumulate(vertical, row[np.newaxis, :], ones, ones, out[start:stop], scratch[:, :out_w])

    _by_strips(out_h, padded[:1].nbytes, work)
    return out


def gaussian_blur(
    image, sigma: float, *, truncate: float = 4.0, mode: str = "reflect"
) -> np.ndarray:
    """Gaussian blur as two 1-D passes, 'same' output size.

    Introduced in lesson 08, Gaussian and separable filters.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype; channels are blurred apart.
    sigma : float
        Standard deviation in pixels, > 0.
    truncate : float, optional
        The kernel keeps ``gaussian_radius(sigma, truncate=truncate)`` taps
        on each side (scipy's and scikit-image's default, 4.0).
    mode : {'constant', 'edge', 'reflect', 'symmetric', 'wrap'}, optional
        Border handling, as ``numpy.pad`` names it; the default ``'reflect'``
        is OpenCV's default border (``BORDER_REFLECT_101``).

    Returns
    -------
    ndarray
        Same shape as the image; ``float32`` for a ``float32`` image, else
        ``float64`` (never rounded back to the input's dtype).

    Raises
    ------
    TypeError
        If an input has the wrong type.
    ValueError
        If the image is not 2-D/3-D or is empty, `sigma` or `truncate` is not
        > 0, `mode` is unknown, or the kernel is wider than a 'reflect' border
        can mirror.

    See Also
    --------
    convlab.gaussian_kernel1d, convlab.gaussian_radius : The kernel.
    separable_correlate2d : The two passes.

    Notes
    -----
    Equal, to rounding, to ``scipy.ndimage.gaussian_filter(image, sigma,
    mode=..., truncate=truncate)`` with scipy's name for the border
    (``'mirror'`` for ``'reflect'``), and to ``skimage.filters.gaussian`` with
    ``preserve_range=True``.

    Examples
    --------
    >>> image = np.zeros((5, 5)); image[2, 2] = 1
    >>> gaussian_blur(image, 0.5, truncate=2.0, mode="constant").round(3)
    array([[0.   , 0.   , 0.   , 0.   , 0.   ],
           [0.   , 0.011, 0.084, 0.011, 0.   ],
           [0.   , 0.084, 0.619, 0.084, 0.   ],
           [0.   , 0.011, 0.084, 0.011, 0.   ],
           [0.   , 0.   , 0.   , 0.   , 0.   ]])
    """
    radius = gaussian_radius(sigma, truncate=truncate)
    taps = gaussian_kernel1d(2 * radius + 1, sigma)
    return separable_correlate2d(image, taps, taps, padding="same", mode=mode)
