"""Device results: one device's TensorFlow timings and copies, recorded to a JSON file."""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .methods import BY_NAME, FULL_SHAPE, TF_NOTE, Problem, gaussian_sigma, tf_prepare
from .timing import environment, load_image, reference, time_call

__all__ = [
    "DEVICE_SCHEMA",
    "GPU_RESULTS_ENV",
    "device_report",
    "gpu_results_path",
    "read_gpu_results",
    "write_device_results",
]

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
    return Path(__file__).resolve().parent.parent / "bench_results" / "gpu.json"


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

    up = time_call(to_device, repeat=repeat, budget_s=budget_s)
    down = time_call(to_host, repeat=repeat, budget_s=budget_s)
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

    from .. import tf as ctf
    from ..kernels import gaussian_kernel1d

    tf = ctf._tf()
    kind = "GPU" if "GPU" in device.upper() else "CPU"
    if not tf.config.list_logical_devices(kind):
        raise RuntimeError(f"TensorFlow sees no {kind} here, so {device} cannot be measured.")
    image, source = load_image(image_shape, 0)
    shape_text = "x".join(str(n) for n in image.shape)
    rows = []
    cells = [(size, dtype) for size in sizes for dtype in ("float32", "float16")]
    for size, dtype in tqdm(cells, disable=not progress, file=sys.stderr, leave=False):
        kernel1d = gaussian_kernel1d(size, gaussian_sigma(size)).astype(np.float32)
        problem = Problem(image, size, kernel1d, np.outer(kernel1d, kernel1d))
        timing = time_call(tf_prepare(device, dtype)(problem), repeat=repeat, budget_s=budget_s)
        error = float(
            np.abs(timing.result.astype(np.float64) - reference(image, problem.kernel2d)).max()
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
                "note": TF_NOTE,
            }
        )
    env = environment([BY_NAME["tf-cpu-float32"]])
    return {
        "schema": DEVICE_SCHEMA,
        "device": {"tensorflow": device, "kind": kind, "name": _device_name(tf, device)},
        "recorded": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": env["machine"],
        "versions": env["versions"],
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
