"""Separable kernels: rank test, factorization, and two-pass filtering equal to 2-D."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convlab
from convlab import (
    BORDER_MODES,
    binomial_kernel,
    box_kernel,
    correlate2d,
    gaussian_kernel,
    is_separable,
    laplacian_kernel,
    outline_kernel,
    prewitt_kernels,
    scharr_kernels,
    separable_correlate2d,
    separate,
    sharpen_kernel,
    sobel_kernels,
)

SETTINGS = settings(max_examples=50, deadline=None)

SEPARABLE = {
    "box": box_kernel(4),
    "binomial": binomial_kernel(5),
    "gaussian": gaussian_kernel(7, 1.5),
    "sobel_x": sobel_kernels()[0],
    "sobel_y": sobel_kernels()[1],
    "scharr_x": scharr_kernels()[0],
    "prewitt_y": prewitt_kernels()[1],
    "row": np.array([[1.0, -2.0, 4.0]]),
    "column": np.array([[3.0], [5.0]]),
    "single": np.array([[-2.0]]),
    "zeros": np.zeros((3, 3)),
    "outer_int": np.outer([1, 2, 4], [1, 8, 64, 512]),
}
NOT_SEPARABLE = {
    "laplacian": laplacian_kernel(),
    "laplacian8": laplacian_kernel(diagonals=True),
    "sharpen": sharpen_kernel(),
    "outline": outline_kernel(),
    "anti_diagonal": np.array([[0.0, 1.0], [1.0, 0.0]]),
    "random": np.random.default_rng(0).random((3, 3)),
}


@pytest.mark.parametrize("name", SEPARABLE)
def test_separable_kernels_are_detected_and_factored(name):
    kernel = SEPARABLE[name]
    assert is_separable(kernel) is True
    column, row = separate(kernel)
    assert column.shape == (kernel.shape[0],) and row.shape == (kernel.shape[1],)
    assert column.dtype == row.dtype == np.float64
    np.testing.assert_allclose(np.outer(column, row), kernel, atol=1e-12)


@pytest.mark.parametrize("name", NOT_SEPARABLE)
def test_non_separable_kernels(name):
    assert is_separable(NOT_SEPARABLE[name]) is False
    with pytest.raises(
        ValueError, match=r"^`kernel` is not separable \(rank 1\): its singular values"
    ):
        separate(NOT_SEPARABLE[name])


def test_symmetric_kernels_split_into_equal_halves():
    column, row = separate(binomial_kernel(5))
    np.testing.assert_allclose(column, row, atol=1e-15)
    np.testing.assert_allclose(column, np.array([1, 4, 6, 4, 1]) / 16, atol=1e-15)
    column, row = separate(gaussian_kernel(5, 1.0))
    np.testing.assert_allclose(column.sum(), 1.0)


def test_split_is_balanced_with_positive_column():
    column, row = separate(-sobel_kernels()[0])
    assert column[np.argmax(np.abs(column))] > 0
    np.testing.assert_allclose(np.linalg.norm(column), np.linalg.norm(row))
    np.testing.assert_allclose(column / column[1], [0.5, 1.0, 0.5])
    np.testing.assert_allclose(row / row[2], [-1.0, 0.0, 1.0])


def test_tolerance():
    kernel = np.outer([1.0, 2.0], [3.0, 4.0])
    kernel[0, 0] += 1e-6
    assert not is_separable(kernel)
    assert is_separable(kernel, tol=1e-5)
    column, row = separate(kernel, tol=1e-5)
    np.testing.assert_allclose(np.outer(column, row), kernel, atol=1e-5)
    with pytest.raises(ValueError, match=r"^`tol` must be >= 0; got -1\.0\.$"):
        is_separable(kernel, tol=-1)


@SETTINGS
@given(
    kh=st.integers(1, 5),
    kw=st.integers(1, 5),
    padding=st.sampled_from(["valid", "same", "full", 2, ((0, 3), (1, 0))]),
    mode=st.sampled_from(BORDER_MODES),
    channels=st.sampled_from([None, 3]),
    seed=st.integers(0, 2**16),
)
def test_two_passes_equal_the_2d_correlation(kh, kw, padding, mode, channels, seed):
    rng = np.random.default_rng(seed)
    shape = (9, 10) if channels is None else (9, 10, channels)
    image = rng.standard_normal(shape)
    column, row = rng.standard_normal(kh), rng.standard_normal(kw)
    np.testing.assert_allclose(
        separable_correlate2d(image, column, row, padding=padding, mode=mode, cval=0.5),
        correlate2d(image, np.outer(column, row), padding=padding, mode=mode, cval=0.5),
        atol=1e-12,
    )


def test_impulse_shows_both_passes():
    image = np.zeros((3, 3))
    image[1, 1] = 1
    out = separable_correlate2d(image, [1, 2, 4], [1, 8, 64], padding="same")
    np.testing.assert_array_equal(out, np.outer([1, 2, 4], [1, 8, 64])[::-1, ::-1])


def test_dtypes_and_non_contiguous():
    base = np.random.default_rng(1).integers(0, 256, (12, 14)).astype(np.uint8)
    image = base[::2, ::-1]
    column, row = separate(binomial_kernel(3))
    out = separable_correlate2d(image, column[::-1], row, padding="same", mode="edge")
    assert out.dtype == np.float64
    np.testing.assert_allclose(
        out, correlate2d(image, binomial_kernel(3), padding="same", mode="edge"), rtol=1e-12
    )
    out32 = separable_correlate2d(image.astype(np.float32), column, row)
    assert out32.dtype == np.float32


def test_separable_errors():
    image = np.ones((4, 4))
    with pytest.raises(ValueError, match=r"^`column` must be a 1-D array; got shape \(3, 1\)\.$"):
        separable_correlate2d(image, np.ones((3, 1)), np.ones(3))
    with pytest.raises(ValueError, match=r"^`row` must not be empty"):
        separable_correlate2d(image, np.ones(3), np.ones(0))
    with pytest.raises(ValueError, match=r"got 'nearest' \(scipy's 'nearest' is 'edge' here\)"):
        separable_correlate2d(image, np.ones(3), np.ones(3), mode="nearest")
    with pytest.raises(
        ValueError, match=r"^`kernel` \(effective size \(5, 1\) with dilation\) is larger"
    ):
        separable_correlate2d(image, np.ones(5), np.ones(1))
    with pytest.raises(ValueError, match=r"^`kernel` must be a 2-D \(H, W\) array"):
        is_separable(np.ones(3))
    with pytest.raises(TypeError, match=r"real numeric dtype"):
        separate(np.full((2, 2), "x"))


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("strip_bytes", [1, 100, 10**7])
@pytest.mark.parametrize("mode", ["constant", "symmetric"])
def test_strips_and_threads_do_not_change_the_result(monkeypatch, threads, strip_bytes, mode):
    import convlab.convolution as module

    rng = np.random.default_rng(2)
    image = rng.standard_normal((21, 19, 3)).astype(np.float32)
    column, row = rng.standard_normal(5), rng.standard_normal(3)
    expected = separable_correlate2d(image, column, row, padding="same", mode=mode)
    monkeypatch.setattr(module, "THREADS", threads)
    monkeypatch.setattr(module, "STRIP_BYTES", strip_bytes)
    got = separable_correlate2d(image, column, row, padding="same", mode=mode)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)


def test_float32_kernels_get_a_float32_tolerance():
    """Rounding to float32 leaves a second singular value near 1e-8: still separable."""
    column = np.array([-0.0468, 0.2574, 0.2743, 0.3483])
    kernel = np.outer(column, [-2.478, 6.14]).astype(np.float32)
    assert is_separable(kernel)
    c, r = separate(kernel)
    np.testing.assert_allclose(np.outer(c, r), kernel, atol=1e-6)
    assert not is_separable(np.array([[1, 0], [0, 1e-4]], np.float32))


# -- gaussian_blur: oracles (scipy, scikit-image, OpenCV) ---------------------------

_SCIPY_MODES = {
    "constant": "constant",
    "edge": "nearest",
    "reflect": "mirror",
    "symmetric": "reflect",
    "wrap": "wrap",
}


@pytest.mark.parametrize("mode", sorted(_SCIPY_MODES))
@pytest.mark.parametrize("sigma", [0.7, 1.0, 2.5])
def test_gaussian_blur_matches_scipy_gaussian_filter(mode, sigma):
    import scipy.ndimage

    image = np.random.default_rng(0).uniform(0, 255, size=(23, 31))
    ours = convlab.gaussian_blur(image, sigma, mode=mode)
    theirs = scipy.ndimage.gaussian_filter(image, sigma, mode=_SCIPY_MODES[mode], truncate=4.0)
    np.testing.assert_allclose(ours, theirs, atol=1e-10)


def test_gaussian_blur_matches_skimage_and_opencv_on_color_and_uint8():
    import cv2
    import skimage.filters

    image = np.random.default_rng(1).integers(0, 256, size=(20, 27, 3), dtype=np.uint8)
    sigma = 1.6
    ours = convlab.gaussian_blur(image, sigma)
    assert ours.dtype == np.float64 and ours.shape == image.shape
    theirs = skimage.filters.gaussian(
        image, sigma=sigma, mode="mirror", preserve_range=True, channel_axis=-1
    )
    np.testing.assert_allclose(ours, theirs, atol=1e-9)
    size = 2 * convlab.gaussian_radius(sigma) + 1
    opencv = cv2.GaussianBlur(image.astype(np.float64), (size, size), sigma)
    np.testing.assert_allclose(ours, opencv, atol=1e-9)


def test_gaussian_blur_keeps_float32_and_refuses_bad_sigma():
    image = np.ones((9, 9), np.float32)
    out = convlab.gaussian_blur(image, 1.0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, 1.0, rtol=1e-6)
    with pytest.raises(ValueError, match="sigma"):
        convlab.gaussian_blur(image, 0.0)
    with pytest.raises(TypeError, match="sigma"):
        convlab.gaussian_blur(image, "2")
