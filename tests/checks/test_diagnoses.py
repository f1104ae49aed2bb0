"""Each usual mistake is rejected with the diagnosis that names it.

Every wrong solution below is a plausible student error; the test asserts the
check's English message names that error.  Hidden cases run with a fixed
seed so the smallest failing input is reproducible.
"""

from __future__ import annotations

import numpy as np
import pytest

import convlab.checks
from convlab.checks import CheckFailed

from . import solutions as ok

SEED = 20240601


def _no_return(*args):
    ok.correlate_loops(*args[:2]) if len(args) > 1 else None


def _nan_output(image, kernel):
    out = ok.correlate_loops(image, kernel)
    out[-1, -1] = np.nan
    return out


def _int_output(image, kernel):
    out = np.zeros(
        (image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1), image.dtype
    )
    out[...] = ok.correlate_loops(image, kernel)
    return out


def _same_edge(image, kernel):
    return (
        ok.correlate_same(image, kernel, "edge") if kernel.shape[0] % 2 else np.zeros(image.shape)
    )


def _full(image, kernel):
    kh, kw = kernel.shape
    return ok.correlate_loops(np.pad(image, [(kh - 1, kh - 1), (kw - 1, kw - 1)]), kernel)


def _grayscale_uint8_sum(rgb):
    if rgb.dtype != np.uint8:
        return ok.to_grayscale(rgb)
    return (rgb[..., 0] + rgb[..., 1] + rgb[..., 2]) / 3 / 255


def _grayscale_int_output(rgb):
    out = np.zeros(rgb.shape[:2], dtype=rgb.dtype)
    out[...] = ok.to_grayscale(rgb)
    return out


def _grayscale_nan(rgb):
    out = ok.to_grayscale(rgb)
    out[0, 0] = np.nan
    return out


def _swap_in_place(image):
    image[...] = image[..., ::-1].copy()
    return image


def _first_channel_only(image, amount):
    out = ok.brighten(image, amount)
    if image.ndim == 3:
        out[..., 1:] = image[..., 1:]
    return out


def _pad_same_side_wrap(image, p, mode):
    if mode != "wrap" or p == 0:
        return ok.pad_image(image, p, mode)
    rows = np.concatenate([image[:p], image, image[-p:]], axis=0)
    return np.concatenate([rows[:, :p], rows, rows[:, -p:]], axis=1)


def _pad_mode(actual):
    return lambda image, p, mode: ok.pad_image(image, p, actual)


def _pad_all_before(image, p, mode):
    out = ok.pad_image(image, 2 * p, mode)
    return out[: image.shape[0] + 2 * p, : image.shape[1] + 2 * p]


def _pad_ones(image, p, mode):
    out = ok.pad_image(image, p, mode)
    if mode == "constant" and p:
        border = np.ones(out.shape, bool)
        border[p:-p, p:-p] = False
        out[border] = 1
    return out


def _pad_float(image, p, mode):
    return ok.pad_image(image, p, mode).astype(np.float64)


def _same_height_both(image, kernel, mode="constant"):
    ph = (kernel.shape[0] - 1) // 2
    return ok.correlate_vectorized(ok.pad_image(image, ph, mode), kernel)


def _default_edge(image, kernel, mode="edge"):
    return ok.correlate_same(image, kernel, mode)


