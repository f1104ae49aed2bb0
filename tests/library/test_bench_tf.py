"""convlab bench's device results (the GPU file), exercised on the CPU device.

No machine in CI has a GPU, so the recording path runs on '/CPU:0': the
record must carry the device, versions, date and measured rows, and read back
through read_gpu_results.  Without a GPU, `--gpu-results` refuses to write.
No timing is asserted.
"""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from convlab import bench

pytestmark = pytest.mark.tensorflow


def test_device_report_on_the_cpu_is_a_complete_record(tmp_path):
    report = bench.device_report("/CPU:0", (3,), image_shape=(24, 32, 3), repeat=1, budget_s=0.05)
    assert report["device"]["kind"] == "CPU" and report["device"]["name"].startswith("CPU")
    assert datetime.datetime.fromisoformat(report["recorded"]).tzinfo is not None
    assert "tensorflow" in report["versions"]
    assert [(r["method"], r["kernel_size"]) for r in report["rows"]] == [
        ("tf-cpu-float32", 3),
        ("tf-cpu-float16", 3),
    ]
    for row in report["rows"]:
        assert set(row) == set(bench.COLUMNS) and row["median_s"] > 0
    f32, f16 = report["rows"]
    assert f32["max_abs_error"] < 1e-5 and f16["max_abs_error"] < 1e-2  # half precision
    transfer = report["transfer"]
    assert transfer["bytes"] == 24 * 32 * 3 * 4
    assert transfer["host_to_device_s"] > 0 and transfer["device_to_host_s"] > 0
    path = tmp_path / "cpu.json"
    bench.write_device_results(report, path)
    assert bench.read_gpu_results(path) == report


def test_gpu_results_without_a_gpu_writes_nothing(tmp_path, capsys):
    from convlab import tf as ctf

    if ctf.gpu_available():
        pytest.skip("this machine has a GPU")
    path = tmp_path / "gpu.json"
    assert bench.main(["--gpu-results", str(path), "--quick", "--no-progress"]) == 2
    assert "no results written" in capsys.readouterr().out
    assert not path.exists()


def test_cli_records_a_device_file(tmp_path, capsys):
    path = tmp_path / "cpu.json"
    argv = ["--gpu-results", str(path), "--device", "/CPU:0", "--quick", "--sizes", "3"]
    assert bench.main([*argv, "--no-progress"]) == 0
    record = bench.read_gpu_results(path)
    assert record["device"]["tensorflow"] == "/CPU:0"
    assert np.isfinite([r["median_s"] for r in record["rows"]]).all()
    assert f"Wrote {path}." in capsys.readouterr().out
