"""One execution per notebook: nbval's, shared with the tests that need an executed lesson.

A pytest plugin (loaded by the repository's conftest.py).  ``make test`` runs
nbval over every built source notebook (``course/<lang>/source``): each code
cell is an item, run in order in one kernel per notebook.  This plugin makes
that single execution serve the student-language scan as well:

- after the setup cell of a Spanish or Japanese notebook, it runs
  :data:`RECORDER` in the notebook's kernel: every figure drawn records its
  texts (titles, labels, legends, tick labels), and Matplotlib's "Glyph ...
  missing" warning becomes an error (a cell error, so nbval fails);
- it keeps the outputs nbval read for each cell (``IPyNbCell.test_outputs``);
- after the notebook's last cell it adds one item, ``student-language``, in
  the same scope (same xdist worker, same kernel, before nbval stops it): it
  runs :data:`REPORT` in the kernel (the figure texts and the labels of every
  widget created) and fails on any line a student would read that leaks
  English, a boolean, an English multiplier, an object repr or a method id
  (the rules: tests/course/english.py).

It also counts the notebook executions of the run, by kind, and prints them
at the end (``notebook executions: nbval 33, grading 13 submissions, other 0``),
summed over xdist's workers.  nbval's are counted here; a test that executes a
notebook some other way calls :func:`count_execution`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

#: Counts of this process's notebook executions by kind (see count_execution).
EXECUTIONS: Counter[str] = Counter()

#: The order of the kinds in the summary line.
KINDS = ("nbval", "grading", "other")


def count_execution(kind: str = "other", n: int = 1) -> None:
    """Count `n` notebook executions of `kind` ("nbval", "grading" (submissions), "other")."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    EXECUTIONS[kind] += n


RECORDER = r"""
# Added by tests/notebook_runs.py: record figure text; a missing glyph is an error.
import warnings as _warnings

import matplotlib as _mpl
from matplotlib.figure import Figure as _Figure

_warnings.filterwarnings("error", message=r"Glyph .* missing from (current )?font")
_convlab_texts = []
_convlab_draw = _Figure.draw


def _convlab_recording_draw(self, renderer):
    result = _convlab_draw(self, renderer)
    for text in self.findobj(_mpl.text.Text):
        if text.get_visible() and text.get_text().strip():
            # the kernel's execution count says which cell drew it (see _cell_of)
            _convlab_texts.append([get_ipython().execution_count, text.get_text()])
    return result


_Figure.draw = _convlab_recording_draw
"""

REPORT = r"""
# Added by tests/notebook_runs.py: report the recorded figure texts and the widget labels.
import json as _json

import ipywidgets as _widgets

_labels = []
for _w in list(_widgets.Widget.widgets.values()):
    _labels += [getattr(_w, "description", "") or ""]
    _labels += [str(x) for x in getattr(_w, "_options_labels", ())]
print("CONVLAB-REPORT " + _json.dumps({"texts": _convlab_texts, "widgets": _labels}))
"""

_SOURCE = re.compile(r"course/(?P<language>[^/]+)/source/(?P<slug>[^/]+)/(?P=slug)\.ipynb$")


def _lesson(path: Path) -> tuple[str, str] | None:
    """(language, slug) of a built source notebook of a translated language, else None."""
    match = _SOURCE.search(path.as_posix())
    if match is None or match["language"] == "en":
        return None
    return match["language"], match["slug"]


def _ends_with_semicolon(source: str) -> bool:
    """Whether the last code line of a cell ends with ';' (Jupyter then shows no result)."""
    lines = [line.split("#", 1)[0].rstrip() for line in source.splitlines()]
    code = [line for line in lines if line]
    return bool(code) and code[-1].endswith(";")


def _is_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and type(item.parent).__name__ == "IPyNbFile"


