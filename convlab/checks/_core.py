"""The engine every check shares: cases, guarded calls, verdicts and reports.

A check is an :class:`Exercise` (its cases, its reference results and the
mistakes it knows how to recognise) run by :func:`run_exercise`.  The engine
calls the student's function on copies of each input, with its printed output
captured (and bounded) and warnings silenced, under the from-scratch guard
when the exercise asks for one; it never lets an exception of the student's
escape as anything but :class:`CheckFailed`.

A diagnosis is never a guess: a *hypothesis* is a function that computes what
a given mistake would have produced, and it is reported only when that
prediction matches what the student's function returned (and differs from the
right answer).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from convlab.i18n import get_language, ngettext
from convlab.i18n import gettext as _

from . import _scratch
from ._errors import CheckFailed, TamperingDetected

__all__ = [
    "Case",
    "Exercise",
    "Hypothesis",
    "ShapeNote",
    "ArrayExercise",
    "ScalarExercise",
    "Verdict",
    "run_exercise",
    "joined",
]

_PACKAGE_DIR = str(Path(__file__).resolve().parent)
_LIBRARY_DIRS = tuple(
    str(Path(p).resolve()) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix} if p
)
_PRINT_LIMIT = 600  # characters of a student's printed output kept for the report
_TINY = 30  # arrays with at most this many values are shown in full


# -- text --------------------------------------------------------------------

# Full-width characters: CJK punctuation, kana, ideographs, full-width forms.
_WIDE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def joined(left: str, right: str) -> str:
    """`left` and `right` as one sentence-level text, spaced as the current language writes it.

    English and Spanish put one space between them.  Japanese puts no space
    next to full-width text (after ``：`` or ``。``, before or after kana and
    kanji), and a half-width parenthesis after Japanese text becomes
    full-width: the project's style for Japanese messages.

    Examples
    --------
    >>> from convlab.i18n import set_language
    >>> set_language("ja"); joined("期待される結果：", "1")
    '期待される結果：1'
    >>> joined("誤りです。", "(4行目)")
    '誤りです。（4行目）'
    >>> set_language("en"); joined("Expected:", "1")
    'Expected: 1'
    """
    left, right = left.rstrip(" "), right.lstrip(" ")
    if not left or not right:
        return left + right
    if get_language() == "ja" and (_WIDE.match(left[-1]) or _WIDE.match(right[0])):
        if right[0] == "(" and right.endswith(")"):
            right = "（" + right[1:-1] + "）"
        return left + right
    return left + " " + right


# -- cases -------------------------------------------------------------------


def frozen(array) -> np.ndarray:
    """A read-only copy of `array`: case data cannot be edited by accident or on purpose."""
    out = np.array(array)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Case:
    """One call of the student's function.

    Parameters
    ----------
    args : tuple
        Positional arguments (arrays are stored read-only; the student gets copies).
    kwargs : tuple of (str, object)
        Keyword arguments, as pairs.
    """

    args: tuple
    kwargs: tuple = ()

    @property
    def size(self) -> int:
        """How big the input is: the number of array values, plus one per scalar."""
        return sum(int(np.size(a)) if isinstance(a, np.ndarray) else 1 for a in self.args)


@dataclass
class Call:
    """What happened when the student's function ran on one case."""

    value: object = None
    error: BaseException | None = None
    where: str = ""
    printed: str = ""
    printed_total: int = 0
    mutated: tuple[str, ...] = ()
    violation: str | None = None
    tampering: str | None = None


class Hypothesis(NamedTuple):
    """A known mistake: how the check explains it and what it would have produced.

    Attributes
    ----------
    message : str
        The localized explanation shown when the student's output matches.
    predict : object
        For an :class:`ArrayExercise`, a callable returning the array the mistake
        produces (called lazily; raising means the mistake does not apply to the
        case).  For scalar and pair answers, the predicted value itself.
    key : str or None
        Groups the same mistake across cases whose messages differ (a border
        mode, say); None: the message is the key.
    part : int or None
        For an answer that is a pair, the index of the element the mistake
        concerns; None: the whole answer.
    """

    message: str
    predict: Any
    key: str | None = None
    part: int | None = None


