"""A translator adds a language with one command, in a copy of the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import polib
import pytest

from .conftest import ROOT

COPIED = (
    "convlab",
    "course/lessons",
    "course/locales",
    "README.md",
    "pyproject.toml",
    "environment.yml",
    "binder",
)


@pytest.fixture
def repo_copy(tmp_path):
    for rel in COPIED:
        src, dest = ROOT / rel, tmp_path / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest)
    return tmp_path


def _convlab(root, *args):
    """Run the copy's own `convlab` command (its package first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "convlab.cli", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_one_command_creates_a_language_and_a_preview_builds(repo_copy):
    readme = (repo_copy / "README.md").read_text(encoding="utf-8")
    made = _convlab(repo_copy, "i18n", "init", "fr")
    assert made.returncode == 0, made.stderr

    # Catalogs for every lesson and for the library, with name and French plural rule.
    lessons = sorted(p.stem for p in (repo_copy / "course" / "lessons").glob("*.md"))
    for slug in lessons:
        po = polib.pofile(str(repo_copy / "course" / "locales" / "fr" / f"{slug}.po"))
        assert po.metadata["X-Language-Name"] == "Français"
        assert po.metadata["Plural-Forms"].startswith("nplurals=")
        assert len(po) > 0 and not po.translated_entries()
    library = polib.pofile(str(repo_copy / "convlab" / "locales" / "fr" / "convlab.po"))
    assert "n == 0 || n == 1" in library.metadata["Plural-Forms"]  # CLDR: French 0 is singular
    for rel in ("pyproject.toml", "environment.yml", "binder/environment.yml"):
        assert "jupyterlab-language-pack-fr-FR" in (repo_copy / rel).read_text(), rel

    # The language is reported, by lesson, and is not shipped while untranslated.
    checked = _convlab(repo_copy, "i18n", "check", "--lang", "fr")
    assert checked.returncode == 1 and "fr        01-images-as-arrays" in checked.stdout
    shipped = _convlab(repo_copy, "build", "--lang", "fr")
    assert shipped.returncode == 1 and "fr: 01-images-as-arrays" in shipped.stderr

    # Translate one message, then preview: English elsewhere, marked.
    first = lessons[0]
    path = repo_copy / "course" / "locales" / "fr" / f"{first}.po"
    po = polib.pofile(str(path))
    po[0].msgstr = "# Les images comme tableaux\n\nTraduit."
    po.save(str(path))
    preview = _convlab(repo_copy, "build", "--preview", "fr")
    assert preview.returncode == 0, preview.stderr
    built = repo_copy / "build" / "preview" / "fr" / "release" / first / f"{first}.ipynb"
    nb = json.loads(built.read_text(encoding="utf-8"))
    markdown = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert markdown[0].startswith("# Les images comme tableaux")
    assert all("not translated yet" in m for m in markdown[1:])
    assert nb["metadata"]["convlab"]["language"] == "fr"
    assert nb["metadata"]["convlab"]["preview"] is True

    # Nothing shipped changed: no course/fr, the README's table untouched.
    assert not (repo_copy / "course" / "fr").exists()
    assert (repo_copy / "README.md").read_text(encoding="utf-8") == readme


def test_init_refuses_existing_and_malformed_languages(repo_copy):
    for code, message in (("ja", "already has catalogs"), ("french", "a code such as")):
        result = _convlab(repo_copy, "i18n", "init", code)
        assert result.returncode == 1 and message in result.stderr
