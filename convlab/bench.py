"""``convlab bench``: time every 2-D filtering implementation on the same image.

Introduced in the speed lesson (from the sliding window to the GPU).

Every method computes the same thing: a ``'same'``-size correlation of a
``float32`` colour image with a normalized Gaussian kernel, borders padded
with zeros (numpy.pad's ``'constant'``, OpenCV's ``BORDER_CONSTANT``,
scipy.ndimage's ``'constant'``, TensorFlow's ``'SAME'``, the implicit zeros of
an FFT convolution), so that times compare like with like.  Each result is
checked against a float64 FFT reference (the ``max_abs_error`` column).

Methods (``--methods``):

========================  ===========================================================
``loops``                 :func:`convlab.correlate2d_loops`, Python loops.  Timed on a
                          60 x 80 crop and **extrapolated** by pixel count (marked).
``numpy``                 :func:`convlab.correlate2d`, one numpy step per kernel tap.
``numpy-separable``       :func:`convlab.separable_correlate2d`, two 1-D passes.
``fft``                   ``scipy.signal.fftconvolve`` (float32 FFT).
``ndimage``               ``scipy.ndimage.correlate``.
``opencv-filter2d``       ``cv2.filter2D`` (switches to a DFT for large kernels).
``opencv-gaussianblur``   ``cv2.GaussianBlur`` (separable, SIMD).
``opencv-sepfilter2d``    ``cv2.sepFilter2D`` with the same 1-D Gaussian.
``tf-cpu-float32``        ``tf.nn.depthwise_conv2d`` on the CPU (:func:`convlab.tf.correlate2d`).
``tf-cpu-float16``        The same in half precision.
``tf-gpu-float32/16``     The same on the GPU, when TensorFlow sees one.
========================  ===========================================================

Times are medians of repeated runs (``time.perf_counter``, garbage collector
off, one warm-up call first, timeit-style loops for fast calls).  The ratio
column divides by OpenCV: by ``cv2.GaussianBlur`` for the separable methods
and by ``cv2.filter2D`` for the others.  TensorFlow inputs are tensors already
on the device; the timed call includes copying the result back to numpy.
OpenCV and TensorFlow use several threads, numpy and scipy one: the header
says how many.

GPU results file
----------------
``convlab bench --gpu-results [PATH]``, run on a machine where TensorFlow sees
a GPU, times TensorFlow float32 and float16 on that GPU and the copies of the
image from host memory to the device and back, and writes them as JSON with
their provenance: the device's name, the versions of every library, the
machine and the date (UTC) they were recorded (:func:`device_report`).  The
speed lesson shows that file when it runs without a GPU
(:func:`read_gpu_results`; default path :func:`gpu_results_path`), and
measures live when it has one.  Nothing in it is typed by hand.

Run ``convlab bench --help`` for the options; :func:`main` is the entry point.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = [
    "METHODS",
    "COLUMNS",
    "Method",
    "main",
    "run",
    "gaussian_sigma",
    "device_report",
    "write_device_results",
    "read_gpu_results",
    "gpu_results_path",
]

#: Columns of the CSV file, in order.
COLUMNS = (
    "method",
    "label",
    "kind",
    "kernel_size",
    "image_shape",
    "dtype",
    "median_s",
    "samples",
    "calls_per_sample",
    "baseline",
    "ratio_to_opencv",
    "max_abs_error",
    "extrapolated",
    "note",
)

#: The two goals the course states for the numpy implementations (reported, never asserted):
#: (method, OpenCV baseline, kernel size or None for every size, at most this ratio).
TARGETS = (
    ("numpy-separable", "opencv-gaussianblur", None, 8.0),
    ("numpy", "opencv-filter2d", 7, 12.0),
)

LOOPS_CROP = (60, 80)
FULL_SHAPE = (960, 1280, 3)
QUICK_SHAPE = (96, 128, 3)


def gaussian_sigma(size: int) -> float:
    """The Gaussian's sigma for a kernel size: OpenCV's rule for ``sigma <= 0``.

    ``0.3 * ((size - 1) * 0.5 - 1) + 0.8``, the sigma of ``cv2.getGaussianKernel(size, 0)``
    (which, below 11 taps, returns fixed tables instead of sampling; the
    benchmark always passes this sigma explicitly, so every method uses the
    same sampled Gaussian).

    Examples
    --------
    >>> gaussian_sigma(3), round(gaussian_sigma(7), 2)
    (0.8, 1.4)
    """
    return 0.3 * ((size - 1) * 0.5 - 1) + 0.8


# --------------------------------------------------------------------------
# the methods
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One benchmark input: the image and the kernel (2-D and its 1-D factor)."""

    image: np.ndarray  # (H, W, 3) float32
    size: int
    kernel1d: np.ndarray  # float32
    kernel2d: np.ndarray  # float32, outer(kernel1d, kernel1d)