class ShapeNote(NamedTuple):
    """An explanation of a wrong output shape, shown when ``test()`` is true."""

    message: str
    test: Callable[[], bool]


@dataclass
class Verdict:
    """Why one case failed: a diagnosis (localized) and optional detail lines."""

    diagnosis: str
    notes: list[str] = field(default_factory=list)


class _BoundedWriter:
    """A text sink that keeps the first characters written and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def write(self, text) -> int:
        text = str(text)
        self.total += len(text)
        if self.kept < self.limit:
            piece = text[: self.limit - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def getvalue(self) -> str:
        return "".join(self.parts)


def _student_copy(value):
    """A writable copy of a case argument, with the same memory layout kind."""
    if not isinstance(value, np.ndarray):
        return value
    if value.flags.c_contiguous or value.ndim == 0:
        return value.copy()
    # Non-contiguous case input: hand over a strided view, as slicing would.
    buffer = np.empty((2 * value.shape[0], *value.shape[1:]), dtype=value.dtype)
    view = buffer[::2]
    view[...] = value
    return view


def _same_array(a, b) -> bool:
    if not isinstance(a, np.ndarray):
        return True
    if not isinstance(b, np.ndarray) or a.shape != b.shape or a.dtype != b.dtype:
        return False
    return a.tobytes() == b.tobytes()


def _where(error: BaseException) -> str:
    """'line N, in name' for the deepest frame of the student's own code."""
    found = ""
    for frame in traceback.extract_tb(error.__traceback__):
        filename = str(Path(frame.filename).resolve()) if frame.filename else ""
        if filename.startswith(_PACKAGE_DIR) or filename.startswith(_LIBRARY_DIRS):
            continue
        found = _("line {line}, in {function}").format(line=frame.lineno, function=frame.name)
    return found


