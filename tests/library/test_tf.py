"""convlab.tf: lazy TensorFlow import, name and layout helpers, Keras layer builders.

The first tests run without TensorFlow (and check it stays unloaded); the
rest are marked ``tensorflow`` and compare the built layers with the numpy
references in convlab.layers and convlab.convolution.
"""

import warnings

import numpy as np
import pytest

import convlab
import convlab.tf as ctf
from convlab.layers import separable_conv2d
from tests.subprocess_python import heavy_modules_after

# --------------------------------------------------------------------------
# without TensorFlow
# --------------------------------------------------------------------------


@pytest.mark.slow  # a fresh interpreter (tests/subprocess_python.py): make test runs it
def test_importing_and_numpy_helpers_do_not_import_tensorflow():
    code = """
        import sys
        import numpy as np
        import convlab, convlab.tf
        assert "tensorflow" not in sys.modules, "import convlab.tf imported tensorflow"
        convlab.tf.keras_padding("same")
        convlab.tf.tf_pad_mode("reflect")
        convlab.tf.as_nhwc(np.zeros((3, 4)))
        convlab.tf.as_hwio(np.ones((3, 3)), layout="HW", channels=3)
        convlab.conv2d(np.zeros((4, 4, 1)), np.zeros((3, 3, 1, 2)))
        dir(convlab)
        """
    assert heavy_modules_after(code) == []


@pytest.mark.parametrize(("ours", "keras"), [("valid", "valid"), ("same", "same")])
def test_keras_padding_names(ours, keras):
    assert ctf.keras_padding(ours) == keras


@pytest.mark.parametrize(
    ("padding", "match"),
    [
        ("full", "Keras has no 'full': pad first"),
        ("SAME", "lower-case: use 'same'"),
        ("reflect", r"must be 'valid' or 'same'; got 'reflect'"),
        (1, r"got 1 \(int\)"),
    ],
)
def test_keras_padding_refuses_other_values(padding, match):
    with pytest.raises(ValueError, match=match):
        ctf.keras_padding(padding)


@pytest.mark.parametrize(
    ("mode", "tf_mode"),
    [("constant", "CONSTANT"), ("reflect", "REFLECT"), ("symmetric", "SYMMETRIC")],
)
def test_tf_pad_mode_names(mode, tf_mode):
    assert ctf.tf_pad_mode(mode) == tf_mode


@pytest.mark.parametrize(
    ("mode", "error", "match"),
    [
        ("edge", ValueError, r"tf.pad has no 'edge' border; use one of 'constant', 'reflect', 'symmetric'"),
        ("wrap", ValueError, "tf.pad has no 'wrap' border"),
        ("mirror", ValueError, "scipy's 'mirror' is 'reflect' here"),
        ("REFLECT", ValueError, "lower-case: use 'reflect'"),
        (4, TypeError, "BORDER_REFLECT_101 is 'reflect' here"),
    ],
)  # fmt: skip
def test_tf_pad_mode_refuses_modes_tf_lacks(mode, error, match):
    with pytest.raises(error, match=match):
        ctf.tf_pad_mode(mode)


@pytest.mark.parametrize(
    ("shape", "layout", "expected"),
    [
        ((4, 5), None, (1, 4, 5, 1)),
        ((4, 5, 3), None, (1, 4, 5, 3)),
        ((2, 4, 5, 3), None, (2, 4, 5, 3)),
        ((3, 4, 5), "CHW", (1, 4, 5, 3)),
        ((2, 3, 4, 5), "nchw", (2, 4, 5, 3)),
    ],
)
def test_as_nhwc_layouts(shape, layout, expected):
    images = np.arange(np.prod(shape), dtype=np.uint8).reshape(shape)
    out = ctf.as_nhwc(images, layout=layout)
    assert out.shape == expected
    assert out.dtype == np.float32 and out.flags.c_contiguous
    if layout and "C" in layout.upper():
        # pixel (y, x) of channel c keeps its value
        src = images if images.ndim == 4 else images[None]
        np.testing.assert_array_equal(out[:, 1, 2, 0], src[:, 0, 1, 2])
    else:
        np.testing.assert_array_equal(out.ravel(), images.ravel())


@pytest.mark.parametrize(
    ("images", "layout", "match"),
    [
        (np.zeros(3), None, r"2-D \(H, W\), 3-D \(H, W, C\) or 4-D"),
        (np.zeros((3, 4)), "NCHW", r"'NCHW' needs a 4-D array; got shape \(3, 4\)"),
        (np.zeros((3, 4, 5)), "CWH", "`layout` must be one of 'HW', 'HWC', 'NHWC', 'CHW', 'NCHW'"),
    ],
)
def test_as_nhwc_errors(images, layout, match):
    with pytest.raises(ValueError, match=match):
        ctf.as_nhwc(images, layout=layout)


