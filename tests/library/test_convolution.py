"""correlate2d / convolve2d / correlate2d_loops against scipy.signal, scipy.ndimage and OpenCV."""

import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.signal as signal
from hypothesis import given, settings
from hypothesis import strategies as st

from convlab import (
    BORDER_MODES,
    border_mode_table,
    convolve2d,
    correlate2d,
    correlate2d_loops,
    pad,
    same_padding,
)

SETTINGS = settings(max_examples=60, deadline=None)
SCIPY_MODE = {row["numpy"]: row["scipy.ndimage"] for row in border_mode_table()}
CV2_BORDER = {row["numpy"]: row["opencv_value"] for row in border_mode_table()}


def powers_of_two(kh, kw):
    """A kernel whose taps are 1, 2, 4, ...: every tap is identifiable in a sum."""
    return 2.0 ** np.arange(kh * kw).reshape(kh, kw)


def impulse(h, w, y, x):
    image = np.zeros((h, w))
    image[y, x] = 1.0
    return image


def scipy_origin(kernel_shape):
    """scipy.ndimage centres an even kernel one tap later than TensorFlow's 'same'."""
    return [(k - 1) // 2 - k // 2 for k in kernel_shape]


def dilate_kernel(kernel, dilation):
    dh, dw = dilation
    kh, kw = kernel.shape
    out = np.zeros(((kh - 1) * dh + 1, (kw - 1) * dw + 1))
    out[::dh, ::dw] = kernel
    return out


# --- impulses: each tap lands in one identifiable place --------------------------------


@pytest.mark.parametrize("kshape", [(3, 3), (2, 2), (3, 4), (1, 5)])
def test_full_correlation_of_impulse_is_rotated_kernel(kshape):
    kernel = powers_of_two(*kshape)
    np.testing.assert_array_equal(
        correlate2d(np.ones((1, 1)), kernel, padding="full"), kernel[::-1, ::-1]
    )
    np.testing.assert_array_equal(convolve2d(np.ones((1, 1)), kernel, padding="full"), kernel)


def test_same_correlation_of_centred_impulse_even_kernel_follows_tensorflow():
    # TF pads (1, 2) for k=4: out[y] reads padded[y .. y+3] = image[y-1 .. y+2],
    # so out[y, x] = kernel[i, j] where y - 1 + i == 2 and x - 1 + j == 2.
    kernel = powers_of_two(4, 4)
    out = correlate2d(impulse(5, 5, 2, 2), kernel, padding="same")
    expected = np.zeros((5, 5))
    for i in range(4):
        for j in range(4):
            y, x = 3 - i, 3 - j
            if 0 <= y < 5 and 0 <= x < 5:
                expected[y, x] = kernel[i, j]
    np.testing.assert_array_equal(out, expected)


# --- scipy.signal: valid and full -----------------------------------------------------


@SETTINGS
@given(
    h=st.integers(1, 12),
    w=st.integers(1, 12),
    kh=st.integers(1, 6),
    kw=st.integers(1, 6),
    padding=st.sampled_from(["valid", "full"]),
    seed=st.integers(0, 2**16),
)
def test_valid_and_full_equal_scipy_signal(h, w, kh, kw, padding, seed):
    rng = np.random.default_rng(seed)
    image, kernel = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    if padding == "valid" and (kh > h or kw > w):
        with pytest.raises(ValueError, match=r"is larger than the padded image"):
            correlate2d(image, kernel)
        return
    np.testing.assert_allclose(
        correlate2d(image, kernel, padding=padding),
        signal.correlate2d(image, kernel, mode=padding),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        convolve2d(image, kernel, padding=padding),
        signal.convolve2d(image, kernel, mode=padding),
        atol=1e-12,
    )


# --- scipy.ndimage: 'same' in every border mode ----------------------------------------


@pytest.mark.parametrize("mode", BORDER_MODES)
@pytest.mark.parametrize("kshape", [(3, 3), (5, 3), (4, 4), (2, 3), (1, 1)])
def test_same_equals_scipy_ndimage_in_every_mode(mode, kshape):
    rng = np.random.default_rng(sum(kshape))
    image = rng.standard_normal((9, 11))
    kernel = powers_of_two(*kshape)
    expected = ndi.correlate(
        image, kernel, mode=SCIPY_MODE[mode], cval=1.5, origin=scipy_origin(kshape)
    )
    np.testing.assert_allclose(
        correlate2d(image, kernel, padding="same", mode=mode, cval=1.5), expected, rtol=1e-12
    )


@pytest.mark.parametrize("mode", BORDER_MODES)
def test_convolve_same_equals_scipy_ndimage_convolve_for_odd_kernels(mode):
    rng = np.random.default_rng(7)
    image, kernel = rng.standard_normal((8, 10)), powers_of_two(3, 5)
    np.testing.assert_allclose(
        convolve2d(image, kernel, padding="same", mode=mode, cval=-1.0),
        ndi.convolve(image, kernel, mode=SCIPY_MODE[mode], cval=-1.0),
        rtol=1e-12,
    )


@SETTINGS
@given(
    h=st.integers(3, 10),
    w=st.integers(3, 10),
    kh=st.integers(1, 3),
    kw=st.integers(1, 3),
    mode=st.sampled_from(BORDER_MODES),
    channels=st.sampled_from([None, 1, 3]),
    seed=st.integers(0, 2**16),
)
def test_same_property_against_scipy_ndimage(h, w, kh, kw, mode, channels, seed):
    rng = np.random.default_rng(seed)
    shape = (h, w) if channels is None else (h, w, channels)
    image, kernel = rng.standard_normal(shape), rng.standard_normal((kh, kw))
    scipy_kernel = kernel if channels is None else kernel[:, :, np.newaxis]
    origin = scipy_origin((kh, kw)) + ([] if channels is None else [0])
    expected = ndi.correlate(image, scipy_kernel, mode=SCIPY_MODE[mode], origin=origin)
    np.testing.assert_allclose(
        correlate2d(image, kernel, padding="same", mode=mode), expected, atol=1e-12
    )


# --- OpenCV filter2D (a correlation; anchor = TensorFlow's 'before' padding) ----------


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
@pytest.mark.parametrize("kshape", [(3, 3), (4, 2), (5, 4)])
def test_same_equals_cv2_filter2d(mode, kshape):
    rng = np.random.default_rng(11)
    image = rng.random((12, 13)).astype(np.float32)
    kernel = powers_of_two(*kshape).astype(np.float32) / 2.0 ** (kshape[0] * kshape[1])
    anchor = (same_padding(13, kshape[1])[0], same_padding(12, kshape[0])[0])  # (x, y)
    expected = cv2.filter2D(image, -1, kernel, anchor=anchor, borderType=CV2_BORDER[mode])
    ours = correlate2d(image, kernel, padding="same", mode=mode)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


# --- padding forms, stride and dilation --------------------------------------------------


@pytest.mark.parametrize("mode", BORDER_MODES)
def test_explicit_padding_equals_pad_then_valid(mode):
    rng = np.random.default_rng(5)
    image, kernel = rng.random((6, 7)), powers_of_two(3, 2)
    widths = ((2, 0), (1, 3))
    np.testing.assert_array_equal(
        correlate2d(image, kernel, padding=widths, mode=mode, cval=2.0),
        correlate2d(pad(image, widths, mode, cval=2.0), kernel),
    )
    np.testing.assert_array_equal(
        correlate2d(image, kernel, padding=2, mode=mode),
        correlate2d(pad(image, 2, mode), kernel),
    )


@SETTINGS
@given(
    h=st.integers(4, 12),
    w=st.integers(4, 12),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    sh=st.integers(1, 4),
    sw=st.integers(1, 4),
    padding=st.sampled_from(["valid", "full", 1, ((0, 2), (1, 0))]),
    mode=st.sampled_from(BORDER_MODES),
)
def test_stride_subsamples_the_stride_one_result(h, w, kh, kw, sh, sw, padding, mode):
    rng = np.random.default_rng(h * w + kh)
    image, kernel = rng.random((h, w)), powers_of_two(kh, kw)
    dense = correlate2d(image, kernel, padding=padding, mode=mode)
    strided = correlate2d(image, kernel, padding=padding, mode=mode, stride=(sh, sw))
    np.testing.assert_array_equal(strided, dense[::sh, ::sw])


@pytest.mark.parametrize("stride", [2, 3, (2, 1)])
def test_same_with_stride_pads_for_the_strided_output(stride):
    image, kernel = np.random.default_rng(2).random((7, 8)), powers_of_two(3, 4)
    s = (stride, stride) if isinstance(stride, int) else stride
    widths = (same_padding(7, 3, stride=s[0]), same_padding(8, 4, stride=s[1]))
    out = correlate2d(image, kernel, padding="same", stride=stride)
    assert out.shape == (-(-7 // s[0]), -(-8 // s[1]))
    np.testing.assert_array_equal(out, correlate2d(image, kernel, padding=widths)[:: s[0], :: s[1]])


@SETTINGS
@given(
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    dh=st.integers(1, 3),
    dw=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same", "full", 2]),
    mode=st.sampled_from(BORDER_MODES),
)
def test_dilation_equals_kernel_with_zeros_inserted(kh, kw, dh, dw, padding, mode):
    image = np.random.default_rng(kh + kw).random((11, 12))
    kernel = powers_of_two(kh, kw)
    np.testing.assert_array_equal(
        correlate2d(image, kernel, padding=padding, mode=mode, dilation=(dh, dw)),
        correlate2d(image, dilate_kernel(kernel, (dh, dw)), padding=padding, mode=mode),
    )


@SETTINGS
@given(
    padding=st.sampled_from(["valid", "same", "full", 1, ((2, 0), (0, 1))]),
    mode=st.sampled_from(BORDER_MODES),
    stride=st.sampled_from([1, 2, (1, 3)]),
    dilation=st.sampled_from([1, 2, (2, 1)]),
    kshape=st.tuples(st.integers(1, 4), st.integers(1, 4)),
)
def test_convolve_is_correlate_with_flipped_kernel(padding, mode, stride, dilation, kshape):
    image = np.random.default_rng(0).random((10, 9, 2))
    kernel = powers_of_two(*kshape)
    options = dict(padding=padding, mode=mode, cval=0.5, stride=stride, dilation=dilation)
    np.testing.assert_array_equal(
        convolve2d(image, kernel, **options), correlate2d(image, kernel[::-1, ::-1], **options)
    )


# --- channels, layout, dtypes ---------------------------------------------------------


@pytest.mark.parametrize("function", [correlate2d, convolve2d])
def test_channels_are_filtered_separately_with_the_same_kernel(function):
    image = np.random.default_rng(3).random((6, 7, 3))
    kernel = powers_of_two(3, 2)
    out = function(image, kernel, padding="same", mode="reflect")
    assert out.shape == (6, 7, 3)
    for c in range(3):
        np.testing.assert_array_equal(
            out[:, :, c], function(image[:, :, c], kernel, padding="same", mode="reflect")
        )


def test_non_contiguous_image_and_kernel():
    base = np.random.default_rng(4).random((20, 18, 3))
    image = base[::2, ::-3, 1]
    kernel = powers_of_two(4, 6)[::-2, ::2]
    assert not image.flags.c_contiguous and not kernel.flags.c_contiguous
    expected = signal.correlate2d(np.ascontiguousarray(image), np.ascontiguousarray(kernel), "full")
    np.testing.assert_allclose(correlate2d(image, kernel, padding="full"), expected, rtol=1e-12)
    np.testing.assert_allclose(
        correlate2d_loops(image, kernel), signal.correlate2d(image, kernel, "valid"), rtol=1e-12
    )
    # A Fortran-ordered (transposed) multichannel view.
    chw = np.random.default_rng(5).random((3, 6, 7))
    hwc = chw.transpose(1, 2, 0)
    np.testing.assert_allclose(
        correlate2d(hwc, kernel), correlate2d(np.ascontiguousarray(hwc), kernel), rtol=0
    )


@pytest.mark.parametrize("function", [correlate2d, convolve2d, correlate2d_loops])
def test_float32_in_float32_out(function):
    image = np.random.default_rng(6).random((5, 5)).astype(np.float32)
    out = function(image, np.ones((3, 3)))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, function(image.astype(np.float64), np.ones((3, 3))), rtol=1e-6)


@pytest.mark.parametrize("function", [correlate2d, convolve2d, correlate2d_loops])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, bool, np.float16])
def test_other_dtypes_give_float64_without_truncation(function, dtype):
    image = np.full((4, 4), 1 if dtype is bool else 200, dtype=dtype)
    out = function(image, np.ones((3, 3), dtype=np.uint8))
    assert out.dtype == np.float64
    expected = 9.0 * (1 if dtype is bool else 200)  # 1800 would wrap around in uint8
    np.testing.assert_array_equal(out, np.full((2, 2), expected))