def call_student(function, case: Case, names: tuple[str, ...], guard) -> Call:
    """Run the student's function on `case`; never raises (except KeyboardInterrupt)."""
    args = tuple(_student_copy(a) for a in case.args)
    kwargs = {k: _student_copy(v) for k, v in case.kwargs}
    sink = _BoundedWriter(_PRINT_LIMIT)
    call = Call()
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
    ):
        warnings.simplefilter("ignore")
        try:
            if guard is None:
                call.value = function(*args, **kwargs)
            else:
                call.value = guard.call(function, args, kwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - any failure of the student's code
            call.error = error
            call.where = _where(error)
    if guard is not None:
        call.violation, call.tampering = guard.violation, guard.tampering
    call.printed, call.printed_total = sink.getvalue(), sink.total
    given = [*zip(names, case.args, strict=False), *case.kwargs]
    passed = [*args, *kwargs.values()]
    call.mutated = tuple(
        name
        for (name, original), now in zip(given, passed, strict=False)
        if not _same_array(original, now)
    )
    return call


# -- comparing ---------------------------------------------------------------


def as_array(value) -> np.ndarray | None:
    """`value` as a plain numeric ndarray (a copy), or None if it is not one."""
    if isinstance(value, (str, bytes, dict)) or value is None:
        return None
    try:
        array = np.array(value, copy=True, subok=False)
    except Exception:  # noqa: BLE001 - whatever the student's object does
        return None
    if array.dtype.kind not in "biuf":
        return None
    return array


def close(received: np.ndarray | None, expected: np.ndarray, rtol: float, atol: float) -> bool:
    """Same shape and values within tolerance (NaN never matches)."""
    if received is None or received.shape != expected.shape:
        return False
    a = received.astype(np.float64)
    b = expected.astype(np.float64)
    return bool((abs(a - b) <= atol + rtol * abs(b)).all())


#: An opaque repr (``<function f at 0x7f...>``, ``<built-in function print>``).
_OPAQUE_REPR = re.compile(r"^<.*>$", re.DOTALL)


def student_text(value) -> str | None:
    """The words a check message uses for an object the checks made (a stand-in clock...).

    Objects defined in ``convlab.checks`` that a student's function receives
    describe themselves with a ``student_text()`` method, in the student's
    language, instead of a Python repr.  None for any other object.
    """
    kind = type(value)
    if not str(getattr(kind, "__module__", "")).startswith(__package__ or "convlab.checks"):
        return None
    method = getattr(kind, "student_text", None)
    return method(value) if callable(method) else None


def describe_kind(value) -> str:
    """'None', 'a list', 'a float (2.5)'... for messages about returned objects."""
    if value is None:
        return "None"
    own = student_text(value)
    if own is not None:
        return own
    kind = type(value).__name__
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001
        text = ""
    if _OPAQUE_REPR.match(text):
        # Python's <...> reprs (an address, a type) say nothing to a student: use words.
        name = getattr(value, "__name__", None)
        if callable(value) and isinstance(name, str):
            return _("the function {name}").format(name=name)
        return _("an object of type {kind}").format(kind=kind)
    if len(text) > 60:
        text = text[:57] + "..."
    return _("{kind} {value}").format(kind=kind, value=text) if text else kind


def describe(value, indent: str = "    ") -> str:
    """Shape, dtype and values (all of them when tiny, else the first few)."""
    if isinstance(value, np.ndarray):
        head = _("array of shape {shape}, dtype {dtype}").format(
            shape=tuple(value.shape), dtype=value.dtype
        )
        if value.size == 0:
            return head
        if value.size <= _TINY:
            body = np.array2string(value, separator=", ", precision=4, suppress_small=True)
            return head + "\n" + "\n".join(indent + "    " + line for line in body.splitlines())
        first = np.array2string(value.ravel()[:6], separator=", ", precision=4, suppress_small=True)
        values = _("first values {values}").format(values=first[:-1] + ", ...]")
        return joined(head + ("、" if get_language() == "ja" else ";"), values)
    if isinstance(value, (bool, int, float, str, tuple, np.integer, np.floating)):
        try:
            text = repr(value.item() if isinstance(value, np.generic) else value)
        except Exception:  # noqa: BLE001 - a tuple holding a hostile object
            text = describe_kind(value)
        return text if len(text) <= 200 else text[:197] + "..."
    return describe_kind(value)


# -- exercises ---------------------------------------------------------------


class Exercise:
    """Base class: what a check needs to know about one exercise.

    Subclasses set `name` (also the check's name), `arg_names`, `example` (the
    usual name of the student's function), `check_doc` (the check's docstring)
    and, for from-scratch exercises, `guard_groups` (keys of
    ``_scratch.GROUPS``), `scratch_message` and, if the guard cannot be switched
    off, ``scratch_optional = False``.  A lesson module lists its exercises in
    its ``EXERCISES`` tuple, from which ``convlab.checks`` makes the check
    functions and the registry.  They implement `public_cases`, `hidden_cases`,
    `expected` and `judge`.
    """

    name = ""
    example = "my_function"
    arg_names: tuple[str, ...] = ()
    guard_groups: tuple[str, ...] = ()
    #: Whether the check takes ``from_scratch=`` (True) or always guards (False).
    scratch_optional = True
    #: The docstring of the public check function made from this exercise.
    check_doc = ""

    def scratch_message(self) -> str:  # pragma: no cover - overridden where used
        return ""

    def public_cases(self) -> list[Case]:
        raise NotImplementedError

    def hidden_cases(self, rng: np.random.Generator) -> list[Case]:
        raise NotImplementedError

    def expected(self, case: Case):
        raise NotImplementedError

    def judge(self, case: Case, expected, call: Call) -> Verdict | None:
        """None when the call's result is right, else a verdict."""
        raise NotImplementedError

    def error_note(self, case: Case, error: BaseException) -> str | None:
        """A localized explanation of why the function may have raised `error` on `case`."""
        return None

    def evidence(self, case: Case, expected, call: Call) -> dict[str, tuple[bool, str]]:
        """Test every known mistake against this call's result.

        Returns
        -------
        dict
            ``key -> (matched, message)`` for each mistake whose prediction
            differs from the right answer on this case (the others say
            nothing here).  `matched` tells whether the student's result is
            what the mistake predicts.
        """
        return {}


def _mutation_note(call: Call) -> str:
    return _(
        "Your function changed its input `{name}` in place. It should leave its "
        "arguments untouched and return a new result."
    ).format(name=call.mutated[0])


class ArrayExercise(Exercise):
    """An exercise whose answer is an array, compared value by value."""

    def tolerance(self, case: Case, expected: np.ndarray) -> tuple[float, float]:
        scale = max(1.0, float(np.abs(expected).max())) if expected.size else 1.0
        single = any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in case.args)
        rtol = 1e-5 if single else 1e-9
        return rtol, rtol * scale

    def dtype_ok(self, case: Case, expected: np.ndarray, received: np.ndarray) -> bool:
        """Whether the received dtype is acceptable (default: any numeric dtype)."""
        return True

    def hypotheses(self, case: Case, expected: np.ndarray):
        """Yield a :class:`Hypothesis` per known mistake (`predict`: a callable)."""
        return ()

    def shape_notes(self, case: Case, expected: np.ndarray, received: np.ndarray):
        """Yield a :class:`ShapeNote` per known reason for a wrong shape."""
        return ()

    def judge(self, case: Case, expected: np.ndarray, call: Call) -> Verdict | None:
        value = call.value
        if value is None:
            return Verdict(_("Your function returned None. Is a `return` statement missing?"))
        received = as_array(value)
        if received is None:
            return Verdict(
                _("Your function returned {kind}, not a NumPy array of numbers.").format(
                    kind=describe_kind(value)
                )
            )
        rtol, atol = self.tolerance(case, expected)
        right = close(received, expected, rtol, atol)
        if right and self.dtype_ok(case, expected, received):
            return Verdict(_mutation_note(call)) if call.mutated else None
        verdict = Verdict(self.diagnose(case, expected, received, rtol, atol))
        if call.mutated:
            verdict.notes.append(_mutation_note(call))
        return verdict

    def all_hypotheses(self, case: Case, expected: np.ndarray, received: np.ndarray):
        """This exercise's hypotheses, then the mistakes every array exercise can make."""
        yield from self.hypotheses(case, expected)
        first = case.args[0] if case.args else None
        if isinstance(first, np.ndarray):
            yield Hypothesis(
                _("Your function returned its input unchanged."), lambda: first, key="unchanged"
            )
        if expected.ndim == 2 and expected.shape[0] != expected.shape[1]:
            yield Hypothesis(
                _(
                    "Your output is the transpose of the expected one: rows and columns are "
                    "swapped. Check which index runs over rows (axis 0) and which over columns "
                    "(axis 1)."
                ),
                lambda: expected.T,
                key="transposed",
            )
        if received.dtype.kind in "biu" and expected.dtype.kind == "f":

            def stored():
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return expected.astype(received.dtype)

            yield Hypothesis(
                _(
                    "Your output array has the integer dtype {dtype}, so fractional or "
                    "negative results were truncated or wrapped around when they were stored. "
                    "These results need a floating-point array."
                ).format(dtype=received.dtype),
                stored,
                key="integer-output",
            )

    def evidence(self, case: Case, expected: np.ndarray, call: Call) -> dict[str, tuple[bool, str]]:
        received = as_array(call.value) if call.error is None else None
        if received is None:
            return {}
        rtol, atol = self.tolerance(case, expected)
        found: dict[str, tuple[bool, str]] = {}
        for hypothesis in self.all_hypotheses(case, expected, received):
            try:
                predicted = np.asarray(hypothesis.predict())
            except Exception:  # noqa: BLE001 - a hypothesis that does not apply here
                continue
            if predicted.dtype.kind not in "biuf" or close(predicted, expected, rtol, atol):
                continue  # indistinguishable from the right answer on this input
            matched = close(received, predicted, rtol, atol)
            key = hypothesis.key or hypothesis.message
            if key not in found or (matched and not found[key][0]):
                found[key] = (matched, hypothesis.message)
        return found

    def diagnose(self, case, expected, received, rtol, atol) -> str:
        """Explain a wrong result when no known mistake matches it."""
        same_shape = received.shape == expected.shape
        if same_shape and received.dtype.kind == "f":
            finite = np.isfinite(expected)
            if not np.isfinite(received[finite]).all():
                return _(
                    "Your output contains NaN or infinite values where finite numbers were "
                    "expected. An output array made with np.empty and not completely filled "
                    "can look like this."
                )
        single = received.dtype.itemsize < 8 or expected.dtype.itemsize < 8
        loose = (max(rtol, 1e-5), max(atol, 1e-5 * max(1.0, float(abs(expected).max(initial=0)))))
        if same_shape and close(received, expected, *(loose if single else (rtol, atol))):
            return _(
                "The values are right, but the dtype is {received} instead of {expected}."
            ).format(received=received.dtype, expected=expected.dtype)
        if not same_shape:
            message = _(
                "Your output has shape {received}, but the expected shape is {expected}."
            ).format(received=tuple(received.shape), expected=tuple(expected.shape))
            for note in self.shape_notes(case, expected, received):
                try:
                    if note.test():
                        return joined(message, note.message)
                except Exception:  # noqa: BLE001
                    continue
            return message
        wrong = ~(abs(received.astype(np.float64) - expected) <= atol + rtol * abs(expected))
        index = tuple(int(i) for i in np.argwhere(wrong)[0])
        return _(
            "The shape is right but {count} of {total} values differ; the first one is at "
            "index {index}: expected {expected}, got {received}."
        ).format(
            count=int(wrong.sum()),
            total=wrong.size,
            index=index,
            expected=_number(expected[index]),
            received=_number(received[index]),
        )


