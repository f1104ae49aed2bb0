"""Exercise checks: public feedback, hidden grading, diagnoses, a from-scratch guard.

Every check takes the student's function and runs it on a list of cases::

    convlab.checks.correlate_valid(correlate_loops)                # public cell
    convlab.checks.correlate_valid(correlate_loops, hidden=True)   # more cases

On success it prints one line (``✓ correlate_valid: correlate_loops passed all
4 cases.``) and returns None.  On failure it raises :class:`CheckFailed`, an
`AssertionError` (so nbgrader marks the cell as failed), whose message, in the
notebook's language (``convlab.set_language``), names the smallest input the
function failed on, shows what was expected and what was received, and
diagnoses the mistake when it can confirm one.  A diagnosis is a tested
hypothesis: the check computes what the mistake (a flipped kernel, a loop that
stops one step early, the wrong border mode, uint8 wrap-around...) would have
produced and compares it with the student's output.

``hidden=True`` adds randomized cases, drawn from a fresh seed on every run
(``seed=`` repeats a run; the failure message prints the seed), and edge cases:
1x1 kernels, kernels as large as the image, non-square images and kernels,
gray and color images, uint8, float32 and float64 inputs.

Exercises written "from scratch" (``correlate_valid``, ``convolve_valid``,
``pad_image``, ``correlate_same``, ``correlate_strided``, ``max_pool2d``,
``avg_pool2d``, ``block_mean``, ``enlarge_nearest``, ``pixelate``;
``from_scratch=True`` by default) fail when
the student's function calls the reference solution or a library convolution,
filter or padding function, however it was bound; see
``convlab.checks._scratch`` for the list and how calls are seen.

What a lesson's test cells contain
----------------------------------
Public (visible) test cell::

    convlab.checks.correlate_valid(correlate_loops)

Hidden test cell (between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``)::

    from convlab.checks import run
    run("correlate_valid", correlate_loops, hidden=True)

The hidden form imports ``run`` through ``sys.modules`` in the cell itself, so
it does not depend on the notebook's ``convlab`` variable (a student cell can
rebind that name to anything); ``run`` then verifies the checks before and
after running them.

Threat model
------------
The grader and the student's code share one Python process: nbgrader executes
the student's cells, then the test cells, in the same kernel.  Nothing inside
that process can be made tamper-proof against code written to defeat it, and
this package does not pretend otherwise.  What it does:

- **Rebinding or deleting** an attribute of ``convlab.checks`` or of any of its
  submodules (``convlab.checks.correlate_valid = lambda f, **k: None``) raises
  AttributeError: the modules are read-only (:class:`ReadOnlyModule`).
- **Bypassing that** (``vars(module)[name] = ...``, ``object.__setattr__``),
  editing a check's ``__code__`` or defaults, mutating the registry or the case
  data, adding a global that shadows a builtin, replacing ``convlab.checks`` in
  ``sys.modules`` or on the ``convlab`` package, or replacing a NumPy function
  the checks compute with: ``run`` (and every check with ``hidden=True``) first
  compiles the package's files afresh from disk and compares them with the
  live modules; any difference raises :class:`TamperingDetected` naming it.
  The comparison is repeated after the student's function has run, so
  tampering done *by* the function during the check is caught too.
- **Switching off the from-scratch guard** (``sys.setprofile``,
  ``threading.setprofile``, also from C through ``functools.partial``, seen by
  an audit hook) fails the check as tampering.

What it does not do: the entry point itself is the one thing that cannot
verify itself.  Code that targets it deliberately (replacing ``run`` with
``vars(convlab.checks)["run"] = ...`` or the module object in ``sys.modules``
before the hidden cell runs, patching ``builtins`` or ``importlib``, writing
to the installed files while autograding) can still fake a pass.  Such code is
in the submission for anyone to read: :func:`scan_source` flags it, and the
grading pipeline should run that scan out of process on every submission.
Locked test cells themselves are protected by nbgrader's checksums.

Introduced in lesson 01, images as arrays (its first test cells).
"""

from __future__ import annotations

import types as _types

from . import (
    _core,
    _integrity,
    lesson01,
    lesson02,
    lesson03,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
    lesson09,
    lesson10,
    lesson11,
)
from ._errors import CheckFailed, TamperingDetected
from ._integrity import ReadOnlyModule, verify
from ._scan import scan_notebook, scan_source

