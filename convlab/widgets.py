"""Interactive explorers for the lessons, with a static picture when there is no front end.

Each explorer is a small object: put it as the last line of a notebook cell
and JupyterLab shows sliders and drop-downs (built with
:func:`ipywidgets.interactive`) that redraw a figure from
:mod:`convlab.plotting`.  The display also carries a PNG of the default
state, so a notebook executed headless (nbval, nbgrader, ``jupytext
--execute``) or opened where widgets cannot run (GitHub, nbviewer, a front
end without ipywidgets) still shows a picture, and nothing raises.  Without
ipywidgets installed, the explorer shows that picture only.

``explorer.figure(**state)`` draws any state directly, for scripts and tests.
Control labels are student-facing, so they go through :mod:`convlab.i18n`.

Introduced in:

* lesson 01, images as arrays: :func:`brightness_explorer`;
* lesson 02, convolution from scratch: :func:`kernel_explorer`;
* lesson 03, padding: :func:`border_mode_explorer`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np

from . import plotting
from .i18n import gettext as _

__all__ = [
    "Control",
    "Explorer",
    "brightness_explorer",
    "kernel_explorer",
    "border_mode_explorer",
    "default_kernels",
]

#: numpy.pad's names of the border modes, in the order the course teaches them.
_BORDER_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


@dataclass(frozen=True)
class Control:
    """One control of an explorer: an integer slider or a drop-down.

    Parameters
    ----------
    label : str
        Text next to the control (already translated).
    default : int or str
        Initial value.
    options : tuple of str, optional
        Choices of a drop-down; leave empty for a slider.
    low, high : int
        Range of a slider (inclusive).
    """

    label: str
    default: int | str
    options: tuple[str, ...] = ()
    low: int = 0
    high: int = 0

    def widget(self):
        """The ipywidgets control (imports ipywidgets)."""
        import ipywidgets

        layout = ipywidgets.Layout(width="420px")
        style = {"description_width": "initial"}
        if self.options:
            return ipywidgets.Dropdown(
                options=list(self.options),
                value=self.default,
                description=self.label,
                layout=layout,
                style=style,
            )
        return ipywidgets.IntSlider(
            value=int(self.default),
            min=self.low,
            max=self.high,
            description=self.label,
            continuous_update=False,
            layout=layout,
            style=style,
        )


@dataclass
class Explorer:
    """A figure that depends on a few controls, shown live or as a picture.

    Parameters
    ----------
    render : callable
        ``render(**state) -> matplotlib.figure.Figure``, one keyword per control.
    controls : mapping of str to Control
        The controls, by keyword name.

    Notes
    -----
    Displaying an explorer sends one output with two representations: the
    widget (used by front ends running ipywidgets) and a PNG of the default
    state (used by every other viewer).  Nothing is displayed twice.
    """

    render: Callable[..., object]
    controls: Mapping[str, Control] = field(default_factory=dict)

    @property
    def defaults(self) -> dict[str, int | str]:
        """The default state, one value per control."""
        return {name: c.default for name, c in self.controls.items()}

    def figure(self, **state):
        """Draw the figure for `state` (missing controls take their default).

        Raises
        ------
        TypeError
            If `state` names a control the explorer does not have.
        """
        unknown = sorted(set(state) - set(self.controls))
        if unknown:
            raise TypeError(
                f"unknown control(s) {', '.join(map(repr, unknown))}; "
                f"this explorer has {', '.join(map(repr, self.controls))}"
            )
        return self.render(**{**self.defaults, **state})

    def png(self, **state) -> bytes:
        """The figure for `state` as PNG bytes (the pyplot figure is closed)."""
        fig = self.figure(**state)
        buffer = io.BytesIO()
        try:
            fig.savefig(buffer, format="png", dpi=72)
        finally:
            plt.close(fig)
        return buffer.getvalue()

    def widget(self):
        """The live widget: controls above, figure below (imports ipywidgets)."""
        import ipywidgets
        from IPython.display import display

        def update(**state):
            fig = self.render(**state)
            display(fig)
            plt.close(fig)

        controls = {name: c.widget() for name, c in self.controls.items()}
        return ipywidgets.interactive(update, **controls)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"image/png": self.png(), "text/plain": "<convlab explorer>"}
        try:
            widget = self.widget()
        except ImportError:
            return bundle
        view = widget._repr_mimebundle_()
        if view:
            bundle.update({k: v for k, v in view.items() if k != "text/plain"})
        return bundle


# ----------------------------------------------------------------------------
# lesson 01


def brightness_explorer(image, *, limit: int = 120) -> Explorer:
    """Add a number to a ``uint8`` image: wrap-around versus saturation.

    Three panels: the image, ``image + amount`` computed in ``uint8`` (values
    wrap around modulo 256, so bright pixels turn dark) and the same sum
    saturated to [0, 255] (what ``cv2.add`` does).

    Introduced in lesson 01, images as arrays.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W) or (H, W, 3)
        The image.
    limit : int, default 120
        The slider runs from ``-limit`` to ``limit``.

    Returns
    -------
    Explorer
        With one control, ``amount`` (default 60).

    Examples
    --------
    >>> import numpy as np
    >>> fig = brightness_explorer(np.full((4, 4), 250, np.uint8)).figure(amount=10)
    >>> [ax.get_title() for ax in fig.axes]
    ['uint8', 'uint8 + 10 (wraps)', 'saturated']
    """
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise TypeError(f"`image` must have dtype uint8; got {image.dtype}")

    def render(amount):
        wide = image.astype(np.int64) + int(amount)
        wrapped = wide.astype(np.uint8)  # int -> uint8 keeps the low 8 bits: modulo 256
        saturated = np.clip(wide, 0, 255).astype(np.uint8)
        return plotting.show_images(
            [image, wrapped, saturated],
            ["uint8", f"uint8 {'+' if amount >= 0 else '-'} {abs(amount)} (wraps)", "saturated"],
        )

    return Explorer(
        render,
        {"amount": Control(_("amount"), min(60, limit), low=-limit, high=limit)},
    )


# ----------------------------------------------------------------------------
# lesson 02


def default_kernels() -> dict[str, np.ndarray]:
    """The classic 3x3 kernels of lesson 02, by name.

    Returns
    -------
    dict of str to ndarray
        ``identity``, ``box``, ``sharpen``, ``outline``, ``shift right``
        (correlation with it moves the image one pixel to the right) and
        ``horizontal edges``.

    Examples
    --------
    >>> default_kernels()["sharpen"]
    array([[ 0., -1.,  0.],
           [-1.,  5., -1.],
           [ 0., -1.,  0.]])
    """
    identity = np.zeros((3, 3))
    identity[1, 1] = 1
    shift = np.zeros((3, 3))
    shift[1, 0] = 1
    return {
        "identity": identity,
        "box": np.full((3, 3), 1 / 9),
        "sharpen": np.array([[0.0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
        "outline": np.array([[-1.0, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
        "shift right": shift,
        "horizontal edges": np.array([[-1.0, -2, -1], [0, 0, 0], [1, 2, 1]]),
    }


def kernel_explorer(image, kernels: Mapping[str, np.ndarray] | None = None) -> Explorer:
    """Slide a kernel of your choice over a small image, one output pixel at a time.

    Draws :func:`convlab.plotting.sliding_window_figure`: the window on the
    input, the kernel with its numbers, and the output filled in up to the
    chosen pixel.

    Introduced in lesson 02, convolution from scratch.

    Parameters
    ----------
    image : array_like, shape (H, W)
        A small grayscale image (about 8 to 24 pixels a side).
    kernels : mapping of str to ndarray, optional
        The kernels to choose from; default :func:`default_kernels`.  All
        must have the same shape.

    Returns
    -------
    Explorer
        With controls ``kernel`` (a name), ``row`` and ``col`` (the output pixel).

    Examples
    --------
    >>> import numpy as np
    >>> explorer = kernel_explorer(np.arange(36.0).reshape(6, 6))
    >>> fig = explorer.figure(kernel="box", row=3, col=3)
    >>> fig.axes[2].get_title()
    'output[3, 3] = 28'
    """
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"`image` must be 2-D (grayscale), shape (H, W); got shape {image.shape}")
    kernels = {
        name: np.asarray(k, dtype=float) for name, k in (kernels or default_kernels()).items()
    }
    if not kernels:
        raise ValueError("`kernels` must hold at least one kernel")
    shapes = {k.shape for k in kernels.values()}
    if len(shapes) != 1:
        raise ValueError(f"all `kernels` must have the same shape; got {sorted(shapes)}")
    (kh, kw) = shapes.pop()
    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    if oh < 1 or ow < 1:
        raise ValueError(
            f"`image` (shape {image.shape}) must be at least as large as the kernels ({kh}x{kw})"
        )

    def render(kernel, row, col):
        return plotting.sliding_window_figure(image, kernels[kernel], (row, col))

    names = tuple(kernels)
    return Explorer(
        render,
        {
            "kernel": Control(_("kernel"), "box" if "box" in names else names[0], options=names),
            "row": Control(_("row"), oh // 2, low=0, high=oh - 1),
            "col": Control(_("column"), ow // 2, low=0, high=ow - 1),
        },
    )


# ----------------------------------------------------------------------------
# lesson 03


def border_mode_explorer(data, *, pad_width: int = 2, max_pad_width: int | None = None) -> Explorer:
    """Pick a border mode and a padding width; see what lands outside the edge.

    A 1-D strip is drawn as numbered cells (:func:`convlab.plotting.show_strip`),
    an image with its original edge as a dashed frame
    (:func:`convlab.plotting.show_padded`).  Padding is computed by
    :func:`numpy.pad`, whose mode names the course uses.

    Introduced in lesson 03, padding.

    Parameters
    ----------
    data : array_like, shape (n,), (H, W) or (H, W, 3)
        A strip or an image.
    pad_width : int, default 2
        Initial padding on each side.
    max_pad_width : int, optional
        Largest padding offered; default: twice the strip's length (1-D) or
        half the image's smaller side.

    Returns
    -------
    Explorer
        With controls ``mode`` and ``pad_width``.

    Examples
    --------
    >>> import numpy as np
    >>> fig = border_mode_explorer(np.array([1, 2, 3, 4, 5])).figure(mode="reflect")
    >>> "".join(t.get_text() for t in fig.axes[0].texts)
    '321234543'
    """
    data = np.asarray(data)
    if data.ndim not in (1, 2, 3):
        raise ValueError(
            f"`data` must be a strip (n,) or an image (H, W) or (H, W, 3); got shape {data.shape}"
        )
    if max_pad_width is None:
        max_pad_width = 2 * data.shape[0] if data.ndim == 1 else min(data.shape[:2]) // 2
    max_pad_width = max(int(max_pad_width), int(pad_width), 1)

    def render(mode, pad_width):
        width = [(pad_width, pad_width)] * 2 + [(0, 0)] * (data.ndim - 2)
        padded = np.pad(data, width[: data.ndim], mode=mode)
        if data.ndim == 1:
            return plotting.show_strip([padded], labels=[f"{mode}"], pad_width=pad_width)
        return plotting.show_padded(padded, pad_width, [f"padded ({mode})"], size=4.0)

    return Explorer(
        render,
        {
            "mode": Control(_("mode"), "constant", options=_BORDER_MODES),
            "pad_width": Control(_("padding"), int(pad_width), low=0, high=max_pad_width),
        },
    )
