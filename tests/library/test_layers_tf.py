"""convlab.layers against TensorFlow: tf.nn ops and the Keras layers, on every option.

TensorFlow is the oracle here, used directly (not through convlab.tf), and is
imported by the first test that needs it, so deselecting ``-m "not tensorflow"``
costs nothing.
"""

import itertools
import os
import zlib

import numpy as np
import pytest

from convlab import conv2d, conv2d_param_count, depthwise_conv2d, depthwise_param_count
from convlab.layers import separable_conv2d, separable_conv2d_param_count

pytestmark = pytest.mark.tensorflow

KERNEL_SIZES = [(1, 1), (2, 2), (3, 3), (4, 4), (2, 3), (3, 5)]
STRIDES = [1, 2, 3, (1, 2)]
DILATIONS = [1, 2, (2, 1)]
COMBOS = list(itertools.product(KERNEL_SIZES, STRIDES, DILATIONS, ["valid", "same"]))
TOL = {"rtol": 1e-5, "atol": 1e-5}


def pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


@pytest.fixture(scope="module")
def tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def keras(tf):
    return pytest.importorskip("keras")


def keras_layer(keras, cls, weights, channels, **options):
    layer = cls(**options, dtype="float32")
    layer.build((None, None, None, channels))
    layer.set_weights(weights)
    return layer


@pytest.mark.parametrize(("kernel_hw", "stride", "dilation", "padding"), COMBOS)
def test_conv2d_equals_tf_nn_conv2d_and_keras_conv2d(
    tf, keras, kernel_hw, stride, dilation, padding
):
    rng = np.random.default_rng(zlib.crc32(repr((kernel_hw, stride, dilation)).encode()))
    x = rng.standard_normal((2, 11, 13, 3)).astype(np.float32)
    kernel = rng.standard_normal((*kernel_hw, 3, 4)).astype(np.float32)
    bias = rng.standard_normal(4).astype(np.float32)
    ours = conv2d(x, kernel, bias, stride=stride, padding=padding, dilation=dilation)
    assert ours.dtype == np.float32

    nn = tf.nn.conv2d(
        x, kernel, strides=pair(stride), padding=padding.upper(), dilations=pair(dilation)
    )
    np.testing.assert_allclose(ours, nn.numpy() + bias, **TOL)

    if max(pair(stride)) > 1 and max(pair(dilation)) > 1:
        return  # Keras' Conv2D refuses this combination; tf.nn.conv2d covered it.
    layer = keras_layer(
        keras,
        keras.layers.Conv2D,
        [kernel, bias],
        3,
        filters=4,
        kernel_size=kernel_hw,
        strides=stride,
        padding=padding,
        dilation_rate=dilation,
    )
    np.testing.assert_allclose(ours, np.asarray(layer(x)), **TOL)


@pytest.mark.parametrize(("kernel_hw", "stride", "dilation", "padding"), COMBOS)
def test_depthwise_equals_tf_nn_depthwise_and_keras_layer(
    tf, keras, kernel_hw, stride, dilation, padding
):
    rng = np.random.default_rng(zlib.crc32(repr((kernel_hw, stride, dilation)).encode()) + 1)
    x = rng.standard_normal((2, 11, 13, 3)).astype(np.float32)
    kernel = rng.standard_normal((*kernel_hw, 3, 2)).astype(np.float32)
    bias = rng.standard_normal(6).astype(np.float32)
    ours = depthwise_conv2d(x, kernel, bias, stride=stride, padding=padding, dilation=dilation)

    layer = keras_layer(
        keras,
        keras.layers.DepthwiseConv2D,
        [kernel, bias],
        3,
        kernel_size=kernel_hw,
        strides=stride,
        padding=padding,
        depth_multiplier=2,
        dilation_rate=dilation,
    )
    np.testing.assert_allclose(ours, np.asarray(layer(x)), **TOL)

    if max(pair(stride)) > 1 and max(pair(dilation)) > 1:
        return  # tf.nn.depthwise_conv2d mis-sizes this combination (it warns).
    nn = tf.nn.depthwise_conv2d(
        x,
        kernel,
        strides=[1, *pair(stride), 1],
        padding=padding.upper(),
        dilations=pair(dilation),
    )
    np.testing.assert_allclose(ours, nn.numpy() + bias, **TOL)


@pytest.mark.parametrize(("stride", "padding"), [(1, "valid"), (2, "same"), ((1, 2), "same")])
@pytest.mark.parametrize("multiplier", [1, 2])
def test_separable_equals_keras_separable_conv2d(keras, stride, padding, multiplier):
    rng = np.random.default_rng(7 + multiplier)
    x = rng.standard_normal((2, 10, 9, 3)).astype(np.float32)
    depthwise = rng.standard_normal((3, 2, 3, multiplier)).astype(np.float32)
    pointwise = rng.standard_normal((1, 1, 3 * multiplier, 5)).astype(np.float32)
    bias = rng.standard_normal(5).astype(np.float32)
    layer = keras_layer(
        keras,
        keras.layers.SeparableConv2D,
        [depthwise, pointwise, bias],
        3,
        filters=5,
        kernel_size=(3, 2),
        strides=stride,
        padding=padding,
        depth_multiplier=multiplier,
    )
    ours = separable_conv2d(x, depthwise, pointwise, bias, stride=stride, padding=padding)
    np.testing.assert_allclose(ours, np.asarray(layer(x)), **TOL)


@pytest.mark.parametrize(
    ("kh", "kw", "c_in", "c_out", "multiplier", "bias"),
    [(5, 5, 3, 3, 1, True), (3, 3, 8, 16, 1, False), (1, 1, 4, 2, 3, True), (2, 4, 3, 6, 2, True)],
)
def test_param_counts_equal_keras_count_params(keras, kh, kw, c_in, c_out, multiplier, bias):
    def count(layer):
        layer.build((None, None, None, c_in))
        return layer.count_params()

    layers = keras.layers
    conv = layers.Conv2D(c_out, (kh, kw), use_bias=bias)
    depthwise = layers.DepthwiseConv2D((kh, kw), depth_multiplier=multiplier, use_bias=bias)
    separable = layers.SeparableConv2D(c_out, (kh, kw), depth_multiplier=multiplier, use_bias=bias)
    assert conv2d_param_count(kh, kw, c_in, c_out, bias=bias) == count(conv)
    assert depthwise_param_count(kh, kw, c_in, multiplier, bias=bias) == count(depthwise)
    assert separable_conv2d_param_count(kh, kw, c_in, c_out, multiplier, bias=bias) == count(
        separable
    )
