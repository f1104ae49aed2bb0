"""Language of everything convlab and the lessons show a student.

Two kinds of text are translated:

- **Library messages** (checks, errors, widgets, plots) are written in English
  and wrapped in :func:`gettext` (imported as ``_``) or :func:`ngettext`.  Their
  translations live in ``convlab/locales/<lang>/convlab.po`` (template:
  ``convlab/locales/convlab.pot``), read with polib; no ``.mo`` to keep in sync.
- **Lesson messages**: what a lesson's code cells print, plot or put in a widget
  goes through :func:`tr`.  The build extracts those strings into the lesson's
  catalog (``course/locales/<lang>/<lesson>.po``) and writes their translations
  into the built notebook's metadata (``metadata.convlab.messages``), next to
  the notebook's language (``metadata.convlab.language``).  So a notebook
  carries its own language and translations: one copied or downloaded away
  from the course still speaks its language (see :func:`notebook_metadata`).

The generated setup cell of every notebook (the same code in every language)
runs ``convlab.i18n.setup_notebook()`` and binds ``tr``.

Introduced in lesson 01, images as arrays (the setup cell).
"""

from __future__ import annotations

import functools
import gettext as _stdlib_gettext
import json
import os
import re
from pathlib import Path

__all__ = [
    "LANGUAGES",
    "set_language",
    "get_language",
    "detect_language",
    "setup_notebook",
    "notebook_metadata",
    "gettext",
    "ngettext",
    "tr",
    "N_",
    "translate",
    "available_languages",
    "display_width",
    "pad",
    "format_table",
    "times",
]

_LOCALES = Path(__file__).parent / "locales"
_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
#: Languages whose figures need a font with CJK glyphs (see :func:`configure_fonts`).
CJK_LANGUAGES = ("ja", "zh", "ko")

# language: None means "detect on first use"; messages: the notebook's tr() translations.
_state: dict = {"language": None, "messages": None}


def available_languages() -> tuple[str, ...]:
    """English plus every language with a catalog under ``convlab/locales``."""
    found = sorted(p.parent.name for p in _LOCALES.glob("*/convlab.po"))
    return ("en", *[x for x in found if x != "en"])


#: Languages of the library's messages (English plus one per ``convlab/locales/<lang>/``).
#: The course's languages are those with catalogs under ``course/locales``
#: (:func:`convlab.coursebuild.catalogs.languages`); adding one means adding catalogs only.
LANGUAGES = available_languages()


def _read_metadata(path: Path) -> dict | None:
    try:
        with path.open(encoding="utf-8") as f:
            meta = json.load(f).get("metadata", {}).get("convlab")
    except (OSError, ValueError, AttributeError):
        return None
    if isinstance(meta, dict) and isinstance(meta.get("language"), str):
        return meta
    return None


def _session_notebook() -> Path | None:
    """The notebook this kernel runs for, when the front end says so."""
    candidates = []
    session = os.environ.get("JPY_SESSION_NAME")  # set by jupyter_server (JupyterLab, Notebook 7)
    if session:
        candidates.append(session)
    try:  # VS Code puts the notebook's path in the user namespace
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None and shell.user_ns.get("__vsc_ipynb_file__"):
            candidates.append(shell.user_ns["__vsc_ipynb_file__"])
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass
    for candidate in candidates:
        path = Path(candidate)
        # jupyter_server gives an absolute path, or one relative to its root directory:
        # then the notebook is the file of that name in the kernel's working folder.
        for option in (path, Path.cwd() / path.name):
            if option.suffix == ".ipynb" and option.is_file():
                return option
    return None


def notebook_metadata(folder: Path | None = None) -> dict | None:
    """The ``convlab`` metadata of the notebook running this code, or None outside one.

    The notebook is found, in this order, from ``JPY_SESSION_NAME`` (set by
    jupyter_server for JupyterLab and Notebook 7), from VS Code's
    ``__vsc_ipynb_file__``, or as the course notebooks in `folder` (default:
    the working directory, which Jupyter, nbval, nbclient and nbgrader set to
    the notebook's folder).  When several course notebooks share a folder and
    agree on the language, their messages are merged; when they disagree,
    None.  Only the notebook's own metadata decides: folder names do not.
    """
    path = _session_notebook()
    if path is not None:
        meta = _read_metadata(path)
        if meta is not None:
            return meta
    folder = folder or Path.cwd()
    try:
        found = [m for p in sorted(folder.glob("*.ipynb")) if (m := _read_metadata(p))]
    except OSError:
        return None
    if not found or len({m["language"] for m in found}) != 1:
        return None
    merged = {"language": found[0]["language"], "messages": {}}
    for meta in found:
        merged["messages"].update(meta.get("messages") or {})
    return merged


