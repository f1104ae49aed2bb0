"""convlab.pad and the border-mode table, against numpy.pad, OpenCV and scipy.ndimage."""

import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from convlab import BORDER_MODES, border_mode_table, pad

SETTINGS = settings(max_examples=60, deadline=None)


def numpy_widths(widths, ndim):
    return tuple(widths) + ((0, 0),) * (ndim - 2)


@SETTINGS
@given(
    shape=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    channels=st.sampled_from([None, 1, 3]),
    widths=st.tuples(*[st.integers(0, 13)] * 4),
    mode=st.sampled_from(BORDER_MODES),
    seed=st.integers(0, 2**16),
)
def test_pad_equals_numpy_pad_for_every_mode_and_width(shape, channels, widths, mode, seed):
    shape = shape if channels is None else (*shape, channels)
    image = np.random.default_rng(seed).integers(0, 100, shape)
    (top, bottom, left, right) = widths
    ours = pad(image, ((top, bottom), (left, right)), mode)
    expected = np.pad(image, numpy_widths(((top, bottom), (left, right)), image.ndim), mode=mode)
    np.testing.assert_array_equal(ours, expected)
    assert ours.dtype == image.dtype


@pytest.mark.parametrize("cval", [0.0, -2.5, np.nan, np.inf])
def test_pad_constant_cval_equals_numpy(cval):
    image = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(
        pad(image, ((1, 2), (3, 0)), cval=cval),
        np.pad(image, ((1, 2), (3, 0)), constant_values=cval),
    )


@pytest.mark.parametrize(
    ("pad_width", "expected"),
    [(2, ((2, 2), (2, 2))), ((1, 3), ((1, 3), (1, 3))), (((0, 1), (2, 3)), ((0, 1), (2, 3)))],
)
def test_pad_width_forms(pad_width, expected):
    image = np.ones((2, 3))
    out = pad(image, pad_width)
    (top, bottom), (left, right) = expected
    assert out.shape == (2 + top + bottom, 3 + left + right)
    np.testing.assert_array_equal(out[top : top + 2, left : left + 3], image)
    assert out.sum() == image.sum()


def test_pad_keeps_channel_axis_unpadded():
    image = np.random.default_rng(0).random((3, 4, 2))
    out = pad(image, 1, "edge")
    assert out.shape == (5, 6, 2)
    for c in range(2):
        np.testing.assert_array_equal(out[:, :, c], pad(image[:, :, c], 1, "edge"))


@pytest.mark.parametrize("mode", BORDER_MODES)
def test_pad_non_contiguous_input(mode):
    base = np.random.default_rng(1).random((9, 12))
    image = base[::2, ::-3]
    assert not image.flags.c_contiguous
    np.testing.assert_array_equal(
        pad(image, ((2, 1), (1, 2)), mode), np.pad(image, ((2, 1), (1, 2)), mode)
    )


def test_pad_returns_new_array():
    image = np.zeros((2, 2))
    out = pad(image, 0)
    out[0, 0] = 1
    assert image[0, 0] == 0


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, bool, np.float32])
def test_pad_keeps_dtype(dtype):
    image = np.ones((2, 2), dtype=dtype)
    assert pad(image, 1, "reflect").dtype == dtype
    assert pad(image, 1, cval=1).dtype == dtype


@pytest.mark.parametrize(
    ("dtype", "cval"), [(np.uint8, -1), (np.uint8, 256), (np.uint8, 0.5), (bool, 2)]
)
def test_pad_refuses_cval_that_would_be_truncated(dtype, cval):
    with pytest.raises(ValueError, match=r"`cval` .* does not fit the image dtype"):
        pad(np.ones((2, 2), dtype=dtype), 1, cval=cval)


def test_pad_cval_ignored_by_other_modes():
    image = np.ones((2, 2), dtype=np.uint8)
    np.testing.assert_array_equal(pad(image, 1, "edge", cval=0.5), np.ones((4, 4)))


