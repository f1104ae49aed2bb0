"""The English-output scan's rules (tests/course/english.py) on lines written for them.

The scan itself runs on nbval's execution of every Spanish and Japanese
notebook (tests/notebook_runs.py): one ``student-language`` item per notebook.
"""

from __future__ import annotations

import pytest

from .english import code_names, leaks, untranslated


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("pixels that wrapped: 12%", ["pixels", "that", "wrapped"]),
        ("forma: (512, 512, 3)", []),
        ("tamaño del archivo: 424520 bytes", []),
        ("形状：(512, 512, 3)", []),
        ("np.sum(window * kernel): -3", []),
        ("<class 'numpy.ndarray'>", []),
        ("3x3 kernel: valid_output_size = 510", []),
        ("border darkened by: 0.1", ["border", "darkened", "by"]),
    ],
)
def test_the_english_detector(line, words):
    assert untranslated("es", line) == words


@pytest.mark.parametrize(
    ("line", "found"),
    [
        # booleans shown to students, even next to code
        ("píxeles idénticos: True", ["boolean: True"]),
        ("np.array_equal(a, b): False", ["boolean: False"]),
        ("結果：None", ["boolean: None"]),
        # a mode name or a value in quotes is code, not a boolean shown
        ("padding='same', use_bias=False", []),
        # a ratio with an English x; 3x3 and 3 x 3 are sizes
        ("más rápido: 1269.0x", ["multiplier: 1269.0x"]),
        ("速度：12x", ["multiplier: 12x"]),
        ("un kernel 3x3, 5 x 5", []),
        ("más rápido: 12,5×", []),
        # object reprs and library class names
        (
            "tu función devolvió <convlab.checks.lesson11.FakeClock object at 0x7f3a2c>",
            ["repr: <convlab.checks.lesson11.FakeClock object at 0x7f3a2c>"],
        ),
        ("se llamó FakeFunction con otros argumentos", ["class name: FakeFunction"]),
        ("<function convolve at 0x7f00aa>", ["repr: <function convolve at 0x7f00aa>"]),
        ("TensorFlow y OpenCV", []),
        # a benchmark method id where its name is meant; quoted, it is the code's value
        ("método más rápido: numpy-separable", ["method id: numpy-separable"]),
        ("fastest_method(resultados) = 'numpy-separable'", []),
        # untranslated table headers
        ("method   median (ms)   speedup", ["method", "median", "speedup"]),
    ],
)
def test_the_leak_rules(line, found):
    assert leaks("es", line) == found


def test_a_code_name_is_exempt_only_where_the_english_prose_does_not_use_it_as_a_word():
    names = code_names("02-convolution-from-scratch")
    assert "convolve_valid" in names  # an identifier only
    assert "image" not in names  # a variable, and a word of the English lessons
    assert "True" not in names and "None" not in names


def test_a_function_the_lesson_defines_is_a_code_name_even_if_it_is_a_word():
    assert "separate" in code_names("08-gaussian-and-separable")
