"""Checks of lesson 07 (depthwise vs Conv2D): right answers pass, mistakes get their diagnosis.

Also: ``depthwise_conv2d`` is from scratch (library convolutions are refused),
the expected values agree with ``convlab.layers``, and no check of lessons 06
and 07 imports TensorFlow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.ndimage

import convlab
import convlab.checks
from convlab.checks import lesson07
from tests.subprocess_python import heavy_modules_after

from .helpers import caught_and_named, mutating, passes

ROOT = Path(__file__).resolve().parents[2]
SEED = 20240607


# -- right answers, written as a student would -----------------------------------


def depthwise_conv2d(image, kernel):
    kh, kw, channels = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1, channels))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            window = image[y : y + kh, x : x + kw, :].astype(np.float64)
            out[y, x, :] = (window * kernel).sum(axis=(0, 1))
    return out


def depthwise_to_conv2d_kernel(kernel):
    kh, kw, channels = kernel.shape
    return kernel[:, :, :, np.newaxis] * np.eye(channels)


def param_counts(kh, kw, c_in, c_out):
    return kh * kw * c_in * c_out + c_out, kh * kw * c_in + c_in * c_out + c_out


RIGHT = {
    "depthwise_conv2d": depthwise_conv2d,
    "depthwise_to_conv2d_kernel": depthwise_to_conv2d_kernel,
    "param_counts": param_counts,
}


@pytest.mark.parametrize("check", sorted(RIGHT))
def test_right_answers_pass_public_and_hidden(check, capsys):
    assert passes(check, RIGHT[check], [0, 1, SEED], capsys) == 4


def test_param_counts_may_return_a_list(capsys):
    convlab.checks.param_counts(lambda *args: list(param_counts(*args)))
    assert "✓" in capsys.readouterr().out


# -- the expected values agree with convlab.layers -------------------------------


@pytest.mark.parametrize(
    ("shape", "kshape"), [((7, 9, 3), (3, 3)), ((5, 6, 1), (1, 4)), ((4, 4, 2), (4, 4))]
)
def test_depthwise_oracle_is_convlab_depthwise(shape, kshape):
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=shape), rng.normal(size=(*kshape, shape[2]))
    np.testing.assert_allclose(
        lesson07.depthwise_valid(image, kernel),
        convlab.depthwise_conv2d(image, kernel[..., np.newaxis]),
        atol=1e-12,
    )


def test_block_diagonal_oracle_is_convlab_depthwise_to_conv2d():
    kernel = np.random.default_rng(1).normal(size=(3, 2, 4))
    np.testing.assert_array_equal(
        lesson07.block_diagonal(kernel), convlab.depthwise_to_conv2d(kernel[..., np.newaxis])
    )


def test_param_counts_oracle_is_convlab():
    rng = np.random.default_rng(2)
    for _i in range(50):
        kh, kw, c_in, c_out = (int(x) for x in rng.integers(1, 64, size=4))
        assert lesson07.param_counts(kh, kw, c_in, c_out) == (
            convlab.conv2d_param_count(kh, kw, c_in, c_out),
            convlab.separable_conv2d_param_count(kh, kw, c_in, c_out),
        )


# -- diagnoses ----------------------------------------------------------------


def _mixed(image, kernel):
    total = sum(depthwise_conv2d(image[..., c : c + 1], kernel) for c in range(image.shape[2]))
    return total


def _channel_zero(image, kernel):
    return depthwise_conv2d(image, np.repeat(kernel[..., :1], kernel.shape[2], axis=2))


def _same(image, kernel):
    kh, kw = kernel.shape[:2]
    if kh % 2 == 0 or kw % 2 == 0:
        return depthwise_conv2d(image, kernel)
    padded = np.pad(image, [(kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)])
    return depthwise_conv2d(padded, kernel)


def _anti_diagonal(kernel):
    return depthwise_to_conv2d_kernel(kernel)[:, :, :, ::-1]


def _convlab_call(image, kernel):
    return convlab.depthwise_conv2d(image, kernel[..., np.newaxis])


def _scipy_call(image, kernel):
    return np.stack(
        [
            scipy.ndimage.correlate(image[..., c].astype(float), kernel[..., c])
            for c in range(image.shape[2])
        ],
        axis=-1,
    )


CASES = [
    ("depthwise_conv2d", _mixed, "mixes the channels"),
    (
        "depthwise_conv2d",
        lambda im, k: depthwise_conv2d(im, k[::-1, ::-1]),
        "the kernel was flipped",
    ),
    ("depthwise_conv2d", _channel_zero, "Every channel was filtered with kernel[:, :, 0]"),
    (
        "depthwise_conv2d",
        lambda im, k: depthwise_conv2d(im, k[..., ::-1]),
        "another channel's filter",
    ),
    (
        "depthwise_conv2d",
        lambda im, k: depthwise_conv2d(im, k.transpose(1, 0, 2)),
        "each filter transposed",
    ),
    (
        "depthwise_conv2d",
        lambda im, k: depthwise_conv2d(im, k)[:-1, :-1],
        "last row and the last column",
    ),
    ("depthwise_conv2d", lambda im, k: depthwise_conv2d(im, k)[:, :-1], "The last column"),
    ("depthwise_conv2d", _same, "zero-padded 'same'"),
    ("depthwise_conv2d", lambda im, k: depthwise_conv2d(im, k).sum(axis=2), "no channel axis"),
    (
        "depthwise_conv2d",
        lambda im, k: depthwise_conv2d(im, k).transpose(2, 0, 1),
        "puts the channels first",
    ),
    ("depthwise_conv2d", _convlab_call, "convlab.layers.depthwise_conv2d"),
    ("depthwise_conv2d", _scipy_call, "scipy.ndimage"),
    (
        "depthwise_to_conv2d_kernel",
        lambda k: np.repeat(k[:, :, :, None], k.shape[2], axis=3),
        "mixes the channels",
    ),
    (
        "depthwise_to_conv2d_kernel",
        lambda k: depthwise_to_conv2d_kernel(k).transpose(3, 2, 0, 1),
        "PyTorch's layout",
    ),
    (
        "depthwise_to_conv2d_kernel",
        lambda k: depthwise_to_conv2d_kernel(k[::-1, ::-1]),
        "flipped",
    ),
    ("depthwise_to_conv2d_kernel", _anti_diagonal, "C - 1 - c"),
    ("depthwise_to_conv2d_kernel", lambda k: k[..., None], "DepthwiseConv2D layout"),
    ("depthwise_to_conv2d_kernel", lambda k: k.copy(), "returned its input unchanged"),
    ("depthwise_to_conv2d_kernel", lambda k: 2 * k, "depthwise kernel's shape"),
    ("param_counts", lambda *a: param_counts(*a)[::-1], "wrong order"),
    (
        "param_counts",
        lambda kh, kw, ci, co: (kh * kw * ci * co, param_counts(kh, kw, ci, co)[1]),
        "Conv2D count leaves out the bias",
    ),
    (
        "param_counts",
        lambda kh, kw, ci, co: (kh * kw * ci * co + ci, param_counts(kh, kw, ci, co)[1]),
        "Conv2D count has one bias per input channel",
    ),
    (
        "param_counts",
        lambda kh, kw, ci, co: (kh * kw * co + co, param_counts(kh, kw, ci, co)[1]),
        "spans every input channel",
    ),
    (
        "param_counts",
        lambda kh, kw, ci, co: (param_counts(kh, kw, ci, co)[0], kh * kw * ci + ci * co + co + ci),
        "bias for the depthwise step",
    ),
    (
        "param_counts",
        lambda kh, kw, ci, co: (param_counts(kh, kw, ci, co)[0], kh * kw * ci + ci * co),
        "SeparableConv2D count leaves out the bias",
    ),
    (
        "param_counts",
        lambda kh, kw, ci, co: (param_counts(kh, kw, ci, co)[0], kh * kw * ci + co),
        "leaves out the pointwise step",
    ),
    (
        "param_counts",
        lambda kh, kw, ci, co: (param_counts(kh, kw, ci, co)[0], kh * kw * ci + ci),
        "DepthwiseConv2D step alone",
    ),
    (
        "param_counts",
        lambda kh, kw, ci, co: (param_counts(kh, kw, ci, co)[0], kh * kw * ci * (1 + co) + co),
        "no kh x kw factor",
    ),
    (
        "param_counts",
        lambda kh, kw, ci, co: (
            param_counts(kh, kw, ci, co)[0],
            param_counts(kh, kw, ci, co)[1] + 1,
        ),
        "Your Conv2D count is right; your SeparableConv2D count is not.",
    ),
    (
        "param_counts",
        lambda *a: dict(zip(("conv2d", "separable"), param_counts(*a), strict=True)),
        "a tuple of two ints (conv2d, separable)",
    ),
    ("param_counts", lambda *a: tuple(float(x) for x in param_counts(*a)), "whole numbers"),
    ("depthwise_conv2d", mutating(depthwise_conv2d), "changed its input `image` in place"),
    (
        "depthwise_to_conv2d_kernel",
        mutating(depthwise_to_conv2d_kernel),
        "changed its input `kernel` in place",
    ),
]


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"),
    CASES,
    ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(CASES)],
)
def test_wrong_answer_fails_public_and_hidden_and_is_named(check, wrong, diagnosis):
    caught_and_named(check, wrong, diagnosis, SEED)


def test_from_scratch_can_be_switched_off(capsys):
    convlab.checks.depthwise_conv2d(_convlab_call, from_scratch=False)
    assert "✓" in capsys.readouterr().out


# -- cases ----------------------------------------------------------------------


def test_depthwise_hidden_cases_cover_the_edge_cases():
    exercise = lesson07.DepthwiseConv2d()
    hidden = exercise.hidden_cases(np.random.default_rng(0))
    images, kernels = [c.args[0] for c in hidden], [c.args[1] for c in hidden]
    assert {a.dtype for a in images} >= {np.dtype(np.uint8), np.dtype(np.float32)}
    assert any(im.shape[2] == 1 for im in images)
    assert any(k.shape[:2] == (1, 1) for k in kernels)
    assert any(k.shape[0] != k.shape[1] for k in kernels)
    assert any(im.shape[:2] == k.shape[:2] for im, k in zip(images, kernels, strict=True))


def test_kernel_hidden_cases_cover_the_edge_cases():
    hidden = lesson07.DepthwiseToConv2dKernel().hidden_cases(np.random.default_rng(0))
    shapes = [c.args[0].shape for c in hidden]
    assert (1, 1, 1) in shapes
    assert any(kh != kw for kh, kw, _c in shapes)
    assert any(kh == kw == c for kh, kw, c in shapes)  # OIHW has the same shape


@pytest.mark.parametrize(
    "exercise",
    [lesson07.DepthwiseConv2d(), lesson07.DepthwiseToConv2dKernel(), lesson07.ParamCounts()],
)
def test_public_cases_are_fixed_and_hidden_ones_add_more(exercise):
    one, two = exercise.public_cases(), exercise.public_cases()
    assert all(
        all(np.array_equal(x, y) for x, y in zip(a.args, b.args, strict=True))
        for a, b in zip(one, two, strict=True)
    )
    assert len(exercise.hidden_cases(np.random.default_rng(0))) > len(one)


# -- TensorFlow ------------------------------------------------------------------


@pytest.mark.slow  # a fresh interpreter (tests/subprocess_python.py): make test runs it
def test_lesson06_and_07_checks_never_import_tensorflow():
    code = """
        import convlab.checks
        from tests.checks import test_lesson06 as l06, test_lesson07 as l07
        right = {**l06.RIGHT, **l07.RIGHT}
        for name, student in right.items():
            convlab.checks.run(name, student, hidden=True)
            try:
                convlab.checks.run(name, lambda *args: None, hidden=True)
            except convlab.checks.CheckFailed:
                pass
        """
    assert heavy_modules_after(code) == []
