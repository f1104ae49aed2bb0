"""The language of student-facing text travels with the notebook (its metadata), not its folder."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from convlab import i18n


def _notebook(path, language, messages=None):
    nb = new_notebook(metadata={"convlab": {"language": language, "messages": messages or {}}})
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _restore_language(monkeypatch):
    before = dict(i18n._state)
    monkeypatch.delenv("CONVLAB_LANG", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    yield
    i18n._state.update(before)


@pytest.mark.parametrize("language", ["en", "es", "ja"])
def test_the_language_comes_from_the_notebook_in_the_working_folder(tmp_path, language):
    _notebook(tmp_path / "lesson.ipynb", language)
    assert i18n.detect_language(tmp_path) == language


def test_folder_names_and_nbgrader_configs_do_not_decide(tmp_path):
    course = tmp_path / "course" / "ja" / "release" / "01"
    course.mkdir(parents=True)
    (tmp_path / "course" / "ja" / "nbgrader_config.py").write_text(
        'c.CourseDirectory.course_id = "convlab-ja"\n'
    )
    assert i18n.detect_language(course) == "en"
    _notebook(course / "copy.ipynb", "es")
    assert i18n.detect_language(course) == "es"


def test_jupyter_session_names_the_notebook(tmp_path, monkeypatch):
    """JupyterLab's kernel knows its notebook (JPY_SESSION_NAME), wherever the working folder is."""
    path = _notebook(tmp_path / "downloaded.ipynb", "ja", {"box blur": "ボックスぼかし"})
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert i18n.setup_notebook(elsewhere) == "ja"
    assert i18n.tr("box blur") == "ボックスぼかし"
    assert i18n.tr("not in the catalog") == "not in the catalog"


def test_a_session_path_relative_to_the_server_root_is_found_in_the_working_folder(
    tmp_path, monkeypatch
):
    folder = tmp_path / "es" / "release" / "01"
    folder.mkdir(parents=True)
    _notebook(folder / "01.ipynb", "es", {"shape:": "forma:"})
    _notebook(folder / "copy.ipynb", "ja")  # another notebook in the folder: the session decides
    monkeypatch.chdir(folder)
    monkeypatch.setenv("JPY_SESSION_NAME", "es/release/01/01.ipynb")
    assert i18n.setup_notebook() == "es"
    assert i18n.tr("shape:") == "forma:"


def test_notebooks_that_disagree_decide_nothing(tmp_path, monkeypatch):
    _notebook(tmp_path / "a.ipynb", "es")
    _notebook(tmp_path / "b.ipynb", "ja")
    assert i18n.detect_language(tmp_path) == "en"
    monkeypatch.setenv("CONVLAB_LANG", "es")
    assert i18n.detect_language(tmp_path) == "es"


def test_setup_sets_library_language_and_tr(tmp_path):
    _notebook(tmp_path / "lesson.ipynb", "es", {"shape:": "forma:"})
    assert i18n.setup_notebook(tmp_path) == "es"
    assert i18n.get_language() == "es"
    assert i18n.tr("shape:") == "forma:"
    assert i18n.gettext("YOUR CODE HERE") == "ESCRIBE TU CÓDIGO AQUÍ"  # library catalog
    i18n.set_language("en")
    assert i18n.tr("shape:") == "shape:"


def test_tr_refuses_what_is_not_a_string():
    with pytest.raises(TypeError, match="takes a str"):
        i18n.tr(3)


@pytest.mark.parametrize(
    ("header", "counts"),
    [
        ("nplurals=1; plural=0;", {0: 0, 1: 0, 2: 0, 11: 0}),
        ("nplurals=2; plural=(n != 1);", {0: 1, 1: 0, 2: 1}),
        ("nplurals=2; plural=(n > 1);", {0: 0, 1: 0, 2: 1}),  # French
        (
            "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
            "(n%100<10 || n%100>=20) ? 1 : 2);",  # Russian
            {1: 0, 3: 1, 5: 2, 11: 2, 21: 0},
        ),
    ],
)
def test_plural_rule_follows_the_catalog_header(header, counts):
    rule = i18n._plural_rule(header)
    assert {n: rule(n) for n in counts} == counts


def test_ngettext_uses_the_languages_plural_forms(monkeypatch):
    table = {(None, "{n} cell"): ["{n} célula", "{n} células", "{n} células*"]}
    rule = i18n._plural_rule("nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);")
    monkeypatch.setattr(i18n, "_catalog", lambda language: (table, rule))
    i18n._state["language"] = "es"
    assert [i18n.ngettext("{n} cell", "{n} cells", n) for n in (1, 2, 5)] == [
        "{n} célula",
        "{n} células",
        "{n} células*",
    ]


def test_built_notebook_carries_language_and_translations():
    from convlab.coursebuild.lessons import repo_root

    path = repo_root() / "course" / "ja" / "release" / "01-images-as-arrays"
    meta = json.loads((path / "01-images-as-arrays.ipynb").read_text(encoding="utf-8"))["metadata"]
    assert meta["convlab"]["language"] == "ja"
    assert meta["convlab"]["messages"], "the build embeds the translations of tr() strings"


@pytest.mark.notebooks
@pytest.mark.parametrize("language", ["es", "ja"])
def test_a_copied_notebook_speaks_its_language(tmp_path, language):
    """A built notebook copied out of the course runs its setup cell and tr() in its language."""
    from nbclient import NotebookClient

    from convlab.coursebuild.lessons import repo_root

    slug = "01-images-as-arrays"
    built = repo_root() / "course" / language / "release" / slug / f"{slug}.ipynb"
    nb = nbformat.read(built, as_version=4)
    messages = nb.metadata["convlab"]["messages"]
    msgid, text = next(iter(sorted(messages.items())))
    nb.cells = [
        nb.cells[0],
        new_code_cell(f"print(tr({msgid!r}))\nprint(convlab.get_language())"),
    ]
    (tmp_path / "copy.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = nb.cells[1].outputs[0]["text"].splitlines()
    assert printed == [text, language]


def test_format_table_aligns_full_width_text_by_display_width():
    from convlab.i18n import display_width, format_table

    table = format_table(
        ["方法", "時間 (ms)", "倍率"],
        [["NumPy（ループ）", "1200.5", "1269.0倍"], ["OpenCV", "0.9", "1.0倍"]],
    )
    lines = table.splitlines()
    # every column ends at the same display column on every line
    ends = {display_width(line) for line in lines}
    assert ends == {max(ends)}
    assert [display_width(line.split("  ")[0].rstrip()) for line in lines][1] == display_width(
        "NumPy（ループ）"
    )


def test_format_table_rejects_ragged_rows():
    import pytest

    from convlab.i18n import format_table

    with pytest.raises(ValueError, match="every row must have 2 values"):
        format_table(["a", "b"], [["1"]])
