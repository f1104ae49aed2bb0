"""Edge gradients against OpenCV and scipy.ndimage."""

import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi

from convlab import (
    BORDER_MODES,
    border_mode_table,
    gradient_angle,
    gradient_magnitude,
    sobel_gradients,
)

CV2_BORDER = {row["numpy"]: row["opencv_value"] for row in border_mode_table()}
SCIPY_MODE = {row["numpy"]: row["scipy.ndimage"] for row in border_mode_table()}


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_sobel_gradients_equal_cv2_sobel(mode):
    image = np.random.default_rng(0).random((12, 15))
    gx, gy = sobel_gradients(image, mode=mode)
    border = CV2_BORDER[mode]
    np.testing.assert_allclose(
        gx, cv2.Sobel(image, cv2.CV_64F, 1, 0, ksize=3, borderType=border), atol=1e-12
    )
    np.testing.assert_allclose(
        gy, cv2.Sobel(image, cv2.CV_64F, 0, 1, ksize=3, borderType=border), atol=1e-12
    )


@pytest.mark.parametrize("mode", BORDER_MODES)
def test_sobel_gradients_equal_scipy_sobel(mode):
    image = np.random.default_rng(1).random((9, 11))
    gx, gy = sobel_gradients(image, mode=mode)
    np.testing.assert_allclose(gx, ndi.sobel(image, axis=1, mode=SCIPY_MODE[mode]), atol=1e-12)
    np.testing.assert_allclose(gy, ndi.sobel(image, axis=0, mode=SCIPY_MODE[mode]), atol=1e-12)


def test_default_mode_is_reflect_and_ramp_gives_eight():
    ramp = np.tile(np.arange(7.0), (5, 1))
    gx, gy = sobel_gradients(ramp, mode="edge")
    np.testing.assert_array_equal(gx[:, 1:-1], 8.0)
    np.testing.assert_array_equal(gy, 0.0)
    image = np.random.default_rng(2).random((6, 6))
    np.testing.assert_array_equal(
        sobel_gradients(image)[0], sobel_gradients(image, mode="reflect")[0]
    )


@pytest.mark.parametrize("operator", ["sobel", "scharr", "prewitt"])
def test_magnitude_and_angle(operator):
    image = np.random.default_rng(3).random((10, 9))
    magnitude = gradient_magnitude(image, operator=operator)
    angle = gradient_angle(image, operator=operator)
    if operator == "sobel":
        gx, gy = sobel_gradients(image)
        np.testing.assert_allclose(magnitude, np.sqrt(gx**2 + gy**2), rtol=1e-12)
        np.testing.assert_allclose(angle, np.arctan2(gy, gx), rtol=1e-12)
    if operator == "scharr":
        gx = cv2.Scharr(image, cv2.CV_64F, 1, 0)
        gy = cv2.Scharr(image, cv2.CV_64F, 0, 1)
        np.testing.assert_allclose(magnitude, np.hypot(gx, gy), atol=1e-12)
    if operator == "prewitt":
        gx = ndi.prewitt(image, axis=1, mode="mirror")
        gy = ndi.prewitt(image, axis=0, mode="mirror")
        # Compare directions as unit vectors: where gy is a rounding-level +-0 and gx < 0,
        # the angle may be +pi or -pi, which are the same direction; where both are ~0 it is noise.
        edge = np.hypot(gx, gy) > 1e-9
        np.testing.assert_allclose(
            np.exp(1j * angle[edge]), np.exp(1j * np.arctan2(gy, gx)[edge]), atol=1e-9
        )
    np.testing.assert_allclose(magnitude * np.cos(angle), gx, atol=1e-12)
    assert np.all(magnitude >= 0) and np.all(np.abs(angle) <= np.pi)


@pytest.mark.parametrize(
    ("image", "degrees"),
    [
        (np.tile(np.arange(5.0), (5, 1)), 0.0),  # brighter to the right
        (np.tile(np.arange(5.0), (5, 1))[:, ::-1], 180.0),  # brighter to the left
        (np.tile(np.arange(5.0), (5, 1)).T, 90.0),  # brighter downwards
        (np.tile(np.arange(5.0), (5, 1)).T[::-1], -90.0),  # brighter upwards
    ],
)
def test_angle_directions(image, degrees):
    angle = np.degrees(gradient_angle(image, mode="edge"))
    np.testing.assert_allclose(angle[1:-1, 1:-1], degrees)


def test_flat_image_has_zero_angle_and_magnitude():
    flat = np.full((4, 4), 3.0)
    np.testing.assert_array_equal(gradient_angle(flat), 0.0)
    np.testing.assert_array_equal(gradient_magnitude(flat), 0.0)


def test_channels_dtypes_non_contiguous():
    base = np.random.default_rng(4).integers(0, 256, (10, 12, 3)).astype(np.uint8)
    image = base[::-1, ::2]
    gx, gy = sobel_gradients(image)
    assert gx.shape == image.shape and gx.dtype == np.float64
    for c in range(3):
        np.testing.assert_array_equal(gx[:, :, c], sobel_gradients(image[:, :, c])[0])
    assert gradient_magnitude(image.astype(np.float32)).dtype == np.float32
    # uint8 differences are not wrapped around: 0 -> 255 gives +255 per column step.
    step = np.array([[0, 0, 255, 255]] * 3, dtype=np.uint8)
    assert sobel_gradients(step, mode="edge")[0].max() == 4 * 255


def test_edges_errors():
    image = np.ones((4, 4))
    with pytest.raises(
        ValueError, match=r"^`operator` must be one of 'sobel', 'scharr', 'prewitt'; got 'canny'\.$"
    ):
        gradient_magnitude(image, operator="canny")
    with pytest.raises(ValueError, match=r"got 'mirror' \(scipy's 'mirror' is 'reflect' here\)"):
        sobel_gradients(image, mode="mirror")
    with pytest.raises(ValueError, match=r"got 'circular' \(PyTorch's 'circular' is 'wrap' here\)"):
        gradient_angle(image, mode="circular")
    with pytest.raises(ValueError, match=r"^`image` must not be empty"):
        sobel_gradients(np.ones((0, 4)))
