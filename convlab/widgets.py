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
* lesson 03, padding: :func:`border_mode_explorer`;
* lesson 04, strides and output shapes: :func:`stride_explorer`;
* lesson 05, pooling: :func:`pooling_explorer`;
* lesson 06, Keras Conv2D: :func:`conv2d_explorer`;
* lesson 07, depthwise vs Conv2D: :func:`depthwise_explorer`;
* lesson 10, mosaic, downsampling and aliasing: :func:`mosaic_explorer`,
  :func:`aliasing_explorer`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np

from . import plotting
from .i18n import N_, configure_fonts, ngettext
from .i18n import gettext as _

__all__ = [
    "Control",
    "Explorer",
    "brightness_explorer",
    "kernel_explorer",
    "border_mode_explorer",
    "stride_explorer",
    "pooling_explorer",
    "conv2d_explorer",
    "depthwise_explorer",
    "depthwise_filters",
    "mosaic_explorer",
    "aliasing_explorer",
    "default_kernels",
]

#: numpy.pad's names of the border modes, in the order the course teaches them.
_BORDER_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")

#: What a student reads for each kernel, filter or pooling name (values stay English).
_NAMES = {
    # TRANSLATORS: kernel and filter names shown in widget menus and figure titles.
    "identity": N_("identity"),
    "box": N_("box"),
    "sharpen": N_("sharpen"),
    "outline": N_("outline"),
    "shift right": N_("shift right"),
    "horizontal edges": N_("horizontal edges"),
    "box blur": N_("box blur"),
    "box blur, channels mixed": N_("box blur, channels mixed"),
    "random": N_("random"),
    "zero": N_("zero"),
    # TRANSLATORS: pooling kinds in a widget menu.
    "max": N_("max"),
    "average": N_("average"),
}


def label(name: str) -> str:
    """The translated name of a kernel, filter or pooling kind (other names unchanged).

    Examples
    --------
    >>> label("box blur")
    'box blur'
    """
    return _(_NAMES[name]) if name in _NAMES else name


def _options(names) -> tuple[tuple[str, str], ...]:
    """Drop-down options as (label, value) pairs: the label translated, the value as it is."""
    return tuple((label(name), name) for name in names)


@dataclass(frozen=True)
class Control:
    """One control of an explorer: an integer slider or a drop-down.

    Parameters
    ----------
    label : str
        Text next to the control (already translated).
    default : int or str
        Initial value.
    options : tuple of str or of (label, value) pairs, optional
        Choices of a drop-down; leave empty for a slider.  A pair shows its
        (translated) label and returns its value.
    low, high : int
        Range of a slider (inclusive).
    """

    label: str
    default: int | str
    options: tuple[str | tuple[str, str], ...] = ()
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
        configure_fonts()
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
        wraps = (_("uint8 + {n} (wraps)") if amount >= 0 else _("uint8 - {n} (wraps)")).format(
            n=abs(amount)
        )
        return plotting.show_images([image, wrapped, saturated], ["uint8", wraps, _("saturated")])

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
            "kernel": Control(
                _("kernel"), "box" if "box" in names else names[0], options=_options(names)
            ),
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
        return plotting.show_padded(
            padded, pad_width, [_("padded ({mode})").format(mode=mode)], size=4.0
        )

    return Explorer(
        render,
        {
            "mode": Control(_("mode"), "constant", options=_BORDER_MODES),
            "pad_width": Control(_("padding"), int(pad_width), low=0, high=max_pad_width),
        },
    )


# ----------------------------------------------------------------------------
# lesson 04


