"""Timing: medians of repeated calls, the loops' extrapolation, and one benchmark run."""

from __future__ import annotations

import gc
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..i18n import gettext as _
from .methods import BASELINE, BY_NAME, FULL_SHAPE, LOOPS_CROP, Method, Problem, gaussian_sigma

__all__ = ["Timing", "environment", "load_image", "reference", "run", "time_call"]


@dataclass
class Timing:
    median_s: float
    samples: int
    calls_per_sample: int
    result: np.ndarray = field(repr=False)


def time_call(call: Callable[[], np.ndarray], *, repeat: int, budget_s: float) -> Timing:
    """Median seconds per call, timeit-style.

    One warm-up call (whose result is kept for the accuracy check), then
    `repeat` samples; a sample loops over enough calls to last about 20 ms.
    Slow calls get fewer samples, so one cell stays within about `budget_s`.
    """
    start = time.perf_counter()
    result = call()
    warm = time.perf_counter() - start
    calls = 1 if warm >= 0.02 else min(1000, math.ceil(0.02 / max(warm, 1e-7)))
    samples = max(1, min(repeat, int(budget_s // max(warm * calls, 1e-9))))
    times = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(samples):
            start = time.perf_counter()
            for _ in range(calls):
                call()
            times.append((time.perf_counter() - start) / calls)
    finally:
        if gc_was_enabled:
            gc.enable()
    return Timing(statistics.median(times), samples, calls, np.asarray(result))


def reference(image: np.ndarray, kernel2d: np.ndarray) -> np.ndarray:
    """Float64 'same' correlation with zero borders, by FFT (exact to ~1e-12)."""
    from scipy.signal import fftconvolve

    flipped = kernel2d[::-1, ::-1, np.newaxis].astype(np.float64)
    return fftconvolve(image.astype(np.float64), flipped, mode="same", axes=(0, 1))


def time_loops(problem: Problem, *, repeat: int, budget_s: float) -> tuple[Timing, float]:
    """Time the loops on a zero-padded crop; return the timing and the crop's error."""
    from ..convolution import correlate2d_loops

    h, w = min(LOOPS_CROP[0], problem.image.shape[0]), min(LOOPS_CROP[1], problem.image.shape[1])
    crop = problem.image[:h, :w]
    r = problem.size // 2
    padded = np.pad(crop, ((r, r), (r, r), (0, 0)))  # 'same' output, as for the full image
    timing = time_call(
        lambda: correlate2d_loops(padded, problem.kernel2d), repeat=repeat, budget_s=budget_s
    )
    error = float(np.abs(timing.result - reference(crop, problem.kernel2d)).max())
    scale = problem.image.shape[0] * problem.image.shape[1] / (h * w)
    timing.median_s *= scale
    return timing, error


def load_image(shape: tuple[int, int, int], seed: int) -> tuple[np.ndarray, str]:
    """The coffee photograph (or a seeded random image if unavailable) as float32 in [0, 1]."""
    try:
        from ..data import coffee

        image = coffee()[: shape[0], : shape[1]].astype(np.float32) / 255.0
        return np.ascontiguousarray(image), "convlab.data.coffee()"
    except Exception as error:  # noqa: BLE001 - any failure falls back to random data
        rng = np.random.default_rng(seed)
        return rng.random(shape, dtype=np.float32), _(
            "a seeded random image (the coffee photograph is unavailable: {error})"
        ).format(error=error)


def tf_status(wanted: Sequence[Method]) -> tuple[list[Method], list[str]]:
    """Drop TensorFlow methods that cannot run here; say why."""
    if not any(m.needs_tf for m in wanted):
        return list(wanted), []
    try:
        from .. import tf as ctf

        has_gpu = ctf.gpu_available()
    except ImportError as error:
        return [m for m in wanted if not m.needs_tf], [
            _("TensorFlow skipped: {error}").format(error=error)
        ]
    kept = [m for m in wanted if m.device != "GPU" or has_gpu]
    notes = [] if has_gpu else [_("TensorFlow sees no GPU: its GPU methods were skipped.")]
    return kept, notes


def run(
    methods: Sequence[str],
    sizes: Sequence[int],
    *,
    image_shape: tuple[int, int, int] = FULL_SHAPE,
    repeat: int = 5,
    budget_s: float = 4.0,
    seed: int = 0,
    progress: bool = True,
) -> tuple[list[dict[str, object]], dict[str, str]]:
    """Time `methods` for each kernel size; return the CSV rows and run information.

    Parameters
    ----------
    methods : sequence of str
        Names from :data:`METHODS`.
    sizes : sequence of int
        Odd kernel sizes.
    image_shape : (int, int, int), optional
        The image's shape (a crop of ``coffee()``).
    repeat : int, optional
        Timed samples per cell (fewer for calls slower than `budget_s` / `repeat`).
    budget_s : float, optional
        Rough seconds of timing per cell after the warm-up.
    seed : int, optional
        Seed of the fallback random image.
    progress : bool, optional
        Show a tqdm progress bar on stderr.

    Returns
    -------
    rows : list of dict
        One dict per (method, size), keyed by :data:`COLUMNS`.
    info : dict
        Image source, thread counts, versions and notes, for the report.
    """
    from tqdm.auto import tqdm

    from ..kernels import gaussian_kernel1d

    image, source = load_image(image_shape, seed)
    wanted, notes = tf_status([BY_NAME[name] for name in methods])
    info = environment(wanted)
    info["image"] = f"{source}, {image.shape[0]}x{image.shape[1]}x{image.shape[2]} float32"
    info["notes"] = "; ".join(notes)
    shape_text = "x".join(str(n) for n in image.shape)

    rows: list[dict[str, object]] = []
    cells = [(size, method) for size in sizes for method in wanted]
    bar = tqdm(
        cells, desc="convlab bench", unit="cell", disable=not progress, file=sys.stderr, leave=False
    )
    reference_size, expected = None, None
    for size, method in bar:
        bar.set_postfix_str(f"{method.name} {size}x{size}")
        kernel1d = gaussian_kernel1d(size, gaussian_sigma(size)).astype(np.float32)
        problem = Problem(image, size, kernel1d, np.outer(kernel1d, kernel1d))
        if method.extrapolated:
            timing, error = time_loops(problem, repeat=repeat, budget_s=budget_s)
        else:
            timing = time_call(method.prepare(problem), repeat=repeat, budget_s=budget_s)
            if reference_size != size:
                reference_size, expected = size, reference(image, problem.kernel2d)
            error = float(np.abs(timing.result.astype(np.float64) - expected).max())
        rows.append(
            {
                "method": method.name,
                "label": method.label,
                "kind": method.kind,
                "kernel_size": size,
                "image_shape": shape_text,
                "dtype": "float16" if method.name.endswith("float16") else "float32",
                "median_s": timing.median_s,
                "samples": timing.samples,
                "calls_per_sample": timing.calls_per_sample,
                "baseline": BASELINE[method.kind],
                "ratio_to_opencv": None,
                "max_abs_error": error,
                "extrapolated": method.extrapolated,
                "note": method.note,
            }
        )
    bar.close()
    baseline = {(r["method"], r["kernel_size"]): r["median_s"] for r in rows}
    for row in rows:
        base = baseline.get((row["baseline"], row["kernel_size"]))
        row["ratio_to_opencv"] = None if base is None else row["median_s"] / base
    return rows, info


def environment(methods: Sequence[Method]) -> dict[str, str]:
    import cv2
    import scipy

    info = {
        "machine": _("{machine}, {count} CPUs, {system}").format(
            machine=platform.machine(), count=os.cpu_count(), system=platform.system()
        ),
        "versions": f"numpy {np.__version__}, scipy {scipy.__version__}, opencv {cv2.__version__}",
        "threads": f"numpy/scipy 1, OpenCV {cv2.getNumThreads()}",
    }
    if any(m.needs_tf for m in methods):
        from .. import tf as ctf

        tf = ctf._tf()
        info["versions"] += f", tensorflow {tf.__version__}"
        info["threads"] += (
            f", TensorFlow {tf.config.threading.get_intra_op_parallelism_threads() or _('all')}"
        )
    if os.environ.get("OPENBLAS_CORETYPE"):
        info["versions"] += f" (OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']})"
    return info
