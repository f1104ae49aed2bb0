"""What every explorer shares: controls, the explorer object, translated names."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import matplotlib.pyplot as plt

from ..i18n import N_, configure_fonts
from ..i18n import gettext as _

__all__ = [
    "BORDER_MODES",
    "MIN_FONT_POINTS",
    "STATIC_DPI",
    "Control",
    "Explorer",
    "label",
    "make_readable",
    "options",
]

#: Resolution of the static picture (GitHub, nbviewer, a PDF export): matplotlib's
#: default, at which a point of text is 100/72 pixels.
STATIC_DPI = 100
#: Smallest size of a title, axis label, tick label or legend entry in an
#: explorer's figure, in points (11 pixels at `STATIC_DPI`).
MIN_FONT_POINTS = 8.0


def _labels(fig):
    """The texts a reader needs: titles, axis and tick labels, legend entries (not cell values)."""
    texts = list(fig.texts)
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None:
        texts.append(suptitle)
    for ax in fig.axes:
        texts += [ax.title, ax.xaxis.label, ax.yaxis.label]
        texts += ax.get_xticklabels() + ax.get_yticklabels()
        legend = ax.get_legend()
        if legend is not None:
            texts += legend.get_texts()
    legends = getattr(fig, "legends", [])
    for legend in legends:
        texts += legend.get_texts()
    return [t for t in texts if t.get_text()]


def _hides_data(ax, legend, renderer) -> bool:
    """Whether `legend` covers a data point of one of the axes' lines."""
    box = legend.get_window_extent(renderer)
    for line in ax.get_lines():
        points = line.get_transform().transform(line.get_xydata())
        inside = (
            (points[:, 0] >= box.x0)
            & (points[:, 0] <= box.x1)
            & (points[:, 1] >= box.y0)
            & (points[:, 1] <= box.y1)
        )
        if inside.any():
            return True
    return False


def make_readable(fig, min_points: float = MIN_FONT_POINTS):
    """Make an explorer's figure readable at :data:`STATIC_DPI`; return it.

    Titles, axis labels, tick labels and legend entries smaller than
    `min_points` are raised to it, and a legend that covers data points of
    its axes' lines is moved below those axes (outside the plot, under the
    tick labels).  Values written inside image cells keep their size: they
    must fit their cells.
    """
    for text in _labels(fig):
        if text.get_fontsize() < min_points:
            text.set_fontsize(min_points)
    if not any(ax.get_legend() is not None for ax in fig.axes):
        return fig
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not _hides_data(ax, legend, renderer):
            continue
        handles = legend.legend_handles
        labels = [t.get_text() for t in legend.get_texts()]
        size = legend.get_texts()[0].get_fontsize() if labels else min_points
        below = ax.transAxes.inverted().transform((0, ax.get_tightbbox(renderer).y0))[1]
        legend.remove()
        ax.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, below),
            fontsize=size,
            frameon=False,
        )
    return fig


#: numpy.pad's names of the border modes, in the order the course teaches them.
BORDER_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")

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


def options(names) -> tuple[tuple[str, str], ...]:
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
        """The figure for `state` as PNG bytes (the pyplot figure is closed).

        This is the static picture every viewer without a kernel shows: drawn
        at :data:`STATIC_DPI` after :func:`make_readable`.
        """
        configure_fonts()
        fig = make_readable(self.figure(**state))
        buffer = io.BytesIO()
        try:
            fig.savefig(buffer, format="png", dpi=STATIC_DPI)
        finally:
            plt.close(fig)
        return buffer.getvalue()

    def widget(self):
        """The live widget: controls above, figure below (imports ipywidgets)."""
        import ipywidgets
        from IPython.display import display

        def update(**state):
            fig = make_readable(self.render(**state))
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
