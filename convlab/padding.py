"""Padding the two spatial axes of an image, with numpy.pad's border modes.

Introduced in lesson 03, padding.

The border modes are named as ``numpy.pad`` names them (:data:`BORDER_MODES`);
:func:`border_mode_table` maps each one to scipy.ndimage, OpenCV, TensorFlow
and PyTorch, whose names differ (scipy's ``'reflect'`` is our ``'symmetric'``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from ._validation import BORDER_MODES, _describe, as_array, check_cval, check_mode
from .i18n import gettext as _

__all__ = ["BORDER_MODES", "border_mode_table", "pad"]

# One row per border mode: the equivalent name in each library (None: no equivalent).
_TABLE = (
    # numpy.pad, scipy.ndimage, OpenCV name, OpenCV value, tf.pad, torch F.pad, how "abcd" extends
    ("constant", "constant", "BORDER_CONSTANT", 0, "CONSTANT", "constant", "0 0 | a b c d | 0 0"),
    ("edge", "nearest", "BORDER_REPLICATE", 1, None, "replicate", "a a | a b c d | d d"),
    ("reflect", "mirror", "BORDER_REFLECT_101", 4, "REFLECT", "reflect", "c b | a b c d | c b"),
    ("symmetric", "reflect", "BORDER_REFLECT", 2, "SYMMETRIC", None, "b a | a b c d | d c"),
    ("wrap", "wrap", "BORDER_WRAP", 3, None, "circular", "c d | a b c d | a b"),
)


def border_mode_table() -> list[dict[str, object]]:
    """The border modes of this course and their names in other libraries.

    Returns
    -------
    list of dict
        One dict per mode of :data:`BORDER_MODES`, in that order, with keys
        ``'numpy'`` (our name, as ``numpy.pad``), ``'scipy.ndimage'``,
        ``'opencv'`` (the ``cv2.BORDER_*`` name), ``'opencv_value'`` (its int
        value), ``'tensorflow'`` (``tf.pad`` mode), ``'pytorch'``
        (``torch.nn.functional.pad`` mode) and ``'example'`` (how the row
        ``a b c d`` is extended by two on each side).  ``None`` marks a mode
        the library does not have.  A fresh list each call: change it freely,
        or show it with ``pandas.DataFrame(border_mode_table())``.

    See Also
    --------
    pad : Pads an image with one of these modes.

    Notes
    -----
    The same word means different borders in different libraries: numpy's
    ``'reflect'`` (``d c b | a b c d``, edge not repeated) is scipy's
    ``'mirror'`` and OpenCV's default ``BORDER_REFLECT_101``, while scipy's
    ``'reflect'`` and OpenCV's ``BORDER_REFLECT`` repeat the edge, which numpy
    calls ``'symmetric'``.  TensorFlow's ``tf.pad`` has no ``edge`` or ``wrap``;
    PyTorch's ``F.pad`` has no ``symmetric``.

    Examples
    --------
    >>> table = border_mode_table()
    >>> [row["numpy"] for row in table]
    ['constant', 'edge', 'reflect', 'symmetric', 'wrap']
    >>> table[2]["scipy.ndimage"], table[2]["opencv"], table[2]["tensorflow"]
    ('mirror', 'BORDER_REFLECT_101', 'REFLECT')
    """
    keys = (
        "numpy",
        "scipy.ndimage",
        "opencv",
        "opencv_value",
        "tensorflow",
        "pytorch",
        "example",
    )
    return [dict(zip(keys, row, strict=True)) for row in _TABLE]


def _check_pad_width(pad_width: object) -> tuple[tuple[int, int], tuple[int, int]]:
    """Normalize `pad_width` to ``((top, bottom), (left, right))``."""
    expected = _("an integer >= 0, (before, after) or ((top, bottom), (left, right))")

    def is_int(v: object) -> bool:
        return isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_)

    def fail() -> TypeError:
        return TypeError(
            _("`pad_width` must be {expected}; got {got}.").format(
                expected=expected, got=_describe(pad_width)
            )
        )

    def pair(v: object) -> tuple[int, int]:
        if isinstance(v, Sequence | np.ndarray) and not isinstance(v, str) and len(v) == 2:
            if is_int(v[0]) and is_int(v[1]):
                return int(v[0]), int(v[1])
        raise fail()

    if is_int(pad_width):
        widths = ((int(pad_width),) * 2,) * 2
    elif isinstance(pad_width, Sequence | np.ndarray) and not isinstance(pad_width, str):
        if len(pad_width) == 2 and is_int(pad_width[0]) and is_int(pad_width[1]):
            widths = (pair(pad_width),) * 2
        elif len(pad_width) == 2:
            widths = (pair(pad_width[0]), pair(pad_width[1]))
        else:
            raise fail()
    else:
        raise fail()
    if min(min(w) for w in widths) < 0:
        raise ValueError(_("`pad_width` must not be negative; got {got}.").format(got=widths))
    return widths  # type: ignore[return-value]


def _source_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """Index into an axis of length `n` for each position of the padded axis.

    Positions outside ``[0, n)`` are folded back in as `mode` says; for
    ``'constant'`` they are -1 (filled later).
    """
    i = np.arange(-before, n + after)
    if mode == "constant":
        return np.where((i >= 0) & (i < n), i, -1)
    if mode == "edge":
        return np.clip(i, 0, n - 1)
    if mode == "wrap":
        return i % n
    if mode == "symmetric":  # period 2n: a b c d | d c b a | a b c d ...
        m = i % (2 * n)
        return np.where(m < n, m, 2 * n - 1 - m)
    # reflect, period 2n - 2: a b c d | c b | a b c d ...
    if n == 1:
        return np.zeros_like(i)
    m = i % (2 * n - 2)
    return np.where(m < n, m, 2 * n - 2 - m)


def _pad(image: np.ndarray, widths, mode: str, cval: float) -> np.ndarray:
    """Pad a checked image (no validation): the shared machinery."""
    (top, bottom), (left, right) = widths
    rows = _source_index(image.shape[0], top, bottom, mode)
    cols = _source_index(image.shape[1], left, right, mode)
    out = image[np.ix_(np.maximum(rows, 0), np.maximum(cols, 0))]
    if mode == "constant":
        out[rows < 0] = cval
        out[:, cols < 0] = cval
    return out


def _check_cval_fits(cval: float, dtype: np.dtype) -> None:
    if dtype.kind == "f":
        return
    if dtype.kind == "b":
        ok = cval in (0.0, 1.0)
    else:
        info = np.iinfo(dtype)
        ok = float(cval).is_integer() and info.min <= cval <= info.max
    if not ok:
        raise ValueError(
            _(
                "`cval` {cval} does not fit the image dtype {dtype}; convert the image to "
                "float first (e.g. image.astype(float))."
            ).format(cval=cval, dtype=dtype)
        )


def pad(image, pad_width, mode: str = "constant", *, cval: float = 0.0) -> np.ndarray:
    """Pad the two spatial axes of an image (the channel axis is never padded).

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Image of bool, integer or float dtype.
    pad_width : int or (int, int) or ((int, int), (int, int))
        Rows/columns to add: the same number on every side, ``(before,
        after)`` for both axes (numpy.pad's reading), or
        ``((top, bottom), (left, right))``.
    mode : {'constant', 'edge', 'reflect', 'symmetric', 'wrap'}, optional
        How values outside the image are made up, as ``numpy.pad`` names it
        (see :func:`border_mode_table` for other libraries' names).
    cval : float, optional
        The value of ``'constant'`` borders; ignored by the other modes.

    Returns
    -------
    ndarray
        Shape ``(H + top + bottom, W + left + right[, C])``, **same dtype as
        the image**: padding only copies values, so nothing is rounded.

    Raises
    ------
    TypeError
        If the image dtype is not numeric, or `pad_width`, `mode` or `cval`
        has the wrong type.
    ValueError
        If the image is not 2-D/3-D or is empty, a width is negative, `mode`
        is unknown (the message names the equivalent of another library's
        name), or `cval` does not fit an integer image's dtype.

    See Also
    --------
    border_mode_table : Each mode's name in scipy, OpenCV, TensorFlow, PyTorch.
    numpy.pad : The general-purpose function these modes are named after.

    Notes
    -----
    Equal to ``numpy.pad(image, ((top, bottom), (left, right)[, (0, 0)]),
    mode, constant_values=cval)`` for every width, including widths larger
    than the image (the reflection repeats periodically).  Written with
    index arithmetic so that each mode reads as a formula: for an axis of
    length ``n`` and a position ``i`` outside it, ``edge`` takes
    ``clip(i, 0, n - 1)``, ``wrap`` takes ``i mod n``, ``symmetric`` folds
    with period ``2n`` and ``reflect`` with period ``2n - 2``.

    Unlike the filters of this library, `pad` keeps the image's dtype
    (numpy.pad, ``cv2.copyMakeBorder`` and ``tf.pad`` do too); a `cval` that
    an integer dtype cannot hold exactly raises instead of being truncated.

    Examples
    --------
    >>> row = np.array([[1, 2, 3]])
    >>> pad(row, ((0, 0), (2, 2)), "constant")
    array([[0, 0, 1, 2, 3, 0, 0]])
    >>> pad(row, ((0, 0), (2, 2)), "edge")
    array([[1, 1, 1, 2, 3, 3, 3]])
    >>> pad(row, ((0, 0), (2, 2)), "reflect")
    array([[3, 2, 1, 2, 3, 2, 1]])
    >>> pad(row, ((0, 0), (2, 2)), "symmetric")
    array([[2, 1, 1, 2, 3, 3, 2]])
    >>> pad(row, ((0, 0), (2, 2)), "wrap")
    array([[2, 3, 1, 2, 3, 1, 2]])
    >>> pad(np.ones((1, 1)), 1, cval=0.5)
    array([[0.5, 0.5, 0.5],
           [0.5, 1. , 0.5],
           [0.5, 0.5, 0.5]])
    """
    image = as_array(image)
    widths = _check_pad_width(pad_width)
    mode = check_mode(mode)
    cval = check_cval(cval)
    if mode == "constant":
        _check_cval_fits(cval, image.dtype)
    return _pad(image, widths, mode, cval)
