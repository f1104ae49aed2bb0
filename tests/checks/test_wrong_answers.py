"""Lessons 09-11: every plausible wrong answer is caught by the public check, named there.

The promise to the student (issue #22): the check cell right after an exercise
says at once whether the answer is right, and what is wrong with it; the hidden
cases at grading time only stop hard-coding.  For each wrong answer below, a
mistake students really make, the test asserts that (a) the public check fails,
(b) the hidden check fails, and (c) the public message names the mistake with a
diagnosis line, not only "failed k of n cases".
"""

from __future__ import annotations

import inspect
import statistics
import time

import numpy as np
import pytest

import convlab.checks
from convlab.i18n import set_language

from . import solutions as ok
from .helpers import caught_and_named

SEED = 20240601


# -- lesson 09 -----------------------------------------------------------------


def _sobel_native(image):
    """The right code, but on the image's own dtype: uint8 differences wrap."""
    p = np.pad(image, 1, mode="reflect")
    h, w = image.shape
    smooth_y = p[:-2, :] + 2 * p[1:-1, :] + p[2:, :]
    smooth_x = p[:, :-2] + 2 * p[:, 1:-1] + p[:, 2:]
    gx = smooth_y[:, 2:] - smooth_y[:, :-2]
    gy = smooth_x[2:, :] - smooth_x[:-2, :]
    return gx[:, :w], gy[:h, :]


def _sobel_mode(mode):
    def sobel(image):
        p = np.pad(image.astype(np.float64), 1, mode=mode)
        h, w = image.shape
        smooth_y = p[:-2, :] + 2 * p[1:-1, :] + p[2:, :]
        smooth_x = p[:, :-2] + 2 * p[:, 1:-1] + p[:, 2:]
        return (smooth_y[:, 2:] - smooth_y[:, :-2])[:, :w], (smooth_x[2:, :] - smooth_x[:-2, :])[
            :h, :
        ]

    return sobel


def _sobel_prewitt(image):
    p = np.pad(image.astype(np.float64), 1, mode="reflect")
    smooth_y = p[:-2, :] + p[1:-1, :] + p[2:, :]
    smooth_x = p[:, :-2] + p[:, 1:-1] + p[:, 2:]
    return smooth_y[:, 2:] - smooth_y[:, :-2], smooth_x[2:, :] - smooth_x[:-2, :]


def _sobel_in_place(image):
    gx, gy = ok.sobel_gradients(image)
    image[...] = 0  # "free the memory"
    return gx, gy


def _magnitude_native(gx, gy):
    return np.sqrt(gx**2 + gy**2)


def _magnitude_hypot_native(gx, gy):
    return np.hypot(gx, gy)


def _edges(norm):
    def edge_map(image, threshold):
        gx, gy = ok.sobel_gradients(image)
        return norm(gx, gy) > threshold

    return edge_map


def _edges_uint8(image, threshold):
    gx, gy = _sobel_native(image)
    return np.hypot(gx.astype(float), gy.astype(float)) > threshold


def _edges_zero_padded(image, threshold):
    return ok.gradient_magnitude(*_sobel_mode("constant")(image)) > threshold


# -- lesson 10 -----------------------------------------------------------------


