"""The language of student-facing text follows the course directory a notebook runs in."""

from __future__ import annotations

import pytest

from convlab import i18n


@pytest.mark.parametrize("language", ["en", "es", "ja"])
def test_detect_language_reads_the_nearest_course_directory(tmp_path, monkeypatch, language):
    monkeypatch.delenv("CONVLAB_LANG", raising=False)
    (tmp_path / "nbgrader_config.py").write_text(
        f'c.CourseDirectory.course_id = "convlab-{language}"\n'
    )
    lesson = tmp_path / "autograded" / "student" / "02-convolution"
    lesson.mkdir(parents=True)
    assert i18n.detect_language(lesson) == language


def test_detect_language_defaults_to_english_and_ignores_unknown_courses(tmp_path, monkeypatch):
    monkeypatch.delenv("CONVLAB_LANG", raising=False)
    assert i18n.detect_language(tmp_path) == "en"
    (tmp_path / "nbgrader_config.py").write_text('c.CourseDirectory.course_id = "convlab-xx"\n')
    assert i18n.detect_language(tmp_path) == "en"


def test_environment_variable_wins(tmp_path, monkeypatch):
    (tmp_path / "nbgrader_config.py").write_text('c.CourseDirectory.course_id = "convlab-ja"\n')
    monkeypatch.setenv("CONVLAB_LANG", "es")
    assert i18n.detect_language(tmp_path) == "es"
