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


# -- synthetic patterns (lesson 10) ---------------------------------------------


def test_zone_plate_frequency_grows_linearly_with_the_radius():
    from convlab import zone_plate

    n = 256
    plate = zone_plate(n)
    assert plate.shape == (n, n) and plate.min() >= 0 and plate.max() <= 1
    assert plate[n // 2, n // 2] == 1.0
    # Along the middle row the phase is pi * x**2 / n: the local frequency x / n cycles per pixel.
    row = plate[n // 2, n // 2 :]
    x = np.arange(row.size)
    np.testing.assert_allclose(row, 0.5 + 0.5 * np.cos(np.pi * x**2 / n), atol=1e-12)
    segment = row[96:128] - 0.5  # frequencies 96/256 .. 128/256 cycles per pixel
    crossings = np.count_nonzero(np.diff(np.sign(segment)) != 0)
    expected = 2 * (128**2 - 96**2) / (2 * n)  # two zero crossings per cycle
    assert abs(crossings - expected) <= 2


def test_stripes_have_the_asked_period():
    from convlab import stripes

    image = stripes((4, 200), period=2.5)
    assert image.shape == (4, 200)
    spectrum = np.abs(np.fft.rfft(image[0] - image[0].mean()))
    frequency = np.fft.rfftfreq(200)[np.argmax(spectrum)]
    assert frequency == pytest.approx(1 / 2.5)
    np.testing.assert_array_equal(image[0], image[3])


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: __import__("convlab").zone_plate(1), ValueError),
        (lambda: __import__("convlab").zone_plate(8.0), TypeError),
        (lambda: __import__("convlab").stripes((4, 4), period=0), ValueError),
    ],
)
def test_patterns_reject_bad_arguments(call, error):
    with pytest.raises(error):
        call()
