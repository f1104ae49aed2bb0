"""convlab bench: the quick run writes a complete CSV, a PNG and the target lines.

No timing is asserted (speed goals are reported by the benchmark, never tested).
"""

import csv

import numpy as np
import pytest

from convlab import bench
from tests.subprocess_python import run_python


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    return out, bench.main(["--quick", "--no-tf", "--no-progress", "--out", str(out)])


def read_rows(path):
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def test_quick_run_writes_csv_with_every_method_and_size(quick_run, capsys):
    out, status = quick_run
    assert status == 0
    columns, rows = read_rows(out / "bench.csv")
    assert tuple(columns) == bench.COLUMNS
    expected_methods = [m.name for m in bench.METHODS if not m.needs_tf]
    assert [(r["method"], int(r["kernel_size"])) for r in rows] == [
        (name, size) for size in (3, 7) for name in expected_methods
    ]
    for row in rows:
        assert row["image_shape"] == "96x128x3"
        assert float(row["median_s"]) > 0
        assert int(row["samples"]) >= 1 and int(row["calls_per_sample"]) >= 1
        # every method computes the same float32 'same' Gaussian correlation
        assert float(row["max_abs_error"]) < 1e-4, row
        assert row["extrapolated"] == str(row["method"] == "loops")
        assert row["baseline"] == (
            "opencv-gaussianblur" if row["kind"] == "separable" else "opencv-filter2d"
        )
        if row["method"] == row["baseline"]:
            assert float(row["ratio_to_opencv"]) == 1.0


def test_quick_run_writes_a_png(quick_run):
    out, _ = quick_run
    png = out / "bench.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000


def test_table_reports_both_targets():
    rows = [
        {
            "method": name,
            "kernel_size": 7,
            "median_s": seconds,
            "ratio_to_opencv": None,
            "extrapolated": False,
            "max_abs_error": 0.0,
        }
        for name, seconds in [
            ("numpy", 0.06),
            ("opencv-filter2d", 0.01),
            ("numpy-separable", 0.02),
            ("opencv-gaussianblur", 0.001),
        ]
    ]
    info = {"image": "test", "machine": "m", "versions": "v", "threads": "t"}
    table = bench.format_table(rows, info)
    assert "NumPy, one step per tap / OpenCV filter2D at most 12× at 7×7: 7×7: 6.0× met" in table
    assert (
        "NumPy, two 1-D passes (separable) / OpenCV GaussianBlur (separable) at most 8×: "
        "7×7: 20.0× not met"
    ) in table


def _table_rows():
    return [
        {
            "method": name,
            "kernel_size": size,
            "median_s": seconds * size,
            "ratio_to_opencv": ratio,
            "extrapolated": name == "loops",
            "max_abs_error": 1e-6,
        }
        for size in (3, 7)
        for name, seconds, ratio in [
            ("loops", 0.9, 300.0),
            ("numpy", 0.006, 6.0),
            ("opencv-filter2d", 0.001, 1.0),
            ("lesson-02", 0.01, None),
        ]
    ]


@pytest.mark.parametrize("language", ["en", "es", "ja"])
def test_table_is_in_the_notebooks_language_and_aligned_by_display_width(language):
    from convlab.i18n import display_width, set_language, times

    info = {"image": "test", "machine": "m", "versions": "v", "threads": "t"}
    set_language(language)
    try:
        table = bench.format_table(_table_rows(), info)
        names = [bench.display_name(m) for m in ("loops", "numpy", "opencv-filter2d", "lesson-02")]
        ratio = times(6.0)
    finally:
        set_language("en")
    lines = table.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(names[0])) - 1
    block = lines[start : start + 5]  # header and the four methods
    # Every row's last cell ends in the same display column: right-aligned.
    ends = {display_width(line) for line in block}
    assert len(ends) == 1, block
    for name in names:
        assert any(line.startswith(name) for line in block), (name, block)
    assert f"({ratio})" in table
    assert " (x" not in table and "x ratio" not in table
    if language != "en":
        for english in ("Targets (reported, not enforced)", "NOT met", "method  ", "Largest error"):
            assert english not in table, english