@dataclass(frozen=True)
class Method:
    """A timed implementation: ``prepare(problem)`` returns the zero-argument call to time."""

    name: str
    label: str
    kind: str  # "2-D" or "separable"
    prepare: Callable[[Problem], Callable[[], np.ndarray]] | None  # None: the loops
    note: str = ""
    needs_tf: bool = False
    device: str | None = None
    extrapolated: bool = False


def _numpy(p: Problem):
    from .convolution import correlate2d

    return lambda: correlate2d(p.image, p.kernel2d, padding="same")


def _numpy_separable(p: Problem):
    from .separable import separable_correlate2d

    return lambda: separable_correlate2d(p.image, p.kernel1d, p.kernel1d, padding="same")


def _fft(p: Problem):
    from scipy.signal import fftconvolve

    flipped = np.ascontiguousarray(p.kernel2d[::-1, ::-1, np.newaxis])
    return lambda: fftconvolve(p.image, flipped, mode="same", axes=(0, 1))


def _ndimage(p: Problem):
    from scipy.ndimage import correlate

    weights = p.kernel2d[:, :, np.newaxis]
    return lambda: correlate(p.image, weights, mode="constant", cval=0.0)


def _cv2(function: str):
    def prepare(p: Problem):
        import cv2

        border = cv2.BORDER_CONSTANT
        if function == "filter2D":
            return lambda: cv2.filter2D(p.image, -1, p.kernel2d, borderType=border)
        if function == "GaussianBlur":
            sigma = gaussian_sigma(p.size)
            return lambda: cv2.GaussianBlur(p.image, (p.size, p.size), sigma, borderType=border)
        return lambda: cv2.sepFilter2D(p.image, -1, p.kernel1d, p.kernel1d, borderType=border)

    return prepare


def _tf(device: str, dtype: str):
    def prepare(p: Problem):
        from . import tf as ctf

        tf = ctf._tf()
        with tf.device(device):
            tensor = tf.cast(tf.constant(p.image), dtype)
        return lambda: ctf.correlate2d(
            tensor, p.kernel2d, padding="same", dtype=dtype, device=device
        )

    return prepare


_TF_NOTE = "zeros ('SAME'); input tensor on the device, result copied to numpy"