def stride_explorer(n: int = 9, *, max_kernel: int = 5, max_stride: int = 4) -> Explorer:
    """Slide a kernel along one row of `n` pixels: stride, dilation and padding at work.

    The top row is the input, padding cells hatched (``'same'`` pads as
    TensorFlow, the extra cell after).  Each row below is one output
    position: the cells its kernel taps read are filled, the cells a dilated
    kernel skips are outlined.  Under ``'valid'``, the first window that
    would stick out past the input is drawn dashed, in red: it is not a
    position.  The title gives the output size,
    :func:`convlab.conv_output_size`.

    Introduced in lesson 04, strides and output shapes.

    Parameters
    ----------
    n : int, default 9
        Input size (3 to 24 reads well).
    max_kernel, max_stride : int
        Largest kernel size and stride offered.

    Returns
    -------
    Explorer
        With controls ``padding`` (``'valid'``, ``'same'``), ``k``,
        ``stride`` and ``dilation``.

    Examples
    --------
    >>> fig = stride_explorer(9).figure(k=3, stride=2, padding="same")
    >>> fig.axes[0].get_title()
    "n = 9, k = 3, stride = 2, dilation = 1, padding 'same' (1 + 1): 5 outputs"
    """
    from matplotlib.patches import Rectangle

    from .shapes import same_padding

    n = int(n)
    if not 1 <= n <= 64:
        raise ValueError(f"`n` must be between 1 and 64; got {n}")

    def render(padding, k, stride, dilation):
        span = (k - 1) * dilation + 1
        before, after = (
            same_padding(n, k, stride=stride, dilation=dilation) if padding == "same" else (0, 0)
        )
        total = n + before + after
        out = (total - span) // stride + 1 if total >= span else 0
        rows = out + 2  # the input, the outputs, and the window that does not fit
        width = max(total, span + out * stride)
        fig, ax = plt.subplots(
            figsize=(0.42 * width + 1.4, 0.42 * rows + 0.9), layout="constrained"
        )
        for x in range(total):
            pad = x < before or x >= before + n
            ax.add_patch(
                Rectangle(
                    (x, 0),
                    1,
                    1,
                    facecolor="0.85" if pad else "white",
                    edgecolor="0.3",
                    hatch="//" if pad else None,
                )
            )
            if not pad:
                ax.text(x + 0.5, 0.5, str(x - before), ha="center", va="center", fontsize=8)
        ax.text(-0.3, 0.5, _("input"), ha="right", va="center", fontsize=9)

        def window(row, start, fits):
            y = row + 1.25
            color = "tab:orange" if fits else "tab:red"
            for t in range(span):
                tap = t % dilation == 0
                ax.add_patch(
                    Rectangle(
                        (start + t, y),
                        1,
                        0.8,
                        facecolor=color if tap else "none",
                        edgecolor="0.3" if tap and fits else color,
                        alpha=0.9 if tap else 0.6,
                        linestyle="-" if fits else "--",
                    )
                )
            text = f"out[{row}]" if fits else _("no fit")
            ax.text(-0.3, y + 0.4, text, ha="right", va="center", fontsize=9, color=color)

        for row in range(out):
            window(row, row * stride, True)
        if padding == "valid" and out * stride + span > total:
            window(out, out * stride, False)
        ax.set_xlim(-2.2, width + 0.1)
        ax.set_ylim(rows + 0.3, -0.1)
        ax.set_aspect("equal")
        ax.set_axis_off()
        pads = f" ({before} + {after})" if padding == "same" else ""
        outputs = ngettext("{count} output", "{count} outputs", out).format(count=out)
        ax.set_title(
            _(
                "n = {n}, k = {k}, stride = {stride}, dilation = {dilation}, "
                "padding '{padding}'{pads}: {outputs}"
            ).format(
                n=n,
                k=k,
                stride=stride,
                dilation=dilation,
                padding=padding,
                pads=pads,
                outputs=outputs,
            ),
            fontsize=10,
        )
        return fig

    return Explorer(
        render,
        {
            "padding": Control(_("padding"), "valid", options=("valid", "same")),
            "k": Control(_("kernel size"), 3, low=1, high=int(max_kernel)),
            "stride": Control(_("stride"), 2, low=1, high=int(max_stride)),
            "dilation": Control(_("dilation"), 1, low=1, high=3),
        },
    )


# ----------------------------------------------------------------------------
# lesson 05


