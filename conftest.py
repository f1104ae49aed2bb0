"""Repository-wide pytest configuration.

`make test` runs with ``--dist loadscope``: nbval turns each notebook cell
into a test item, and the cells of one notebook must run in order in one
kernel, so a notebook is one scope (one worker); test classes are scopes too,
which is how slow end-to-end tests spread over the workers.
(``--dist loadgroup`` would be the natural tool, but pytest 9.2 no longer
lets pytest-xdist rename node ids, so its groups are ignored.)
"""

from __future__ import annotations

import os

#: nbval's one execution of each notebook also serves the student-language scan,
#: and the run's notebook executions are counted (tests/notebook_runs.py).
pytest_plugins = ["tests.notebook_runs"]

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
# Tests (and notebooks' kernels) import TensorFlow directly too: the same oneDNN
# setting as convlab.tf, whatever the CPU (see convlab/tf.py, _tf).
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


def pytest_collection_modifyitems(config, items):
    """Markers by what a test needs, so that ``-m`` selects (``make test-fast``: ``not slow``).

    - ``notebooks``: nbval's cells and the student-language items (executed notebooks);
    - ``grading``: tests/grading (nbgrader, kernels, sandboxes);
    - ``browser``: tests/browser (JupyterLab in Chromium);
    - ``postgres``: tests that use the ``postgres`` server fixture;
    - ``tensorflow``: marked in the test files (``*_tf.py``, TensorFlow's slow import);
    - ``slow``: any of notebooks, grading, browser, postgres, and the course-build tests
      (tests/course, which build courses and run nbgrader): everything ``make test-fast``
      leaves out.
    """
    import pytest

    root = config.rootpath
    for item in items:
        parts = item.path.relative_to(root).parts if item.path.is_relative_to(root) else ()
        kinds = set()
        if type(item).__name__ in ("IPyNbCell", "StudentLanguage"):
            kinds.add("notebooks")
        if parts[:2] == ("tests", "grading"):
            kinds.add("grading")
        if parts[:2] == ("tests", "browser"):
            kinds.add("browser")
        if "postgres" in getattr(item, "fixturenames", ()):
            kinds.add("postgres")
        kinds |= {m.name for m in item.iter_markers() if m.name in ("notebooks", "grading")}
        if kinds or parts[:2] == ("tests", "course"):
            kinds.add("slow")
        for kind in sorted(kinds):
            item.add_marker(getattr(pytest.mark, kind))