class ScalarExercise(Exercise):
    """An exercise whose answer is one integer (an output size, a pad width)."""

    def hypotheses(self, case: Case, expected: int):
        """Yield a :class:`Hypothesis` per known mistake (`predict`: the predicted int)."""
        return ()

    def evidence(self, case: Case, expected: int, call: Call) -> dict[str, tuple[bool, str]]:
        value = call.value
        if call.error is not None or not _is_int(value):
            return {}
        found: dict[str, tuple[bool, str]] = {}
        for hypothesis in self.hypotheses(case, expected):
            if hypothesis.predict == expected:
                continue
            # The same message may come with several predictions (one mistake, written
            # in several ways): it matches when any of them does.
            key = hypothesis.key or hypothesis.message
            matched = int(value) == hypothesis.predict or found.get(key, (False, ""))[0]
            found[key] = (matched, hypothesis.message)
        return found

    def judge(self, case: Case, expected: int, call: Call) -> Verdict | None:
        value = call.value
        if _is_int(value):
            if int(value) == expected:
                return None
            return Verdict(
                _("Your function returned {received}; the right answer is different.").format(
                    received=int(value)
                )
            )
        if value is None:
            return Verdict(_("Your function returned None. Is a `return` statement missing?"))
        if isinstance(value, (float, np.floating)):
            if float(value) == expected:
                return Verdict(
                    _(
                        "Your function returned the float {received}. Sizes and widths are "
                        "whole numbers: return an int."
                    ).format(received=value)
                )
            return Verdict(
                _("Your function returned the float {received}; an int was expected.").format(
                    received=value
                )
            )
        return Verdict(
            _("Your function returned {kind}; an int was expected.").format(
                kind=describe_kind(value)
            )
        )


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _number(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:.6g}"


