"""The nbgrader course directory that grading works in: which one, which lesson, which gradebook.

One place for what ``convlab grade``, ``convlab report``, the grading workers
and the course build all need to know about a course directory
(``course/<lang>/``):

- :func:`repo_root`: the repository (the folder holding ``course/`` and ``convlab/``);
- :func:`course_from_args`: the course directory a command line names;
- :func:`course_lesson`: a course directory checked to hold a lesson;
- :func:`resolve_db_url`: the gradebook (``--db``, else the course's
  configuration, else SQLite in the course);
- :func:`nbgrader_env`: the environment nbgrader's commands run in.

It imports nothing from the rest of ``convlab``, so every module of
``convlab.grading`` and ``convlab.coursebuild`` can import it without a circle.

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

__all__ = [
    "nbgrader_env",
    "default_db_url",
    "configured_db_url",
    "resolve_db_url",
    "is_sqlite",
    "course_lesson",
    "course_from_args",
    "repo_root",
    "GRADING_SCALE_EXTRA",
    "reference_path",
]

#: The pip extra with the packages for grading past one machine (PostgreSQL, Dask).
GRADING_SCALE_EXTRA = "grading-scale"


def nbgrader_env() -> dict[str, str]:
    """Environment for nbgrader: this interpreter's scripts first on PATH
    (nbgrader runs `alembic` from PATH), TensorFlow's C++ logs silenced."""
    bindir = str(Path(sys.executable).parent)
    return dict(
        os.environ,
        PATH=os.pathsep.join([bindir, os.environ.get("PATH", "")]),
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONWARNINGS="ignore",
    )


def default_db_url(course: Path) -> str:
    """SQLite ``gradebook.db`` in `course`; a lock held by another worker is waited for up to 120 s."""
    return f"sqlite:///{course / 'gradebook.db'}?timeout=120"


def configured_db_url(course: Path) -> str | None:
    """``c.CourseDirectory.db_url`` from the course's ``nbgrader_config.py``, if it sets one."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    if "CourseDirectory" in config and "db_url" in config.CourseDirectory:
        return str(config.CourseDirectory.db_url) or None
    return None


def is_sqlite(db_url: str) -> bool:
    """Whether `db_url` names a SQLite database (``sqlite://`` or ``sqlite+driver://``)."""
    return _dialect(db_url) == "sqlite"


def _dialect(db_url: str) -> str:
    return db_url.split(":", 1)[0].split("+", 1)[0]


def resolve_db_url(course: Path, db_url: str | None = None) -> str:
    """The gradebook to use: `db_url` (``--db``), else the course configuration's
    ``db_url``, else SQLite ``gradebook.db`` in the course (never overriding a configured one).

    Raises
    ------
    ValueError
        If the gradebook is PostgreSQL and its driver (psycopg, in the
        ``grading-scale`` extra) is not installed.
    """
    url = db_url or configured_db_url(course) or default_db_url(course)
    if _dialect(url) == "postgresql" and importlib.util.find_spec("psycopg") is None:
        raise ValueError(
            f"a PostgreSQL gradebook needs the psycopg driver, which is not installed: "
            f"install the {GRADING_SCALE_EXTRA!r} extra (pip install -e "
            f"'.[{GRADING_SCALE_EXTRA}]' in the convlab repository)"
        )
    return url


def course_lesson(course: Path, lesson: str) -> Path:
    """`course` resolved, after checking it is an nbgrader course directory with `lesson`.

    Raises ValueError saying what is missing (and which lessons there are).
    """
    course = Path(course).resolve()
    if not (course / "nbgrader_config.py").exists():
        raise ValueError(f"{course} is not an nbgrader course directory (no nbgrader_config.py)")
    if not (course / "source" / lesson).is_dir():
        known = sorted(p.name for p in (course / "source").glob("*") if p.is_dir())
        raise ValueError(
            f"no lesson {lesson!r} in {course / 'source'}; lessons: {', '.join(known)}"
        )
    return course


def repo_root() -> Path:
    """The repository root (the folder holding ``course/`` and ``convlab/``)."""
    return Path(__file__).resolve().parents[2]


def course_from_args(args: argparse.Namespace) -> Path:
    """``--course-dir``, else ``course/<--lang>``, else the course directory we are in, else en."""
    if args.course_dir:
        return Path(args.course_dir)
    if args.lang:
        return repo_root() / "course" / str(args.lang)
    if (Path.cwd() / "nbgrader_config.py").exists():
        return Path.cwd()
    return repo_root() / "course" / "en"


def reference_path(course: Path, lesson: str) -> Path:
    """Where ``convlab grade`` keeps the lesson's reference run (time, figure digests)."""
    return Path(course) / ".convlab" / "reference" / f"{lesson}.json"
