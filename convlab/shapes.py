"""Output sizes of convolution and pooling, and TensorFlow's ``'same'`` padding.

Introduced in lesson 04, strides and output shapes.

Every function here works on one axis (one spatial size ``n``); apply it to the
height and to the width.  The results equal TensorFlow's for ``'valid'`` and
``'same'``: ``'same'`` pads ``before = total // 2`` and ``after = total - before``,
so an even kernel or a stride that does not divide the size pads one more
row/column at the *bottom/right*.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from ._validation import OUTPUT_SIZES, _describe, check_int, quote_list
from .i18n import gettext as _

__all__ = ["conv_output_size", "same_padding", "pool_output_size"]


def _effective_size(k: int, dilation: int) -> int:
    """Size covered by a kernel of `k` taps spaced `dilation` apart."""
    return (k - 1) * dilation + 1


def _padding_error(padding: object, expected: str) -> TypeError | ValueError:
    got = _describe(padding)
    if isinstance(padding, str):
        hint = ""
        if padding.lower() in OUTPUT_SIZES:
            hint = _(" (output sizes are lower-case: use {ours!r})").format(ours=padding.lower())
        elif padding in {"constant", "edge", "reflect", "symmetric", "wrap"}:
            hint = _(" ({got!r} is a border mode: pass it as `mode={got!r}`)").format(got=padding)
        return ValueError(
            _("`padding` must be {expected}; got {got!r}{hint}.").format(
                expected=expected, got=padding, hint=hint
            )
        )
    return TypeError(
        _("`padding` must be {expected}; got {got}.").format(expected=expected, got=got)
    )


def _check_before_after(value: object, expected: str, padding: object) -> tuple[int, int]:
    if isinstance(value, Sequence | np.ndarray) and not isinstance(value, str) and len(value) == 2:
        if all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_) for v in value
        ):
            before, after = (int(v) for v in value)
            if before < 0 or after < 0:
                raise ValueError(
                    _("`padding` must not be negative; got {got}.").format(got=padding)
                )
            return before, after
    raise _padding_error(padding, expected)


def _pad_1d(n: int, k: int, padding: object, stride: int, dilation: int) -> tuple[int, int]:
    """Resolve an already-checked 1-D `padding` to ``(before, after)``."""
    if isinstance(padding, tuple):
        return padding
    if padding == "valid":
        return 0, 0
    if padding == "full":
        extra = _effective_size(k, dilation) - 1
        return extra, extra
    if padding == "same":
        return _same_padding(n, k, stride, dilation)
    return padding, padding


def _check_padding_1d(padding: object) -> str | int | tuple[int, int]:
    expected = _("one of {sizes}, an integer >= 0 or a pair (before, after)").format(
        sizes=quote_list(OUTPUT_SIZES)
    )
    if isinstance(padding, str):
        if padding in OUTPUT_SIZES:
            return padding
        raise _padding_error(padding, expected)
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool | np.bool_):
        return check_int(padding, name="padding", minimum=0)
    return _check_before_after(padding, expected, padding)


def check_padding_2d(padding: object) -> str | tuple[tuple[int, int], tuple[int, int]]:
    """Check a 2-D `padding`: an output size, an int, or ``((top, bottom), (left, right))``.

    A flat pair such as ``(1, 2)`` is refused: numpy.pad reads it as
    ``(before, after)`` and PyTorch as ``(rows, columns)``.
    """
    expected = _("one of {sizes}, an integer >= 0 or ((top, bottom), (left, right))").format(
        sizes=quote_list(OUTPUT_SIZES)
    )
    if isinstance(padding, str):
        if padding in OUTPUT_SIZES:
            return padding
        raise _padding_error(padding, expected)
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool | np.bool_):
        p = check_int(padding, name="padding", minimum=0)
        return (p, p), (p, p)
    if isinstance(padding, Sequence | np.ndarray) and len(padding) == 2:
        first, second = padding
        if isinstance(first, numbers.Integral) and isinstance(second, numbers.Integral):
            a, b = int(first), int(second)
            raise ValueError(
                _(
                    "`padding` must be {expected}; got {got} (a flat pair is ambiguous: write "
                    "(({a}, {b}), ({a}, {b})) for numpy.pad's (before, after) on both axes, or "
                    "(({a}, {a}), ({b}, {b})) for PyTorch's (rows, columns))."
                ).format(expected=expected, got=(a, b), a=a, b=b)
            )
        return (
            _check_before_after(first, expected, padding),
            _check_before_after(second, expected, padding),
        )
    raise _padding_error(padding, expected)


def resolve_padding_2d(
    shape: tuple[int, int],
    kernel_shape: tuple[int, int],
    padding: object,
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Return ``((top, bottom), (left, right))`` for a checked 2-D `padding`."""
    if not isinstance(padding, str):
        return padding
    return tuple(  # type: ignore[return-value]
        _pad_1d(n, k, padding, s, d)
        for n, k, s, d in zip(shape, kernel_shape, stride, dilation, strict=True)
    )


