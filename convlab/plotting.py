"""Figures for the lessons: images, kernels, sliding windows and padded strips.

Every helper draws with matplotlib, returns the :class:`~matplotlib.figure.Figure`
and works with any backend (the inline backend in JupyterLab, Agg in tests and
in headless runs).  In a notebook, end a call with ``;`` when it is the last
line of a cell: Jupyter then shows the figure once instead of twice.

Titles and labels the helpers write themselves ("input", "kernel") are
translated (:func:`convlab.i18n.gettext`); titles passed in are shown as
they are (lesson code translates them with ``tr``).  Japanese text needs a
font with its glyphs: :func:`convlab.i18n.configure_fonts`, run by the
notebooks' setup cell and by importing this module.

Introduced in:

* lesson 01, images as arrays: :func:`show_images`;
* lesson 02, convolution from scratch: :func:`show_kernel`,
  :func:`sliding_window_figure`;
* lesson 03, padding: :func:`show_strip`, :func:`show_padded`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .i18n import configure_fonts
from .i18n import gettext as _

configure_fonts()  # a CJK fallback font when the language needs one

__all__ = [
    "show_images",
    "show_kernel",
    "sliding_window_figure",
    "show_strip",
    "show_padded",
]

#: Largest image side for which pixel values are written on the picture.
ANNOTATE_MAX_SIDE = 12


# ----------------------------------------------------------------------------
# small shared pieces


def _as_image_list(images) -> list[np.ndarray]:
    """Accept one image or a sequence of images; return a list of arrays."""
    if isinstance(images, np.ndarray):
        return [images]
    if isinstance(images, Sequence) and not isinstance(images, str):
        arrays = [np.asarray(im) for im in images]
        if not arrays:
            raise ValueError("`images` must hold at least one image; got an empty sequence")
        return arrays
    raise TypeError(
        f"`images` must be an array or a sequence of arrays; got {type(images).__name__}"
    )


def _check_image(image: np.ndarray, name: str = "image") -> None:
    if image.ndim == 2 or (image.ndim == 3 and image.shape[2] in (3, 4)):
        return
    raise ValueError(
        f"`{name}` must have shape (H, W) or (H, W, 3) or (H, W, 4); got shape {image.shape}"
    )


def _gray_range(image: np.ndarray, vmin, vmax) -> tuple[float | None, float | None]:
    """Display range of a grayscale image (see :func:`show_images`)."""
    if vmin is not None or vmax is not None:
        return vmin, vmax
    if image.dtype == np.bool_:
        return 0, 1
    if np.issubdtype(image.dtype, np.integer):
        info = np.iinfo(image.dtype)
        return info.min, info.max
    finite = image[np.isfinite(image)]
    if finite.size and finite.min() >= 0 and finite.max() <= 1:
        return 0.0, 1.0
    return None, None


def _format_number(value: float, fmt: str | None, integers: bool, digits: int = 3) -> str:
    if fmt is not None:
        text = format(value, fmt)
    elif integers:
        text = f"{int(round(value))}"
    elif abs(value) >= 10 ** (digits + 1):
        text = f"{value:.0f}"
    else:
        text = f"{value:.{digits}g}"
    # a small negative value rounded to zero reads "-0.00": show it as zero
    if text.startswith("-") and set(text[1:]) <= set("0."):
        text = text[1:]
    return text


def _is_integral(array: np.ndarray) -> bool:
    finite = array[np.isfinite(array)] if np.issubdtype(array.dtype, np.floating) else array
    return bool(np.allclose(finite, np.round(finite), rtol=0, atol=1e-9))


def _text_color(rgba) -> str:
    """Black on light cells, white on dark ones."""
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def _annotate(
    ax, values: np.ndarray, image_artist, *, fmt=None, cells=None, fontsize=None, digits=3
):
    """Write ``values[i, j]`` on each cell (or on the listed ``cells`` only)."""
    values = np.asarray(values, dtype=float)
    integers = _is_integral(values)
    if cells is None:
        cells = np.ndindex(values.shape)
    for i, j in cells:
        value = values[i, j]
        if not np.isfinite(value):
            continue
        color = _text_color(image_artist.cmap(image_artist.norm(value)))
        ax.text(
            j,
            i,
            _format_number(value, fmt, integers, digits),
            ha="center",
            va="center",
            color=color,
            fontsize=fontsize,
        )


def _grid(ax, shape) -> None:
    """Thin lines between pixels, so that each one reads as a cell."""
    h, w = shape
    ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
    ax.grid(which="minor", color="0.6", linewidth=0.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.set_xticks([])
    ax.set_yticks([])


def _correlate_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid correlation by shift-and-add (lesson 02); kept here so figures need nothing else."""
    kh, kw = kernel.shape
    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((oh, ow))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u : u + oh, v : v + ow]
    return out


