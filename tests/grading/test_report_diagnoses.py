"""The class report groups diagnoses by mistake, across numbers and languages."""

from __future__ import annotations

import pytest

from convlab.grading.report import _diagnosis, diagnosis_id, diagnosis_label
from convlab.i18n import translate

# A diagnosis with placeholders and one without, as the checks write them.
WITH_NUMBERS = "Stopped after {seconds} s: {where} was still running (an infinite loop?). This exercise's remaining tests were not run."
WRAPPED = "Values wrapped around: uint8 arithmetic works modulo 256, so 250 + 10 gives 4. The exercise asks for saturation, as cv2.add does: results above 255 stay at 255, and results below 0 stay at 0."


@pytest.mark.parametrize("language", ["en", "es", "ja"])
def test_a_formatted_diagnosis_is_matched_back_to_its_message_in_every_language(language):
    text = translate(WITH_NUMBERS, language).format(seconds=60, where="cell 12")
    assert diagnosis_id(text, language) == WITH_NUMBERS
    # whatever language the report is written in
    assert diagnosis_id(text, "en") == WITH_NUMBERS
    assert diagnosis_id(translate(WRAPPED, language), language) == WRAPPED


@pytest.mark.parametrize("language", ["es", "ja"])
def test_the_same_mistake_counts_once_whatever_its_numbers_and_is_shown_in_the_course_language(
    language,
):
    label = translate("Diagnosis:", language)
    keys = set()
    for seconds in (30, 60):
        evalue = "\n".join(
            [
                "✗ something failed",
                f"{label} "
                + translate(WITH_NUMBERS, language).format(seconds=seconds, where="cell 3"),
            ]
        )
        key, text = _diagnosis({"ename": "AssertionError", "evalue": evalue}, language)
        keys.add(key)
    assert keys == {WITH_NUMBERS}
    assert text == diagnosis_label(WITH_NUMBERS, language)
    assert "{" not in text and "…" in text
    assert text != diagnosis_label(WITH_NUMBERS, "en")


def test_an_error_that_is_no_diagnosis_counts_by_its_first_line_numbers_normalized():
    key, text = _diagnosis({"ename": "NameError", "evalue": "name 'x2' is not defined (3)"}, "en")
    assert key == text == "NameError: name 'x2' is not defined (#)"


@pytest.mark.parametrize("language", ["ja", "es"])
def test_report_histogram_has_every_glyph_of_the_course_language(tmp_path, language):
    import warnings

    from convlab.grading.report import ClassReport, _language, _write_png

    report = ClassReport(
        lesson="02-convolution-from-scratch",
        language=language,
        students=["ana", "ben"],
        passed={},
        diagnoses=[],
        scores={"ana": 12.0, "ben": 9.0},
        max_score=12.0,
        failed={},
        flagged={},
    )
    for _ in range(2):  # the second report of a process too (the font is set per figure)
        with warnings.catch_warnings(record=True) as caught, _language(language):
            warnings.simplefilter("always")
            path = _write_png(tmp_path, report)
        assert not [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
