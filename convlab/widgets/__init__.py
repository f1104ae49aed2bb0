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

from .aliasing import aliasing_explorer
from .border_mode import border_mode_explorer
from .brightness import brightness_explorer
from .conv2d import conv2d_explorer
from .core import Control, Explorer, label, make_readable
from .depthwise import depthwise_explorer, depthwise_filters
from .kernel import default_kernels, kernel_explorer
from .mosaic import mosaic_explorer
from .pooling import pooling_explorer
from .stride import stride_explorer

__all__ = [
    "Control",
    "Explorer",
    "aliasing_explorer",
    "border_mode_explorer",
    "brightness_explorer",
    "conv2d_explorer",
    "default_kernels",
    "depthwise_explorer",
    "depthwise_filters",
    "kernel_explorer",
    "label",
    "make_readable",
    "mosaic_explorer",
    "pooling_explorer",
    "stride_explorer",
]
