"""Shared validators: accepted values, normalization and the exact error messages."""

import re

import numpy as np
import pytest

from convlab import _validation as v


@pytest.mark.parametrize("mode", v.BORDER_MODES)
def test_check_mode_accepts_numpy_names(mode):
    assert v.check_mode(mode) == mode


@pytest.mark.parametrize(
    ("mode", "hint"),
    [
        ("mirror", "scipy's 'mirror' is 'reflect' here"),
        ("nearest", "scipy's 'nearest' is 'edge' here"),
        ("grid-wrap", "scipy's 'grid-wrap' is 'wrap' here"),
        ("replicate", "PyTorch's 'replicate' is 'edge' here"),
        ("circular", "PyTorch's 'circular' is 'wrap' here"),
        ("zeros", "PyTorch's 'zeros' is 'constant' here"),
        ("reflect_101", "OpenCV's 'reflect_101' is 'reflect' here"),
        ("REFLECT", "modes are lower-case: use 'reflect'"),
        ("same", "'same' is an output size: pass it as `padding='same'`"),
        ("mean", "numpy.pad's 'mean' is not a border mode of this course"),
    ],
)
def test_check_mode_rejects_other_libraries_names_with_hint(mode, hint):
    expected = (
        "`mode` must be one of 'constant', 'edge', 'reflect', 'symmetric', 'wrap'; "
        f"got {mode!r} ({hint})."
    )
    with pytest.raises(ValueError) as info:
        v.check_mode(mode)
    assert str(info.value) == expected


def test_check_mode_message_matches_style_guide_example():
    with pytest.raises(
        ValueError,
        match=r"^`mode` must be one of 'constant', 'edge', 'reflect', 'symmetric', 'wrap'; "
        r"got 'mirror' \(scipy's 'mirror' is 'reflect' here\)\.$",
    ):
        v.check_mode("mirror")


def test_check_mode_unknown_name_has_no_hint():
    with pytest.raises(ValueError, match=r"got 'bogus'\.$"):
        v.check_mode("bogus")


def test_check_mode_opencv_int_is_type_error_with_hint():
    with pytest.raises(TypeError, match=r"OpenCV's cv2\.BORDER_REFLECT_101 is 'reflect' here"):
        v.check_mode(4)
    with pytest.raises(TypeError, match=r"`mode` must be a str"):
        v.check_mode(None)


@pytest.mark.parametrize("value", [1, 3, np.int64(2), np.uint8(7)])
def test_check_int_accepts_python_and_numpy_integers(value):
    out = v.check_int(value, name="stride", minimum=1)
    assert out == int(value) and type(out) is int


@pytest.mark.parametrize("value", [True, 2.0, 1.5, "2", None])
def test_check_int_rejects_bool_float_and_str(value):
    with pytest.raises(TypeError, match=r"^`stride` must be an integer; got "):
        v.check_int(value, name="stride", minimum=1)


def test_check_int_below_minimum():
    with pytest.raises(ValueError, match=r"^`stride` must be an integer >= 1; got 0\.$"):
        v.check_int(0, name="stride", minimum=1)


def test_check_pair_int_and_pair():
    assert v.check_pair(2, name="stride") == (2, 2)
    assert v.check_pair((1, 3), name="stride") == (1, 3)
    assert v.check_pair(np.array([2, 1]), name="stride") == (2, 1)


@pytest.mark.parametrize("value", [(1, 2, 3), "ab", 1.0, (1.0, 2)])
def test_check_pair_rejects_wrong_types(value):
    with pytest.raises(TypeError, match=r"`dilation` must be an integer"):
        v.check_pair(value, name="dilation")


def test_check_pair_rejects_zero():
    with pytest.raises(ValueError, match=r"^`dilation` must be an integer >= 1; got 0\.$"):
        v.check_pair((1, 0), name="dilation")


def test_check_odd_size_message():
    with pytest.raises(ValueError, match=r"^`size` must be a positive odd integer; got 4\.$"):
        v.check_odd_size(4)
    with pytest.raises(ValueError, match=r"got -1"):
        v.check_odd_size(-1)
    with pytest.raises(TypeError, match=r"`size` must be a positive odd integer; got 3\.0"):
        v.check_odd_size(3.0)
    assert v.check_odd_size(5) == 5


def test_check_real():
    assert v.check_real(2, name="sigma", positive=True) == 2.0
    with pytest.raises(ValueError, match=r"^`sigma` must be a finite number > 0; got 0\.0\.$"):
        v.check_real(0, name="sigma", positive=True)
    with pytest.raises(ValueError, match=r"finite number; got nan"):
        v.check_real(float("nan"), name="tol")
    with pytest.raises(TypeError, match=r"^`sigma` must be a real number; got '1'"):
        v.check_real("1", name="sigma")


def test_check_cval():
    assert v.check_cval(np.float32(0.5)) == 0.5
    assert np.isnan(v.check_cval(float("nan")))
    with pytest.raises(TypeError, match=r"`cval` must be a real number"):
        v.check_cval(1j)


@pytest.mark.parametrize("dtype", [bool, np.uint8, np.int16, np.int64, np.float16, np.float32])
def test_as_array_accepts_real_numeric_dtypes(dtype):
    image = np.ones((2, 3), dtype=dtype)
    assert v.as_array(image) is image  # no copy, no conversion


@pytest.mark.parametrize(
    "image",
    [np.array([[1j]]), np.array([["a"]]), np.array([[None]], dtype=object)],
    ids=["complex", "str", "object"],
)
def test_as_array_rejects_non_real_dtypes(image):
    with pytest.raises(TypeError, match=r"^`image` must have a real numeric dtype"):
        v.as_array(image)


@pytest.mark.parametrize("shape", [(3,), (1, 2, 3, 4), ()])
def test_as_array_rejects_wrong_ndim(shape):
    message = f"`image` must be a 2-D (H, W) or 3-D (H, W, C) array; got shape {shape}."
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        v.as_array(np.zeros(shape))


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (2, 2, 0)])
def test_as_array_rejects_empty(shape):
    with pytest.raises(ValueError, match=r"^`image` must not be empty; got shape"):
        v.as_array(np.zeros(shape))


def test_as_kernel_requires_2d_and_optionally_odd():
    with pytest.raises(
        ValueError, match=r"^`kernel` must be a 2-D \(H, W\) array; got shape \(3,\)"
    ):
        v.as_kernel(np.ones(3))
    with pytest.raises(ValueError, match=r"^`kernel` must have odd height and width; got shape"):
        v.as_kernel(np.ones((3, 2)), odd=True)
    assert v.as_kernel(np.ones((3, 2))).shape == (3, 2)


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (np.float32, np.float32),
        (np.float64, np.float64),
        (np.float16, np.float64),
        (np.uint8, np.float64),
        (np.int32, np.float64),
        (bool, np.float64),
    ],
)
def test_result_dtype(dtype, expected):
    image = np.zeros((2, 2), dtype=dtype)
    assert v.result_dtype(image) == expected
    assert v.as_float(image).dtype == expected


def test_check_fits_message():
    v.check_fits((5, 5), (5, 5))
    with pytest.raises(
        ValueError,
        match=r"^`kernel` \(effective size \(5, 3\) with dilation\) is larger than the padded "
        r"image \(4, 4\)",
    ):
        v.check_fits((4, 4), (5, 3))
