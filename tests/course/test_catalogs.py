"""Translation catalogs: complete for shipped languages; stale English goes fuzzy."""

from __future__ import annotations

import polib
import pytest

from convlab.coursebuild import catalogs
from convlab.coursebuild.course import build
from convlab.coursebuild.lessons import discover
from convlab.coursebuild.notebooks import TranslationError

from .conftest import LANGUAGES, LESSONS, ROOT


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
        wanted = {m for _, m in lesson.messages()} | {m.msgid for m in lesson.code_messages()}
        wanted |= {t.msgid for t in lesson.code_texts()}
        assert active == wanted, lesson.slug


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
    ] * 6  # 2 markdown cells, 2 tr() strings, 2 test-cell docstrings
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
    assert fuzzy.previous_msgid == "A second paragraph."  # "#| msgid" for PO editors
    # ... and it survives the next update (Babel alone would drop it).
    catalogs.update(lessons, ["es"], tmp_course)
    po = polib.pofile(str(catalogs.catalog_path(lessons[0], "es", tmp_course)))
    assert po.find("A second, longer paragraph.").previous_msgid == "A second paragraph."

    with pytest.raises(TranslationError, match=r"es: 00-smoke: fuzzy message: 'A second, longer"):
        build(["es"], root=tmp_course)


def test_update_is_idempotent(tmp_course):
    lessons = discover(tmp_course)
    assert catalogs.update(lessons, ["es", "ja"], tmp_course)
    assert catalogs.update(lessons, ["es", "ja"], tmp_course) == []


def test_code_strings_are_extracted_with_context_for_translators(tmp_course):
    lesson = discover(tmp_course)[0]
    pot = catalogs.template(lesson)
    wrapped = pot.get("pixels that wrapped:")
    assert wrapped is not None and wrapped.locations[0][0] == "course/lessons/00-smoke.md"
    line = wrapped.locations[0][1]
    text = (tmp_course / "course" / "lessons" / "00-smoke.md").read_text().splitlines()
    assert 'tr("pixels that wrapped:")' in text[line - 1], "the reference points at the code"
    assert "a count of pixels follows." in wrapped.auto_comments
    assert any(c.startswith("code: print(tr(") for c in wrapped.auto_comments)
    braces = pot.get("{n} of {total} agree")
    assert "python-brace-format" in braces.flags
    assert any("{n}, {total}" in c for c in braces.auto_comments)
    assert "python-brace-format" not in wrapped.flags


def test_translated_code_strings_travel_in_the_notebook_metadata(tmp_course):
    from convlab.coursebuild.notebooks import render

    lessons = discover(tmp_course)
    catalogs.update(lessons, ["es"], tmp_course)
    _translate_all(tmp_course, "es", "ES:")
    nb = render(lessons[0], "es", catalogs.translations(lessons[0], "es", tmp_course))
    assert nb.metadata["convlab"]["language"] == "es"
    assert nb.metadata["convlab"]["messages"] == {
        "pixels that wrapped:": "ES: pixels that wrapped:",
        "{n} of {total} agree": "ES: {n} of {total} agree",
    }
    english = render(lessons[0], "en", catalogs.translations(lessons[0], "en", tmp_course))
    assert english.metadata["convlab"]["messages"] == {}
    from convlab.coursebuild.comments import code_tokens

    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert [code_tokens(c) for c in code] == [
        code_tokens(c.source) for c in english.cells if c.cell_type == "code"
    ]
    assert "# ES: Check that add_one adds one." in code[3]


def test_placeholders_must_survive_translation(tmp_course):
    lessons = discover(tmp_course)
    catalogs.update(lessons, ["es"], tmp_course)
    path = _translate_all(tmp_course, "es", "ES:")
    po = polib.pofile(str(path))
    po.find("{n} of {total} agree").msgstr = "{n} de {todos} coinciden"
    po.save(str(path))
    problems = catalogs.check(lessons, ["es"], tmp_course)
    assert [(p.kind, p.msgid) for p in problems] == [
        ("placeholders differ", "{n} of {total} agree")
    ]


def test_tr_takes_only_literals(tmp_course):
    from convlab.coursebuild.lessons import LessonError

    path = tmp_course / "course" / "lessons" / "00-smoke.md"
    path.write_text(path.read_text().replace('tr("pixels that wrapped:")', 'tr(f"{x} wrapped")'))
    with pytest.raises(LessonError, match="literal"):
        discover(tmp_course)[0].code_messages()


def test_comments_and_docstrings_are_extracted_with_where_they_sit(tmp_course):
    path = tmp_course / "course" / "lessons" / "00-smoke.md"
    path.write_text(
        path.read_text().replace(
            "def add_one(x):\n",
            'def add_one(x):\n    """Return x plus one."""\n    # the answer\n',
        )
    )
    pot = catalogs.template(discover(tmp_course)[0])
    spec = pot.get("Return x plus one.")
    assert spec is not None and "docstring of: def add_one(x):" in spec.auto_comments[0]
    assert "specification" in spec.auto_comments[0]
    assert any("no triple quotes" in c for c in spec.auto_comments)
    check = pot.get("Check that add_one adds one.")
    assert "test cell 'add_one_public'" in check.auto_comments[0]
    assert pot.get("the answer").auto_comments[0] == "code comment above: return x + 1"
    assert pot.get("BEGIN SOLUTION") is None and pot.get("### BEGIN SOLUTION") is None
    assert pot.get("a count of pixels follows.") is None  # a TRANSLATORS note, not a message


def test_a_docstring_translation_with_triple_quotes_is_reported(tmp_course):
    lessons = discover(tmp_course)
    catalogs.update(lessons, ["es"], tmp_course)
    path = _translate_all(tmp_course, "es", "ES:")
    po = polib.pofile(str(path))
    po.find("Check that add_one adds one.").msgstr = 'Comprueba """add_one"""'
    po.save(str(path))
    problems = catalogs.check(lessons, ["es"], tmp_course)
    assert [p.msgid for p in problems] == ["Check that add_one adds one."]
    assert "triple quotes" in problems[0].kind


def test_a_preview_marks_untranslated_comments_and_docstrings(tmp_course):
    from convlab.coursebuild.notebooks import TEXT_PREVIEW_MARK, render

    lesson = discover(tmp_course)[0]
    nb = render(lesson, "es", {}, preview=True)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[3].startswith("# " + TEXT_PREVIEW_MARK + "Check that add_one adds one.")
    with pytest.raises(TranslationError, match="Check that add_one adds one"):
        render(lesson, "es", {})
