"""Course-building tooling: single-source lessons -> nbgrader course directories.

- :mod:`convlab.coursebuild.lessons` reads the jupytext MyST sources.
- :mod:`convlab.coursebuild.catalogs` extracts, updates and checks the gettext
  catalogs of the lessons (one per lesson and language).
- :mod:`convlab.coursebuild.notebooks` renders one lesson in one language as an
  nbgrader *source* notebook.
- :mod:`convlab.coursebuild.course` writes the per-language course directories and
  runs nbgrader's own ``generate_assignment`` for the release notebooks.
"""
