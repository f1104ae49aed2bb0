"""convlab.correlate2d / convolve2d / max_pool2d / avg_pool2d against TensorFlow's ops.

TensorFlow pads with zeros and uses its asymmetric ``'SAME'`` rule; with the
default ``mode='constant'`` convlab must agree exactly (up to float32
rounding), for every stride, dilation and kernel shape, odd or even.
TensorFlow is imported by the first test that needs it.
"""

import itertools
import os
import zlib

import numpy as np
import pytest

from convlab import avg_pool2d, convolve2d, correlate2d, max_pool2d

pytestmark = pytest.mark.tensorflow

TOL = {"rtol": 1e-5, "atol": 1e-5}


def pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def seeded(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


@pytest.fixture(scope="module")
def tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("tensorflow")


def tf_correlate_per_channel(tf, image, kernel, stride, padding, dilation):
    """tf.nn.conv2d on each channel separately, with a (kh, kw, 1, 1) kernel."""
    filt = kernel[:, :, None, None].astype(np.float32)
    planes = [
        tf.nn.conv2d(
            image[None, :, :, c : c + 1],
            filt,
            strides=pair(stride),
            padding=padding.upper(),
            dilations=pair(dilation),
        ).numpy()[0, :, :, 0]
        for c in range(image.shape[2])
    ]
    return np.stack(planes, axis=-1)


@pytest.mark.parametrize(
    ("kernel_shape", "stride", "dilation", "padding"),
    list(
        itertools.product(
            [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (2, 3), (3, 4)],
            [1, 2, 3, (2, 1)],
            [1, 2, (1, 3)],
            ["valid", "same"],
        )
    ),
)
def test_correlate2d_equals_tf_nn_conv2d_per_channel(tf, kernel_shape, stride, dilation, padding):
    rng = seeded(kernel_shape, stride, dilation, padding)
    image = rng.random((13, 14, 3)).astype(np.float32)
    kernel = rng.standard_normal(kernel_shape).astype(np.float32)
    expected = tf_correlate_per_channel(tf, image, kernel, stride, padding, dilation)
    ours = correlate2d(image, kernel, padding=padding, stride=stride, dilation=dilation)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, expected, **TOL)
    gray = correlate2d(image[..., 1], kernel, padding=padding, stride=stride, dilation=dilation)
    np.testing.assert_allclose(gray, expected[..., 1], **TOL)


@pytest.mark.parametrize("kernel_shape", [(3, 3), (2, 4)])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_convolve2d_is_tf_correlation_with_the_flipped_kernel(tf, kernel_shape, padding):
    rng = seeded(kernel_shape, padding)
    image = rng.random((9, 10, 2)).astype(np.float32)
    kernel = rng.standard_normal(kernel_shape).astype(np.float32)
    flipped = np.ascontiguousarray(kernel[::-1, ::-1])
    np.testing.assert_allclose(
        convolve2d(image, kernel, padding=padding, stride=2),
        tf_correlate_per_channel(tf, image, flipped, 2, padding, 1),
        **TOL,
    )


@pytest.mark.parametrize(
    ("size", "stride", "padding"),
    list(itertools.product([1, 2, 3, (2, 3)], [None, 1, 2, (1, 2)], ["valid", "same"])),
)
@pytest.mark.parametrize("pool", ["max", "avg"])
def test_pooling_equals_tf_nn_pooling(tf, pool, size, stride, padding):
    rng = seeded(pool, size, stride, padding)
    image = rng.standard_normal((11, 9, 3)).astype(
        np.float32
    )  # negative values: -inf padding shows
    ours = (max_pool2d if pool == "max" else avg_pool2d)(
        image, size, stride=stride, padding=padding
    )
    tf_pool = tf.nn.max_pool2d if pool == "max" else tf.nn.avg_pool2d
    expected = tf_pool(
        image[None],
        ksize=pair(size),
        strides=pair(size if stride is None else stride),
        padding=padding.upper(),
    ).numpy()[0]
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, **TOL)