def test_as_hwio_from_2d_filter_filters_each_channel_separately():
    kernel = np.arange(9.0).reshape(3, 3)
    hwio = ctf.as_hwio(kernel, layout="HW", channels=3)
    assert hwio.shape == (3, 3, 3, 3) and hwio.dtype == np.float32
    image = np.random.default_rng(0).random((6, 7, 3))
    np.testing.assert_allclose(
        convlab.conv2d(image, hwio, padding="same"),
        convlab.correlate2d(image, kernel, padding="same"),
        rtol=1e-6,
    )


def test_as_hwio_from_oihw_and_errors():
    weight = np.random.default_rng(1).random((8, 3, 5, 4))
    np.testing.assert_array_equal(
        ctf.as_hwio(weight, layout="OIHW"), convlab.oihw_to_hwio(weight).astype(np.float32)
    )
    with pytest.raises(ValueError, match=r"layout 'HW' must be 2-D; got shape \(3, 3, 1, 1\)"):
        ctf.as_hwio(np.zeros((3, 3, 1, 1)), layout="HW")
    with pytest.raises(ValueError, match="`layout` must be one of 'HW', 'HWIO', 'OIHW'"):
        ctf.as_hwio(np.zeros((3, 3, 1, 1)), layout="IOHW")


# --------------------------------------------------------------------------
# with TensorFlow
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tf():
    pytest.importorskip("tensorflow")
    return ctf._tf()


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.mark.tensorflow
def test_full_float32_turns_tf32_off(tf):
    enabled = tf.config.experimental.tensor_float_32_execution_enabled()
    try:
        tf.config.experimental.enable_tensor_float_32_execution(True)
        ctf.full_float32()
        assert tf.config.experimental.tensor_float_32_execution_enabled() is False
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(enabled)


@pytest.mark.tensorflow
def test_layers_build_without_warnings_and_hold_the_weights(tf, rng):
    kernel = rng.standard_normal((3, 2, 3, 4)).astype(np.float32)
    bias = rng.standard_normal(4).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        conv = ctf.conv2d_layer(kernel, bias, padding="same")
        depthwise = ctf.depthwise_layer(kernel[..., :2], padding="same")
        separable = ctf.separable_layer(kernel[..., :1], np.ones((1, 1, 3, 2)), padding="same")
    np.testing.assert_array_equal(np.asarray(conv.kernel), kernel)
    np.testing.assert_array_equal(np.asarray(conv.bias), bias)
    assert not depthwise.use_bias and depthwise.depth_multiplier == 2
    assert separable.filters == 2
    for layer in (conv, depthwise, separable):
        assert layer.built and layer.dtype == "float32"


@pytest.mark.tensorflow
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"padding": "same"},
        {"stride": 2, "padding": "same"},
        {"stride": (1, 2)},
        {"dilation": 2, "padding": "same"},
    ],
)
def test_conv2d_layer_equals_convlab_conv2d(tf, rng, options):
    x = rng.standard_normal((2, 9, 10, 3)).astype(np.float32)
    kernel = rng.standard_normal((4, 3, 3, 5)).astype(np.float32)
    bias = rng.standard_normal(5).astype(np.float32)
    out = ctf.apply_layer(ctf.conv2d_layer(kernel, bias, **options), x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(
        out, convlab.conv2d(x, kernel, bias, **options), rtol=1e-5, atol=1e-5
    )


@pytest.mark.tensorflow
@pytest.mark.parametrize(
    "options",
    [{}, {"padding": "same", "stride": 2}, {"dilation": 2, "stride": 2, "padding": "same"}],
)
def test_depthwise_and_separable_layers_equal_numpy(tf, rng, options):
    x = rng.standard_normal((9, 10, 3)).astype(np.float32)
    depthwise = rng.standard_normal((3, 3, 3, 2)).astype(np.float32)
    bias = rng.standard_normal(6).astype(np.float32)
    out = ctf.apply_layer(ctf.depthwise_layer(depthwise, bias, **options), x)
    np.testing.assert_allclose(
        out, convlab.depthwise_conv2d(x, depthwise, bias, **options), rtol=1e-5, atol=1e-5
    )
    if "dilation" in options:
        return  # SeparableConv2D refuses stride > 1 with dilation > 1 (tested below)
    pointwise = rng.standard_normal((1, 1, 6, 4)).astype(np.float32)
    out = ctf.apply_layer(ctf.separable_layer(depthwise, pointwise, bias[:4], **options), x)
    np.testing.assert_allclose(
        out, separable_conv2d(x, depthwise, pointwise, bias[:4], **options), rtol=1e-5, atol=1e-5
    )


@pytest.mark.tensorflow
def test_2d_filter_builds_per_channel_layers(tf, rng):
    image = rng.random((8, 9, 3)).astype(np.float32)
    kernel = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32)  # sharpen
    expected = convlab.correlate2d(image, kernel, padding="same")
    conv = ctf.conv2d_layer(kernel, padding="same", input_channels=3)
    depthwise = ctf.depthwise_layer(kernel, padding="same", input_channels=3)
    np.testing.assert_allclose(ctf.apply_layer(conv, image), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ctf.apply_layer(depthwise, image), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.tensorflow
def test_apply_layer_batch_axis_handling(tf):
    layer = ctf.depthwise_layer(np.ones((1, 1, 1, 2)))
    one = ctf.apply_layer(layer, np.full((2, 3), 3.0))
    assert one.shape == (2, 3, 2)
    np.testing.assert_array_equal(one[0, 0], np.array([3.0, 3.0], dtype=np.float32))
    assert ctf.apply_layer(layer, np.ones((4, 2, 3, 1))).shape == (4, 2, 3, 2)
    assert ctf.apply_layer(ctf.conv2d_layer(np.ones((3, 3, 1, 4)), padding="same"), np.ones((5, 5, 1))).shape == (5, 5, 4)  # fmt: skip


@pytest.mark.tensorflow
@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: ctf.conv2d_layer(np.zeros((3, 3, 2, 1)), input_channels=3), "C_in == 2 but `input_channels` is 3"),
        (lambda: ctf.conv2d_layer(np.zeros((3, 3, 1, 1)), stride=2, dilation=2), "Keras' Conv2D does not accept a stride > 1 together with a dilation > 1"),
        (lambda: ctf.separable_layer(np.zeros((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)), stride=2, dilation=2), "Keras' SeparableConv2D does not accept"),
        (lambda: ctf.conv2d_layer(np.zeros((3, 3, 1, 2)), [1.0]), r"`bias` must have shape \(2,\)"),
        (lambda: ctf.conv2d_layer(np.zeros((3, 3, 1))), r"\(kh, kw, C_in, C_out\), or \(kh, kw\) for the same filter"),
        (lambda: ctf.depthwise_layer(np.zeros(3)), r"\(kh, kw, C, multiplier\), or \(kh, kw\)"),
        (lambda: ctf.separable_layer(np.zeros((3, 3, 2, 2)), np.zeros((1, 1, 2, 4))), r"C \* multiplier == 4; got \(1, 1, 2, 4\)"),
        (lambda: ctf.conv2d_layer(np.zeros((3, 3, 1, 1)), padding="full"), "Keras has no 'full'"),
    ],
)  # fmt: skip
def test_layer_builders_refuse_bad_weights(tf, build, match):
    with pytest.raises(ValueError, match=match):
        build()