__all__ = [
    "CheckFailed",
    "REGISTRY",
    "ReadOnlyModule",
    "TamperingDetected",
    "avg_pool2d",
    "avg_pool_kernel",
    "bgr_to_rgb",
    "block_mean",
    "blur_kernel",
    "blur_separable",
    "brighten",
    "conv2d_params",
    "conv_output_size",
    "convolve_valid",
    "correlate_same",
    "correlate_strided",
    "correlate_valid",
    "depthwise_conv2d",
    "depthwise_to_conv2d_kernel",
    "edge_map",
    "gaussian_1d",
    "gradient_magnitude",
    "enlarge_nearest",
    "fastest_method",
    "identity_kernel",
    "image_info",
    "macs_per_pixel",
    "max_pool2d",
    "pad_image",
    "param_counts",
    "pixelate",
    "run",
    "same_pad_width",
    "same_padding",
    "scan_notebook",
    "scan_source",
    "separate",
    "sobel_gradients",
    "time_median",
    "to_grayscale",
    "valid_output_size",
    "verify",
]


def _check(exercise, student_fn, hidden, seed, from_scratch=False) -> None:
    if not hidden:
        _core.run_exercise(exercise, student_fn, hidden=False, seed=seed, from_scratch=from_scratch)
        return
    _integrity.ensure_intact(exercise.name)
    try:
        _core.run_exercise(exercise, student_fn, hidden=True, seed=seed, from_scratch=from_scratch)
    finally:
        # Tampering done by the student's function during the run explains
        # (and takes precedence over) whatever the run concluded.
        _integrity.ensure_intact(exercise.name)


