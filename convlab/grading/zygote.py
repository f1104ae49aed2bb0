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
- **Processes**: the zygote is the init of the sandbox's PID namespace
  (``bwrap --as-pid-1``) and handles no signal but SIGCHLD (it reaps the
  namespace's orphans), so no process in the sandbox can stop or kill it; it
  is not dumpable, so none can ptrace it or read its memory, environment or
  descriptors.  Before each kernel starts (a restart too) and when a
  submission's grading ends, it SIGKILLs every other process of the namespace
  at once (``kill(-1)``) until a scan of /proc finds none (a zombie whose other
  threads run on counts).
  The fork closes every descriptor it inherits (the zygote's pipes to the
  worker).  What a process of the sandbox's user can still change on the zygote
  (its resource limits, priority, I/O priority, scheduling: every later fork
  would inherit them) is compared with what it was after each submission: a change stops
  this zygote, and the worker starts a new one.
- **Files**: every writable place (the working folder, ``/tmp`` with the home
  folder, ``/dev/shm``) is emptied before each kernel starts and after each
  submission, then the submission is copied in; the socket folder is emptied by
  the worker, with no process of the sandbox left, before it writes the next
  connection file.  A place that cannot be emptied stops the zygote.
- **Other state that outlives a process**: SysV semaphores and message queues
  are removed; SysV shared memory, POSIX message queues and keyrings are
  refused by the seccomp filter (sandbox.py).
- **Memory**: a fork has its own copy (copy-on-write) of the zygote's; the
  environment is replaced by the submission's; NumPy's global random state is
  reseeded (``random`` does so itself).
- **Modules**: only modules that are safe to fork and do nothing at import that
  depends on a running kernel (`PRELOAD`); not TensorFlow (not fork-safe), not
  ipywidgets or matplotlib-inline (they hook into the kernel when imported).

Introduced in the instructor guide (docs/GRADING.md, "One sandbox per worker").
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .sandbox import HOME, INPUT, MPL_SEED, WORKDIR, empty_folder

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

    Any failure (no answer in `timeout`, an answer out of step, an error such as
    a sandbox that could not be emptied or limits a submission changed) stops the
    zygote for good: `alive` turns False and the worker starts a new one.

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
        self._serial = 0
        self.failure = ""  # why it was stopped, for the worker's log
        # -P: the working folder (a submission's) is not on the zygote's sys.path.
        # --as-pid-1 (wrap): the zygote is the namespace's init, which no process in
        # the sandbox can signal, stop or trace (bubblewrap's own init could be traced).
        cmd = sandbox.wrap([sys.executable, "-P", "-m", "convlab.grading.zygote"], as_pid_1=True)
        self.proc: subprocess.Popen | None = subprocess.Popen(  # noqa: S603 - our own command
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
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
        answer = json.loads(line)
        if not isinstance(answer, dict):
            raise ValueError(f"not an answer: {line[:200]!r}")
        return answer

    def _fail(self, why: str) -> ZygoteFailed:
        """Stop the zygote for good; the error to raise."""
        self._stop(why)
        return ZygoteFailed(why)

    def _number(self, answer: dict, key: str) -> int:
        try:
            return int(answer[key])
        except (KeyError, TypeError, ValueError) as exc:
            raise self._fail(f"no {key} in the zygote's answer: {answer}") from exc

    def _stop(self, why: str = "closed") -> None:
        """Kill the zygote's process (its sandbox is closed by `close`)."""
        self.failure = self.failure or why
        if self.proc is not None:
            with contextlib.suppress(OSError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                self.proc.kill()

    def request(self, **message) -> dict:
        """Send one request and return the zygote's answer (ZygoteFailed: the zygote is stopped)."""
        with self._lock:
            if not self.alive:
                raise ZygoteFailed(f"the zygote stopped ({self.failure or 'it exited'})")
            assert self.proc is not None and self.proc.stdin is not None
            self._serial += 1
            try:
                self.proc.stdin.write(json.dumps({**message, "id": self._serial}).encode() + b"\n")
                self.proc.stdin.flush()
                answer = self._read()
                if answer.get("id") != self._serial:
                    raise ValueError(f"answer out of step: {answer}")
                if "error" in answer:
                    raise ZygoteFailed(str(answer["error"]))
            except (OSError, ValueError, ZygoteFailed) as exc:
                self._stop(str(exc))
                raise ZygoteFailed(f"the zygote stopped: {exc}") from exc
        return answer

    def start(self, workdir: Path, kernel_cmd: list[str]) -> int:
        """Fork a kernel for the submission in `workdir`; its PID (in the sandbox's namespace).

        The kernel's environment is the sandbox's (the zygote's own at its start).
        Call `finish` first: nothing of an earlier kernel may run meanwhile.
        """
        args = kernel_arguments(kernel_cmd)
        if args is None:
            raise ZygoteFailed(f"not an ipykernel command: {kernel_cmd}")
        try:
            self.sandbox.refill(workdir)
        except OSError as exc:
            raise self._fail(f"the submission could not be copied in: {exc}") from exc
        return self._number(self.request(op="start", args=args), "pid")

    def poll(self, pid: int) -> int | None:
        """Kernel `pid`'s exit status, or None while it runs (like `Popen.poll`)."""
        try:
            status = self.request(op="poll", pid=pid).get("status")
        except ZygoteFailed:
            return -signal.SIGKILL
        return None if status is None else int(status)

    def signal(self, pid: int, signum: int) -> None:
        with contextlib.suppress(ZygoteFailed):
            self.request(op="signal", pid=pid, signum=int(signum))

    def reset(self) -> int:
        """Kill every process of the sandbox but the zygote, empty its writable places.

        Returns how many processes were killed.
        """
        return self._number(self.request(op="reset"), "killed")

    def finish(self) -> None:
        """Nothing of the last kernel left, in the sandbox or in its socket folder.

        Called after a submission and before each kernel's start (a restart too):
        the worker writes the next connection file in the socket folder, as root.
        """
        self.reset()
        try:
            self.sandbox.empty_run_dir()
        except OSError as exc:
            raise self._fail(f"the socket folder could not be emptied: {exc}") from exc

    def close(self) -> None:
        """Stop the zygote and close its sandbox (nothing of it is left)."""
        proc = self.proc
        self._stop()
        self.proc = None
        if proc is not None:
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
            self.returncode = self.zygote.poll(self.pid)
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
            self.zygote.signal(self.pid, signum)

    def kill(self) -> None:
        # The kernel and everything it started, also after the kernel itself died:
        # what it started must not outlive it.
        with contextlib.suppress(ZygoteFailed):
            self.zygote.reset()
        if self.returncode is None:
            self.returncode = -signal.SIGKILL

    terminate = kill


# -- the zygote's side (inside the sandbox) ------------------------------------

#: Writable places of the sandbox, emptied between submissions (see sandbox.py).
_WRITABLE = (WORKDIR, "/tmp", "/dev/shm")


def _set_dumpable(value: bool) -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_dumpable = 4
    libc.prctl(pr_set_dumpable, int(value), 0, 0, 0)


def _others() -> list[int]:
    """PIDs of the sandbox's processes other than the zygote (pid 1 of its namespace).

    A zombie counts only while it has threads left: a process whose main thread
    exited shows as a zombie and runs on in its other threads.  A process whose
    state cannot be read for any reason but being gone counts too.
    """
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[1].split()[0]
            live = state not in (b"Z", b"X") or len(os.listdir(f"/proc/{entry}/task")) > 1
        except (FileNotFoundError, ProcessLookupError):
            continue  # gone
        except OSError:
            live = True
        if live:
            found.append(int(entry))
    return found


#: The kernel now forked (its exit status is kept when a reap collects it), and what
#: the reaps collected of it.  "pid" is None from the reset before a fork until the
#: fork's pid is known: a child reaped meanwhile (SIGCHLD runs between any two
#: bytecodes) can then only be that kernel, every other process being gone.
_kernel: dict[str, int | None] = {"pid": None, "status": None}


def _reap(*_signal) -> None:
    """Collect every exited child (the namespace's orphans come to its init, the zygote)."""
    while True:
        try:
            pid, code = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if _kernel["pid"] in (pid, None):
            _kernel["status"] = os.waitstatus_to_exitcode(code)


def _kill_others(wait: float = 30.0) -> int:
    """SIGKILL every other process of the namespace until none is left; how many were seen.

    Each pass first signals all at once (``kill(-1)`` from the namespace's init
    reaches every other process in it, also one being forked meanwhile, which a
    scan of /proc could miss), then scans until the scan finds nobody.
    """
    seen: set[int] = set(_others())
    deadline = time.monotonic() + wait
    while True:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
        _reap()
        left = _others()
        if not left:
            break
        seen.update(left)
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(left)} processes of the last submission would not die")
        time.sleep(0.005)
    _reap()
    return len(seen)


def _mount_points() -> set[str]:
    points = set()
    with contextlib.suppress(OSError), open("/proc/self/mountinfo") as fh:
        for line in fh:
            point = line.split()[4]
            points.add(point.encode().decode("unicode_escape"))
    return points


def _remove_sysv_ipc() -> None:
    for kind, flag in (("sem", "-s"), ("msg", "-q")):
        try:
            with open(f"/proc/sysvipc/{kind}") as fh:
                ids = [line.split()[1] for line in fh.readlines()[1:] if line.split()]
        except OSError:
            continue
        for ident in ids:
            subprocess.run(  # noqa: S603
                ["ipcrm", flag, ident],  # noqa: S607
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
            )


def _own_limits() -> dict:
    """What a process of the sandbox's user can lower on the zygote, and every fork inherits."""
    import resource

    limits: dict = {
        name: resource.getrlimit(getattr(resource, name))
        for name in sorted(dir(resource))
        if name.startswith("RLIMIT_")
    }
    limits["nice"] = os.getpriority(os.PRIO_PROCESS, 0)
    limits["scheduler"] = os.sched_getscheduler(0)
    limits["affinity"] = sorted(os.sched_getaffinity(0))
    ioprio_get = {"x86_64": 252, "aarch64": 31, "i686": 290}.get(os.uname().machine)
    if ioprio_get is not None:
        import ctypes

        limits["ioprio"] = ctypes.CDLL(None).syscall(ioprio_get, 1, 0)  # IOPRIO_WHO_PROCESS
    with contextlib.suppress(OSError), open("/proc/self/oom_score_adj") as fh:
        limits["oom_score_adj"] = fh.read().strip()
    return limits


def _reset(baseline: dict | None = None) -> int:
    """Kill the others, empty the writable places; raise if the zygote's limits were changed."""
    killed = _kill_others()
    if baseline is not None:
        # prlimit, setpriority, sched_setscheduler on the zygote by a submission's process:
        # a hard limit cannot be raised back, so this zygote must not fork again.
        changed = sorted(k for k, v in _own_limits().items() if baseline.get(k) != v)
        if changed:
            raise RuntimeError(f"a submission changed the zygote's limits: {changed}")
    mounts = _mount_points()
    for folder in _WRITABLE:
        if os.path.isdir(folder):
            empty_folder(folder, keep=mounts)
    _remove_sysv_ipc()
    return killed


def _prepare_submission() -> None:
    """What the sandbox's launcher does for a cold kernel: copy the submission, seed Matplotlib."""
    for entry in os.scandir(INPUT):  # the working folder itself is the sandbox's mount point
        target = os.path.join(WORKDIR, entry.name)
        if entry.is_dir(follow_symlinks=False):
            shutil.copytree(entry.path, target, symlinks=True)
        else:
            shutil.copy2(entry.path, target, follow_symlinks=False)
    config = os.environ.get("MPLCONFIGDIR") or f"{HOME}/.config/matplotlib"
    os.makedirs(config, exist_ok=True)
    if os.path.isdir(MPL_SEED):
        shutil.copytree(MPL_SEED, config, dirs_exist_ok=True)


#: The signal dispositions the zygote changed, to restore in each fork.
_SIGNALS: dict[int, Any] = {}


def _guard_signals() -> None:
    """As init, the zygote gets only the signals it handles: handle none but SIGCHLD.

    Python handles SIGINT (KeyboardInterrupt), which a process of the sandbox could
    send to stop the zygote; SIGCHLD reaps the orphans that come to it.
    """
    for signum in signal.valid_signals():
        handler = signal.getsignal(signum)
        if callable(handler) and signum != signal.SIGCHLD:
            _SIGNALS[signum] = handler
            signal.signal(signum, signal.SIG_IGN)
    _SIGNALS[signal.SIGCHLD] = signal.getsignal(signal.SIGCHLD) or signal.SIG_DFL
    signal.signal(signal.SIGCHLD, _reap)


def _child(args: list[str], env: dict[str, str]) -> None:
    """In the fork: become the submission's kernel (never returns)."""
    code = 1
    try:
        for signum, handler in _SIGNALS.items():  # as a kernel started cold has them
            signal.signal(signum, handler)
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, 65536)  # the zygote's pipes to the worker, and all else inherited
        _set_dumpable(True)
        os.environ.clear()
        os.environ.update(env)
        _prepare_submission()
        os.chdir(WORKDIR)
        # As `python -m ipykernel_launcher` started there has it (the zygote runs with -P).
        sys.path.insert(0, WORKDIR)
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


def _status(pid: int) -> int | None:
    """Exit status of the zygote's kernel `pid`, None while it runs."""
    _reap()
    if _kernel["pid"] != pid:
        return -signal.SIGKILL  # an earlier kernel: killed by a reset
    return _kernel["status"]


def serve() -> None:
    """The zygote's loop: preload, then answer the worker's requests on stdin (JSON lines).

    Every answer carries the request's ``id``; an error answer ends the zygote's use.
    """
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
    _guard_signals()
    baseline = _own_limits()
    _answer(out, ready=True, modules=loaded, seconds=round(time.perf_counter() - started, 3))
    for line in sys.stdin:
        ident = None
        try:
            request = json.loads(line)
            ident = request.get("id")
            op = request.get("op")
            if op == "start":
                _reset(baseline)
                _kernel.update(pid=None, status=None)
                pid = os.fork()
                if pid == 0:
                    _child(list(request["args"]), environment)
                _kernel["pid"] = pid
                _answer(out, id=ident, pid=pid)
            elif op == "poll":
                _answer(out, id=ident, status=_status(int(request["pid"])))
            elif op == "signal":
                if int(request["pid"]) == _kernel["pid"] and _status(_kernel["pid"]) is None:
                    with contextlib.suppress(OSError):
                        os.kill(int(request["pid"]), int(request["signum"]))
                _answer(out, id=ident, done=True)
            elif op == "reset":
                killed = _reset(baseline)
                _kernel.update(pid=None, status=None)
                _answer(out, id=ident, killed=killed)
            else:
                _answer(out, id=ident, error=f"unknown request {op!r}")
        except Exception as exc:  # noqa: BLE001 - the worker reads the error and stops this zygote
            _answer(out, id=ident, error=f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    serve()