@pytest.mark.tensorflow
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"padding": "same"},
        {"padding": "full", "mode": "reflect"},
        {"padding": "same", "mode": "symmetric", "stride": 2},
        {"padding": "same", "stride": 2, "dilation": 2},
        {"padding": ((1, 2), (0, 3)), "cval": 2.0, "stride": (2, 1)},
    ],
)
@pytest.mark.parametrize("kernel_shape", [(3, 3), (2, 4)])
def test_tf_correlate2d_equals_convlab_correlate2d(tf, rng, options, kernel_shape):
    image = rng.random((11, 12, 3)).astype(np.float32)
    kernel = rng.standard_normal(kernel_shape)
    expected = convlab.correlate2d(image, kernel, **options)
    ours = ctf.correlate2d(image, kernel, **options)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)
    gray = ctf.correlate2d(image[..., 0], kernel, **options)
    np.testing.assert_allclose(gray, expected[..., 0], rtol=1e-5, atol=1e-5)


@pytest.mark.tensorflow
def test_tf_correlate2d_precisions_and_devices(tf, rng):
    image = rng.random((16, 16)).astype(np.float32)
    kernel = np.full((3, 3), 1 / 9)
    expected = convlab.correlate2d(image, kernel, padding="same")
    half = ctf.correlate2d(image, kernel, padding="same", dtype="float16", device="/CPU:0")
    assert half.dtype == np.float16
    np.testing.assert_allclose(half, expected, atol=2e-3)
    tensor = tf.constant(image)
    np.testing.assert_allclose(
        ctf.correlate2d(tensor, kernel, padding="same", dtype="float64"), expected, atol=1e-6
    )
    impulse = np.zeros((3, 3))
    impulse[1, 1] = 1
    np.testing.assert_array_equal(
        ctf.correlate2d(impulse, np.arange(9.0).reshape(3, 3), padding="same"),
        np.arange(9.0).reshape(3, 3)[::-1, ::-1],
    )
    assert isinstance(ctf.gpu_available(), bool)


@pytest.mark.tensorflow
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"mode": "edge"}, ValueError, "tf.pad has no 'edge' border"),
        ({"dtype": "int32"}, ValueError, "`dtype` must be one of 'float32', 'float16'"),
        ({"padding": "SAME"}, ValueError, "lower-case"),
        ({"stride": 0}, ValueError, "`stride` must be an integer >= 1"),
    ],
)
def test_tf_correlate2d_errors(tf, kwargs, error, match):
    with pytest.raises(error, match=match):
        ctf.correlate2d(np.zeros((5, 5)), np.ones((3, 3)), **kwargs)
