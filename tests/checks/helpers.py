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