CASES = [
    # lesson 01
    (
        "image_info",
        lambda im: (im.shape[1], im.shape[0], ok.image_info(im)[2]),
        "Height and width are swapped",
    ),
    ("image_info", lambda im: im.shape, "returned only two numbers"),
    (
        "image_info",
        lambda im: (im.shape[0], im.shape[1], im.shape[2] if im.ndim == 3 else 0),
        "counts it as one channel",
    ),
    (
        "image_info",
        lambda im: (ok.image_info(im)[2], *ok.image_info(im)[:2]),
        "puts the channels first",
    ),
    ("image_info", lambda im: tuple(float(x) for x in ok.image_info(im)), "should be integers"),
    (
        "image_info",
        lambda im: str(ok.image_info(im)),
        "a tuple (height, width, channels) was expected",
    ),
    ("image_info", lambda im: None, "returned None"),
    (
        "to_grayscale",
        lambda rgb: (rgb / (255.0 if rgb.dtype == np.uint8 else 1.0)).mean(axis=-1),
        "plain average",
    ),
    (
        "to_grayscale",
        lambda rgb: (rgb / (255.0 if rgb.dtype == np.uint8 else 1.0)) @ [0.299, 0.587, 0.114],
        "0.299, 0.587, 0.114",
    ),
    ("to_grayscale", lambda rgb: ok.to_grayscale(rgb[..., ::-1]), "reverse order"),
    (
        "to_grayscale",
        lambda rgb: ok.to_grayscale(rgb) * (255 if rgb.dtype == np.uint8 else 1),
        "go up to 255",
    ),
    ("to_grayscale", _grayscale_uint8_sum, "overflowed"),
    (
        "to_grayscale",
        lambda rgb: rgb[..., 1] / (255.0 if rgb.dtype == np.uint8 else 1.0),
        "one channel of the image (G)",
    ),
    ("to_grayscale", lambda rgb: ok.to_grayscale(rgb)[..., None], "still has a channel axis"),
    ("to_grayscale", _grayscale_int_output, "integer dtype uint8"),
    (
        "to_grayscale",
        lambda rgb: ok.to_grayscale(rgb).astype(np.float32),
        "dtype is float32 instead of float64",
    ),
    ("to_grayscale", lambda rgb: ok.to_grayscale(rgb).T, "transpose"),
    ("to_grayscale", _grayscale_nan, "NaN"),
    ("bgr_to_rgb", lambda im: im[::-1], "upside down"),
    ("bgr_to_rgb", lambda im: im[:, ::-1], "left to right"),
    ("bgr_to_rgb", lambda im: im[..., [1, 2, 0]], "in the order (1, 2, 0)"),
    ("bgr_to_rgb", lambda im: im, "returned its input unchanged"),
    ("bgr_to_rgb", _swap_in_place, "changed its input `image` in place"),
    (
        "bgr_to_rgb",
        lambda im: im[..., ::-1].astype(np.float64),
        "dtype changed from uint8 to float64",
    ),
    ("bgr_to_rgb", lambda im: im[..., :2], "A channel was dropped"),
    ("brighten", lambda im, a: (im.astype(np.int64) + a).astype(np.uint8), "wrapped around"),
    (
        "brighten",
        lambda im, a: np.minimum(im.astype(np.int64) + a, 255).astype(np.uint8),
        "below 0 wrap around",
    ),
    (
        "brighten",
        lambda im, a: np.maximum(im.astype(np.int64) + a, 0).astype(np.uint8),
        "above 255 wrap around",
    ),
    ("brighten", _first_channel_only, "Only the first channel"),
    ("brighten", lambda im, a: np.clip(im.astype(float) + a, 0, 255), "should be a uint8 image"),
    ("brighten", lambda im, a: im + a, "wrapped around"),
    ("brighten", lambda im, a: im + np.uint8(a) if a >= 0 else im - np.uint8(-a), "wrapped around"),
    # lesson 02
    ("valid_output_size", lambda n, k: n - k, "one less than the right size"),
    ("valid_output_size", lambda n, k: n - k + 2, "one more than the right size"),
    ("valid_output_size", lambda n, k: n + k - 1, "'full'"),
    ("valid_output_size", lambda n, k: n, "'same'"),
    ("valid_output_size", lambda n, k: (n - k) / 1 + 1, "returned the float"),
    ("valid_output_size", lambda n, k: str(n - k + 1), "an int was expected"),
    ("valid_output_size", lambda n, k: print(n - k + 1), "returned None"),
    ("correlate_valid", ok.convolve_valid, "kernel was flipped"),
    ("correlate_valid", lambda im, k: ok.correlate_loops(im, k[::-1]), "flipped upside down"),
    ("correlate_valid", lambda im, k: ok.correlate_loops(im, k[:, ::-1]), "flipped left to right"),
    ("correlate_valid", lambda im, k: ok.correlate_loops(im, k.T), "kernel transposed"),
    (
        "correlate_valid",
        lambda im, k: ok.correlate_loops(im, k)[:-1, :-1],
        "last row and the last column",
    ),
    (
        "correlate_valid",
        lambda im, k: ok.correlate_loops(im, k)[:-1],
        "The last row of the output is missing",
    ),
    (
        "correlate_valid",
        lambda im, k: ok.correlate_loops(im, k)[:, :-1],
        "The last column of the output is missing",
    ),
    (
        "correlate_valid",
        lambda im, k: (
            ok.correlate_same(im, k, "constant")
            if k.shape[0] % 2 and k.shape[1] % 2
            else ok.correlate_loops(im, k)
        ),
        "zero-padded 'same'",
    ),
    ("correlate_valid", _same_edge, "size of the input ('same')"),
    ("correlate_valid", _full, "'full'"),
    ("correlate_valid", lambda im, k: ok.correlate_loops(im.T, k.T), "transpose"),
    ("correlate_valid", _nan_output, "NaN"),
    ("correlate_valid", lambda im, k: im, "returned its input unchanged"),
    ("correlate_valid", _no_return, "returned None"),
    ("correlate_valid", lambda im, k: "done", "not a NumPy array"),
    ("correlate_valid", lambda im, k: im[10, 10], "raised IndexError"),
    ("convolve_valid", ok.correlate_loops, "kernel was not flipped"),
    ("convolve_valid", lambda im, k: ok.correlate_loops(im, k[::-1]), "flipped upside down only"),
    (
        "convolve_valid",
        lambda im, k: ok.correlate_loops(im, k[:, ::-1]),
        "flipped left to right only",
    ),
    (
        "convolve_valid",
        lambda im, k: ok.correlate_loops(im, k.T),
        "transposed (rows and columns swapped) instead of rotated",
    ),
    ("convolve_valid", lambda im, k: ok.correlate_loops(im, np.rot90(k)), "rotated by 90°"),
    (
        "convolve_valid",
        lambda im, k: ok.convolve_valid(im, k)[:-1, :-1],
        "last row and the last column",
    ),
    # lesson 03
    ("same_pad_width", lambda k: k - 1, "total padding of both sides"),
    ("same_pad_width", lambda k: (k + 1) // 2, "one more than needed"),
    ("same_pad_width", lambda k: (k - 1) / 2, "returned the float"),
    ("same_pad_width", lambda k: k, "kernel size itself"),
    ("pad_image", _pad_mode("symmetric"), "'symmetric' mode, not 'constant'"),
    (
        "pad_image",
        lambda im, p, mode: ok.pad_image(im, p, "symmetric" if mode == "reflect" else mode),
        "'symmetric' mode, not 'reflect'",
    ),
    (
        "pad_image",
        lambda im, p, mode: ok.pad_image(im, p, "edge" if mode == "constant" else mode),
        "'edge' mode, not 'constant'",
    ),
    (
        "pad_image",
        lambda im, p, mode: ok.pad_image(im, p, "reflect" if mode == "wrap" else mode),
        "'reflect' mode, not 'wrap'",
    ),
    ("pad_image", _pad_same_side_wrap, "same side of the image"),
    ("pad_image", _pad_all_before, "before the image"),
    ("pad_image", _pad_ones, "filled with 1"),
    (
        "pad_image",
        lambda im, p, mode: ok.pad_image(im, p, mode)[:, p : im.shape[1] + p],
        "Only the rows were padded",
    ),
    (
        "pad_image",
        lambda im, p, mode: ok.pad_image(im, p, mode)[p : im.shape[0] + p],
        "Only the columns were padded",
    ),
    ("pad_image", lambda im, p, mode: ok.pad_image(im, 2 * p, mode), "Each side got 2p pixels"),
    (
        "pad_image",
        lambda im, p, mode: ok.pad_image(im, p, mode)[p:, p:],
        "Only one side of each axis",
    ),
    ("pad_image", _pad_float, "keep the input's dtype"),
    (
        "correlate_same",
        lambda im, k, mode="constant": ok.correlate_vectorized(im, k),
        "without padding",
    ),
    (
        "correlate_same",
        lambda im, k, mode="constant": ok.correlate_same(
            im, k, "edge" if mode == "reflect" else mode
        ),
        "padding in 'edge' mode, but 'reflect' was asked",
    ),
    ("correlate_same", _default_edge, "Called without `mode`"),
    (
        "correlate_same",
        lambda im, k, mode="constant": ok.correlate_same(im, k[::-1, ::-1], mode),
        "the kernel was flipped",
    ),
    ("correlate_same", _same_height_both, "kernel's height"),
]


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"),
    CASES,
    ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(CASES)],
)
def test_wrong_solution_is_rejected_with_its_diagnosis(check, wrong, diagnosis):
    with pytest.raises(CheckFailed) as failed:
        convlab.checks.REGISTRY[check](wrong, hidden=True, seed=SEED)
    message = str(failed.value)
    assert diagnosis in message, message
    assert "Smallest failing input:" in message
    assert "Diagnosis:" in message
