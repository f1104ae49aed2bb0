"""Comments and docstrings of lesson code cells: extracted for translators, written back in place."""

from __future__ import annotations

import pytest

from convlab.coursebuild.comments import WIDTH, code_tokens, extract, translate_source, wrap
from convlab.i18n import display_width

CELL = '''\
%matplotlib inline
import numpy as np  # noqa: E402 - after the backend is chosen
# --- Setup: the only cell that needs it -----------------------------------------
# A comment block on two lines
# is one message.
x = np.ones(3)  # an inline comment
# x = np.zeros(3)
# TRANSLATORS: for the tr() string below.


def f(a):
    """Return a, unchanged."""
    ### BEGIN SOLUTION
    return a  # noqa: RET504
    ### END SOLUTION
'''


def test_extraction_finds_comments_and_docstrings_and_skips_markers_pragmas_and_code():
    found = extract(CELL, frozenset({"x", "np", "zeros"}))
    assert [(t.kind, t.msgid) for t in found] == [
        ("inline comment", "after the backend is chosen"),
        ("comment", "Setup: the only cell that needs it"),
        ("comment", "A comment block on two lines is one message."),
        ("inline comment", "an inline comment"),
        ("docstring", "Return a, unchanged."),
    ]
    by_id = {t.msgid: t for t in found}
    assert by_id["an inline comment"].code == "x = np.ones(3)"
    assert by_id["Return a, unchanged."].code == "def f(a):"
    assert by_id["A comment block on two lines is one message."].line == 4


def test_a_comment_that_is_prose_is_kept_even_when_it_parses():
    # "read + write" parses as Python, but its names are not the lesson's.
    assert [t.msgid for t in extract("b = 2 * n  # read + write", frozenset({"b", "n"}))] == [
        "read + write"
    ]


def test_translation_changes_only_comments_and_docstrings():
    translations = {
        "after the backend is chosen": "después de elegir el backend",
        "Setup: the only cell that needs it": "Preparación: la única celda que lo necesita",
        "A comment block on two lines is one message.": "Un bloque de comentario es un mensaje.",
        "an inline comment": "un comentario al final",
        "Return a, unchanged.": "Devuelve a, sin cambios.",
    }
    out = translate_source(CELL, translations, frozenset({"x", "np", "zeros"}))
    assert code_tokens(out) == code_tokens(CELL)
    lines = out.splitlines()
    assert lines[0] == "%matplotlib inline"
    assert lines[1] == "import numpy as np  # noqa: E402 - después de elegir el backend"
    assert lines[2].startswith("# --- Preparación: la única celda que lo necesita ---")
    assert display_width(lines[2]) == display_width(CELL.splitlines()[2])
    assert lines[3] == "# Un bloque de comentario es un mensaje."
    assert lines[4] == "x = np.ones(3)  # un comentario al final"
    assert '    """Devuelve a, sin cambios."""' in lines
    assert "    ### BEGIN SOLUTION" in lines and "    return a  # noqa: RET504" in lines


def test_long_translations_wrap_by_display_width_and_still_compile():
    source = 'def f(a):\n    """Short."""\n    # Short too.\n    return a\n'
    ja = "これはとても長い説明です、" * 12
    out = translate_source(source, {"Short.": ja, "Short too.": ja}, frozenset())
    compile(out, "<cell>", "exec")
    assert code_tokens(out) == code_tokens(source)
    assert all(display_width(line) <= WIDTH for line in out.splitlines())
    body = out.splitlines()
    assert body[-1] == "    return a" and body[1].startswith('    """これは')
    assert any(line == '    """' for line in body), "closing quotes on their own line"


def test_wrap_breaks_japanese_after_punctuation_and_keeps_shapes_whole():
    lines = wrap("カーネル(kh, kw, C, C)を作ります、そして画像を返します。" * 3, 40)
    assert all(display_width(line) <= 40 for line in lines)
    assert not any(line.startswith(("、", "。")) for line in lines)
    assert all(line.count("(") == line.count(")") for line in lines)
    assert "".join(lines) == "カーネル(kh, kw, C, C)を作ります、そして画像を返します。" * 3


@pytest.mark.parametrize("bad", ['Devuelve """a"""', "Devuelve a\\n"])
def test_a_docstring_translation_that_would_break_the_code_is_refused(bad):
    source = 'def f(a):\n    """Return a."""\n    return a\n'
    with pytest.raises(ValueError, match="docstring"):
        translate_source(source, {"Return a.": bad}, frozenset())


def test_wrap_breaks_japanese_after_a_phrase_rather_than_inside_a_word():
    text = "(H, W, 3)のRGB画像を、値が[0, 1]の範囲にあるfloat64の(H, W)のグレースケール画像に変換します。"
    assert wrap(text, 90) == [
        "(H, W, 3)のRGB画像を、値が[0, 1]の範囲にあるfloat64の(H, W)のグレースケール画像に",
        "変換します。",
    ]
