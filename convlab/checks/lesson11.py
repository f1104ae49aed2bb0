"""Checks for lesson 11, speed: from loops to the GPU.

Introduced in lesson 11: ``macs_per_pixel(k, method)`` (multiply-adds per
output pixel of a k x k filter, direct or separable), ``time_median(fn,
*args, repeat=5, warmup=1, clock=time.perf_counter)`` (checked with a fake
clock: the function to time advances it by known durations) and
``fastest_method(rows, k)`` (the fastest method at kernel size k in rows
shaped like ``convlab bench``'s).

No timing is real here: grading never depends on the machine's speed.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping

import numpy as np

from convlab.i18n import gettext as _
from convlab.i18n import ngettext

from ._core import (
    Call,
    Case,
    Exercise,
    Hypothesis,
    ScalarExercise,
    Verdict,
    _mutation_note,
    describe_kind,
    frozen,
)

__all__ = ["FastestMethod", "MacsPerPixel", "TimeMedian", "FakeClock", "FakeFunction"]


# -- macs_per_pixel ------------------------------------------------------------


class MacsPerPixel(ScalarExercise):
    """``macs_per_pixel(k, method)``: k * k for 'direct', 2 * k for 'separable'."""

    name = "macs_per_pixel"
    check_doc = """Check ``macs_per_pixel(k, method) -> int`` (lesson 11), 'direct' or 'separable'.

    Parameters, raises: as :func:`image_info`.
    """
    example = "macs_per_pixel"
    arg_names = ("k", "method")

    def public_cases(self):
        return [
            Case((3, "direct")),
            Case((3, "separable")),
            Case((7, "direct")),
            Case((7, "separable")),
        ]

    def hidden_cases(self, rng):
        cases = [Case((1, "direct")), Case((1, "separable")), Case((2, "separable"))]
        for k in (int(x) for x in rng.integers(2, 64, size=8)):
            cases += [Case((k, "direct")), Case((k, "separable"))]
        return cases

    def expected(self, case):
        k, method = case.args
        return k * k if method == "direct" else 2 * k

    def hypotheses(self, case, expected):
        k, method = case.args
        if method == "direct":
            yield Hypothesis(
                _(
                    "For 'direct' you gave the separable count. A direct k x k filter "
                    "multiplies every one of its k * k taps with a pixel: k * k multiply-adds."
                ),
                2 * k,
            )
            yield Hypothesis(
                _("A k x k kernel has k * k taps, not k: each is one multiply-add per pixel."), k
            )
            yield Hypothesis(
                _(
                    "You counted the multiplications and the additions separately. A "
                    "multiply-add (MAC) is one of each: a k x k filter does k * k per pixel."
                ),
                2 * k * k - 1,
            )
        else:
            yield Hypothesis(
                _(
                    "For 'separable' you gave the direct count. A separable filter runs two "
                    "1-D passes of k taps each (a column, then a row): 2 * k multiply-adds."
                ),
                k * k,
            )
            yield Hypothesis(
                _(
                    "That counts one 1-D pass only: a separable filter runs two, a column of k "
                    "taps and a row of k taps, so 2 * k multiply-adds per pixel."
                ),
                k,
            )
            yield Hypothesis(
                _(
                    "You counted the multiplications and the additions separately. A "
                    "multiply-add (MAC) is one of each: the two passes do 2 * k per pixel."
                ),
                2 * (2 * k - 1),
            )


# -- time_median ---------------------------------------------------------------


class FakeClock:
    """A clock that only moves when the fake function runs."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now

    def __repr__(self) -> str:
        return f"<FakeClock now={self.now}>"

    def student_text(self) -> str:
        """How a check message names this object: in words, in the student's language."""
        return _("a stand-in clock that moves only while fn runs")