def detect_language(folder: Path | None = None) -> str:
    """The language a notebook runs in, read from the notebook's own metadata.

    The notebook's ``metadata.convlab.language`` (written by ``convlab build``)
    wins; outside a notebook, ``CONVLAB_LANG``; English otherwise.

    Examples
    --------
    >>> detect_language(Path("/"))  # doctest: +SKIP
    'en'
    """
    meta = notebook_metadata(folder)
    if meta is not None:
        return meta["language"]
    return os.environ.get("CONVLAB_LANG") or "en"


def setup_notebook(folder: Path | None = None) -> str:
    """Set the language and the :func:`tr` translations from the running notebook.

    Called by the generated setup cell of every built notebook.  A language
    without library catalog (a preview of a new language) still gets its
    notebook's translations; library messages then stay English.  Japanese
    (and other CJK languages) also get a figure font with their glyphs.

    Returns
    -------
    str
        The language code.
    """
    meta = notebook_metadata(folder)
    if meta is None:
        language = os.environ.get("CONVLAB_LANG") or "en"
        messages: dict = {}
    else:
        language = meta["language"]
        messages = dict(meta.get("messages") or {})
    if not isinstance(language, str) or not _CODE.match(language):
        language = "en"
    _state["language"], _state["messages"] = language, messages
    if language in CJK_LANGUAGES:
        configure_fonts(language)
    return language


def set_language(language: str) -> None:
    """Set the language of check messages and other student-facing text.

    Parameters
    ----------
    language : str
        A language code with catalogs under ``convlab/locales``, or ``"en"``.

    Raises
    ------
    ValueError
        If no catalog exists for `language`.

    Examples
    --------
    >>> set_language("en")
    >>> get_language()
    'en'
    """
    if not isinstance(language, str):
        raise TypeError(f"`language` must be a str such as 'en'; got {type(language).__name__}")
    available = available_languages()
    if language not in available:
        raise ValueError(
            f"`language` must be one of {', '.join(repr(x) for x in available)}; got {language!r}"
        )
    if language != _state["language"]:
        _state["messages"] = None  # the notebook's translations belong to its own language
    _state["language"] = language


def get_language() -> str:
    """Return the current language code (:func:`detect_language` until set)."""
    if _state["language"] is None:
        _state["language"] = detect_language()
    return _state["language"]


def configure_fonts(language: str | None = None) -> bool:
    """Give Matplotlib a fallback font with the glyphs of `language` (CJK).

    Latin text keeps Matplotlib's default font (DejaVu Sans); characters it
    lacks fall back to IPAexGothic, shipped by the ``matplotlib-fontja``
    package (a course dependency).  Returns True when the font was configured.
    """
    language = language or get_language()
    if language not in CJK_LANGUAGES:
        return False
    return _configure_cjk_font()


@functools.cache
def cjk_font() -> str | None:
    """The name of the CJK fallback font (IPAexGothic), registered with Matplotlib once."""
    import importlib.util

    from matplotlib import font_manager

    # find_spec does not import the package (importing it would switch every text to its font).
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        return None
    font = Path(list(spec.submodule_search_locations)[0]) / "fonts" / "ipaexg.ttf"
    if not font.is_file():
        return None
    font_manager.fontManager.addfont(str(font))
    return font_manager.FontProperties(fname=str(font)).get_name()


def _configure_cjk_font() -> bool:
    import matplotlib as mpl

    name = cjk_font()
    if name is None:
        return False
    # Matplotlib falls back glyph by glyph along font.family (3.6+): the current
    # families first (DejaVu Sans for Latin text), then the CJK font.
    families = [f for f in mpl.rcParams["font.family"] if f != name]
    mpl.rcParams["font.family"] = [*families, name]
    return True


