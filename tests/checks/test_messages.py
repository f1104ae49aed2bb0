"""Check messages are translated into every course language, and used."""

from __future__ import annotations

import shutil

import polib
import pytest

import convlab.checks
from convlab.checks import CheckFailed
from convlab.coursebuild import library_catalogs
from convlab.i18n import LANGUAGES, set_language

from . import solutions as ok

TRANSLATED = [language for language in LANGUAGES if language != "en"]


@pytest.fixture(scope="module")
def messages():
    return library_catalogs.extract_messages()


def test_extraction_finds_the_check_messages(messages):
    ids = {m.msgid for m in messages}
    assert "Diagnosis:" in ids
    assert "✓ {check}: {function} passed {n} case." in ids
    plural = next(m for m in messages if m.msgid == "✓ {check}: {function} passed {n} case.")
    assert plural.msgid_plural == "✓ {check}: {function} passed all {n} cases."
    assert all(loc[0].startswith("convlab/") for m in messages for loc in m.locations)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_reviewed_translation(language, messages):
    entries = {e.msgid: e for e in polib.pofile(str(library_catalogs.catalog_path(language)))}
    missing = [m.msgid for m in messages if m.msgid not in entries]
    fuzzy = [m.msgid for m in messages if m.msgid in entries and entries[m.msgid].fuzzy]
    empty = [
        m.msgid
        for m in messages
        if m.msgid in entries
        and not (entries[m.msgid].msgstr or all(entries[m.msgid].msgstr_plural.values()))
    ]
    assert (missing, fuzzy, empty) == ([], [], [])


def test_catalog_check_reports_nothing():
    assert library_catalogs.check() == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", ["Entrada más pequeña que falla:", "Diagnóstico:", "el kernel se volteó", "casos"]),
        ("ja", ["不合格になった最小の入力：", "診断：", "カーネルが反転", "畳み込み"]),
    ],
)
def test_a_failing_check_speaks_the_notebook_language(language, expected):
    set_language(language)
    with pytest.raises(CheckFailed) as failed:
        convlab.checks.correlate_valid(ok.convolve_valid)
    text = str(failed.value)
    for fragment in expected:
        assert fragment in text
    assert "Smallest failing input" not in text


@pytest.mark.parametrize(
    ("language", "fragment"), [("es", "superó los"), ("ja", "件のケースに合格しました")]
)
def test_success_line_is_translated(language, fragment, capsys):
    set_language(language)
    convlab.checks.same_pad_width(ok.same_pad_width)
    assert fragment in capsys.readouterr().out


@pytest.mark.parametrize("language", TRANSLATED)
def test_from_scratch_and_read_only_messages_are_translated(language):
    set_language(language)
    with pytest.raises(CheckFailed) as failed:
        convlab.checks.pad_image(lambda im, p, mode: __import__("numpy").pad(im, p, mode=mode))
    assert "numpy.pad" in str(failed.value)
    assert "this exercise asks you" not in str(failed.value)
    with pytest.raises(AttributeError) as refused:
        convlab.checks.run = None
    assert "read-only" not in str(refused.value)


def test_update_keeps_translations_marks_changed_messages_fuzzy_and_drops_removed(tmp_path):
    package = tmp_path / "convlab"
    (package / "locales" / "es").mkdir(parents=True)
    source = package / "mod.py"
    source.write_text('_("Hello, {name}.")\n_("Gone soon")\nngettext("{n} cat", "{n} cats", n)\n')
    assert library_catalogs.extract(package) == ["Hello, {name}.", "Gone soon", "{n} cat"]
    assert library_catalogs.update("es", package) == {"kept": 0, "fuzzy": 0, "new": 3, "removed": 0}
    path = library_catalogs.catalog_path("es", package)
    po = polib.pofile(str(path))
    po.find("Hello, {name}.").msgstr = "Hola, {name}."
    po.find("Gone soon").msgstr = "Pronto se irá"
    po.find("{n} cat").msgstr_plural = {0: "{n} gato", 1: "{n} gatos"}
    po.save(str(path))
    assert library_catalogs.check(package, ["es"]) == []

    source.write_text(
        '_("Hello there, {name}.")\nngettext("{n} cat", "{n} cats", n)\n_("Brand new")\n'
    )
    counts = library_catalogs.update("es", package)
    assert counts == {"kept": 1, "fuzzy": 1, "new": 1, "removed": 2}
    po = polib.pofile(str(path))
    changed = po.find("Hello there, {name}.")
    assert (
        changed.fuzzy
        and changed.msgstr == "Hola, {name}."
        and changed.previous_msgid == "Hello, {name}."
    )
    assert po.find("Gone soon") is None
    assert po.find("{n} cat").msgstr_plural == {0: "{n} gato", 1: "{n} gatos"}
    problems = library_catalogs.check(package, ["es"])
    assert problems == [
        "es: fuzzy message: 'Hello there, {name}.'",
        "es: untranslated message: 'Brand new'",
    ]


