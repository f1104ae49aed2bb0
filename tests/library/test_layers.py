"""convlab.layers (numpy Conv2D / DepthwiseConv2D / SeparableConv2D), numpy and scipy only.

The oracle is scipy.signal.correlate2d on one channel at a time: a dilated
kernel gets zeros inserted between its taps, a stride keeps every s-th output,
and 'same' pads with TensorFlow's amounts first.  Agreement with TensorFlow
itself is in test_layers_tf.py.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import correlate2d as scipy_correlate2d

from convlab import (
    conv2d,
    conv2d_param_count,
    conv_output_size,
    depthwise_conv2d,
    depthwise_hwio_to_oihw,
    depthwise_oihw_to_hwio,
    depthwise_param_count,
    depthwise_to_conv2d,
    hwio_to_oihw,
    oihw_to_hwio,
    same_padding,
    separable_conv2d,
    separable_conv2d_param_count,
)

SETTINGS = settings(max_examples=40, deadline=None)


# --------------------------------------------------------------------------
# an independent oracle
# --------------------------------------------------------------------------


def dilate(kernel2d, dilation):
    """Insert dilation - 1 zeros between the taps of a 2-D kernel."""
    (kh, kw), (dh, dw) = kernel2d.shape, dilation
    out = np.zeros(((kh - 1) * dh + 1, (kw - 1) * dw + 1))
    out[::dh, ::dw] = kernel2d
    return out


def correlate_channel(image2d, kernel2d, stride, padding, dilation):
    """One channel, one filter: scipy's valid correlation of the padded image, subsampled."""
    kernel2d = dilate(kernel2d, dilation)
    if padding == "same":
        widths = [
            same_padding(n, k, stride=s)  # the dilated kernel is an ordinary kernel here
            for n, k, s in zip(image2d.shape, kernel2d.shape, stride, strict=True)
        ]
        image2d = np.pad(image2d, widths)
    return scipy_correlate2d(image2d, kernel2d, mode="valid")[:: stride[0], :: stride[1]]


def oracle_conv2d(x, kernel, bias, stride, padding, dilation):
    """NHWC x HWIO -> NHWC, one scipy correlation per (image, input channel, output channel)."""
    n, _, _, c_in = x.shape
    c_out = kernel.shape[3]
    images = []
    for b in range(n):
        channels = [
            sum(
                correlate_channel(x[b, :, :, c], kernel[:, :, c, o], stride, padding, dilation)
                for c in range(c_in)
            )
            for o in range(c_out)
        ]
        images.append(np.stack(channels, axis=-1))
    out = np.stack(images)
    return out if bias is None else out + bias


def pytorch_conv2d(x_nchw, weight_oihw, groups=1):
    """PyTorch's Conv2d (valid, stride 1) written from its documented definition.

    out[n, o] = sum over k < C_in/groups of correlate(x[n, g * C_in/groups + k], weight[o, k]),
    with g = o // (C_out / groups).
    """
    n, c_in = x_nchw.shape[:2]
    c_out = weight_oihw.shape[0]
    per_group_in, per_group_out = c_in // groups, c_out // groups
    out = []
    for b in range(n):
        planes = []
        for o in range(c_out):
            g = o // per_group_out
            planes.append(
                sum(
                    scipy_correlate2d(x_nchw[b, g * per_group_in + k], weight_oihw[o, k], "valid")
                    for k in range(per_group_in)
                )
            )
        out.append(np.stack(planes))
    return np.stack(out)


def powers_of_two(shape):
    """A kernel whose taps are distinct powers of two, so any mix-up shows."""
    return (2.0 ** np.arange(np.prod(shape))).reshape(shape) / 2.0 ** np.prod(shape)


@pytest.fixture
def rng():
    return np.random.default_rng(20240607)


# --------------------------------------------------------------------------
# conv2d
# --------------------------------------------------------------------------

