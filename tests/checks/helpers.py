"""What every lesson's check tests do: run a right answer through public and hidden cases, and
get the message a wrong answer is rejected with."""

from __future__ import annotations

import pytest

import convlab.checks
from convlab.checks import CheckFailed


def passes(check: str, student, seeds, capsys) -> int:
    """Run the public check, then the hidden one per seed; the number of ✓ lines printed."""
    convlab.checks.REGISTRY[check](student)
    for seed in seeds:
        convlab.checks.run(check, student, hidden=True, seed=seed)
    return capsys.readouterr().out.count("✓")


def rejection(check: str, wrong, seed: int) -> str:
    """The message the hidden check (seeded) rejects `wrong` with; fails if it accepts it."""
    with pytest.raises(CheckFailed) as failed:
        convlab.checks.REGISTRY[check](wrong, hidden=True, seed=seed)
    return str(failed.value)


def caught_and_named(check: str, wrong, diagnosis: str, seed: int) -> str:
    """Issue #22's three properties of a wrong answer; returns the public message.

    (a) the public check (the cell after the exercise) rejects it, (b) the hidden
    check (grading, seeded) rejects it too, and (c) the public message names the
    mistake: it holds `diagnosis`, and what it says is a diagnosis, not only
    "failed k of n cases".
    """
    with pytest.raises(CheckFailed) as public:
        convlab.checks.REGISTRY[check](wrong)
    message = str(public.value)
    assert diagnosis in message, message
    lines = message.splitlines()
    # A refused library call says so on its first line; a wrong result on its "Diagnosis:" line.
    named = next((line for line in lines if line.startswith("Diagnosis:")), lines[0])
    assert "failed" not in named, message
    rejection(check, wrong, seed)
    return message


def mutating(function, argument: int = 0):
    """A right answer that then "frees memory" by zeroing its input in place (a wrong answer)."""

    def student(*args):
        result = function(*args)
        args[argument][...] = 0
        return result

    student.__name__ = function.__name__
    return student
