"""convlab.grading.coursedir, and the extra that grading past one machine needs."""

from __future__ import annotations

import argparse
import importlib.util
import sys

import pytest

from convlab.grading import command, coursedir


def _course(tmp_path, lesson="01-x"):
    (tmp_path / "source" / lesson).mkdir(parents=True)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    return tmp_path


def test_course_lesson_names_what_is_missing(tmp_path):
    with pytest.raises(ValueError, match="no nbgrader_config.py"):
        coursedir.course_lesson(tmp_path, "01-x")
    course = _course(tmp_path)
    assert coursedir.course_lesson(course, "01-x") == course.resolve()
    with pytest.raises(ValueError, match="no lesson '02-y'.*lessons: 01-x"):
        coursedir.course_lesson(course, "02-y")


def test_course_from_args_order(tmp_path, monkeypatch):
    def args(course_dir=None, lang=None):
        return argparse.Namespace(course_dir=course_dir, lang=lang)

    root = coursedir.repo_root()
    assert (root / "convlab" / "grading" / "coursedir.py").is_file()
    assert coursedir.course_from_args(args(course_dir=str(tmp_path))) == tmp_path
    assert coursedir.course_from_args(args(lang="es")) == root / "course" / "es"
    monkeypatch.chdir(_course(tmp_path))
    assert coursedir.course_from_args(args()) == tmp_path
    monkeypatch.chdir(tmp_path / "source")
    assert coursedir.course_from_args(args()) == root / "course" / "en"


def test_sqlite_is_told_from_other_gradebooks():
    assert coursedir.is_sqlite("sqlite:///x.db?timeout=120")
    assert coursedir.is_sqlite("sqlite+pysqlite:///x.db")
    assert not coursedir.is_sqlite("postgresql://grader@db/x")


def test_a_postgresql_gradebook_without_its_driver_names_the_extra(tmp_path, monkeypatch):
    course = _course(tmp_path)
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a)
    )
    with pytest.raises(ValueError, match=r"psycopg.*'grading-scale' extra"):
        coursedir.resolve_db_url(course, "postgresql+psycopg://grader@db/x")
    # SQLite needs no extra.
    assert coursedir.resolve_db_url(course).startswith("sqlite:///")


def test_a_scheduler_without_dask_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    outcomes = command._run_dask(tmp_path, "01-x", ["s"], "tcp://h:8786", "sqlite:///x", "none")
    with pytest.raises(ValueError, match=r"Dask distributed.*'grading-scale' extra"):
        next(outcomes)
