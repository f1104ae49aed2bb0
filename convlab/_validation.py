"""Shared input validators for the numpy reference implementations.

One vocabulary of checks (kornia and scikit-image style): each validator either
returns the normalized value or raises a ``ValueError`` (bad value) or a
``TypeError`` (bad type) whose message quotes what was received and says what
was expected, e.g.::

    `mode` must be one of 'constant', 'edge', 'reflect', 'symmetric', 'wrap';
    got 'mirror' (scipy's 'mirror' is 'reflect' here).

Messages are wrapped in :func:`convlab.i18n.gettext`, so a student sees them in
the notebook's language once the catalogs translate them.  Library code never
validates with ``assert``.

Decisions recorded here:

* **bool images are accepted** and computed on as 0.0 / 1.0 (a binary mask is
  a legitimate image); complex, object, string and other non-real dtypes raise
  ``TypeError``.
* **result dtype**: ``float32`` when the image is ``float32``, ``float64`` for
  every other dtype (integers, bool, float16, float64).  Integer inputs are
  never truncated back to their dtype (scipy.ndimage does that silently).
* **integers**: sizes, strides and dilations must be Python or numpy integers;
  ``bool`` and floats (even ``2.0``) raise ``TypeError``.

Introduced in lesson 02, convolution from scratch (and used by every lesson
after it).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from .i18n import gettext as _

#: Border modes, named as ``numpy.pad`` names them.
BORDER_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")

#: Output sizes, named as ``numpy.convolve`` and ``scipy.signal`` name them.
OUTPUT_SIZES = ("valid", "same", "full")

# Names other libraries use for our border modes, with the library that uses them.
_MODE_HINTS = {
    "mirror": ("scipy", "reflect"),
    "grid-mirror": ("scipy", "symmetric"),
    "nearest": ("scipy", "edge"),
    "grid-wrap": ("scipy", "wrap"),
    "grid-constant": ("scipy", "constant"),
    "replicate": ("PyTorch", "edge"),
    "circular": ("PyTorch", "wrap"),
    "zeros": ("PyTorch", "constant"),
    "reflect_101": ("OpenCV", "reflect"),
    "reflect101": ("OpenCV", "reflect"),
    "border_reflect_101": ("OpenCV", "reflect"),
    "border_reflect": ("OpenCV", "symmetric"),
    "border_replicate": ("OpenCV", "edge"),
    "border_constant": ("OpenCV", "constant"),
    "border_wrap": ("OpenCV", "wrap"),
    "periodic": ("MATLAB", "wrap"),
}

# OpenCV's cv2.BORDER_* integer values and their numpy.pad names.
_OPENCV_BORDERS = {
    0: ("BORDER_CONSTANT", "constant"),
    1: ("BORDER_REPLICATE", "edge"),
    2: ("BORDER_REFLECT", "symmetric"),
    3: ("BORDER_WRAP", "wrap"),
    4: ("BORDER_REFLECT_101", "reflect"),
}


def quote_list(values: Sequence[object]) -> str:
    """Return ``"'a', 'b', 'c'"`` for a message listing valid values."""
    return ", ".join(repr(v) for v in values)


def _describe(value: object) -> str:
    """Short description of a received value for error messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def mode_hint(mode: object) -> str:
    """Return a hint such as ``"scipy's 'mirror' is 'reflect' here"``, or ``""``."""
    if isinstance(mode, str):
        key = mode.lower()
        if key in _MODE_HINTS:
            library, ours = _MODE_HINTS[key]
            return _("{library}'s {theirs!r} is {ours!r} here").format(
                library=library, theirs=mode, ours=ours
            )
        if key in BORDER_MODES:
            return _("modes are lower-case: use {ours!r}").format(ours=key)
        if key in OUTPUT_SIZES:
            return _("{size!r} is an output size: pass it as `padding={size!r}`").format(size=key)
        if key in {"linear_ramp", "maximum", "mean", "median", "minimum", "empty"}:
            return _("numpy.pad's {theirs!r} is not a border mode of this course").format(
                theirs=mode
            )
    elif isinstance(mode, numbers.Integral) and int(mode) in _OPENCV_BORDERS:
        cv_name, ours = _OPENCV_BORDERS[int(mode)]
        return _("OpenCV's cv2.{cv_name} is {ours!r} here").format(cv_name=cv_name, ours=ours)
    return ""


def check_mode(mode: object, *, name: str = "mode") -> str:
    """Return `mode` if it is one of :data:`BORDER_MODES`, else raise with a hint.

    Raises
    ------
    TypeError
        If `mode` is not a str (an OpenCV ``cv2.BORDER_*`` int gets a hint).
    ValueError
        If `mode` is not one of :data:`BORDER_MODES`.
    """
    if isinstance(mode, str) and mode in BORDER_MODES:
        return mode
    hint = mode_hint(mode)
    suffix = f" ({hint})" if hint else ""
    if not isinstance(mode, str):
        raise TypeError(
            _("`{name}` must be a str, one of {valid}; got {got}{suffix}.").format(
                name=name, valid=quote_list(BORDER_MODES), got=_describe(mode), suffix=suffix
            )
        )
    raise ValueError(
        _("`{name}` must be one of {valid}; got {got!r}{suffix}.").format(
            name=name, valid=quote_list(BORDER_MODES), got=mode, suffix=suffix
        )
    )