def test_display_names_are_translated_and_unknown_ids_kept():
    from convlab.i18n import set_language

    set_language("ja")
    try:
        translated = {m.name: bench.display_name(m.name) for m in bench.METHODS}
    finally:
        set_language("en")
    assert translated["loops"] != "Python loops"
    assert bench.display_name("no-such-method") == "no-such-method"
    with pytest.raises(TypeError, match="method id"):
        bench.display_name(3)


def test_plot_labels_only_the_measured_kernel_sizes():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    axes = Figure().subplots()
    bench.plot_times(_table_rows(), axes)
    figure = axes.figure
    figure.canvas.draw() if hasattr(figure.canvas, "draw") else None
    labels = [t.get_text() for t in axes.get_xticklabels() if t.get_text()]
    minor = [t.get_text() for t in axes.get_xticklabels(minor=True) if t.get_text()]
    assert labels == ["3", "7"]
    assert minor == []
    legend = [line.get_label() for line in axes.get_lines()]
    assert bench.display_name("numpy") in legend


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sizes", "4"], "positive odd integers"),
        (["--sizes", "3,x"], "odd integers separated by commas"),
        (["--methods", "numpy,magic"], "--methods must name some of loops, numpy"),
        (["--repeat", "0"], "must be >= 1"),
    ],
)
def test_bad_options_exit_with_a_usage_error(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        bench.main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("prefix", [[], ["--"]])  # `convlab bench -- ...` forwards the "--"
def test_methods_option_and_no_tf_leave_nothing(capsys, prefix):
    assert bench.main([*prefix, "--methods", "tf-cpu-float32", "--no-tf"]) == 2
    assert "no method left" in capsys.readouterr().out


def test_gaussian_sigma_is_opencvs_rule():
    cv2 = pytest.importorskip("cv2")
    from convlab import gaussian_kernel1d

    # From 11 taps OpenCV samples a Gaussian with this sigma (below, it uses fixed tables).
    for size in (11, 15, 31):
        np.testing.assert_allclose(
            gaussian_kernel1d(size, bench.gaussian_sigma(size)),
            cv2.getGaussianKernel(size, 0)[:, 0],
            atol=1e-12,
        )


@pytest.mark.slow  # a fresh interpreter (tests/subprocess_python.py): make test runs it
def test_bench_without_tf_does_not_import_tensorflow(tmp_path):
    code = f"""
        import sys
        import convlab.bench as b
        b.main(['--quick', '--no-tf', '--no-progress', '--sizes', '3', '--out', {str(tmp_path)!r}])
        assert 'tensorflow' not in sys.modules
        """
    assert "Targets (reported, not enforced)" in run_python(code).stdout


# -- the GPU results file ------------------------------------------------------


def _record(**changes):
    record = {
        "schema": bench.DEVICE_SCHEMA,
        "device": {"tensorflow": "/GPU:0", "kind": "GPU", "name": "Example GPU"},
        "recorded": "2026-01-01T00:00:00+00:00",
        "machine": "x86_64",
        "versions": "numpy",
        "image": "coffee",
        "rows": [],
        "transfer": {"bytes": 1, "host_to_device_s": 1.0, "device_to_host_s": 1.0},
    }
    record.update(changes)
    return record


def test_gpu_results_round_trip_and_missing_file(tmp_path):
    path = tmp_path / "sub" / "gpu.json"
    assert bench.read_gpu_results(path) is None
    bench.write_device_results(_record(), path)
    assert bench.read_gpu_results(path) == _record()


def test_gpu_results_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(bench.GPU_RESULTS_ENV, str(tmp_path / "x.json"))
    assert bench.gpu_results_path() == tmp_path / "x.json"
    monkeypatch.delenv(bench.GPU_RESULTS_ENV)
    assert bench.gpu_results_path().parts[-2:] == ("bench_results", "gpu.json")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"schema": 1}', "missing device, recorded"),
        (None, "schema 99"),
    ],
)
def test_bad_gpu_results_files_are_explained(tmp_path, content, match):
    import json

    path = tmp_path / "gpu.json"
    path.write_text(json.dumps(_record(schema=99)) if content is None else content)
    with pytest.raises(ValueError, match=match):
        bench.read_gpu_results(path)


def test_no_committed_gpu_file_holds_numbers_without_provenance():
    """If a GPU results file ships with the package, it is a complete, valid record."""
    record = bench.read_gpu_results(bench.gpu_results_path())
    if record is not None:
        assert record["device"]["kind"] == "GPU" and record["rows"] and record["recorded"]
