"""Fixtures for the course pipeline tests."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from convlab.coursebuild.catalogs import languages
from convlab.coursebuild.lessons import discover, repo_root

ROOT = repo_root()
LESSONS = discover(ROOT)
SLUGS = [lesson.slug for lesson in LESSONS]
#: The course's languages: English plus those with catalogs under course/locales.
LANGUAGES = languages(ROOT)


def built_notebook(language: str, part: str, slug: str) -> nbformat.NotebookNode:
    path = ROOT / "course" / language / part / slug / f"{slug}.ipynb"
    return nbformat.read(path, as_version=4)


@pytest.fixture(params=LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture(params=SLUGS)
def slug(request) -> str:
    return request.param


@pytest.fixture
def tmp_course(tmp_path: Path) -> Path:
    """A scratch repository root holding one small lesson."""
    lessons = tmp_path / "course" / "lessons"
    lessons.mkdir(parents=True)
    (lessons / "00-smoke.md").write_text(SMOKE_LESSON, encoding="utf-8")
    return tmp_path


SMOKE_LESSON = '''\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
convlab:
  title: Smoke
  tensorflow: false
---

# Smoke test

A first paragraph.

+++

A second paragraph.

```{code-cell} ipython3
# TRANSLATORS: a count of pixels follows.
print(tr("pixels that wrapped:"), 3)
print(tr("{n} of {total} agree").format(n=1, total=2))
```

```{code-cell} ipython3
---
convlab: {role: solution, id: add_one}
---
def add_one(x):
    ### BEGIN SOLUTION
    return x + 1
    ### END SOLUTION
```

```{code-cell} ipython3
---
convlab: {role: tests, id: add_one_public, points: 1}
---
"""Check that add_one adds one."""
assert add_one(1) == 2
```

```{code-cell} ipython3
---
convlab: {role: tests, id: add_one_hidden, points: 2}
---
"""Check that add_one works on negative numbers."""
### BEGIN HIDDEN TESTS
assert add_one(-3) == -2
### END HIDDEN TESTS
```
'''
