"""Output sizes and 'same' padding against TensorFlow's conv and pooling ops.

TensorFlow is imported (once, by a module fixture) only when these tests run.
"""

import itertools
import os

import numpy as np
import pytest

from convlab import conv_output_size, correlate2d, pool_output_size, same_padding

pytestmark = pytest.mark.tensorflow

GRID = list(itertools.product(range(1, 10), range(1, 6), range(1, 4), range(1, 3)))


@pytest.fixture(scope="module")
def tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("tensorflow")


def tf_conv_column(tf, column, kernel, stride, dilation, padding):
    """tf.nn.conv2d on an (n, 1) image with a (k, 1) kernel; returns the output column."""
    return tf.nn.conv2d(
        column[None, :, None, None].astype(np.float32),
        kernel[:, None, None, None].astype(np.float32),
        strides=(stride, 1),
        dilations=(dilation, 1),
        padding=padding,
    ).numpy()[0, :, 0, 0]


def test_same_padding_and_output_sizes_equal_tensorflow(tf):
    rng = np.random.default_rng(0)
    for n, k, stride, dilation in GRID:
        column = rng.standard_normal(n)
        kernel = 2.0 ** np.arange(k)  # every tap identifiable
        expected = tf_conv_column(tf, column, kernel, stride, dilation, "SAME")
        assert expected.size == conv_output_size(
            n, k, padding="same", stride=stride, dilation=dilation
        ), (n, k, stride, dilation)
        # The explicit (before, after) padding reproduces TF's values: the split is TF's.
        before, after = same_padding(n, k, stride=stride, dilation=dilation)
        ours = correlate2d(
            column[:, None],
            kernel[:, None],
            padding=((before, after), (0, 0)),
            stride=stride,
            dilation=dilation,
        )[:, 0]
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)
        if (k - 1) * dilation + 1 <= n:
            valid = tf_conv_column(tf, column, kernel, stride, dilation, "VALID")
            assert valid.size == conv_output_size(n, k, stride=stride, dilation=dilation)


def test_pool_output_sizes_equal_tensorflow(tf):
    for n, size, stride in itertools.product(range(1, 10), range(1, 5), [None, 1, 2, 3]):
        s = size if stride is None else stride
        image = np.zeros((1, n, 1, 1), np.float32)
        for padding in ("SAME", "VALID"):
            if padding == "VALID" and size > n:
                continue
            out = tf.nn.max_pool2d(image, ksize=(size, 1), strides=(s, 1), padding=padding)
            assert out.shape[1] == pool_output_size(
                n, size, stride=stride, padding=padding.lower()
            ), (n, size, stride, padding)


@pytest.mark.parametrize(("n", "k", "stride"), [(5, 4, 1), (6, 3, 2), (7, 2, 3), (4, 4, 2)])
def test_tensorflow_puts_the_extra_padding_after(tf, n, k, stride):
    """An impulse at the first pixel: TF's first output sees it exactly as our split says."""
    column = np.zeros(n)
    column[0] = 1.0
    kernel = 2.0 ** np.arange(k)
    first = tf_conv_column(tf, column, kernel, stride, 1, "SAME")[0]
    before, _ = same_padding(n, k, stride=stride)
    assert first == kernel[before]
