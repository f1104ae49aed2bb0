"""Lesson 11's checks: macs_per_pixel, time_median (fake clock), fastest_method.

Right answers pass on many seeds, including time_median written with timeit;
every diagnosis is reached by the wrong solution it names; the fake clock
counts calls and arguments; the checks never read a real clock's speed and
never import TensorFlow.
"""

from __future__ import annotations

import math
import statistics
import time
import timeit
from pathlib import Path

import numpy as np
import pytest

import convlab.checks
from convlab.checks import CheckFailed, lesson11
from tests.subprocess_python import heavy_modules_after_lesson_checks

from .helpers import passes, rejection

ROOT = Path(__file__).resolve().parents[2]
SEED = 20241111


# -- right answers -----------------------------------------------------------------


def macs_per_pixel(k, method):
    return k * k if method == "direct" else 2 * k


def macs_per_pixel_dict(k, method):
    return {"direct": k**2, "separable": k + k}[method]


def time_median(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    for _ in range(warmup):
        fn(*args)
    durations = []
    for _ in range(repeat):
        start = clock()
        fn(*args)
        durations.append(clock() - start)
    return statistics.median(durations)


def time_median_numpy(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    for _ in range(warmup):
        fn(*args)
    times = np.empty(repeat)
    for i in range(repeat):
        start = clock()
        fn(*args)
        times[i] = clock() - start
    return float(np.median(times))


def time_median_timeit(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    timer = timeit.Timer(lambda: fn(*args), timer=clock)
    if warmup:
        timer.timeit(number=warmup)  # one reading around all warm-up calls: still untimed
    return statistics.median(timer.repeat(repeat=repeat, number=1))


def fastest_method(rows, k):
    measured = [r for r in rows if r["kernel_size"] == k and not math.isnan(r["median_s"])]
    return min(measured, key=lambda r: r["median_s"])["method"]


def fastest_method_sorted(rows, k):
    here = sorted(
        (r for r in rows if r["kernel_size"] == k and r["median_s"] == r["median_s"]),
        key=lambda r: r["median_s"],
    )
    return here[0]["method"]


RIGHT = [
    ("macs_per_pixel", macs_per_pixel),
    ("macs_per_pixel", macs_per_pixel_dict),
    ("time_median", time_median),
    ("time_median", time_median_numpy),
    ("time_median", time_median_timeit),
    ("fastest_method", fastest_method),
    ("fastest_method", fastest_method_sorted),
]


@pytest.mark.parametrize(("check", "student"), RIGHT, ids=[f.__name__ for _c, f in RIGHT])
@pytest.mark.parametrize("seed", [0, 1, SEED])
def test_right_answers_pass_public_and_hidden(check, student, seed, capsys):
    assert passes(check, student, [seed], capsys) == 2


def test_the_reference_time_median_measures_a_real_sleep():
    """The exercise's contract with a real clock: a 20 ms sleep takes at least 20 ms."""
    assert time_median(time.sleep, 0.02, repeat=3) >= 0.02


# -- the fake clock ----------------------------------------------------------------


def test_fake_function_advances_the_clock_and_counts():
    clock = lesson11.FakeClock()
    fn = lesson11.FakeFunction([2.0, 0.5], ("a",), clock)
    start = clock()
    fn("a")
    assert clock() - start == 2.0
    fn("b")
    assert (fn.calls, fn.wrong_args, clock.reads) == (2, 1, 2)
    fn.reset()
    assert (fn.calls, fn.wrong_args, clock.reads, clock.now) == (0, 0, 0, 1000.0)


def test_expected_is_the_median_of_the_timed_durations_only():
    exercise = lesson11.TimeMedian()
    for case in exercise.public_cases() + exercise.hidden_cases(np.random.default_rng(2)):
        fn = case.args[0]
        options = dict(case.kwargs)
        timed = fn.durations[options["warmup"] :]
        assert len(timed) == options["repeat"]
        assert exercise.expected(case) == statistics.median(timed)


def test_expected_fastest_is_the_minimum_of_the_measured_rows():
    exercise = lesson11.FastestMethod()
    for case in exercise.public_cases() + exercise.hidden_cases(np.random.default_rng(3)):
        table, k = case.args
        here = {r["method"]: r["median_s"] for r in table.rows() if r["kernel_size"] == k}
        measured = {m: t for m, t in here.items() if not math.isnan(t)}
        assert exercise.expected(case) == min(measured, key=measured.get)


def test_the_table_given_to_the_student_is_restored_before_each_call():
    def sorts_in_place(rows, k):
        rows.sort(key=lambda r: -r["kernel_size"])
        rows.clear()
        return "opencv-filter2d"

    with pytest.raises(CheckFailed):
        convlab.checks.fastest_method(sorts_in_place)
    convlab.checks.fastest_method(fastest_method)


# -- diagnoses ---------------------------------------------------------------------


def _timed(reduce, include_warmup=False, scale=1.0):
    def student(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
        durations = []
        for _ in range(warmup):
            start = clock()
            fn(*args)
            if include_warmup:
                durations.append(clock() - start)
        for _ in range(repeat):
            start = clock()
            fn(*args)
            durations.append(clock() - start)
        return scale * reduce(durations)

    return student


def _mean_of_loop(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    for _ in range(warmup):
        fn(*args)
    start = clock()
    for _ in range(repeat):
        fn(*args)
    return (clock() - start) / repeat


def _no_warmup(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    return time_median(fn, *args, repeat=repeat, warmup=0, clock=clock)


def _one_extra(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    return time_median(fn, *args, repeat=repeat + 1, warmup=warmup, clock=clock)


def _no_args(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    return time_median(lambda *a: fn(), repeat=repeat, warmup=warmup, clock=clock)


def _real_clock(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    return time_median(fn, *args, repeat=repeat, warmup=warmup, clock=time.perf_counter)


def _all_times(fn, *args, repeat=5, warmup=1, clock=time.perf_counter):
    for _ in range(warmup):
        fn(*args)
    out = []
    for _ in range(repeat):
        start = clock()
        fn(*args)
        out.append(clock() - start)
    return out


def _slowest(rows, k):
    return max(
        (r for r in rows if r["kernel_size"] == k and not math.isnan(r["median_s"])),
        key=lambda r: r["median_s"],
    )["method"]


def _any_size(rows, k):
    return min((r for r in rows if not math.isnan(r["median_s"])), key=lambda r: r["median_s"])[
        "method"
    ]


def _argmin_nan(rows, k):
    here = [r for r in rows if r["kernel_size"] == k]
    return here[int(np.argmin([r["median_s"] for r in here]))]["method"]


def _by_ratio(rows, k):
    here = [r for r in rows if r["kernel_size"] == k and r["ratio_to_opencv"] is not None]
    return min(here, key=lambda r: r["ratio_to_opencv"])["method"]


CASES = [
    (
        "macs_per_pixel",
        lambda k, method: 2 * k if method == "direct" else k * k,
        "gave the separable count",
    ),
    ("macs_per_pixel", lambda k, method: k * k, "gave the direct count"),
    (
        "macs_per_pixel",
        lambda k, method: k if method == "separable" else k * k,
        "one 1-D pass only",
    ),
    ("macs_per_pixel", lambda k, method: k if method == "direct" else 2 * k, "k * k taps, not k"),
    (
        "macs_per_pixel",
        lambda k, method: 2 * k * k - 1 if method == "direct" else 2 * k,
        "separately",
    ),
    ("macs_per_pixel", lambda k, method: float(macs_per_pixel(k, method)), "return an int"),
    ("time_median", _timed(statistics.fmean), "mean of the timed runs"),
    ("time_median", _mean_of_loop, "mean of the timed runs"),
    ("time_median", _timed(min), "fastest timed run"),
    ("time_median", _timed(max), "slowest timed run"),
    ("time_median", _timed(statistics.median, include_warmup=True), "includes the warm-up calls"),
    ("time_median", _timed(sum), "total time"),
    ("time_median", _timed(statistics.median, scale=1000), "milliseconds"),
    ("time_median", _timed(lambda d: d[-1]), "last run's time"),
    ("time_median", _no_warmup, "warm-up call(s) are missing"),
    ("time_median", _one_extra, "should call it"),
    ("time_median", _no_args, "without the arguments"),
    ("time_median", _real_clock, "never called `clock`"),
    ("time_median", _all_times, "all the times"),
    ("fastest_method", _slowest, "slowest method"),
    ("fastest_method", _any_size, "another kernel size"),
    ("fastest_method", _argmin_nan, "NaN"),
    ("fastest_method", _by_ratio, "ratio_to_opencv"),
    (
        "fastest_method",
        lambda rows, k: min(r["median_s"] for r in rows if r["kernel_size"] == k),
        "returned a number",
    ),
    (
        "fastest_method",
        lambda rows, k: [r for r in rows if r["kernel_size"] == k][0],
        "a whole row",
    ),
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
        ("time_median", _timed(statistics.fmean), "mean of the timed runs"),
        ("time_median", _timed(statistics.median, include_warmup=True), "warm-up"),
        ("macs_per_pixel", lambda k, method: k * k, "gave the direct count"),
        ("fastest_method", _any_size, "another kernel size"),
    ],
)
def test_public_cases_already_diagnose_the_main_mistakes(check, wrong, diagnosis):
    with pytest.raises(CheckFailed, match="Diagnosis:") as failed:
        getattr(convlab.checks, check)(wrong)
    assert diagnosis in str(failed.value)


# -- no TensorFlow -----------------------------------------------------------------


@pytest.mark.slow  # a fresh interpreter (tests/subprocess_python.py): make test runs it
def test_lesson11_checks_never_import_tensorflow():
    assert heavy_modules_after_lesson_checks("tests.checks.test_lesson11") == []


# -- messages name the stand-ins in words, not with Python reprs --------------------


def _times_without_warmup(fn, *args, repeat=5, warmup=1, clock=None):
    times = []
    for _i in range(repeat):
        start = clock()
        fn(*args)
        times.append(clock() - start)
    return sorted(times)[len(times) // 2]


@pytest.mark.parametrize("language", ["en", "es", "ja"])
@pytest.mark.parametrize(
    ("check", "wrong"),
    [
        ("time_median", _times_without_warmup),
        ("fastest_method", lambda rows, k: rows),
        ("fastest_method", lambda rows, k: print),
    ],
)
def test_messages_describe_the_stand_ins_in_words(language, check, wrong):
    from convlab.i18n import set_language

    set_language(language)
    try:
        with pytest.raises(convlab.checks.CheckFailed) as failed:
            convlab.checks.REGISTRY[check](wrong)
    finally:
        set_language("en")
    message = str(failed.value)
    for leak in ("FakeFunction", "FakeClock", "_Rows", " at 0x", "<"):
        assert leak not in message, (leak, message)
