"""The from-scratch guard: library calls are caught however they were bound."""

from __future__ import annotations

import functools
import sys
import textwrap
import threading

import cv2
import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
from scipy.signal import correlate2d as renamed_correlate2d

import convlab
import convlab.checks
from convlab.checks import CheckFailed, TamperingDetected
from tests.subprocess_python import run_python

from . import solutions as ok


def _valid(image, kernel, full):
    kh, kw = kernel.shape
    return full[
        kh // 2 : kh // 2 + image.shape[0] - kh + 1, kw // 2 : kw // 2 + image.shape[1] - kw + 1
    ]


def via_attribute(image, kernel):
    return scipy.signal.correlate2d(image, kernel, mode="valid")


def via_renamed_import(image, kernel):
    return renamed_correlate2d(image, kernel, mode="valid")


def via_default_argument(image, kernel, _library=scipy.signal.correlate2d):
    return _library(image, kernel, mode="valid")


_lambda = lambda image, kernel: scipy.signal.correlate2d(image, kernel, "valid")  # noqa: E731
_partial = functools.partial(scipy.signal.correlate2d, mode="valid")


def via_lambda(image, kernel):
    return _lambda(image, kernel)


def via_partial(image, kernel):
    return _partial(image, kernel)


def via_helper(image, kernel):
    def helper(a, b):
        return scipy.signal.fftconvolve(a, b[::-1, ::-1], mode="valid")

    return helper(image, kernel)


def via_ndimage(image, kernel):
    full = scipy.ndimage.correlate(image.astype(float), kernel, mode="constant")
    return _valid(image, kernel, full)


def via_cv2(image, kernel):
    full = cv2.filter2D(
        image.astype(np.float64), -1, kernel.astype(np.float64), borderType=cv2.BORDER_CONSTANT
    )
    return _valid(image, kernel, full)


_cv2_partial = functools.partial(cv2.filter2D, ddepth=-1, borderType=cv2.BORDER_CONSTANT)


def via_cv2_partial(image, kernel):
    return _valid(
        image, kernel, _cv2_partial(image.astype(np.float64), kernel=kernel.astype(np.float64))
    )


def via_numpy_convolve(image, kernel):
    rows = [
        sum(
            np.correlate(image[i + u].astype(float), kernel[u], mode="valid")
            for u in range(kernel.shape[0])
        )
        for i in range(image.shape[0] - kernel.shape[0] + 1)
    ]
    return np.array(rows)


def via_convlab_reference(image, kernel):
    return convlab.correlate2d(image, kernel)


def via_convlab_loops(image, kernel):
    return convlab.correlate2d_loops(image, kernel)


class Correlator:
    def run(self, image, kernel):
        return scipy.signal.correlate2d(image, kernel, mode="valid")


_CORRELATOR = Correlator()


def via_bound_method(image, kernel, _method=_CORRELATOR.run):
    return _method(image, kernel)


def via_thread(image, kernel):
    out = {}
    worker = threading.Thread(
        target=lambda: out.update(r=scipy.signal.correlate2d(image, kernel, "valid"))
    )
    worker.start()
    worker.join()
    return out["r"]


@pytest.mark.parametrize(
    ("cheat", "reported"),
    [
        (via_attribute, "scipy.signal.correlate2d"),
        (via_renamed_import, "scipy.signal.correlate2d"),
        (via_default_argument, "scipy.signal.correlate2d"),
        (via_lambda, "scipy.signal.correlate2d"),
        (via_partial, "scipy.signal.correlate2d"),
        (via_helper, "scipy.signal.fftconvolve"),
        (via_ndimage, "scipy.ndimage.correlate"),
        (via_cv2, "cv2.filter2D"),
        (via_cv2_partial, "cv2.filter2D"),
        (via_numpy_convolve, "numpy.correlate"),
        (via_convlab_reference, "convlab.convolution."),
        (via_convlab_loops, "convlab.convolution."),
        (via_bound_method, "scipy.signal.correlate2d"),
        (via_thread, "scipy.signal.correlate2d"),
    ],
    ids=lambda x: getattr(x, "__name__", x),
)
def test_library_correlation_fails_correlate_valid(cheat, reported):
    with pytest.raises(CheckFailed, match="compute the correlation yourself") as failed:
        convlab.checks.correlate_valid(cheat)
    assert reported in str(failed.value)


def test_library_convolution_fails_convolve_valid_but_own_correlation_passes(capsys):
    with pytest.raises(CheckFailed, match="called scipy.signal.convolve2d"):
        convlab.checks.convolve_valid(lambda im, k: scipy.signal.convolve2d(im, k, "valid"))
    convlab.checks.convolve_valid(lambda im, k: ok.correlate_loops(im, k[::-1, ::-1]))
    assert "passed" in capsys.readouterr().out


