"""Exceptions raised by the checks."""

from __future__ import annotations

__all__ = ["CheckFailed", "TamperingDetected"]


class CheckFailed(AssertionError):
    """A student's function did not pass a check.

    The message is written for the student, in the notebook's language: the
    smallest input it failed on, what was expected and what was received, and
    a diagnosis of the mistake when one can be confirmed.  It subclasses
    `AssertionError` so that nbgrader counts the test cell as failed.

    In IPython (JupyterLab, nbgrader's kernel) it renders as its message only,
    without a traceback through the checks (``_render_traceback_``).
    """

    def _render_traceback_(self) -> list[str]:
        """The lines IPython shows for this error: the message, nothing else."""
        try:
            text = str(self)
        except Exception:  # noqa: BLE001 - never fail while reporting a failure
            text = type(self).__name__
        return text.splitlines() or [type(self).__name__]


class TamperingDetected(CheckFailed):
    """The checks, their registry or their data were modified before or during a check."""
