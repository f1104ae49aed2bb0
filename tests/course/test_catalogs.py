"""Translation catalogs: complete for shipped languages; stale English goes fuzzy."""

from __future__ import annotations

import polib
import pytest

from convlab.build import catalogs
from convlab.build.course import build
from convlab.build.lessons import discover
from convlab.build.notebooks import TranslationError
from convlab.i18n import LANGUAGES

from .conftest import LESSONS, ROOT


def test_every_shipped_language_has_every_message_translated():
    problems = catalogs.check(LESSONS, [x for x in LANGUAGES if x != "en"], ROOT)
    assert problems == [], "\n".join(map(str, problems))


def test_catalogs_are_up_to_date_with_the_lessons(language):
    """`convlab i18n update` would not change a committed catalog."""
    if language == "en":
        pytest.skip("English is the source")
    for lesson in LESSONS:
        po = polib.pofile(str(catalogs.catalog_path(lesson, language, ROOT)))
        active = {e.msgid for e in po if not e.obsolete}
        assert active == {m for _, m in lesson.messages()}, lesson.slug


def _translate_all(root, language, prefix):
    lesson = discover(root)[0]
    path = catalogs.catalog_path(lesson, language, root)
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = f"{prefix} {entry.msgid}"
    po.save(str(path))
    return path


def test_new_language_starts_untranslated_and_is_reported_by_lesson_and_message(tmp_course):
    lessons = discover(tmp_course)
    catalogs.update(lessons, ["es"], tmp_course)
    problems = catalogs.check(lessons, ["es"], tmp_course)
    assert [(p.language, p.lesson, p.kind) for p in problems] == [
        ("es", "00-smoke", "untranslated")
    ] * 2
    assert "00-smoke" in str(problems[0]) and "Smoke test" in str(problems[0])


def test_changed_english_marks_translation_fuzzy_and_fails_the_build(tmp_course):
    catalogs.update(discover(tmp_course), ["es"], tmp_course)
    _translate_all(tmp_course, "es", "ES:")
    assert catalogs.check(discover(tmp_course), ["es"], tmp_course) == []

    source = tmp_course / "course" / "lessons" / "00-smoke.md"
    source.write_text(
        source.read_text().replace("A second paragraph.", "A second, longer paragraph.")
    )
    lessons = discover(tmp_course)
    catalogs.update(lessons, ["es"], tmp_course)

    problems = catalogs.check(lessons, ["es"], tmp_course)
    assert [(p.kind, p.msgid) for p in problems] == [("fuzzy", "A second, longer paragraph.")]
    po = polib.pofile(str(catalogs.catalog_path(lessons[0], "es", tmp_course)))
    fuzzy = po.find("A second, longer paragraph.")
    assert fuzzy.msgstr == "ES: A second paragraph." and "fuzzy" in fuzzy.flags

    with pytest.raises(TranslationError, match=r"es: 00-smoke: fuzzy message: 'A second, longer"):
        build(["es"], root=tmp_course)


def test_update_is_idempotent(tmp_course):
    lessons = discover(tmp_course)
    assert catalogs.update(lessons, ["es", "ja"], tmp_course)
    assert catalogs.update(lessons, ["es", "ja"], tmp_course) == []
