"""Reference results computed independently of the library under test.

The checks do not call ``convlab.correlate2d`` or ``convlab.pad`` for their
expected values: those are being written alongside the checks, and a check
that trusted them could not catch a bug they share with a student.  Every
function here is a short NumPy expression (``sliding_window_view`` and
``numpy.pad``) that is easy to verify by eye, and the tests compare them with
scipy and OpenCV.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "GRAY_WEIGHTS",
    "brighten",
    "convolve_valid",
    "correlate_same",
    "correlate_valid",
    "pad",
    "to_grayscale",
]

#: Luma weights of ``skimage.color.rgb2gray`` (ITU-R BT.709), in RGB order.
GRAY_WEIGHTS = (0.2125, 0.7154, 0.0721)


def correlate_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid 2-D cross-correlation of a 2-D image, computed in float64."""
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def convolve_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid 2-D convolution: correlation with the kernel rotated by 180 degrees."""
    return correlate_valid(image, np.asarray(kernel)[::-1, ::-1])


def pad(image: np.ndarray, p: int, mode: str) -> np.ndarray:
    """Pad the two spatial axes by `p` on every side, as ``numpy.pad`` does."""
    image = np.asarray(image)
    widths = [(p, p), (p, p)] + [(0, 0)] * (image.ndim - 2)
    return np.pad(image, widths, mode=mode)


def correlate_same(image: np.ndarray, kernel: np.ndarray, mode: str = "constant") -> np.ndarray:
    """'same' correlation for odd kernels: pad by (k - 1) // 2 per axis, then valid."""
    kernel = np.asarray(kernel)
    ph, pw = (kernel.shape[0] - 1) // 2, (kernel.shape[1] - 1) // 2
    padded = np.pad(np.asarray(image), [(ph, ph), (pw, pw)], mode=mode)
    return correlate_valid(padded, kernel)


def to_grayscale(rgb: np.ndarray, weights=GRAY_WEIGHTS) -> np.ndarray:
    """Luma of an RGB image, float64 in [0, 1] (uint8 input is scaled by 1/255)."""
    rgb = np.asarray(rgb)
    scale = 255.0 if rgb.dtype == np.uint8 else 1.0
    channels = rgb.astype(np.float64) / scale
    return (
        channels[..., 0] * weights[0]
        + channels[..., 1] * weights[1]
        + channels[..., 2] * weights[2]
    )


def brighten(image: np.ndarray, amount: int) -> np.ndarray:
    """Add `amount` to a uint8 image, saturating at 0 and 255 as ``cv2.add`` does."""
    return np.clip(np.asarray(image).astype(np.int64) + int(amount), 0, 255).astype(np.uint8)
