"""Kernel factories against OpenCV, scipy.ndimage and closed forms."""

import math

import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi
from scipy.special import comb

import convlab
from convlab import (
    binomial_kernel,
    box_kernel,
    correlate2d,
    gaussian_kernel,
    gaussian_kernel1d,
    identity_kernel,
    laplacian_kernel,
    outline_kernel,
    prewitt_kernels,
    scharr_kernels,
    sharpen_kernel,
    sobel_kernels,
)

GRADIENTS = {"sobel": sobel_kernels, "scharr": scharr_kernels, "prewitt": prewitt_kernels}
ALL_FACTORIES = [
    lambda: identity_kernel(5),
    lambda: box_kernel(4),
    lambda: binomial_kernel(5),
    lambda: gaussian_kernel(5, 1.2),
    lambda: gaussian_kernel1d(5, 1.2),
    sharpen_kernel,
    outline_kernel,
    laplacian_kernel,
    lambda: sobel_kernels()[0],
    lambda: scharr_kernels()[1],
    lambda: prewitt_kernels()[0],
]


@pytest.mark.parametrize("factory", ALL_FACTORIES)
def test_factories_return_fresh_float64_arrays(factory):
    first = factory()
    assert first.dtype == np.float64
    first[...] = 123.0
    assert not np.all(factory() == 123.0)


@pytest.mark.parametrize("size", [1, 3, 7])
def test_identity_kernel_leaves_image_unchanged(size):
    image = np.random.default_rng(0).random((9, 8))
    np.testing.assert_array_equal(
        correlate2d(image, identity_kernel(size), padding="same", mode="reflect"), image
    )


@pytest.mark.parametrize("size", [1, 2, 3, 6])
def test_box_kernel(size):
    kernel = box_kernel(size)
    assert kernel.shape == (size, size)
    np.testing.assert_allclose(kernel, 1 / size**2)
    assert math.isclose(kernel.sum(), 1.0)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
def test_binomial_kernel_rows_of_pascal(size):
    row = comb(size - 1, np.arange(size)) / 2 ** (size - 1)
    np.testing.assert_array_equal(binomial_kernel(size), np.outer(row, row))
    assert binomial_kernel(size).sum() == 1.0


def test_binomial_5_is_1_4_6_4_1():
    np.testing.assert_array_equal(binomial_kernel(5)[2] * 16 / 6 * 16, [1, 4, 6, 4, 1])


@pytest.mark.parametrize(("size", "sigma"), [(3, 0.5), (5, 1.0), (7, 1.5), (9, 3.0), (1, 2.0)])
def test_gaussian_kernel1d_equals_cv2(size, sigma):
    np.testing.assert_allclose(
        gaussian_kernel1d(size, sigma), cv2.getGaussianKernel(size, sigma)[:, 0], rtol=1e-12
    )


@pytest.mark.parametrize(("size", "sigma"), [(3, 0.8), (5, 1.0), (7, 2.0), (11, 1.7)])
def test_gaussian_kernel_equals_scipy_gaussian_filter_impulse_response(size, sigma):
    radius = size // 2
    response = ndi.gaussian_filter(
        np.pad([[1.0]], radius), sigma, mode="constant", truncate=radius / sigma
    )
    kernel = gaussian_kernel(size, sigma)
    np.testing.assert_allclose(kernel, response, rtol=1e-12, atol=1e-15)
    assert math.isclose(kernel.sum(), 1.0)
    np.testing.assert_allclose(kernel, np.outer(*[gaussian_kernel1d(size, sigma)] * 2))
    # Closed form before normalization: exp(-(x^2 + y^2) / (2 sigma^2)).
    x = np.arange(size) - radius
    raw = np.exp(-(x[:, None] ** 2 + x[None, :] ** 2) / (2 * sigma**2))
    np.testing.assert_allclose(kernel, raw / raw.sum(), rtol=1e-12)


def test_the_2_std_squared_bug_is_a_wider_gaussian():
    size, sigma = 9, 1.3
    x = np.arange(size) - size // 2
    buggy = np.exp(-(x[:, None] ** 2 + x[None, :] ** 2) / (2 * sigma) ** 2)
    buggy /= buggy.sum()
    assert not np.allclose(buggy, gaussian_kernel(size, sigma))
    np.testing.assert_allclose(buggy, gaussian_kernel(size, sigma * math.sqrt(2)), rtol=1e-12)


def test_gaussian_blur_equals_cv2_gaussian_blur():
    image = np.random.default_rng(1).random((20, 17))
    ours = correlate2d(image, gaussian_kernel(7, 1.4), padding="same", mode="reflect")
    expected = cv2.GaussianBlur(image, (7, 7), 1.4, borderType=cv2.BORDER_REFLECT_101)
    np.testing.assert_allclose(ours, expected, rtol=1e-10)


def test_laplacian_kernels():
    image = np.random.default_rng(2).random((10, 12))
    four = correlate2d(image, laplacian_kernel(), padding="same", mode="reflect")
    np.testing.assert_allclose(four, ndi.laplace(image, mode="mirror"), atol=1e-12)
    np.testing.assert_allclose(
        four,
        cv2.Laplacian(image, cv2.CV_64F, ksize=1, borderType=cv2.BORDER_REFLECT_101),
        atol=1e-12,
    )
    np.testing.assert_array_equal(
        laplacian_kernel(diagonals=True), [[1, 1, 1], [1, -8, 1], [1, 1, 1]]
    )
    assert laplacian_kernel().sum() == laplacian_kernel(diagonals=True).sum() == 0