def test_uint8_not_truncated_by_negative_weights():
    image = np.array([[0, 10, 250]], dtype=np.uint8)
    out = correlate2d(image, np.array([[-1.0, 0.0, 1.0]]))
    np.testing.assert_array_equal(out, [[250.0]])
    out = correlate2d(image, np.array([[1.0, 0.0, -1.0]]))
    np.testing.assert_array_equal(out, [[-250.0]])


def test_input_not_modified():
    image = np.random.default_rng(8).random((5, 6))
    before = image.copy()
    correlate2d(image, np.ones((2, 2)), padding="same", mode="wrap")
    np.testing.assert_array_equal(image, before)


# --- the loops reference ----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(7, 8), (7, 8, 3), (3, 4)])
@pytest.mark.parametrize("kshape", [(3, 3), (2, 4), (1, 1)])
def test_loops_equal_vectorized_and_scipy(shape, kshape):
    image = np.random.default_rng(9).standard_normal(shape)
    kernel = powers_of_two(*kshape)
    loops = correlate2d_loops(image, kernel)
    np.testing.assert_allclose(loops, correlate2d(image, kernel), rtol=1e-12)
    if len(shape) == 2:
        np.testing.assert_allclose(loops, signal.correlate2d(image, kernel, "valid"), rtol=1e-12)


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("function", [correlate2d, convolve2d])
def test_errors(function):
    image = np.ones((5, 5))
    kernel = np.ones((3, 3))
    with pytest.raises(
        ValueError,
        match=r"^`image` must be a 2-D \(H, W\) or 3-D \(H, W, C\) array; got shape \(5,\)",
    ):
        function(np.ones(5), kernel)
    with pytest.raises(
        ValueError, match=r"^`kernel` must be a 2-D \(H, W\) array; got shape \(3, 3, 1\)"
    ):
        function(image, np.ones((3, 3, 1)))
    with pytest.raises(ValueError, match=r"^`kernel` must not be empty"):
        function(image, np.ones((0, 3)))
    with pytest.raises(
        TypeError, match=r"^`image` must have a real numeric dtype .* got dtype object"
    ):
        function(np.full((3, 3), None), kernel)
    with pytest.raises(
        TypeError, match=r"^`kernel` must have a real numeric dtype .* got dtype <U1"
    ):
        function(image, np.full((3, 3), "a"))
    with pytest.raises(ValueError, match=r"got 'mirror' \(scipy's 'mirror' is 'reflect' here\)\.$"):
        function(image, kernel, padding="same", mode="mirror")
    with pytest.raises(ValueError, match=r"^`stride` must be an integer >= 1; got 0\.$"):
        function(image, kernel, stride=0)
    with pytest.raises(
        TypeError,
        match=r"^`stride` must be an integer or a pair of integers \(rows, columns\); got 1\.5",
    ):
        function(image, kernel, stride=1.5)
    with pytest.raises(ValueError, match=r"^`dilation` must be an integer >= 1; got 0\.$"):
        function(image, kernel, dilation=(1, 0))
    with pytest.raises(
        ValueError,
        match=r"^`kernel` \(effective size \(7, 7\) with dilation\) is larger than the padded image \(5, 5\)",
    ):
        function(image, kernel, dilation=3)
    with pytest.raises(
        ValueError,
        match=r"^`padding` must be one of 'valid', 'same', 'full'.*got 'SAME' \(output sizes are lower-case",
    ):
        function(image, kernel, padding="SAME")
    with pytest.raises(
        ValueError, match=r"a flat pair is ambiguous: write \(\(1, 2\), \(1, 2\)\) for numpy\.pad's"
    ):
        function(image, kernel, padding=(1, 2))
    with pytest.raises(TypeError, match=r"^`cval` must be a real number"):
        function(image, kernel, cval="0")


