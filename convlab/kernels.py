"""Kernel factories: pure functions returning small ``float64`` arrays.

Introduced in lesson 02, convolution from scratch (identity, box, sharpen,
outline); Gaussian and binomial kernels in lesson 08, Gaussian and separable
filters; Sobel, Scharr, Prewitt and Laplacian in lesson 09, edge detection.

Kernels live apart from the functions that apply them (kornia style).  Each
call returns a new array, so changing it changes nothing else.

**Sign convention** of the gradient pairs ``(kx, ky)``: rows grow downwards,
columns to the right (image coordinates).  Under *correlation*
(:func:`convlab.correlate2d`, ``cv2.filter2D``, ``tf.nn.conv2d``) ``kx``
responds positively where intensity increases from left to right and ``ky``
where it increases from top to bottom, as ``cv2.Sobel`` and
``scipy.ndimage.sobel``.  Under *convolution* the signs flip.
"""

from __future__ import annotations

from math import comb

import numpy as np

from ._validation import check_int, check_odd_size, check_real
from .i18n import gettext as _

__all__ = [
    "identity_kernel",
    "box_kernel",
    "binomial_kernel",
    "gaussian_kernel",
    "gaussian_kernel1d",
    "gaussian_radius",
    "sharpen_kernel",
    "outline_kernel",
    "laplacian_kernel",
    "sobel_kernels",
    "scharr_kernels",
    "prewitt_kernels",
]