class FakeFunction:
    """The function to time: call ``i`` advances `clock` by ``durations[i]`` seconds."""

    def __init__(self, durations, args: tuple, clock: FakeClock) -> None:
        self.durations = tuple(float(d) for d in durations)
        self.args = args
        self.clock = clock
        self.calls = 0
        self.wrong_args = 0

    def reset(self) -> None:
        self.calls = self.wrong_args = 0
        self.clock.now, self.clock.reads = 1000.0, 0

    def __call__(self, *args, **kwargs):
        same = len(args) == len(self.args) and not kwargs
        if same:
            for given, wanted in zip(args, self.args, strict=True):
                if isinstance(wanted, np.ndarray):
                    same = same and isinstance(given, np.ndarray) and np.array_equal(given, wanted)
                else:
                    same = same and given == wanted
        if not same:
            self.wrong_args += 1
        duration = self.durations[self.calls] if self.calls < len(self.durations) else 0.001
        self.calls += 1
        self.clock.now += duration
        return "result"

    def __repr__(self) -> str:
        return f"<FakeFunction durations={self.durations}>"

    def student_text(self) -> str:
        """How a check message names this object: in words, in the student's language."""
        shown = ", ".join(f"{d:g}" for d in self.durations)
        return _("a stand-in function whose calls take {durations} s, one after the other").format(
            durations=shown
        )


def _number(value) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return None


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