KERNEL_SIZES = [(1, 1), (2, 2), (3, 3), (4, 4), (2, 3), (3, 5)]
STRIDES = [1, 2, 3, (1, 2)]
DILATIONS = [1, 2, (2, 1)]


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize(
    ("kernel_hw", "stride", "dilation"),
    list(itertools.product(KERNEL_SIZES, STRIDES, DILATIONS)),
)
def test_conv2d_equals_scipy_oracle(rng, kernel_hw, stride, dilation, padding):
    x = rng.standard_normal((2, 11, 13, 3))
    kernel = rng.standard_normal((*kernel_hw, 3, 2))
    bias = rng.standard_normal(2)
    out = conv2d(x, kernel, bias, stride=stride, padding=padding, dilation=dilation)
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    expected = oracle_conv2d(x, kernel, bias, pair(stride), padding, pair(dilation))
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@SETTINGS
@given(
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    c_in=st.integers(1, 3),
    c_out=st.integers(1, 3),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    dilation=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.sampled_from(["valid", "same"]),
    seed=st.integers(0, 2**16),
)
def test_conv2d_random_shapes_equal_oracle(
    h, w, kh, kw, c_in, c_out, stride, dilation, padding, seed
):
    effective = ((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)
    if padding == "valid" and (effective[0] > h or effective[1] > w):
        return  # covered by test_conv2d_kernel_larger_than_image_is_refused
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, h, w, c_in))
    kernel = rng.standard_normal((kh, kw, c_in, c_out))
    out = conv2d(x, kernel, stride=stride, padding=padding, dilation=dilation)
    expected = oracle_conv2d(x, kernel, None, stride, padding, dilation)
    assert out.shape == (
        1,
        conv_output_size(h, kh, padding=padding, stride=stride[0], dilation=dilation[0]),
        conv_output_size(w, kw, padding=padding, stride=stride[1], dilation=dilation[1]),
        c_out,
    )
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_conv2d_impulse_shows_the_flipped_kernel_in_every_output_channel():
    x = np.zeros((7, 7, 2))
    x[3, 3, 1] = 1.0  # an impulse in the second input channel only
    kernel = powers_of_two((3, 3, 2, 4))
    out = conv2d(x, kernel, padding="same")
    for o in range(4):
        np.testing.assert_array_equal(out[2:5, 2:5, o], kernel[::-1, ::-1, 1, o])
    assert np.count_nonzero(out) == 9 * 4


def test_conv2d_same_padding_of_even_kernel_goes_bottom_right():
    # TensorFlow's rule: a 2x2 kernel pads one row/column after, none before.
    x = np.arange(1.0, 10.0).reshape(3, 3, 1)
    out = conv2d(x, np.ones((2, 2, 1, 1)), padding="same")[:, :, 0]
    np.testing.assert_array_equal(out, [[12.0, 16.0, 9.0], [24.0, 28.0, 15.0], [15.0, 17.0, 9.0]])


def test_conv2d_single_image_has_no_batch_axis(rng):
    x = rng.standard_normal((6, 5, 3))
    kernel = rng.standard_normal((3, 3, 3, 4))
    single = conv2d(x, kernel, padding="same")
    assert single.shape == (6, 5, 4)
    np.testing.assert_array_equal(single, conv2d(x[None], kernel, padding="same")[0])


def test_conv2d_batch_items_are_independent(rng):
    x = rng.standard_normal((3, 6, 5, 2))
    kernel = rng.standard_normal((3, 2, 2, 4))
    batch = conv2d(x, kernel, stride=2)
    for b in range(3):
        np.testing.assert_allclose(batch[b], conv2d(x[b], kernel, stride=2), rtol=1e-12)


def test_conv2d_bias_is_added_per_output_channel(rng):
    x = rng.standard_normal((5, 5, 2))
    kernel = rng.standard_normal((3, 3, 2, 3))
    bias = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(
        conv2d(x, kernel, bias) - conv2d(x, kernel), np.broadcast_to(bias, (3, 3, 3))
    )


def test_conv2d_non_contiguous_inputs(rng):
    x = rng.standard_normal((2, 3, 9, 8)).transpose(0, 2, 3, 1)[:, ::-1]  # NCHW view, flipped
    kernel = rng.standard_normal((3, 3, 3, 2))[::-1, :, :, :]
    assert not x.flags.c_contiguous and not kernel.flags.c_contiguous
    np.testing.assert_allclose(
        conv2d(x, kernel, padding="same"),
        conv2d(np.ascontiguousarray(x), np.ascontiguousarray(kernel), padding="same"),
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (np.float32, np.float32),
        (np.float64, np.float64),
        (np.uint8, np.float64),
        (bool, np.float64),
    ],
)
def test_conv2d_result_dtype(dtype, expected):
    x = np.ones((4, 4, 1), dtype=dtype)
    assert conv2d(x, np.ones((3, 3, 1, 1))).dtype == expected


