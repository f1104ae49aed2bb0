"""`convlab build --up-to-date`: content hashes recorded by the build, compared in well under a second."""

from __future__ import annotations

import shutil

from convlab.cli import main
from convlab.coursebuild import manifest
from convlab.i18n import LANGUAGES

from .conftest import ROOT


def test_the_committed_course_matches_its_recorded_hashes():
    assert manifest.differences(list(LANGUAGES), ROOT) == []


def test_the_manifest_covers_inputs_outputs_and_the_build_code():
    data = manifest.inputs("es", ROOT)
    assert any(p.startswith("course/lessons/") for p in data)
    assert any(p.startswith("course/locales/es/") for p in data)
    assert not any(p.startswith("course/locales/ja/") for p in data)
    assert "convlab/locales/es/convlab.po" in data
    assert "convlab/coursebuild/course.py" in data and "nbgrader version" in data
    built = manifest.outputs("es", ROOT)
    assert "course/es/nbgrader_config.py" in built
    assert any(p.startswith("course/es/release/") for p in built)
    assert any(p.startswith("course/es/source/") for p in built)


def _copy(tmp_path):
    root = tmp_path / "repo"
    for part in ("course", "convlab/coursebuild", "convlab/locales"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_any_change_to_a_source_or_a_built_file_is_seen(tmp_path):
    root = _copy(tmp_path)
    assert manifest.differences(["en", "es"], root) == []
    lesson = next((root / "course" / "lessons").glob("*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    catalog = next((root / "course" / "locales" / "es").glob("*.po"))
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    release = next((root / "course" / "en" / "release").rglob("*.ipynb"))
    release.unlink()
    changed = "\n".join(manifest.differences(["en", "es"], root))
    assert f"en: {lesson.relative_to(root).as_posix()}: changed" in changed
    assert f"es: {catalog.relative_to(root).as_posix()}: changed" in changed
    assert f"en: {release.relative_to(root).as_posix()}: gone" in changed
    assert "en: course/locales/es/" not in changed  # a language's build reads its own catalogs


def test_record_then_compare_round_trip_and_other_languages_are_kept(tmp_path):
    root = _copy(tmp_path)
    (root / manifest.MANIFEST).unlink()
    assert manifest.differences(["ja"], root) == [
        "ja: never built (no entry in course/.build-manifest.json)"
    ]
    manifest.record(["ja"], root)
    manifest.record(["en"], root)
    assert manifest.differences(["en", "ja"], root) == []
    assert manifest.differences(["es"], root) != []


def test_cli_up_to_date_exit_codes(capsys):
    assert main(["build", "--up-to-date"]) == 0
    assert "matches its sources" in capsys.readouterr().out
    assert main(["build", "--up-to-date", "--lang", "xx"]) == 1
    assert "never built" in capsys.readouterr().out
