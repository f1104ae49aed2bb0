"""Every word a student meets is in the student's language.

Each lesson is executed in Spanish and in Japanese (the built source
notebooks, solutions in).  Two cells are added around the lesson: one that
records the text of every figure drawn (titles, labels, legends, tick labels)
and turns Matplotlib's "Glyph ... missing" warning into an error, and one at
the end that lists the labels of every widget created.  Every printed line,
every displayed table, every figure text and every widget label must then be
free of English: the only Latin words allowed are proper nouns, code
identifiers and numbers (:data:`ALLOWED`), after code-like spans (calls,
dotted names, indexing, snake_case, `code`) are removed.

Slow (each lesson runs in its own kernel, lessons 06-07 import TensorFlow):
marked ``notebooks``.
"""

from __future__ import annotations

import functools
import json
import re
import shutil

import nbformat
import polib
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from .conftest import LANGUAGES, ROOT, SLUGS, built_notebook

pytestmark = pytest.mark.notebooks

TRANSLATED = [x for x in LANGUAGES if x != "en"]

#: Proper nouns, units and code words that stay as they are in every language.
ALLOWED = {
    # proper nouns, products, formats
    "OpenCV",
    "NumPy",
    "SciPy",
    "TensorFlow",
    "Keras",
    "PyTorch",
    "Python",
    "JPEG",
    "PNG",
    "GPU",
    "CPU",
    "RGB",
    "BGR",
    "HWIO",
    "OIHW",
    "scikit",
    "scikit-image",
    "skimage",
    "numpy",
    "scipy",
    "ndimage",
    "opencv",
    "tensorflow",
    "pytorch",
    "convlab",
    "Conv2D",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "depthwise",
    "pointwise",
    "backend",  # Keras terms kept in es/ja prose
    "ms",
    "dtype",
    "uint8",
    "float32",
    "float64",
    "int64",
    "bool",
    "True",
    "False",
    "None",
    "class",
    "ndarray",
    "numpy.ndarray",
    "kernel",  # "kernel" is the Spanish term too
    "pooling",  # Spanish: pooling máximo / promedio
    "bytes",  # Spanish: "bytes"
    # border and output-size modes (numpy.pad / Keras names, quoted in every language)
    "constant",
    "edge",
    "reflect",
    "symmetric",
    "wrap",
    "valid",
    "same",
    "full",
    "mirror",
    "nearest",
    "CONSTANT",
    "REFLECT",
    "SYMMETRIC",
    "BORDER",
    "zeros",
    "replicate",
    "circular",
    "grid",
    # math and shapes written as code in outputs
    "max",
    "min",
    "mean",
    "out",
    "in",
    "n",
    "k",
    "s",
    "p",
    "d",
    "x",
    "y",
    "C",
    "R",
    "G",
    "B",
}

_CODE_SPANS = [
    r"`[^`]*`",  # markdown code
    r"<[^>]+>",  # <class 'numpy.ndarray'>
    r"'[A-Za-z_][\w.]*'",  # quoted names: 'same'
    r"\b[\w.]+\([^()]*(\([^()]*\))*[^()]*\)",  # calls: f(x, g(y))
    r"\b\w+(\.\w+)+\b",  # dotted names
    r"\b\w+\[[^\]]*\]",  # indexing
    r"\b\w*[_\d]\w*\b",  # snake_case, names with digits (uint8, 3x3)
    r"\b\w+ [*+/-] \w+\b",  # small expressions: window * kernel
    r"(?<![\w/])/[\w./-]+",  # file paths: /home/.../gpu.json
]


def code_names(slug: str) -> set[str]:
    """The identifiers of a lesson's code (variables, functions), Python keywords excluded."""
    import io
    import keyword
    import tokenize

    from convlab.coursebuild.lessons import Lesson

    lesson = Lesson(ROOT / "course" / "lessons" / f"{slug}.md")
    names = set()
    for cell in lesson.notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(cell.source).readline))
        except (tokenize.TokenError, SyntaxError):
            continue
        names |= {t.string for t in tokens if t.type == tokenize.NAME}
    # The method ids of `convlab bench` (lesson 11 prints them and `fastest_method`
    # returns them): values of the code, like 'same', shown as the code names them.
    from convlab.bench import METHODS

    ids = {m.name for m in METHODS} | {"lesson-02"}
    names |= ids | {part for i in ids for part in i.split("-")}
    return names - set(keyword.kwlist) - {"tr"}


