"""The checks' reference results agree with independent libraries."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import scipy.signal
from skimage.color import rgb2gray

from convlab.checks import _oracles

SEEDS = range(5)


@pytest.mark.parametrize("seed", SEEDS)
def test_correlate_and_convolve_match_scipy(seed):
    rng = np.random.default_rng(seed)
    image = rng.normal(size=tuple(rng.integers(5, 12, size=2)))
    kernel = rng.normal(size=tuple(rng.integers(1, 5, size=2)))
    np.testing.assert_allclose(
        _oracles.correlate_valid(image, kernel), scipy.signal.correlate2d(image, kernel, "valid")
    )
    np.testing.assert_allclose(
        _oracles.convolve_valid(image, kernel), scipy.signal.convolve2d(image, kernel, "valid")
    )


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
def test_correlate_same_matches_opencv_borders(mode):
    border = {
        "constant": cv2.BORDER_CONSTANT,
        "edge": cv2.BORDER_REPLICATE,
        "reflect": cv2.BORDER_REFLECT_101,
        "symmetric": cv2.BORDER_REFLECT,
        "wrap": cv2.BORDER_WRAP,
    }[mode]
    rng = np.random.default_rng(1)
    image = rng.normal(size=(7, 9))
    kernel = rng.normal(size=(3, 5))
    if mode == "wrap":  # OpenCV's filter2D does not support BORDER_WRAP: pad, then filter valid
        padded = cv2.copyMakeBorder(image, 1, 1, 2, 2, border)
        expected = _oracles.correlate_valid(padded, kernel)
    else:
        expected = cv2.filter2D(image, -1, kernel, anchor=(2, 1), borderType=border)
    np.testing.assert_allclose(_oracles.correlate_same(image, kernel, mode), expected, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_grayscale_matches_skimage(dtype):
    rng = np.random.default_rng(2)
    rgb = rng.integers(0, 256, size=(4, 5, 3)).astype(np.uint8)
    rgb = rgb if dtype == np.uint8 else rgb / 255.0
    np.testing.assert_allclose(_oracles.to_grayscale(rgb), rgb2gray(rgb))


@pytest.mark.parametrize("amount", [-200, -1, 0, 1, 37, 255])
def test_brighten_saturates_like_cv2_add(amount):
    image = np.arange(0, 256, 5, dtype=np.uint8).reshape(1, -1)
    expected = (
        cv2.add(image, np.full_like(image, abs(amount)))
        if amount >= 0
        else cv2.subtract(image, np.full_like(image, -amount))
    )
    np.testing.assert_array_equal(_oracles.brighten(image, amount), expected)
