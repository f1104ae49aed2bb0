"""Course-building tooling: single-source lessons -> nbgrader course directories.

- :mod:`convlab.build.lessons` reads the jupytext MyST sources.
- :mod:`convlab.build.catalogs` extracts, updates and checks the gettext
  catalogs of the lessons (one per lesson and language).
- :mod:`convlab.build.notebooks` renders one lesson in one language as an
  nbgrader *source* notebook.
- :mod:`convlab.build.course` writes the per-language course directories and
  runs nbgrader's own ``generate_assignment`` for the release notebooks.
"""
