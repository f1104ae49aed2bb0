"""Checks of lesson 06 (Keras Conv2D): right answers pass, usual mistakes get their diagnosis.

The checks never import TensorFlow; their expected values are compared here
with ``convlab.layers`` (numpy), which the library's own tests compare with Keras.
"""

from __future__ import annotations

import numpy as np
import pytest

import convlab
import convlab.checks
from convlab.checks import lesson06

from .helpers import caught_and_named, passes

SEED = 20240606


# -- right answers, written as a student would -----------------------------------


def conv2d_params(kh, kw, c_in, c_out, bias=True):
    return kh * kw * c_in * c_out + (c_out if bias else 0)


def identity_kernel(k, channels):
    kernel = np.zeros((k, k, channels, channels), dtype=np.float32)
    kernel[k // 2, k // 2] = np.eye(channels)
    return kernel


def blur_kernel(k, channels):
    return np.ones((k, k, 1, 1), dtype=np.float32) / (k * k) * np.eye(channels, dtype=np.float32)


RIGHT = {
    "conv2d_params": conv2d_params,
    "identity_kernel": identity_kernel,
    "blur_kernel": blur_kernel,
}


@pytest.mark.parametrize("check", sorted(RIGHT))
def test_right_answers_pass_public_and_hidden(check, capsys):
    assert passes(check, RIGHT[check], [0, 1, SEED], capsys) == 4


# -- the expected values agree with convlab.layers -------------------------------


@pytest.mark.parametrize("bias", [True, False])
def test_param_oracle_is_convlab_and_the_lesson_number(bias):
    rng = np.random.default_rng(0)
    for _i in range(50):
        kh, kw, c_in, c_out = (int(x) for x in rng.integers(1, 40, size=4))
        assert lesson06.conv2d_params(kh, kw, c_in, c_out, bias) == convlab.conv2d_param_count(
            kh, kw, c_in, c_out, bias=bias
        )
    assert lesson06.conv2d_params(5, 5, 3, 3) == 228


@pytest.mark.parametrize(("k", "channels"), [(1, 1), (3, 3), (5, 2), (7, 4)])
def test_identity_oracle_keeps_the_image(k, channels):
    image = np.random.default_rng(k).normal(size=(9, 11, channels))
    out = convlab.conv2d(image, lesson06.identity(k, channels), padding="same")
    np.testing.assert_allclose(out, image, atol=1e-12)


@pytest.mark.parametrize(("k", "channels"), [(1, 1), (3, 3), (5, 2)])
def test_box_oracle_blurs_each_channel_alone(k, channels):
    image = np.random.default_rng(k).normal(size=(9, 11, channels))
    out = convlab.conv2d(image, lesson06.box(k, channels), padding="same")
    for c in range(channels):
        expected = convlab.correlate2d(image[..., c], convlab.box_kernel(k), padding="same")
        np.testing.assert_allclose(out[..., c], expected, atol=1e-12)


# -- diagnoses ----------------------------------------------------------------


def _mixing_identity(k, channels):
    kernel = np.zeros((k, k, channels, channels))
    kernel[k // 2, k // 2] = 1.0
    return kernel


def _corner_identity(k, channels):
    kernel = np.zeros((k, k, channels, channels))
    kernel[0, 0] = np.eye(channels)
    return kernel


def _diagonal(k, channels, value):
    return np.ones((k, k, 1, 1)) * value * np.eye(channels)


CASES = [
    ("conv2d_params", lambda kh, kw, ci, co, bias=True: kh * kw * ci * co, "leaves out the bias"),
    (
        "conv2d_params",
        lambda kh, kw, ci, co, bias=True: kh * kw * ci * co + (ci if bias else 0),
        "one bias per input channel",
    ),
    (
        "conv2d_params",
        lambda kh, kw, ci, co, bias=True: kh * kw * ci * co + (1 if bias else 0),
        "single bias for the whole layer",
    ),
    (
        "conv2d_params",
        lambda kh, kw, ci, co, bias=True: kh * kw * ci * co + co,
        "Called with bias=False",
    ),
    (
        "conv2d_params",
        lambda kh, kw, ci, co, bias=True: kh * kw * co + (co if bias else 0),
        "spans every input channel",
    ),
    (
        "conv2d_params",
        lambda kh, kw, ci, co, bias=True: kh * kw * (ci + co) + (co if bias else 0),
        "adds the channels instead of multiplying",
    ),
    (
        "conv2d_params",
        lambda kh, kw, ci, co, bias=True: kh * kh * ci * co + (co if bias else 0),
        "kernel height for both sides",
    ),
    (
        "conv2d_params",
        lambda kh, kw, ci, co, bias=True: float(conv2d_params(kh, kw, ci, co, bias)),
        "returned the float",
    ),
    ("conv2d_params", lambda kh, kw, ci, co, bias=True: None, "returned None"),
    ("identity_kernel", _mixing_identity, "mixes the channels"),
    ("identity_kernel", _corner_identity, "is at tap (0, 0), not at the centre"),
    (
        "identity_kernel",
        lambda k, c: identity_kernel(k, c).transpose(3, 2, 0, 1),
        "PyTorch's layout",
    ),
    ("identity_kernel", lambda k, c: identity_kernel(k, 1)[:, :, 0, 0], "a single 2-D filter"),
    (
        "identity_kernel",
        lambda k, c: identity_kernel(k, c)[:, :, :, 0],
        "one axis for the channels",
    ),
    ("identity_kernel", lambda k, c: identity_kernel(k, c)[..., :1], "one output channel"),
    ("identity_kernel", lambda k, c: _diagonal(k, c, 1.0), "all ones"),
    ("blur_kernel", lambda k, c: _diagonal(k, c, 1.0), "not normalised"),
    ("blur_kernel", lambda k, c: _diagonal(k, c, 1 / k), "dividing by k is not enough"),
    ("blur_kernel", lambda k, c: np.full((k, k, c, c), 1 / (k * k)), "mixes the channels"),
    ("blur_kernel", lambda k, c: np.full((k, k, c, c), 1 / (k * k * c)), "mixes the channels"),
    (
        "blur_kernel",
        lambda k, c: _diagonal(k, c, 1 / (k * k * c)),
        "normalised over all its weights",
    ),
    ("blur_kernel", identity_kernel, "keeps only the centre tap"),
    ("blur_kernel", lambda k, c: blur_kernel(k, c).transpose(3, 2, 0, 1), "PyTorch's layout"),
]


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"),
    CASES,
    ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(CASES)],
)
def test_wrong_answer_fails_public_and_hidden_and_is_named(check, wrong, diagnosis):
    caught_and_named(check, wrong, diagnosis, SEED)


# -- cases ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "exercise", [lesson06.Conv2dParams(), lesson06.IdentityKernel(), lesson06.BlurKernel()]
)
def test_hidden_cases_add_edge_cases_and_public_ones_are_fixed(exercise):
    public = exercise.public_cases()
    hidden = exercise.hidden_cases(np.random.default_rng(0))
    assert len(hidden) > len(public)
    assert [c.args for c in public] == [c.args for c in exercise.public_cases()]
    args = [c.args for c in public + hidden]
    if isinstance(exercise, lesson06.Conv2dParams):
        assert (1, 1, 1, 1) in args
        assert any(kh != kw for kh, kw, *_rest in args)
        assert any(dict(c.kwargs).get("bias") is False for c in hidden)
    else:
        assert (1, 1) in args  # 1x1 kernel, one channel
        assert {channels for _k, channels in args} >= {1, 3}
        assert all(k % 2 for k, _c in args)


def test_float32_kernels_are_accepted(capsys):
    convlab.checks.identity_kernel(lambda k, c: identity_kernel(k, c).astype(np.float32))
    convlab.checks.blur_kernel(lambda k, c: blur_kernel(k, c).astype(np.float32))
    assert capsys.readouterr().out.count("✓") == 2