#: Every method, in table order.
METHODS: tuple[Method, ...] = (
    Method(
        "loops",
        "convlab.correlate2d_loops (Python loops)",
        "2-D",
        None,  # timed by _time_loops
        note=f"timed on a {LOOPS_CROP[0]}x{LOOPS_CROP[1]} crop, scaled by pixel count",
        extrapolated=True,
    ),
    Method("numpy", "convlab.correlate2d (numpy, per tap)", "2-D", _numpy, "mode='constant'"),
    Method(
        "numpy-separable",
        "convlab.separable_correlate2d (numpy, 2 passes)",
        "separable",
        _numpy_separable,
        "mode='constant'",
    ),
    Method("fft", "scipy.signal.fftconvolve", "2-D", _fft, "implicit zeros, mode='same'"),
    Method("ndimage", "scipy.ndimage.correlate", "2-D", _ndimage, "mode='constant'"),
    Method(
        "opencv-filter2d",
        "cv2.filter2D",
        "2-D",
        _cv2("filter2D"),
        "BORDER_CONSTANT; DFT for large kernels",
    ),
    Method(
        "opencv-gaussianblur",
        "cv2.GaussianBlur",
        "separable",
        _cv2("GaussianBlur"),
        "BORDER_CONSTANT",
    ),
    Method(
        "opencv-sepfilter2d",
        "cv2.sepFilter2D",
        "separable",
        _cv2("sepFilter2D"),
        "BORDER_CONSTANT",
    ),
    Method(
        "tf-cpu-float32",
        "TensorFlow CPU float32",
        "2-D",
        _tf("/CPU:0", "float32"),
        _TF_NOTE,
        needs_tf=True,
        device="CPU",
    ),
    Method(
        "tf-cpu-float16",
        "TensorFlow CPU float16",
        "2-D",
        _tf("/CPU:0", "float16"),
        _TF_NOTE + "; half precision is emulated on most CPUs",
        needs_tf=True,
        device="CPU",
    ),
    Method(
        "tf-gpu-float32",
        "TensorFlow GPU float32",
        "2-D",
        _tf("/GPU:0", "float32"),
        _TF_NOTE,
        needs_tf=True,
        device="GPU",
    ),
    Method(
        "tf-gpu-float16",
        "TensorFlow GPU float16",
        "2-D",
        _tf("/GPU:0", "float16"),
        _TF_NOTE,
        needs_tf=True,
        device="GPU",
    ),
)

_BY_NAME = {m.name: m for m in METHODS}
_BASELINE = {"2-D": "opencv-filter2d", "separable": "opencv-gaussianblur"}


# --------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------


@dataclass
class Timing:
    median_s: float
    samples: int
    calls_per_sample: int
    result: np.ndarray = field(repr=False)


def _time(call: Callable[[], np.ndarray], *, repeat: int, budget_s: float) -> Timing:
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


def _reference(image: np.ndarray, kernel2d: np.ndarray) -> np.ndarray:
    """Float64 'same' correlation with zero borders, by FFT (exact to ~1e-12)."""
    from scipy.signal import fftconvolve

    flipped = kernel2d[::-1, ::-1, np.newaxis].astype(np.float64)
    return fftconvolve(image.astype(np.float64), flipped, mode="same", axes=(0, 1))


def _time_loops(problem: Problem, *, repeat: int, budget_s: float) -> tuple[Timing, float]:
    """Time the loops on a zero-padded crop; return the timing and the crop's error."""
    from .convolution import correlate2d_loops

    h, w = min(LOOPS_CROP[0], problem.image.shape[0]), min(LOOPS_CROP[1], problem.image.shape[1])
    crop = problem.image[:h, :w]
    r = problem.size // 2
    padded = np.pad(crop, ((r, r), (r, r), (0, 0)))  # 'same' output, as for the full image
    timing = _time(
        lambda: correlate2d_loops(padded, problem.kernel2d), repeat=repeat, budget_s=budget_s
    )
    error = float(np.abs(timing.result - _reference(crop, problem.kernel2d)).max())
    scale = problem.image.shape[0] * problem.image.shape[1] / (h * w)
    timing.median_s *= scale
    return timing, error


# --------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------


def _load_image(shape: tuple[int, int, int], seed: int) -> tuple[np.ndarray, str]:
    """The coffee photograph (or a seeded random image if unavailable) as float32 in [0, 1]."""
    try:
        from .data import coffee

        image = coffee()[: shape[0], : shape[1]].astype(np.float32) / 255.0
        return np.ascontiguousarray(image), "convlab.data.coffee()"
    except Exception as error:  # noqa: BLE001 - any failure falls back to random data
        rng = np.random.default_rng(seed)
        return rng.random(shape, dtype=np.float32), f"seeded random (coffee unavailable: {error})"


