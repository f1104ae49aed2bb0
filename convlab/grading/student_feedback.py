"""What a student gets back after grading: nbgrader's feedback page, for the student.

:class:`StudentFeedback` runs in ``nbgrader generate_feedback`` (after
``GetGrades``; ``c.GenerateFeedback.preprocessors`` in the generated
``nbgrader_config.py``) and, with the ``convlab_feedback`` template
(``convlab/grading/templates/``), makes the page:

- **in the notebook's language**: nbgrader's labels (score, test cell, the
  student's answer, comments, late penalty) come from the library catalog;
- **without the hidden tests**: a hidden test cell shows its one-line
  docstring and a sentence saying its cases are not shown; its output keeps
  what failed and the diagnosis, never the inputs, the expected values or the
  seed (a student may resubmit: the hidden cases only stop hard-coding);
- **without the interrupt of a timed-out cell**: the localized time-out
  message says what happened; the English ``KeyboardInterrupt`` traceback
  that stopped the cell is dropped;
- **small**: figures are re-encoded (at most :data:`MAX_WIDTH` pixels wide,
  a 256-colour palette when that is smaller), which keeps what a figure shows
  and is most of the page's weight.

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

import base64
import copy
import io
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from ..i18n import get_language, set_language
from ..i18n import gettext as _

__all__ = ["StudentFeedback", "TEMPLATES", "LABELS", "shrink_png", "nbgrader_templates"]

#: The folder of the ``convlab_feedback`` template (``c.HTMLExporter.extra_template_basedirs``).
TEMPLATES = Path(__file__).parent / "templates"

#: Where a hidden test cell's code starts (nbgrader's marker).
HIDDEN_MARK = "### BEGIN HIDDEN TESTS"

#: The feedback page's labels, by the name the template uses.
LABELS = {
    "score": lambda: _("Score"),
    "top": lambda: _("top"),
    "test_cell": lambda: _("Test cell"),
    "hidden_tests": lambda: _("Hidden tests"),
    "answer": lambda: _("Your answer"),
    "comment": lambda: _("Comment"),
    "comments": lambda: _("Comments"),
    "late_penalty": lambda: _("Late submission penalty"),
}


def nbgrader_templates() -> str:
    """nbgrader's own template folder (its ``feedback`` template, which ours extends)."""
    import nbgrader

    return str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")


def shrink_png(data: bytes, max_width: int) -> bytes:
    """A PNG at most `max_width` pixels wide, as a 256-colour palette PNG when smaller."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if image.width > max_width:
            height = max(1, round(image.height * max_width / image.width))
            image = image.resize((max_width, height), Image.Resampling.LANCZOS)
        candidates = [data]
        for converted in _palette(image):
            out = io.BytesIO()
            converted.save(out, format="PNG", optimize=True)
            candidates.append(out.getvalue())
    return min(candidates, key=len)


def _palette(image):
    """The image as a palette image (transparency kept), and as it is if it was resized."""
    from PIL import Image

    if image.mode == "P":
        yield image
        return
    if image.mode in ("RGBA", "LA"):
        yield image.convert("RGBA").quantize(256, method=Image.Quantize.FASTOCTREE)
    else:
        yield image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)


class StudentFeedback(NbGraderPreprocessor):
    """Localize, hide the hidden tests and shrink the figures of a feedback page."""

    max_width = Integer(
        720, help="Figures wider than this many pixels are scaled down in the feedback page."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        language = nb.metadata.get("convlab", {}).get("language") or "en"
        before = get_language()
        try:
            set_language(language)
        except ValueError:
            set_language("en")
        try:
            resources.setdefault("convlab", {})["labels"] = {k: f() for k, f in LABELS.items()}
            nb, resources = super().preprocess(nb, resources)
        finally:
            set_language(before)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and HIDDEN_MARK in cell.source:
            cell.metadata["convlab_hidden"] = True
            head = cell.source.split(HIDDEN_MARK, 1)[0].rstrip()
            note = "# " + _(
                "Hidden tests: they ran when your work was graded; their cases are not shown."
            )
            cell.source = f"{head}\n{note}" if head else note
            cell.outputs = [_summary(o) for o in cell.outputs if o.get("output_type") == "error"]
        if any(o.get("ename") == "TimeoutError" for o in cell.get("outputs", [])):
            cell.outputs = [o for o in cell.outputs if o.get("ename") != "KeyboardInterrupt"]
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                raw = base64.b64decode(data["image/png"])
                try:
                    small = shrink_png(raw, self.max_width)
                except Exception:  # noqa: BLE001 - a figure that cannot be re-encoded stays as it is
                    continue
                data["image/png"] = base64.b64encode(small).decode("ascii")
                output.get("metadata", {}).pop(
                    "image/png", None
                )  # its width/height were the old size
        return cell, resources


def _summary(output):
    """A hidden test's error, without its cases: what failed and the diagnosis."""
    ename = str(output.get("ename", "Error"))
    lines = [line for line in str(output.get("evalue", "")).splitlines() if line.strip()]
    if ename == "CheckFailed" and lines:
        labels = tuple({_("Diagnosis:"), "Diagnosis:"})
        kept = [lines[0]] + [line for line in lines[1:] if line.strip().startswith(labels)]
    else:
        kept = lines[:1]
    evalue = "\n".join(kept)
    summary = copy.deepcopy(output)
    summary["evalue"] = evalue
    summary["traceback"] = [f"{ename}: {evalue}" if evalue else ename]
    return summary
