"""What a student gets back after grading: nbgrader's feedback page, for the student.

:class:`StudentFeedback` runs in ``nbgrader generate_feedback`` (after
``GetGrades``; ``c.GenerateFeedback.preprocessors`` in the generated
``nbgrader_config.py``) and, with the ``feedback`` template
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
- **small**: a figure the lesson's reference solution drew the same (timed
  and recorded once per assignment by ``convlab grade``) is a one-line note,
  not the picture again: the student has it in the lesson, and the figures
  their own code changed stay; no Bootstrap (117 kB of CSS in nbgrader's page; the template has
  the few rules it needs), and figures are re-encoded (at most :data:`MAX_WIDTH` pixels wide,
  a 256-colour palette when that is smaller), which keeps what a figure shows
  and is most of the page's weight.

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

import base64
import copy
import html
import io
import re
from pathlib import Path

from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells
from traitlets import Integer

from ..i18n import get_language, set_language
from ..i18n import gettext as _

__all__ = [
    "StudentFeedback",
    "FeedbackExporter",
    "TEMPLATES",
    "LABELS",
    "shrink_png",
    "figure_digest",
]

#: The folder of the ``feedback`` template (``c.HTMLExporter.extra_template_basedirs``).
TEMPLATES = Path(__file__).parent / "templates"

#: A widget's output (it needs a live kernel; its other outputs are its static picture).
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

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


def shrink_png(data: bytes, max_width: int) -> tuple[str, bytes]:
    """A figure at most `max_width` pixels wide, in its smallest faithful encoding.

    Returns ``(mimetype, data)``: the PNG as it was, a 256-colour palette PNG
    (plots, pixel art: exact colours, small), or, for photographs only, a JPEG
    (quality 85) when it is less than half the palette PNG — a plot or pixel
    art never is, so their edges never get JPEG's artefacts.
    """
    from PIL import Image

    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        image: Image.Image = opened
        if image.width > max_width:
            height = max(1, round(image.height * max_width / image.width))
            image = image.resize((max_width, height), Image.Resampling.LANCZOS)
        best = ("image/png", data)
        for converted in _palette(image):
            out = io.BytesIO()
            converted.save(out, format="PNG", optimize=True)
            if len(out.getvalue()) < len(best[1]):
                best = ("image/png", out.getvalue())
        opaque = image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255
        if image.mode in ("RGB", "L") or opaque:
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            if len(out.getvalue()) < len(best[1]) / 2:
                best = ("image/jpeg", out.getvalue())
    return best


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


#: The note nbgrader's OverwriteCells writes at the top of a cell it put back (its
#: ``missing_cell_notification``, English), "# "-commented in a code cell: matched
#: from nbgrader's own default text, with the cell's id in place of ``{cell_id}``.
_RESTORED = re.compile(
    "(?P<comment># )?"
    + re.escape(OverwriteCells.class_traits()["missing_cell_notification"].default_value).replace(
        re.escape("{cell_id}"), "(?P<id>[^)]*)"
    )
)


class StudentFeedback(NbGraderPreprocessor):
    """Localize, hide the hidden tests and shrink the figures of a feedback page."""

    max_width = Integer(
        720, help="Figures wider than this many pixels are scaled down in the feedback page."
    ).tag(config=True)

    def _reference_figures(self, resources) -> set[str]:
        """The figure digests of the reference run of this notebook (empty if unknown)."""
        import json

        info = resources.get("nbgrader", {})
        root = Path(self.config.get("CourseDirectory", {}).get("root") or ".")
        path = root / ".convlab" / "reference" / f"{info.get('assignment', '')}.json"
        try:
            figures = json.loads(path.read_text(encoding="utf-8")).get("figures", {})
            return set(figures.get(info.get("notebook", ""), []))
        except (OSError, ValueError, AttributeError):
            return set()

    def preprocess(self, nb, resources):
        language = nb.metadata.get("convlab", {}).get("language") or "en"
        self._same = self._reference_figures(resources)
        before = get_language()
        try:
            set_language(language)
        except ValueError:
            set_language("en")
        nb.metadata.pop(
            "widgets", None
        )  # the widgets' saved state: tens of kB, no kernel to use it
        try:
            resources.setdefault("convlab", {})["labels"] = {k: f() for k, f in LABELS.items()}
            resources["convlab"]["language"] = language
            nb, resources = super().preprocess(nb, resources)
        finally:
            set_language(before)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        restored = _RESTORED.match(cell.source)
        if restored:  # nbgrader's English note on a cell it put back
            note = _(
                "This cell (id:{cell_id}) was missing from your submission: it was put back "
                "as it was given, and graded."
            ).format(cell_id=restored["id"])
            cell.source = f"{restored['comment'] or ''}{note}\n\n" + cell.source[restored.end() :]
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
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "CheckFailed":
                # The check's message says it all, in the student's language; the
                # Python traceback around it is noise (and English).
                output["traceback"] = str(output.get("evalue", "")).splitlines()
            elif output.get("ename") == "AssertionError" and not str(output.get("evalue", "")):
                # A lesson cell's bare `assert` (a claim of the lesson, checked with the
                # student's functions) failed: say so, above the line that failed.
                note = _(
                    "This cell checks a claim of the lesson with your functions, and the claim "
                    "did not hold: look again at your answers above it."
                )
                output["evalue"] = note
                output["traceback"] = [note, *output.get("traceback", [])]
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            # A widget needs a kernel: the page shows its static picture (or text) instead.
            data.pop(WIDGET_VIEW, None)
            if "image/png" in data and figure_digest(data["image/png"]) in self._same:
                data.clear()
                data["text/html"] = "<p><i>{}</i></p>".format(
                    html.escape(
                        _(
                            "(This figure is the same as the one the lesson's solution draws: it is not repeated here.)"
                        )
                    )
                )
                output.get("metadata", {}).clear()
            if "image/png" in data:
                raw = base64.b64decode(data["image/png"])
                try:
                    mimetype, small = shrink_png(raw, self.max_width)
                except Exception:  # noqa: BLE001 - a figure that cannot be re-encoded stays as it is
                    continue
                del data["image/png"]
                data[mimetype] = base64.b64encode(small).decode("ascii")
                # its width and height were those of the old image
                output.get("metadata", {}).pop("image/png", None)
        return cell, resources


class _CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in this process's memory (keyed by name and source)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored when the source has changed

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTML exporter, compiling the feedback templates once per process.

    nbgrader makes a new exporter, hence a new Jinja environment, for every
    feedback page, which compiled the page's 27 templates again each time (about
    a quarter of the page's time).  The grading worker uses this one
    (``c.GenerateFeedback.exporter_class``); the page is the same.
    """

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _COMPILED
        return environment


def figure_digest(data) -> str:
    """SHA-256 of a PNG output's base64 text as stored (what the reference run records)."""
    import hashlib

    text = "".join(data) if isinstance(data, list) else data
    return hashlib.sha256(text.strip().encode()).hexdigest()


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
