"""Mosaic: tiles take their centre pixel; optional blur of the small image; region."""

import math

import numpy as np
import pytest
import scipy.ndimage as ndi

from convlab import mosaic


def reference_mosaic(image, block):
    """Oracle: pixel (y, x) takes the centre pixel of its tile, clipped to the image."""
    (bh, bw), (h, w) = block, image.shape[:2]
    out = np.empty(image.shape)
    for y in range(h):
        for x in range(w):
            sy = min((y // bh) * bh + bh // 2, h - 1)
            sx = min((x // bw) * bw + bw // 2, w - 1)
            out[y, x] = image[sy, sx]
    return out


@pytest.mark.parametrize("shape", [(8, 8), (7, 10), (5, 6, 3), (1, 1)])
@pytest.mark.parametrize("block", [1, 2, 3, (2, 4), 16])
def test_mosaic_equals_centre_pixel_reference(shape, block):
    image = np.random.default_rng(0).integers(0, 256, shape).astype(np.uint8)
    pair = (block, block) if isinstance(block, int) else block
    out = mosaic(image, block)
    assert out.shape == image.shape and out.dtype == np.float64
    np.testing.assert_array_equal(out, reference_mosaic(image, pair))


def test_block_one_is_identity_and_tiles_are_constant():
    image = np.random.default_rng(1).random((9, 12))
    np.testing.assert_array_equal(mosaic(image, 1), image)
    out = mosaic(image, 3)
    for y in range(0, 9, 3):
        for x in range(0, 12, 3):
            tile = out[y : y + 3, x : x + 3]
            assert np.all(tile == image[y + 1, x + 1])


def test_blur_is_gaussian_on_the_small_image():
    image = np.random.default_rng(2).random((12, 15))
    sigma = 0.8
    small = image[1::3, 1::3]
    radius = math.ceil(3 * sigma)
    blurred = ndi.gaussian_filter(small, sigma, mode="nearest", truncate=radius / sigma)
    expected = np.repeat(np.repeat(blurred, 3, axis=0), 3, axis=1)
    np.testing.assert_allclose(mosaic(image, 3, blur=sigma), expected, rtol=1e-12)
    assert mosaic(image, 3, blur=sigma).std() < mosaic(image, 3).std()


def test_region_only_changes_the_region():
    image = np.random.default_rng(3).random((10, 12, 3)).astype(np.float32)
    region = (2, 3, 8, 11)
    out = mosaic(image, 2, region=region)
    assert out.dtype == np.float32
    top, left, bottom, right = region
    mask = np.zeros(image.shape[:2], bool)
    mask[top:bottom, left:right] = True
    np.testing.assert_array_equal(out[~mask], image[~mask])
    np.testing.assert_array_equal(
        out[top:bottom, left:right], reference_mosaic(image[top:bottom, left:right], (2, 2))
    )


def test_non_contiguous_and_input_not_modified():
    base = np.random.default_rng(4).random((16, 20))
    image = base[::2, ::-2]
    before = image.copy()
    np.testing.assert_array_equal(mosaic(image, 3), reference_mosaic(before, (3, 3)))
    np.testing.assert_array_equal(image, before)


def test_mosaic_errors():
    image = np.ones((6, 6))
    with pytest.raises(ValueError, match=r"^`block` must be an integer >= 1; got 0\.$"):
        mosaic(image, 0)
    with pytest.raises(TypeError, match=r"^`block` must be an integer or a pair"):
        mosaic(image, 2.5)
    with pytest.raises(ValueError, match=r"^`blur` must be a finite number > 0; got 0\.0\.$"):
        mosaic(image, 2, blur=0)
    with pytest.raises(
        ValueError,
        match=r"^`region` \(top, left, bottom, right\) must satisfy 0 <= top < bottom <= 6 "
        r"and 0 <= left < right <= 6; got \(2, 0, 2, 4\)\.$",
    ):
        mosaic(image, 2, region=(2, 0, 2, 4))
    with pytest.raises(ValueError, match=r"got \(0, 0, 7, 4\)"):
        mosaic(image, 2, region=(0, 0, 7, 4))
    with pytest.raises(TypeError, match=r"^`region` must be None or four integers"):
        mosaic(image, 2, region=(0, 0, 4))
    with pytest.raises(ValueError, match=r"^`image` must be a 2-D \(H, W\) or 3-D"):
        mosaic(np.ones(6), 2)


def test_package_attribute_is_the_function_even_after_importing_the_module():
    import convlab
    import convlab.pixelation

    assert convlab.mosaic is convlab.pixelation.mosaic
    assert callable(convlab.mosaic)


# ----------------------------------------------------------------------------
# block_mean, enlarge_nearest, pixelate (lesson 10)

import cv2  # noqa: E402
import skimage.measure  # noqa: E402
import skimage.transform  # noqa: E402

from convlab import block_mean, enlarge_nearest, pixelate  # noqa: E402


@pytest.mark.parametrize("shape", [(8, 8), (7, 10), (5, 6, 3), (1, 1), (9, 4, 1)])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 16])
def test_block_mean_equals_skimage_block_reduce_of_the_pixels_present(shape, size):
    image = np.random.default_rng(2).integers(0, 256, shape).astype(np.uint8)
    block = (size, size) + (1,) * (len(shape) - 2)
    oracle = skimage.measure.block_reduce(image.astype(float), block, np.nanmean, cval=np.nan)
    out = block_mean(image, size)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, oracle, atol=1e-12)


@pytest.mark.parametrize("size", [2, 3, 4])
def test_block_mean_equals_opencv_inter_area_and_downscale_local_mean_on_whole_blocks(size):
    image = np.random.default_rng(3).random((12 * size, 6 * size, 3)).astype(np.float32)
    h, w = image.shape[:2]
    area = cv2.resize(image, (w // size, h // size), interpolation=cv2.INTER_AREA)
    out = block_mean(image, size)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, area, atol=1e-6)
    local = skimage.transform.downscale_local_mean(image, (size, size, 1))
    np.testing.assert_allclose(out, local, atol=1e-6)


@pytest.mark.parametrize("shape", [(3, 5), (4, 2, 3), (1, 1)])
@pytest.mark.parametrize("size", [1, 2, 5])
def test_enlarge_nearest_equals_opencv_and_skimage_nearest(shape, size):
    image = np.random.default_rng(4).integers(0, 256, shape).astype(np.uint8)
    out = enlarge_nearest(image, size)
    assert out.dtype == np.uint8 and out.shape[:2] == (shape[0] * size, shape[1] * size)
    nearest = cv2.resize(image, None, fx=size, fy=size, interpolation=cv2.INTER_NEAREST)
    np.testing.assert_array_equal(out, nearest.reshape(out.shape))
    scale = (size, size) + (1,) * (len(shape) - 2)
    rescaled = skimage.transform.rescale(image, scale, order=0, preserve_range=True)
    np.testing.assert_array_equal(out, rescaled)


def test_pixelate_is_block_means_grown_back_and_leaves_the_rest_alone():
    image = np.random.default_rng(5).random((13, 17, 3))
    out = pixelate(image, 4)
    np.testing.assert_allclose(out, enlarge_nearest(block_mean(image, 4), 4)[:13, :17])
    boxed = pixelate(image, 3, box=(2, 5, 9, 16))
    np.testing.assert_array_equal(boxed[:2], image[:2])
    np.testing.assert_array_equal(boxed[:, :5], image[:, :5])
    np.testing.assert_allclose(boxed[2:9, 5:16], pixelate(image[2:9, 5:16], 3))
    np.testing.assert_allclose(boxed[2:5, 5:8].mean(axis=(0, 1)), image[2:5, 5:8].mean(axis=(0, 1)))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: block_mean(np.zeros((4, 4)), 0), ValueError, "`size` must be an integer >= 1"),
        (lambda: block_mean(np.zeros((4, 4)), 2.0), TypeError, "`size` must be an integer"),
        (lambda: enlarge_nearest(np.zeros((2, 2, 2, 2)), 2), ValueError, "2-D"),
        (lambda: pixelate(np.zeros((4, 4)), 2, box=(0, 0, 5, 4)), ValueError, "`box`"),
        (lambda: pixelate(np.zeros((4, 4)), 2, box="face"), TypeError, "`box` must be None"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
