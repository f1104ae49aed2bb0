"""Pooling against skimage.measure.block_reduce and a window-by-window reference."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage.measure import block_reduce

from convlab import (
    avg_pool2d,
    global_avg_pool,
    global_max_pool,
    max_pool2d,
    pool_output_size,
    same_padding,
)

SETTINGS = settings(max_examples=60, deadline=None)


def reference_pool(image, size, stride, padding, reduce):
    """Oracle: visit each window of the (virtually) padded image, reduce its real pixels."""
    (kh, kw), (sh, sw) = size, stride
    h, w = image.shape[:2]
    if padding == "same":
        (top, _), (left, _) = same_padding(h, kh, stride=sh), same_padding(w, kw, stride=sw)
    else:
        top = left = 0
    out_h = pool_output_size(h, kh, stride=sh, padding=padding)
    out_w = pool_output_size(w, kw, stride=sw, padding=padding)
    out = np.empty((out_h, out_w, *image.shape[2:]))
    for y in range(out_h):
        for x in range(out_w):
            r0, c0 = y * sh - top, x * sw - left
            window = image[max(r0, 0) : r0 + kh, max(c0, 0) : c0 + kw]
            out[y, x] = reduce(window, axis=(0, 1))
    return out


@pytest.mark.parametrize(("function", "reduce"), [(max_pool2d, np.max), (avg_pool2d, np.mean)])
@pytest.mark.parametrize("size", [2, (2, 3), 4])
def test_non_overlapping_valid_equals_block_reduce(function, reduce, size):
    image = np.random.default_rng(0).standard_normal((8, 12, 3))
    block = (size, size) if isinstance(size, int) else size
    np.testing.assert_allclose(
        function(image, size), block_reduce(image, (*block, 1), reduce), rtol=1e-12
    )


@SETTINGS
@given(
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    size=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.none() | st.tuples(st.integers(1, 4), st.integers(1, 4)),
    padding=st.sampled_from(["valid", "same"]),
    channels=st.sampled_from([None, 2]),
    seed=st.integers(0, 2**16),
)
def test_pooling_equals_window_reference(h, w, size, stride, padding, channels, seed):
    shape = (h, w) if channels is None else (h, w, channels)
    image = np.random.default_rng(seed).standard_normal(shape) - 10  # all negative
    if padding == "valid" and (size[0] > h or size[1] > w):
        with pytest.raises(ValueError, match=r"^the pooling window .* is larger than the image"):
            max_pool2d(image, size, stride=stride, padding=padding)
        return
    s = size if stride is None else stride
    for function, reduce in [(max_pool2d, np.max), (avg_pool2d, np.mean)]:
        np.testing.assert_allclose(
            function(image, size, stride=stride, padding=padding),
            reference_pool(image, size, s, padding, reduce),
            rtol=1e-12,
        )


def test_max_same_never_picks_padding_and_avg_ignores_it():
    image = -np.ones((3, 3))
    np.testing.assert_array_equal(max_pool2d(image, 2, padding="same"), -np.ones((2, 2)))
    # Windows at the bottom/right cover 2 or 1 real pixels of value -1: the mean is still -1.
    np.testing.assert_array_equal(avg_pool2d(image, 2, padding="same"), -np.ones((2, 2)))


def test_impulse_lands_in_one_window():
    image = np.zeros((4, 6))
    image[1, 4] = 8.0
    np.testing.assert_array_equal(max_pool2d(image, 2), [[0, 0, 8], [0, 0, 0]])
    np.testing.assert_array_equal(avg_pool2d(image, 2), [[0, 0, 2], [0, 0, 0]])
    np.testing.assert_array_equal(max_pool2d(image, 3, stride=1).shape, (2, 4))


@pytest.mark.parametrize("function", [max_pool2d, avg_pool2d, global_max_pool, global_avg_pool])
def test_dtypes_and_non_contiguous(function):
    base = np.random.default_rng(1).integers(0, 256, (10, 12, 3)).astype(np.uint8)
    image = base[::-1, ::2]
    args = () if function in (global_max_pool, global_avg_pool) else (2,)
    out = function(image, *args)
    assert np.asarray(out).dtype == np.float64
    np.testing.assert_allclose(out, function(np.ascontiguousarray(image, dtype=float), *args))
    out32 = function(image.astype(np.float32), *args)
    assert np.asarray(out32).dtype == np.float32


def test_avg_pool_uint8_not_truncated():
    image = np.array([[255, 255], [255, 254]], dtype=np.uint8)
    np.testing.assert_array_equal(avg_pool2d(image, 2), [[254.75]])


def test_global_pools():
    image = np.random.default_rng(2).standard_normal((5, 4, 3))
    np.testing.assert_allclose(global_max_pool(image), image.max(axis=(0, 1)))
    np.testing.assert_allclose(global_avg_pool(image), image.mean(axis=(0, 1)))
    assert global_max_pool(image).shape == (3,)
    assert np.ndim(global_avg_pool(image[:, :, 0])) == 0
    assert global_avg_pool(np.eye(2)) == 0.5


@pytest.mark.parametrize("function", [max_pool2d, avg_pool2d])
def test_pool_errors(function):
    image = np.ones((4, 4))
    with pytest.raises(ValueError, match=r"^`size` must be an integer >= 1; got 0\.$"):
        function(image, 0)
    with pytest.raises(TypeError, match=r"^`size` must be an integer or a pair"):
        function(image, 2.0)
    with pytest.raises(ValueError, match=r"^`stride` must be an integer >= 1; got 0\.$"):
        function(image, 2, stride=(0, 1))
    with pytest.raises(ValueError, match=r"^`padding` must be one of 'valid', 'same'; got 'full'"):
        function(image, 2, padding="full")
    with pytest.raises(ValueError, match=r"got 'SAME' \(output sizes are lower-case"):
        function(image, 2, padding="SAME")
    with pytest.raises(
        ValueError, match=r"^the pooling window \(5, 5\) is larger than the image \(4, 4\)"
    ):
        function(image, 5)
    with pytest.raises(ValueError, match=r"^`image` must be a 2-D \(H, W\) or 3-D"):
        function(np.ones(4), 2)


@pytest.mark.parametrize("function", [global_max_pool, global_avg_pool])
def test_global_errors(function):
    with pytest.raises(ValueError, match=r"must not be empty"):
        function(np.ones((0, 2, 3)))
    with pytest.raises(TypeError, match=r"real numeric dtype"):
        function(np.ones((2, 2), dtype=complex))
