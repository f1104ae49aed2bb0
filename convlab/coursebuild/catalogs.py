"""gettext catalogs of the lessons: one ``.po`` per lesson and language.

A lesson's messages are its markdown cells (one message per cell) and the
``tr("...")`` strings of its code cells (what the code prints, plots or puts in
a widget; see :func:`convlab.i18n.tr`).  Catalogs live in
``course/locales/<lang>/<lesson>.po`` with templates in
``course/locales/templates/<lesson>.pot``; any gettext tool (Poedit, Weblate,
msgmerge) can edit them.  Extraction and merging (with fuzzy matching of
changed messages, as msgmerge does) are Babel's; files are written through
polib so that fuzzy messages keep their previous English (``#| msgid``).

The course's languages are the folders of ``course/locales`` that hold
catalogs (:func:`languages`); each catalog's ``X-Language-Name`` header names
the language for people.  Adding a language is one command,
``convlab i18n init fr`` (see :mod:`convlab.coursebuild.languages`).
"""

from __future__ import annotations

import dataclasses
import io
import re
import string
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .lessons import Lesson, repo_root

__all__ = [
    "Problem",
    "template",
    "load",
    "update",
    "check",
    "translations",
    "code_translations",
    "languages",
    "language_name",
    "placeholders",
]

PROJECT = "ConvLab"
NAME_HEADER = "X-Language-Name"
WIDTH = 76
_HEADER = (
    "# ConvLab lesson catalog: {slug}\n"
    "# Translate each markdown cell; keep Markdown, math ($...$), code spans and links intact.\n"
    "# Messages from code cells (with a '#. code:' comment) are printed, plotted or shown\n"
    "# in a widget: keep their {{placeholders}} and keep them short.\n"
    "# Comments and docstrings of code cells (a '#. code comment' or '#. docstring' comment)\n"
    "# are read in the code: keep identifiers, shapes and values as they are.\n"
    "#"
)
_PLOT = re.compile(
    r"set_(title|xlabel|ylabel|label)|suptitle|legend|\.text\(|title=|xlabel=|ylabel=|label=|titles"
)
_WIDGET = re.compile(r"options|description|Dropdown|Button|Slider|widgets|explorer")
_TABLE = re.compile(r"Markdown|markdown|\|")


def placeholders(text: str) -> set[str]:
    """The ``{names}`` of a python-brace-format string."""
    try:
        return {field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field}
    except ValueError:  # unbalanced braces
        return {"<unbalanced braces>"}


def languages(root: Path | None = None) -> list[str]:
    """The course's languages: English plus every folder of ``course/locales`` holding catalogs."""
    base = locales_dir(root)
    found = (
        sorted(
            p.name
            for p in base.iterdir()
            if p.is_dir() and p.name != "templates" and any(p.glob("*.po"))
        )
        if base.is_dir()
        else []
    )
    return ["en", *[x for x in found if x != "en"]]


def language_name(language: str, root: Path | None = None) -> str:
    """The name of a language for people: the ``X-Language-Name`` header of its catalogs."""
    import polib

    if language != "en":
        for path in sorted((locales_dir(root) / language).glob("*.po")):
            name = polib.pofile(str(path)).metadata.get(NAME_HEADER, "").strip()
            if name:
                return name
    return default_language_name(language)