def pooling_explorer(image, *, max_size: int = 12) -> Explorer:
    """Max or average pooling of an image, with a window size of your choice.

    Two panels: the image and its pooled version (:func:`convlab.max_pool2d`
    or :func:`convlab.avg_pool2d`, ``stride = size``), shapes in the titles.

    Introduced in lesson 05, pooling.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, 3)
        The image (floats in [0, 1] or uint8).
    max_size : int, default 12
        Largest window size offered.

    Returns
    -------
    Explorer
        With controls ``pooling`` (``'max'``, ``'average'``) and ``size``.

    Examples
    --------
    >>> import numpy as np
    >>> fig = pooling_explorer(np.zeros((12, 12))).figure(pooling="max", size=4)
    >>> [ax.get_title() for ax in fig.axes]
    ['image 12x12', 'max pool 4x4: 3x3']
    """
    from .pooling import avg_pool2d, max_pool2d

    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"`image` must have shape (H, W) or (H, W, 3); got shape {image.shape}")
    if image.dtype == np.uint8:
        image = image / 255.0
    max_size = max(1, min(int(max_size), *image.shape[:2]))

    def render(pooling, size):
        pool = max_pool2d if pooling == "max" else avg_pool2d
        pooled = pool(image, size)
        h, w = image.shape[:2]
        title = (
            _("max pool {size}x{size}: {h}x{w}")
            if pooling == "max"
            else _("average pool {size}x{size}: {h}x{w}")
        )
        return plotting.show_images(
            [image, pooled],
            [
                _("image {h}x{w}").format(h=h, w=w),
                title.format(size=size, h=pooled.shape[0], w=pooled.shape[1]),
            ],
            vmin=0,
            vmax=1,
        )

    return Explorer(
        render,
        {
            "pooling": Control(_("pooling"), "max", options=_options(("max", "average"))),
            "size": Control(_("size"), min(4, max_size), low=1, high=max_size),
        },
    )


# ----------------------------------------------------------------------------
# lesson 06