class TimeMedian(Exercise):
    """``time_median(fn, *args, repeat=5, warmup=1, clock=time.perf_counter)``, fake clock."""

    name = "time_median"
    check_doc = """Check ``time_median(fn, *args, repeat=5, warmup=1, clock=time.perf_counter)`` (lesson 11).

    The check passes a fake clock and a fake `fn` whose calls advance it by
    known durations: the function must call ``fn(*args)`` warmup + repeat
    times, read the time with `clock` and return the median of the timed
    runs, in seconds.  Parameters, raises: as :func:`image_info`.
    """
    example = "time_median"
    arg_names = ("fn",)

    def _case(self, durations, warmup, repeat, args=()):
        clock = FakeClock()
        fn = FakeFunction(durations, tuple(args), clock)
        kwargs = (("repeat", repeat), ("warmup", warmup), ("clock", clock))
        return Case((fn, *args), kwargs)

    def public_cases(self):
        image = frozen(np.arange(6.0).reshape(2, 3))
        return [
            # one slow first call (a warm-up), then five runs with one outlier
            self._case([2.0, 0.010, 0.012, 0.011, 0.050, 0.013], 1, 5, (image, 3)),
            self._case([0.5, 0.4, 0.002, 0.003, 0.009, 0.004], 2, 4),
            # the hidden cases' other kinds: no warm-up, a single run, a str argument
            self._case([0.03, 0.01, 0.02], 0, 3, ("x",)),
            self._case([0.7, 0.25], 1, 1),
        ]

    def hidden_cases(self, rng):
        cases = [
            self._case([0.3], 0, 1),
            self._case([1.0, 0.25], 1, 1, ("x",)),
            self._case([0.02, 0.02, 0.02], 0, 3),
        ]
        for index in range(10):
            warmup = int(rng.integers(0, 4))
            repeat = int(rng.integers(2, 10))
            timed = rng.uniform(0.001, 0.01, size=repeat)
            timed[int(rng.integers(0, repeat))] *= 20  # an interruption
            slow = rng.uniform(0.5, 3.0, size=warmup)
            args = [(), (frozen(rng.random((3, 4))),), (int(rng.integers(1, 9)), "same")][index % 3]
            cases.append(self._case([*slow, *timed], warmup, repeat, args))
        return cases

    @staticmethod
    def _plan(case):
        fn = case.args[0]
        options = dict(case.kwargs)
        warmup, repeat = options["warmup"], options["repeat"]
        return fn, warmup, repeat, list(fn.durations[warmup : warmup + repeat])

    def expected(self, case):
        fn, _warmup, _repeat, timed = self._plan(case)
        fn.reset()  # the student's function runs right after this
        return statistics.median(timed)

    def _mistakes(self, case):
        fn, warmup, repeat, timed = self._plan(case)
        every = list(fn.durations[: warmup + repeat])
        yield Hypothesis(
            _(
                "That is the mean of the timed runs. One interrupted run pulls the mean up; "
                "the median (the middle value once sorted) ignores it: statistics.median or "
                "np.median."
            ),
            statistics.fmean(timed),
        )
        yield Hypothesis(
            _(
                "That is the fastest timed run (the minimum). This exercise asks for the "
                "median, the typical run."
            ),
            min(timed),
        )
        yield Hypothesis(
            _("That is the slowest timed run (the maximum); the median is the middle one."),
            max(timed),
        )
        yield Hypothesis(
            _(
                "Your median includes the warm-up calls. Warm-up calls run before the clock "
                "starts and are thrown away; take the median of the `repeat` timed runs only."
            ),
            statistics.median(every),
        )
        yield Hypothesis(
            _(
                "That is the mean of every call, warm-up included. Leave the warm-up calls out "
                "and take the median of the timed runs."
            ),
            statistics.fmean(every),
        )
        yield Hypothesis(
            _("That is the total time of the timed runs; return the median of the run times."),
            math.fsum(timed),
        )
        yield Hypothesis(
            _("That is the median in milliseconds; return seconds, as the clock gives them."),
            1000 * statistics.median(timed),
        )
        if len(timed) % 2 == 0:
            ordered = sorted(timed)
            for middle in ordered[len(timed) // 2 - 1 : len(timed) // 2 + 1]:
                yield Hypothesis(
                    _(
                        "That is one of the two middle runs. With an even number of runs the "
                        "median is the mean of the two middle values once sorted; "
                        "statistics.median and np.median compute it."
                    ),
                    middle,
                )
        yield Hypothesis(
            _(
                "That is the last run's time only: keep every timed run's duration in a list "
                "and return their median."
            ),
            timed[-1],
        )

    def evidence(self, case, expected, call: Call):
        value = _number(call.value) if call.error is None else None
        fn = case.args[0]
        if value is None or fn.calls != len(fn.durations):
            return {}
        return {
            mistake.message: (_same(value, mistake.predict), mistake.message)
            for mistake in self._mistakes(case)
            if not _same(mistake.predict, expected)
        }

    def judge(self, case, expected, call: Call) -> Verdict | None:
        fn, warmup, repeat, _timed = self._plan(case)
        wanted = warmup + repeat
        if fn.calls != wanted:
            if fn.calls == repeat and warmup:
                return Verdict(
                    _(
                        "Your function called fn {calls} times: the {warmup} warm-up call(s) "
                        "are missing. Call fn warmup times without timing, then repeat times "
                        "with the clock."
                    ).format(calls=fn.calls, warmup=warmup)
                )
            return Verdict(
                _(
                    "Your function called fn {calls} times; with warmup={warmup} and "
                    "repeat={repeat} it should call it {wanted} times: the warm-up calls, then "
                    "the timed ones."
                ).format(calls=fn.calls, warmup=warmup, repeat=repeat, wanted=wanted)
            )
        if fn.wrong_args:
            return Verdict(
                _(
                    "fn was called without the arguments that follow it: time_median(fn, a, b) "
                    "must call fn(a, b), that is fn(*args)."
                )
            )
        if fn.clock.reads == 0:
            return Verdict(
                _(
                    "Your function never called `clock`. Read the time with clock(), the "
                    "parameter: the check passes a fake clock that only moves while fn runs, "
                    "and time.perf_counter cannot see it."
                )
            )
        value = call.value
        if value is None:
            return Verdict(_("Your function returned None. Is a `return` statement missing?"))
        number = _number(value)
        if number is None:
            if isinstance(value, (list, tuple, np.ndarray)):
                return Verdict(
                    _(
                        "Your function returned all the times ({kind}); return their median, "
                        "one number of seconds."
                    ).format(kind=type(value).__name__)
                )
            return Verdict(
                _("Your function returned {kind}; a number of seconds was expected.").format(
                    kind=describe_kind(value)
                )
            )
        if _same(number, expected):
            return None
        return Verdict(
            _(
                "Your function returned {received} s; the median of the timed runs is different."
            ).format(received=f"{number:.6g}")
        )


# -- fastest_method ------------------------------------------------------------


class _Rows(list):
    """The table handed to the student: a fresh list of fresh dicts before each call."""

    def __init__(self, rows) -> None:
        super().__init__()
        self.original = tuple(tuple(sorted(row.items())) for row in rows)
        self.reset()

    def reset(self) -> None:
        self[:] = [dict(row) for row in self.original]

    def rows(self) -> list[dict]:
        return [dict(row) for row in self.original]

    def __repr__(self) -> str:
        return f"<_Rows {len(self)}>"

    def student_text(self) -> str:
        """How a check message names this object: in words, in the student's language."""
        return ngettext(
            "a table of {n} row (a list of dicts with the keys 'method', 'kernel_size', "
            "'median_s' and 'ratio_to_opencv')",
            "a table of {n} rows (a list of dicts with the keys 'method', 'kernel_size', "
            "'median_s' and 'ratio_to_opencv')",
            len(self),
        ).format(n=len(self))


def _row(method, k, seconds, baseline_seconds):
    return {
        "method": method,
        "kernel_size": k,
        "median_s": seconds,
        "ratio_to_opencv": (
            None
            if seconds is None or baseline_seconds is None or math.isnan(seconds)
            else seconds / baseline_seconds
        ),
    }


_SEPARABLE = frozenset({"numpy-separable", "opencv-gaussianblur", "opencv-sepfilter2d"})


def _table(times: Mapping[str, Mapping[int, float]]) -> _Rows:
    """Rows like convlab bench's, ratios to filter2D (2-D) or GaussianBlur (separable)."""
    rows = []
    for k in sorted({k for sizes in times.values() for k in sizes}):
        for method, sizes in times.items():
            if k not in sizes:
                continue
            base = "opencv-gaussianblur" if method in _SEPARABLE else "opencv-filter2d"
            rows.append(_row(method, k, sizes[k], times.get(base, {}).get(k)))
    return _Rows(rows)


def _at(rows, k):
    return [r for r in rows if r["kernel_size"] == k]


def _measured(rows):
    return [r for r in rows if r["median_s"] is not None and not math.isnan(r["median_s"])]


def fastest(rows, k) -> str:
    """The method with the smallest measured median_s at kernel size k."""
    return min(_measured(_at(rows, k)), key=lambda r: r["median_s"])["method"]


def _changed(table: _Rows) -> bool:
    """Whether the student's function edited the table it was given (sorted it, say)."""
    try:
        now = [tuple(sorted(row.items())) for row in table]
    except Exception:  # noqa: BLE001 - rows replaced by something that is not a dict
        return True
    return repr(now) != repr(list(table.original))


class FastestMethod(Exercise):
    """``fastest_method(rows, k)``: the name of the fastest measured method at kernel size k."""

    name = "fastest_method"
    check_doc = """Check ``fastest_method(rows, k) -> str`` (lesson 11).

    `rows` are dicts like ``convlab bench``'s (``method``, ``kernel_size``,
    ``median_s``, ``ratio_to_opencv``); the answer is the method with the
    smallest measured ``median_s`` at kernel size `k` (NaN: not measured).
    Parameters, raises: as :func:`image_info`.
    """
    example = "fastest_method"
    arg_names = ("rows", "k")

    def public_cases(self):
        table = _table(
            {
                "numpy": {3: 0.040, 15: 0.90},
                "fft": {3: 0.060, 15: 0.070},
                "opencv-filter2d": {3: 0.004, 15: 0.030},
                "numpy-separable": {3: 0.015, 15: 0.050},
                "opencv-gaussianblur": {3: 0.005, 15: 0.012},
            }
        )
        # A method not measured at k (NaN) comes first, and ranking by ratio_to_opencv
        # picks another method than ranking the whole table by median_s would.
        unmeasured = _table(
            {
                "tf-cpu-float32": {3: 0.5, 5: float("nan")},
                "numpy": {3: 0.020, 5: 0.050},
                "opencv-filter2d": {3: 0.003, 5: 0.010},
                "numpy-separable": {3: 0.002, 5: 0.006},
                "opencv-gaussianblur": {3: 0.001, 5: 0.004},
            }
        )
        return [Case((table, 3)), Case((table, 15)), Case((unmeasured, 5))]

    def hidden_cases(self, rng):
        methods = ["loops", "numpy", "numpy-separable", "fft", "ndimage", "opencv-filter2d"]
        methods += ["opencv-gaussianblur", "opencv-sepfilter2d", "tf-cpu-float32"]
        cases = []
        # A method not measured (NaN) that comes first at k: min() and argmin both trip on it.
        nan_first = _table(
            {
                "tf-cpu-float32": {7: float("nan")},
                "opencv-filter2d": {7: 0.01},
                "opencv-gaussianblur": {7: 0.02},
                "numpy": {7: 0.2},
            }
        )
        cases.append(Case((nan_first, 7)))
        for _i in range(10):
            sizes = sorted(int(s) for s in rng.choice([3, 5, 7, 11, 15, 21, 31], 3, replace=False))
            chosen = list(rng.choice(methods, int(rng.integers(3, len(methods))), replace=False))
            chosen += [m for m in ("opencv-filter2d", "opencv-gaussianblur") if m not in chosen]
            times = {}
            for method in chosen:
                scale = float(rng.uniform(0.001, 0.1))
                times[method] = {k: scale * (1 + float(rng.uniform(0, 1)) * k) for k in sizes}
            if rng.random() < 0.5:
                times[str(rng.choice(chosen))][sizes[1]] = float("nan")
            k = sizes[int(rng.integers(0, 3))]
            cases.append(Case((_table(times), k)))
        return cases

    def expected(self, case):
        table, k = case.args
        table.reset()  # the student's function runs right after this
        return fastest(table.rows(), k)

    def _mistakes(self, case):
        table, k = case.args
        rows = table.rows()
        here = _at(rows, k)
        yield Hypothesis(
            _(
                "That is the slowest method at this kernel size: the fastest has the smallest median_s."
            ),
            lambda: max(_measured(here), key=lambda r: r["median_s"])["method"],
        )
        yield Hypothesis(
            _(
                "That method is the fastest of the whole table, at another kernel size. Compare "
                "only the rows whose kernel_size is k."
            ),
            lambda: min(_measured(rows), key=lambda r: r["median_s"])["method"],
        )
        yield Hypothesis(
            _(
                "That method has no measurement at k (its median_s is NaN), and NaN breaks "
                "comparisons: min() and np.argmin can return it. Leave out rows whose time "
                "is NaN (math.isnan) before picking."
            ),
            lambda: min(here, key=lambda r: r["median_s"])["method"],
        )
        yield Hypothesis(
            _(
                "That method has no measurement at k (its median_s is NaN), and NaN breaks "
                "comparisons: min() and np.argmin can return it. Leave out rows whose time "
                "is NaN (math.isnan) before picking."
            ),
            lambda: here[int(np.argmin([r["median_s"] for r in here]))]["method"],
        )
        yield Hypothesis(
            _(
                "You compared ratio_to_opencv. The ratios divide by two different baselines "
                "(cv2.filter2D for 2-D methods, cv2.GaussianBlur for separable ones), so they "
                "do not rank methods against each other: compare median_s."
            ),
            lambda: min(
                (r for r in here if r["ratio_to_opencv"] is not None),
                key=lambda r: r["ratio_to_opencv"],
            )["method"],
        )

    def evidence(self, case, expected, call: Call):
        if call.error is not None or not isinstance(call.value, str):
            return {}
        found = {}
        for mistake in self._mistakes(case):
            message = mistake.message
            try:
                predicted = mistake.predict()
            except Exception:  # noqa: BLE001 - a mistake that cannot happen on this case
                continue
            if predicted == expected:
                continue
            matched = call.value == predicted
            if message not in found or (matched and not found[message][0]):
                found[message] = (matched, message)
        return found

    def judge(self, case, expected, call: Call) -> Verdict | None:
        value = call.value
        table = case.args[0]
        if _changed(table):
            return Verdict(_mutation_note(Call(mutated=("rows",))))
        if isinstance(value, str):
            if value == expected:
                return None
            return Verdict(
                _("Your function returned {received!r}; a faster method was measured at k.").format(
                    received=value[:60]
                )
            )
        if value is None:
            return Verdict(_("Your function returned None. Is a `return` statement missing?"))
        if isinstance(value, Mapping):
            return Verdict(
                _("Your function returned a whole row; return the method's name, row['method'].")
            )
        if _number(value) is not None:
            return Verdict(
                _(
                    "Your function returned a number ({received}); return the method's name, "
                    "the 'method' value of its row."
                ).format(received=f"{_number(value):.6g}")
            )
        return Verdict(
            _("Your function returned {kind}; the name of a method (a str) was expected.").format(
                kind=describe_kind(value)
            )
        )


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    MacsPerPixel,
    TimeMedian,
    FastestMethod,
)
