"""nbgrader preprocessors of the grading pipeline (other than Execute).

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from ..i18n import gettext as _

__all__ = ["LimitOutputSize"]


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