def default_language_name(language: str) -> str:
    """The language's own name for itself (CLDR, via Babel), capitalized: 'Español', '日本語'."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(language).get_language_name(language) or language
    except (UnknownLocaleError, ValueError):
        return language
    return name[:1].upper() + name[1:]


def _kind(code: str) -> str:
    if _WIDGET.search(code):
        return "a widget label"
    if _PLOT.search(code):
        return "plot text"
    if "print(" in code:
        return "printed output"
    if _TABLE.search(code):
        return "a table"
    return "output of a code cell"


@dataclasses.dataclass(frozen=True)
class Problem:
    """A message that keeps a language from shipping."""

    language: str
    lesson: str
    kind: str  # "missing" | "untranslated" | "fuzzy"
    msgid: str

    def __str__(self) -> str:
        first = self.msgid.strip().splitlines()[0] if self.msgid.strip() else ""
        first = first if len(first) <= 70 else first[:67] + "..."
        return f"{self.language}: {self.lesson}: {self.kind} message: {first!r}"


def locales_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "course" / "locales"


def catalog_path(lesson: Lesson, language: str, root: Path | None = None) -> Path:
    return locales_dir(root) / language / f"{lesson.slug}.po"


def template(lesson: Lesson) -> Catalog:
    """The message template (.pot) of a lesson: its markdown cells, then its code's tr() strings."""
    cat = Catalog(
        domain=lesson.slug,
        project=PROJECT,
        header_comment=_HEADER.format(slug=lesson.slug),
        fuzzy=False,
    )
    source = f"course/lessons/{lesson.slug}.md"
    lines = lesson.cell_lines
    for index, msgid in lesson.messages():
        cat.add(msgid, locations=[(source, lines[index])])
    for message in lesson.code_messages():
        comments = [*message.comments, f"code: {message.code}", f"Shown as {_kind(message.code)}."]
        names = placeholders(message.msgid)
        flags = []
        if names:
            flags.append("python-brace-format")
            comments.append(
                "Keep the placeholders "
                + ", ".join("{" + n + "}" for n in sorted(names))
                + " (filled in by .format())."
            )
        existing = cat.get(message.msgid)
        if existing is not None:  # the same string in another cell: one more reference
            existing.locations.append((source, message.line))
            existing.auto_comments.extend(c for c in comments if c not in existing.auto_comments)
            continue
        cat.add(
            message.msgid,
            locations=[(source, message.line)],
            auto_comments=comments,
            flags=flags,
        )
    for text in lesson.code_texts():
        comments = _text_comments(lesson, text)
        existing = cat.get(text.msgid)
        if existing is not None:
            existing.locations.append((source, text.line))
            existing.auto_comments.extend(c for c in comments if c not in existing.auto_comments)
            continue
        cat.add(text.msgid, locations=[(source, text.line)], auto_comments=comments)
    return cat


def _text_comments(lesson: Lesson, text) -> list[str]:
    """The ``#.`` comments of a code comment or docstring: where it sits, how to keep it valid."""
    role = lesson.notebook.cells[text.cell].metadata.get("convlab", {})
    if text.kind == "docstring" and not text.code:
        if role.get("role") == "tests":
            where = f"docstring: the first line of test cell '{role['id']}' (students see it as a comment)"
        else:
            where = "docstring of a code cell"
    elif text.kind == "docstring":
        where = f"docstring of: {text.code}"
        if role.get("role") == "solution" and text.code.startswith("def "):
            where += " (the exercise's specification: keep every parameter, shape and dtype)"
    elif text.kind == "inline comment":
        where = f"code comment at the end of: {text.code}"
    else:
        where = f"code comment above: {text.code}" if text.code else "code comment"
    rule = (
        "Stays a Python docstring: no triple quotes, no backslashes; names in the code stay English."
        if text.kind == "docstring"
        else (
            "Stays a Python comment on its line (keep it short); names in the code stay English."
            if text.kind == "inline comment"
            else "Stays a Python comment (rewrapped to 100 columns); names in the code stay English."
        )
    )
    return [where, rule]


def load(lesson: Lesson, language: str, root: Path | None = None) -> Catalog | None:
    """A language's catalog of a lesson (Babel), previous msgids of fuzzy messages included."""
    import polib

    path = catalog_path(lesson, language, root)
    if not path.exists():
        return None
    with path.open("rb") as f:
        cat = read_po(f, locale=language, domain=lesson.slug)
    # Babel's reader drops "#| msgid" lines; polib reads them.
    for entry in polib.pofile(str(path)):
        if entry.previous_msgid and not entry.obsolete:
            message = cat.get(entry.msgid, context=entry.msgctxt)
            if message is not None:
                message.previous_id = [entry.previous_msgid]
    return cat