def run_in_kernel(kernel, code: str, timeout: float = 120) -> list[dict]:
    """Execute `code` in nbval's `kernel`; its outputs (stream and display messages' content)."""
    msg_id = kernel.execute_cell_input(code, allow_stdin=False)
    kernel.await_reply(msg_id, timeout=timeout)
    outputs = []
    while True:
        msg = kernel.get_message("iopub", timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return outputs
        if kind == "error":
            raise RuntimeError(f"{content['ename']}: {content['evalue']}")
        if kind in ("stream", "display_data", "execute_result"):
            outputs.append({"output_type": kind, **content})


def student_lines(outputs: list[dict]) -> list[str]:
    """The lines a student reads in a cell's outputs.

    Printed text (stdout), markdown, HTML (tags removed) and the plain text of a
    result that is nothing else (``True`` at the end of a cell); not stderr
    (warnings), nor the plain-text stand-ins of figures and widgets.
    """
    lines: list[str] = []
    for output in outputs:
        if output.get("output_type") == "stream":
            if output.get("name") == "stdout":
                lines += output["text"].splitlines()
            continue
        data = output.get("data", {})
        if "text/markdown" in data:
            lines += data["text/markdown"].splitlines()
        elif "text/html" in data:
            lines += re.sub(r"<[^>]+>", " ", data["text/html"]).splitlines()
        elif output.get("output_type") == "execute_result" and set(data) == {"text/plain"}:
            lines += data["text/plain"].splitlines()
    return lines


def _cell_of(execution_count: int | None) -> int | None:
    """nbval's cell number of a kernel execution count: cell 0 ran first, then RECORDER."""
    if execution_count is None or execution_count < 3:
        return None
    return execution_count - 2


class StudentLanguage(pytest.Item):
    """Every line a student reads in an executed notebook is in the student's language."""

    def __init__(self, *, language: str, slug: str, **kwargs):
        super().__init__(**kwargs)
        self.language, self.slug = language, slug
        self.add_marker(pytest.mark.notebooks)
        self.add_marker(pytest.mark.slow)

    def runtest(self) -> None:
        from tests.course.english import code_names, leaks

        notebook = self.parent
        runs = getattr(notebook, "convlab_outputs", {})
        error = getattr(notebook, "convlab_recorder_error", None)
        if error is not None:
            pytest.fail(f"the figure recorder could not be installed: {error}")
        if not runs or notebook.kernel is None or not notebook.kernel.is_alive():
            pytest.fail("the notebook's kernel did not run or died: nothing to scan")
        printed = [(n, line) for n in sorted(runs) for line in student_lines(runs[n])]
        report = {}
        for line in student_lines(run_in_kernel(notebook.kernel, REPORT)):
            if line.startswith("CONVLAB-REPORT "):
                report = json.loads(line[len("CONVLAB-REPORT ") :])
        if not report:
            pytest.fail("the figure recorder was not installed (did the setup cell fail?)")
        code = code_names(self.slug)
        found = []
        figures = [(_cell_of(count), text) for count, text in report["texts"]]
        for kind, texts in (
            ("printed", printed),
            ("figure", figures),
            ("widget", [(None, label) for label in report["widgets"]]),
        ):
            for cell, text in texts:
                where = kind if cell is None else f"{kind}, Cell {cell}"
                for line in text.splitlines():
                    words = leaks(self.language, line, code)
                    if words:
                        found.append(f"{where}: {line!r} -> {words}")
        if found:
            pytest.fail(
                f"{self.language}/{self.slug}: what a student would read and should not:\n"
                + "\n".join(found),
                pytrace=False,
            )

    def reportinfo(self):
        return self.path, None, f"{self.language}/{self.slug}: student-language"


def pytest_collection_modifyitems(session, config, items):
    """After the last cell of each translated source notebook, its student-language item."""
    result, last = [], {}
    for item in items:
        if _is_cell(item) and _lesson(item.parent.path):
            last[item.parent] = item
    for item in items:
        result.append(item)
        if last.get(getattr(item, "parent", None)) is item:
            language, slug = _lesson(item.parent.path)
            result.append(
                StudentLanguage.from_parent(
                    item.parent, name="student-language", language=language, slug=slug
                )
            )
    items[:] = result


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    outcome = yield
    if not _is_cell(item):
        return
    notebook = item.parent
    if item.cell_num == 0:
        count_execution("nbval")
        if _lesson(notebook.path) and notebook.kernel is not None and notebook.kernel.is_alive():
            try:
                run_in_kernel(notebook.kernel, RECORDER)
            except Exception as error:  # reported by the student-language item
                notebook.convlab_recorder_error = error
    if item.test_outputs is not None:
        outputs = item.test_outputs
        if _ends_with_semicolon(item.cell.source):
            # Jupyter shows no result for a cell whose last line ends with ';'. nbval
            # runs cells with store_history=False, so IPython's check reads another
            # cell's source and the result (a Legend repr, say) comes through: drop it,
            # as the student's notebook does.
            outputs = [o for o in outputs if o.get("output_type") != "execute_result"]
        notebook.__dict__.setdefault("convlab_outputs", {})[item.cell_num] = outputs
    del outcome


def pytest_configure(config):
    from nbclient import NotebookClient

    if not getattr(NotebookClient.execute, "_convlab_counted", False):
        execute = NotebookClient.execute

        def counted_execute(self, *args, **kwargs):
            count_execution("other")
            return execute(self, *args, **kwargs)

        counted_execute._convlab_counted = True
        NotebookClient.execute = counted_execute


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the counts to the controller
        workeroutput["convlab_executions"] = dict(EXECUTIONS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    EXECUTIONS.update(getattr(node, "workeroutput", {}).get("convlab_executions", {}))


def pytest_terminal_summary(terminalreporter, config):
    if getattr(config, "workerinput", None) is not None:
        return
    counts = EXECUTIONS
    terminalreporter.write_line(
        f"notebook executions: nbval {counts['nbval']}, "
        f"grading {counts['grading']} submissions, other {counts['other']}"
    )