def conv2d_explorer(image) -> Explorer:
    """Apply a ``Conv2D`` kernel of your choice to a color image, with a bias.

    The kernel is ``(k, k, 3, 3)`` (Keras' layout); the layer is computed by
    :func:`convlab.conv2d` with ``'same'`` padding (numpy, no TensorFlow) and
    the result is clipped to [0, 1] for display.

    Introduced in lesson 06, Keras Conv2D.

    Parameters
    ----------
    image : array_like, shape (H, W, 3)
        A small color image (about 100 to 200 pixels a side), floats in [0, 1].

    Returns
    -------
    Explorer
        With controls ``kernel`` (``identity``, ``box blur``, ``box blur,
        channels mixed``, ``random``), ``size`` (k, odd) and ``bias`` (in
        hundredths, added to every output channel).

    Examples
    --------
    >>> import numpy as np
    >>> fig = conv2d_explorer(np.full((8, 8, 3), 0.5)).figure(kernel="identity", bias=10)
    >>> [ax.get_title() for ax in fig.axes]
    ['image', 'identity 3x3, bias 0.1']
    """
    from .layers import conv2d

    image = np.asarray(image, dtype=float)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"`image` must be a color image, shape (H, W, 3); got shape {image.shape}")

    def kernel_for(name, k):
        eye = np.eye(3)
        if name == "identity":
            taps = np.zeros((k, k))
            taps[k // 2, k // 2] = 1.0
            return taps[:, :, None, None] * eye
        if name == "box blur":
            return np.full((k, k, 1, 1), 1.0 / (k * k)) * eye
        if name == "box blur, channels mixed":
            return np.full((k, k, 3, 3), 1.0 / (k * k * 3))
        limit = np.sqrt(6.0 / (k * k * 3 * 2))  # Keras' default, glorot_uniform
        return np.random.default_rng(k).uniform(-limit, limit, size=(k, k, 3, 3))

    def render(kernel, size, bias):
        k = 2 * int(size) + 1
        out = conv2d(image, kernel_for(kernel, k), np.full(3, bias / 100), padding="same")
        title = _("{kernel} {k}x{k}, bias {bias:g}").format(
            kernel=label(kernel), k=k, bias=bias / 100
        )
        return plotting.show_images([image, np.clip(out, 0, 1)], [_("image"), title], size=3.5)

    names = ("identity", "box blur", "box blur, channels mixed", "random")
    return Explorer(
        render,
        {
            "kernel": Control(_("kernel"), "box blur", options=_options(names)),
            "size": Control(_("kernel size k = 2 * this + 1"), 1, low=0, high=5),
            "bias": Control(_("bias (hundredths)"), 0, low=-50, high=50),
        },
    )


# ----------------------------------------------------------------------------
# lesson 07


def depthwise_filters() -> dict[str, np.ndarray]:
    """The 5x5 filters offered per channel by :func:`depthwise_explorer`, by name.

    Returns
    -------
    dict of str to ndarray
        ``identity``, ``box blur``, ``sharpen``, ``outline`` and ``zero``,
        each 5 x 5 (the 3 x 3 classics of lesson 02 framed by zeros).

    Examples
    --------
    >>> sorted(depthwise_filters())
    ['box blur', 'identity', 'outline', 'sharpen', 'zero']
    """
    framed = {}
    for name, k in default_kernels().items():
        if name in ("identity", "sharpen", "outline"):
            five = np.zeros((5, 5))
            five[1:4, 1:4] = k
            framed[name] = five
    return {
        "identity": framed["identity"],
        "box blur": np.full((5, 5), 1 / 25),
        "sharpen": framed["sharpen"],
        "outline": framed["outline"],
        "zero": np.zeros((5, 5)),
    }


def depthwise_explorer(image) -> Explorer:
    """Pick one filter per color channel; a depthwise layer applies each to its channel only.

    Computed by :func:`convlab.depthwise_conv2d` with ``'same'`` padding
    (numpy, no TensorFlow); shows the image, the result (clipped to [0, 1])
    and the three output channels.

    Introduced in lesson 07, depthwise vs Conv2D.

    Parameters
    ----------
    image : array_like, shape (H, W, 3)
        A small color image, floats in [0, 1].

    Returns
    -------
    Explorer
        With controls ``red``, ``green`` and ``blue``, each a name of
        :func:`depthwise_filters`.

    Examples
    --------
    >>> import numpy as np
    >>> fig = depthwise_explorer(np.full((8, 8, 3), 0.5)).figure(red="zero")
    >>> [ax.get_title() for ax in fig.axes][:2]
    ['image', 'depthwise output']
    """
    from .layers import depthwise_conv2d

    image = np.asarray(image, dtype=float)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"`image` must be a color image, shape (H, W, 3); got shape {image.shape}")
    filters = depthwise_filters()

    def render(red, green, blue):
        kernel = np.stack([filters[red], filters[green], filters[blue]], axis=-1)[..., None]
        out = np.clip(depthwise_conv2d(image, kernel, padding="same"), 0, 1)
        panels = [image, out, out[..., 0], out[..., 1], out[..., 2]]
        titles = [
            _("image"),
            _("depthwise output"),
            *(f"{c}: {label(n)}" for c, n in zip("RGB", (red, green, blue), strict=True)),
        ]
        return plotting.show_images(panels, titles, ncols=5, vmin=0, vmax=1, size=2.4)

    names = tuple(filters)
    return Explorer(
        render,
        {
            "red": Control(_("red"), "box blur", options=_options(names)),
            "green": Control(_("green"), "identity", options=_options(names)),
            "blue": Control(_("blue"), "outline", options=_options(names)),
        },
    )


# ----------------------------------------------------------------------------
# lesson 10


def _shrink(image: np.ndarray, size: int, shrink: str, blur: str) -> np.ndarray:
    """One step of lesson 10's mosaic: block mean or one pixel per block, then a blur."""
    from .convolution import correlate2d
    from .kernels import gaussian_kernel
    from .pixelation import _sample_index, block_mean

    if shrink == "mean":
        small = block_mean(image, size)
    else:  # the centre pixel of each block (clipped in a partial block), as convlab.mosaic
        rows, cols = _sample_index(image.shape[0], size), _sample_index(image.shape[1], size)
        small = image[np.ix_(rows, cols)]
    if blur != "none":
        small = correlate2d(small, gaussian_kernel(5, 1.0), padding="same", mode=blur)
    return small