def test_outline_and_sharpen():
    np.testing.assert_array_equal(outline_kernel(), [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])
    np.testing.assert_array_equal(sharpen_kernel(), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    flat = np.full((5, 5), 7.0)
    np.testing.assert_array_equal(
        correlate2d(flat, outline_kernel(), padding="same", mode="edge"), 0
    )
    np.testing.assert_array_equal(
        correlate2d(flat, sharpen_kernel(), padding="same", mode="edge"), 7
    )


@pytest.mark.parametrize("name", GRADIENTS)
def test_gradient_sign_convention(name):
    kx, ky = GRADIENTS[name]()
    np.testing.assert_array_equal(ky, kx.T)
    ramp = np.tile(np.arange(6.0), (6, 1))  # increases left -> right
    assert np.all(correlate2d(ramp, kx) > 0)
    assert np.all(correlate2d(ramp, ky) == 0)
    assert np.all(correlate2d(ramp.T, ky) > 0)  # increases top -> bottom
    assert np.all(convolve_sign(ramp, kx) < 0)  # convolution flips the sign
    assert kx.sum() == 0


def convolve_sign(image, kernel):
    return correlate2d(image, kernel[::-1, ::-1])


@pytest.mark.parametrize(
    ("name", "cv_function"),
    [
        ("sobel", lambda im, dx, dy: cv2.Sobel(im, cv2.CV_64F, dx, dy, ksize=3)),
        ("scharr", lambda im, dx, dy: cv2.Scharr(im, cv2.CV_64F, dx, dy)),
    ],
)
def test_gradients_equal_opencv(name, cv_function):
    image = np.random.default_rng(3).random((11, 13))
    kx, ky = GRADIENTS[name]()
    np.testing.assert_allclose(
        correlate2d(image, kx, padding="same", mode="reflect"), cv_function(image, 1, 0), atol=1e-12
    )
    np.testing.assert_allclose(
        correlate2d(image, ky, padding="same", mode="reflect"), cv_function(image, 0, 1), atol=1e-12
    )


@pytest.mark.parametrize(
    ("name", "scipy_function"), [("sobel", ndi.sobel), ("prewitt", ndi.prewitt)]
)
def test_gradients_equal_scipy(name, scipy_function):
    image = np.random.default_rng(4).random((9, 10))
    kx, ky = GRADIENTS[name]()
    np.testing.assert_allclose(
        correlate2d(image, kx, padding="same", mode="reflect"),
        scipy_function(image, axis=1, mode="mirror"),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        correlate2d(image, ky, padding="same", mode="reflect"),
        scipy_function(image, axis=0, mode="mirror"),
        atol=1e-12,
    )


@pytest.mark.parametrize(
    "factory",
    [identity_kernel, lambda s: gaussian_kernel(s, 1.0), lambda s: gaussian_kernel1d(s, 1.0)],
)
def test_odd_size_required(factory):
    with pytest.raises(ValueError, match=r"^`size` must be a positive odd integer; got 4\.$"):
        factory(4)
    with pytest.raises(ValueError, match=r"^`size` must be a positive odd integer; got 0\.$"):
        factory(0)
    with pytest.raises(TypeError, match=r"^`size` must be a positive odd integer; got 3\.0"):
        factory(3.0)


@pytest.mark.parametrize("factory", [box_kernel, binomial_kernel])
def test_even_sizes_allowed_but_positive_required(factory):
    assert factory(2).shape == (2, 2)
    with pytest.raises(ValueError, match=r"^`size` must be an integer >= 1; got 0\.$"):
        factory(0)
    with pytest.raises(TypeError, match=r"^`size` must be an integer; got True"):
        factory(True)


def test_sigma_and_diagonals_errors():
    with pytest.raises(ValueError, match=r"^`sigma` must be a finite number > 0; got 0\.0\.$"):
        gaussian_kernel(3, 0)
    with pytest.raises(ValueError, match=r"^`sigma` must be a finite number > 0; got -1\.0\.$"):
        gaussian_kernel1d(3, -1)
    with pytest.raises(TypeError, match=r"^`sigma` must be a real number"):
        gaussian_kernel(3, "1")
    with pytest.raises(TypeError, match=r"^`diagonals` must be a bool; got int"):
        laplacian_kernel(1)


@pytest.mark.parametrize("sigma", [0.3, 0.5, 1.0, 1.37, 2.0, 4.9])
@pytest.mark.parametrize("truncate", [2.0, 3.0, 4.0])
def test_gaussian_radius_is_the_support_of_scipy_gaussian_filter(sigma, truncate):
    import scipy.ndimage

    impulse = np.zeros(101)
    impulse[50] = 1.0
    blurred = scipy.ndimage.gaussian_filter1d(impulse, sigma, truncate=truncate, mode="constant")
    support = np.flatnonzero(blurred)
    radius = convlab.gaussian_radius(sigma, truncate=truncate)
    assert (support[0], support[-1]) == (50 - radius, 50 + radius)


def test_gaussian_radius_refuses_non_positive_values():
    with pytest.raises(ValueError, match="sigma"):
        convlab.gaussian_radius(0)
    with pytest.raises(ValueError, match="truncate"):
        convlab.gaussian_radius(1.0, truncate=-1)
