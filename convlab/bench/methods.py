"""The benchmark's problem and its methods: what ``convlab bench`` times, and their names.

Every method computes a ``'same'``-size correlation of a ``float32`` colour
image with a normalized Gaussian kernel, zero borders (see the package's
docstring).  :data:`METHODS` lists them in table order; :func:`display_name`
gives a method's name in the student's language (the ids stay English).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..i18n import N_
from ..i18n import gettext as _

__all__ = [
    "BASELINE",
    "BY_NAME",
    "COLUMNS",
    "FULL_SHAPE",
    "LOOPS_CROP",
    "METHODS",
    "Method",
    "Problem",
    "QUICK_SHAPE",
    "TARGETS",
    "display_name",
    "gaussian_sigma",
]

#: Columns of the CSV file, in order.
COLUMNS = (
    "method",
    "label",
    "kind",
    "kernel_size",
    "image_shape",
    "dtype",
    "median_s",
    "samples",
    "calls_per_sample",
    "baseline",
    "ratio_to_opencv",
    "max_abs_error",
    "extrapolated",
    "note",
)

#: The two goals the course states for the numpy implementations (reported, never asserted):
#: (method, OpenCV baseline, kernel size or None for every size, at most this ratio).
TARGETS = (
    ("numpy-separable", "opencv-gaussianblur", None, 8.0),
    ("numpy", "opencv-filter2d", 7, 12.0),
)

LOOPS_CROP = (60, 80)
FULL_SHAPE = (960, 1280, 3)
QUICK_SHAPE = (96, 128, 3)


def gaussian_sigma(size: int) -> float:
    """The Gaussian's sigma for a kernel size: OpenCV's rule for ``sigma <= 0``.

    ``0.3 * ((size - 1) * 0.5 - 1) + 0.8``, the sigma of ``cv2.getGaussianKernel(size, 0)``
    (which, below 11 taps, returns fixed tables instead of sampling; the
    benchmark always passes this sigma explicitly, so every method uses the
    same sampled Gaussian).

    Examples
    --------
    >>> gaussian_sigma(3), round(gaussian_sigma(7), 2)
    (0.8, 1.4)
    """
    return 0.3 * ((size - 1) * 0.5 - 1) + 0.8


@dataclass(frozen=True)
class Problem:
    """One benchmark input: the image and the kernel (2-D and its 1-D factor)."""

    image: np.ndarray  # (H, W, 3) float32
    size: int
    kernel1d: np.ndarray  # float32
    kernel2d: np.ndarray  # float32, outer(kernel1d, kernel1d)


@dataclass(frozen=True)
class Method:
    """A timed implementation: ``prepare(problem)`` returns the zero-argument call to time."""

    name: str
    label: str
    kind: str  # "2-D" or "separable"
    prepare: Callable[[Problem], Callable[[], np.ndarray]] | None  # None: the loops
    note: str = ""
    needs_tf: bool = False
    device: str | None = None
    extrapolated: bool = False
    #: English name for a reader, marked for translation; :attr:`display_name` translates it.
    title: str = ""

    @property
    def display_name(self) -> str:
        """The method's name in the current language (the id stays :attr:`name`)."""
        return _(self.title) if self.title else self.name


def _numpy(p: Problem):
    from ..convolution import correlate2d

    return lambda: correlate2d(p.image, p.kernel2d, padding="same")


def _numpy_separable(p: Problem):
    from ..separable import separable_correlate2d

    return lambda: separable_correlate2d(p.image, p.kernel1d, p.kernel1d, padding="same")


def _fft(p: Problem):
    from scipy.signal import fftconvolve

    flipped = np.ascontiguousarray(p.kernel2d[::-1, ::-1, np.newaxis])
    return lambda: fftconvolve(p.image, flipped, mode="same", axes=(0, 1))


def _ndimage(p: Problem):
    from scipy.ndimage import correlate

    weights = p.kernel2d[:, :, np.newaxis]
    return lambda: correlate(p.image, weights, mode="constant", cval=0.0)


def _cv2(function: str):
    def prepare(p: Problem):
        import cv2

        border = cv2.BORDER_CONSTANT
        if function == "filter2D":
            return lambda: cv2.filter2D(p.image, -1, p.kernel2d, borderType=border)
        if function == "GaussianBlur":
            sigma = gaussian_sigma(p.size)
            return lambda: cv2.GaussianBlur(p.image, (p.size, p.size), sigma, borderType=border)
        return lambda: cv2.sepFilter2D(p.image, -1, p.kernel1d, p.kernel1d, borderType=border)

    return prepare