def _tf_status(wanted: Sequence[Method]) -> tuple[list[Method], list[str]]:
    """Drop TensorFlow methods that cannot run here; say why."""
    if not any(m.needs_tf for m in wanted):
        return list(wanted), []
    try:
        from . import tf as ctf

        has_gpu = ctf.gpu_available()
    except ImportError as error:
        return [m for m in wanted if not m.needs_tf], [f"TensorFlow skipped: {error}"]
    kept = [m for m in wanted if m.device != "GPU" or has_gpu]
    notes = [] if has_gpu else ["TensorFlow sees no GPU: GPU methods skipped"]
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

    from .kernels import gaussian_kernel1d

    image, source = _load_image(image_shape, seed)
    wanted, notes = _tf_status([_BY_NAME[name] for name in methods])
    info = _environment(wanted)
    info["image"] = f"{source}, {image.shape[0]}x{image.shape[1]}x{image.shape[2]} float32"
    info["notes"] = "; ".join(notes)
    shape_text = "x".join(str(n) for n in image.shape)

    rows: list[dict[str, object]] = []
    cells = [(size, method) for size in sizes for method in wanted]
    bar = tqdm(
        cells, desc="convlab bench", unit="cell", disable=not progress, file=sys.stderr, leave=False
    )
    reference_size, reference = None, None
    for size, method in bar:
        bar.set_postfix_str(f"{method.name} {size}x{size}")
        kernel1d = gaussian_kernel1d(size, gaussian_sigma(size)).astype(np.float32)
        problem = Problem(image, size, kernel1d, np.outer(kernel1d, kernel1d))
        if method.extrapolated:
            timing, error = _time_loops(problem, repeat=repeat, budget_s=budget_s)
        else:
            timing = _time(method.prepare(problem), repeat=repeat, budget_s=budget_s)
            if reference_size != size:
                reference_size, reference = size, _reference(image, problem.kernel2d)
            error = float(np.abs(timing.result.astype(np.float64) - reference).max())
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
                "baseline": _BASELINE[method.kind],
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


def _environment(methods: Sequence[Method]) -> dict[str, str]:
    import cv2
    import scipy

    info = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
        "versions": f"numpy {np.__version__}, scipy {scipy.__version__}, opencv {cv2.__version__}",
        "threads": f"numpy/scipy 1, OpenCV {cv2.getNumThreads()}",
    }
    if any(m.needs_tf for m in methods):
        from . import tf as ctf

        tf = ctf._tf()
        info["versions"] += f", tensorflow {tf.__version__}"
        info["threads"] += (
            f", TensorFlow intra-op {tf.config.threading.get_intra_op_parallelism_threads() or 'all'}"
        )
    if os.environ.get("OPENBLAS_CORETYPE"):
        info["versions"] += f" (OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']})"
    return info


# --------------------------------------------------------------------------
# device results (the GPU file)
# --------------------------------------------------------------------------

#: Environment variable naming the GPU results file the lesson reads.
GPU_RESULTS_ENV = "CONVLAB_GPU_RESULTS"
#: Version of the results file's layout.
DEVICE_SCHEMA = 1
_DEVICE_KEYS = ("schema", "device", "recorded", "machine", "versions", "image", "rows", "transfer")


def gpu_results_path() -> Path:
    """Where the GPU results file is read from and written to by default.

    ``$CONVLAB_GPU_RESULTS`` when set, else ``convlab/bench_results/gpu.json``
    inside the installed package (committed with the course when someone ran
    the benchmark on a GPU).

    Examples
    --------
    >>> gpu_results_path().name  # doctest: +SKIP
    'gpu.json'
    """
    if os.environ.get(GPU_RESULTS_ENV):
        return Path(os.environ[GPU_RESULTS_ENV])
    return Path(__file__).resolve().parent / "bench_results" / "gpu.json"


def _device_name(tf, device: str) -> str:
    """A readable name of a TensorFlow device: the GPU's model, or the CPU's."""
    kind = "GPU" if "GPU" in device.upper() else "CPU"
    index = int(device.rsplit(":", 1)[-1]) if device[-1:].isdigit() else 0
    physical = tf.config.list_physical_devices(kind)
    if kind == "GPU" and index < len(physical):
        details = tf.config.experimental.get_device_details(physical[index])
        name = details.get("device_name") or physical[index].name
        capability = details.get("compute_capability")
        return (
            f"{name} (compute capability {capability[0]}.{capability[1]})" if capability else name
        )
    return f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores"