# OpenCV: copyMakeBorder with the table's BORDER_* constant (widths below the size).
@pytest.mark.parametrize("row", border_mode_table(), ids=lambda r: r["numpy"])
def test_pad_equals_cv2_copy_make_border(row):
    image = np.random.default_rng(2).random((7, 9)).astype(np.float32)
    border = getattr(cv2, row["opencv"])
    assert border == row["opencv_value"]
    expected = cv2.copyMakeBorder(image, 3, 1, 2, 4, border, value=0)
    np.testing.assert_array_equal(pad(image, ((3, 1), (2, 4)), row["numpy"]), expected)


# scipy.ndimage: correlating with a kernel whose only tap is the top-left one reads the
# padded image shifted by the radius, so each mapped name must give our padding.
@pytest.mark.parametrize("row", border_mode_table(), ids=lambda r: r["numpy"])
def test_table_scipy_names_give_the_same_borders(row):
    image = np.random.default_rng(3).random((6, 7))
    radius = 2
    kernel = np.zeros((2 * radius + 1, 2 * radius + 1))
    kernel[0, 0] = 1.0
    shifted = ndi.correlate(image, kernel, mode=row["scipy.ndimage"], cval=0.0)
    np.testing.assert_array_equal(shifted, pad(image, radius, row["numpy"])[:6, :7])


def test_table_shape_and_names():
    table = border_mode_table()
    assert [r["numpy"] for r in table] == list(BORDER_MODES)
    assert [r["scipy.ndimage"] for r in table] == [
        "constant",
        "nearest",
        "mirror",
        "reflect",
        "wrap",
    ]
    assert [r["tensorflow"] for r in table] == ["CONSTANT", None, "REFLECT", "SYMMETRIC", None]
    assert [r["pytorch"] for r in table] == ["constant", "replicate", "reflect", None, "circular"]
    table[0]["numpy"] = "changed"
    assert border_mode_table()[0]["numpy"] == "constant"


@pytest.mark.parametrize("row", border_mode_table(), ids=lambda r: r["numpy"])
def test_table_examples_are_what_pad_does(row):
    letters = np.array([[1, 2, 3, 4]])  # a b c d
    out = pad(letters, ((0, 0), (2, 2)), row["numpy"])[0]
    names = {0: "0", 1: "a", 2: "b", 3: "c", 4: "d"}
    text = " ".join(names[int(x)] for x in out)
    expected = row["example"].replace("| ", "").replace(" |", "")
    assert text == expected


@pytest.mark.parametrize(
    ("mode", "hint"),
    [
        ("mirror", r"scipy's 'mirror' is 'reflect' here"),
        ("nearest", r"scipy's 'nearest' is 'edge' here"),
        ("replicate", r"PyTorch's 'replicate' is 'edge' here"),
        ("circular", r"PyTorch's 'circular' is 'wrap' here"),
    ],
)
def test_pad_unknown_mode_lists_valid_modes_and_hints(mode, hint):
    with pytest.raises(
        ValueError,
        match=r"^`mode` must be one of 'constant', 'edge', 'reflect', 'symmetric', 'wrap'; "
        rf"got '{mode}' \({hint}\)\.$",
    ):
        pad(np.ones((2, 2)), 1, mode)


@pytest.mark.parametrize("pad_width", [-1, (1, -1), ((0, 0), (0, -2))])
def test_pad_negative_width(pad_width):
    with pytest.raises(ValueError, match=r"^`pad_width` must not be negative"):
        pad(np.ones((2, 2)), pad_width)


@pytest.mark.parametrize("pad_width", [1.5, (1, 2, 3), "1", ((1, 2), (3,)), None, True])
def test_pad_width_wrong_type(pad_width):
    with pytest.raises(TypeError, match=r"^`pad_width` must be an integer >= 0, \(before, after\)"):
        pad(np.ones((2, 2)), pad_width)


def test_pad_bad_images():
    with pytest.raises(ValueError, match=r"must be a 2-D \(H, W\) or 3-D"):
        pad(np.ones(3), 1)
    with pytest.raises(ValueError, match=r"must not be empty"):
        pad(np.ones((0, 3)), 1)
    with pytest.raises(TypeError, match=r"real numeric dtype"):
        pad(np.array([["a", "b"]]), 1)
