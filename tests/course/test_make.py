"""The Makefile and README a new student reads first: targets, set-up, JupyterLab settings."""

from __future__ import annotations

import json
import os
import re
import subprocess

from .conftest import ROOT


def _make(*args: str) -> str:
    proc = subprocess.run(
        ["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _phony() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith(".PHONY:"))
    return [t for t in line.split(":", 1)[1].split() if t != "help"]


def test_make_help_lists_every_target_and_how_to_use_the_environment():
    out = _make("-s", "help")
    for target in _phony():
        assert re.search(rf"^make {target}\b", out, re.M), f"`make help` does not list {target}"
    assert ".venv/bin/" in out and "source .venv/bin/activate" in out


def test_readme_keeps_two_set_up_commands_and_lists_the_other_targets():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [ln.split("#")[0].strip() for ln in setup.strip().splitlines()]
    assert commands == ["make lab", "make test"]
    for target in _phony():
        assert f"make {target}" in readme, f"README does not mention make {target}"
    assert ".venv/bin/convlab" in readme and "source .venv/bin/activate" in readme


def test_make_lab_checks_hashes_not_a_rebuild_and_handles_root():
    plan = _make("-n", "lab")
    assert "convlab build --up-to-date" in plan and "build --check" not in plan
    assert "JUPYTER_CONFIG_PATH=" + str(ROOT / "jupyter" / "student") in plan
    as_root = os.geteuid() == 0
    assert ("--allow-root" in plan) == as_root
    assert ("running as root, so JupyterLab is started with --allow-root" in plan) == as_root


def test_make_formgrader_starts_in_the_course_directory_of_a_language():
    plan = _make("-n", "formgrader", "LANG=es")
    assert "cd course/es" in plan
    assert "JUPYTER_CONFIG_PATH=" + str(ROOT / "jupyter" / "instructor") in plan


def _disabled(role: str) -> set[str]:
    page = json.loads((ROOT / "jupyter" / role / "labconfig" / "page_config.json").read_text())
    return {name for name, off in page["disabledExtensions"].items() if off}


def _server(role: str) -> dict[str, bool]:
    path = ROOT / "jupyter" / role / "jupyter_server_config.d" / "zz-convlab.json"
    return json.loads(path.read_text())["ServerApp"]["jpserver_extensions"]


def test_students_see_validate_and_no_exchange_or_formgrader():
    disabled = _disabled("student")
    for plugin in ("assignment-list", "course-list", "formgrader", "create-assignment", "menu"):
        assert f"@jupyter/nbgrader:{plugin}" in disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    server = _server("student")
    assert server["nbgrader.server_extensions.validate_assignment"] is True
    assert not any(v for k, v in server.items() if not k.endswith("validate_assignment"))


def test_instructors_get_the_formgrader_but_no_exchange_lists():
    disabled = _disabled("instructor")
    assert "@jupyter/nbgrader:formgrader" not in disabled
    assert "@jupyter/nbgrader:assignment-list" in disabled
    assert _server("instructor")["nbgrader.server_extensions.formgrader"] is True


def test_jupyterlab_reads_the_project_settings():
    """`jupyter labextension list` under the project's config path shows the plugins disabled."""
    bin_dir = ROOT / ".venv" / "bin"
    jupyter = bin_dir / "jupyter" if (bin_dir / "jupyter").exists() else "jupyter"
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter" / "student")}
    proc = subprocess.run(
        [str(jupyter), "labextension", "list"], env=env, capture_output=True, text=True
    )
    text = proc.stdout + proc.stderr
    assert "@jupyter/nbgrader:course-list" in text.split("Disabled extensions:")[1]


def test_the_instructor_settings_serve_a_working_formgrader(tmp_path):
    """What `make formgrader LANG=es` starts (in a scratch copy of course/es/)."""
    import shutil
    import socket
    import sys
    import time
    import urllib.error
    import urllib.request

    course = tmp_path / "es"
    shutil.copytree(ROOT / "course" / "es", course, ignore=shutil.ignore_patterns("gradebook.db"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter" / "instructor"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}"]
    command += ["--ServerApp.port_retries=0", "--IdentityProvider.token=t"]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    server = subprocess.Popen(
        command, cwd=course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}?token=t", timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    try:
        deadline = time.monotonic() + 300  # generous: a busy machine starts slowly
        while True:
            try:
                if get("api/status")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "JupyterLab did not start"
            time.sleep(0.5)
        status, body = get("formgrader/api/assignments")
        assert status == 200
        names = {a["name"] for a in json.loads(body)}
        assert "01-images-as-arrays" in names and "02-convolution-from-scratch" in names
        assert get("assignments")[0] == 404 and get("courses")[0] == 404
    finally:
        server.terminate()
        server.wait(timeout=60)