def _transfer_timings(tf, device: str, image: np.ndarray, repeat: int, budget_s: float) -> dict:
    """Median seconds to copy `image` (float32) host -> device and device -> host."""
    with tf.device("/CPU:0"):
        host = tf.identity(tf.constant(image))
    with tf.device(device):
        resident = tf.identity(host)

    def to_device():
        with tf.device(device):
            copy = tf.identity(host)
        return copy[0, 0, 0].numpy()  # reading one value back waits for the copy

    def to_host():
        with tf.device("/CPU:0"):
            back = tf.identity(resident)
        return back.numpy()

    up = _time(to_device, repeat=repeat, budget_s=budget_s)
    down = _time(to_host, repeat=repeat, budget_s=budget_s)
    return {
        "bytes": int(image.nbytes),
        "host_to_device_s": up.median_s,
        "device_to_host_s": down.median_s,
        "note": "float32 image; host->device includes reading one value back to wait for the copy",
    }


def device_report(
    device: str = "/GPU:0",
    sizes: Sequence[int] = (3, 7, 15, 31),
    *,
    image_shape: tuple[int, int, int] = FULL_SHAPE,
    repeat: int = 5,
    budget_s: float = 2.0,
    progress: bool = False,
) -> dict[str, object]:
    """Time TensorFlow float32 and float16 on one device, and host<->device copies.

    Parameters
    ----------
    device : str, optional
        A TensorFlow device, ``'/GPU:0'`` by default (``'/CPU:0'`` works too,
        for tests and for comparison).
    sizes : sequence of int, optional
        Odd kernel sizes.
    image_shape : (int, int, int), optional
        The image (a crop of ``coffee()``, float32).
    repeat, budget_s, progress
        As in :func:`run`.

    Returns
    -------
    dict
        The results record written by :func:`write_device_results`: schema,
        device name, UTC date, machine, versions, image, one row per (dtype,
        kernel size) with the columns of :data:`COLUMNS`, and the transfer
        timings.

    Raises
    ------
    RuntimeError
        If TensorFlow does not see `device`.
    """
    from tqdm.auto import tqdm

    from . import tf as ctf
    from .kernels import gaussian_kernel1d

    tf = ctf._tf()
    kind = "GPU" if "GPU" in device.upper() else "CPU"
    if not tf.config.list_logical_devices(kind):
        raise RuntimeError(f"TensorFlow sees no {kind} here, so {device} cannot be measured.")
    image, source = _load_image(image_shape, 0)
    shape_text = "x".join(str(n) for n in image.shape)
    rows = []
    cells = [(size, dtype) for size in sizes for dtype in ("float32", "float16")]
    for size, dtype in tqdm(cells, disable=not progress, file=sys.stderr, leave=False):
        kernel1d = gaussian_kernel1d(size, gaussian_sigma(size)).astype(np.float32)
        problem = Problem(image, size, kernel1d, np.outer(kernel1d, kernel1d))
        timing = _time(_tf(device, dtype)(problem), repeat=repeat, budget_s=budget_s)
        error = float(
            np.abs(timing.result.astype(np.float64) - _reference(image, problem.kernel2d)).max()
        )
        rows.append(
            {
                "method": f"tf-{kind.lower()}-{dtype}",
                "label": f"TensorFlow {kind} {dtype}",
                "kind": "2-D",
                "kernel_size": size,
                "image_shape": shape_text,
                "dtype": dtype,
                "median_s": timing.median_s,
                "samples": timing.samples,
                "calls_per_sample": timing.calls_per_sample,
                "baseline": None,
                "ratio_to_opencv": None,
                "max_abs_error": error,
                "extrapolated": False,
                "note": _TF_NOTE,
            }
        )
    environment = _environment([_BY_NAME["tf-cpu-float32"]])
    return {
        "schema": DEVICE_SCHEMA,
        "device": {"tensorflow": device, "kind": kind, "name": _device_name(tf, device)},
        "recorded": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": environment["machine"],
        "versions": environment["versions"],
        "image": f"{source}, {shape_text} float32",
        "rows": rows,
        "transfer": _transfer_timings(tf, device, image, repeat, budget_s),
    }


