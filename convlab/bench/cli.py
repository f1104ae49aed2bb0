"""``convlab bench``'s command line: options, the table run and the device-results run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .device import device_report, gpu_results_path, write_device_results
from .methods import BY_NAME, FULL_SHAPE, METHODS, QUICK_SHAPE
from .report import format_table, format_time, write_csv, write_plot
from .timing import run

__all__ = ["build_parser", "main"]


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
    unknown = [name for name in names if name not in BY_NAME]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"--methods must name some of {', '.join(BY_NAME)}; got {text!r}"
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
        help="comma-separated subset of: " + ", ".join(BY_NAME),
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
        methods = [name for name in methods if not BY_NAME[name].needs_tf]
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
        print(f"  {row['method']:18s} {size:>2}x{size:<2} {format_time(float(row['median_s']))}")
    transfer = report["transfer"]
    megabytes = transfer["bytes"] / 1e6
    print(
        f"  copy {megabytes:.1f} MB host->device {format_time(transfer['host_to_device_s'])}, "
        f"device->host {format_time(transfer['device_to_host_s'])}"
    )
    print(f"Wrote {path}.")
    return 0