def image_info(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``image_info(image) -> (height, width, channels)`` (lesson 01).

    A 2-D (grayscale) image counts as one channel.

    Parameters
    ----------
    student_fn : callable
        The student's function.
    hidden : bool, optional
        Also run randomized and edge cases (hidden test cells).
    seed : int, optional
        Seed of the randomized cases; fresh per run when None.

    Raises
    ------
    CheckFailed
        With a localized report of the smallest failing case.
    """
    _check(lesson01.ImageInfo(), student_fn, hidden, seed)


def to_grayscale(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``to_grayscale(rgb)`` (lesson 01): float64 (H, W) in [0, 1], ``rgb2gray``'s weights.

    uint8 input is scaled by 1/255; float input is taken to be in [0, 1].
    Parameters, raises: as :func:`image_info`.
    """
    _check(lesson01.ToGrayscale(), student_fn, hidden, seed)


def bgr_to_rgb(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``bgr_to_rgb(image)`` (lesson 01): channel order reversed, dtype kept.

    The input must not be modified.  Parameters, raises: as :func:`image_info`.
    """
    _check(lesson01.BgrToRgb(), student_fn, hidden, seed)


def brighten(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``brighten(image, amount) -> uint8`` (lesson 01), saturating like ``cv2.add``.

    Negative amounts darken, saturating at 0.  Parameters, raises: as :func:`image_info`.
    """
    _check(lesson01.Brighten(), student_fn, hidden, seed)


def valid_output_size(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``valid_output_size(n, k) -> int`` (lesson 02), for 1 <= k <= n.

    Parameters, raises: as :func:`image_info`.
    """
    _check(lesson02.ValidOutputSize(), student_fn, hidden, seed)


def correlate_valid(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check a valid 2-D correlation, ``correlate_loops`` or ``correlate_vectorized`` (lesson 02).

    Any numeric output dtype is accepted if the values are right (results are
    compared in float64).  Kernels may be non-square, even-sized, 1x1 or as
    large as the image.

    Parameters
    ----------
    student_fn : callable
        ``f(image, kernel) -> ndarray``.
    hidden : bool, optional
        Also run randomized and edge cases.
    seed : int, optional
        Seed of the randomized cases; fresh per run when None.
    from_scratch : bool, optional
        Fail if the function calls a library convolution or filter (default).

    Raises
    ------
    CheckFailed
        With a localized report of the smallest failing case.
    """
    _check(lesson02.CorrelateValid(), student_fn, hidden, seed, from_scratch)


def convolve_valid(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check a valid 2-D convolution, ``convolve_valid(image, kernel)`` (lesson 02).

    The student may call their own correlation; library convolutions are
    refused while `from_scratch` is true.  Parameters, raises: as
    :func:`correlate_valid`.
    """
    _check(lesson02.ConvolveValid(), student_fn, hidden, seed, from_scratch)


def same_pad_width(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``same_pad_width(k) -> int`` (lesson 03), for odd k.

    Parameters, raises: as :func:`image_info`.
    """
    _check(lesson03.SamePadWidth(), student_fn, hidden, seed)


def pad_image(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``pad_image(image, p, mode)`` (lesson 03): numpy.pad's modes, from scratch.

    `image` is 2-D; `p` pixels go on every side; the dtype is kept.  With
    `from_scratch`, ``numpy.pad``, ``cv2.copyMakeBorder`` and ``convlab.pad``
    are refused.  Parameters, raises: as :func:`correlate_valid`.
    """
    _check(lesson03.PadImage(), student_fn, hidden, seed, from_scratch)


def correlate_same(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``correlate_same(image, kernel, mode="constant")`` (lesson 03), odd kernels.

    Padding helpers (the student's ``pad_image``, even ``numpy.pad``) are
    allowed; library correlations are refused while `from_scratch` is true.
    Parameters, raises: as :func:`correlate_valid`.
    """
    _check(lesson03.CorrelateSame(), student_fn, hidden, seed, from_scratch)


def conv_output_size(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``conv_output_size(n, k, padding, stride, dilation) -> int`` (lesson 04).

    `padding` is ``'valid'``, ``'same'`` (TensorFlow's: ``ceil(n / stride)``)
    or an int added on each side.  Parameters, raises: as :func:`image_info`.
    """
    _check(lesson04.ConvOutputSize(), student_fn, hidden, seed, from_scratch=True)


def same_padding(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``same_padding(n, k, stride) -> (before, after)`` (lesson 04), TensorFlow's rule.

    Parameters, raises: as :func:`image_info`.
    """
    _check(lesson04.SamePadding(), student_fn, hidden, seed, from_scratch=True)


def correlate_strided(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``correlate_strided(image, kernel, stride)`` (lesson 04): valid, 2-D, from scratch.

    Parameters, raises: as :func:`correlate_valid`.
    """
    _check(lesson04.CorrelateStrided(), student_fn, hidden, seed, from_scratch)


def max_pool2d(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``max_pool2d(image, size)`` (lesson 05): stride = size, 'valid', from scratch.

    Images are (H, W) or (H, W, C); each channel is pooled on its own.
    Parameters, raises: as :func:`correlate_valid`.
    """
    _check(lesson05.MaxPool2d(), student_fn, hidden, seed, from_scratch)


def avg_pool2d(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``avg_pool2d(image, size)`` (lesson 05): as :func:`max_pool2d`, with the mean.

    Parameters, raises: as :func:`correlate_valid`.
    """
    _check(lesson05.AvgPool2d(), student_fn, hidden, seed, from_scratch)


def avg_pool_kernel(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``avg_pool_kernel(size, channels)`` (lesson 05): the (size, size, C, C) kernel.

    Parameters, raises: as :func:`image_info`.
    """
    _check(lesson05.AvgPoolKernel(), student_fn, hidden, seed)


def conv2d_params(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``conv2d_params(kh, kw, c_in, c_out, bias=True) -> int`` (lesson 06).

    The number Keras' ``count_params()`` gives for a ``Conv2D`` layer.
    Parameters, raises: as :func:`image_info`.
    """
    _check(lesson06.Conv2dParams(), student_fn, hidden, seed)


def identity_kernel(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``identity_kernel(k, channels)`` (lesson 06): the (k, k, C, C) identity, odd k.

    Any numeric dtype is accepted (float32 included).  Parameters, raises: as
    :func:`image_info`.
    """
    _check(lesson06.IdentityKernel(), student_fn, hidden, seed)


def blur_kernel(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``blur_kernel(k, channels)`` (lesson 06): a (k, k, C, C) per-channel box blur.

    Parameters, raises: as :func:`identity_kernel`.
    """
    _check(lesson06.BlurKernel(), student_fn, hidden, seed)


def depthwise_conv2d(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``depthwise_conv2d(image, kernel)`` (lesson 07): valid, stride 1, from scratch.

    `image` is (H, W, C), `kernel` (kh, kw, C): channel c is correlated with
    ``kernel[:, :, c]``.  Parameters, raises: as :func:`correlate_valid`.
    """
    _check(lesson07.DepthwiseConv2d(), student_fn, hidden, seed, from_scratch)


def depthwise_to_conv2d_kernel(
    student_fn, *, hidden: bool = False, seed: int | None = None
) -> None:
    """Check ``depthwise_to_conv2d_kernel(kernel)`` (lesson 07): (kh, kw, C) -> (kh, kw, C, C).

    The block-diagonal ``Conv2D`` kernel.  Parameters, raises: as :func:`image_info`.
    """
    _check(lesson07.DepthwiseToConv2dKernel(), student_fn, hidden, seed)


def param_counts(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``param_counts(kh, kw, c_in, c_out) -> (conv2d, separable)`` (lesson 07).

    Keras' defaults: biases on, ``depth_multiplier=1``; ``SeparableConv2D`` has
    one bias per output channel.  Parameters, raises: as :func:`image_info`.
    """
    _check(lesson07.ParamCounts(), student_fn, hidden, seed)


def gaussian_1d(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``gaussian_1d(sigma, radius)`` (lesson 08): ``exp(-x**2 / (2 sigma**2))``, sum 1.

    ``x`` runs over ``-radius..radius``; the check recognises the exponent
    written ``-(x / (2 sigma))**2`` (a Gaussian of standard deviation
    ``sigma * sqrt(2)``).  Parameters, raises: as :func:`image_info`.
    """
    _check(lesson08.GaussianOneD(), student_fn, hidden, seed)


def separate(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``separate(kernel) -> (column, row)`` (lesson 08) for rank-1 kernels.

    Any pair with ``np.outer(column, row) == kernel`` passes (the split is
    unique only up to a factor).  Parameters, raises: as :func:`image_info`.
    """
    _check(lesson08.Separate(), student_fn, hidden, seed)


def blur_separable(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``blur_separable(image, k1d)`` (lesson 08): two 1-D passes, from scratch.

    'same' correlation of a 2-D image with ``np.outer(k1d, k1d)``, border
    numpy.pad's 'reflect', floating-point output.  Parameters, raises: as
    :func:`correlate_valid`.
    """
    _check(lesson08.BlurSeparable(), student_fn, hidden, seed, from_scratch)


def sobel_gradients(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``sobel_gradients(image) -> (gx, gy)`` (lesson 09), from scratch.

    Correlation with convlab's Sobel kernels (``gx`` grows to the right,
    ``gy`` downwards), 'same' output, 'reflect' border, not normalised.
    Parameters, raises: as :func:`correlate_valid`.
    """
    _check(lesson09.SobelGradients(), student_fn, hidden, seed, from_scratch)


def gradient_magnitude(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``gradient_magnitude(gx, gy)`` (lesson 09): ``sqrt(gx**2 + gy**2)`` in float.

    Inputs may be float64, float32, int16 (``cv2.Sobel`` with ``CV_16S``) or
    uint8.  Parameters, raises: as :func:`image_info`.
    """
    _check(lesson09.GradientMagnitude(), student_fn, hidden, seed)


def edge_map(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``edge_map(image, threshold)`` (lesson 09): Sobel magnitude > threshold, bool.

    Parameters, raises: as :func:`image_info`.
    """
    _check(lesson09.EdgeMap(), student_fn, hidden, seed)


def block_mean(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``block_mean(image, size)`` (lesson 10): area downsampling, from scratch.

    The mean of each ``size x size`` block; partial blocks at the bottom and
    right edges average the pixels they have, so the output is
    ``(ceil(H / size), ceil(W / size)[, C])``.  Parameters, raises: as
    :func:`correlate_valid`.
    """
    _check(lesson10.BlockMean(), student_fn, hidden, seed, from_scratch)


def enlarge_nearest(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``enlarge_nearest(image, size)`` (lesson 10): each pixel a size x size block.

    Library resizing is refused while `from_scratch` is true.  Parameters,
    raises: as :func:`correlate_valid`.
    """
    _check(lesson10.EnlargeNearest(), student_fn, hidden, seed, from_scratch)


def pixelate(
    student_fn, *, hidden: bool = False, seed: int | None = None, from_scratch: bool = True
) -> None:
    """Check ``pixelate(image, size, box=None)`` (lesson 10): block means enlarged back.

    ``box = (top, left, bottom, right)`` limits the mosaic to that region,
    blocks starting at its top-left corner.  Parameters, raises: as
    :func:`correlate_valid`.
    """
    _check(lesson10.Pixelate(), student_fn, hidden, seed, from_scratch)


def macs_per_pixel(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``macs_per_pixel(k, method) -> int`` (lesson 11), 'direct' or 'separable'.

    Parameters, raises: as :func:`image_info`.
    """
    _check(lesson11.MacsPerPixel(), student_fn, hidden, seed)


def time_median(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``time_median(fn, *args, repeat=5, warmup=1, clock=time.perf_counter)`` (lesson 11).

    The check passes a fake clock and a fake `fn` whose calls advance it by
    known durations: the function must call ``fn(*args)`` warmup + repeat
    times, read the time with `clock` and return the median of the timed
    runs, in seconds.  Parameters, raises: as :func:`image_info`.
    """
    _check(lesson11.TimeMedian(), student_fn, hidden, seed)


def fastest_method(student_fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Check ``fastest_method(rows, k) -> str`` (lesson 11).

    `rows` are dicts like ``convlab bench``'s (``method``, ``kernel_size``,
    ``median_s``, ``ratio_to_opencv``); the answer is the method with the
    smallest measured ``median_s`` at kernel size `k` (NaN: not measured).
    Parameters, raises: as :func:`image_info`.
    """
    _check(lesson11.FastestMethod(), student_fn, hidden, seed)


#: Check name -> check function (read-only).
REGISTRY = _types.MappingProxyType(
    {
        "image_info": image_info,
        "to_grayscale": to_grayscale,
        "bgr_to_rgb": bgr_to_rgb,
        "brighten": brighten,
        "valid_output_size": valid_output_size,
        "correlate_valid": correlate_valid,
        "convolve_valid": convolve_valid,
        "same_pad_width": same_pad_width,
        "pad_image": pad_image,
        "correlate_same": correlate_same,
        "conv_output_size": conv_output_size,
        "same_padding": same_padding,
        "correlate_strided": correlate_strided,
        "max_pool2d": max_pool2d,
        "avg_pool2d": avg_pool2d,
        "avg_pool_kernel": avg_pool_kernel,
        "conv2d_params": conv2d_params,
        "identity_kernel": identity_kernel,
        "blur_kernel": blur_kernel,
        "depthwise_conv2d": depthwise_conv2d,
        "depthwise_to_conv2d_kernel": depthwise_to_conv2d_kernel,
        "param_counts": param_counts,
        "gaussian_1d": gaussian_1d,
        "separate": separate,
        "blur_separable": blur_separable,
        "sobel_gradients": sobel_gradients,
        "gradient_magnitude": gradient_magnitude,
        "edge_map": edge_map,
        "block_mean": block_mean,
        "enlarge_nearest": enlarge_nearest,
        "pixelate": pixelate,
        "macs_per_pixel": macs_per_pixel,
        "time_median": time_median,
        "fastest_method": fastest_method,
    }
)


def run(check: str, student_fn, *, hidden: bool = True, seed: int | None = None, **options) -> None:
    """Run the check named `check`, after verifying that no check was tampered with.

    This is the form for hidden test cells::

        from convlab.checks import run
        run("correlate_valid", correlate_loops, hidden=True)

    Parameters
    ----------
    check : str
        A key of `REGISTRY`.
    student_fn : callable
        The student's function.
    hidden : bool, optional
        Run the hidden cases too (default True).
    seed : int, optional
        Seed of the randomized cases.
    **options
        Passed to the check (``from_scratch=``).

    Raises
    ------
    TamperingDetected
        If the live checks differ from the files on disk, before or after the run.
    CheckFailed
        If the student's function fails the check.
    ValueError
        If `check` is not a known check.
    """
    if check not in REGISTRY:
        raise ValueError(f"`check` must be one of {', '.join(map(repr, REGISTRY))}; got {check!r}")
    _integrity.ensure_intact(check)
    try:
        REGISTRY[check](student_fn, hidden=hidden, seed=seed, **options)
    finally:
        _integrity.ensure_intact(check)


_integrity.freeze()