def write_device_results(report: dict[str, object], path: Path) -> None:
    """Write a :func:`device_report` record as JSON (folders created as needed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def read_gpu_results(path: Path | str | None = None) -> dict[str, object] | None:
    """Read a results file written by ``convlab bench --gpu-results``.

    Parameters
    ----------
    path : path, optional
        The file; :func:`gpu_results_path` by default.

    Returns
    -------
    dict or None
        The record, or None when the file does not exist.

    Raises
    ------
    ValueError
        If the file is not such a record (invalid JSON, another schema,
        missing keys), with what was expected.
    """
    path = Path(path) if path is not None else gpu_results_path()
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(
            f"{path} is not a convlab bench results file (invalid JSON: {error})"
        ) from None
    if not isinstance(record, dict):
        raise ValueError(f"{path} must hold a JSON object; got {type(record).__name__}")
    missing = [key for key in _DEVICE_KEYS if key not in record]
    if missing:
        raise ValueError(
            f"{path} is not a convlab bench results file: missing {', '.join(missing)} "
            f"(write it with `convlab bench --gpu-results {path}`)"
        )
    if record["schema"] != DEVICE_SCHEMA:
        raise ValueError(
            f"{path} has results schema {record['schema']!r}; this convlab reads schema "
            f"{DEVICE_SCHEMA} (record it again with `convlab bench --gpu-results`)"
        )
    return record


# --------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------


def _format_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} us"


def format_table(rows: Sequence[dict[str, object]], info: dict[str, str]) -> str:
    """The printed report: median time (ratio to OpenCV) per method and kernel size."""
    sizes = sorted({int(r["kernel_size"]) for r in rows})
    methods = list(dict.fromkeys(str(r["method"]) for r in rows))
    cell = {(r["method"], r["kernel_size"]): r for r in rows}
    lines = [
        f"convlab bench: 'same' Gaussian correlation, zero borders, {info['image']}",
        f"  {info['machine']}; {info['versions']}",
        f"  threads: {info['threads']}",
    ]
    if info.get("notes"):
        lines.append(f"  {info['notes']}")
    lines.append(
        "  cell: median time (x ratio to cv2.filter2D, or to cv2.GaussianBlur for separable "
        "methods); * = extrapolated"
    )
    width = max(len(m) for m in methods) + 2
    header = "method".ljust(width) + "".join(f"{f'{s}x{s}':>20}" for s in sizes)
    lines += ["", header, "-" * len(header)]
    for name in methods:
        text = name.ljust(width)
        for size in sizes:
            row = cell.get((name, size))
            if row is None:
                text += f"{'-':>20}"
                continue
            ratio = row["ratio_to_opencv"]
            entry = _format_time(float(row["median_s"])) + ("*" if row["extrapolated"] else "")
            entry += "" if ratio is None else f" (x{ratio:.1f})"
            text += f"{entry:>20}"
        lines.append(text)
    lines += ["", "Targets (reported, not enforced):"]
    lines += [_target_line(cell, sizes, *target) for target in TARGETS]
    if any(r["extrapolated"] for r in rows):
        lines.append(
            f"* loops: timed on a {LOOPS_CROP[0]}x{LOOPS_CROP[1]} crop (same work per output "
            "pixel) and multiplied by the pixel ratio."
        )
    worst = max(rows, key=lambda r: float(r["max_abs_error"]))
    lines.append(
        f"Largest error against a float64 FFT reference: {float(worst['max_abs_error']):.2g} "
        f"({worst['method']}, {worst['kernel_size']}x{worst['kernel_size']})."
    )
    return "\n".join(lines)


def _target_line(cell, sizes, method, baseline, size, limit) -> str:
    wanted = sizes if size is None else [size]
    what = f"{method} / {baseline} <= {limit:g}x" + ("" if size is None else f" at {size}x{size}")
    parts = []
    for s in wanted:
        ours, base = cell.get((method, s)), cell.get((baseline, s))
        if ours is None or base is None:
            continue
        ratio = float(ours["median_s"]) / float(base["median_s"])
        parts.append(f"{s}x{s}: {ratio:.1f}x {'met' if ratio <= limit else 'NOT met'}")
    return f"  {what}: " + ("; ".join(parts) if parts else "not measured in this run")


def write_csv(rows: Sequence[dict[str, object]], path: Path) -> None:
    """Write the rows with :data:`COLUMNS` as header."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    key: (f"{value:.6g}" if isinstance(value, float) else value)
                    for key, value in row.items()
                }
            )