def mosaic_explorer(image, *, max_size: int = 40) -> Explorer:
    """A mosaic in three steps: shrink (block mean or one pixel), optionally blur, enlarge.

    Two panels: the image and its mosaic, enlarged back to the image's size
    by nearest neighbour.  The blur is a 5 x 5 Gaussian (sigma 1) on the
    small image, with zero (``'constant'``) or ``'reflect'`` borders, so the
    dark frame zeros leave can be seen.

    Introduced in lesson 10, mosaic, downsampling and aliasing.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, 3)
        The image (floats in [0, 1] or uint8).
    max_size : int, default 40
        Largest block size offered.

    Returns
    -------
    Explorer
        With controls ``size``, ``shrink`` (``'mean'``, ``'pixel'``) and
        ``blur`` (``'none'``, ``'constant'``, ``'reflect'``).

    Examples
    --------
    >>> import numpy as np
    >>> fig = mosaic_explorer(np.ones((12, 12))).figure(size=4, blur="constant")
    >>> len(fig.axes)
    2
    """
    from .pixelation import enlarge_nearest

    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"`image` must have shape (H, W) or (H, W, 3); got shape {image.shape}")
    if image.dtype == np.uint8:
        image = image / 255.0
    max_size = max(1, min(int(max_size), *image.shape[:2]))
    h, w = image.shape[:2]

    def render(size, shrink, blur):
        small = _shrink(image, size, shrink, blur)
        grown = np.clip(enlarge_nearest(small, size)[:h, :w], 0, 1)
        title = _("mosaic: {h}x{w} blocks of {size}x{size}").format(
            h=small.shape[0], w=small.shape[1], size=size
        )
        return plotting.show_images([image, grown], [_("image"), title], vmin=0, vmax=1, size=4)

    return Explorer(
        render,
        {
            "size": Control(_("block size"), min(12, max_size), low=1, high=max_size),
            "shrink": Control(
                _("shrink"),
                "mean",
                options=((_("block mean"), "mean"), (_("one pixel per block"), "pixel")),
            ),
            "blur": Control(
                _("blur"),
                "none",
                options=(
                    (_("none"), "none"),
                    (_("Gaussian, zero borders"), "constant"),
                    (_("Gaussian, reflect borders"), "reflect"),
                ),
            ),
        },
    )


def aliasing_explorer(pattern, *, max_factor: int = 8) -> Explorer:
    """Shrink a fine pattern k times: keep every k-th pixel, blur first, or average blocks.

    Two panels: the pattern and the shrunk image, enlarged back by nearest
    neighbour so both show at the same scale.  ``'blur'`` is a Gaussian of
    sigma ``k / 2`` (``'reflect'`` borders) before keeping every k-th pixel.

    Introduced in lesson 10, mosaic, downsampling and aliasing.

    Parameters
    ----------
    pattern : array_like, shape (H, W)
        A grayscale pattern in [0, 1], such as :func:`convlab.zone_plate`.
    max_factor : int, default 8
        Largest shrink factor offered.

    Returns
    -------
    Explorer
        With controls ``factor`` and ``method`` (``'subsample'``, ``'blur'``,
        ``'mean'``).

    Examples
    --------
    >>> import numpy as np
    >>> fig = aliasing_explorer(np.zeros((16, 16))).figure(factor=4, method="blur")
    >>> len(fig.axes)
    2
    """
    from .kernels import gaussian_kernel1d
    from .pixelation import block_mean, enlarge_nearest
    from .separable import separable_correlate2d

    pattern = np.asarray(pattern, dtype=float)
    if pattern.ndim != 2:
        raise ValueError(f"`pattern` must be a 2-D (H, W) array; got shape {pattern.shape}")
    h, w = pattern.shape

    def render(factor, method):
        k = int(factor)
        if method == "mean":
            small = block_mean(pattern, k)
        elif method == "blur" and k > 1:
            sigma = k / 2
            g = gaussian_kernel1d(2 * int(np.ceil(3 * sigma)) + 1, sigma)
            small = separable_correlate2d(pattern, g, g, padding="same", mode="reflect")[::k, ::k]
        else:
            small = pattern[::k, ::k]
        grown = enlarge_nearest(small, k)[:h, :w]
        title = _("shrunk {k} times: {h}x{w}").format(k=k, h=small.shape[0], w=small.shape[1])
        return plotting.show_images(
            [pattern, grown], [_("pattern"), title], vmin=0, vmax=1, size=4, annotate=False
        )

    return Explorer(
        render,
        {
            "factor": Control(_("shrink factor k"), min(4, max_factor), low=1, high=max_factor),
            "method": Control(
                _("method"),
                "subsample",
                options=(
                    (_("keep every k-th pixel"), "subsample"),
                    (_("blur, then keep every k-th pixel"), "blur"),
                    (_("block mean"), "mean"),
                ),
            ),
        },
    )
