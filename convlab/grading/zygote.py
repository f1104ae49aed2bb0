"""A grading kernel prepared once per worker and forked per submission: a zygote (issue #24).

A cold grading kernel spends about a second of CPU before the student's first
cell: Python and ipykernel start, then the lesson's first cell imports NumPy,
Matplotlib, OpenCV, scikit-image and ``convlab``.  The zygote does that once per
grading worker, inside the worker's sandbox, and then forks one kernel per
submission; the fork finds every module already imported.

What the fork shares with the submissions before and after it, and why each
is safe:

- **The sandbox** (:class:`~convlab.grading.sandbox.Sandbox`: namespaces, user
  id, CPU set, limits, seccomp filter, control group) is the worker's, as it
  was the submission's: one worker grades one submission at a time.
- **Processes**: before each fork, and when a submission's grading ends, the
  zygote SIGKILLs every process of the sandbox's PID namespace but bubblewrap's
  init and itself, until none is left.  The zygote is not dumpable, so a
  submission cannot ptrace it or read its memory or file descriptors; the fork
  closes every descriptor it inherits (the zygote's pipes to the worker).  A
  submission can kill the zygote, which costs only its own grading a cold start.
- **Files**: every writable place (the working folder, ``/tmp`` with the home
  folder, ``/dev/shm``) is emptied before each fork and after each submission,
  then the submission is copied in; the socket folder is emptied by the worker.
  SysV semaphores and message queues are removed (shared memory segments are
  refused by the seccomp filter).
- **Memory**: a fork has its own copy (copy-on-write) of the zygote's; the
  environment is replaced by the submission's; NumPy's global random state is
  reseeded (``random`` does so itself).
- **Modules**: only modules that are safe to fork and do nothing at import that
  depends on a running kernel (`PRELOAD`); not TensorFlow (not fork-safe), not
  ipywidgets or matplotlib-inline (they hook into the kernel when imported).

Introduced in the instructor guide (docs/GRADING.md, "How long it takes").
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

__all__ = ["PRELOAD", "Zygote", "ZygoteFailed", "kernel_arguments"]

#: Imported by the zygote before its first fork (those missing are skipped).
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "IPython",
    "IPython.display",
    "numpy",
    "scipy.ndimage",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.font_manager",
    "cv2",
    "skimage",
    "skimage.data",
    "convlab",
    "convlab.i18n",
    "convlab.plotting",
    "convlab.checks",
    "convlab.bench",
    "convlab.grading.kernel",
)
#: Modules that must not be in the zygote when it forks (see the module's docstring).
NOT_PRELOADED = ("tensorflow", "keras", "ipywidgets", "matplotlib_inline", "torch")

#: The kernel command the zygote can stand in for: ``python -m ipykernel_launcher ARGS``.
_LAUNCHER = ("-m", "ipykernel_launcher")


class ZygoteFailed(RuntimeError):
    """The zygote did not start or stopped answering (grading falls back to a cold kernel)."""


def kernel_arguments(kernel_cmd: list[str]) -> list[str] | None:
    """The ipykernel arguments of a kernel command, or None when a zygote cannot run it.

    >>> kernel_arguments(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "k.json"])
    ['-f', 'k.json']
    >>> kernel_arguments(["R", "--slave"]) is None
    True
    """
    for i in range(1, len(kernel_cmd) - 1):
        if tuple(kernel_cmd[i : i + 2]) == _LAUNCHER:
            return list(kernel_cmd[i + 2 :])
    return None


# -- the worker's side -------------------------------------------------------


class Zygote:
    """A zygote in a sandbox of its own, owned by one grading worker.

    Parameters
    ----------
    sandbox : Sandbox
        The worker's sandbox; its working folder is refilled for each submission
        (`start`).  Closed with the zygote.
    timeout : float
        Seconds the zygote may take to import `PRELOAD`, or to answer a request.
    """

    def __init__(self, sandbox, *, timeout: float = 120.0):
        self.sandbox = sandbox
        self.timeout = timeout
        self._lock = threading.Lock()
        cmd = sandbox.wrap([sys.executable, "-m", "convlab.grading.zygote"])
        self.proc: subprocess.Popen | None = subprocess.Popen(  # noqa: S603 - our own command
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.child: int | None = None
        try:
            self.ready = self._read()
        except (ZygoteFailed, ValueError) as exc:
            self.close()
            raise ZygoteFailed(f"the zygote did not start: {exc}") from exc
        if not self.ready.get("ready"):
            self.close()
            raise ZygoteFailed(f"the zygote did not start: {self.ready}")

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _read(self) -> dict:
        import selectors

        assert self.proc is not None and self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(self.timeout):
                raise ZygoteFailed(f"the zygote did not answer in {self.timeout:g} s")
        line = self.proc.stdout.readline()
        if not line:
            raise ZygoteFailed("the zygote stopped")
        return json.loads(line)

    def request(self, **message) -> dict:
        """Send one request and return the zygote's answer (ZygoteFailed if it is gone)."""
        with self._lock:
            if not self.alive:
                raise ZygoteFailed("the zygote stopped")
            assert self.proc is not None and self.proc.stdin is not None
            try:
                self.proc.stdin.write(json.dumps(message).encode() + b"\n")
                self.proc.stdin.flush()
                answer = self._read()
            except (OSError, ValueError) as exc:
                raise ZygoteFailed(f"the zygote stopped: {exc}") from exc
        if "error" in answer:
            raise ZygoteFailed(answer["error"])
        return answer

    def start(self, workdir: Path, kernel_cmd: list[str]) -> int:
        """Fork a kernel for the submission in `workdir`; its PID (in the sandbox's namespace).

        The kernel's environment is the sandbox's (the zygote's own at its start).
        Whatever an earlier submission left (processes, files) is removed first.
        """
        args = kernel_arguments(kernel_cmd)
        if args is None:
            raise ZygoteFailed(f"not an ipykernel command: {kernel_cmd}")
        self.child = None
        self.sandbox.refill(workdir)
        answer = self.request(op="start", args=args)
        self.child = int(answer["pid"])
        return self.child

    def poll(self) -> int | None:
        """The kernel's exit status, or None while it runs (like `Popen.poll`)."""
        if self.child is None:
            return 0
        try:
            status = self.request(op="poll", pid=self.child)["status"]
        except ZygoteFailed:
            return -signal.SIGKILL
        return None if status is None else int(status)

    def signal(self, signum: int) -> None:
        if self.child is not None:
            with contextlib.suppress(ZygoteFailed):
                self.request(op="signal", pid=self.child, signum=int(signum))

    def reset(self) -> int:
        """Kill every process of the sandbox but the zygote, empty its writable places.

        Returns how many processes were killed.
        """
        self.child = None
        return int(self.request(op="reset")["killed"])

    def finish(self) -> None:
        """After a submission: nothing of it left, in the sandbox or in its socket folder."""
        self.reset()
        self.sandbox.empty_run_dir()

    def close(self) -> None:
        """Stop the zygote and close its sandbox (nothing of it is left)."""
        proc, self.proc = self.proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
            for stream in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()
        self.sandbox.close()


