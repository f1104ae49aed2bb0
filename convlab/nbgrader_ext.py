"""nbgrader extensions used by the course directories' ``nbgrader_config.py``.

:class:`SurvivingExecute` replaces nbgrader's ``Execute`` preprocessor during
autograding.  When a submission kills its kernel (``os._exit``, a crash, the
out-of-memory killer), nbgrader would drop the whole submission ("Removing
failed assignment") and record no grade.  Here the cell that killed the
kernel gets an error output that says so, the cells after it are marked as
not run (so their tests score 0), and grading goes on: the student keeps the
points earned before the crash and receives feedback that explains it.

Introduced in the instructor guide (README, "For instructors").
"""

from __future__ import annotations

from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer

from .i18n import gettext as _
from .i18n import set_language

__all__ = ["SurvivingExecute", "LimitOutputSize"]


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


class SurvivingExecute(Execute):
    """nbgrader's ``Execute``, but a dead kernel costs only the cells it could not run."""

    def preprocess(self, nb, resources=None, km=None):
        self._dead_at = None
        language = nb.metadata.get("convlab", {}).get("language")
        if language:
            try:
                set_language(language)
            except ValueError:
                pass
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, self.resources
        if self._dead_at is not None:
            cell.outputs = [
                _error(
                    "KernelDied",
                    _("Not run: the kernel stopped in an earlier cell (cell {cell}).").format(
                        cell=self._dead_at + 1
                    ),
                )
            ]
            return cell, self.resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead_at = index
            cell.outputs.append(
                _error(
                    "KernelDied",
                    _(
                        "The Python kernel stopped while running this cell (os._exit, a crash, "
                        "or too much memory). Cells after it were not run."
                    ),
                )
            )
            return cell, self.resources

    def _async_cleanup_kernel(self):  # a dead kernel must not fail the cleanup
        return self._cleanup_quietly()

    async def _cleanup_quietly(self):
        try:
            await Execute._async_cleanup_kernel(self)
        except Exception as exc:  # noqa: BLE001 - the kernel is already gone
            self.log.warning("kernel cleanup after a dead kernel: %s", exc)


class LimitOutputSize(NbGraderPreprocessor):
    """Cut every text output of a graded notebook to `max_chars` characters.

    nbgrader's ``LimitOutput`` counts lines, so one 100 MB line goes through
    whole into the autograded notebook and the feedback page.  This keeps the
    head of the text and says how much was cut.
    """

    max_chars = Integer(100_000, help="Most characters kept per output (-1: no limit).").tag(
        config=True
    )

    def _cut(self, text: str) -> str:
        if self.max_chars < 0 or len(text) <= self.max_chars:
            return text
        note = _("... [output cut: {n} more characters]").format(n=len(text) - self.max_chars)
        return text[: self.max_chars] + "\n" + note + "\n"

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code":
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                text = output.get("text", "")
                output["text"] = self._cut("".join(text) if isinstance(text, list) else text)
            for key, value in output.get("data", {}).items():
                if key.startswith("text/") or key == "application/json":
                    joined = "".join(value) if isinstance(value, list) else value
                    if isinstance(joined, str):
                        output["data"][key] = self._cut(joined)
        return cell, resources