def tf_prepare(device: str, dtype: str):
    def prepare(p: Problem):
        from .. import tf as ctf

        tf = ctf._tf()
        with tf.device(device):
            tensor = tf.cast(tf.constant(p.image), dtype)
        return lambda: ctf.correlate2d(
            tensor, p.kernel2d, padding="same", dtype=dtype, device=device
        )

    return prepare


TF_NOTE = "zeros ('SAME'); input tensor on the device, result copied to numpy"

#: Every method, in table order.
METHODS: tuple[Method, ...] = (
    Method(
        "loops",
        "convlab.correlate2d_loops (Python loops)",
        "2-D",
        None,  # timed by time_loops
        note=f"timed on a {LOOPS_CROP[0]}x{LOOPS_CROP[1]} crop, scaled by pixel count",
        extrapolated=True,
        title=N_("Python loops"),
    ),
    Method(
        "numpy",
        "convlab.correlate2d (numpy, per tap)",
        "2-D",
        _numpy,
        "mode='constant'",
        title=N_("NumPy, one step per tap"),
    ),
    Method(
        "numpy-separable",
        "convlab.separable_correlate2d (numpy, 2 passes)",
        "separable",
        _numpy_separable,
        "mode='constant'",
        title=N_("NumPy, two 1-D passes (separable)"),
    ),
    Method(
        "fft",
        "scipy.signal.fftconvolve",
        "2-D",
        _fft,
        "implicit zeros, mode='same'",
        title=N_("SciPy, by FFT"),
    ),
    Method(
        "ndimage",
        "scipy.ndimage.correlate",
        "2-D",
        _ndimage,
        "mode='constant'",
        title=N_("SciPy ndimage.correlate"),
    ),
    Method(
        "opencv-filter2d",
        "cv2.filter2D",
        "2-D",
        _cv2("filter2D"),
        "BORDER_CONSTANT; DFT for large kernels",
        title=N_("OpenCV filter2D"),
    ),
    Method(
        "opencv-gaussianblur",
        "cv2.GaussianBlur",
        "separable",
        _cv2("GaussianBlur"),
        "BORDER_CONSTANT",
        title=N_("OpenCV GaussianBlur (separable)"),
    ),
    Method(
        "opencv-sepfilter2d",
        "cv2.sepFilter2D",
        "separable",
        _cv2("sepFilter2D"),
        "BORDER_CONSTANT",
        title=N_("OpenCV sepFilter2D (separable)"),
    ),
    Method(
        "tf-cpu-float32",
        "TensorFlow CPU float32",
        "2-D",
        tf_prepare("/CPU:0", "float32"),
        TF_NOTE,
        needs_tf=True,
        device="CPU",
        title=N_("TensorFlow on the CPU, float32"),
    ),
    Method(
        "tf-cpu-float16",
        "TensorFlow CPU float16",
        "2-D",
        tf_prepare("/CPU:0", "float16"),
        TF_NOTE + "; half precision is emulated on most CPUs",
        needs_tf=True,
        device="CPU",
        title=N_("TensorFlow on the CPU, float16"),
    ),
    Method(
        "tf-gpu-float32",
        "TensorFlow GPU float32",
        "2-D",
        tf_prepare("/GPU:0", "float32"),
        TF_NOTE,
        needs_tf=True,
        device="GPU",
        title=N_("TensorFlow on the GPU, float32"),
    ),
    Method(
        "tf-gpu-float16",
        "TensorFlow GPU float16",
        "2-D",
        tf_prepare("/GPU:0", "float16"),
        TF_NOTE,
        needs_tf=True,
        device="GPU",
        title=N_("OpenCV filter2D"),
    ),
)

BY_NAME = {m.name: m for m in METHODS}
BASELINE = {"2-D": "opencv-filter2d", "separable": "opencv-gaussianblur"}

#: Names of rows that are not methods of this module (the speed lesson times
#: the student's own correlation beside them, as ``"lesson-02"``).
_OTHER_NAMES = {"lesson-02": N_("your correlation from lesson 02")}


def display_name(method: str) -> str:
    """The name of a method (or of a row the speed lesson adds) in the current language.

    Parameters
    ----------
    method : str
        A method id of :data:`METHODS` (``"opencv-filter2d"``) or ``"lesson-02"``.

    Returns
    -------
    str
        The translated name; an unknown id is returned as it is.

    Examples
    --------
    >>> from convlab.i18n import set_language
    >>> set_language("en")
    >>> display_name("numpy-separable")
    'NumPy, two 1-D passes (separable)'
    """
    if not isinstance(method, str):
        raise TypeError(f"`method` must be a method id (str); got {type(method).__name__}")
    if method in BY_NAME:
        return BY_NAME[method].display_name
    return _(_OTHER_NAMES[method]) if method in _OTHER_NAMES else method