class ZygoteChild:
    """The forked kernel, as jupyter_client's LocalProvisioner sees a `Popen`."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int):
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.poll()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout or 0)
            time.sleep(0.02)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if signum == signal.SIGKILL:
            self.kill()
        elif self.poll() is None:
            self.zygote.signal(signum)

    def kill(self) -> None:
        # The kernel and everything it started: the sandbox is ready for the next one.
        if self.returncode is None:
            with contextlib.suppress(ZygoteFailed):
                self.zygote.reset()
            self.returncode = -signal.SIGKILL

    terminate = kill


# -- the zygote's side (inside the sandbox) ------------------------------------

#: Writable places of the sandbox, emptied between submissions (see sandbox.py).
_WRITABLE = ("/submission", "/tmp", "/dev/shm")


def _set_dumpable(value: bool) -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_dumpable = 4
    libc.prctl(pr_set_dumpable, int(value), 0, 0, 0)


def _others() -> list[int]:
    """PIDs of the sandbox's processes other than bubblewrap's init, this zygote and its parent."""
    keep = {1, os.getpid(), os.getppid()}
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in keep:
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    state = fh.read().rsplit(b")", 1)[1].split()[0]
            except OSError:
                continue
            if state not in (b"Z", b"X"):
                found.append(int(entry))
    return found


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _kill_others(wait: float = 30.0) -> int:
    killed: set[int] = set()
    deadline = time.monotonic() + wait
    while True:
        left = _others()
        if not left:
            break
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        _reap()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(left)} processes of the last submission would not die")
        time.sleep(0.005)
    _reap()
    return len(killed)


def _mount_points() -> set[str]:
    points = set()
    with contextlib.suppress(OSError), open("/proc/self/mountinfo") as fh:
        for line in fh:
            point = line.split()[4]
            points.add(point.encode().decode("unicode_escape"))
    return points


def _empty(folder: str, mounts: set[str]) -> None:
    """Remove everything inside `folder`, but mount points (the bound socket folder).

    A folder holding a mount point is emptied around it, not removed.
    """

    def unlock(_function, path, _exc):
        # A folder the submission made unreadable or unwritable: its owner may open it.
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), stat.S_IRWXU)
        with contextlib.suppress(OSError):
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, stat.S_IRWXU)
                shutil.rmtree(path)
            else:
                os.unlink(path)

    with contextlib.suppress(OSError):
        os.chmod(folder, stat.S_IMODE(os.stat(folder).st_mode) | stat.S_IRWXU)
    for entry in os.listdir(folder):
        path = os.path.join(folder, entry)
        if path in mounts:
            continue
        if any(m.startswith(path + "/") for m in mounts):
            _empty(path, mounts)
        elif os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, onerror=unlock)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
    left = [
        e
        for e in os.listdir(folder)
        if not any(m == f"{folder}/{e}" or m.startswith(f"{folder}/{e}/") for m in mounts)
    ]
    if left:
        raise RuntimeError(f"{folder} could not be emptied: {left[:5]}")


def _remove_sysv_ipc() -> None:
    for kind, flag in (("sem", "-s"), ("msg", "-q")):
        try:
            with open(f"/proc/sysvipc/{kind}") as fh:
                ids = [line.split()[1] for line in fh.readlines()[1:] if line.split()]
        except OSError:
            continue
        for ident in ids:
            subprocess.run(["ipcrm", flag, ident], capture_output=True, check=False)  # noqa: S607


def _reset() -> int:
    killed = _kill_others()
    mounts = _mount_points()
    for folder in _WRITABLE:
        if os.path.isdir(folder):
            _empty(folder, mounts)
    _remove_sysv_ipc()
    return killed


def _prepare_submission() -> None:
    """What the sandbox's launcher does for a cold kernel: copy the submission, seed Matplotlib."""
    from .sandbox import HOME, INPUT, WORKDIR

    for entry in os.scandir(INPUT):  # the working folder itself is the sandbox's mount point
        target = os.path.join(WORKDIR, entry.name)
        if entry.is_dir(follow_symlinks=False):
            shutil.copytree(entry.path, target, symlinks=True)
        else:
            shutil.copy2(entry.path, target, follow_symlinks=False)
    config = os.environ.get("MPLCONFIGDIR") or f"{HOME}/.config/matplotlib"
    os.makedirs(config, exist_ok=True)
    if os.path.isdir("/run/convlab/mpl"):
        shutil.copytree("/run/convlab/mpl", config, dirs_exist_ok=True)


