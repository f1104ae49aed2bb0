"""Lesson 05's checks: max_pool2d, avg_pool2d, avg_pool_kernel.

Right answers pass on many seeds; every diagnosis is reached by the wrong
solution it names; the expected values agree with convlab.pooling and
skimage's block_reduce; the checks never import TensorFlow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import skimage.measure
from numpy.lib.stride_tricks import sliding_window_view

import convlab
import convlab.checks
from convlab.checks import CheckFailed, lesson05
from tests.subprocess_python import heavy_modules_after_lesson_checks

from .helpers import caught_and_named, mutating, passes

ROOT = Path(__file__).resolve().parents[2]
SEED = 20240605


# -- right answers, as a student would write them ------------------------------


def _blocks(image, size):
    image = np.asarray(image, dtype=np.float64)
    out_h, out_w = image.shape[0] // size, image.shape[1] // size
    crop = image[: out_h * size, : out_w * size]
    return crop.reshape(out_h, size, out_w, size, *image.shape[2:])


def max_pool2d(image, size):
    return _blocks(image, size).max(axis=(1, 3))


def avg_pool2d(image, size):
    return _blocks(image, size).mean(axis=(1, 3))


def max_pool2d_loops(image, size):
    out_h, out_w = image.shape[0] // size, image.shape[1] // size
    out = np.zeros((out_h, out_w, *image.shape[2:]))
    for y in range(out_h):
        for x in range(out_w):
            window = image[y * size : (y + 1) * size, x * size : (x + 1) * size]
            out[y, x] = window.max(axis=(0, 1))
    return out


def avg_pool_kernel(size, channels):
    kernel = np.zeros((size, size, channels, channels))
    for c in range(channels):
        kernel[:, :, c, c] = 1 / size**2
    return kernel


def avg_pool_kernel_eye(size, channels):
    return np.ones((size, size, 1, 1)) / size**2 * np.eye(channels)


RIGHT = [
    ("max_pool2d", max_pool2d),
    ("max_pool2d", max_pool2d_loops),
    ("avg_pool2d", avg_pool2d),
    ("avg_pool_kernel", avg_pool_kernel),
    ("avg_pool_kernel", avg_pool_kernel_eye),
]


@pytest.mark.parametrize(("check", "student"), RIGHT, ids=[f.__name__ for _c, f in RIGHT])
@pytest.mark.parametrize("seed", [0, 1, SEED])
def test_right_answers_pass_public_and_hidden(check, student, seed, capsys):
    assert passes(check, student, [seed], capsys) == 2


# -- the oracle ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("exercise", "library", "reduce"),
    [
        (lesson05.MaxPool2d(), convlab.max_pool2d, np.max),
        (lesson05.AvgPool2d(), convlab.avg_pool2d, np.mean),
    ],
)
def test_expected_pooling_agrees_with_convlab_and_skimage(exercise, library, reduce):
    cases = exercise.public_cases() + exercise.hidden_cases(np.random.default_rng(3))
    for case in cases:
        image, size = case.args
        expected = exercise.expected(case)
        assert np.allclose(expected, library(image.astype(np.float64), size))
        block = (size, size) + (1,) * (image.ndim - 2)
        reduced = skimage.measure.block_reduce(image.astype(np.float64), block, reduce)
        out_h, out_w = image.shape[0] // size, image.shape[1] // size
        assert np.allclose(expected, reduced[:out_h, :out_w])


def test_the_expected_kernel_reproduces_average_pooling_through_conv2d():
    exercise = lesson05.AvgPoolKernel()
    rng = np.random.default_rng(4)
    for case in exercise.public_cases() + exercise.hidden_cases(rng):
        size, channels = case.args
        image = rng.random((3 * size + 1, 2 * size, channels))
        pooled = convlab.conv2d(image, exercise.expected(case), stride=size)
        assert np.allclose(pooled, convlab.avg_pool2d(image, size))


def test_hidden_cases_cover_channels_dtypes_and_ragged_edges():
    exercise = lesson05.MaxPool2d()
    hidden = exercise.hidden_cases(np.random.default_rng(0))
    images = [c.args[0] for c in hidden]
    assert {a.ndim for a in images} == {2, 3}
    assert {a.dtype for a in images} >= {np.dtype(np.uint8), np.dtype(np.float32)}
    assert any(a.shape[0] % size or a.shape[1] % size for a, size in (c.args for c in hidden))
    assert any(size == 1 for _a, size in (c.args for c in hidden))


# -- diagnoses -----------------------------------------------------------------


def _overlapping(reduce):
    def student(image, size):
        windows = sliding_window_view(np.asarray(image, float), (size, size), axis=(0, 1))
        return reduce(windows, axis=(-2, -1))

    return student


def _wrong_reshape(reduce):
    def student(image, size):
        image = np.asarray(image, dtype=np.float64)
        out_h, out_w = image.shape[0] // size, image.shape[1] // size
        crop = image[: out_h * size, : out_w * size]
        return reduce(crop.reshape(out_h, out_w, size, size, *image.shape[2:]), axis=(2, 3))

    return student


def _across_channels(pool):
    def student(image, size):
        out = pool(image, size)
        if out.ndim == 3:
            out[...] = (
                out.max(axis=2, keepdims=True) if pool is max_pool2d else out.mean(2)[..., None]
            )
        return out

    return student


def _drop_channels(pool):
    def student(image, size):
        out = pool(image, size)
        return out.max(axis=2) if out.ndim == 3 else out

    return student


def _partial_windows(image, size):
    h, w = image.shape[:2]
    out_h, out_w = -(-h // size), -(-w // size)
    widths = [(0, out_h * size - h), (0, out_w * size - w)] + [(0, 0)] * (image.ndim - 2)
    return max_pool2d(np.pad(image.astype(float), widths, constant_values=-np.inf), size)


def _int_average(image, size):
    out = np.zeros((image.shape[0] // size, image.shape[1] // size, *image.shape[2:]), image.dtype)
    out[...] = avg_pool2d(image, size)
    return out


def _input_sized(image, size):
    return np.zeros(image.shape) if size > 1 else max_pool2d(image, size)


def _kernel(weights):
    def student(size, channels):
        return weights(size, channels)

    return student


def _sum_in_uint8(image, size):
    """Adds each window's pixels in the image's dtype: a uint8 sum wraps at 256."""
    image = np.asarray(image)
    out_h, out_w = image.shape[0] // size, image.shape[1] // size
    crop = image[: out_h * size, : out_w * size]
    blocks = crop.reshape(out_h, size, out_w, size, *image.shape[2:])
    return blocks.sum(axis=(1, 3), dtype=image.dtype) / (size * size)


CASES = [
    ("max_pool2d", _overlapping(np.max), "Your windows overlap"),
    ("max_pool2d", _wrong_reshape(np.max), "not size x size blocks"),
    ("max_pool2d", _across_channels(max_pool2d), "mix the channels"),
    ("max_pool2d", _drop_channels(max_pool2d), "The channel axis is missing"),
    ("max_pool2d", _partial_windows, "leftover rows or columns"),
    ("max_pool2d", avg_pool2d, "That is average pooling"),
    ("max_pool2d", lambda image, size: _blocks(image, size).min(axis=(1, 3)), "the minimum"),
    ("max_pool2d", _input_sized, "That is the input's size"),
    ("avg_pool2d", _overlapping(np.mean), "Your windows overlap"),
    ("avg_pool2d", _wrong_reshape(np.mean), "not size x size blocks"),
    ("avg_pool2d", _across_channels(avg_pool2d), "mix the channels"),
    ("avg_pool2d", max_pool2d, "That is max pooling"),
    ("avg_pool2d", lambda image, size: _blocks(image, size).sum(axis=(1, 3)), "not its mean"),
    (
        "avg_pool2d",
        lambda image, size: _blocks(image, size).sum(axis=(1, 3)) / size,
        "You divided by size",
    ),
    ("avg_pool2d", _int_average, "integer dtype"),
    (
        "avg_pool_kernel",
        _kernel(lambda s, c: np.full((s, s, c, c), 1 / s**2)),
        "Every input channel feeds every output channel",
    ),
    (
        "avg_pool_kernel",
        _kernel(lambda s, c: np.full((s, s, c, c), 1 / (s * s * c))),
        "over all channels at once",
    ),
    ("avg_pool_kernel", _kernel(lambda s, c: avg_pool_kernel(s, c) * s * s), "The weights are 1"),
    ("avg_pool_kernel", _kernel(lambda s, c: avg_pool_kernel(s, c) * s), "1 / size, but"),
    (
        "avg_pool_kernel",
        _kernel(lambda s, c: avg_pool_kernel(s, c) / c),
        "divided by the number of channels",
    ),
    (
        "avg_pool_kernel",
        _kernel(lambda s, c: avg_pool_kernel(s, c).transpose(3, 2, 0, 1)),
        "PyTorch's (C_out, C_in, kh, kw)",
    ),
    ("avg_pool_kernel", _kernel(lambda s, c: np.ones((s, s, c)) / s**2), "four axes"),
    ("max_pool2d", mutating(max_pool2d), "changed its input `image` in place"),
    ("avg_pool2d", _sum_in_uint8, "wraps around modulo 256"),
]


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"), CASES, ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(CASES)]
)
def test_wrong_answer_fails_public_and_hidden_and_is_named(check, wrong, diagnosis):
    caught_and_named(check, wrong, diagnosis, SEED)


# -- from scratch --------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "cheat", "forbidden"),
    [
        ("max_pool2d", lambda image, size: convlab.max_pool2d(image, size), "max_pool2d"),
        ("avg_pool2d", lambda image, size: convlab.avg_pool2d(image, size), "avg_pool2d"),
        (
            "max_pool2d",
            lambda image, size: __import__("scipy.ndimage").ndimage.maximum_filter(
                image, size, origin=-(size // 2)
            )[: image.shape[0] // size * size : size, : image.shape[1] // size * size : size],
            "scipy.ndimage",
        ),
    ],
)
def test_pooling_refuses_library_pooling(check, cheat, forbidden):
    with pytest.raises(CheckFailed, match="write the pooling yourself") as failed:
        getattr(convlab.checks, check)(cheat)
    assert forbidden in str(failed.value)


# -- no TensorFlow -------------------------------------------------------------


@pytest.mark.slow  # a fresh interpreter (tests/subprocess_python.py): make test runs it
def test_lesson05_checks_never_import_tensorflow():
    assert heavy_modules_after_lesson_checks("tests.checks.test_lesson05") == []


def test_max_pool2d_must_not_call_block_reduce():
    import numpy as np
    from skimage.measure import block_reduce

    import convlab

    def cheat(image, size):
        return block_reduce(image, (size, size) + (1,) * (image.ndim - 2), np.max)

    with pytest.raises(convlab.checks.CheckFailed, match="skimage.measure.block_reduce"):
        convlab.checks.max_pool2d(cheat)
