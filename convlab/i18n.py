"""Language of everything convlab prints to a student.

Messages in the library are written in English and wrapped in :func:`gettext`
(imported as ``_``).  Translations live in gettext catalogs,
``convlab/locales/<lang>/convlab.po``, read with polib (no compiled ``.mo``
files to keep in sync).  The course build puts ``convlab.set_language("es")``
in the setup cell of every Spanish notebook, so checks answer in the
notebook's language.

Introduced in lesson 01, images as arrays (the setup cell).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

__all__ = ["LANGUAGES", "set_language", "get_language", "detect_language", "gettext", "ngettext"]

#: Languages the course ships.  Adding one means adding catalogs only.
LANGUAGES = ("en", "es", "ja")

_LOCALES = Path(__file__).parent / "locales"
_state: dict[str, str | None] = {"language": None}  # None: detect on first use
_COURSE_ID = re.compile(r"""course_id\s*=\s*["']convlab-([A-Za-z_]+)["']""")


def detect_language(start: Path | None = None) -> str:
    """The language a notebook runs in, without any code that names it.

    ``CONVLAB_LANG`` wins when set; otherwise the nearest ``nbgrader_config.py``
    above `start` (default: the working directory, which Jupyter, nbval and
    nbgrader set to the notebook's folder) names the course, ``convlab-<lang>``.
    English when neither says otherwise.

    Examples
    --------
    >>> detect_language(Path("/"))  # doctest: +SKIP
    'en'
    """
    if os.environ.get("CONVLAB_LANG"):
        return os.environ["CONVLAB_LANG"]
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        config = candidate / "nbgrader_config.py"
        if config.is_file():
            match = _COURSE_ID.search(config.read_text(encoding="utf-8", errors="replace"))
            if match and match.group(1) in available_languages():
                return match.group(1)
            break
    return "en"


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
    _state["language"] = language


def get_language() -> str:
    """Return the current language code (:func:`detect_language` until set)."""
    if _state["language"] is None:
        _state["language"] = detect_language()
    return _state["language"]


def available_languages() -> tuple[str, ...]:
    """English plus every language with a catalog under ``convlab/locales``."""
    found = sorted(p.parent.name for p in _LOCALES.glob("*/convlab.po"))
    return ("en", *[x for x in found if x != "en"])


@functools.cache
def _catalog(language: str) -> dict[tuple[str | None, str], object]:
    import polib

    path = _LOCALES / language / "convlab.po"
    if not path.exists():
        return {}
    table: dict[tuple[str | None, str], object] = {}
    for entry in polib.pofile(str(path)):
        if entry.obsolete or entry.fuzzy:
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            if all(forms):
                table[(entry.msgctxt, entry.msgid)] = forms
        elif entry.msgstr:
            table[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return table


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
    found = _catalog(language).get((None, message))
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count (Spanish and English have two forms, Japanese one)."""
    language = get_language()
    if language != "en":
        forms = _catalog(language).get((None, singular))
        if isinstance(forms, list):
            return forms[0] if len(forms) == 1 or n == 1 else forms[1]
    return singular if n == 1 else plural


_ = gettext
