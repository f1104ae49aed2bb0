"""``convlab bench``: time every 2-D filtering implementation on the same image.

Introduced in the speed lesson (from the sliding window to the GPU).

Every method computes the same thing: a ``'same'``-size correlation of a
``float32`` colour image with a normalized Gaussian kernel, borders padded
with zeros (numpy.pad's ``'constant'``, OpenCV's ``BORDER_CONSTANT``,
scipy.ndimage's ``'constant'``, TensorFlow's ``'SAME'``, the implicit zeros of
an FFT convolution), so that times compare like with like.  Each result is
checked against a float64 FFT reference (the ``max_abs_error`` column).

Methods (``--methods``):

========================  ===========================================================
``loops``                 :func:`convlab.correlate2d_loops`, Python loops.  Timed on a
                          60 x 80 crop and **extrapolated** by pixel count (marked).
``numpy``                 :func:`convlab.correlate2d`, one numpy step per kernel tap.
``numpy-separable``       :func:`convlab.separable_correlate2d`, two 1-D passes.
``fft``                   ``scipy.signal.fftconvolve`` (float32 FFT).
``ndimage``               ``scipy.ndimage.correlate``.
``opencv-filter2d``       ``cv2.filter2D`` (switches to a DFT for large kernels).
``opencv-gaussianblur``   ``cv2.GaussianBlur`` (separable, SIMD).
``opencv-sepfilter2d``    ``cv2.sepFilter2D`` with the same 1-D Gaussian.
``tf-cpu-float32``        ``tf.nn.depthwise_conv2d`` on the CPU (:func:`convlab.tf.correlate2d`).
``tf-cpu-float16``        The same in half precision.
``tf-gpu-float32/16``     The same on the GPU, when TensorFlow sees one.
========================  ===========================================================

Times are medians of repeated runs (``time.perf_counter``, garbage collector
off, one warm-up call first, timeit-style loops for fast calls).  The ratio
column divides by OpenCV: by ``cv2.GaussianBlur`` for the separable methods
and by ``cv2.filter2D`` for the others.  TensorFlow inputs are tensors already
on the device; the timed call includes copying the result back to numpy.
OpenCV and TensorFlow use several threads, numpy and scipy one: the header
says how many.

GPU results file
----------------
``convlab bench --gpu-results [PATH]``, run on a machine where TensorFlow sees
a GPU, times TensorFlow float32 and float16 on that GPU and the copies of the
image from host memory to the device and back, and writes them as JSON with
their provenance: the device's name, the versions of every library, the
machine and the date (UTC) they were recorded (:func:`device_report`).  The
speed lesson shows that file when it runs without a GPU
(:func:`read_gpu_results`; default path :func:`gpu_results_path`), and
measures live when it has one.  Nothing in it is typed by hand.

Run ``convlab bench --help`` for the options; :func:`main` is the entry point.

Modules: :mod:`~convlab.bench.methods` (the problem, the methods and their
names), :mod:`~convlab.bench.timing` (medians, one run),
:mod:`~convlab.bench.device` (the GPU results file),
:mod:`~convlab.bench.report` (table, CSV, plots) and :mod:`~convlab.bench.cli`.
Everything a student reads (the table, the plots, method names) is in the
notebook's language (``convlab.set_language``); the CSV keeps English ids.
"""

from __future__ import annotations

from .cli import build_parser, main
from .device import (
    DEVICE_SCHEMA,
    GPU_RESULTS_ENV,
    device_report,
    gpu_results_path,
    read_gpu_results,
    write_device_results,
)
from .methods import (
    COLUMNS,
    FULL_SHAPE,
    LOOPS_CROP,
    METHODS,
    QUICK_SHAPE,
    TARGETS,
    Method,
    display_name,
    gaussian_sigma,
)
from .report import format_table, plot_times, write_csv, write_plot
from .timing import run

__all__ = [
    "COLUMNS",
    "DEVICE_SCHEMA",
    "FULL_SHAPE",
    "GPU_RESULTS_ENV",
    "LOOPS_CROP",
    "METHODS",
    "QUICK_SHAPE",
    "TARGETS",
    "Method",
    "build_parser",
    "device_report",
    "display_name",
    "format_table",
    "gaussian_sigma",
    "gpu_results_path",
    "main",
    "plot_times",
    "read_gpu_results",
    "run",
    "write_csv",
    "write_device_results",
    "write_plot",
]
