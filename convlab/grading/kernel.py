"""Second lines of defence that run inside the grading kernel itself.

The first line is the operating-system sandbox (:mod:`convlab.grading.sandbox`).
``nbgrader_config.py`` runs :func:`limit_kernel` at the start of every grading
kernel (``IPKernelApp.exec_lines``):

- memory capped (``RLIMIT_DATA``; a memory bomb raises ``MemoryError`` in the
  student's cell; TensorFlow still imports);
- printed output capped per cell, so a flood of output is cut in the kernel
  instead of drowning the grader;
- an audit hook (PEP 578, cannot be removed) that refuses Python-level writes
  outside the working folder and a private temporary folder;
- TensorFlow's C++ logs quieted.

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["limit_kernel", "KERNEL_MEMORY", "OUTPUT_LIMIT"]

#: Memory the grading kernel may allocate (bytes).
KERNEL_MEMORY = 4 * 1024**3
#: Characters of printed output (stdout + stderr) one cell may send.
OUTPUT_LIMIT = 1_000_000


def limit_kernel(memory: int = KERNEL_MEMORY, output: int = OUTPUT_LIMIT) -> None:
    """Cap memory and output of the current process (the grading kernel); confine writes."""
    import resource

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    _cap_output(output)
    _confine_writes(Path.cwd())
    if os.environ.get("MPLBACKEND") == "agg":  # graded without figures (GradingExecute.figures)
        import warnings

        warnings.filterwarnings("ignore", message=".*non-interactive, and thus cannot be shown")


class _CappedStream:
    """A text stream that forwards at most `budget[0]` characters per cell, then one note."""

    def __init__(self, stream, budget: list[int], note: str):
        self._stream = stream
        self._budget = budget
        self._note = note

    def write(self, text):
        if not isinstance(text, str):
            return self._stream.write(text)
        left = self._budget[0]
        if left <= 0:
            return len(text)
        if len(text) > left:
            self._stream.write(text[:left])
            self._stream.write(self._note)
            self._budget[0] = 0
            return len(text)
        self._budget[0] = left - len(text)
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _cap_output(limit: int) -> None:
    from ..i18n import gettext as _

    budget = [limit]
    note = "\n" + _("... [output cut: more than {n} characters in one cell]").format(n=limit) + "\n"
    sys.stdout = _CappedStream(sys.stdout, budget, note)
    sys.stderr = _CappedStream(sys.stderr, budget, note)
    try:
        ip = get_ipython()  # noqa: F821 - defined in a kernel
    except NameError:
        return

    def reset(*args, **kwargs):
        budget[0] = limit

    ip.events.register("pre_run_cell", reset)


_WRITE_EVENTS = {
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.mkdir",
    "shutil.rmtree",
    "os.truncate",
    "os.symlink",
    "os.link",
    "os.chmod",
}


def _confine_writes(folder: Path) -> None:
    """Refuse file writes outside the submission folder (and caches/temp) in this process.

    An audit hook (PEP 578) cannot be removed once added, so a submission
    cannot switch it off.  It sees Python-level opens and file operations;
    native code writing files on its own is out of its reach (the sandbox
    is what stops that).
    """
    import tempfile

    from ..i18n import gettext as _  # the message follows the notebook's language

    private_tmp = tempfile.mkdtemp(prefix="convlab-grading-")
    tempfile.tempdir = private_tmp
    os.environ["TMPDIR"] = private_tmp
    home = Path.home()
    allowed = [
        folder.resolve(),
        Path(private_tmp).resolve(),
        home / ".cache",
        home / ".config" / "matplotlib",
        home / ".keras",
        home / ".ipython",
        home / ".local" / "share" / "jupyter",
        Path("/dev"),
    ]
    if os.environ.get("MPLCONFIGDIR"):
        allowed.append(Path(os.environ["MPLCONFIGDIR"]))

    def inside(path) -> bool:
        try:
            target = Path(os.fsdecode(path)).resolve()
        except (TypeError, ValueError, OSError):
            return True  # file descriptors and the like
        return any(target == root or root in target.parents for root in allowed)

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(m in mode for m in "wax+")) or (
                isinstance(flags, int)
                and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
            )
            if writing and path is not None and not isinstance(path, int) and not inside(path):
                raise PermissionError(
                    _(
                        "grading: writing outside the submission folder is not allowed ({path})"
                    ).format(path=os.fsdecode(path))
                )
        elif (
            event in _WRITE_EVENTS and args and not isinstance(args[0], int) and not inside(args[0])
        ):
            raise PermissionError(
                _(
                    "grading: changing files outside the submission folder is not allowed ({path})"
                ).format(path=args[0])
            )

    sys.addaudithook(hook)