# -- running -----------------------------------------------------------------


def new_seed() -> int:
    """A fresh per-run seed for the randomized cases."""
    return int.from_bytes(os.urandom(4), "little")


def function_name(function) -> str:
    name = getattr(function, "__name__", None)
    return name if isinstance(name, str) and name.isidentifier() else _("your function")


def run_exercise(
    exercise: Exercise,
    student_fn,
    *,
    hidden: bool = False,
    seed: int | None = None,
    from_scratch: bool = False,
) -> None:
    """Run every case of `exercise` on `student_fn`; print a summary or raise `CheckFailed`.

    Parameters
    ----------
    exercise : Exercise
        The exercise (cases, reference, diagnoses).
    student_fn : callable
        The student's function.
    hidden : bool, optional
        Add the randomized and edge cases to the public ones.
    seed : int, optional
        Seed of the randomized cases; a fresh one per run when None.
    from_scratch : bool, optional
        Fail when the function calls a forbidden library function.

    Raises
    ------
    CheckFailed
        With a localized report of the smallest failing case.
    """
    check = exercise.name
    if not callable(student_fn):
        raise CheckFailed(
            _(
                "✗ {check}: the check expects your function (for example "
                "convlab.checks.{check}({example})), but it received {kind}. Pass the function "
                "itself, without calling it."
            ).format(check=check, example=exercise.example, kind=describe_kind(student_fn))
        )
    if isinstance(seed, bool) or (seed is not None and not isinstance(seed, (int, np.integer))):
        raise TypeError(f"`seed` must be an int or None; got {type(seed).__name__}")
    if hidden and seed is None:
        seed = new_seed()
    name = function_name(student_fn)
    cases = list(exercise.public_cases())
    if hidden:
        cases += exercise.hidden_cases(np.random.default_rng(int(seed)))

    guard = (
        _scratch.Guard(exercise.guard_groups) if from_scratch and exercise.guard_groups else None
    )
    if guard is not None:
        found = guard.static_violation(student_fn)
        if found:
            raise CheckFailed(
                exercise.scratch_message().format(check=check, function=name, forbidden=found)
            )

    results = []
    for index, case in enumerate(cases):
        expected = exercise.expected(case)
        call = call_student(student_fn, case, exercise.arg_names, guard)
        if guard is not None and guard.refresh():
            # The function imported a library during the call: run it again
            # with that library's functions on the list.
            call = call_student(student_fn, case, exercise.arg_names, guard)
        if call.tampering:
            raise TamperingDetected(
                _(
                    "✗ {check}: {function} switched off or replaced the profiler that checks "
                    "this exercise is done from scratch ({what}). That counts as tampering "
                    "with the checks, so the check fails."
                ).format(check=check, function=name, what=call.tampering)
            )
        if call.violation:
            raise CheckFailed(
                exercise.scratch_message().format(
                    check=check, function=name, forbidden=call.violation
                )
            )
        if call.error is not None:
            verdict = Verdict(_raised(call))
            try:
                note = exercise.error_note(case, call.error)
            except Exception:  # noqa: BLE001 - never let an explanation crash the grader
                note = None
            if note:
                verdict = Verdict(joined(verdict.diagnosis, note))
        else:
            try:
                verdict = exercise.judge(case, expected, call)
            except Exception as error:  # noqa: BLE001 - a hostile return value
                verdict = Verdict(
                    _(
                        "Your function returned {kind}, which could not be compared ({error})."
                    ).format(kind=describe_kind(call.value), error=type(error).__name__)
                )
            if verdict is None and call.mutated:  # every exercise: a right result is not enough
                verdict = Verdict(_mutation_note(call))
        results.append((case.size, index, case, expected, call, verdict))

    failures = [r for r in results if r[5] is not None]
    if failures:
        report = _choose(exercise, results)
        raise CheckFailed(
            _report(exercise, name, report, len(failures), len(cases), seed if hidden else None)
        )
    print(
        ngettext(
            "✓ {check}: {function} passed {n} case.",
            "✓ {check}: {function} passed all {n} cases.",
            len(cases),
        ).format(check=check, function=name, n=len(cases))
    )


