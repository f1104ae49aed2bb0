"""What a student sees when a cell fails: a message, not convlab's internals.

Installed into IPython by ``import convlab`` (the first line of every lesson's
setup cell), so it applies in JupyterLab and in nbgrader's autograding kernel,
whose stored tracebacks are what the feedback shows:

- a failed check (:class:`convlab.checks.CheckFailed`) shows only its
  localized message: it renders itself through IPython's
  ``_render_traceback_`` protocol;
- any other error keeps the traceback of the student's own code, without the
  frames inside the convlab package (an error raised by a convlab function the
  student called points at the student's call, with convlab's message);
- a bare ``NotImplementedError()``, the stub nbgrader leaves where a solution
  goes, gets a localized hint: replace it with your answer.

Introduced in lesson 01, images as arrays (its first failing check).
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

from .i18n import gettext as _

__all__ = ["install", "student_traceback", "unsolved_hint", "is_unsolved_stub"]

_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def _inside_convlab(frame: types.FrameType) -> bool:
    filename = frame.f_code.co_filename
    if not filename or filename.startswith("<"):
        return False
    try:
        return str(Path(filename).resolve()).startswith(_PACKAGE_DIR)
    except OSError:  # pragma: no cover - an unresolvable path is not ours
        return False


def student_traceback(tb: types.TracebackType | None) -> types.TracebackType | None:
    """`tb` without the frames whose code lives in the convlab package (order kept)."""
    kept = []
    while tb is not None:
        if not _inside_convlab(tb.tb_frame):
            kept.append(tb)
        tb = tb.tb_next
    rebuilt = None
    for item in reversed(kept):
        rebuilt = types.TracebackType(rebuilt, item.tb_frame, item.tb_lasti, item.tb_lineno)
    return rebuilt


def is_unsolved_stub(error: BaseException) -> bool:
    """Whether `error` is the bare ``raise NotImplementedError()`` of an exercise stub."""
    return type(error) is NotImplementedError and not error.args


def unsolved_hint() -> str:
    """The localized hint shown for an exercise that has not been answered yet."""
    return _(
        "This exercise is not answered yet: replace `raise NotImplementedError()` with your "
        "code, run that cell, then run this one again."
    )


def _handler(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: shows the traceback and returns it (structured)."""
    render = getattr(value, "_render_traceback_", None)
    if callable(render):
        stb = render()
    else:
        trimmed = student_traceback(tb)
        stb = shell.InteractiveTB.structured_traceback(etype, value, trimmed, tb_offset=tb_offset)
        if is_unsolved_stub(value):
            stb = [*stb, unsolved_hint()]
    # IPython leaves the display to the handler (it discards what the handler returns).
    shell._showtraceback(etype, value, stb)
    return stb


def install(shell=None) -> bool:
    """Show failures to students as described above, in IPython `shell` (default: the running one).

    Returns True when a shell was found and configured.  Safe to call again.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")
        get = getattr(ipython, "get_ipython", None)
        shell = get() if callable(get) else None
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    shell.set_custom_exc((Exception,), _handler)
    return True
