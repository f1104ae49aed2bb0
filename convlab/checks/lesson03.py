"""Checks for lesson 03, padding.

Introduced in lesson 03: ``same_pad_width``, ``pad_image``, ``correlate_same``.
Border modes are numpy.pad's: constant (zeros), edge, reflect, symmetric, wrap.
"""

from __future__ import annotations

import numpy as np

from convlab.i18n import gettext as _

from . import _oracles
from ._core import ArrayExercise, Case, Hypothesis, ScalarExercise, ShapeNote, frozen, joined
from .shared import MODES, WindowExercise, close_values, mode_explanation

__all__ = ["CorrelateSame", "PadImage", "SamePadWidth"]


def _max_pad(shape, mode: str) -> int:
    """The widest pad the checks ask for: wider than the image, as the lesson's strip shows.

    Lesson 03 pads a strip wider than itself to show what ``reflect`` and
    ``wrap`` do when they run out of pixels (they repeat, as numpy.pad does),
    so a border index must wrap around with a modulo, not just mirror once.
    ``reflect`` needs two pixels (its period is 2n - 2).
    """
    n = min(shape[:2])
    if mode == "reflect" and n < 2:
        return 0
    return 3 * n


class SamePadWidth(ScalarExercise):
    """``same_pad_width(k) -> (k - 1) // 2`` for odd `k`."""

    name = "same_pad_width"
    check_doc = """Check ``same_pad_width(k) -> int`` (lesson 03), for odd k.

    Parameters, raises: as :func:`image_info`.
    """
    example = "same_pad_width"
    arg_names = ("k",)

    def public_cases(self):
        return [Case((3,)), Case((5,)), Case((1,))]

    def hidden_cases(self, rng):
        return [Case((k,)) for k in (1, 3, 7, 9, 11, 31, 101)] + [
            Case((2 * int(rng.integers(0, 200)) + 1,)) for _i in range(10)
        ]

    def expected(self, case):
        return (case.args[0] - 1) // 2

    def hypotheses(self, case, expected):
        k = case.args[0]
        yield Hypothesis(
            _(
                "That is the total padding of both sides together; the function should return "
                "the width of one side."
            ),
            k - 1,
        )
        yield Hypothesis(
            _(
                "That is one more than needed: with that padding the output would grow by 2 "
                "instead of keeping the input's size."
            ),
            expected + 1,
        )
        yield Hypothesis(
            _("That is the kernel size itself, not the width of the border on one side."), k
        )


