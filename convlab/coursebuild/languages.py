"""Add a language to the course with one command: ``convlab i18n init <code>``.

A language of the course is a folder of ``course/locales`` holding catalogs
(:func:`convlab.coursebuild.catalogs.languages`); nothing in the code lists them.
:func:`init` creates everything a translator then fills in:

- ``course/locales/<code>/<lesson>.po`` for every lesson (from the templates),
  with the language's name (``X-Language-Name``) and plural rule in the header;
- ``convlab/locales/<code>/convlab.po``, the library's messages (checks,
  widgets, plots), from ``convlab/locales/convlab.pot``;
- the JupyterLab language pack ``jupyterlab-language-pack-<ll>-<CC>`` in
  ``pyproject.toml``, ``environment.yml`` and ``binder/environment.yml``.

Then: translate the catalogs (any PO editor), preview with
``convlab build --preview <code>`` while some messages are missing, and run
``make build`` once ``convlab i18n check`` is clean.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import catalogs, library_catalogs
from .lessons import discover, repo_root

__all__ = ["init", "language_pack", "ENVIRONMENT_FILES"]

_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
#: Files that list the course's packages (tests/course/test_environment.py keeps them in step).
ENVIRONMENT_FILES = ("pyproject.toml", "environment.yml", "binder/environment.yml")
_PACK = re.compile(r"^(?P<indent>\s*)(?P<prefix>- |\")?jupyterlab-language-pack-[\w-]+\"?,?\s*$")


def language_pack(language: str) -> str:
    """The JupyterLab language pack of a language code: 'es' -> 'jupyterlab-language-pack-es-ES'.

    The territory is CLDR's likely one (via Babel) unless the code names it ('pt_BR').
    """
    from babel.core import get_global

    if "_" in language:
        lang, territory = language.split("_", 1)
    else:
        lang = language
        likely = get_global("likely_subtags").get(language, "")
        territory = likely.split("_")[-1] if "_" in likely else language.upper()
    return f"jupyterlab-language-pack-{lang}-{territory}"


def _add_pack(path: Path, pack: str) -> bool:
    """Add `pack` after the last language pack listed in `path`; False if already there."""
    text = path.read_text(encoding="utf-8")
    if pack in text:
        return False
    lines = text.splitlines(keepends=True)
    last = max((i for i, line in enumerate(lines) if _PACK.match(line)), default=None)
    if last is None:
        raise ValueError(f"{path}: no jupyterlab-language-pack line to add {pack} after")
    template = lines[last]
    new = re.sub(r"jupyterlab-language-pack-[\w-]+", pack, template, count=1)
    lines.insert(last + 1, new)
    path.write_text("".join(lines), encoding="utf-8")
    return True


def init(
    language: str,
    *,
    name: str | None = None,
    pack: str | None = None,
    root: Path | None = None,
    package: Path | None = None,
) -> list[Path]:
    """Create a new language's catalogs and list its JupyterLab language pack.

    Parameters
    ----------
    language : str
        A code such as ``"fr"`` or ``"pt_BR"``.
    name : str, optional
        The language's name for people (README table); default: its own
        name from CLDR, e.g. 'Français'.
    pack : str, optional
        The JupyterLab language pack; default :func:`language_pack`.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ValueError
        If `language` is not a language code, is English, or already exists.
    """
    root = root or repo_root()
    if not isinstance(language, str) or not _CODE.match(language):
        raise ValueError(f"`language` must be a code such as 'fr' or 'pt_BR'; got {language!r}")
    if language == "en":
        raise ValueError("`language` must not be 'en': English is the source language")
    if language in catalogs.languages(root):
        raise ValueError(f"{language!r} already has catalogs in {catalogs.locales_dir(root)}")
    written = catalogs.update(
        discover(root), [language], root, name=name or catalogs.default_language_name(language)
    )
    if package is None and (root / "convlab" / "locales").is_dir():
        package = root / "convlab"
    library_catalogs.update(language, package)
    written.append(library_catalogs.catalog_path(language, package))
    pack = pack or language_pack(language)
    for rel in ENVIRONMENT_FILES:
        path = root / rel
        if path.exists() and _add_pack(path, pack):
            written.append(path)
    return written