def test_loops_errors():
    with pytest.raises(ValueError, match=r"is larger than the padded image \(2, 5\)"):
        correlate2d_loops(np.ones((2, 5)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"^`image` must not be empty"):
        correlate2d_loops(np.ones((0, 5)), np.ones((1, 1)))


@pytest.mark.parametrize("mode", BORDER_MODES)
@pytest.mark.parametrize("widths", [((0, 0), (0, 0)), ((1, 2), (3, 0)), ((9, 0), (2, 11))])
@pytest.mark.parametrize("shape", [(1, 1), (4, 3), (5, 6, 2)])
def test_fast_padding_equals_pad(mode, widths, shape):
    from convlab.convolution import _pad_fast

    image = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    expected = pad(image, widths, mode, cval=1.5)
    got = _pad_fast(image, widths, mode, 1.5)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("strip_bytes", [1, 100, 10**7])
@pytest.mark.parametrize(
    "options",
    [
        {"padding": "same"},
        {"padding": "full", "stride": 2, "mode": "reflect"},
        {"padding": "same", "stride": (1, 3), "dilation": (2, 1), "mode": "wrap"},
    ],
)
def test_strips_and_threads_do_not_change_the_result(monkeypatch, threads, strip_bytes, options):
    import convlab.convolution as module

    rng = np.random.default_rng(1)
    image = rng.standard_normal((23, 17, 3)).astype(np.float32)
    kernel = rng.standard_normal((4, 3))
    expected = correlate2d(image, kernel, **options)
    monkeypatch.setattr(module, "THREADS", threads)
    monkeypatch.setattr(module, "STRIP_BYTES", strip_bytes)
    got = correlate2d(image, kernel, **options)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)