def _headers(path: Path) -> dict[str, str]:
    import polib

    return dict(polib.pofile(str(path)).metadata) if path.exists() else {}


def _serialize(cat: Catalog, extra_headers: dict[str, str] | None = None) -> bytes:
    """The catalog as PO text: Babel's writer, plus ``#| msgid`` lines and extra headers.

    Babel wraps long "#| msgid" lines into plain comments that come back as junk
    on the next read, and drops headers it does not know; both are added here
    in gettext's own format (as msgmerge writes them; polib reads them back).
    """
    from babel.messages.pofile import normalize

    buf = io.BytesIO()
    write_po(buf, cat, width=WIDTH, include_previous=False, include_lineno=True)
    lines = buf.getvalue().decode("utf-8").split("\n")
    messages = iter(list(cat))  # the header first, then the messages, as written
    out: list[str] = []
    in_header = False
    for line in lines:
        if line.startswith("msgid "):
            message = next(messages)
            in_header = message.id == ""
            if message.fuzzy and message.previous_id and not in_header:
                previous = normalize(message.previous_id[0], width=WIDTH).split("\n")
                out.append(f"#| msgid {previous[0]}")
                out.extend(f"#| {part}" for part in previous[1:])
        elif in_header and line == "":
            for key, value in (extra_headers or {}).items():
                if value:
                    out.append(normalize(f"{key}: {value}\n", width=0))
            in_header = False
        out.append(line)
    return "\n".join(out).encode("utf-8")


def _content(data: bytes) -> bytes:
    """The bytes of a catalog without its date header lines (for change detection)."""
    return b"\n".join(
        line
        for line in data.splitlines()
        if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date', b'"Generated-By'))
    )


