"""Lesson 10's checks: block_mean, enlarge_nearest, pixelate.

Right answers pass on many seeds; every diagnosis is reached by the wrong
solution it names; the expected values agree with OpenCV (INTER_AREA,
INTER_NEAREST), scikit-image (block_reduce, rescale) and convlab.pixelation;
library resizing is refused; the checks never import TensorFlow.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage.measure
import skimage.transform

import convlab
import convlab.checks
from convlab.checks import CheckFailed, lesson10
from tests.subprocess_python import heavy_modules_after_lesson_checks

from .helpers import passes, rejection

ROOT = Path(__file__).resolve().parents[2]
SEED = 20241010


# -- right answers, as a student would write them ------------------------------


def block_mean_loops(image, size):
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape[:2]
    out = np.zeros((-(-h // size), -(-w // size), *image.shape[2:]))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = image[y * size : (y + 1) * size, x * size : (x + 1) * size].mean(
                axis=(0, 1)
            )
    return out


def block_mean_vectorized(image, size):
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape[:2]
    oh, ow = -(-h // size), -(-w // size)
    pad = [(0, oh * size - h), (0, ow * size - w)] + [(0, 0)] * (image.ndim - 2)
    sums = np.pad(image, pad).reshape(oh, size, ow, size, *image.shape[2:]).sum(axis=(1, 3))
    counts = np.pad(np.ones((h, w)), pad[:2]).reshape(oh, size, ow, size).sum(axis=(1, 3))
    return sums / (counts if image.ndim == 2 else counts[..., None])


def enlarge_repeat(image, size):
    return np.repeat(np.repeat(image, size, axis=0), size, axis=1)


def enlarge_index(image, size):
    rows = np.arange(image.shape[0] * size) // size
    cols = np.arange(image.shape[1] * size) // size
    return image[rows][:, cols]


def enlarge_kron(image, size):
    block = np.ones((size, size) + (1,) * (image.ndim - 2))
    return np.kron(image, block)


def pixelate(image, size, box=None):
    out = np.array(image, dtype=np.float64)
    top, left, bottom, right = box if box is not None else (0, 0, *out.shape[:2])
    grown = enlarge_repeat(block_mean_loops(out[top:bottom, left:right], size), size)
    out[top:bottom, left:right] = grown[: bottom - top, : right - left]
    return out


RIGHT = [
    ("block_mean", block_mean_loops),
    ("block_mean", block_mean_vectorized),
    ("enlarge_nearest", enlarge_repeat),
    ("enlarge_nearest", enlarge_index),
    ("enlarge_nearest", enlarge_kron),
    ("pixelate", pixelate),
]


@pytest.mark.parametrize(("check", "student"), RIGHT, ids=[f.__name__ for _c, f in RIGHT])
@pytest.mark.parametrize("seed", [0, 1, SEED])
def test_right_answers_pass_public_and_hidden(check, student, seed, capsys):
    assert passes(check, student, [seed], capsys) == 2


# -- the oracles -----------------------------------------------------------------


def _cases(exercise):
    return exercise.public_cases() + exercise.hidden_cases(np.random.default_rng(5))


def test_expected_block_means_agree_with_skimage_opencv_and_convlab():
    for case in _cases(lesson10.BlockMean()):
        image, size = case.args
        expected = lesson10.BlockMean().expected(case)
        as_float = image.astype(np.float64)
        block = (size, size) + (1,) * (image.ndim - 2)
        reduced = skimage.measure.block_reduce(as_float, block, np.nanmean, cval=np.nan)
        np.testing.assert_allclose(expected, reduced, atol=1e-12)
        np.testing.assert_allclose(expected, convlab.block_mean(as_float, size), atol=1e-12)
        h, w = image.shape[:2]
        if h % size == 0 and w % size == 0 and image.ndim == 2:
            area = cv2.resize(as_float, (w // size, h // size), interpolation=cv2.INTER_AREA)
            np.testing.assert_allclose(expected, area, atol=1e-6)


def test_expected_enlargement_agrees_with_opencv_and_skimage():
    for case in _cases(lesson10.EnlargeNearest()):
        image, size = case.args
        expected = lesson10.EnlargeNearest().expected(case)
        as_float = image.astype(np.float64)
        nearest = cv2.resize(as_float, None, fx=size, fy=size, interpolation=cv2.INTER_NEAREST)
        if image.ndim == 3 and image.shape[2] == 1:
            nearest = nearest[..., np.newaxis]
        np.testing.assert_array_equal(expected, nearest)
        scale = (size, size) + (1,) * (image.ndim - 2)
        rescaled = skimage.transform.rescale(as_float, scale, order=0, preserve_range=True)
        np.testing.assert_array_equal(expected, rescaled)


def test_expected_pixelation_agrees_with_convlab():
    for case in _cases(lesson10.Pixelate()):
        image, size, *box = case.args
        expected = lesson10.Pixelate().expected(case)
        np.testing.assert_allclose(expected, convlab.pixelate(image, size, *box), atol=1e-12)


# -- diagnoses -------------------------------------------------------------------


def _zero_padded(image, size):
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape[:2]
    oh, ow = -(-h // size), -(-w // size)
    pad = [(0, oh * size - h), (0, ow * size - w)] + [(0, 0)] * (image.ndim - 2)
    return np.pad(image, pad).reshape(oh, size, ow, size, *image.shape[2:]).mean(axis=(1, 3))


def _valid_pooling(image, size):
    image = np.asarray(image, dtype=np.float64)
    oh, ow = image.shape[0] // size, image.shape[1] // size
    crop = image[: oh * size, : ow * size]
    return crop.reshape(oh, size, ow, size, *image.shape[2:]).mean(axis=(1, 3))


def _mix_channels(image, size):
    out = block_mean_loops(image, size)
    if out.ndim == 3:
        out[...] = out.mean(axis=2, keepdims=True)
    return out


def _box_xy(image, size, box=None):
    if box is None:
        return pixelate(image, size)
    top, left, bottom, right = box
    return pixelate(image, size, (left, top, right, bottom))


def _box_on_image_grid(image, size, box=None):
    full = pixelate(image, size)
    if box is None:
        return full
    out = np.array(image, dtype=np.float64)
    top, left, bottom, right = box
    out[top:bottom, left:right] = full[top:bottom, left:right]
    return out


def _zeros_outside(image, size, box=None):
    inside = pixelate(image, size, box)
    if box is None:
        return inside
    out = np.zeros(inside.shape)
    top, left, bottom, right = box
    out[top:bottom, left:right] = inside[top:bottom, left:right]
    return out


def _uncropped(image, size, box=None):
    return enlarge_repeat(block_mean_loops(image, size), size)


def _in_place(image, size, box=None):
    out = pixelate(image, size, box)
    image[...] = 0
    return out


def _centre_pixel_mosaic(image, size, box=None):
    out = np.array(image, dtype=np.float64)
    top, left, bottom, right = box if box is not None else (0, 0, *out.shape[:2])
    region = out[top:bottom, left:right]
    small = region[size // 2 :: size, size // 2 :: size]
    # the last block may be shorter than size // 2: clip to its last pixel, as mosaic does
    rows = np.minimum(np.arange(0, region.shape[0], size) + size // 2, region.shape[0] - 1)
    cols = np.minimum(np.arange(0, region.shape[1], size) + size // 2, region.shape[1] - 1)
    small = region[np.ix_(rows, cols)]
    out[top:bottom, left:right] = enlarge_repeat(small, size)[: bottom - top, : right - left]
    return out


CASES = [
    ("block_mean", _zero_padded, "too dark"),
    (
        "block_mean",
        lambda image, size: np.asarray(image, float)[::size, ::size],
        "the top-left one",
    ),
    ("block_mean", lambda image, size: lesson10._centre_pixels(image, size), "centre pixel"),
    ("block_mean", lambda image, size: lesson10._block_sums(image, size), "not its mean"),
    ("block_mean", _valid_pooling, "as 'valid' pooling does"),
    ("block_mean", _mix_channels, "mix the channels"),
    ("block_mean", lambda image, size: pixelate(image, size), "That is the input's size"),
    (
        "block_mean",
        lambda image, size: block_mean_loops(image, size).astype(np.asarray(image).dtype),
        "integer dtype",
    ),
    (
        "enlarge_nearest",
        lambda image, size: np.tile(image, (size, size) + (1,) * (image.ndim - 2)),
        "np.tile",
    ),
    (
        "enlarge_nearest",
        lambda image, size: lesson10._rounded_index(image, size),
        "rounds i / size",
    ),
    ("enlarge_nearest", lambda image, size: np.repeat(image, size, axis=0), "Only the rows"),
    ("enlarge_nearest", lambda image, size: np.repeat(image, size, axis=1), "Only the columns"),
    ("enlarge_nearest", lambda image, size: np.repeat(np.repeat(image, size), size), "flat"),
    ("enlarge_nearest", lambda image, size: image, "returned its input unchanged"),
    ("pixelate", _box_xy, "(left, top, right, bottom)"),
    ("pixelate", _box_on_image_grid, "grid of the whole image"),
    (
        "pixelate",
        lambda image, size, box=None: pixelate(image, size),
        "You pixelated the whole image",
    ),
    ("pixelate", _zeros_outside, "Outside the box your image is 0"),
    ("pixelate", _uncropped, "larger than the image"),
    ("pixelate", _centre_pixel_mosaic, "like convlab.mosaic"),
    ("pixelate", _in_place, "changed its input `image` in place"),
]


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"), CASES, ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(CASES)]
)
def test_wrong_solution_is_rejected_with_its_diagnosis(check, wrong, diagnosis):
    message = rejection(check, wrong, SEED)
    assert "Smallest failing input:" in message and "Diagnosis:" in message
    assert diagnosis in message, message


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"),
    [
        ("block_mean", _zero_padded, "too dark"),
        ("block_mean", _valid_pooling, "as 'valid' pooling does"),
        (
            "enlarge_nearest",
            lambda image, size: np.tile(image, (size, size) + (1,) * (image.ndim - 2)),
            "np.tile",
        ),
        ("pixelate", _box_xy, "(left, top, right, bottom)"),
    ],
)
def test_public_cases_already_diagnose_the_main_mistakes(check, wrong, diagnosis):
    with pytest.raises(CheckFailed, match="Diagnosis:") as failed:
        getattr(convlab.checks, check)(wrong)
    assert diagnosis in str(failed.value)


# -- from scratch ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "cheat", "forbidden"),
    [
        ("block_mean", lambda image, size: convlab.block_mean(image, size), "block_mean"),
        (
            "block_mean",
            lambda image, size: skimage.transform.downscale_local_mean(
                image, (size, size) + (1,) * (image.ndim - 2)
            ),
            "downscale_local_mean",
        ),
        (
            "block_mean",
            lambda image, size: skimage.measure.block_reduce(
                image, (size, size) + (1,) * (image.ndim - 2), np.nanmean, cval=np.nan
            ),
            "block_reduce",
        ),
        (
            "enlarge_nearest",
            lambda image, size: cv2.resize(
                image, None, fx=size, fy=size, interpolation=cv2.INTER_NEAREST
            ),
            "cv2.resize",
        ),
        (
            "enlarge_nearest",
            lambda image, size: skimage.transform.rescale(image, size, order=0),
            "rescale",
        ),
        (
            "enlarge_nearest",
            lambda image, size: convlab.enlarge_nearest(image, size),
            "enlarge_nearest",
        ),
        ("pixelate", lambda image, size, box=None: convlab.pixelate(image, size, box), "pixelate"),
        ("pixelate", lambda image, size, box=None: convlab.mosaic(image, size), "mosaic"),
    ],
)
def test_library_resizing_is_refused(check, cheat, forbidden):
    with pytest.raises(CheckFailed, match="yourself|your own block_mean") as failed:
        getattr(convlab.checks, check)(cheat)
    assert forbidden in str(failed.value)


def test_pixelate_may_call_the_students_own_functions(capsys):
    convlab.checks.pixelate(pixelate)
    assert "✓" in capsys.readouterr().out


# -- no TensorFlow ---------------------------------------------------------------


@pytest.mark.slow  # a fresh interpreter (tests/subprocess_python.py): make test runs it
def test_lesson10_checks_never_import_tensorflow():
    assert heavy_modules_after_lesson_checks("tests.checks.test_lesson10") == []