def test_conv2d_uint8_does_not_overflow():
    x = np.full((3, 3, 1), 255, dtype=np.uint8)
    assert conv2d(x, np.ones((3, 3, 1, 1)))[0, 0, 0] == 9 * 255


def test_conv2d_accepts_lists_and_stride_pairs():
    x = [[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]]]
    out = conv2d(x, [[[[1.0]]]], stride=(1, 2))
    np.testing.assert_array_equal(out[:, :, 0], [[1.0, 3.0], [4.0, 6.0]])


# --------------------------------------------------------------------------
# depthwise and separable
# --------------------------------------------------------------------------


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize(("stride", "dilation"), [(1, 1), (2, 1), (1, 2), (2, 2), ((1, 3), (2, 1))])
@pytest.mark.parametrize("multiplier", [1, 3])
def test_depthwise_equals_per_channel_conv2d_concatenated(
    rng, padding, stride, dilation, multiplier
):
    x = rng.standard_normal((2, 10, 9, 3))
    kernel = rng.standard_normal((3, 4, 3, multiplier))
    bias = rng.standard_normal(3 * multiplier)
    options = {"stride": stride, "padding": padding, "dilation": dilation}
    out = depthwise_conv2d(x, kernel, bias, **options)
    per_channel = np.concatenate(
        [conv2d(x[..., c : c + 1], kernel[:, :, c : c + 1, :], **options) for c in range(3)],
        axis=-1,
    )
    np.testing.assert_allclose(out, per_channel + bias, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("multiplier", [1, 2])
@pytest.mark.parametrize(("kh", "kw"), [(1, 1), (3, 3), (2, 5)])
def test_depthwise_equals_conv2d_with_block_diagonal_kernel(rng, multiplier, kh, kw):
    x = rng.standard_normal((2, 8, 7, 4))
    kernel = rng.standard_normal((kh, kw, 4, multiplier))
    full = depthwise_to_conv2d(kernel)
    assert full.shape == (kh, kw, 4, 4 * multiplier)
    for options in ({"padding": "same"}, {"stride": 2, "dilation": 2, "padding": "same"}):
        np.testing.assert_allclose(
            depthwise_conv2d(x, kernel, **options),
            conv2d(x, full, **options),
            rtol=1e-12,
            atol=1e-12,
        )


def test_depthwise_to_conv2d_is_zero_off_the_channel_blocks():
    kernel = powers_of_two((2, 2, 3, 2)) + 1.0
    full = depthwise_to_conv2d(kernel)
    for c, o in itertools.product(range(3), range(6)):
        if o // 2 == c:
            np.testing.assert_array_equal(full[:, :, c, o], kernel[:, :, c, o % 2])
        else:
            assert not full[:, :, c, o].any()


def test_depthwise_output_order_is_channel_major():
    # Output channel c * multiplier + q is channel c with filter q (TensorFlow's order).
    x = np.ones((1, 1, 2)) * [1.0, 100.0]
    kernel = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).reshape(1, 1, 2, 3)
    np.testing.assert_array_equal(depthwise_conv2d(x, kernel)[0, 0], [1, 2, 3, 400, 500, 600])


def test_separable_equals_depthwise_then_pointwise_and_one_conv2d(rng):
    x = rng.standard_normal((2, 9, 8, 3))
    depthwise = rng.standard_normal((3, 3, 3, 2))
    pointwise = rng.standard_normal((1, 1, 6, 5))
    bias = rng.standard_normal(5)
    out = separable_conv2d(x, depthwise, pointwise, bias, stride=2, padding="same")
    steps = conv2d(depthwise_conv2d(x, depthwise, stride=2, padding="same"), pointwise, bias)
    np.testing.assert_allclose(out, steps, rtol=1e-12)
    # The two steps collapse into one Conv2D kernel: block-diagonal times pointwise.
    combined = np.einsum("hwcm,mo->hwco", depthwise_to_conv2d(depthwise), pointwise[0, 0])
    np.testing.assert_allclose(out, conv2d(x, combined, bias, stride=2, padding="same"), rtol=1e-10)


