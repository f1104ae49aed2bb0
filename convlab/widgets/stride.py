"""Slide a kernel along one row of `n` pixels: stride, dilation and padding at work (lesson 04).

Introduced in lesson 04; see :mod:`convlab.widgets`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..i18n import gettext as _
from ..i18n import ngettext
from .core import Control, Explorer

__all__ = ["stride_explorer"]


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

    from ..shapes import same_padding

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