# ----------------------------------------------------------------------------
# lesson 01


def show_images(
    images,
    titles: Sequence[str] | None = None,
    *,
    ncols: int | None = None,
    cmap: str = "gray",
    vmin: float | None = None,
    vmax: float | None = None,
    size: float = 3.0,
    annotate: bool | None = None,
) -> Figure:
    """Show images side by side, in a grid, one title each.

    Introduced in lesson 01, images as arrays.

    Parameters
    ----------
    images : ndarray or sequence of ndarray
        One image or several.  Each is ``(H, W)`` (grayscale, drawn with
        `cmap`) or ``(H, W, 3)`` / ``(H, W, 4)`` (RGB / RGBA, drawn as is).
    titles : sequence of str, optional
        One title per image.
    ncols : int, optional
        Number of columns; default: all images in one row, at most 4 per row.
    cmap : str, default "gray"
        Colormap for grayscale images.
    vmin, vmax : float, optional
        Display range of grayscale images.  By default: the full range of the
        dtype for integer images (0 to 255 for ``uint8``), 0 to 1 for float
        images whose values lie in [0, 1], otherwise the data's own minimum
        and maximum.  A fixed range keeps a darker image looking darker.
    size : float, default 3.0
        Size of each panel in inches.
    annotate : bool, optional
        Write each pixel's value on grayscale images, with a grid between
        pixels; default: for grayscale images of at most 12 rows and columns.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per image, in order.

    Raises
    ------
    ValueError
        If an image is not ``(H, W)``, ``(H, W, 3)`` or ``(H, W, 4)``, or if
        the number of titles differs from the number of images.

    Examples
    --------
    >>> import numpy as np
    >>> fig = show_images([np.zeros((4, 4)), np.ones((4, 4, 3))], ["black", "white"])
    >>> [ax.get_title() for ax in fig.axes]
    ['black', 'white']
    """
    arrays = _as_image_list(images)
    for k, image in enumerate(arrays):
        _check_image(image, f"images[{k}]")
    if titles is not None:
        titles = [titles] if isinstance(titles, str) else list(titles)
        if len(titles) != len(arrays):
            raise ValueError(
                f"`titles` must have one title per image ({len(arrays)}); got {len(titles)}"
            )
    n = len(arrays)
    ncols = min(n, 4) if ncols is None else max(1, min(int(ncols), n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(size * ncols, size * nrows + (0.3 if titles else 0)),
        squeeze=False,
        layout="constrained",
    )
    for k, ax in enumerate(axes.flat):
        if k >= n:
            fig.delaxes(ax)
            continue
        image = arrays[k]
        if image.ndim == 2:
            lo, hi = _gray_range(image, vmin, vmax)
            artist = ax.imshow(image, cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
            small = max(image.shape) <= ANNOTATE_MAX_SIDE
            if small if annotate is None else annotate:
                _annotate(ax, image, artist, fontsize=8 if max(image.shape) > 8 else None)
                _grid(ax, image.shape)
            else:
                ax.set_axis_off()
        else:
            ax.imshow(image, interpolation="nearest")
            ax.set_axis_off()
        if titles is not None:
            ax.set_title(titles[k])
    return fig


# ----------------------------------------------------------------------------
# lesson 02


def show_kernel(
    kernel,
    *,
    title: str | None = None,
    fmt: str | None = None,
    annotate: bool | None = None,
    ax=None,
) -> Figure:
    """Draw a kernel as a grid of coloured cells with its numbers written in.

    Positive weights are red, negative weights blue, zero white, so that a
    kernel's sign pattern is visible at a glance.

    Introduced in lesson 02, convolution from scratch.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw)
        The kernel.
    title : str, optional
        Axes title; default "kernel" in the student's language.
    fmt : str, optional
        Format spec of the numbers (e.g. ``".3f"``); by default integers are
        written as integers and other numbers with two significant digits.
    annotate : bool, optional
        Write the numbers; default: when the kernel has at most 11 rows and
        11 columns.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the kernel's axes.

    Examples
    --------
    >>> import numpy as np
    >>> fig = show_kernel(np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]))
    >>> sorted(t.get_text() for t in fig.axes[0].texts)[-2:]
    ['0', '5']
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2:
        raise ValueError(f"`kernel` must be 2-D, shape (kh, kw); got shape {kernel.shape}")
    if ax is None:
        kh, kw = kernel.shape
        side = min(0.55 * max(kh, kw) + 0.6, 5.0)
        fig, ax = plt.subplots(figsize=(side * kw / max(kh, kw) + 0.3, side), layout="constrained")
    limit = float(np.max(np.abs(kernel))) or 1.0
    artist = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
    _grid(ax, kernel.shape)
    if annotate is None:
        annotate = max(kernel.shape) <= 11
    if annotate:
        _annotate(ax, kernel, artist, fmt=fmt, digits=2)
    ax.set_title(_("kernel") if title is None else title)
    return ax.figure


def sliding_window_figure(
    image,
    kernel,
    position: tuple[int, int] = (0, 0),
    *,
    flip: bool = False,
    annotate: bool | None = None,
) -> Figure:
    """Illustrate how one output pixel of a valid correlation is computed.

    Three panels: the input with the window at `position` outlined, the
    kernel, and the output filled in up to `position` (in reading order),
    with the current pixel outlined and its value in the title.

    Introduced in lesson 02, convolution from scratch.

    Parameters
    ----------
    image : array_like, shape (H, W)
        A small grayscale image (a dozen pixels a side reads best).
    kernel : array_like, shape (kh, kw)
        The kernel, at most as large as the image.
    position : (int, int), default (0, 0)
        Row and column of the output pixel, ``0 <= row <= H - kh`` and
        ``0 <= col <= W - kw``.
    flip : bool, default False
        Show a convolution instead: the kernel is flipped (both axes) before
        it slides, and the kernel panel shows the flipped kernel.
    annotate : bool, optional
        Write pixel values on the picture; default: when the image has at
        most 12 rows and 12 columns.  The values under the window are always
        written when the image has at most 32 rows and columns.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes titled "input", "kernel" (or "kernel (flipped)") and
        ``"output[row, col] = value"``.

    Raises
    ------
    ValueError
        If the arrays are not 2-D, the kernel is larger than the image, or
        `position` is outside the output.

    Examples
    --------
    >>> import numpy as np
    >>> fig = sliding_window_figure(np.arange(16).reshape(4, 4), np.ones((3, 3)), (1, 0))
    >>> [ax.get_title() for ax in fig.axes]
    ['input', 'kernel', 'output[1, 0] = 81']
    """
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(
            f"`image` and `kernel` must be 2-D; got shapes {image.shape} and {kernel.shape}"
        )
    kh, kw = kernel.shape
    h, w = image.shape
    if kh > h or kw > w:
        raise ValueError(
            f"`kernel` (shape {kernel.shape}) must not be larger than `image` (shape {image.shape})"
        )
    oh, ow = h - kh + 1, w - kw + 1
    row, col = (int(x) for x in position)
    if not (0 <= row < oh and 0 <= col < ow):
        raise ValueError(
            f"`position` must be inside the {oh}x{ow} output, 0 <= row < {oh} and "
            f"0 <= col < {ow}; got {tuple(position)}"
        )
    shown_kernel = kernel[::-1, ::-1] if flip else kernel
    full = _correlate_valid(image, shown_kernel)
    partial = np.full_like(full, np.nan)
    done = row * ow + col + 1
    partial.flat[:done] = full.flat[:done]

    if annotate is None:
        annotate = max(h, w) <= ANNOTATE_MAX_SIDE
    fontsize = 8 if max(h, w) > 8 else None
    fig, axes = plt.subplots(
        1, 3, figsize=(10, 3.6), layout="constrained", width_ratios=[w, max(kw, w / 2), ow]
    )

    ax = axes[0]
    lo, hi = _gray_range(image, None, None)
    artist = ax.imshow(image, cmap="gray", vmin=lo, vmax=hi, interpolation="nearest")
    _grid(ax, image.shape)
    if annotate:
        _annotate(ax, image, artist, fontsize=fontsize)
    elif max(h, w) <= 32:
        window = [(row + u, col + v) for u in range(kh) for v in range(kw)]
        _annotate(ax, image, artist, cells=window, fontsize=6)
    ax.add_patch(
        Rectangle((col - 0.5, row - 0.5), kw, kh, fill=False, edgecolor="tab:orange", linewidth=3)
    )
    ax.set_title(_("input"))

    show_kernel(shown_kernel, ax=axes[1], title=_("kernel (flipped)") if flip else _("kernel"))

    ax = axes[2]
    finite = full[np.isfinite(full)]
    artist = ax.imshow(
        partial, cmap="gray", vmin=finite.min(), vmax=finite.max(), interpolation="nearest"
    )
    _grid(ax, full.shape)
    if annotate:
        _annotate(ax, partial, artist, fontsize=fontsize)
    ax.add_patch(
        Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="tab:orange", linewidth=3)
    )
    value = full[row, col]
    ax.set_title(f"output[{row}, {col}] = {_format_number(value, None, _is_integral(full))}")
    return fig


# ----------------------------------------------------------------------------
# lesson 03


def show_strip(
    rows,
    *,
    labels: Sequence[str] | None = None,
    pad_width: int = 0,
) -> Figure:
    """Draw 1-D arrays as rows of numbered cells, padding cells shaded.

    Introduced in lesson 03, padding: one row per border mode shows what each
    mode puts around the strip ``[1 2 3 4 5]``.

    Parameters
    ----------
    rows : array_like or sequence of array_like
        One 1-D array, or several (one row of cells each).
    labels : sequence of str, optional
        One label per row (e.g. the border mode), written above the row.
    pad_width : int, default 0
        Number of cells at each end of every row that are padding; they are
        shaded grey, the original cells stay white.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per row, titled with its label.

    Examples
    --------
    >>> import numpy as np
    >>> strip = np.array([1, 2, 3])
    >>> fig = show_strip([np.pad(strip, 1, mode="edge")], labels=["edge"], pad_width=1)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['1', '1', '2', '3', '3']
    """
    if isinstance(rows, np.ndarray) and rows.ndim == 1:
        rows = [rows]
    rows = [np.asarray(r) for r in rows]
    if not rows or any(r.ndim != 1 for r in rows):
        raise ValueError("`rows` must be a 1-D array or a non-empty sequence of 1-D arrays")
    if labels is not None:
        labels = list(labels)
        if len(labels) != len(rows):
            raise ValueError(
                f"`labels` must have one label per row ({len(rows)}); got {len(labels)}"
            )
    pad_width = int(pad_width)
    if pad_width < 0:
        raise ValueError(f"`pad_width` must be >= 0; got {pad_width}")
    longest = max(len(r) for r in rows)
    fig, axes = plt.subplots(
        len(rows),
        1,
        figsize=(0.5 * longest + 0.4, 0.75 * len(rows) + 0.2),
        squeeze=False,
        layout="constrained",
    )
    integers = all(_is_integral(r) for r in rows)
    for k, (ax, r) in enumerate(zip(axes[:, 0], rows, strict=True)):
        n = len(r)
        for x, value in enumerate(r):
            padding = x < pad_width or x >= n - pad_width
            ax.add_patch(
                Rectangle(
                    (x, 0),
                    1,
                    1,
                    facecolor="0.8" if padding else "white",
                    edgecolor="0.3",
                    hatch="//" if padding else None,
                )
            )
            ax.text(x + 0.5, 0.5, _format_number(value, None, integers), ha="center", va="center")
        ax.set_xlim(-0.05, longest + 0.05)
        ax.set_ylim(-0.05, 1.05)
        ax.set_aspect("equal")
        ax.set_axis_off()
        if labels is not None:
            ax.set_title(labels[k], loc="left", fontsize=10)
    return fig


def show_padded(
    images,
    pad_width: int,
    titles: Sequence[str] | None = None,
    **kwargs,
) -> Figure:
    """Show padded images with the original image's edge drawn as a dashed frame.

    Introduced in lesson 03, padding.

    Parameters
    ----------
    images : ndarray or sequence of ndarray
        Padded images, each with `pad_width` added on every side.
    pad_width : int
        Padding on each side, in pixels.
    titles : sequence of str, optional
        One title per image.
    **kwargs
        Passed on to :func:`show_images` (``ncols``, ``vmin``, ...).

    Returns
    -------
    matplotlib.figure.Figure
        One axes per image, each with one dashed frame.

    Examples
    --------
    >>> import numpy as np
    >>> fig = show_padded(np.pad(np.ones((4, 4)), 2), 2, ["padded (constant)"])
    >>> len(fig.axes[0].patches)
    1
    """
    arrays = _as_image_list(images)
    fig = show_images(arrays, titles, **kwargs)
    p = int(pad_width)
    for ax, image in zip(fig.axes, arrays, strict=True):
        h, w = image.shape[:2]
        ax.add_patch(
            Rectangle(
                (p - 0.5, p - 0.5),
                w - 2 * p,
                h - 2 * p,
                fill=False,
                edgecolor="tab:orange",
                linestyle="--",
                linewidth=1.5,
            )
        )
    return fig
