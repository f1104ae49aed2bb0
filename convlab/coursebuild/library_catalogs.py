"""gettext catalogs of the library's own messages (checks, errors, widgets).

Everything the library shows a student goes through :func:`convlab.i18n.gettext`
(imported as ``_``) or :func:`convlab.i18n.ngettext`.  This module extracts
those messages from ``convlab/**/*.py`` with Babel, merges them into
``convlab/locales/<lang>/convlab.po`` with polib, and lists what a language
still lacks.  The runtime reads the same ``.po`` files (no ``.mo`` to compile).

- :func:`extract` lists the messages in the source, in source order.
- :func:`update` merges them into one language's catalog: translations of
  unchanged messages are kept; a message whose English changed gets the old
  translation of its closest previous version, marked fuzzy (as msgmerge
  does); messages no longer in the source are removed.
- :func:`check` lists every missing, untranslated or fuzzy message, and every
  translation whose ``{placeholders}`` differ from the English.

Introduced for translators; see also :mod:`convlab.coursebuild.catalogs` (lessons).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import string
from pathlib import Path

__all__ = [
    "Message",
    "catalog_path",
    "template_path",
    "check",
    "extract",
    "extract_messages",
    "update",
    "write_template",
    "plural_forms",
]

_PACKAGE = Path(__file__).resolve().parent.parent
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
_METHOD_MAP = [("**/locales/**", "ignore"), ("**.py", "python")]
_DEFAULT_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def plural_forms(language: str) -> str:
    """The ``Plural-Forms`` header of a language, from CLDR (via Babel)."""
    from babel.messages.plurals import get_plural

    try:
        return get_plural(language).plural_forms
    except ValueError:
        return _DEFAULT_PLURAL_FORMS


_HEADER = (
    "ConvLab library messages (checks, errors, widgets).\n"
    "Keep {placeholders}, `code`, quotes around mode names and the ✓/✗ marks as they are."
)


@dataclasses.dataclass(frozen=True)
class Message:
    """One translatable message found in the source."""

    msgid: str
    msgid_plural: str | None
    locations: tuple[tuple[str, int], ...]
    comments: tuple[str, ...] = ()


def catalog_path(language: str, package: Path | None = None) -> Path:
    """``convlab/locales/<language>/convlab.po``."""
    return (package or _PACKAGE) / "locales" / language / "convlab.po"


def template_path(package: Path | None = None) -> Path:
    """``convlab/locales/convlab.pot``, the template of the library catalog."""
    return (package or _PACKAGE) / "locales" / "convlab.pot"


def _entry(message: Message):
    """A catalog entry for `message`: references, flags and comments for translators."""
    import polib

    # Files only, no line numbers: a catalog should not change when code moves.
    files = list(dict.fromkeys(path for path, _line in message.locations))
    entry = polib.POEntry(msgid=message.msgid, msgstr="", occurrences=[(f, "") for f in files])
    names = _placeholders(message.msgid) | _placeholders(message.msgid_plural or "")
    if names:
        entry.flags.append("python-brace-format")
    comments = list(message.comments)
    if names:
        comments.append(
            "Keep the placeholders "
            + ", ".join("{" + n + "}" for n in sorted(names))
            + " (filled in by .format())."
        )
    if any(f.endswith(("widgets.py", "plotting.py")) or "/widgets/" in f for f in files):
        comments.append("Shown in a figure or a widget: keep it short.")
    entry.comment = "\n".join(dict.fromkeys(comments))
    return entry


def write_template(package: Path | None = None) -> Path:
    """Write ``convlab/locales/convlab.pot`` (every message, untranslated) and return its path."""
    po = _new_catalog("")
    del po.metadata["Language"]
    po.metadata["Plural-Forms"] = "nplurals=INTEGER; plural=EXPRESSION;"
    for message in extract_messages(package):
        entry = _entry(message)
        if message.msgid_plural:
            entry.msgid_plural = message.msgid_plural
            entry.msgstr_plural = {0: "", 1: ""}
        po.append(entry)
    path = template_path(package)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def extract_messages(package: Path | None = None) -> list[Message]:
    """Every ``_()``, ``gettext()`` and ``ngettext()`` message in ``convlab/**/*.py``.

    Parameters
    ----------
    package : Path, optional
        The package directory (default: the installed ``convlab``).

    Returns
    -------
    list of Message
        One per distinct message, in order of first appearance.
    """
    from babel.messages.extract import extract_from_dir

    package = package or _PACKAGE
    found: dict[tuple[str, str | None], list[tuple[str, int]]] = {}
    notes: dict[tuple[str, str | None], list[str]] = {}
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(package),
        method_map=_METHOD_MAP,
        keywords=_KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        if isinstance(message, tuple):
            singular, plural = message[0], message[1]
        else:
            singular, plural = message, None
        if not singular:
            continue
        location = (f"convlab/{Path(filename).as_posix()}", lineno)
        found.setdefault((singular, plural), []).append(location)
        notes.setdefault((singular, plural), []).extend(comments)
    return [
        Message(msgid, plural, tuple(locs), tuple(dict.fromkeys(notes[(msgid, plural)])))
        for (msgid, plural), locs in found.items()
    ]


def extract(package: Path | None = None) -> list[str]:
    """The msgids of :func:`extract_messages` (the singular form of plural messages)."""
    return [message.msgid for message in extract_messages(package)]


def _placeholders(text: str) -> set[str]:
    try:
        return {field for _literal, field, _spec, _conv in string.Formatter().parse(text) if field}
    except ValueError:  # unbalanced braces
        return {"<unbalanced braces>"}


def _new_catalog(language: str):
    import polib

    po = polib.POFile(wrapwidth=0)
    po.header = _HEADER
    po.metadata = {
        "Project-Id-Version": "convlab",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(language),
    }
    return po


def _nplurals(po) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def update(language: str, package: Path | None = None) -> dict[str, int]:
    """Merge the source's messages into one language's catalog and save it.

    Parameters
    ----------
    language : str
        A language code other than ``"en"`` (the source language).
    package : Path, optional
        The package directory (default: the installed ``convlab``).

    Returns
    -------
    dict
        Counts: ``kept``, ``fuzzy`` (new English, old translation kept for
        review), ``new`` (untranslated) and ``removed``.

    Raises
    ------
    ValueError
        If `language` is ``"en"`` or not a simple language code.
    """
    import polib

    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", language):
        raise ValueError(f"`language` must be a code such as 'es' or 'pt_BR'; got {language!r}")
    if language == "en":
        raise ValueError("`language` must not be 'en': English is the source language")
    path = catalog_path(language, package)
    old = polib.pofile(str(path), wrapwidth=0) if path.exists() else _new_catalog(language)
    previous = {entry.msgid: entry for entry in old if not entry.obsolete}
    po = _new_catalog(language)
    po.metadata.update(
        {k: v for k, v in old.metadata.items() if k in ("Plural-Forms", "Last-Translator")}
    )
    counts = {"kept": 0, "fuzzy": 0, "new": 0, "removed": 0}
    nplurals = _nplurals(po)
    used: set[str] = set()
    for message in extract_messages(package):
        entry = _entry(message)
        if message.msgid_plural:
            entry.msgid_plural = message.msgid_plural
            entry.msgstr_plural = {i: "" for i in range(nplurals)}
        before = previous.get(message.msgid)
        if before is not None and (before.msgid_plural or None) == message.msgid_plural:
            entry.msgstr = before.msgstr
            entry.flags = list(dict.fromkeys([*before.flags, *entry.flags]))
            entry.previous_msgid = before.previous_msgid if before.fuzzy else None
            if message.msgid_plural:
                entry.msgstr_plural = dict(before.msgstr_plural) or entry.msgstr_plural
            counts["kept"] += 1
            used.add(message.msgid)
        else:
            close = difflib.get_close_matches(message.msgid, list(previous), n=1, cutoff=0.75)
            source = before or (previous[close[0]] if close else None)
            if source is not None and (source.msgstr or any(source.msgstr_plural.values())):
                entry.msgstr = source.msgstr
                if message.msgid_plural and source.msgstr_plural:
                    entry.msgstr_plural = {
                        i: source.msgstr_plural.get(i, "") for i in range(nplurals)
                    }
                entry.flags = ["fuzzy", *entry.flags]
                entry.previous_msgid = source.msgid
                counts["fuzzy"] += 1
                used.add(source.msgid)
            else:
                counts["new"] += 1
        po.append(entry)
    new_ids = {entry.msgid for entry in po}
    counts["removed"] = sum(1 for msgid in previous if msgid not in new_ids)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return counts


def check(package: Path | None = None, languages=None) -> list[str]:
    """What keeps each language's catalog from being complete.

    Parameters
    ----------
    package : Path, optional
        The package directory (default: the installed ``convlab``).
    languages : sequence of str, optional
        Default: every language with a catalog under ``convlab/locales`` but English.

    Returns
    -------
    list of str
        One line per problem: ``"es: missing message: '...'"``, ``untranslated``,
        ``fuzzy``, or ``placeholders differ``.  Empty when all is well.
    """
    import polib

    from convlab.i18n import available_languages

    messages = extract_messages(package)
    problems = []
    for language in languages or [x for x in available_languages() if x != "en"]:
        path = catalog_path(language, package)
        entries = {}
        if path.exists():
            entries = {e.msgid: e for e in polib.pofile(str(path)) if not e.obsolete}
        for message in messages:
            label = message.msgid if len(message.msgid) <= 70 else message.msgid[:67] + "..."
            entry = entries.get(message.msgid)
            if entry is None:
                problems.append(f"{language}: missing message: {label!r}")
                continue
            translations = (
                list(entry.msgstr_plural.values()) if message.msgid_plural else [entry.msgstr]
            )
            if "fuzzy" in entry.flags:
                problems.append(f"{language}: fuzzy message: {label!r}")
            elif not all(translations):
                problems.append(f"{language}: untranslated message: {label!r}")
            else:
                wanted = _placeholders(message.msgid) | _placeholders(message.msgid_plural or "")
                if any(_placeholders(text) - wanted for text in translations) or not any(
                    _placeholders(text) >= _placeholders(message.msgid) for text in translations
                ):
                    problems.append(f"{language}: placeholders differ: {label!r}")
    return problems


def statistics(languages, package: Path | None = None) -> dict:
    """Translated / fuzzy / untranslated counts of the library catalog, per language."""
    import polib

    from .catalogs import Stats

    messages = extract_messages(package)
    table = {}
    for language in languages:
        path = catalog_path(language, package)
        entries = {}
        if path.exists():
            entries = {e.msgid: e for e in polib.pofile(str(path)) if not e.obsolete}
        stats = Stats()
        for message in messages:
            entry = entries.get(message.msgid)
            texts = (
                []
                if entry is None
                else (
                    list(entry.msgstr_plural.values()) if message.msgid_plural else [entry.msgstr]
                )
            )
            if not texts or not all(texts):
                stats.untranslated += 1
            elif "fuzzy" in entry.flags:
                stats.fuzzy += 1
            else:
                stats.translated += 1
        table[language] = stats
    return table


def fuzzy_details(languages, package: Path | None = None) -> list[str]:
    """Each fuzzy library message: the word diff of its English and its old translation."""
    import polib

    from .catalogs import word_diff

    out = []
    for language in languages:
        path = catalog_path(language, package)
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" not in entry.flags:
                continue
            change = (
                word_diff(entry.previous_msgid, entry.msgid)
                if entry.previous_msgid
                else entry.msgid
            )
            out.append(
                f"{language}: convlab (library): fuzzy message\n"
                f"  English (changes as [-removed-]{{+added+}}):\n    {change}\n"
                f"  translation to review:\n    {entry.msgstr}"
            )
    return out