def test_check_catches_a_translation_with_wrong_placeholders(tmp_path):
    package = tmp_path / "convlab"
    (package / "locales" / "ja").mkdir(parents=True)
    (package / "mod.py").write_text('_("Got {got}.")\n')
    library_catalogs.update("ja", package)
    path = library_catalogs.catalog_path("ja", package)
    po = polib.pofile(str(path))
    po.find("Got {got}.").msgstr = "受け取った値: {value}。"
    po.save(str(path))
    assert library_catalogs.check(package, ["ja"]) == ["ja: placeholders differ: 'Got {got}.'"]
    assert "Plural-Forms: nplurals=1" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", ["en", "../x", 3])
def test_update_refuses_english_and_odd_codes(bad, tmp_path):
    with pytest.raises(ValueError, match="language"):
        library_catalogs.update(bad, tmp_path)


def test_shipped_catalogs_are_in_sync_with_the_source(tmp_path):
    """update() on a copy of the package changes nothing: no new, fuzzy or removed message."""
    package = tmp_path / "convlab"
    shutil.copytree(
        library_catalogs.catalog_path("es").parents[2],
        package,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for language in TRANSLATED:
        before = library_catalogs.catalog_path(language, package).read_text(encoding="utf-8")
        counts = library_catalogs.update(language, package)
        assert counts["fuzzy"] == counts["new"] == counts["removed"] == 0
        after = library_catalogs.catalog_path(language, package).read_text(encoding="utf-8")
        assert after == before


def _failure(check, function) -> str:
    with pytest.raises(CheckFailed) as failed:
        check(function)
    return str(failed.value)


def test_japanese_messages_put_no_ascii_space_next_to_full_width_text():
    """`期待される結果： 1` and `。 (…の4行目)` break the project's Japanese style."""
    import re

    import numpy as np

    def broken(image, kernel):
        return [][1]

    set_language("ja")
    texts = [
        _failure(convlab.checks.correlate_valid, broken),
        _failure(convlab.checks.correlate_valid, ok.convolve_valid),
        _failure(convlab.checks.valid_output_size, lambda n, k: n - k),
        _failure(convlab.checks.pad_image, lambda im, p, mode: np.zeros((1, 1))),
    ]
    wide = "\u3000-\u30ff\u3400-\u9fff\uff00-\uffef"
    for text in texts:
        for line in text.splitlines():
            body = line.strip().split(" = ", 1)[-1]  # `image = ...` lines are code-like
            assert not re.search(f"[{wide}] ", body), line
            assert not re.search("[。、：] ?\\(", body), line
            assert not re.search("[。：]\\(", body), line
    assert "期待される結果：形状" in texts[1]
    assert re.search("（brokenの\\d+行目）", texts[0]), texts[0]


def test_english_and_spanish_keep_their_spaces():
    set_language("es")
    text = _failure(convlab.checks.correlate_valid, ok.convolve_valid)
    assert "Esperado: array" in text and "Diagnóstico: " in text
    set_language("en")
    text = _failure(convlab.checks.correlate_valid, lambda image, kernel: [][1])
    assert "Expected: array" in text and "this input. (line " in text