def write_plot(rows: Sequence[dict[str, object]], info: dict[str, str], path: Path) -> None:
    """Times and ratios against kernel size, one line per method (matplotlib, Agg canvas)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(13, 5), layout="constrained")
    FigureCanvasAgg(figure)
    times, ratios = figure.subplots(1, 2)
    names = list(dict.fromkeys(str(r["method"]) for r in rows))
    colors = matplotlib.colormaps["tab10" if len(names) <= 10 else "tab20"].colors
    all_sizes = sorted({int(r["kernel_size"]) for r in rows})
    for name, color in zip(names, colors, strict=False):
        mine = sorted((r for r in rows if r["method"] == name), key=lambda r: r["kernel_size"])
        sizes = [r["kernel_size"] for r in mine]
        style = "--" if mine[0]["extrapolated"] else "-"
        marker = "s" if mine[0]["kind"] == "separable" else "o"
        label = name + (" (extrapolated)" if mine[0]["extrapolated"] else "")
        times.plot(
            sizes, [r["median_s"] for r in mine], style, marker=marker, color=color, label=label
        )
        if all(r["ratio_to_opencv"] is not None for r in mine):
            ratios.plot(
                sizes, [r["ratio_to_opencv"] for r in mine], style, marker=marker, color=color
            )
    for limit, text in ((8, "separable target 8x"), (12, "2-D target 12x (7x7)")):
        ratios.axhline(limit, color="grey", linewidth=0.8, linestyle=":")
        ratios.annotate(text, (0.01, limit), xycoords=("axes fraction", "data"), fontsize=8)
    times.set(
        xlabel="kernel size k (k x k)",
        ylabel="median time per call (s)",
        yscale="log",
        title="Time",
    )
    ratios.set(
        xlabel="kernel size k (k x k)",
        ylabel="time / OpenCV time",
        yscale="log",
        title="Ratio to OpenCV (filter2D; GaussianBlur for separable)",
    )
    for axes in (times, ratios):
        axes.grid(True, which="both", alpha=0.3)
        axes.set_xticks(all_sizes)
    figure.legend(loc="outside right upper", fontsize=8)
    figure.suptitle(f"convlab bench: {info['image']}\n{info['threads']}", fontsize=9)
    figure.savefig(path, dpi=110)


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--sizes must be odd integers separated by commas, e.g. 3,7,15,31; got {text!r}"
        ) from None
    if not sizes or any(s < 1 or s % 2 == 0 for s in sizes):
        raise argparse.ArgumentTypeError(
            f"--sizes must be positive odd integers (cv2.GaussianBlur needs odd sizes); got {text!r}"
        )
    return sorted(set(sizes))


def _methods(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in _BY_NAME]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"--methods must name some of {', '.join(_BY_NAME)}; got {text!r}"
        )
    return names


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1; got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``convlab bench`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="convlab bench",
        description=(
            "Time 2-D filtering implementations (Python loops, numpy, scipy, OpenCV, "
            "TensorFlow) on one image; print a table and write a CSV and a PNG plot."
        ),
        epilog=(
            "examples:\n"
            "  convlab bench                         full run (960x1280 image, k = 3..31)\n"
            "  convlab bench --sizes 3,7 --no-tf     quicker, without TensorFlow\n"
            "  convlab bench --methods numpy,opencv-filter2d --sizes 7\n"
            "  convlab bench --gpu-results           on a GPU machine: the lesson's GPU file"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out", type=Path, default=Path("bench-results"), help="output directory (bench-results/)"
    )
    parser.add_argument(
        "--sizes", type=_sizes, default=None, help="odd kernel sizes (default 3,5,7,11,15,21,31)"
    )
    parser.add_argument("--repeat", type=_positive, default=5, help="timed samples per cell (5)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_SHAPE[0]}x{QUICK_SHAPE[1]} image, sizes 3,7, 2 samples (for tests)",
    )
    parser.add_argument("--no-tf", action="store_true", help="skip the TensorFlow methods")
    parser.add_argument(
        "--methods",
        type=_methods,
        default=None,
        help="comma-separated subset of: " + ", ".join(_BY_NAME),
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument(
        "--gpu-results",
        nargs="?",
        type=Path,
        const=True,
        default=None,
        metavar="PATH",
        help="instead of the table: time TensorFlow float32/float16 and host<->device copies on "
        "--device and write them with the device name, versions and date to PATH (default: "
        "$CONVLAB_GPU_RESULTS or convlab/bench_results/gpu.json), for the speed lesson",
    )
    parser.add_argument(
        "--device", default="/GPU:0", help="TensorFlow device for --gpu-results (/GPU:0)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark from command-line arguments; return the exit status.

    Writes ``bench.csv`` and ``bench.png`` into ``--out`` and prints the
    table.  ``convlab bench ...`` calls this with the arguments after
    ``bench``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:  # `convlab bench -- --quick` forwards the separator
        argv = argv[1:]
    args = build_parser().parse_args(argv)
    if args.gpu_results is not None:
        return _main_device(args)
    methods = args.methods or [m.name for m in METHODS]
    if args.no_tf:
        methods = [name for name in methods if not _BY_NAME[name].needs_tf]
    if not methods:
        print("convlab bench: no method left to run (check --methods and --no-tf).")
        return 2
    quick = args.quick
    sizes = args.sizes or ([3, 7] if quick else [3, 5, 7, 11, 15, 21, 31])
    rows, info = run(
        methods,
        sizes,
        image_shape=QUICK_SHAPE if quick else FULL_SHAPE,
        repeat=min(args.repeat, 2) if quick else args.repeat,
        budget_s=0.2 if quick else 4.0,
        progress=not args.no_progress,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(rows, args.out / "bench.csv")
    write_plot(rows, info, args.out / "bench.png")
    print(format_table(rows, info))
    print(f"\nWrote {args.out / 'bench.csv'} and {args.out / 'bench.png'}.")
    return 0


def _main_device(args) -> int:
    """``convlab bench --gpu-results [PATH]``: record one device's results file."""
    path = gpu_results_path() if args.gpu_results is True else args.gpu_results
    quick = args.quick
    try:
        report = device_report(
            args.device,
            args.sizes or ([3, 7] if quick else [3, 7, 15, 31]),
            image_shape=QUICK_SHAPE if quick else FULL_SHAPE,
            repeat=min(args.repeat, 2) if quick else args.repeat,
            budget_s=0.2 if quick else 2.0,
            progress=not args.no_progress,
        )
    except (ImportError, RuntimeError) as error:
        print(f"convlab bench: no results written: {error}")
        return 2
    write_device_results(report, path)
    device = report["device"]
    print(f"{device['name']} ({device['tensorflow']}), recorded {report['recorded']}")
    for row in report["rows"]:
        size = row["kernel_size"]
        print(f"  {row['method']:18s} {size:>2}x{size:<2} {_format_time(float(row['median_s']))}")
    transfer = report["transfer"]
    megabytes = transfer["bytes"] / 1e6
    print(
        f"  copy {megabytes:.1f} MB host->device {_format_time(transfer['host_to_device_s'])}, "
        f"device->host {_format_time(transfer['device_to_host_s'])}"
    )
    print(f"Wrote {path}.")
    return 0