def _same_padding(n: int, k: int, stride: int, dilation: int) -> tuple[int, int]:
    out = -(-n // stride)  # ceil(n / stride)
    total = max((out - 1) * stride + _effective_size(k, dilation) - n, 0)
    return total // 2, total - total // 2


def same_padding(n: int, k: int, *, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """Padding ``(before, after)`` that TensorFlow's ``padding='SAME'`` adds to one axis.

    The output has ``ceil(n / stride)`` elements; the padding needed for that is
    split with the smaller half *before* (top/left) and the larger half *after*.

    Parameters
    ----------
    n : int
        Input size along the axis (>= 1).
    k : int
        Kernel size along the axis (>= 1); may be even.
    stride : int, optional
        Step between output positions (>= 1).
    dilation : int, optional
        Spacing between kernel taps (>= 1); the kernel covers
        ``(k - 1) * dilation + 1`` input elements.

    Returns
    -------
    before, after : tuple of int
        Rows (or columns) to add before and after the input.

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If an argument is smaller than 1.

    See Also
    --------
    conv_output_size : The output size for every padding.

    Notes
    -----
    With ``out = ceil(n / stride)`` and ``k_eff = (k - 1) * dilation + 1``::

        total  = max((out - 1) * stride + k_eff - n, 0)
        before = total // 2
        after  = total - before

    This is ``tf.nn.conv2d``'s and Keras' rule.  PyTorch's ``padding='same'``
    (stride 1 only) also puts the extra element after; a "centred" even kernel
    in scipy.ndimage puts it before.

    Examples
    --------
    >>> same_padding(5, 3)
    (1, 1)
    >>> same_padding(5, 4)  # even kernel: the extra row goes after
    (1, 2)
    >>> same_padding(6, 3, stride=2)
    (0, 1)
    >>> same_padding(7, 3, dilation=2)
    (2, 2)
    """
    n = check_int(n, name="n", minimum=1)
    k = check_int(k, name="k", minimum=1)
    stride = check_int(stride, name="stride", minimum=1)
    dilation = check_int(dilation, name="dilation", minimum=1)
    return _same_padding(n, k, stride, dilation)


def conv_output_size(
    n: int, k: int, *, padding: object = "valid", stride: int = 1, dilation: int = 1
) -> int:
    """Number of outputs of a convolution along one axis.

    Parameters
    ----------
    n : int
        Input size along the axis (>= 1).
    k : int
        Kernel size along the axis (>= 1).
    padding : {'valid', 'same', 'full'} or int or (int, int), optional
        ``'valid'`` (no padding), ``'same'`` (TensorFlow's rule, see
        :func:`same_padding`), ``'full'`` (every partial overlap: ``k_eff - 1``
        on each side), an int added on both sides, or ``(before, after)``.
    stride : int, optional
        Step between output positions (>= 1).
    dilation : int, optional
        Spacing between kernel taps (>= 1).

    Returns
    -------
    int
        ``(n + before + after - k_eff) // stride + 1`` with
        ``k_eff = (k - 1) * dilation + 1``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an argument is out of range, or the (dilated) kernel is larger than
        the padded input.

    See Also
    --------
    same_padding : The padding ``'same'`` adds.
    pool_output_size : The same count for pooling windows.

    Notes
    -----
    ``'same'`` gives ``ceil(n / stride)``, ``'valid'`` gives
    ``ceil((n - k_eff + 1) / stride)`` and ``'full'`` gives
    ``(n + k_eff - 2) // stride + 1``; all equal TensorFlow's output shapes.

    Examples
    --------
    >>> conv_output_size(5, 3)
    3
    >>> conv_output_size(5, 3, padding="same"), conv_output_size(5, 3, padding="full")
    (5, 7)
    >>> conv_output_size(7, 3, stride=2), conv_output_size(7, 3, dilation=2)
    (3, 3)
    >>> conv_output_size(5, 3, padding=(0, 1))
    4
    """
    n = check_int(n, name="n", minimum=1)
    k = check_int(k, name="k", minimum=1)
    stride = check_int(stride, name="stride", minimum=1)
    dilation = check_int(dilation, name="dilation", minimum=1)
    before, after = _pad_1d(n, k, _check_padding_1d(padding), stride, dilation)
    k_eff = _effective_size(k, dilation)
    padded = n + before + after
    if padded < k_eff:
        raise ValueError(
            _(
                "the kernel (effective size {k_eff}) is larger than the padded input "
                "({padded}); use a smaller kernel or more padding."
            ).format(k_eff=k_eff, padded=padded)
        )
    return (padded - k_eff) // stride + 1


def pool_output_size(
    n: int, size: int, *, stride: int | None = None, padding: str = "valid"
) -> int:
    """Number of pooling windows along one axis (Keras ``MaxPooling2D`` rule).

    Parameters
    ----------
    n : int
        Input size along the axis (>= 1).
    size : int
        Window size (>= 1).
    stride : int, optional
        Step between windows; defaults to `size` (non-overlapping windows).
    padding : {'valid', 'same'}, optional
        ``'valid'`` drops windows that would leave the input; ``'same'`` gives
        ``ceil(n / stride)`` windows, padding as :func:`same_padding`.

    Returns
    -------
    int
        ``(n - size) // stride + 1`` for ``'valid'``, ``ceil(n / stride)`` for
        ``'same'``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an argument is out of range, `padding` is not ``'valid'`` or
        ``'same'``, or a ``'valid'`` window is larger than the input.

    See Also
    --------
    conv_output_size : The same count for convolutions.

    Examples
    --------
    >>> pool_output_size(5, 2)
    2
    >>> pool_output_size(5, 2, padding="same")
    3
    >>> pool_output_size(5, 3, stride=1)
    3
    """
    n = check_int(n, name="n", minimum=1)
    size = check_int(size, name="size", minimum=1)
    stride = size if stride is None else check_int(stride, name="stride", minimum=1)
    if not (isinstance(padding, str) and padding in ("valid", "same")):
        raise _padding_error(
            padding, _("one of {sizes}").format(sizes=quote_list(("valid", "same")))
        )
    if padding == "valid" and size > n:
        raise ValueError(
            _("the pooling window ({size}) is larger than the input ({n}).").format(size=size, n=n)
        )
    return conv_output_size(n, size, padding=padding, stride=stride)