def identity_kernel(size: int = 3) -> np.ndarray:
    """A kernel that leaves the image unchanged: 1 at the centre, 0 elsewhere.

    Parameters
    ----------
    size : int, optional
        Height and width; a positive odd integer (the centre must be a pixel).

    Returns
    -------
    (size, size) ndarray of float64

    Raises
    ------
    TypeError
        If `size` is not an integer.
    ValueError
        If `size` is not positive and odd.

    See Also
    --------
    sharpen_kernel : Identity plus a Laplacian edge boost.

    Examples
    --------
    >>> identity_kernel()
    array([[0., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    """
    size = check_odd_size(size)
    kernel = np.zeros((size, size))
    kernel[size // 2, size // 2] = 1.0
    return kernel


def box_kernel(size: int) -> np.ndarray:
    """The mean filter: a ``size x size`` square of ``1 / size**2``.

    Parameters
    ----------
    size : int
        Height and width, >= 1.  Even sizes are allowed (a 2 x 2 box is the
        average pooling window); ``'same'`` padding then follows TensorFlow.

    Returns
    -------
    (size, size) ndarray of float64
        Sums to 1.

    Raises
    ------
    TypeError
        If `size` is not an integer.
    ValueError
        If `size` < 1.

    See Also
    --------
    binomial_kernel, gaussian_kernel : Smoother blurs, without box artefacts.

    Examples
    --------
    >>> box_kernel(2)
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    size = check_int(size, name="size", minimum=1)
    return np.full((size, size), 1.0 / size**2)


def _pascal_row(size: int) -> np.ndarray:
    return np.array([comb(size - 1, i) for i in range(size)], dtype=np.float64)


def binomial_kernel(size: int) -> np.ndarray:
    """Binomial blur: the outer product of a normalized row of Pascal's triangle.

    Parameters
    ----------
    size : int
        Height and width, >= 1 (``5`` uses ``[1, 4, 6, 4, 1] / 16``).

    Returns
    -------
    (size, size) ndarray of float64
        Sums to 1; separable by construction.

    Raises
    ------
    TypeError
        If `size` is not an integer.
    ValueError
        If `size` < 1.

    See Also
    --------
    gaussian_kernel : The limit of binomial kernels as `size` grows.

    Notes
    -----
    Row ``n`` of Pascal's triangle divided by ``2**n`` is the distribution of
    a sum of ``n`` coin flips; by the central limit theorem it approaches a
    Gaussian with variance ``n / 4``.  Its values are exact binary fractions.

    Examples
    --------
    >>> binomial_kernel(3) * 16
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    size = check_int(size, name="size", minimum=1)
    row = _pascal_row(size) / 2.0 ** (size - 1)
    return np.outer(row, row)


def gaussian_kernel1d(size: int, sigma: float) -> np.ndarray:
    """A sampled 1-D Gaussian ``exp(-x**2 / (2 * sigma**2))``, normalized to sum 1.

    Parameters
    ----------
    size : int
        Number of taps; a positive odd integer, ``x`` runs over
        ``-(size // 2) .. size // 2``.  ``2 * ceil(3 * sigma) + 1`` keeps
        99.7 % of the weight.
    sigma : float
        Standard deviation in pixels, > 0.

    Returns
    -------
    (size,) ndarray of float64

    Raises
    ------
    TypeError
        If `size` is not an integer or `sigma` not a real number.
    ValueError
        If `size` is not positive and odd, or `sigma` <= 0.

    See Also
    --------
    gaussian_kernel : The 2-D kernel, ``np.outer`` of this one with itself.
    cv2.getGaussianKernel : OpenCV's equal function.

    Examples
    --------
    >>> gaussian_kernel1d(3, 1.0).round(4)
    array([0.2741, 0.4519, 0.2741])
    """
    size = check_odd_size(size)
    sigma = check_real(sigma, name="sigma", positive=True)
    x = np.arange(size) - size // 2
    g = np.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def gaussian_kernel(size: int, sigma: float) -> np.ndarray:
    """A sampled 2-D Gaussian ``exp(-(x**2 + y**2) / (2 * sigma**2))``, normalized to sum 1.

    Parameters
    ----------
    size : int
        Height and width; a positive odd integer.
    sigma : float
        Standard deviation in pixels, > 0.

    Returns
    -------
    (size, size) ndarray of float64
        Sums to 1; equals ``np.outer(g, g)`` with ``g = gaussian_kernel1d(size,
        sigma)`` (a Gaussian is separable).

    Raises
    ------
    TypeError
        If `size` is not an integer or `sigma` not a real number.
    ValueError
        If `size` is not positive and odd, or `sigma` <= 0.

    See Also
    --------
    gaussian_kernel1d : One row of it.
    binomial_kernel : An integer-friendly approximation.

    Notes
    -----
    The exponent is ``-(x**2 + y**2) / (2 * sigma**2)``: *two times the
    variance*.  An early version of the course wrote ``(2 * sigma)**2``, that
    is ``4 * sigma**2``.  That is still a bell-shaped kernel that sums to 1
    after normalization, so it looks right, but it is the Gaussian of
    standard deviation ``sqrt(2) * sigma``: it blurs about 41 % more than asked
    and disagrees with ``scipy.ndimage.gaussian_filter`` and
    ``cv2.GaussianBlur`` for the same `sigma`.  The tests compare with both.

    Examples
    --------
    >>> gaussian_kernel(3, 1.0).round(4)
    array([[0.0751, 0.1238, 0.0751],
           [0.1238, 0.2042, 0.1238],
           [0.0751, 0.1238, 0.0751]])
    """
    g = gaussian_kernel1d(size, sigma)
    return np.outer(g, g)


def gaussian_radius(sigma: float, *, truncate: float = 4.0) -> int:
    """How many taps a Gaussian kernel keeps on each side: ``int(truncate * sigma + 0.5)``.

    Introduced in lesson 08, Gaussian and separable filters.

    Parameters
    ----------
    sigma : float
        Standard deviation in pixels, > 0.
    truncate : float, optional
        Where to cut the Gaussian, in standard deviations (> 0).  ``4.0`` is
        the default of ``scipy.ndimage.gaussian_filter`` and
        ``skimage.filters.gaussian``; ``cv2.GaussianBlur`` with ``ksize=(0,
        0)`` uses about 3 for ``uint8`` images and 4 for float images.

    Returns
    -------
    int
        The radius ``r``; the kernel has ``2 * r + 1`` taps.

    Raises
    ------
    TypeError
        If `sigma` or `truncate` is not a real number.
    ValueError
        If `sigma` or `truncate` is not > 0.

    See Also
    --------
    gaussian_kernel1d : Takes the size ``2 * gaussian_radius(sigma) + 1``.

    Notes
    -----
    Cutting at ``t`` standard deviations leaves out ``erfc(t / sqrt(2))`` of
    the weight: 0.27 % at ``t = 3``, 0.006 % at ``t = 4``.

    Examples
    --------
    >>> gaussian_radius(1.0), gaussian_radius(2.0), gaussian_radius(1.5, truncate=3.0)
    (4, 8, 5)
    """
    sigma = check_real(sigma, name="sigma", positive=True)
    truncate = check_real(truncate, name="truncate", positive=True)
    return int(truncate * sigma + 0.5)


def sharpen_kernel() -> np.ndarray:
    """The classic 3 x 3 sharpen kernel: identity minus the 4-neighbour Laplacian.

    Returns
    -------
    (3, 3) ndarray of float64
        ``[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]``; sums to 1, so flat regions
        keep their value.

    See Also
    --------
    laplacian_kernel, identity_kernel

    Examples
    --------
    >>> sharpen_kernel()
    array([[ 0., -1.,  0.],
           [-1.,  5., -1.],
           [ 0., -1.,  0.]])
    """
    return identity_kernel(3) - laplacian_kernel()


def outline_kernel() -> np.ndarray:
    """The 8-neighbour outline kernel ``[[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]``.

    Returns
    -------
    (3, 3) ndarray of float64
        Sums to 0: flat regions become 0, edges light up.

    See Also
    --------
    laplacian_kernel : ``outline_kernel() == -laplacian_kernel(diagonals=True)``.

    Examples
    --------
    >>> outline_kernel()
    array([[-1., -1., -1.],
           [-1.,  8., -1.],
           [-1., -1., -1.]])
    """
    return -laplacian_kernel(diagonals=True)


def laplacian_kernel(diagonals: bool = False) -> np.ndarray:
    """The discrete Laplacian ``d²/dx² + d²/dy²`` (negative centre, as ``cv2.Laplacian``).

    Parameters
    ----------
    diagonals : bool, optional
        ``False``: the 4-neighbour kernel ``[[0, 1, 0], [1, -4, 1], [0, 1, 0]]``.
        ``True``: the 8-neighbour kernel ``[[1, 1, 1], [1, -8, 1], [1, 1, 1]]``.

    Returns
    -------
    (3, 3) ndarray of float64
        Symmetric (correlation and convolution agree) and sums to 0.

    Raises
    ------
    TypeError
        If `diagonals` is not a bool.

    See Also
    --------
    outline_kernel : The negated 8-neighbour Laplacian.
    scipy.ndimage.laplace : The 4-neighbour version as a filter.

    Examples
    --------
    >>> laplacian_kernel()
    array([[ 0.,  1.,  0.],
           [ 1., -4.,  1.],
           [ 0.,  1.,  0.]])
    """
    if not isinstance(diagonals, bool | np.bool_):
        raise TypeError(
            _("`diagonals` must be a bool; got {got}.").format(got=type(diagonals).__name__)
        )
    if diagonals:
        kernel = np.ones((3, 3))
        kernel[1, 1] = -8.0
        return kernel
    return np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def _gradient_pair(smooth: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """``kx = outer(smooth, [-1, 0, 1])`` and ``ky = kx.T``."""
    kx = np.outer(np.asarray(smooth, dtype=np.float64), [-1.0, 0.0, 1.0])
    return kx, kx.T.copy()


def sobel_kernels() -> tuple[np.ndarray, np.ndarray]:
    """Sobel gradient kernels ``(kx, ky)``: smoothing ``[1, 2, 1]`` times difference ``[-1, 0, 1]``.

    Returns
    -------
    kx, ky : (3, 3) ndarray of float64
        ``kx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`` responds positively to
        intensity increasing left to right under correlation; ``ky = kx.T``
        to intensity increasing top to bottom.  Not normalized (as
        ``cv2.Sobel``); divide by 8 for a derivative per pixel.

    See Also
    --------
    scharr_kernels, prewitt_kernels : Other smoothing weights.
    convlab.sobel_gradients : Applies them to an image.

    Examples
    --------
    >>> kx, ky = sobel_kernels()
    >>> kx
    array([[-1.,  0.,  1.],
           [-2.,  0.,  2.],
           [-1.,  0.,  1.]])
    >>> ky
    array([[-1., -2., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  2.,  1.]])
    """
    return _gradient_pair([1.0, 2.0, 1.0])


def scharr_kernels() -> tuple[np.ndarray, np.ndarray]:
    """Scharr gradient kernels ``(kx, ky)``: smoothing ``[3, 10, 3]`` times ``[-1, 0, 1]``.

    Returns
    -------
    kx, ky : (3, 3) ndarray of float64
        Same sign convention as :func:`sobel_kernels`; not normalized (as
        ``cv2.Scharr``).  Scharr's weights make the response more nearly the
        same in every direction (better rotational symmetry) than Sobel's.

    See Also
    --------
    sobel_kernels, prewitt_kernels

    Examples
    --------
    >>> kx, ky = scharr_kernels()
    >>> kx
    array([[ -3.,   0.,   3.],
           [-10.,   0.,  10.],
           [ -3.,   0.,   3.]])
    """
    return _gradient_pair([3.0, 10.0, 3.0])


def prewitt_kernels() -> tuple[np.ndarray, np.ndarray]:
    """Prewitt gradient kernels ``(kx, ky)``: box smoothing ``[1, 1, 1]`` times ``[-1, 0, 1]``.

    Returns
    -------
    kx, ky : (3, 3) ndarray of float64
        Same sign convention as :func:`sobel_kernels`; not normalized.

    See Also
    --------
    sobel_kernels, scharr_kernels

    Examples
    --------
    >>> kx, ky = prewitt_kernels()
    >>> ky
    array([[-1., -1., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  1.,  1.]])
    """
    return _gradient_pair([1.0, 1.0, 1.0])