class PadImage(ArrayExercise):
    """``pad_image(image, p, mode)``: numpy.pad's modes on both spatial axes, from scratch."""

    name = "pad_image"
    check_doc = """Check ``pad_image(image, p, mode)`` (lesson 03): numpy.pad's modes, from scratch.

    `image` is 2-D; `p` pixels go on every side; the dtype is kept.  With
    `from_scratch`, ``numpy.pad``, ``cv2.copyMakeBorder`` and ``convlab.pad``
    are refused.  Parameters, raises: as :func:`correlate_valid`.
    """
    example = "pad_image"
    arg_names = ("image", "p", "mode")
    guard_groups = ("pad",)

    def scratch_message(self) -> str:
        return _(
            "✗ {check}: this exercise asks you to write the padding yourself, but {function} "
            "called {forbidden}. Library padding (numpy.pad, cv2.copyMakeBorder, convlab.pad) "
            "is not allowed here; creating arrays, slicing and assigning into slices are."
        )

    def public_cases(self):
        image = frozen(np.arange(1, 13, dtype=np.float64).reshape(3, 4))
        cases = [Case((image, 1, mode)) for mode in MODES]
        cases.append(Case((frozen(np.array([[1, 2, 3], [4, 5, 6]], np.uint8)), 2, "reflect")))
        cases.append(Case((frozen(np.array([[0.5, 1.5], [2.5, 3.5]], np.float32)), 1, "wrap")))
        # Padding wider than the image, as on the lesson's strip: the border repeats.
        strip = frozen(np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]))
        cases += [Case((strip, 5, mode)) for mode in ("reflect", "symmetric", "wrap")]
        return cases

    def hidden_cases(self, rng):
        cases = []
        for mode in MODES:
            for dtype in (np.uint8, np.float32, np.float64):
                h, w = (int(x) for x in rng.integers(2, 9, size=2))
                if h == w:
                    w += 1
                if dtype == np.uint8:
                    image = rng.integers(0, 256, size=(h, w), dtype=np.uint8)
                else:
                    image = rng.normal(size=(h, w)).astype(dtype)
                p = int(rng.integers(1, _max_pad((h, w), mode) + 1))
                cases.append(Case((frozen(image), p, mode)))
            cases.append(Case((frozen(np.array([[7.0]])), 0, mode)))  # p = 0
            if mode != "reflect":  # reflect needs two pixels to mirror
                cases.append(Case((frozen(np.array([[7.0]])), 1, mode)))
            cases.append(
                Case((frozen(np.arange(6.0).reshape(1, 6)), 1 if mode == "reflect" else 2, mode))
            )
        return [c for c in cases if c.args[1] <= _max_pad(c.args[0].shape, c.args[2])]

    def expected(self, case):
        return _oracles.pad(*case.args)

    def dtype_ok(self, case, expected, received):
        return received.dtype == case.args[0].dtype

    def error_note(self, case, error):
        image, p, mode = case.args
        if isinstance(error, IndexError) and mode != "constant" and p >= min(image.shape[:2]):
            return _(
                "Here the padding is wider than the image, as on the lesson's strip: the "
                "border keeps repeating the pattern of '{mode}', so a pixel's index must wrap "
                "around (a modulo by the pattern's period), not just mirror or wrap once."
            ).format(mode=mode)
        return None

    def hypotheses(self, case, expected):
        image, p, mode = case.args
        for other in MODES:
            if other != mode and p <= _max_pad(image.shape, other):
                yield Hypothesis(
                    joined(
                        _(
                            "Your padding matches numpy.pad's '{received}' mode, not '{mode}'."
                        ).format(received=other, mode=mode),
                        mode_explanation(mode),
                    ),
                    lambda other=other: _oracles.pad(image, p, other),
                    key=f"mode:{mode}->{other}",
                )
        yield Hypothesis(
            _("All the padding went before the image (top and left), none after it."),
            lambda: np.pad(image, [(2 * p, 0), (2 * p, 0)], mode=mode),
        )
        yield Hypothesis(
            _("All the padding went after the image (bottom and right), none before it."),
            lambda: np.pad(image, [(0, 2 * p), (0, 2 * p)], mode=mode),
        )
        if mode == "wrap" and p > 0:

            def same_side():
                top, bottom = image[:p], image[-p:]
                rows = np.concatenate([top, image, bottom], axis=0)
                left, right = rows[:, :p], rows[:, -p:]
                return np.concatenate([left, rows, right], axis=1)

            yield Hypothesis(
                _(
                    "The border copies rows and columns from the same side of the image; 'wrap' "
                    "takes them from the opposite side, as if the image were a tile repeated "
                    "in every direction."
                ),
                same_side,
            )
        if mode == "constant" and p > 0:
            for value in (1, 255, -1):
                yield Hypothesis(
                    _(
                        "Your border is filled with {value}; 'constant' mode fills it with 0."
                    ).format(value=value),
                    lambda value=value: np.pad(image.astype(np.float64), p, constant_values=value),
                )

    def shape_notes(self, case, expected, received):
        image, p, _mode = case.args
        h, w = image.shape
        yield ShapeNote(
            _("Only the rows were padded (top and bottom); the columns need padding too."),
            lambda: received.shape == (h + 2 * p, w),
        )
        yield ShapeNote(
            _("Only the columns were padded (left and right); the rows need padding too."),
            lambda: received.shape == (h, w + 2 * p),
        )
        yield ShapeNote(
            _("Each side got 2p pixels: p is the width of each side, not the total."),
            lambda: received.shape == (h + 4 * p, w + 4 * p),
        )
        yield ShapeNote(
            _("Only one side of each axis was padded: p pixels go on both sides."),
            lambda: received.shape == (h + p, w + p),
        )

    def diagnose(self, case, expected, received, rtol, atol):
        if close_values(received, expected) and received.dtype != expected.dtype:
            return _(
                "The values are right, but the padded image should keep the input's dtype "
                "({expected}); yours is {received}."
            ).format(expected=expected.dtype, received=received.dtype)
        return super().diagnose(case, expected, received, rtol, atol)