def check_int(value: object, *, name: str, minimum: int | None = None) -> int:
    """Return `value` as an ``int``; reject bools, floats and values below `minimum`."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(
            _("`{name}` must be an integer; got {got}.").format(name=name, got=_describe(value))
        )
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(
            _("`{name}` must be an integer >= {minimum}; got {got}.").format(
                name=name, minimum=minimum, got=value
            )
        )
    return value


def check_pair(value: object, *, name: str, minimum: int = 1) -> tuple[int, int]:
    """Return an int or a pair of ints as ``(rows, columns)``, each >= `minimum`."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        v = check_int(value, name=name, minimum=minimum)
        return v, v
    if isinstance(value, Sequence | np.ndarray) and not isinstance(value, str):
        items = list(value)
        if len(items) == 2:
            return (
                check_int(items[0], name=name, minimum=minimum),
                check_int(items[1], name=name, minimum=minimum),
            )
    raise TypeError(
        _("`{name}` must be an integer or a pair of integers (rows, columns); got {got}.").format(
            name=name, got=_describe(value)
        )
    )


def check_odd_size(size: object, *, name: str = "size") -> int:
    """Return `size` if it is a positive odd integer.

    Raises
    ------
    TypeError
        If `size` is not an integer.
    ValueError
        If `size` is not positive and odd: "`size` must be a positive odd
        integer; got 4".
    """
    if isinstance(size, bool | np.bool_) or not isinstance(size, numbers.Integral):
        raise TypeError(
            _("`{name}` must be a positive odd integer; got {got}.").format(
                name=name, got=_describe(size)
            )
        )
    size = int(size)
    if size < 1 or size % 2 == 0:
        raise ValueError(
            _("`{name}` must be a positive odd integer; got {got}.").format(name=name, got=size)
        )
    return size


def check_real(value: object, *, name: str, positive: bool = False) -> float:
    """Return `value` as a finite ``float`` (``> 0`` when `positive`)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(
            _("`{name}` must be a real number; got {got}.").format(name=name, got=_describe(value))
        )
    value = float(value)
    if not np.isfinite(value) or (positive and value <= 0):
        kind = _("a finite number > 0") if positive else _("a finite number")
        raise ValueError(
            _("`{name}` must be {kind}; got {got}.").format(name=name, kind=kind, got=value)
        )
    return value


def check_cval(cval: object) -> float:
    """Return the constant border value as a float (NaN and infinities allowed)."""
    if isinstance(cval, bool | np.bool_) or not isinstance(cval, numbers.Real):
        raise TypeError(_("`cval` must be a real number; got {got}.").format(got=_describe(cval)))
    return float(cval)


def _check_dtype(array: np.ndarray, name: str) -> None:
    if array.dtype.kind not in "biuf":
        raise TypeError(
            _(
                "`{name}` must have a real numeric dtype (bool, integer or float); got dtype {dtype}."
            ).format(name=name, dtype=array.dtype)
        )


def as_array(image: object, *, name: str = "image", ndims: tuple[int, ...] = (2, 3)) -> np.ndarray:
    """Return `image` as a non-empty real numeric array with an allowed ``ndim``.

    The array is not copied or converted (see :func:`result_dtype`).

    Raises
    ------
    TypeError
        If the dtype is not bool, integer or float (object, str, complex, ...).
    ValueError
        If the number of dimensions is not in `ndims`, or the array is empty.
    """
    array = np.asarray(image)
    _check_dtype(array, name)
    if array.ndim not in ndims:
        expected = {
            (1,): _("a 1-D array"),
            (2,): _("a 2-D (H, W) array"),
            (3,): _("a 3-D (H, W, C) array"),
            (2, 3): _("a 2-D (H, W) or 3-D (H, W, C) array"),
        }.get(tuple(ndims), _("an array with ndim in {ndims}").format(ndims=ndims))
        raise ValueError(
            _("`{name}` must be {expected}; got shape {shape}.").format(
                name=name, expected=expected, shape=array.shape
            )
        )
    if array.size == 0:
        raise ValueError(
            _("`{name}` must not be empty; got shape {shape}.").format(name=name, shape=array.shape)
        )
    return array


def as_kernel(kernel: object, *, name: str = "kernel", odd: bool = False) -> np.ndarray:
    """Return `kernel` as a non-empty 2-D real array (odd-sized if `odd`)."""
    array = as_array(kernel, name=name, ndims=(2,))
    if odd and (array.shape[0] % 2 == 0 or array.shape[1] % 2 == 0):
        raise ValueError(
            _("`{name}` must have odd height and width; got shape {shape}.").format(
                name=name, shape=array.shape
            )
        )
    return array


def as_vector(vector: object, *, name: str) -> np.ndarray:
    """Return `vector` as a non-empty 1-D real array."""
    return as_array(vector, name=name, ndims=(1,))


def result_dtype(image: np.ndarray) -> np.dtype:
    """``float32`` for a ``float32`` image, ``float64`` for every other dtype."""
    return np.dtype(np.float32) if image.dtype == np.float32 else np.dtype(np.float64)


def as_float(image: np.ndarray) -> np.ndarray:
    """Return `image` converted to :func:`result_dtype` (no copy if already so)."""
    return image.astype(result_dtype(image), copy=False)


def check_fits(
    padded: tuple[int, int], effective: tuple[int, int], *, name: str = "kernel"
) -> None:
    """Raise if a (dilated) kernel is larger than the padded image."""
    if padded[0] < effective[0] or padded[1] < effective[1]:
        raise ValueError(
            _(
                "`{name}` (effective size {effective} with dilation) is larger than the padded "
                "image {padded}; use a smaller kernel or more padding."
            ).format(name=name, effective=tuple(effective), padded=tuple(padded))
        )