def _block_mean_with(reduce_block, whole_only=False):
    def block_mean(image, size):
        h, w = image.shape[:2]
        if whole_only:
            h, w = h - h % size, w - w % size
        out = np.zeros((-(-h // size), -(-w // size), *image.shape[2:]))
        for y in range(out.shape[0]):
            for x in range(out.shape[1]):
                out[y, x] = reduce_block(
                    image[y * size : (y + 1) * size, x * size : (x + 1) * size]
                )
        return out

    return block_mean


def _uint8_sum_mean(block):
    """Sums the pixels in the image's dtype: a uint8 sum wraps at 256."""
    total = np.zeros(block.shape[2:], dtype=block.dtype)
    for row in block:
        for pixel in row:
            total += pixel
    return total / (block.shape[0] * block.shape[1])


def _full_block_mean(size):
    def reduce_block(block):
        return block.sum(axis=(0, 1)) / (size * size)

    return reduce_block


def _block_mean_zero_padded(image, size):
    return _block_mean_with(_full_block_mean(size))(image, size)


def _block_mean_corner(image, size):
    return image[::size, ::size].astype(np.float64)


def _block_mean_mixed_channels(image, size):
    means = ok.block_mean(image, size)
    if means.ndim == 3:
        means[...] = means.mean(axis=2, keepdims=True)
    return means


def _block_mean_in_dtype(image, size):
    return ok.block_mean(image, size).astype(image.dtype)


def _block_mean_sums(image, size):
    return _block_mean_with(lambda block: block.sum(axis=(0, 1)))(image, size)


def _enlarge_tile(image, size):
    return np.tile(image, (size, size) + (1,) * (image.ndim - 2))


def _enlarge_rows_only(image, size):
    return np.repeat(image, size, axis=0)


def _enlarge_flat(image, size):
    return np.repeat(np.repeat(image, size), size)


def _enlarge_rounded(image, size):
    h, w = image.shape[:2]
    rows = np.minimum(np.round(np.arange(h * size) / size).astype(int), h - 1)
    cols = np.minimum(np.round(np.arange(w * size) / size).astype(int), w - 1)
    return image[rows][:, cols]


def _enlarge_kron(image, size):
    return np.kron(image, np.ones((size, size), dtype=image.dtype))


def _pixelate_with(block_mean):
    def pixelate(image, size, box=None):
        out = np.array(image, dtype=np.float64)
        top, left, bottom, right = box if box is not None else (0, 0, *out.shape[:2])
        region = image[top:bottom, left:right]  # its own dtype: a uint8 sum wraps
        grown = ok.enlarge_nearest(block_mean(region, size), size)
        out[top:bottom, left:right] = grown[: bottom - top, : right - left]
        return out

    return pixelate


def _pixelate_whole_grid(image, size, box=None):
    out = np.array(image, dtype=np.float64)
    whole = ok.pixelate(image, size)
    if box is None:
        return whole
    top, left, bottom, right = box
    out[top:bottom, left:right] = whole[top:bottom, left:right]
    return out


def _pixelate_xy_box(image, size, box=None):
    if box is None:
        return ok.pixelate(image, size)
    top, left, bottom, right = box
    return ok.pixelate(image, size, (left, top, right, bottom))


def _pixelate_ignores_box(image, size, box=None):
    return ok.pixelate(image, size)


def _pixelate_zeros_outside(image, size, box=None):
    out = np.zeros(image.shape)
    top, left, bottom, right = box if box is not None else (0, 0, *out.shape[:2])
    out[top:bottom, left:right] = ok.pixelate(image, size, box)[top:bottom, left:right]
    return out


def _pixelate_uncropped(image, size, box=None):
    return ok.enlarge_nearest(ok.block_mean(image, size), size)


def _pixelate_in_place_uint8(image, size, box=None):
    top, left, bottom, right = box if box is not None else (0, 0, *image.shape[:2])
    grown = ok.enlarge_nearest(ok.block_mean(image[top:bottom, left:right], size), size)
    image[top:bottom, left:right] = grown[: bottom - top, : right - left]
    return image


# -- lesson 11 -----------------------------------------------------------------


def _timer(statistic=statistics.median, warm=True, use_clock=True, pass_args=True):
    def time_median(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
        clock = clock if use_clock else time.perf_counter
        call_args = args if pass_args else ()
        if warm:
            for _i in range(warmup):
                fn(*call_args)
        durations = []
        for _i in range(repeat):
            start = clock()
            fn(*call_args)
            durations.append(clock() - start)
        return statistic(durations)

    return time_median


def _timer_with_warmup(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    durations = []
    for _i in range(warmup + repeat):
        start = clock()
        fn(*args)
        durations.append(clock() - start)
    return statistics.median(durations)


def _upper_middle(durations):
    return sorted(durations)[len(durations) // 2]


def _measured(rows):
    return [r for r in rows if not np.isnan(r["median_s"])]


def _fastest_nan_kept(rows, k):
    return min((r for r in rows if r["kernel_size"] == k), key=lambda r: r["median_s"])["method"]


def _fastest_argmin(rows, k):
    here = [r for r in rows if r["kernel_size"] == k]
    return here[int(np.argmin([r["median_s"] for r in here]))]["method"]


def _fastest_by_ratio(rows, k):
    here = [r for r in _measured(rows) if r["kernel_size"] == k]
    return min(here, key=lambda r: r["ratio_to_opencv"])["method"]


def _fastest_whole_table(rows, k):
    return min(_measured(rows), key=lambda r: r["median_s"])["method"]


def _slowest(rows, k):
    here = [r for r in _measured(rows) if r["kernel_size"] == k]
    return max(here, key=lambda r: r["median_s"])["method"]


def _fastest_row(rows, k):
    here = [r for r in _measured(rows) if r["kernel_size"] == k]
    return min(here, key=lambda r: r["median_s"])


def _fastest_sorted_in_place(rows, k):
    rows.sort(key=lambda r: (r["kernel_size"] != k, np.nan_to_num(r["median_s"], nan=np.inf)))
    return rows[0]["method"]


#: (check, wrong answer, words of the diagnosis the public check must show)
CORPUS = [
    # lesson 09: sobel_gradients
    ("sobel_gradients", lambda im: ok.sobel_gradients(im)[::-1], "gx and gy are swapped"),
    (
        "sobel_gradients",
        lambda im: tuple(-g for g in ok.sobel_gradients(im)),
        "the kernels were flipped",
    ),
    ("sobel_gradients", _sobel_native, "uint8 arithmetic"),
    ("sobel_gradients", _sobel_mode("constant"), "Your border is 'constant'"),
    ("sobel_gradients", _sobel_mode("edge"), "Your border is 'edge'"),
    ("sobel_gradients", _sobel_prewitt, "Prewitt"),
    ("sobel_gradients", lambda im: tuple(g / 8 for g in ok.sobel_gradients(im)), "divided by 8"),
    ("sobel_gradients", _sobel_in_place, "changed its input `image` in place"),
    # lesson 09: gradient_magnitude
    ("gradient_magnitude", lambda gx, gy: np.abs(gx) + np.abs(gy), "|gx| + |gy|"),
    ("gradient_magnitude", lambda gx, gy: gx.astype(float) ** 2 + gy**2.0, "square root"),
    ("gradient_magnitude", _magnitude_native, "overflowed"),
    ("gradient_magnitude", _magnitude_hypot_native, "not precise enough"),
    (
        "gradient_magnitude",
        lambda gx, gy: np.maximum(np.abs(gx), np.abs(gy)).astype(float),
        "max(|gx|, |gy|)",
    ),
    ("gradient_magnitude", lambda gx, gy: np.hypot(gy.T, gx.T), "transpose"),
    # lesson 09: edge_map
    ("edge_map", _edges(lambda gx, gy: np.abs(gx) + np.abs(gy)), "|gx| + |gy|"),
    ("edge_map", lambda im, t: ok.gradient_magnitude(*ok.sobel_gradients(im)) >= t, ">="),
    ("edge_map", _edges(lambda gx, gy: np.abs(gx)), "only gx"),
    ("edge_map", _edges(lambda gx, gy: np.abs(gy)), "only gy"),
    ("edge_map", _edges_uint8, "uint8 arithmetic"),
    ("edge_map", _edges_zero_padded, "zero padded"),
    ("edge_map", _edges(lambda gx, gy: np.hypot(gx, gy) / 8), "divided by 8"),
    ("edge_map", lambda im, t: ok.gradient_magnitude(*ok.sobel_gradients(im)), "magnitude"),
    (
        "edge_map",
        lambda im, t: ok.edge_map(im, t).astype(np.uint8) * 255,
        "The right pixels are marked",
    ),
    # lesson 10: block_mean
    ("block_mean", _block_mean_with(_uint8_sum_mean), "wraps around modulo 256"),
    ("block_mean", _block_mean_zero_padded, "missing pixels were 0"),
    ("block_mean", _block_mean_with(lambda b: b.mean(axis=(0, 1)), True), "drops the rows"),
    ("block_mean", _block_mean_corner, "top-left"),
    ("block_mean", _block_mean_mixed_channels, "mix the channels"),
    ("block_mean", _block_mean_in_dtype, "integer dtype"),
    ("block_mean", _block_mean_sums, "the sum of each block"),
    # lesson 10: enlarge_nearest
    ("enlarge_nearest", _enlarge_tile, "np.tile"),
    ("enlarge_nearest", _enlarge_rows_only, "Only the rows"),
    ("enlarge_nearest", _enlarge_flat, "without `axis`"),
    ("enlarge_nearest", _enlarge_rounded, "rounds i / size"),
    ("enlarge_nearest", _enlarge_kron, "The columns and the channels were enlarged"),
    # lesson 10: pixelate
    ("pixelate", _pixelate_whole_grid, "grid of the whole image"),
    ("pixelate", _pixelate_xy_box, "(left, top, right, bottom)"),
    ("pixelate", _pixelate_ignores_box, "You pixelated the whole image"),
    ("pixelate", _pixelate_zeros_outside, "Outside the box your image is 0"),
    ("pixelate", _pixelate_uncropped, "larger than the image"),
    ("pixelate", _pixelate_with(_block_mean_corner), "top-left"),
    ("pixelate", _pixelate_with(_block_mean_zero_padded), "count missing pixels as 0"),
    ("pixelate", _pixelate_with(_block_mean_with(_uint8_sum_mean)), "wraps around modulo 256"),
    ("pixelate", _pixelate_in_place_uint8, "in place"),
    # lesson 11: macs_per_pixel
    ("macs_per_pixel", lambda k, m: 2 * k if m == "direct" else k * k, "separable count"),
    ("macs_per_pixel", lambda k, m: k if m == "direct" else 2 * k, "k * k taps, not k"),
    ("macs_per_pixel", lambda k, m: k * k if m == "direct" else k, "one 1-D pass"),
    ("macs_per_pixel", lambda k, m: 2 * k * k - 1 if m == "direct" else 2 * k, "separately"),
    ("macs_per_pixel", lambda k, m: k * k, "direct count"),
    # lesson 11: time_median
    ("time_median", _timer(statistics.fmean), "mean of the timed runs"),
    ("time_median", _timer(min), "fastest timed run"),
    ("time_median", _timer_with_warmup, "includes the warm-up"),
    ("time_median", _timer(warm=False), "warm-up call(s) are missing"),
    ("time_median", _timer(lambda d: 1000 * statistics.median(d)), "milliseconds"),
    ("time_median", _timer(use_clock=False), "never called `clock`"),
    ("time_median", _timer(pass_args=False), "fn(*args)"),
    ("time_median", _timer(_upper_middle), "two middle"),
    # lesson 11: fastest_method
    ("fastest_method", _fastest_nan_kept, "NaN"),
    ("fastest_method", _fastest_argmin, "NaN"),
    ("fastest_method", _fastest_by_ratio, "compared ratio_to_opencv"),
    ("fastest_method", _fastest_whole_table, "fastest of the whole table"),
    ("fastest_method", _slowest, "slowest"),
    ("fastest_method", _fastest_row, "whole row"),
    ("fastest_method", _fastest_sorted_in_place, "in place"),
]


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"),
    CORPUS,
    ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(CORPUS)],
)
def test_public_check_catches_and_names_the_mistake(check, wrong, diagnosis):
    message = caught_and_named(check, wrong, diagnosis, SEED)
    assert "Diagnosis:" in message


@pytest.mark.parametrize(
    "check",
    [
        "sobel_gradients",
        "gradient_magnitude",
        "edge_map",
        "block_mean",
        "enlarge_nearest",
        "pixelate",
        "macs_per_pixel",
        "time_median",
        "fastest_method",
    ],
)
def test_the_right_answers_pass_public_and_hidden(check, capsys):
    student = getattr(ok, check)
    convlab.checks.REGISTRY[check](student)
    for seed in (SEED, 1, 2):
        convlab.checks.run(check, student, hidden=True, seed=seed)
    assert capsys.readouterr().out.count("✓") == 4


def _fastest_sorted(rows, k):
    here = sorted((r for r in rows if r["kernel_size"] == k), key=lambda r: r["median_s"])
    return here[0]["method"]


def _block_mean_sum_in_dtype(image, size):
    def reduce_block(block):
        return block.sum(axis=(0, 1), dtype=block.dtype) / (block.shape[0] * block.shape[1])

    return _block_mean_with(reduce_block)(image, size)


MORE = [
    ("fastest_method", _fastest_sorted, "NaN"),
    ("block_mean", _block_mean_sum_in_dtype, "wraps around modulo 256"),
    ("pixelate", _pixelate_with(_block_mean_sum_in_dtype), "wraps around modulo 256"),
]


@pytest.mark.parametrize(
    ("check", "wrong", "diagnosis"), MORE, ids=[f"{c}-{i}" for i, (c, _w, _d) in enumerate(MORE)]
)
def test_other_spellings_of_the_issue_22_mistakes(check, wrong, diagnosis):
    test_public_check_catches_and_names_the_mistake(check, wrong, diagnosis)


_SIGNATURES = {"correlate_valid": "correlate_loops"}  # the reference named otherwise


def _kinds(exercise, case) -> set:
    """What kind of input a case is: each array's dtype, rank and channels (grey, one channel
    kept as an axis, colour), each option's value, and what matters to the exercise (partial
    blocks, a stride that does not divide n, a zero corner, a NaN row first, warm-up calls...)."""
    from convlab.checks.lesson11 import _Rows

    reference = getattr(ok, _SIGNATURES.get(exercise.name, exercise.name))
    bound = inspect.signature(reference).bind(*case.args, **dict(case.kwargs)).arguments
    kinds = set()
    for name, value in bound.items():
        if isinstance(value, np.ndarray):
            channels = None if value.ndim < 3 else min(value.shape[2], 2)
            kinds.add((name, "dtype", value.dtype.str))
            kinds.add((name, "layout", value.ndim, channels))
        elif isinstance(value, _Rows):
            at_k = [r["median_s"] for r in value if r["kernel_size"] == bound["k"]]
            kinds.add(("rows, NaN first at k", bool(np.isnan(at_k[0]))))
        elif isinstance(value, (str, bool)) or value is None:
            kinds.add((name, repr(value)))
        elif not callable(value):
            kinds.add((name, type(value).__name__))
    name = exercise.name
    image = case.args[0]
    if name in ("block_mean", "enlarge_nearest", "pixelate", "max_pool2d", "avg_pool2d"):
        size = case.args[1]
        h, w = image.shape[:2]
        kinds.add(("partial blocks", bool(h % size or w % size)))
        kinds.add(("block larger than the image", size > min(h, w)))
        if image.dtype == np.uint8:
            kinds.add(("uint8 block sums past 255", int(image.max()) * 4 > 255))
    if name == "brighten":
        moved = image.astype(np.int64) + case.args[1]
        kinds.add(("past 255", bool((moved > 255).any())))
        kinds.add(("below 0", bool((moved < 0).any())))
    if name == "pad_image":
        kinds.add(("padding wider than the image", case.args[1] >= min(image.shape[:2])))
    if name in ("same_padding", "conv_output_size", "correlate_strided"):
        n, k, stride = (
            (image.shape[0], case.args[1].shape[0], case.args[2])
            if name == "correlate_strided"
            else (image, case.args[1], bound.get("stride", 1))
        )
        kinds.add(("stride divides n", n % stride == 0))
        kinds.add(("kernel narrower than the stride", k < stride))
    if name == "separate":
        kinds.add(("zero corner", bool(image[0, 0] == 0)))
    if name in ("correlate_valid", "convolve_valid", "correlate_same", "conv2d_params"):
        kh, kw = case.args[1].shape if name != "conv2d_params" else case.args[:2]
        kinds.add(("square kernel", kh == kw))
    if name == "time_median":
        options = dict(case.kwargs)
        kinds.add(("warm-up", options["warmup"] > 0))
        kinds.add(("even number of runs", options["repeat"] % 2 == 0))
    if name == "gradient_magnitude" and image.dtype.kind in "iu":
        limit = np.iinfo(image.dtype).max
        squares = image.astype(np.int64) ** 2 + case.args[1].astype(np.int64) ** 2
        kinds.add(("squares overflow", bool(squares.max() > limit)))
    return kinds


EXERCISES = [e for lesson in convlab.checks.LESSONS for e in lesson.EXERCISES]


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.name for e in EXERCISES])
def test_public_cases_cover_every_kind_of_hidden_input(exercise):
    """Hidden cases differ from the public ones only in values and sizes (issue #22)."""
    exercise = exercise()
    public = set().union(*(_kinds(exercise, c) for c in exercise.public_cases()))
    for seed in range(10):
        for case in exercise.hidden_cases(np.random.default_rng(seed)):
            assert _kinds(exercise, case) <= public, (seed, _kinds(exercise, case) - public)


def _corpus() -> list[tuple]:
    """Every wrong answer of every lesson: lessons 01-08 keep theirs beside their other tests."""
    from . import (
        test_diagnoses,
        test_lesson04,
        test_lesson05,
        test_lesson06,
        test_lesson07,
        test_lesson08,
    )

    lessons_01_to_08 = [test_diagnoses, test_lesson04, test_lesson05, test_lesson06]
    lessons_01_to_08 += [test_lesson07, test_lesson08]
    return [case for module in lessons_01_to_08 for case in module.CASES] + CORPUS + MORE


def test_every_exercise_has_at_least_four_wrong_answers():
    corpus = _corpus()
    counts = {e.name: sum(1 for c, _w, _d in corpus if c == e.name) for e in EXERCISES}
    assert min(counts.values()) >= 4, counts
    assert len(counts) == len(EXERCISES)
