"""Lesson 04's checks: conv_output_size, same_padding, correlate_strided.

Right answers pass on many seeds; every diagnosis is reached by the wrong
solution it names; the expected values agree with an independent formula;
the checks never import TensorFlow.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import convlab
import convlab.checks
from convlab.checks import CheckFailed, lesson04
from convlab.checks._core import Case
from tests.subprocess_python import heavy_modules_after_lesson_checks

from .helpers import caught_and_named, mutating, passes

ROOT = Path(__file__).resolve().parents[2]
SEED = 20240604


# -- right answers, as a student would write them ------------------------------


def conv_output_size(n, k, padding="valid", stride=1, dilation=1):
    if padding == "same":
        return math.ceil(n / stride)
    p_total = 0 if padding == "valid" else 2 * padding
    return math.floor((n + p_total - dilation * (k - 1) - 1) / stride) + 1


def same_padding(n, k, stride=1):
    out = -(-n // stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def correlate_strided(image, kernel, stride):
    image = np.asarray(image, dtype=np.float64)
    kh, kw = kernel.shape
    out_h = (image.shape[0] - kh) // stride + 1
    out_w = (image.shape[1] - kw) // stride + 1
    out = np.zeros((out_h, out_w))
    for y in range(out_h):
        for x in range(out_w):
            window = image[y * stride : y * stride + kh, x * stride : x * stride + kw]
            out[y, x] = np.sum(window * kernel)
    return out


def correlate_strided_vectorized(image, kernel, stride):
    windows = sliding_window_view(np.asarray(image, dtype=np.float64), kernel.shape)
    return np.einsum("ijkl,kl->ij", windows[::stride, ::stride], kernel)


RIGHT = [
    ("conv_output_size", conv_output_size),
    ("same_padding", same_padding),
    ("correlate_strided", correlate_strided),
    ("correlate_strided", correlate_strided_vectorized),
]


@pytest.mark.parametrize(("check", "student"), RIGHT, ids=[f.__name__ for _c, f in RIGHT])
@pytest.mark.parametrize("seed", [0, 1, 2, SEED])
def test_right_answers_pass_public_and_hidden(check, student, seed, capsys):
    assert passes(check, student, [seed], capsys) == 2


# -- the oracle ----------------------------------------------------------------


def test_expected_sizes_follow_the_formula_and_tensorflow_same():
    exercise = lesson04.ConvOutputSize()
    cases = exercise.public_cases() + exercise.hidden_cases(np.random.default_rng(5))
    for case in cases:
        n, k, padding, stride, dilation = case.args
        assert exercise.expected(case) == conv_output_size(n, k, padding, stride, dilation)
    worked = {c.args: exercise.expected(c) for c in exercise.public_cases()}
    assert worked[(600, 5, "same", 2, 1)] == 300
    assert worked[(600, 5, "valid", 2, 1)] == 298


def test_expected_padding_is_asymmetric_with_the_extra_pixel_after():
    exercise = lesson04.SamePadding()
    for case in exercise.public_cases() + exercise.hidden_cases(np.random.default_rng(5)):
        before, after = exercise.expected(case)
        assert (before, after) == same_padding(*case.args)
        assert after - before in (0, 1)
        n, k, stride = case.args
        assert (n + before + after - k) // stride + 1 == -(-n // stride) or n + before + after < k
    assert exercise.expected(Case((600, 5, 2))) == (1, 2)


def test_expected_strided_output_keeps_every_stride_th_position():
    exercise = lesson04.CorrelateStrided()
    for case in exercise.public_cases() + exercise.hidden_cases(np.random.default_rng(5)):
        image, kernel, stride = case.args
        expected = convlab.correlate2d(image, kernel, stride=stride)
        assert np.allclose(exercise.expected(case), expected, rtol=1e-5)


def test_hidden_cases_vary_with_the_seed_and_public_ones_do_not():
    for exercise in (lesson04.ConvOutputSize(), lesson04.SamePadding()):
        one = [c.args for c in exercise.hidden_cases(np.random.default_rng(1))]
        two = [c.args for c in exercise.hidden_cases(np.random.default_rng(2))]
        assert one != two
        assert [c.args for c in exercise.public_cases()] == [
            c.args for c in exercise.public_cases()
        ]


# -- diagnoses -----------------------------------------------------------------


def _size(formula):
    def student(n, k, padding="valid", stride=1, dilation=1):
        return formula(n, k, padding, stride, dilation)

    return student


def _valid_with(formula):
    """Right for 'same', `formula(n, p_total, k, stride, dilation)` otherwise."""

    def student(n, k, padding="valid", stride=1, dilation=1):
        if padding == "same":
            return -(-n // stride)
        p_total = 0 if padding == "valid" else 2 * padding
        return formula(n, p_total, k, stride, dilation)

    return student


def _same_with(value):
    def student(n, k, padding="valid", stride=1, dilation=1):
        if padding == "same":
            return value(n, stride)
        return conv_output_size(n, k, padding, stride, dilation)

    return student


def _padding_once(n, k, padding="valid", stride=1, dilation=1):
    if isinstance(padding, int):
        return (n + padding - dilation * (k - 1) - 1) // stride + 1
    return conv_output_size(n, k, padding, stride, dilation)


def _float_size(n, k, padding="valid", stride=1, dilation=1):
    return float(conv_output_size(n, k, padding, stride, dilation))


def _same_split(split):
    def student(n, k, stride=1):
        out = -(-n // stride)
        return split(max((out - 1) * stride + k - n, 0))

    return student


def _same_no_clamp(n, k, stride=1):
    out = -(-n // stride)
    total = (out - 1) * stride + k - n
    return total // 2, total - total // 2


def _same_floor(n, k, stride=1):
    total = max((n // stride - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def _same_no_stride(n, k, stride=1):
    return (k - 1) // 2, k - 1 - (k - 1) // 2


def _strided(transform):
    def student(image, kernel, stride):
        return transform(image, kernel, stride)

    return student


def _index_not_scaled(image, kernel, stride):
    full = correlate_strided(image, kernel, 1)
    right = correlate_strided(image, kernel, stride)
    return full[: right.shape[0], : right.shape[1]]


def _loop_short(image, kernel, stride):
    return correlate_strided(image, kernel, stride)[:-1, :-1]


def _ceil_shape(image, kernel, stride):
    kh, kw = kernel.shape
    h, w = image.shape
    out = np.zeros((-(-(h - kh) // stride) + 1, -(-(w - kw) // stride) + 1))
    right = correlate_strided(image, kernel, stride)
    out[: right.shape[0], : right.shape[1]] = right
    return out


CASES = [
    (
        "conv_output_size",
        _valid_with(lambda n, p, k, s, d: -(-(n + p - d * (k - 1) - 1) // s) + 1),
        "You rounded up",
    ),
    (
        "conv_output_size",
        _valid_with(lambda n, p, k, s, d: (n + p - k) // s + 1),
        "The dilation is missing",
    ),
    (
        "conv_output_size",
        _valid_with(lambda n, p, k, s, d: (n + p - d * k) // s + 1),
        "not d * k",
    ),
    (
        "conv_output_size",
        _valid_with(lambda n, p, k, s, d: (n + p - d * (k - 1) - 1) // s),
        "one less than the right size",
    ),
    (
        "conv_output_size",
        _valid_with(lambda n, p, k, s, d: (n + p - d * (k - 1)) // s),
        "divided the stride-1 output size by the stride",
    ),
    (
        "conv_output_size",
        _valid_with(lambda n, p, k, s, d: n + p - d * (k - 1)),
        "The stride is missing",
    ),
    ("conv_output_size", _padding_once, "the total is 2p, not p"),
    ("conv_output_size", _same_with(lambda n, s: n // s), "you rounded n / stride down"),
    ("conv_output_size", _same_with(lambda n, s: n), "you returned n, as with stride 1"),
    ("conv_output_size", _float_size, "return an int"),
    ("same_padding", _same_split(lambda t: (t - t // 2, t // 2)), "Before and after are swapped"),
    ("same_padding", _same_split(lambda t: (t, t)), "That is the total padding on each side"),
    ("same_padding", _same_no_stride, "you padded k - 1 pixels, as for stride 1"),
    ("same_padding", _same_floor, "as n // stride"),
    ("same_padding", _same_no_clamp, "clamp the total at 0"),
    ("same_padding", lambda n, k, stride=1: sum(same_padding(n, k, stride)), "a pair (before"),
    (
        "same_padding",
        lambda n, k, stride=1: tuple(float(v) for v in same_padding(n, k, stride)),
        "return ints",
    ),
    ("same_padding", lambda n, k, stride=1: None, "Is a `return` statement missing?"),
    ("correlate_strided", _strided(lambda i, k, s: correlate_strided(i, k, 1)), "stride-1"),
    ("same_padding", _same_split(lambda t: (t - t // 2, t // 2)), "swapped"),
    ("correlate_strided", mutating(correlate_strided), "changed its input `image` in place"),
    ("correlate_strided", _index_not_scaled, "instead of (y * stride, x * stride)"),
    (
        "correlate_strided",
        _strided(lambda i, k, s: correlate_strided(i[::s, ::s], k, 1)),
        "every stride-th pixel of the image first",
    ),
    (
        "correlate_strided",
        _strided(lambda i, k, s: correlate_strided(i, k, 1)[::s, :]),
        "to the rows only",
    ),
    (
        "correlate_strided",
        _strided(lambda i, k, s: correlate_strided(i, k, 1)[:, ::s]),
        "to the columns only",
    ),
    (
        "correlate_strided",
        _strided(lambda i, k, s: correlate_strided(i, k[::-1, ::-1], s)),
        "the kernel was flipped",
    ),
    ("correlate_strided", _loop_short, "your loops stop one position too early"),
    ("correlate_strided", _ceil_shape, "would stick out past the image"),
]


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"), CASES, ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(CASES)]
)
def test_wrong_answer_fails_public_and_hidden_and_is_named(check, wrong, diagnosis):
    caught_and_named(check, wrong, diagnosis, SEED)


def test_a_same_sized_strided_output_is_explained():
    """Where 'same' and a rounded-up 'valid' size differ, the note names 'same'."""
    exercise = lesson04.CorrelateStrided()
    case = Case((np.zeros((9, 9)), np.ones((5, 5)), 2))
    expected = exercise.expected(case)
    message = exercise.diagnose(case, expected, np.zeros((5, 5)), 1e-9, 1e-9)
    assert "That is the 'same' size" in message


# -- from scratch --------------------------------------------------------------


@pytest.mark.parametrize(
    "cheat",
    [
        lambda image, kernel, stride: convlab.correlate2d(image, kernel, stride=stride),
        lambda image, kernel, stride: __import__("scipy.signal").signal.correlate2d(
            image, kernel, mode="valid"
        )[::stride, ::stride],
    ],
    ids=["convlab.correlate2d", "scipy.signal.correlate2d"],
)
def test_correlate_strided_refuses_library_correlations(cheat):
    with pytest.raises(CheckFailed, match="compute the correlation yourself"):
        convlab.checks.correlate_strided(cheat)


def test_correlate_strided_may_skip_the_guard_when_asked():
    convlab.checks.correlate_strided(
        lambda image, kernel, stride: convlab.correlate2d(image, kernel, stride=stride),
        from_scratch=False,
    )


# -- no TensorFlow -------------------------------------------------------------


@pytest.mark.slow  # a fresh interpreter (tests/subprocess_python.py): make test runs it
def test_lesson04_checks_never_import_tensorflow():
    assert heavy_modules_after_lesson_checks("tests.checks.test_lesson04") == []


def test_conv_output_size_must_not_call_convlab_shapes():
    import convlab

    def cheat(n, k, padding="valid", stride=1, dilation=1):
        return convlab.conv_output_size(n, k, padding=padding, stride=stride, dilation=dilation)

    with pytest.raises(
        convlab.checks.CheckFailed,
        match="work the size out yourself.*convlab.shapes.conv_output_size",
    ):
        convlab.checks.conv_output_size(cheat)


def test_same_padding_must_not_call_convlab_shapes():
    import convlab

    def cheat(n, k, stride=1):
        return convlab.same_padding(n, k, stride=stride)

    with pytest.raises(
        convlab.checks.CheckFailed, match="work the size out yourself.*convlab.shapes.same_padding"
    ):
        convlab.checks.same_padding(cheat)
