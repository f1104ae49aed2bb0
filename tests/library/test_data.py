"""Sample images: shapes, dtypes, copies, caching, resizing."""

import numpy as np
import pytest
import skimage.data
from skimage.color import rgb2gray
from skimage.transform import resize

from convlab import astronaut, camera, coffee, sample_image
from convlab.data import SAMPLE_IMAGES, _load


@pytest.mark.parametrize(
    ("function", "shape"),
    [(astronaut, (600, 600, 3)), (camera, (224, 224)), (coffee, (960, 1280, 3))],
)
def test_standard_images(function, shape):
    image = function()
    assert image.shape == shape and image.dtype == np.uint8
    assert image.flags.writeable and image.flags.c_contiguous
    assert image.min() < 30 and image.max() > 220  # the full range survived resizing


def test_resize_preserves_the_uint8_range_like_skimage():
    original = skimage.data.astronaut()
    expected = resize(original, (600, 600, 3), preserve_range=True, anti_aliasing=True)
    np.testing.assert_array_equal(astronaut(), np.clip(np.rint(expected), 0, 255).astype(np.uint8))


def test_calls_return_independent_copies_of_a_cached_master():
    first = camera()
    first[:] = 0
    second = camera()
    assert second.max() > 0
    assert not np.shares_memory(first, second)
    hits = _load.cache_info().hits
    camera()
    assert _load.cache_info().hits == hits + 1
    master = _load("camera", (224, 224), False)
    assert not master.flags.writeable


@pytest.mark.parametrize("name", SAMPLE_IMAGES)
def test_every_sample_image_loads_without_network(name):
    image = sample_image(name)
    original = getattr(skimage.data, name)()
    assert image.dtype == np.uint8
    assert image.shape[:2] == original.shape[:2]


def test_gray_and_size():
    gray = sample_image("chelsea", gray=True)
    expected = np.clip(np.rint(rgb2gray(skimage.data.chelsea()) * 255), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(gray, expected)
    assert sample_image("chelsea", size=(30, 40)).shape == (30, 40, 3)
    assert sample_image("camera", gray=True).shape == (512, 512)  # already gray


def test_data_errors():
    with pytest.raises(
        ValueError, match=r"^`name` must be one of 'astronaut', 'camera'.*got 'lena'\.$"
    ):
        sample_image("lena")
    with pytest.raises(
        ValueError, match=r"^`size` must be positive \(height, width\); got \(0, 3\)"
    ):
        sample_image("camera", size=(0, 3))
    with pytest.raises(TypeError, match=r"^`size` must be None or a pair of integers"):
        sample_image("camera", size=100)
    with pytest.raises(TypeError, match=r"^`gray` must be a bool"):
        sample_image("camera", gray="yes")
