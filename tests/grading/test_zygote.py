"""The zygote (convlab.grading.zygote): kernels forked from one prepared per worker (issue #24).

A forked kernel must grade exactly as a cold one does, and a submission must
find nothing of the one graded before it in the same worker: no process, no
file in any writable place, no SysV object, no shared random state, and no way
into the zygote itself.  GradingExecute runs directly here, in this process (one
zygote, reused by consecutive submissions), on small notebooks and on lesson 01.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import convlab
from convlab.grading import execute
from convlab.grading.execute import GradingExecute
from convlab.grading.sandbox import sandbox_problem
from convlab.grading.zygote import kernel_arguments
from convlab.i18n import set_language

from .test_sandbox_limits import REPO, grader, throwaway_user  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.grading,
    pytest.mark.skipif(sandbox_problem() is not None, reason=f"no sandbox: {sandbox_problem()}"),
]

COURSE = Path(convlab.__file__).resolve().parent.parent / "course"


def _notebook(*sources: str):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["convlab"] = {"language": "en"}
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _grade(nb, folder: Path, **traits):
    folder.mkdir(parents=True, exist_ok=True)
    try:
        GradingExecute(timeout=60, **traits).preprocess(nb, {"metadata": {"path": str(folder)}})
    finally:
        set_language("en")
    return nb


def _errors(nb) -> list:
    return [
        (o.ename, o.evalue)
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]


def _printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _the_zygote():
    zygote = execute._zygote.zygote
    assert zygote is not None
    return zygote


LEAVE_BEHIND = r"""
import ctypes, os, subprocess, sys
import numpy as np
open("mine.txt", "w").write("first student's")
subprocess.run(["sh", "-c", 'echo x > /tmp/left; echo x > /dev/shm/left; echo x > "$HOME/left";'
                " mkdir -p /tmp/locked/inner && chmod 0 /tmp/locked; mkdir shut && chmod 0 shut"],
               check=True)
# A process in a session of its own, a daemon (double fork) that outlives its parent, and
# a process whose main thread exits (it shows as a zombie while its other thread runs on).
subprocess.Popen(["sleep", "600"], start_new_session=True)
subprocess.run(["sh", "-c", "(setsid sleep 601 &) &"], check=True)
exit_thread = {"x86_64": 60, "aarch64": 93}[os.uname().machine]
subprocess.Popen([sys.executable, "-c", "import ctypes, threading, time; "
                  "threading.Thread(target=time.sleep, args=(600,)).start(); "
                  f"ctypes.CDLL(None).syscall({exit_thread}, 0)"])
# A chain of processes, each forking the next and exiting (a scan of /proc can miss it).
subprocess.Popen([sys.executable, "-c", "import os\nwhile os.fork() == 0: pass"])
# Orphans: the zygote, the namespace's init, reaps them (each would count against the
# process limit as a zombie).
for _ in range(300):
    subprocess.run(["sh", "-c", "true & exit"], check=True)
zombies = 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        zombies += open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        pass
libc = ctypes.CDLL(None, use_errno=True)
queue = libc.msgget(0, 0o1600)   # IPC_PRIVATE, IPC_CREAT | 0600
semaphore = libc.semget(0, 1, 0o1600)
print(json.dumps({"queue": queue, "semaphore": semaphore, "random": np.random.rand(),
                  "zombies": zombies,
                  "zygote": os.getppid()}))
"""

LOOK_AROUND = r"""
import os
import numpy as np
def sleeping():
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            found.append(open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[0].decode())
        except OSError:
            pass
    return [c for c in found if "sleep" in c]
def strangers():
    # Processes other than this kernel and the zygote (pid 1); a zombie with a live thread too.
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) in (1, os.getpid()):
            continue
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
            if state != "Z" or len(os.listdir(f"/proc/{pid}/task")) > 1:
                found.append(pid)
        except OSError:
            pass
    return found
try:
    open(f"/proc/{os.getppid()}/environ", "rb").read()
    zygote_readable = True
except OSError:
    zygote_readable = False
print(json.dumps({
    "files": sorted(os.listdir(".")),
    "tmp": sorted(os.listdir("/tmp")), "shm": sorted(os.listdir("/dev/shm")),
    "home": sorted(os.listdir(os.environ["HOME"])),
    "queues": len(open("/proc/sysvipc/msg").read().splitlines()) - 1,
    "semaphores": len(open("/proc/sysvipc/sem").read().splitlines()) - 1,
    "sleeping": sleeping(), "strangers": strangers(),
    "random": np.random.rand(), "zygote_readable": zygote_readable,
    "zygote": os.getppid()}))