# --------------------------------------------------------------------------
# kernel layouts
# --------------------------------------------------------------------------


def test_hwio_oihw_round_trips(rng):
    kernel = rng.standard_normal((3, 5, 2, 7))
    oihw = hwio_to_oihw(kernel)
    assert oihw.shape == (7, 2, 3, 5)
    assert oihw.flags.c_contiguous
    np.testing.assert_array_equal(oihw[6, 1], kernel[:, :, 1, 6])
    np.testing.assert_array_equal(oihw_to_hwio(oihw), kernel)
    np.testing.assert_array_equal(hwio_to_oihw(oihw_to_hwio(oihw)), oihw)


def test_hwio_to_oihw_computes_the_same_as_pytorch_conv2d(rng):
    x = rng.standard_normal((2, 7, 6, 3))
    kernel = rng.standard_normal((3, 2, 3, 4))
    torch_out = pytorch_conv2d(x.transpose(0, 3, 1, 2), hwio_to_oihw(kernel))
    np.testing.assert_allclose(torch_out.transpose(0, 2, 3, 1), conv2d(x, kernel), rtol=1e-12)


@pytest.mark.parametrize("multiplier", [1, 2, 3])
def test_depthwise_layouts_round_trip_and_match_pytorch_groups(rng, multiplier):
    x = rng.standard_normal((2, 6, 7, 4))
    kernel = rng.standard_normal((3, 2, 4, multiplier))
    weight = depthwise_hwio_to_oihw(kernel)
    assert weight.shape == (4 * multiplier, 1, 3, 2)
    np.testing.assert_array_equal(depthwise_oihw_to_hwio(weight, multiplier=multiplier), kernel)
    torch_out = pytorch_conv2d(x.transpose(0, 3, 1, 2), weight, groups=4)
    np.testing.assert_allclose(
        torch_out.transpose(0, 2, 3, 1), depthwise_conv2d(x, kernel), rtol=1e-12
    )


# --------------------------------------------------------------------------
# parameter counts
# --------------------------------------------------------------------------


def test_param_counts_known_values():
    assert conv2d_param_count(5, 5, 3, 3) == 228
    assert conv2d_param_count(5, 5, 3, 3, bias=False) == 225
    assert depthwise_param_count(5, 5, 3) == 78
    assert depthwise_param_count(3, 3, 32, 2, bias=False) == 576
    assert separable_conv2d_param_count(3, 3, 64, 128) == 8896


@SETTINGS
@given(
    kh=st.integers(1, 7),
    kw=st.integers(1, 7),
    c_in=st.integers(1, 8),
    c_out=st.integers(1, 8),
    multiplier=st.integers(1, 3),
    bias=st.booleans(),
)
def test_param_counts_equal_the_kernel_sizes(kh, kw, c_in, c_out, multiplier, bias):
    conv = np.empty((kh, kw, c_in, c_out))
    depthwise = np.empty((kh, kw, c_in, multiplier))
    assert conv2d_param_count(kh, kw, c_in, c_out, bias=bias) == conv.size + bias * c_out
    assert (
        depthwise_param_count(kh, kw, c_in, multiplier, bias=bias)
        == depthwise.size + bias * c_in * multiplier
    )
    # A depthwise layer is a Conv2D with most of its kernel forced to zero.
    assert np.count_nonzero(depthwise_to_conv2d(np.ones(depthwise.shape))) == depthwise.size
    assert (
        separable_conv2d_param_count(kh, kw, c_in, c_out, multiplier, bias=bias)
        == depthwise.size + c_in * multiplier * c_out + bias * c_out
    )


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------


