"""Reporting: the printed table, the CSV file and the plots, in the student's language."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from ..i18n import format_table as _text_table
from ..i18n import gettext as _
from ..i18n import times
from .methods import COLUMNS, LOOPS_CROP, TARGETS, display_name

__all__ = ["format_table", "format_time", "plot_times", "write_csv", "write_plot"]


def format_time(seconds: float) -> str:
    """A duration with an SI unit: ``2.50 s``, ``12.3 ms``, ``45 µs``."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def _size(k: int) -> str:
    return f"{k}×{k}"


def format_table(rows: Sequence[dict[str, object]], info: dict[str, str]) -> str:
    """The printed report, in the current language: median time (ratio to OpenCV) per method.

    Rows are methods (their translated names, then their ids), columns kernel
    sizes; columns line up by display width (:func:`convlab.i18n.format_table`),
    so Japanese names align.  Below the table: the two targets the course
    states (reported, not enforced) and the largest error against the
    float64 reference.

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`convlab.bench.run` (``method``, ``kernel_size``,
        ``median_s``, ``ratio_to_opencv``, ``extrapolated``, ``max_abs_error``).
    info : dict
        The run information of :func:`convlab.bench.run` (``image``,
        ``machine``, ``versions``, ``threads``, optional ``notes``).
    """
    sizes = sorted({int(r["kernel_size"]) for r in rows})
    methods = list(dict.fromkeys(str(r["method"]) for r in rows))
    cell = {(r["method"], r["kernel_size"]): r for r in rows}
    lines = [
        _("convlab bench: 'same' Gaussian correlation, zero borders, {image}").format(
            image=info["image"]
        ),
        f"  {info['machine']}; {info['versions']}",
        "  " + _("threads: {threads}").format(threads=info["threads"]),
    ]
    if info.get("notes"):
        lines.append(f"  {info['notes']}")
    lines.append(
        "  "
        + _(
            "each cell: median time (ratio to cv2.filter2D, or to cv2.GaussianBlur for the "
            "separable methods); * = extrapolated"
        )
    )
    table = []
    for name in methods:
        entries = []
        for size in sizes:
            row = cell.get((name, size))
            if row is None:
                entries.append("-")
                continue
            ratio = row["ratio_to_opencv"]
            entry = format_time(float(row["median_s"])) + ("*" if row["extrapolated"] else "")
            entries.append(entry + ("" if ratio is None else f" ({times(float(ratio))})"))
        table.append([display_name(name), name, *entries])
    headers = [_("method"), _("id"), *(_size(s) for s in sizes)]
    lines += ["", _text_table(headers, table, align=["<", "<"] + [">"] * len(sizes))]
    lines += ["", _("Targets (reported, not enforced):")]
    lines += [_target_line(cell, sizes, *target) for target in TARGETS]
    if any(r["extrapolated"] for r in rows):
        lines.append(
            "* "
            + _(
                "{loops}: timed on a {crop} crop (the same work per output pixel) and "
                "multiplied by the ratio of the pixel counts."
            ).format(loops=display_name("loops"), crop=f"{LOOPS_CROP[0]}×{LOOPS_CROP[1]}")
        )
    worst = max(rows, key=lambda r: float(r["max_abs_error"]))
    lines.append(
        _("Largest error against a float64 FFT reference: {error} ({method}, {size}).").format(
            error=f"{float(worst['max_abs_error']):.2g}",
            method=display_name(str(worst["method"])),
            size=_size(int(worst["kernel_size"])),
        )
    )
    return "\n".join(lines)