def _raised(call: Call) -> str:
    error = call.error
    if type(error) is NotImplementedError and not error.args:
        return _(
            "Your function raised NotImplementedError: the exercise is not answered yet. "
            "Replace `raise NotImplementedError()` with your code and run that cell again."
        )
    try:
        text = str(error)
    except Exception:  # noqa: BLE001
        text = ""
    if len(text) > 300:
        text = text[:297] + "..."
    message = _("Your function raised {error} on this input.").format(
        error=f"{type(error).__name__}: {text}" if text else type(error).__name__
    )
    if call.where:
        message = joined(message, "(" + call.where + ")")
    return message


def _choose(exercise, results):
    """The failure to report, with the mistake that best explains all results.

    Every known mistake is tested on every case (passing ones included) where
    its prediction differs from the right answer: +1 when the student's output
    is what it predicts, -1 when it is not.  The best-scoring mistake that
    matched at least one failing case wins, and is reported on the smallest
    failing case it matched.  Without one, the smallest failure is reported
    with its own explanation.
    """
    tally: dict[str, list] = {}
    for size, index, case, expected, call, verdict in sorted(results, key=lambda r: (r[0], r[1])):
        try:
            evidence = exercise.evidence(case, expected, call)
        except Exception:  # noqa: BLE001 - never let a diagnosis crash the grader
            evidence = {}
        for rank, (key, (matched, message)) in enumerate(evidence.items()):
            entry = tally.setdefault(key, [0, rank, None])
            entry[0] += 1 if matched else -1
            entry[1] = min(entry[1], rank)
            if matched and verdict is not None and entry[2] is None:
                entry[2] = (size, index, message)
    ranked = sorted(
        (entry for entry in tally.values() if entry[2] is not None and entry[0] > 0),
        key=lambda entry: (-entry[0], entry[1]),
    )
    if ranked:
        _size, index, message = ranked[0][2]
        size, index, case, expected, call, verdict = next(r for r in results if r[1] == index)
        return size, index, case, expected, call, Verdict(message, verdict.notes)
    return min((r for r in results if r[5] is not None), key=lambda r: (r[0], r[1]))


