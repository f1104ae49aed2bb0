"""Exceptions raised by the checks."""

from __future__ import annotations

__all__ = ["CheckFailed", "TamperingDetected"]


class CheckFailed(AssertionError):
    """A student's function did not pass a check.

    The message is written for the student, in the notebook's language: the
    smallest input it failed on, what was expected and what was received, and
    a diagnosis of the mistake when one can be confirmed.  It subclasses
    `AssertionError` so that nbgrader counts the test cell as failed.
    """


class TamperingDetected(CheckFailed):
    """The checks, their registry or their data were modified before or during a check."""