def test_vectorized_numpy_is_allowed(capsys):
    convlab.checks.correlate_valid(ok.correlate_vectorized, hidden=True, seed=3)
    convlab.checks.correlate_same(ok.correlate_same, hidden=True, seed=3)
    assert capsys.readouterr().out.count("✓") == 2


def test_correlate_same_may_use_numpy_pad_but_not_a_library_filter(capsys):
    def with_numpy_pad(image, kernel, mode="constant"):
        ph, pw = (kernel.shape[0] - 1) // 2, (kernel.shape[1] - 1) // 2
        return ok.correlate_vectorized(np.pad(image, [(ph, ph), (pw, pw)], mode=mode), kernel)

    convlab.checks.correlate_same(with_numpy_pad)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="called scipy.ndimage.correlate"):
        convlab.checks.correlate_same(
            lambda im, k, mode="constant": scipy.ndimage.correlate(
                im.astype(float), k, mode="constant"
            )
        )


def test_from_scratch_can_be_switched_off_by_the_lesson(capsys):
    convlab.checks.correlate_valid(via_attribute, from_scratch=False)
    assert "✓" in capsys.readouterr().out


_pad_partial = functools.partial(np.pad, mode="edge")
_border_partial = functools.partial(cv2.copyMakeBorder, borderType=cv2.BORDER_REPLICATE)


@pytest.mark.parametrize(
    ("cheat", "reported"),
    [
        (lambda im, p, mode: np.pad(im, p, mode=mode), "numpy.pad"),
        (lambda im, p, mode, _pad=np.pad: _pad(im, p, mode=mode), "numpy.pad"),
        (
            lambda im, p, mode: (
                _pad_partial(im, p) if mode == "edge" else ok.pad_image(im, p, mode)
            ),
            "numpy.pad",
        ),
        (
            lambda im, p, mode: cv2.copyMakeBorder(im, p, p, p, p, cv2.BORDER_CONSTANT),
            "cv2.copyMakeBorder",
        ),
        (
            lambda im, p, mode: (
                _border_partial(im, p, p, p, p) if mode == "edge" else ok.pad_image(im, p, mode)
            ),
            "cv2.copyMakeBorder",
        ),
        (lambda im, p, mode: convlab.pad(im, p, mode), "convlab.padding.pad"),
    ],
    ids=["numpy", "captured", "partial", "cv2", "cv2-partial", "convlab"],
)
def test_library_padding_fails_pad_image(cheat, reported):
    with pytest.raises(CheckFailed, match="write the padding yourself") as failed:
        convlab.checks.pad_image(cheat)
    assert reported in str(failed.value)


def _switch_off(image, kernel):
    sys.setprofile(None)
    return scipy.signal.correlate2d(image, kernel, "valid")


def _own_hook(image, kernel):
    sys.setprofile(lambda *args: None)
    return scipy.signal.correlate2d(image, kernel, "valid")


def _thread_hook(image, kernel):
    threading.setprofile(None)
    return ok.correlate_loops(image, kernel)


def _through_c(image, kernel):
    functools.partial(sys.setprofile, None)()  # no 'c_call' event: the audit hook sees it
    return ok.correlate_loops(image, kernel)


def _peek(image, kernel):
    sys.getprofile()
    return ok.correlate_loops(image, kernel)


@pytest.mark.parametrize("tamper", [_switch_off, _own_hook, _thread_hook, _through_c, _peek])
def test_disabling_the_guard_is_tampering(tamper):
    with pytest.raises(TamperingDetected, match="switched off or replaced the profiler"):
        convlab.checks.correlate_valid(tamper)
    assert sys.getprofile() is None


def test_guard_restores_a_previous_profiler():
    calls = []

    def mine(frame, event, arg):
        calls.append(event)

    sys.setprofile(mine)
    try:
        convlab.checks.correlate_valid(ok.correlate_loops)
        assert sys.getprofile() is mine
    finally:
        sys.setprofile(None)


@pytest.mark.slow  # a fresh interpreter (tests/subprocess_python.py): make test runs it
def test_library_imported_during_the_call_is_caught():
    """A library not loaded when the check starts is listed once the function imports it."""
    code = textwrap.dedent(
        """
        import sys
        import convlab.checks
        assert "scipy.signal" not in sys.modules
        def cheat(image, kernel):
            import scipy.signal
            return scipy.signal.correlate2d(image, kernel, "valid")
        try:
            convlab.checks.correlate_valid(cheat)
        except convlab.checks.CheckFailed as error:
            print("REJECTED", error)
        """
    )
    result = run_python(code, check=False)
    assert "REJECTED" in result.stdout, result.stderr
    assert "scipy.signal.correlate2d" in result.stdout
