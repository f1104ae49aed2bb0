"""Checks of lesson 09 (edge detection): right answers pass, mistakes get their diagnosis,
``sobel_gradients`` is from scratch, and the expected values agree with convlab, OpenCV,
SciPy and scikit-image.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import scipy.ndimage
import skimage.filters

import convlab
import convlab.checks
from convlab.checks import CheckFailed, lesson09

from .helpers import passes, rejection

SEED = 20240609


# -- right answers, written as a student would -----------------------------------


def sobel_gradients(image):
    p = np.pad(image.astype(np.float64), 1, mode="reflect")
    h, w = image.shape

    def at(dy, dx):  # the neighbour at offset (dy, dx), for every pixel
        return p[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]

    gx = (at(-1, 1) + 2 * at(0, 1) + at(1, 1)) - (at(-1, -1) + 2 * at(0, -1) + at(1, -1))
    gy = (at(1, -1) + 2 * at(1, 0) + at(1, 1)) - (at(-1, -1) + 2 * at(-1, 0) + at(-1, 1))
    return gx, gy


def gradient_magnitude(gx, gy):
    return np.hypot(gx.astype(np.float64), gy.astype(np.float64))


def edge_map(image, threshold):
    return gradient_magnitude(*sobel_gradients(image)) > threshold


RIGHT = {
    "sobel_gradients": sobel_gradients,
    "gradient_magnitude": gradient_magnitude,
    "edge_map": edge_map,
}


@pytest.mark.parametrize("check", sorted(RIGHT))
def test_right_answers_pass_public_and_hidden(check, capsys):
    assert passes(check, RIGHT[check], [0, 1, SEED], capsys) == 4


def test_a_stacked_array_is_accepted_for_the_pair(capsys):
    convlab.checks.sobel_gradients(lambda im: np.stack(sobel_gradients(im)))
    assert "✓" in capsys.readouterr().out


# -- the expected values agree with the libraries ---------------------------------


@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_gradient_oracle_matches_cv2_sobel_scipy_and_convlab(dtype):
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, size=(11, 14)).astype(dtype)
    gx, gy = lesson09.gradients(image)
    f = image.astype(np.float64)
    np.testing.assert_allclose(gx, cv2.Sobel(f, cv2.CV_64F, 1, 0, ksize=3))
    np.testing.assert_allclose(gy, cv2.Sobel(f, cv2.CV_64F, 0, 1, ksize=3))
    np.testing.assert_allclose(gx, scipy.ndimage.sobel(f, axis=1, mode="mirror"))
    np.testing.assert_allclose(gy, scipy.ndimage.sobel(f, axis=0, mode="mirror"))
    cx, cy = convlab.sobel_gradients(image)
    np.testing.assert_allclose(gx, cx)
    np.testing.assert_allclose(gy, cy)


def test_magnitude_oracle_is_skimage_sobel_times_four_sqrt2_inside():
    """skimage.filters.sobel = sqrt((gx/4)**2 + (gy/4)**2) / sqrt(2), 'reflect' border."""
    rng = np.random.default_rng(4)
    image = rng.uniform(size=(12, 15))
    magnitude = np.hypot(*lesson09.gradients(image))
    ours = magnitude / (4 * np.sqrt(2))
    np.testing.assert_allclose(ours, skimage.filters.sobel(image, mode="mirror"), atol=1e-12)


def test_gradient_operators_match_opencv_scharr_and_scipy_prewitt():
    rng = np.random.default_rng(5)
    f = rng.uniform(size=(9, 10))
    gx, gy = lesson09.gradients(f, operator="scharr")
    np.testing.assert_allclose(gx, cv2.Scharr(f, cv2.CV_64F, 1, 0))
    np.testing.assert_allclose(gy, cv2.Scharr(f, cv2.CV_64F, 0, 1))
    px, py = lesson09.gradients(f, operator="prewitt")
    np.testing.assert_allclose(px, scipy.ndimage.prewitt(f, axis=1, mode="mirror"))
    np.testing.assert_allclose(py, scipy.ndimage.prewitt(f, axis=0, mode="mirror"))


# -- diagnoses ----------------------------------------------------------------


def _convolved(image):
    gx, gy = sobel_gradients(image)
    return -gx, -gy


def _in_uint8(image):
    p = np.pad(image, 1, mode="reflect")  # stays uint8: differences wrap around
    h, w = image.shape

    def at(dy, dx):
        return p[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]

    gx = (at(-1, 1) + 2 * at(0, 1) + at(1, 1)) - (at(-1, -1) + 2 * at(0, -1) + at(1, -1))
    gy = (at(1, -1) + 2 * at(1, 0) + at(1, 1)) - (at(-1, -1) + 2 * at(-1, 0) + at(-1, 1))
    return gx, gy


def _zero_border(image):
    p = np.pad(image.astype(float), 1)
    kx, ky = convlab.sobel_kernels()
    windows = np.lib.stride_tricks.sliding_window_view(p, (3, 3))
    return np.einsum("ijkl,kl->ij", windows, kx), np.einsum("ijkl,kl->ij", windows, ky)


def _valid(image):
    gx, gy = sobel_gradients(image)
    return gx[1:-1, 1:-1], gy[1:-1, 1:-1]


def _edges_with(magnitude, compare=np.greater):
    return lambda image, t: compare(magnitude(*sobel_gradients(image)), t)


CASES = [
    ("sobel_gradients", lambda im: sobel_gradients(im)[::-1], "swapped"),
    ("sobel_gradients", _convolved, "convolution"),
    ("sobel_gradients", lambda im: (sobel_gradients(im)[0], -sobel_gradients(im)[1]), "downwards"),
    ("sobel_gradients", _in_uint8, "wrapped around modulo 256"),
    ("sobel_gradients", _zero_border, "'constant'"),
    ("sobel_gradients", lambda im: tuple(g / 8 for g in sobel_gradients(im)), "divided by 8"),
    ("sobel_gradients", _valid, "'valid'"),
    ("sobel_gradients", lambda im: np.hypot(*sobel_gradients(im)), "two arrays"),
    (
        "sobel_gradients",
        lambda im: tuple(
            scipy.ndimage.prewitt(im.astype(float), axis=a, mode="mirror") for a in (1, 0)
        ),
        "called",
    ),
    ("gradient_magnitude", lambda gx, gy: np.abs(gx) + np.abs(gy), "|gx| + |gy|"),
    (
        "gradient_magnitude",
        lambda gx, gy: gx.astype(float) ** 2 + gy.astype(float) ** 2,
        "square root",
    ),
    ("gradient_magnitude", lambda gx, gy: np.maximum(np.abs(gx), np.abs(gy)), "max(|gx|, |gy|)"),
    ("gradient_magnitude", lambda gx, gy: np.sqrt(gx * gx + gy * gy), "overflowed"),
    ("gradient_magnitude", np.hypot, "not precise enough"),
    ("edge_map", _edges_with(gradient_magnitude, np.greater_equal), ">="),
    ("edge_map", _edges_with(gradient_magnitude, np.less_equal), "inverted"),
    ("edge_map", _edges_with(lambda gx, gy: np.abs(gx) + np.abs(gy)), "|gx| + |gy|"),
    ("edge_map", _edges_with(lambda gx, gy: np.abs(gx)), "only gx"),
    ("edge_map", lambda im, t: gradient_magnitude(*_zero_border(im)) > t, "zero padded"),
    ("edge_map", lambda im, t: gradient_magnitude(*_in_uint8(im)) > t, "uint8 arithmetic"),
    ("edge_map", lambda im, t: gradient_magnitude(*sobel_gradients(im)), "boolean array"),
    ("edge_map", lambda im, t: edge_map(im, t).astype(np.uint8) * 255, "0 and 255"),
]


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"),
    CASES,
    ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(CASES)],
)
def test_wrong_solution_is_rejected_with_its_diagnosis(check, wrong, diagnosis):
    message = rejection(check, wrong, SEED)
    assert diagnosis in message, message


@pytest.mark.parametrize(
    "library",
    [
        lambda im: (
            cv2.Sobel(im.astype(float), cv2.CV_64F, 1, 0),
            cv2.Sobel(im.astype(float), cv2.CV_64F, 0, 1),
        ),
        lambda im: convlab.sobel_gradients(im),
        lambda im: (skimage.filters.sobel_v(im) * 4, skimage.filters.sobel_h(im) * 4),
    ],
    ids=["cv2.Sobel", "convlab", "skimage"],
)
def test_sobel_gradients_refuses_library_filters(library):
    with pytest.raises(CheckFailed, match="yourself"):
        convlab.checks.sobel_gradients(library)


def test_library_sobel_passes_with_from_scratch_off(capsys):
    convlab.checks.sobel_gradients(
        lambda im: tuple(cv2.Sobel(im.astype(float), cv2.CV_64F, *d) for d in ((1, 0), (0, 1))),
        from_scratch=False,
    )
    assert "✓" in capsys.readouterr().out