class CorrelateSame(WindowExercise):
    """``correlate_same(image, kernel, mode="constant")``: 'same' output, odd kernels."""

    name = "correlate_same"
    check_doc = """Check ``correlate_same(image, kernel, mode="constant")`` (lesson 03), odd kernels.

    Padding helpers (the student's ``pad_image``, even ``numpy.pad``) are
    allowed; library correlations are refused while `from_scratch` is true.
    Parameters, raises: as :func:`correlate_valid`.
    """
    example = "correlate_same"
    arg_names = ("image", "kernel", "mode")

    def public_cases(self):
        image = frozen(np.arange(1, 21, dtype=np.float64).reshape(4, 5))
        kernel = frozen(np.array([[1.0, 2.0, 4.0], [8.0, 16.0, 32.0], [64.0, 128.0, 256.0]]))
        return [
            Case((image, kernel)),  # the default mode
            Case((image, kernel, "edge")),
            Case((image, kernel, "reflect")),
            Case((image, frozen(np.array([[1.0, -1.0, 2.0]])), "wrap")),
            Case((frozen(image.astype(np.uint8) * 12), kernel, "symmetric")),
            Case((frozen(image.astype(np.float32) / 4), kernel, "constant")),
        ]

    def hidden_cases(self, rng):
        cases = []
        shapes = [(1, 1), (1, 3), (3, 1), (3, 3), (3, 5), (5, 3), (5, 5)]
        for index, (kh, kw) in enumerate(shapes):
            for mode in MODES:
                h, w = kh + int(rng.integers(0, 6)), kw + int(rng.integers(0, 6))
                if h == w:
                    w += 1
                dtype = (np.float64, np.float32, np.uint8)[(index + len(mode)) % 3]
                image = (
                    rng.integers(0, 256, size=(h, w))
                    if dtype == np.uint8
                    else rng.normal(size=(h, w))
                )
                kernel = frozen(rng.normal(size=(kh, kw)).round(3))
                cases.append(Case((frozen(np.asarray(image).astype(dtype)), kernel, mode)))
        # Kernel as large as the image, and the default mode on a random case.
        square = frozen(rng.normal(size=(5, 5)))
        cases.append(Case((square, frozen(rng.normal(size=(5, 5)).round(3)), "reflect")))
        cases.append(
            Case((frozen(rng.normal(size=(6, 9))), frozen(rng.normal(size=(3, 5)).round(3))))
        )
        return cases

    def expected(self, case):
        return _oracles.correlate_same(*case.args)

    def hypotheses(self, case, expected):
        image, kernel = case.args[:2]
        mode = case.args[2] if len(case.args) > 2 else "constant"
        ph, pw = (kernel.shape[0] - 1) // 2, (kernel.shape[1] - 1) // 2

        def padded(mode_, widths=None):
            widths = widths or [(ph, ph), (pw, pw)]
            return _oracles.correlate_valid(np.pad(image, widths, mode=mode_), kernel)

        yield Hypothesis(
            _(
                "Your output is the correlation without padding ('valid'): 'same' pads the "
                "image first so that the output has the image's size."
            ),
            lambda: _oracles.correlate_valid(image, kernel),
        )
        for other in MODES:
            if other == mode:
                continue
            if len(case.args) < 3:
                message = _(
                    "Called without `mode`, your function padded in '{received}' mode; the "
                    "default should be 'constant' (zeros)."
                ).format(received=other)
            else:
                message = _(
                    "Your output matches padding in '{received}' mode, but '{mode}' was asked."
                ).format(received=other, mode=mode)
            asked = mode if len(case.args) > 2 else "default"
            yield Hypothesis(
                message, lambda other=other: padded(other), key=f"mode:{asked}->{other}"
            )
        yield Hypothesis(
            _(
                "Your output is the convolution: the kernel was flipped (rotated by 180°). "
                "Correlation uses the kernel as it is."
            ),
            lambda: _oracles.correlate_same(image, kernel[::-1, ::-1], mode),
        )
        yield Hypothesis(
            _(
                "For a non-square kernel each axis needs its own padding; both axes were "
                "padded by the amount the kernel's height needs."
            ),
            lambda: padded(mode, [(ph, ph), (ph, ph)]),
        )
        yield Hypothesis(
            _(
                "For a non-square kernel each axis needs its own padding; both axes were "
                "padded by the amount the kernel's width needs."
            ),
            lambda: padded(mode, [(pw, pw), (pw, pw)]),
        )
        yield Hypothesis(
            _(
                "The padding is too wide: each side got k - 1 pixels, which gives the 'full' output."
            ),
            lambda: padded(mode, [(2 * ph, 2 * ph), (2 * pw, 2 * pw)]),
        )
        one_side = _(
            "Your output is shifted: all k - 1 padding pixels of each axis went on one side of "
            "the image. The output keeps the image's size, but each value belongs to a window "
            "centred elsewhere. 'same' pads (k - 1) / 2 on each side, centring the window."
        )
        yield Hypothesis(one_side, lambda: padded(mode, [(0, 2 * ph), (0, 2 * pw)]), key="one-side")
        yield Hypothesis(one_side, lambda: padded(mode, [(2 * ph, 0), (2 * pw, 0)]), key="one-side")

    def shape_notes(self, case, expected, received):
        image = case.args[0]
        yield ShapeNote(
            _("The output should have the same height and width as the image."),
            lambda: received.shape != image.shape,
        )


#: This lesson's exercises, in the order the lesson introduces them: the checks
#: of ``convlab.checks`` (functions, ``REGISTRY``) are made from this tuple.
EXERCISES = (
    SamePadWidth,
    PadImage,
    CorrelateSame,
)
