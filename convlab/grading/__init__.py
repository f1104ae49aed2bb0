"""Grading machinery: ``convlab grade``, the sandbox, and nbgrader preprocessors.

The teaching library (``convlab`` and ``convlab.checks``) never imports this
package; nbgrader's autograding and the ``convlab grade`` command do.

- :mod:`~convlab.grading.coursedir`: the course directory, lesson, gradebook URL
  and nbgrader's environment (imported by the others, importing none of them);
- :mod:`~convlab.grading.command`: ``convlab grade`` (workers, resumable, CSV);
- :mod:`~convlab.grading.report`: ``convlab report`` (where the class stands);
- :mod:`~convlab.grading.worker`: long-lived grading workers (nbgrader's Python API);
- :mod:`~convlab.grading.execute`: the Execute step (sandboxed kernel, survival);
- :mod:`~convlab.grading.sandbox`: the operating-system sandbox (bubblewrap);
- :mod:`~convlab.grading.kernel`: limits set inside the grading kernel;
- :mod:`~convlab.grading.preprocessors`: other nbgrader preprocessors.

Introduced in the instructor guide (docs/GRADING.md).
"""

from .kernel import KERNEL_MEMORY, limit_kernel

__all__ = ["grade", "GradeResult", "grade_cli", "limit_kernel", "nbgrader_env", "KERNEL_MEMORY"]


def __getattr__(name):
    if name in ("grade", "GradeResult", "grade_cli"):
        from . import command

        return getattr(command, name)
    if name == "nbgrader_env":
        from . import coursedir

        return coursedir.nbgrader_env
    raise AttributeError(name)