def _child(args: list[str], env: dict[str, str]) -> None:
    """In the fork: become the submission's kernel (never returns)."""
    code = 1
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, 65536)  # the zygote's pipes to the worker, and all else inherited
        _set_dumpable(True)
        os.environ.clear()
        os.environ.update(env)
        from .sandbox import WORKDIR

        _prepare_submission()
        os.chdir(WORKDIR)
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        sys.argv = [sys.executable, "-m", "ipykernel_launcher", *args]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=args)
        code = 0
    except BaseException:  # noqa: BLE001 - the fork must never return into the zygote's loop
        code = 1
    finally:
        os._exit(code)


def _answer(out, **message) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def serve() -> None:
    """The zygote's loop: preload, then answer the worker's requests on stdin (JSON lines)."""
    import importlib

    # The sandbox's environment, as a cold kernel gets it (imports may change os.environ).
    environment = dict(os.environ)
    # What ipykernel sets before a kernel's first import of Matplotlib (kernelapp.py,
    # init_gui_pylab): imported here, Matplotlib must read the same backend.
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    out = sys.stdout
    sys.stdout = sys.stderr  # what imports print is not an answer
    started = time.perf_counter()
    loaded = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception:  # noqa: BLE001, S112 - a missing module is imported by the kernel itself
            continue
    unsafe = sorted(m for m in sys.modules if m.split(".")[0] in NOT_PRELOADED)
    if unsafe:
        _answer(out, ready=False, error=f"modules that must not be preloaded: {unsafe[:5]}")
        return
    _set_dumpable(False)
    _answer(out, ready=True, modules=loaded, seconds=round(time.perf_counter() - started, 3))
    child: int | None = None
    for line in sys.stdin:
        try:
            request = json.loads(line)
            op = request.get("op")
            if op == "start":
                _reset()
                pid = os.fork()
                if pid == 0:
                    _child(list(request["args"]), environment)
                child = pid
                _answer(out, pid=pid)
            elif op == "poll":
                status = None
                if child is not None and int(request["pid"]) == child:
                    try:
                        done, code = os.waitpid(child, os.WNOHANG)
                    except ChildProcessError:  # reaped by a reset
                        done, code = child, -signal.SIGKILL
                    else:
                        code = os.waitstatus_to_exitcode(code) if done else 0
                    if done:
                        status, child = code, None
                else:
                    status = 0
                _answer(out, status=status)
            elif op == "signal":
                if child is not None and int(request["pid"]) == child:
                    with contextlib.suppress(OSError):
                        os.kill(child, int(request["signum"]))
                _answer(out, done=True)
            elif op == "reset":
                child = None
                _answer(out, killed=_reset())
            else:
                _answer(out, error=f"unknown request {op!r}")
        except Exception as exc:  # noqa: BLE001 - the worker reads the error and starts anew
            _answer(out, error=f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    serve()