"""


def test_the_next_submission_finds_nothing_of_the_last(tmp_path):
    execute.take_kernel_kinds()
    first = _grade(_notebook("import json", LEAVE_BEHIND), tmp_path / "a")
    assert _errors(first) == []
    assert execute.take_kernel_kinds() == ["forked"]
    left = json.loads(_printed(first.cells[1]))
    assert left["queue"] >= 0 and left["semaphore"] >= 0  # both were made
    assert left["zombies"] < 50, left  # 300 orphans, reaped as they came
    zygote = _the_zygote()
    second = _grade(_notebook("import json", LOOK_AROUND), tmp_path / "b")
    assert _errors(second) == []
    seen = json.loads(_printed(second.cells[1]))
    assert _the_zygote() is zygote and seen["zygote"] == left["zygote"]  # forked by the same one
    assert seen["files"] == []  # its own folder (empty here), not the first one's copy
    assert seen["shm"] == [] and "left" not in seen["home"] and "locked" not in seen["tmp"]
    assert "left" not in seen["tmp"]
    assert seen["queues"] == 0 and seen["semaphores"] == 0
    assert seen["sleeping"] == [] and seen["strangers"] == []
    assert seen["random"] != left["random"]  # NumPy's global state reseeded in each fork
    assert not seen["zygote_readable"]  # not dumpable: its memory and files are closed


def _exercises(*sources: str):
    nb = _notebook(*sources)
    for i, cell in enumerate(nb.cells[1:], 1):
        cell.metadata.nbgrader = {"solution": True, "grade": False, "grade_id": f"e{i}"}
    return nb


@pytest.mark.parametrize(
    "change",
    [
        "resource.prlimit(1, resource.RLIMIT_NOFILE, (256, 256))",
        "os.setpriority(os.PRIO_PROCESS, 1, 19)",
        "subprocess.run(['ionice', '-c', '3', '-p', '1'], check=True)",
    ],
    ids=["rlimit", "nice", "ioprio"],
)
def test_a_submission_cannot_stop_the_zygote_and_one_it_changed_is_replaced(tmp_path, change):
    """The zygote is the sandbox's init and handles no signal but SIGCHLD: none sent from
    inside stops it.  A submission that lowers what every later fork would inherit (limits,
    priority, I/O priority) gets it replaced."""
    _grade(_notebook("x = 1"), tmp_path / "first")
    changed = _the_zygote()
    signals = ", ".join(f"signal.{name}" for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1"))
    graded = _grade(
        _exercises(
            "import os, resource, signal, subprocess",
            f"for signum in ({signals}, signal.SIGSTOP, signal.SIGKILL):\n    os.kill(1, signum)",
            f"{change}\nx = 1",
            "assert x == 1",
        ),
        tmp_path / "changer",
    )
    assert _errors(graded) == []  # the zygote was neither stopped nor killed
    assert not changed.alive and "limits" in changed.failure, changed.failure
    execute.take_kernel_kinds()
    honest = _grade(_notebook("import json", LOOK_AROUND), tmp_path / "next")
    assert _errors(honest) == [] and execute.take_kernel_kinds() == ["forked"]
    assert _the_zygote() is not changed  # a new zygote forked it


def test_a_restart_kills_what_the_dead_kernel_started(tmp_path):
    nb = _exercises(
        "import json, os, subprocess",
        "subprocess.Popen(['sleep', '600'], start_new_session=True)\nos._exit(3)",
        LOOK_AROUND,
    )
    graded = _grade(nb, tmp_path / "dies")
    assert [e[0] for e in _errors(graded)] == ["KernelDied"], _errors(graded)
    seen = json.loads(_printed(graded.cells[2]))  # in the kernel that replaced it
    assert seen["sleeping"] == [] and seen["strangers"] == []


def _outputs(nb) -> list:
    """What a graded notebook shows, but what differs from run to run (numbers, chunking)."""

    def masked(text: str) -> str:
        return re.sub(r"0x[0-9a-f]+|\d+(\.\d+)?", "#", text)

    shown = []
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        streams = {
            name: masked("".join(o.text for o in outputs if o.get("name") == name))
            for name in ("stdout", "stderr")
        }
        others = [
            (
                o.output_type,
                sorted(o.get("data", {})),
                o.get("ename"),
                masked(o.get("data", {}).get("text/plain", "")),
            )
            for o in outputs
            if o.output_type != "stream"
        ]
        shown.append((streams, others))
    return shown


def test_a_forked_kernel_grades_a_lesson_as_a_cold_one(tmp_path):
    slug = "01-images-as-arrays"
    source = COURSE / "en" / "source" / slug / f"{slug}.ipynb"
    execute.take_kernel_kinds()
    cold = _grade(nbformat.read(source, as_version=4), tmp_path / "cold", zygote=False)
    assert execute.take_kernel_kinds() == ["cold"]
    forked = _grade(nbformat.read(source, as_version=4), tmp_path / "forked")
    assert execute.take_kernel_kinds() == ["forked"]
    assert _errors(forked) == [] and _errors(cold) == []
    assert _outputs(forked) == _outputs(cold)
    images = sum(
        "image/png" in o.get("data", {}) for c in forked.cells for o in c.get("outputs", [])
    )
    widgets = sum(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for c in forked.cells
        for o in c.get("outputs", [])
    )
    assert images >= 3 and widgets >= 1  # figures drawn inline, widgets displayed


def test_only_ipykernel_commands_are_forked():
    assert kernel_arguments(["/v/bin/python", "-m", "ipykernel_launcher", "-f", "k.json"]) == [
        "-f",
        "k.json",
    ]
    assert kernel_arguments(["/v/bin/python", "-m", "other_kernel", "-f", "k.json"]) is None


# As `grader`'s user (root, or an ordinary account): two submissions through one zygote.
RUNNER = textwrap.dedent(
    """
    import json, shutil, sys, tempfile
    from pathlib import Path
    from nbformat.v4 import new_code_cell, new_notebook
    from convlab.grading import execute
    spec = json.loads(sys.argv[1])
    out = {}
    for name in ("first", "second"):
        nb = new_notebook(cells=[new_code_cell("import json"), new_code_cell(spec[name])])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        folder = Path(tempfile.mkdtemp(prefix="convlab-zygote-work-"))
        execute.GradingExecute(timeout=60).preprocess(nb, {"metadata": {"path": str(folder)}})
        shutil.rmtree(folder)
        out[name] = [o for c in nb.cells for o in c.outputs]
    zygote = execute._zygote.zygote
    out.update(uid=zygote.sandbox.uid, host=str(zygote.sandbox.host),
               tmpdir=tempfile.gettempdir())
    print(json.dumps(out))
    """
)


def test_an_ordinary_user_gets_the_same_isolation(grader):  # noqa: F811 - the fixture
    """Root and an ordinary user: nothing of the first submission reaches the second; nothing
    of either, nor the zygote, is left once the grading process ends."""
    spec = {"first": LEAVE_BEHIND, "second": LOOK_AROUND}
    cmd = grader._as_user([sys.executable, "-c", RUNNER, json.dumps(spec)])
    # The throwaway account has no home: IPython (the kernel spec lookup, in the grading
    # process) would make a temporary folder per kernel for its own; give it one.
    ipython_dir = Path(tempfile.mkdtemp(prefix="convlab-test-ipython-"))
    if grader.user:
        shutil.chown(ipython_dir, grader.user)
    env = {
        **os.environ,
        "TMPDIR": str(grader.tmpdir),
        "PYTHONPATH": str(REPO),
        "IPYTHONDIR": str(ipython_dir),
    }

    import psutil

    memory_before = psutil.virtual_memory().available
    grader.started = time.time()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    finally:
        shutil.rmtree(ipython_dir, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    errors = [o for o in result["first"] + result["second"] if o["output_type"] == "error"]
    assert errors == [], errors
    left = json.loads("".join(o.get("text", "") for o in result["first"]))
    seen = json.loads("".join(o.get("text", "") for o in result["second"]))
    assert seen["zygote"] == left["zygote"]
    assert seen["files"] == [] and seen["shm"] == [] and seen["sleeping"] == []
    assert seen["strangers"] == []
    assert "left" not in seen["home"] and not {"left", "locked"} & set(seen["tmp"])
    assert seen["queues"] == 0 and seen["semaphores"] == 0
    assert not seen["zygote_readable"] and seen["random"] != left["random"]
    grader.check_nothing_left(result, memory_before)
