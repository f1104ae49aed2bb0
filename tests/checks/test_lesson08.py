"""Checks of lesson 08 (Gaussian and separable filters): right answers pass, mistakes get their
diagnosis, ``blur_separable`` is from scratch, and the expected values agree with convlab,
OpenCV and SciPy.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import scipy.ndimage

import convlab
import convlab.checks
from convlab.checks import CheckFailed, lesson08

from .helpers import caught_and_named, mutating, passes

SEED = 20240608


# -- right answers, written as a student would -----------------------------------


def gaussian_1d(sigma, radius):
    x = np.arange(-radius, radius + 1)
    g = np.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def separate(kernel):
    u, s, vt = np.linalg.svd(kernel.astype(float))
    return u[:, 0] * np.sqrt(s[0]), vt[0] * np.sqrt(s[0])


def separate_by_largest_entry(kernel):
    kernel = kernel.astype(float)
    i, j = np.unravel_index(np.argmax(np.abs(kernel)), kernel.shape)
    return kernel[:, j] / kernel[i, j], kernel[i, :]


def _pass(image, k1d, axis, mode="reflect"):
    r = len(k1d) // 2
    widths = [(r, r), (0, 0)] if axis == 0 else [(0, 0), (r, r)]
    padded = np.pad(image.astype(np.float64), widths, mode=mode)
    out = np.zeros(image.shape)
    for t, weight in enumerate(k1d):
        if axis == 0:
            out += weight * padded[t : t + image.shape[0], :]
        else:
            out += weight * padded[:, t : t + image.shape[1]]
    return out


def blur_separable(image, k1d):
    return _pass(_pass(image, k1d, 0), k1d, 1)


RIGHT = {
    "gaussian_1d": gaussian_1d,
    "separate": separate,
    "blur_separable": blur_separable,
}


@pytest.mark.parametrize("check", sorted(RIGHT))
def test_right_answers_pass_public_and_hidden(check, capsys):
    assert passes(check, RIGHT[check], [0, 1, SEED], capsys) == 4


def test_any_balanced_or_unbalanced_split_passes(capsys):
    convlab.checks.run("separate", separate_by_largest_entry, hidden=True, seed=SEED)
    convlab.checks.run("separate", lambda k: tuple(convlab.separate(k)), hidden=True, seed=SEED)
    assert capsys.readouterr().out.count("✓") == 2


# -- the expected values agree with the libraries ---------------------------------


@pytest.mark.parametrize(("sigma", "radius"), [(1.0, 3), (2.0, 8), (0.7, 2), (3.3, 10)])
def test_gaussian_taps_match_convlab_and_opencv(sigma, radius):
    taps = lesson08.gaussian_taps(sigma, radius)
    np.testing.assert_allclose(taps, convlab.gaussian_kernel1d(2 * radius + 1, sigma), atol=1e-15)
    np.testing.assert_allclose(
        taps, cv2.getGaussianKernel(2 * radius + 1, sigma).ravel(), atol=1e-12
    )


@pytest.mark.parametrize("dtype", [np.float64, np.uint8])
def test_blur_oracle_matches_opencv_scipy_and_convlab(dtype):
    rng = np.random.default_rng(0)
    image = (rng.uniform(0, 255, size=(9, 12))).astype(dtype)
    k1d = np.array([0.1, 0.2, 0.3, 0.25, 0.15])
    expected = lesson08.BlurSeparable().expected(lesson08.Case((image, k1d)))
    f = image.astype(np.float64)
    np.testing.assert_allclose(
        expected, cv2.sepFilter2D(f, cv2.CV_64F, k1d, k1d, borderType=cv2.BORDER_REFLECT_101)
    )
    np.testing.assert_allclose(
        expected, scipy.ndimage.correlate(f, np.outer(k1d, k1d), mode="mirror")
    )
    np.testing.assert_allclose(
        expected, convlab.separable_correlate2d(f, k1d, k1d, padding="same", mode="reflect")
    )


# -- diagnoses ----------------------------------------------------------------


def _bug_sqrt2(sigma, radius):
    x = np.arange(-radius, radius + 1)
    g = np.exp(-(((x - 0) / (2 * sigma)) ** 2))
    return g / g.sum()


def _uint8_intermediate(image, k1d):
    first = _pass(image, k1d, 0)
    if image.dtype == np.uint8:
        first = first.astype(np.uint8)
    return _pass(first, k1d, 1)


def _svd_unit(kernel):
    u, _s, vt = np.linalg.svd(kernel.astype(float))
    return u[:, 0], vt[0]


def _corner(kernel):
    kernel = kernel.astype(float)
    return kernel[:, 0] / kernel[0, 0], kernel[0, :]


def _uint8_passes(cast):
    """Stores each pass of a uint8 image in uint8, as cv2 would (cast: truncate or round)."""

    def student(image, k1d):
        if image.dtype != np.uint8:
            return blur_separable(image, k1d)
        first = cast(_pass(image, k1d, 0)).astype(np.uint8)
        return cast(_pass(first, k1d, 1)).astype(np.uint8)

    return student


CASES = [
    ("gaussian_1d", _bug_sqrt2, "σ√2"),
    (
        "gaussian_1d",
        lambda s, r: np.exp(-(np.arange(-r, r + 1) ** 2) / (2 * s**2)),
        "do not add up to 1",
    ),
    (
        "gaussian_1d",
        lambda s, r: np.exp(-(np.arange(-r, r + 1) ** 2) / (2 * s**2)) / (s * np.sqrt(2 * np.pi)),
        "1 / (σ√(2π))",
    ),
    ("gaussian_1d", lambda s, r: gaussian_1d(s / np.sqrt(2), r), "σ/√2"),
    ("gaussian_1d", lambda s, r: gaussian_1d(np.sqrt(s), r), "as the variance"),
    ("gaussian_1d", lambda s, r: gaussian_1d(s, r)[r:] * 2, "2r + 1 taps"),
    (
        "gaussian_1d",
        lambda s, r: (lambda g: g / g.sum())(np.exp(-(np.arange(2 * r + 1) ** 2) / (2 * s**2))),
        "not centred",
    ),
    ("separate", _svd_unit, "length 1"),
    ("separate", lambda k: tuple(v * np.linalg.norm(k, 2) for v in _svd_unit(k)), "s[0] times"),
    ("separate", lambda k: (k[:, 0].astype(float), k[0, :].astype(float)), "kernel[0, 0]"),
    ("separate", _corner, "is 0"),
    ("separate", lambda k: separate(k)[::-1], "wrong order"),
    ("separate", lambda k: separate(k.T), "wrong order"),
    ("separate", lambda k: (separate(k)[0][:, None], separate(k)[1]), "1-D"),
    ("separate", lambda k: np.outer(*separate(k)), "tuple of two 1-D arrays"),
    (
        "blur_separable",
        lambda im, k: _pass(_pass(im, k, 0, "constant"), k, 1, "constant"),
        "darkens",
    ),
    ("blur_separable", lambda im, k: _pass(_pass(im, k, 0, "edge"), k, 1, "edge"), "'edge'"),
    ("blur_separable", lambda im, k: _pass(im, k, 0), "Only the vertical pass"),
    ("blur_separable", lambda im, k: _pass(im, k, 1), "Only the horizontal pass"),
    ("blur_separable", lambda im, k: _pass(_pass(im, k, 1), k, 1), "same axis"),
    ("blur_separable", lambda im, k: blur_separable(im, k[::-1]), "flipped"),
    ("blur_separable", _uint8_intermediate, "first pass was stored in a uint8"),
    ("separate", mutating(separate), "changed its input `kernel` in place"),
    ("blur_separable", mutating(blur_separable), "changed its input `image` in place"),
    ("blur_separable", _uint8_passes(np.asarray), "Both passes were stored in uint8"),
    ("blur_separable", _uint8_passes(np.rint), "Both passes were stored in uint8"),
    ("blur_separable", lambda im, k: blur_separable(im, k**2), "was squared"),
    ("blur_separable", lambda im, k: blur_separable(blur_separable(im, k), k), "filtered twice"),
]


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"),
    CASES,
    ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(CASES)],
)
def test_wrong_answer_fails_public_and_hidden_and_is_named(check, wrong, diagnosis):
    caught_and_named(check, wrong, diagnosis, SEED)


def test_sqrt2_diagnosis_names_the_width_it_measured():
    with pytest.raises(CheckFailed) as failed:
        convlab.checks.gaussian_1d(_bug_sqrt2)
    assert f"σ√2 = {np.sqrt(2):.4g}" in str(failed.value)  # the smallest case has σ = 1


def test_valid_output_is_explained():
    def valid(image, k1d):
        r = len(k1d) // 2
        return blur_separable(image, k1d)[r:-r, r:-r]

    with pytest.raises(CheckFailed, match="'valid' output"):
        convlab.checks.blur_separable(valid)


# -- from scratch ----------------------------------------------------------------


@pytest.mark.parametrize(
    "library",
    [
        lambda im, k: cv2.sepFilter2D(
            im.astype(np.float64), cv2.CV_64F, k, k, borderType=cv2.BORDER_REFLECT_101
        ),
        lambda im, k: scipy.ndimage.correlate1d(
            scipy.ndimage.correlate1d(im.astype(float), k, axis=0, mode="mirror"),
            k,
            axis=1,
            mode="mirror",
        ),
        lambda im, k: convlab.separable_correlate2d(im, k, k, padding="same", mode="reflect"),
        lambda im, k: np.apply_along_axis(
            lambda r: np.convolve(np.pad(r, len(k) // 2, mode="reflect"), k[::-1], "valid"),
            1,
            np.apply_along_axis(
                lambda c: np.convolve(np.pad(c, len(k) // 2, mode="reflect"), k[::-1], "valid"),
                0,
                im.astype(float),
            ),
        ),
    ],
    ids=["cv2.sepFilter2D", "scipy.correlate1d", "convlab", "np.convolve"],
)
def test_blur_separable_refuses_library_filters(library):
    with pytest.raises(CheckFailed, match="yourself"):
        convlab.checks.blur_separable(library)
    convlab.checks.blur_separable(library, from_scratch=False)


# -- cases ----------------------------------------------------------------------


def test_hidden_cases_cover_the_edge_cases():
    rng = np.random.default_rng(0)
    separate_cases = lesson08.Separate().hidden_cases(rng)
    kernels = [c.args[0] for c in separate_cases]
    assert any(k[0, 0] == 0 for k in kernels)
    assert any(k.shape == (1, 1) for k in kernels)
    blur = lesson08.BlurSeparable().hidden_cases(rng)
    assert any(c.args[1].size == 1 for c in blur) or any(c.args[1].size >= 5 for c in blur)
    assert {c.args[0].dtype for c in blur} >= {np.dtype(np.uint8), np.dtype(np.float32)}
    gauss = lesson08.GaussianOneD().hidden_cases(rng)
    assert any(c.args[1] == 0 for c in gauss)
    assert any(isinstance(c.args[0], int) for c in gauss)