def english_words(line: str, code: frozenset[str] = frozenset()) -> list[str]:
    """The Latin-script words of `line` that are neither allowed, code names, nor code-like."""
    for pattern in _CODE_SPANS:
        line = re.sub(pattern, " ", line)
    words = [w for w in _WORD.findall(line) if _LATIN.fullmatch(w)]
    return [w for w in words if w not in ALLOWED and w.lower() not in ALLOWED and w not in code]


_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ'-]+")


@functools.cache
def vocabulary(language: str) -> frozenset[str]:
    """Latin-script words the translators of `language` wrote, outside code spans (lowercase).

    Spanish uses many words English has too ("original", "interior", "kernel");
    a word in this vocabulary is the language's, not English.
    """
    paths = [*(ROOT / "course" / "locales" / language).glob("*.po")]
    paths.append(ROOT / "convlab" / "locales" / language / "convlab.po")
    words = set()
    for path in paths:
        for entry in polib.pofile(str(path)):
            texts = [entry.msgstr, *entry.msgstr_plural.values()]
            for text in texts:
                text = re.sub(r"`[^`]*`|\{[^}]*\}", " ", text)
                words |= {w.lower() for w in _WORD.findall(text) if _LATIN.fullmatch(w)}
    return frozenset(words)


def untranslated(language: str, line: str, code: frozenset[str] = frozenset()) -> list[str]:
    """English words of an output line: Latin words that are not the language's own."""
    words = english_words(line, code)
    own = vocabulary(language)
    return [w for w in words if w.lower() not in own and not re.search(r"[À-ÿ]", w)]


RECORDER = r"""
# Added by tests/course/test_student_language.py: record figure text and widget labels.
import json as _json
import warnings as _warnings

import matplotlib as _mpl
from matplotlib.figure import Figure as _Figure

_warnings.filterwarnings("error", message=r"Glyph .* missing from (current )?font")
_convlab_texts = []
_draw = _Figure.draw


def _recording_draw(self, renderer):
    result = _draw(self, renderer)
    for text in self.findobj(_mpl.text.Text):
        if text.get_visible() and text.get_text().strip():
            _convlab_texts.append(text.get_text())
    return result


_Figure.draw = _recording_draw
"""

REPORT = r"""
# Added by tests/course/test_student_language.py: report what was recorded.
import ipywidgets as _widgets

_labels = []
for _w in list(_widgets.Widget.widgets.values()):
    _labels += [getattr(_w, "description", "") or ""]
    _labels += [str(x) for x in getattr(_w, "_options_labels", ())]
print("CONVLAB-REPORT " + _json.dumps({"texts": _convlab_texts, "widgets": _labels}))
"""


def _run(language: str, slug: str, tmp_path) -> tuple[list[str], dict]:
    nb = built_notebook(language, "source", slug)
    nb.cells = [nb.cells[0], new_code_cell(RECORDER), *nb.cells[1:], new_code_cell(REPORT)]
    folder = tmp_path / slug
    folder.mkdir()
    data = ROOT / "course" / language / "source" / slug
    for extra in data.iterdir():  # files a lesson reads next to its notebook, if any
        if extra.suffix != ".ipynb":
            shutil.copy(extra, folder) if extra.is_file() else None
    (folder / f"{slug}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    lines, report = [], {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout":
                for line in output["text"].splitlines():
                    if line.startswith("CONVLAB-REPORT "):
                        report = json.loads(line[len("CONVLAB-REPORT ") :])
                    else:
                        lines.append(line)
            data = output.get("data", {})
            if "text/markdown" in data:
                lines += data["text/markdown"].splitlines()
    return lines, report


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_word_is_in_the_students_language(language, slug, tmp_path):
    lines, report = _run(language, slug, tmp_path)
    assert report, "the report cell did not run"
    code = frozenset(code_names(slug))
    found = []
    for kind, texts in (
        ("printed", lines),
        ("figure", report["texts"]),
        ("widget", report["widgets"]),
    ):
        for text in texts:
            for line in text.splitlines():
                words = untranslated(language, line, code)
                if words:
                    found.append(f"{kind}: {line!r} -> {words}")
    assert not found, f"{language}/{slug}: English a student would read:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("pixels that wrapped: 12%", ["pixels", "that", "wrapped"]),
        ("forma: (512, 512, 3)", []),
        ("píxeles idénticos: True", []),
        ("tamaño del archivo: 424520 bytes", []),
        ("形状：(512, 512, 3)", []),
        ("np.sum(window * kernel): -3", []),
        ("<class 'numpy.ndarray'>", []),
        ("3x3 kernel: valid_output_size = 510", []),
        ("border darkened by: 0.1", ["border", "darkened", "by"]),
    ],
)
def test_the_english_detector(line, words):
    assert untranslated("es", line) == words
