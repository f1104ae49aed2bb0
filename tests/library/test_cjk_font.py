"""Japanese text in figures is drawn with real glyphs, not tofu boxes."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from convlab import i18n  # noqa: E402

JAPANESE = "ボックスぼかし：出力サイズ、パディング'same'（3×3）"


def _missing_glyphs() -> list[str]:
    """Draw a figure with Japanese title, labels and legend; return Matplotlib's glyph warnings."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="平均値プーリング")
    ax.set_title(JAPANESE)
    ax.set_xlabel("行")
    ax.set_ylabel("行の平均")
    ax.legend()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


@pytest.fixture
def pristine_fonts():
    with mpl.rc_context():
        i18n.cjk_font.cache_clear()
        yield
    i18n.cjk_font.cache_clear()


def test_default_font_lacks_japanese_glyphs(pristine_fonts):
    """The check below can fail: DejaVu Sans alone draws Japanese as boxes."""
    mpl.rcParams["font.family"] = ["DejaVu Sans"]
    assert _missing_glyphs(), "expected Matplotlib to warn about missing glyphs"


def test_japanese_figure_has_every_glyph(pristine_fonts):
    assert i18n.configure_fonts("ja") is True
    assert _missing_glyphs() == []
    # Latin text keeps the default font; the CJK font is a fallback.
    assert mpl.rcParams["font.family"] == ["sans-serif", "IPAexGothic"]


def test_other_languages_leave_fonts_alone(pristine_fonts):
    before = list(mpl.rcParams["font.family"])
    assert i18n.configure_fonts("es") is False
    assert list(mpl.rcParams["font.family"]) == before


def test_the_setup_of_a_japanese_notebook_configures_the_font(pristine_fonts, tmp_path):
    import nbformat
    from nbformat.v4 import new_notebook

    nb = new_notebook(metadata={"convlab": {"language": "ja", "messages": {}}})
    (tmp_path / "lesson.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    before = dict(i18n._state)
    try:
        assert i18n.setup_notebook(tmp_path) == "ja"
        assert _missing_glyphs() == []
    finally:
        i18n._state.update(before)
