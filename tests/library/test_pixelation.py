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
