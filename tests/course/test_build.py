"""The built course directories: fresh, consistent across languages, nbgrader-valid."""

from __future__ import annotations

import re

import pytest

from convlab.coursebuild.course import check_stale
from convlab.coursebuild.lessons import LessonError, discover

from .conftest import LANGUAGES, LESSONS, ROOT, SLUGS, built_notebook


def test_built_notebooks_are_not_stale():
    """Rebuilding from course/lessons and course/locales reproduces every committed file."""
    stale = check_stale(list(LANGUAGES), root=ROOT)
    assert stale == [], "\n".join(stale)


def test_there_are_lessons():
    assert len(SLUGS) >= 3


def test_source_code_is_identical_across_languages_but_comments_and_docstrings(slug):
    """Every code cell, the generated setup cell included, has the same code in every
    language (tokens, comments and docstrings left out), and compiles."""
    from convlab.coursebuild.comments import _without_magics, code_tokens

    cells = {
        language: [
            c.source
            for c in built_notebook(language, "source", slug).cells
            if c.cell_type == "code"
        ]
        for language in LANGUAGES
    }
    assert "from convlab.i18n import tr" in cells["en"][0]
    assert "convlab.i18n.setup_notebook()" in cells["en"][0]
    english = [code_tokens(c) for c in cells["en"]]
    for language in LANGUAGES:
        assert [code_tokens(c) for c in cells[language]] == english, language
        for index, cell in enumerate(cells[language]):
            compile(_without_magics(cell), f"{language}/{slug} code cell {index}", "exec")


def test_rendered_code_cells_keep_the_code_and_translate_comments_and_docstrings(slug):
    """Rendered from the lesson and its catalogs (not the committed notebooks): the
    same code tokens as English, compiling, with every comment and docstring translated."""
    from convlab.coursebuild import catalogs
    from convlab.coursebuild.comments import _without_magics, code_tokens, extract
    from convlab.coursebuild.notebooks import render

    lesson = next(x for x in LESSONS if x.slug == slug)
    english = render(lesson, "en", catalogs.translations(lesson, "en", ROOT))
    english_code = [c.source for c in english.cells if c.cell_type == "code"]
    texts = lesson.code_texts()
    assert texts, "every lesson has comments or docstrings to translate"
    for language in LANGUAGES:
        if language == "en":
            continue
        done = catalogs.translations(lesson, language, ROOT)
        nb = render(lesson, language, done)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert [code_tokens(c) for c in code] == [code_tokens(c) for c in english_code]
        for index, cell in enumerate(code):
            compile(_without_magics(cell), f"{language}/{slug} code cell {index}", "exec")
        english_texts = {t.msgid for t in texts if done[t.msgid] != t.msgid}
        left = {t.msgid for c in code for t in extract(c, lesson.code_names)} & english_texts
        assert not left, f"{language}/{slug}: comments or docstrings left in English: {left}"


def test_release_code_cells_differ_only_in_comments_and_docstrings(slug):
    from convlab.coursebuild.comments import code_tokens

    codes = {}
    for language in LANGUAGES:
        nb = built_notebook(language, "release", slug)
        # nbgrader's code stub, comments and docstrings are translated; the code is shared.
        codes[language] = [code_tokens(c.source) for c in nb.cells if c.cell_type == "code"]
    assert codes["es"] == codes["en"] and codes["ja"] == codes["en"]


def test_markdown_is_translated(slug):
    english = [
        c.source for c in built_notebook("en", "source", slug).cells if c.cell_type == "markdown"
    ]
    for language in LANGUAGES:
        if language == "en":
            continue
        other = [
            c.source
            for c in built_notebook(language, "source", slug).cells
            if c.cell_type == "markdown"
        ]
        assert len(other) == len(english)
        same = [
            m
            for m, e in zip(other, english, strict=True)
            if m == e and re.search(r"[A-Za-z]{4,}\s+[a-z]{3,}", m)
        ]
        assert not same, f"{language}/{slug}: untranslated-looking markdown: {same[:2]}"


def test_every_lesson_has_at_least_three_graded_exercises_with_public_and_hidden_tests(slug):
    nb = built_notebook("en", "source", slug)
    grade_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    hidden = [c for c in grade_cells if "### BEGIN HIDDEN TESTS" in c.source]
    public = [c for c in grade_cells if "### BEGIN HIDDEN TESTS" not in c.source]
    assert len(solutions) >= 3 and len(hidden) >= 3 and len(public) >= 3
    for cell in grade_cells:
        first = cell.source.lstrip().splitlines()[0]
        # The lesson's docstring, written as a comment by the build (no Out[] in the release).
        assert first.startswith("# Check that"), f"{cell.metadata.nbgrader.grade_id}: {first}"
        assert cell.metadata.nbgrader["points"] > 0


def test_release_has_no_solution_code_and_no_hidden_tests(language, slug):
    source = built_notebook(language, "source", slug)
    release = built_notebook(language, "release", slug)
    text = "\n".join(c.source for c in release.cells)
    assert "### BEGIN SOLUTION" not in text and "### BEGIN HIDDEN TESTS" not in text
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            answer = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            lines = [
                ln.strip()
                for ln in answer.splitlines()
                if ln.strip() and not ln.strip().startswith("#")
            ]
            leaked = [ln for ln in lines if len(ln) > 12 and ln in text]
            assert not leaked, f"solution lines of {meta['grade_id']} in the release: {leaked}"
        if meta.get("grade") and "### BEGIN HIDDEN TESTS" in cell.source:
            hidden = (
                cell.source.split("### BEGIN HIDDEN TESTS")[1]
                .split("### END HIDDEN TESTS")[0]
                .strip()
            )
            assert hidden not in text