def _write_if_changed(path: Path, cat: Catalog, extra_headers: dict | None = None) -> bool:
    data = _serialize(cat, extra_headers)
    if path.exists() and _content(path.read_bytes()) == _content(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def update(
    lessons: list[Lesson],
    languages: list[str],
    root: Path | None = None,
    *,
    name: str | None = None,
) -> list[Path]:
    """Write templates and merge them into each language's catalogs.

    New messages arrive untranslated; changed messages keep their old
    translation marked fuzzy (with the previous msgid), as msgmerge does;
    removed messages become obsolete.  Returns the files written.
    """
    written = []
    for lesson in lessons:
        pot = template(lesson)
        pot_path = locales_dir(root) / "templates" / f"{lesson.slug}.pot"
        if _write_if_changed(pot_path, pot):
            written.append(pot_path)
        for language in languages:
            if language == "en":
                continue
            cat = load(lesson, language, root)
            extra = {NAME_HEADER: name or language_name(language, root)}
            if cat is None:
                cat = Catalog(
                    locale=language,
                    domain=lesson.slug,
                    project=PROJECT,
                    header_comment=_HEADER.format(slug=lesson.slug),
                    fuzzy=False,
                )
            previous = {m.id: m.previous_id for m in cat if m.id and m.previous_id}
            cat.update(pot, update_creation_date=False)
            for message in cat:  # Babel's update forgets the previous msgid of a fuzzy message
                if message.fuzzy and not message.previous_id and message.id in previous:
                    message.previous_id = previous[message.id]
            path = catalog_path(lesson, language, root)
            if _write_if_changed(path, cat, extra):
                written.append(path)
    return written


def _all_msgids(lesson: Lesson) -> list[str]:
    ids = [msgid for _, msgid in lesson.messages()]
    ids += [m.msgid for m in lesson.code_messages()]
    ids += [t.msgid for t in lesson.code_texts()]
    return list(dict.fromkeys(ids))


def check(lessons: list[Lesson], languages: list[str], root: Path | None = None) -> list[Problem]:
    """Every message of every lesson that is missing, untranslated, fuzzy, or whose
    ``{placeholders}`` differ from the English."""
    from .comments import problem

    problems = []
    for lesson in lessons:
        texts = {t.msgid: t.kind for t in lesson.code_texts()}
        for message in lesson.code_messages():  # a tr() string too: its placeholders count
            texts.pop(message.msgid, None)
        for language in languages:
            if language == "en":
                continue
            cat = load(lesson, language, root)
            for msgid in _all_msgids(lesson):
                entry = cat.get(msgid) if cat is not None else None
                if entry is None:
                    problems.append(Problem(language, lesson.slug, "missing", msgid))
                elif entry.fuzzy:
                    problems.append(Problem(language, lesson.slug, "fuzzy", msgid))
                elif not entry.string:
                    problems.append(Problem(language, lesson.slug, "untranslated", msgid))
                elif placeholders(entry.string) != placeholders(msgid) and msgid not in texts:
                    problems.append(Problem(language, lesson.slug, "placeholders differ", msgid))
                elif msgid in texts and problem(texts[msgid], entry.string):
                    why = problem(texts[msgid], entry.string)
                    problems.append(Problem(language, lesson.slug, f"invalid ({why})", msgid))
    return problems


def translations(lesson: Lesson, language: str, root: Path | None = None) -> dict[str, str]:
    """msgid -> msgstr for the finished (non-fuzzy, non-empty) messages of a catalog."""
    if language == "en":
        return {msgid: msgid for msgid in _all_msgids(lesson)}
    cat = load(lesson, language, root)
    if cat is None:
        return {}
    return {m.id: m.string for m in cat if m.id and m.string and not m.fuzzy}


def code_translations(lesson: Lesson, language: str, root: Path | None = None) -> dict[str, str]:
    """The finished translations of the lesson's tr() strings (empty for English)."""
    if language == "en":
        return {}
    done = translations(lesson, language, root)
    return {m.msgid: done[m.msgid] for m in lesson.code_messages() if m.msgid in done}


def word_diff(old: str, new: str) -> str:
    """A word diff of two messages, ``[-removed-]{+added+}`` (as ``git diff --word-diff``)."""
    import difflib

    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


@dataclasses.dataclass
class Stats:
    """How far one lesson's catalog is translated in one language."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0  # missing from the catalog or empty

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated


def statistics(
    lessons: list[Lesson], languages: list[str], root: Path | None = None
) -> dict[tuple[str, str], Stats]:
    """Translated / fuzzy / untranslated message counts per (language, lesson)."""
    table = {}
    for language in languages:
        if language == "en":
            continue
        for lesson in lessons:
            cat = load(lesson, language, root)
            stats = Stats()
            for msgid in _all_msgids(lesson):
                message = cat.get(msgid) if cat is not None else None
                if message is None or not message.string:
                    stats.untranslated += 1
                elif message.fuzzy:
                    stats.fuzzy += 1
                else:
                    stats.translated += 1
            table[(language, lesson.slug)] = stats
    return table


def fuzzy_details(
    lessons: list[Lesson], languages: list[str], root: Path | None = None
) -> list[str]:
    """For each fuzzy message: where, the word diff of its English, and its old translation."""
    out = []
    for language in languages:
        for lesson in lessons:
            cat = load(lesson, language, root) if language != "en" else None
            if cat is None:
                continue
            for msgid in _all_msgids(lesson):
                message = cat.get(msgid)
                if message is None or not message.fuzzy:
                    continue
                old = message.previous_id[0] if message.previous_id else None
                change = word_diff(old, msgid) if old is not None else msgid
                out.append(
                    f"{language}: {lesson.slug}: fuzzy message\n"
                    f"  English (changes as [-removed-]{{+added+}}):\n    "
                    + change.replace("\n", "\n    ")
                    + "\n  translation to review:\n    "
                    + str(message.string).replace("\n", "\n    ")
                )
    return out
