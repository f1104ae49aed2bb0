"""Output sizes and 'same' padding, against brute-force enumeration of kernel positions."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convlab import conv_output_size, correlate2d, max_pool2d, pool_output_size, same_padding

SETTINGS = settings(max_examples=200, deadline=None)


def count_positions(padded, k_eff, stride):
    """Oracle: count start positions 0, stride, 2*stride, ... where the kernel still fits."""
    return sum(1 for start in range(0, padded, stride) if start + k_eff <= padded)


@SETTINGS
@given(
    n=st.integers(1, 40),
    k=st.integers(1, 9),
    stride=st.integers(1, 5),
    dilation=st.integers(1, 4),
    before=st.integers(0, 5),
    after=st.integers(0, 5),
)
def test_conv_output_size_counts_kernel_positions(n, k, stride, dilation, before, after):
    k_eff = (k - 1) * dilation + 1
    padded = n + before + after
    if padded < k_eff:
        with pytest.raises(ValueError, match=r"is larger than the padded input"):
            conv_output_size(n, k, padding=(before, after), stride=stride, dilation=dilation)
        return
    expected = count_positions(padded, k_eff, stride)
    assert (
        conv_output_size(n, k, padding=(before, after), stride=stride, dilation=dilation)
        == expected
    )
    if before == after:
        assert conv_output_size(n, k, padding=before, stride=stride, dilation=dilation) == expected


@SETTINGS
@given(
    n=st.integers(1, 40), k=st.integers(1, 9), stride=st.integers(1, 5), dilation=st.integers(1, 4)
)
def test_same_padding_gives_ceil_n_over_stride_with_extra_after(n, k, stride, dilation):
    before, after = same_padding(n, k, stride=stride, dilation=dilation)
    assert 0 <= before <= after <= before + 1
    k_eff = (k - 1) * dilation + 1
    assert count_positions(n + before + after, k_eff, stride) == math.ceil(n / stride)
    # Minimal: one row less of padding would lose the last output (or there is none).
    if before + after > 0:
        assert count_positions(n + before + after - 1, k_eff, stride) < math.ceil(n / stride)
    assert conv_output_size(n, k, padding="same", stride=stride, dilation=dilation) == math.ceil(
        n / stride
    )


@SETTINGS
@given(
    n=st.integers(1, 40), k=st.integers(1, 9), stride=st.integers(1, 5), dilation=st.integers(1, 4)
)
def test_valid_and_full_output_sizes(n, k, stride, dilation):
    k_eff = (k - 1) * dilation + 1
    assert conv_output_size(n, k, padding="full", stride=stride, dilation=dilation) == (
        count_positions(n + 2 * (k_eff - 1), k_eff, stride)
    )
    if k_eff <= n:
        assert conv_output_size(n, k, stride=stride, dilation=dilation) == math.ceil(
            (n - k_eff + 1) / stride
        )


@pytest.mark.parametrize(
    ("n", "k", "stride", "dilation", "expected"),
    [
        (5, 3, 1, 1, (1, 1)),
        (5, 4, 1, 1, (1, 2)),
        (5, 2, 1, 1, (0, 1)),
        (6, 3, 2, 1, (0, 1)),
        (7, 3, 2, 1, (1, 1)),
        (6, 1, 2, 1, (0, 0)),
        (7, 3, 1, 2, (2, 2)),
        (4, 2, 1, 3, (1, 2)),
        (1, 5, 3, 1, (2, 2)),
    ],
)
def test_same_padding_known_values(n, k, stride, dilation, expected):
    assert same_padding(n, k, stride=stride, dilation=dilation) == expected


@pytest.mark.parametrize("padding", ["valid", "same", "full", 2, ((1, 0), (2, 3))])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_output_size_matches_correlate2d_shape(padding, stride):
    image = np.zeros((9, 10))
    kernel = np.ones((4, 3))
    out = correlate2d(image, kernel, padding=padding, stride=stride)
    pads = padding if isinstance(padding, tuple) else None
    rows = conv_output_size(9, 4, padding=pads[0] if pads else padding, stride=stride)
    cols = conv_output_size(10, 3, padding=pads[1] if pads else padding, stride=stride)
    assert out.shape == (rows, cols)


@SETTINGS
@given(
    n=st.integers(1, 30),
    size=st.integers(1, 6),
    stride=st.none() | st.integers(1, 5),
    padding=st.sampled_from(["valid", "same"]),
)
def test_pool_output_size(n, size, stride, padding):
    s = size if stride is None else stride
    if padding == "same":
        expected = math.ceil(n / s)
    elif size > n:
        with pytest.raises(ValueError, match=r"pooling window \(\d+\) is larger than the input"):
            pool_output_size(n, size, stride=stride, padding=padding)
        return
    else:
        expected = count_positions(n, size, s)
    assert pool_output_size(n, size, stride=stride, padding=padding) == expected
    image = np.zeros((n, 2))
    assert max_pool2d(image, (size, 1), stride=(s, 1), padding=padding).shape[0] == expected


def test_shape_errors():
    with pytest.raises(ValueError, match=r"^`n` must be an integer >= 1; got 0\.$"):
        conv_output_size(0, 3)
    with pytest.raises(TypeError, match=r"^`k` must be an integer; got 3\.0"):
        conv_output_size(5, 3.0)
    with pytest.raises(ValueError, match=r"^`stride` must be an integer >= 1; got 0\.$"):
        same_padding(5, 3, stride=0)
    with pytest.raises(ValueError, match=r"^`dilation` must be an integer >= 1; got -1\.$"):
        conv_output_size(5, 3, dilation=-1)
    with pytest.raises(
        ValueError, match=r"^the kernel \(effective size 5\) is larger than the padded input \(4\)"
    ):
        conv_output_size(4, 3, dilation=2)
    with pytest.raises(ValueError, match=r"got 'SAME' \(output sizes are lower-case: use 'same'\)"):
        conv_output_size(5, 3, padding="SAME")
    with pytest.raises(ValueError, match=r"got 'reflect' \('reflect' is a border mode: pass it as"):
        conv_output_size(5, 3, padding="reflect")
    with pytest.raises(ValueError, match=r"^`padding` must not be negative"):
        conv_output_size(5, 3, padding=(-1, 0))
    with pytest.raises(ValueError, match=r"^`padding` must be an integer >= 0; got -1"):
        conv_output_size(5, 3, padding=-1)
    with pytest.raises(TypeError, match=r"^`padding` must be one of 'valid', 'same', 'full'"):
        conv_output_size(5, 3, padding=1.5)
    with pytest.raises(ValueError, match=r"^`padding` must be one of 'valid', 'same'; got 'full'"):
        pool_output_size(5, 2, padding="full")