def test_release_notebooks_have_no_outputs(language, slug):
    for part in ("source", "release"):
        nb = built_notebook(language, part, slug)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_lessons_that_do_not_need_tensorflow_do_not_import_it():
    for lesson in LESSONS:
        code = "\n".join(c.source for c in lesson.notebook.cells if c.cell_type == "code")
        uses_tf = bool(
            re.search(
                r"^\s*(import tensorflow|from tensorflow|import keras|from keras|import convlab\.tf|from convlab\.tf |from convlab import tf)",
                code,
                re.M,
            )
        )
        assert uses_tf == lesson.needs_tensorflow, lesson.slug


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("role: solution, id: add_one}", "role: answer, id: add_one}", "`role` must be one of"),
        (
            "id: add_one_public, points: 1",
            "id: add_one_public, points: 0",
            "positive integer `points`",
        ),
        ("id: add_one_hidden", "id: add_one_public", "duplicate id 'add_one_public'"),
        ("id: add_one}", "id: Add-One}", "snake_case"),
        ("### BEGIN SOLUTION\n", "", "### BEGIN SOLUTION"),
    ],
)
def test_malformed_lesson_sources_are_rejected_with_a_clear_message(tmp_course, old, new, message):
    path = tmp_course / "course" / "lessons" / "00-smoke.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(LessonError, match=re.escape(message)):
        _ = discover(tmp_course)[0].notebook


def test_hidden_test_cells_of_release_notebooks_produce_no_output(language, slug):
    """Without its hidden tests a test cell must be silent: no docstring shown as Out[]."""
    import ast

    source = built_notebook(language, "source", slug)
    release = {c.id: c for c in built_notebook(language, "release", slug).cells}
    hidden = [
        c
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade") and "### BEGIN HIDDEN TESTS" in c.source
    ]
    assert hidden
    for cell in hidden:
        released = release[cell.id].source
        tree = ast.parse(released)
        assert tree.body == [], f"{cell.id} runs code or shows a value: {released!r}"
        # the docstring, in the notebook's language, as a comment ("# Check that ..." in English)
        assert released.startswith("# "), released
        if language == "en":
            assert released.startswith("# Check that"), released


def test_a_test_cell_docstring_becomes_a_comment():
    from convlab.coursebuild.notebooks import docstring_as_comment

    source = '"""Check that it works\non two lines."""\n### BEGIN HIDDEN TESTS\nrun(f)\n### END HIDDEN TESTS'
    assert docstring_as_comment(source) == (
        "# Check that it works\n# on two lines.\n### BEGIN HIDDEN TESTS\nrun(f)\n### END HIDDEN TESTS"
    )
    assert docstring_as_comment("run(f)") == "run(f)"
    assert docstring_as_comment("x = '''a'''") == "x = '''a'''"


def test_hidden_test_cell_is_silent_in_a_real_kernel(tmp_path):
    """Executed as nbgrader's Validate would, a released hidden-test cell has no output."""
    import shutil

    import nbformat
    from nbclient import NotebookClient

    slug = SLUGS[0]
    work = tmp_path / slug
    shutil.copytree(ROOT / "course" / "en" / "release" / slug, work)
    nb = nbformat.read(work / f"{slug}.ipynb", as_version=4)
    source = built_notebook("en", "source", slug)
    ids = {
        c.id
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade") and "### BEGIN HIDDEN TESTS" in c.source
    }
    nb.cells = [c for c in nb.cells if c.id in ids]
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    assert nb.cells and all(c.outputs == [] for c in nb.cells)


def test_building_one_language_keeps_the_other_columns_of_the_readme(tmp_course):
    """`convlab build --lang fr` must not drop the README columns of the other languages."""
    import polib

    from convlab.coursebuild import catalogs
    from convlab.coursebuild.course import README_END, README_START, _readme_with_lessons

    lessons = discover(tmp_course)
    catalogs.update(lessons, ["es", "fr"], tmp_course, name=None)
    for language, title in (("es", "# Prueba"), ("fr", "# Essai")):
        path = catalogs.catalog_path(lessons[0], language, tmp_course)
        po = polib.pofile(str(path))
        po.find("# Smoke test\n\nA first paragraph.").msgstr = f"{title}\n\nTexto."
        po.save(str(path))
    (tmp_course / "README.md").write_text(f"Intro\n{README_START}\n{README_END}\n")
    (tmp_course / "course" / "es" / "release").mkdir(parents=True)  # es was built before
    readme = _readme_with_lessons(tmp_course, lessons, built=("fr",))
    head = readme.split(README_START)[1].splitlines()[1]
    assert head == "| # | English | Español | Français |"
    assert "[Prueba](course/es/release/00-smoke/00-smoke.ipynb)" in readme
    assert "[Essai](course/fr/release/00-smoke/00-smoke.ipynb)" in readme
