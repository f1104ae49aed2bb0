"""A student's first minutes, in a real browser: Debian's Chromium driving JupyterLab.

The test starts JupyterLab (the project's student settings, a token, a free
localhost port) on a scratch copy of the Spanish lesson 01, switches the
interface to Spanish, runs the lesson, and checks what the student sees: the
unsolved exercise's check answers with its Spanish message and no traceback,
moving the brightness slider redraws the figure, and the browser console
reports no error.

Chromium is Debian's (``apt-get install chromium``, done by ``.ci/run``),
launched by Playwright from PyPI with ``executable_path``: Playwright's own
browser downloads are not used.  Without Chromium the test is skipped, except
under CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.notebook_runs import count_execution

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LESSON = "01-images-as-arrays"
NOTEBOOK = f"es/release/{LESSON}/{LESSON}.ipynb"

pytestmark = pytest.mark.browser


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run in CI)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scratch_course(folder: Path) -> None:
    """The Spanish lesson 01 as released, next to its course's nbgrader_config.py."""
    es = folder / "es"
    shutil.copytree(ROOT / "course" / "es" / "release" / LESSON, es / "release" / LESSON)
    shutil.copy2(ROOT / "course" / "es" / "nbgrader_config.py", es / "nbgrader_config.py")
    path = folder / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        # While the exercises are unsolved, their test cells and the cells that use the
        # answers fail; this tag lets "run all" go on past them (JupyterLab honours it),
        # as a student running the cells one by one does.
        if cell.cell_type == "code":
            cell.metadata["tags"] = [*cell.metadata.get("tags", []), "raises-exception"]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab: (base URL, token)."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("lab")
    _scratch_course(work / "course")
    port, token = _free_port(), "convlab-browser-test"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter" / "student"),
        "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
        "JUPYTER_DATA_DIR": str(work / "data"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    env.pop("CONVLAB_LANG", None)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work / 'course'}",
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (work / "server.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # generous: a busy machine starts slowly
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("JupyterLab did not start:\n" + (work / "server.log").read_text()[-3000:])
        time.sleep(0.5)
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def _put_setting(base: str, token: str, plugin: str, values: dict) -> None:
    request = urllib.request.Request(
        f"{base}/lab/api/settings/{plugin}",
        data=json.dumps({"raw": json.dumps(values)}).encode(),
        method="PUT",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 204)


KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""

ALL_RAN = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  return cells.every(c => c.model.executionCount !== null)
    && w.sessionContext.session.kernel.status === 'idle';
}"""


NOT_RUN = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  return [w.sessionContext.session.kernel.status,
    ...w.content.widgets.map((c, i) => [i, c.model.type, c.model.type === 'code' ? c.model.executionCount : '',
      c.model.sharedModel.getSource().slice(0, 50)])
      .filter(x => x[1] === 'code' && x[2] === null)];
}"""


def test_a_spanish_student_runs_lesson_01_in_chromium(lab):
    from playwright.sync_api import sync_playwright

    base, token = lab
    count_execution("other")  # lesson 01, run in the browser's kernel
    started = time.monotonic()
    # The interface in Spanish (what Settings > Language > Español saves), and
    # every cell kept in the page so that its output can be read.
    _put_setting(base, token, "@jupyterlab/translation-extension:plugin", {"locale": "es_ES"})
    _put_setting(base, token, "@jupyterlab/notebook-extension:tracker", {"windowingMode": "none"})
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        # Generous limits: time is not what this test checks, and the machine may be busy.
        page.set_default_timeout(300_000)
        page.on(
            "console",
            lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}", timeout=300_000)

        # The menus speak Spanish.
        menu = page.locator(".lm-MenuBar-itemLabel")
        menu.first.wait_for(timeout=300_000)
        labels = menu.all_text_contents()
        assert "Archivo" in labels and "Editar" in labels, labels  # File, Edit

        # nbgrader: the Validate button, no menu or panels that need an exchange.
        assert "Nbgrader" not in labels, labels
        page.locator(".validate-button").first.wait_for(timeout=300_000)

        page.wait_for_function(KERNEL_IDLE, timeout=300_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        try:
            page.wait_for_function(
                ALL_RAN,
                timeout=float(os.environ.get("CONVLAB_BROWSER_RUN_S", 600)) * 1000,
                polling=500,
            )
        except Exception:
            not_run = page.evaluate(NOT_RUN)
            pytest.fail(f"cells that did not run: {not_run}\n" + "\n".join(problems))

        # The unsolved exercise's public check: its Spanish message, no traceback.
        check = page.locator(".jp-CodeCell").filter(
            has_text="convlab.checks.image_info(image_info)"
        )
        output = check.locator(".jp-OutputArea-output").first.text_content()
        assert "✗ image_info" in output, output
        assert "el ejercicio aún no tiene respuesta" in output, output
        assert "Traceback" not in output and "convlab/checks" not in output, output

        # The brightness explorer: moving the slider redraws the figure.
        explorer = page.locator(".jp-CodeCell").filter(has_text="brightness_explorer(gray_uint8)")
        figure = explorer.locator(".widget-output img").first
        figure.wait_for(timeout=300_000)
        before = figure.get_attribute("src")
        handle = explorer.locator(".widget-slider .noUi-handle, .widget-slider input").first
        handle.focus()
        for _ in range(10):
            handle.press("ArrowRight")
        page.wait_for_function(
            """([cellText, before]) => {
              const cells = [...document.querySelectorAll('.jp-CodeCell')]
                .filter(c => c.textContent.includes(cellText));
              const img = cells.length && cells[0].querySelector('.widget-output img');
              return !!img && img.getAttribute('src') !== before;
            }""",
            arg=["brightness_explorer(gray_uint8)", before],
            timeout=300_000,
        )
        readout = explorer.locator(".widget-readout").first.text_content()
        assert readout.strip() != "60", readout
        shown = page.locator("body").text_content()
        for error in ("Error fetching courses", "exchange directory"):
            assert error not in shown
        browser.close()
    assert problems == [], "\n".join(problems)
    # The server side of the nbgrader panels a student does not need is off too.
    for path in ("formgrader", "assignments", "courses"):
        request = urllib.request.Request(f"{base}/{path}?token={token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status == 404, f"/{path}: {status}"
    print(f"browser test: {time.monotonic() - started:.1f} s")