@functools.cache
def _catalog(language: str) -> tuple[dict[tuple[str | None, str], object], object]:
    """The finished translations of the library catalog and its plural rule."""
    import polib

    path = _LOCALES / language / "convlab.po"
    if not path.exists():
        return {}, _plural_rule("")
    po = polib.pofile(str(path))
    table: dict[tuple[str | None, str], object] = {}
    for entry in po:
        if entry.obsolete or entry.fuzzy:
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            if all(forms):
                table[(entry.msgctxt, entry.msgid)] = forms
        elif entry.msgstr:
            table[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return table, _plural_rule(po.metadata.get("Plural-Forms", ""))


def _plural_rule(header: str):
    """The plural function of a ``Plural-Forms`` header (English rule if absent)."""
    match = re.search(r"plural\s*=\s*([^;]+)", header)
    try:
        return _stdlib_gettext.c2py(match.group(1).strip()) if match else _english_plural
    except (ValueError, SyntaxError):
        return _english_plural


def _english_plural(n: int) -> int:
    return int(n != 1)


def gettext(message: str) -> str:
    """Translate `message` into the current language (English if untranslated).

    Examples
    --------
    >>> set_language("en")
    >>> gettext("Well done!")
    'Well done!'
    """
    language = get_language()
    if language == "en":
        return message
    found = _catalog(language)[0].get((None, message))
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count, by the language's ``Plural-Forms`` rule.

    Examples
    --------
    >>> set_language("en")
    >>> ngettext("{n} cell", "{n} cells", 2).format(n=2)
    '2 cells'
    """
    language = get_language()
    if language != "en":
        table, rule = _catalog(language)
        forms = table.get((None, singular))
        if isinstance(forms, list):
            index = rule(n)
            return forms[index] if 0 <= index < len(forms) else forms[-1]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Mark `message` for extraction into the library catalog without translating it now."""
    return message


def translate(message: str, language: str) -> str:
    """`message` in `language` from the library catalog, without changing the current language."""
    if language == "en":
        return message
    found = _catalog(language)[0].get((None, message))
    return found if isinstance(found, str) else message


def tr(message: str) -> str:
    """Translate a message of a lesson's code cell into the notebook's language.

    Lesson code writes ``print(tr("pixels that wrapped:"), n)`` and, with
    placeholders, ``tr("{n} configurations").format(n=count)``.  The
    translations come from the notebook's metadata (written by ``convlab
    build`` from the lesson's catalog); a message without translation stays
    English.

    Examples
    --------
    >>> set_language("en")
    >>> tr("box blur")
    'box blur'
    """
    if not isinstance(message, str):
        raise TypeError(f"tr() takes a str; got {type(message).__name__}")
    if get_language() == "en":
        return message
    if _state["messages"] is None:
        meta = notebook_metadata()
        same = meta is not None and meta["language"] == get_language()
        _state["messages"] = dict(meta.get("messages") or {}) if same else {}
    return _state["messages"].get(message, message)


def times(ratio: float, digits: int = 1) -> str:
    """A ratio as the student's language writes "so many times": ``12.5×``, ``12.5倍``.

    Examples
    --------
    >>> set_language("en")
    >>> times(1269.04)
    '1269.0×'
    >>> times(3, digits=0)
    '3×'
    """
    # TRANSLATORS: a ratio, "so many times" (faster, larger): {ratio} is a number like 12.5.
    return gettext("{ratio}×").format(ratio=f"{float(ratio):.{int(digits)}f}")


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal or a notebook's monospace output.

    East Asian wide and full-width characters take two columns, combining
    marks none (``wcwidth``); ``len`` counts each as one, which misaligns
    tables printed in Japanese.

    Examples
    --------
    >>> display_width("ms")
    2
    >>> display_width("時間")
    4
    """
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` display columns (never cut).

    `align` is ``"<"`` (left), ``">"`` (right) or ``"^"`` (centre), as in
    :func:`format`.

    Examples
    --------
    >>> pad("時間", 6) + "|"
    '時間  |'
    >>> pad("ms", 4, ">")
    '  ms'
    """
    if align not in ("<", ">", "^"):
        raise ValueError(f"`align` must be one of '<', '>', '^'; got {align!r}")
    text = str(text)
    missing = max(0, width - display_width(text))
    if align == "<":
        return text + " " * missing
    if align == ">":
        return " " * missing + text
    left = missing // 2
    return " " * left + text + " " * (missing - left)


def format_table(headers, rows, align=None, gap: int = 2) -> str:
    """A plain-text table whose columns line up in every language.

    `headers` is a sequence of column titles, `rows` a sequence of rows of
    the same length (any values: they are shown with :class:`str`), `align`
    one of ``"<"``, ``">"``, ``"^"`` per column (default: left for the first
    column, right for the others). Widths are display widths, so Japanese
    headers and cells align with Latin ones.

    Examples
    --------
    >>> print(format_table(["方法", "ms"], [["NumPy", "1.5"], ["OpenCV", "0.25"]]))
    方法      ms
    NumPy    1.5
    OpenCV  0.25
    """
    headers = [str(h) for h in headers]
    rows = [[str(v) for v in row] for row in rows]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(
                f"every row must have {len(headers)} values, as `headers`; got {len(row)}: {row!r}"
            )
    if align is None:
        align = ["<"] + [">"] * (len(headers) - 1)
    if len(align) != len(headers):
        raise ValueError(f"`align` must give one of '<', '>', '^' per column; got {align!r}")
    widths = [
        max(display_width(cell) for cell in column) for column in zip(headers, *rows, strict=True)
    ]
    sep = " " * gap
    lines = [
        sep.join(pad(cell, w, a) for cell, w, a in zip(line, widths, align, strict=True)).rstrip()
        for line in [headers, *rows]
    ]
    return "\n".join(lines)


_ = gettext