def _report(exercise, name, chosen, failed, total, seed) -> str:
    _size, _index, case, expected, call, verdict = chosen
    check = exercise.name
    lines = [
        ngettext(
            "✗ {check}: {function} failed {failed} of {total} case.",
            "✗ {check}: {function} failed {failed} of {total} cases.",
            total,
        ).format(check=check, function=name, failed=failed, total=total),
        _("Smallest failing input:"),
    ]
    names = list(exercise.arg_names)
    for position, value in enumerate(case.args):
        label = names[position] if position < len(names) else f"arg{position}"
        lines.append(f"    {label} = {describe(value)}")
    for key, value in case.kwargs:
        lines.append(f"    {key} = {describe(value)}")
    if len(case.args) < len(names):
        omitted = ", ".join(names[len(case.args) :])
        lines.append("    " + _("({names} not passed: the default is used)").format(names=omitted))
    lines.append(joined(_("Expected:"), describe(expected)))
    if call.error is None:
        received = as_array(call.value) if _is_arrayish(call.value) else call.value
        lines.append(joined(_("Received:"), describe(received)))
    lines.append(joined(_("Diagnosis:"), verdict.diagnosis))
    lines.extend(verdict.notes)
    if call.printed_total:
        lines.append(
            _("Your function printed {count} characters on this input; the first ones:").format(
                count=call.printed_total
            )
        )
        shown = call.printed.rstrip("\n").splitlines()[:8]
        lines.extend("    | " + line[:200] for line in shown)
    if seed is not None:
        lines.append(
            _("Random cases came from seed {seed}: {call} repeats them.").format(
                seed=seed,
                call=f"convlab.checks.{check}({name if name.isidentifier() else 'f'}, "
                f"hidden=True, seed={seed})",
            )
        )
    return "\n".join(lines)


def _is_arrayish(value) -> bool:
    return isinstance(value, np.ndarray) or (
        isinstance(value, (list, tuple)) and as_array(value) is not None and np.ndim(value) > 1
    )
