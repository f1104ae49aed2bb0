"""gettext catalogs of the lessons: one ``.po`` per lesson and language.

A message is one markdown cell of the English source.  Catalogs live in
``course/locales/<lang>/<lesson>.po`` with templates in
``course/locales/templates/<lesson>.pot``; any gettext tool (Poedit, Weblate,
msgmerge) can edit them.  Reading, writing and merging (with fuzzy matching of
changed messages, as msgmerge does) is Babel's.

Adding a language: ``convlab i18n update --lang fr`` creates its catalogs from
the templates; translate them; add the code to :data:`convlab.i18n.LANGUAGES`
and the lesson list in the README.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .lessons import Lesson, repo_root

__all__ = ["Problem", "template", "load", "update", "check", "translations"]

PROJECT = "ConvLab"
_HEADER = (
    "# ConvLab lesson catalog: {slug}\n"
    "# Translate each markdown cell; keep Markdown, math ($...$), code spans and links intact.\n"
    "#"
)


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
    """The message template (.pot) of a lesson."""
    cat = Catalog(
        domain=lesson.slug,
        project=PROJECT,
        header_comment=_HEADER.format(slug=lesson.slug),
        fuzzy=False,
    )
    for _, msgid in lesson.messages():
        cat.add(msgid, locations=[(f"course/lessons/{lesson.slug}.md", None)])
    return cat


def load(lesson: Lesson, language: str, root: Path | None = None) -> Catalog | None:
    path = catalog_path(lesson, language, root)
    if not path.exists():
        return None
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=lesson.slug)


def _serialize(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    # include_previous=False: Babel wraps long "#| msgid" lines into plain comments
    # that come back as junk on the next read; the fuzzy flag is what matters.
    write_po(buf, cat, width=76, include_previous=False, include_lineno=False)
    return buf.getvalue()


def _content(data: bytes) -> bytes:
    """The bytes of a catalog without its date header lines (for change detection)."""
    return b"\n".join(
        line
        for line in data.splitlines()
        if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date', b'"Generated-By'))
    )


def _write_if_changed(path: Path, cat: Catalog) -> bool:
    data = _serialize(cat)
    if path.exists() and _content(path.read_bytes()) == _content(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def update(lessons: list[Lesson], languages: list[str], root: Path | None = None) -> list[Path]:
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
            if cat is None:
                cat = Catalog(
                    locale=language,
                    domain=lesson.slug,
                    project=PROJECT,
                    header_comment=_HEADER.format(slug=lesson.slug),
                    fuzzy=False,
                )
            cat.update(pot, update_creation_date=False)
            path = catalog_path(lesson, language, root)
            if _write_if_changed(path, cat):
                written.append(path)
    return written


def check(lessons: list[Lesson], languages: list[str], root: Path | None = None) -> list[Problem]:
    """Every message of every lesson that is missing, untranslated or fuzzy."""
    problems = []
    for lesson in lessons:
        for language in languages:
            if language == "en":
                continue
            cat = load(lesson, language, root)
            for _, msgid in lesson.messages():
                message = cat.get(msgid) if cat is not None else None
                if message is None:
                    problems.append(Problem(language, lesson.slug, "missing", msgid))
                elif message.fuzzy:
                    problems.append(Problem(language, lesson.slug, "fuzzy", msgid))
                elif not message.string:
                    problems.append(Problem(language, lesson.slug, "untranslated", msgid))
    return problems


def translations(lesson: Lesson, language: str, root: Path | None = None) -> dict[str, str]:
    """msgid -> msgstr for the finished (non-fuzzy, non-empty) messages of a catalog."""
    if language == "en":
        return {msgid: msgid for _, msgid in lesson.messages()}
    cat = load(lesson, language, root)
    if cat is None:
        return {}
    return {m.id: m.string for m in cat if m.id and m.string and not m.fuzzy}