def _target_line(cell, sizes, method, baseline, size, limit) -> str:
    wanted = sizes if size is None else [size]
    names = {"method": display_name(method), "baseline": display_name(baseline)}
    if size is None:
        what = _("{method} / {baseline} at most {limit}").format(limit=times(limit, 0), **names)
    else:
        what = _("{method} / {baseline} at most {limit} at {size}").format(
            limit=times(limit, 0), size=_size(size), **names
        )
    parts = []
    for s in wanted:
        ours, base = cell.get((method, s)), cell.get((baseline, s))
        if ours is None or base is None:
            continue
        ratio = float(ours["median_s"]) / float(base["median_s"])
        verdict = _("met") if ratio <= limit else _("not met")
        # TRANSLATORS: one kernel size's result of a target: "7×7: 6.0× met".
        parts.append(
            _("{size}: {ratio} {verdict}").format(
                size=_size(s), ratio=times(ratio), verdict=verdict
            )
        )
    # TRANSLATORS: separates the results of one target at several kernel sizes.
    results = _("; ").join(parts) if parts else _("not measured in this run")
    # TRANSLATORS: a target, then its results: "NumPy / OpenCV at most 8×: 7×7: 6.0× met".
    return "  " + _("{target}: {results}").format(target=what, results=results)


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


def plot_times(rows: Sequence[dict[str, object]], ax=None, *, ratios: bool = False):
    """Median time (or ratio to OpenCV) against kernel size, one line per method.

    Both axes are logarithmic; the x axis is labelled only at the measured
    kernel sizes (no minor labels, which would overlap them), and the legend
    names the methods in the current language.

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`convlab.bench.run`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    ratios : bool, optional
        Plot ``ratio_to_opencv`` instead of ``median_s`` (methods without a
        ratio are left out).

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    if ax is None:
        import matplotlib.pyplot as plt

        _figure, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    names = list(dict.fromkeys(str(r["method"]) for r in rows))
    colors = matplotlib.colormaps["tab10" if len(names) <= 10 else "tab20"].colors
    key = "ratio_to_opencv" if ratios else "median_s"
    for name, color in zip(names, colors, strict=False):
        mine = sorted((r for r in rows if r["method"] == name), key=lambda r: r["kernel_size"])
        if any(r[key] is None for r in mine):
            continue
        extrapolated = bool(mine[0].get("extrapolated"))
        label = display_name(name) + (" " + _("(extrapolated)") if extrapolated else "")
        ax.plot(
            [r["kernel_size"] for r in mine],
            [r[key] for r in mine],
            "--" if extrapolated else "-",
            marker="s" if mine[0].get("kind") == "separable" else "o",
            color=color,
            label=label,
        )
    sizes = sorted({int(r["kernel_size"]) for r in rows})
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(FixedLocator(sizes))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FixedFormatter([str(k) for k in sizes]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(_("kernel size k (k × k)"))
    ax.set_ylabel(_("time / OpenCV time") if ratios else _("median time per call (s)"))
    ax.grid(True, which="both", alpha=0.3)
    return ax


def write_plot(rows: Sequence[dict[str, object]], info: dict[str, str], path: Path) -> None:
    """Times and ratios against kernel size, one line per method (matplotlib, Agg canvas)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(13, 5), layout="constrained")
    FigureCanvasAgg(figure)
    time_axes, ratio_axes = figure.subplots(1, 2)
    plot_times(rows, time_axes)
    plot_times(rows, ratio_axes, ratios=True)
    for limit, text in (
        (8, _("separable target {limit}").format(limit=times(8, 0))),
        (12, _("2-D target {limit} (7×7)").format(limit=times(12, 0))),
    ):
        ratio_axes.axhline(limit, color="grey", linewidth=0.8, linestyle=":")
        ratio_axes.annotate(text, (0.01, limit), xycoords=("axes fraction", "data"), fontsize=8)
    time_axes.set_title(_("Time"))
    ratio_axes.set_title(_("Ratio to OpenCV (filter2D; GaussianBlur if separable)"))
    handles, labels = time_axes.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside right upper", fontsize=8)
    figure.suptitle(
        _("convlab bench: {image}").format(image=info["image"])
        + "\n"
        + _("threads: {threads}").format(threads=info["threads"]),
        fontsize=9,
    )
    figure.savefig(path, dpi=110)