def test_kernel_channels_mismatch_message():
    with pytest.raises(ValueError) as info:
        conv2d(np.zeros((8, 8, 3)), np.zeros((3, 3, 1, 8)))
    assert str(info.value) == (
        "`kernel` must have shape (kh, kw, C_in, C_out) with C_in == 3 (the image's channels); "
        "got (3, 3, 1, 8)."
    )


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: conv2d(np.zeros((8, 8)), np.zeros((3, 3, 1, 1))), ValueError, r"x\[\.\.\., None\]"),
        (lambda: conv2d(np.zeros((2, 2, 8, 8, 3)), np.zeros((3, 3, 3, 1))), ValueError, r"4-D \(N, H, W, C\)"),
        (lambda: conv2d(np.zeros((0, 8, 8, 3)), np.zeros((3, 3, 3, 1))), ValueError, "must not be empty"),
        (lambda: conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3))), ValueError, r"kernel\[:, :, None, None\]"),
        (lambda: conv2d(np.zeros((8, 8, 3)), np.zeros((8, 3, 5, 5))), ValueError, "PyTorch's OIHW layout; convert it with oihw_to_hwio"),
        (lambda: conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1, 2)), [1.0]), ValueError, r"`bias` must have shape \(2,\)"),
        (lambda: conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1, 1)), padding="SAME"), ValueError, "lower-case: use 'same'"),
        (lambda: conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1, 1)), padding="full"), ValueError, "Keras layers have no 'full'"),
        (lambda: conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1, 1)), padding=1), ValueError, r"'valid' or 'same' \(as in Keras\); got 1 \(int\)"),
        (lambda: conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1, 1)), stride=0), ValueError, "`stride` must be an integer >= 1"),
        (lambda: conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1, 1)), dilation=1.5), TypeError, "`dilation` must be an integer"),
        (lambda: conv2d(np.zeros((4, 4, 1)), np.zeros((3, 3, 1, 1)), dilation=2), ValueError, "larger than the padded image"),
        (lambda: conv2d(np.zeros((4, 4, 1), complex), np.zeros((3, 3, 1, 1))), TypeError, "real numeric dtype"),
        (lambda: depthwise_conv2d(np.zeros((8, 8, 3)), np.zeros((3, 3, 1, 2))), ValueError, r"\(kh, kw, C, multiplier\) with C_in == 3"),
        (lambda: depthwise_conv2d(np.zeros((8, 8, 2)), np.zeros((3, 3, 2, 2)), np.zeros(2)), ValueError, r"`bias` must have shape \(4,\)"),
        (lambda: separable_conv2d(np.zeros((8, 8, 2)), np.zeros((3, 3, 2, 1)), np.zeros((3, 3, 2, 4))), ValueError, r"\(1, 1, C \* multiplier, C_out\)"),
        (lambda: separable_conv2d(np.zeros((8, 8, 2)), np.zeros((3, 3, 2, 2)), np.zeros((1, 1, 2, 4))), ValueError, r"C_in == 4"),
        (lambda: depthwise_to_conv2d(np.zeros((3, 3))), ValueError, r"4-D array of shape \(kh, kw, C, multiplier\)"),
        (lambda: hwio_to_oihw(np.zeros((3, 3, 1))), ValueError, r"4-D array of shape \(kh, kw, C_in, C_out\)"),
        (lambda: oihw_to_hwio(np.zeros(3)), ValueError, r"\(C_out, C_in, kh, kw\); got shape \(3,\)"),
        (lambda: depthwise_oihw_to_hwio(np.zeros((6, 2, 3, 3))), ValueError, r"\(C \* multiplier, 1, kh, kw\) with multiplier == 1"),
        (lambda: depthwise_oihw_to_hwio(np.zeros((6, 1, 3, 3)), multiplier=4), ValueError, "multiplier == 4"),
        (lambda: conv2d_param_count(5, 5, 3, 0), ValueError, "`c_out` must be an integer >= 1; got 0"),
        (lambda: conv2d_param_count(5, 5.0, 3, 3), TypeError, "`kw` must be an integer"),
        (lambda: conv2d_param_count(5, 5, 3, 3, bias=1), TypeError, "`bias` must be True or False"),
        (lambda: depthwise_param_count(3, 3, 2, multiplier=True), TypeError, "`multiplier` must be an integer"),
    ],
)  # fmt: skip
def test_errors_say_what_was_expected(call, error, match):
    with pytest.raises(error, match=match):
        call()
