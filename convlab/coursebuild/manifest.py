"""Content hashes of what a build read and wrote: a fast "is the course built?" test.

``convlab build`` records, per language, the SHA-256 of every input it read
(lesson sources, the language's lesson catalogs and templates, the library
catalogs, the build code itself and nbgrader's version) and of every file it
wrote under ``course/<lang>/``, in ``course/.build-manifest.json``.
``convlab build --up-to-date`` hashes the same files again and compares: a
few dozen files, well under a second, where rebuilding in a scratch directory
to compare byte for byte (``convlab build --check``, what the tests use)
takes minutes on a busy machine.  ``make lab`` uses the fast test and rebuilds
only when it fails.

This module imports nothing beyond the standard library, so the test stays fast.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

__all__ = ["MANIFEST", "record", "differences", "inputs", "outputs"]

#: Where the manifest lives, relative to the repository root.
MANIFEST = Path("course") / ".build-manifest.json"
_OUTPUTS = ("nbgrader_config.py", "source", "release")


def _root(root: Path | None) -> Path:
    return root or Path(__file__).resolve().parents[2]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(root: Path, patterns: list[str]) -> dict[str, str]:
    found = {}
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path.relative_to(root).as_posix()] = _sha(path)
    return found


def _nbgrader_version() -> str:
    try:
        return metadata.version("nbgrader")
    except metadata.PackageNotFoundError:  # pragma: no cover - nbgrader is a dependency
        return "missing"


def inputs(language: str, root: Path | None = None) -> dict[str, str]:
    """Hashes of everything the build of `language` reads, by relative path."""
    root = _root(root)
    found = _files(
        root,
        [
            "course/lessons/*.md",
            f"course/locales/{language}/*.po",
            "course/locales/templates/*",
            "convlab/locales/*/convlab.po",
            "convlab/coursebuild/*.py",
        ],
    )
    found["nbgrader version"] = _nbgrader_version()
    return found


def outputs(language: str, root: Path | None = None) -> dict[str, str]:
    """Hashes of the files the build of `language` wrote under ``course/<language>/``."""
    root = _root(root)
    base = f"course/{language}"
    return _files(
        root, [f"{base}/{part}" for part in _OUTPUTS] + [f"{base}/{p}/**/*" for p in _OUTPUTS[1:]]
    )


def _load(root: Path) -> dict:
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record(languages: list[str], root: Path | None = None) -> Path:
    """Write the hashes of `languages`' inputs and outputs (others' entries are kept)."""
    root = _root(root)
    data = _load(root)
    for language in languages:
        data[language] = {"inputs": inputs(language, root), "outputs": outputs(language, root)}
    path = root / MANIFEST
    text = json.dumps(dict(sorted(data.items())), indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def differences(languages: list[str], root: Path | None = None) -> list[str]:
    """What changed since the last build of `languages` (empty: the built course is current)."""
    root = _root(root)
    data = _load(root)
    changed = []
    for language in languages:
        entry = data.get(language)
        if not isinstance(entry, dict):
            changed.append(f"{language}: never built (no entry in {MANIFEST.as_posix()})")
            continue
        for kind, now in (("inputs", inputs(language, root)), ("outputs", outputs(language, root))):
            then = entry.get(kind, {})
            for path in sorted(set(now) | set(then)):
                if path not in then:
                    changed.append(f"{language}: {path}: new since the build")
                elif path not in now:
                    changed.append(f"{language}: {path}: gone since the build")
                elif now[path] != then[path]:
                    changed.append(f"{language}: {path}: changed since the build")
    return changed
