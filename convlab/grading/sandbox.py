"""The operating-system sandbox in which a graded notebook's kernel runs.

A graded kernel runs in a sandbox started by bubblewrap (``bwrap``), in new
namespaces of its own: one sandbox per submission, or one per grading worker
whose zygote forks each submission's kernel in it and empties it between them
(zygote.py; `refill`, `empty_run_dir`):

- **files**: an empty root with the system (``/usr``, ``/etc``, ...), the
  Python installation and the ``convlab`` package bound read-only; a private
  copy of this submission's folder on a size-limited tmpfs as the working
  directory; a private, size-limited ``/tmp`` and home, and ``/dev/shm``; the
  root, ``/dev`` and the rest read-only (sizes: `SandboxLimits`).  Nothing of the course
  directory is mounted: not ``source/``, not anyone's ``submitted/``,
  ``autograded/`` or ``feedback/``, not the gradebook, not the instructor's home;
- **network**: none (``--unshare-net``); the kernel talks to nbgrader over Unix
  sockets (ZeroMQ's ``ipc`` transport) in a private folder;
- **processes**: its own PID namespace, killed as a whole when grading of the
  submission ends (``--die-with-parent``; nothing survives it);
- **identity**: when grading runs as root, the kernel runs as an unprivileged
  user id (one per worker), so the process limit applies to it;
- **environment**: emptied, then a short list of variables set;
- **limits** (``prlimit``): memory (``RLIMIT_DATA``), processes
  (``RLIMIT_NPROC``), file size (``RLIMIT_FSIZE``), no core dumps;
- **CPU**: one CPU per live sandbox (``taskset``), a lower priority (``nice``),
  and a seccomp filter that refuses ``sched_setaffinity`` (so the CPU set
  holds whatever the submission spawns) and ``memfd_create``/``shmget`` (shared
  memory outside every tmpfs size).  As root on a machine with cgroup v1, a
  control group per sandbox (cgroups.py) bounds the memory of all its
  processes together, tmpfs included, its CPU time and its processes; what a
  machine cannot hold is listed by `Sandbox.unenforced`, and ``convlab grade``
  says so in its summary (`unenforced_lines`) and in the grades CSV's
  ``sandbox`` column (`sandbox_column`).

nbgrader's other steps (restoring cells, checksums, scores, feedback) run
outside the sandbox, in the grading process.

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterable
from pathlib import Path

from . import cgroups
from .cgroups import SandboxCgroup

__all__ = [
    "SandboxLimits",
    "SandboxUnavailable",
    "sandbox_problem",
    "Sandbox",
    "GAPS",
    "sandbox_column",
    "parse_sandbox_column",
    "unenforced_lines",
]

#: Where the submission's private copy is mounted inside the sandbox.
WORKDIR = "/submission"
#: Read-only view of the files copied into WORKDIR when the sandbox starts.
INPUT = "/run/convlab/input"
#: Home (on the private /tmp).
HOME = "/tmp/home"
#: Read-only view of Matplotlib's font cache, built once per grading process
#: (`_matplotlib_seed`), copied into each kernel's Matplotlib folder.
MPL_SEED = "/run/convlab/mpl"


class SandboxUnavailable(RuntimeError):
    """No sandbox can be started on this machine (says what to install)."""


MiB = 1024**2


@dataclasses.dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of one graded kernel (and every process it starts).

    Storage: every place a submission can write is a size-limited tmpfs (RAM),
    and their sizes add up to `storage` (512 MiB by default):

    ========  ==============================================  =======
    field     writable place                                   default
    ========  ==============================================  =======
    disk      the working folder (the submission's copy)       384 MiB
    tmp       ``/tmp`` (the home folder is under it)           95 MiB
    shm       ``/dev/shm`` (POSIX shared memory, semaphores)   32 MiB
    ipc       the kernel's socket folder (as root only: an     1 MiB
              ordinary user cannot mount it, see GRADING.md)
    ========  ==============================================  =======

    Everything else (``/``, ``/dev``, ``/run``, the system) is read-only.
    """

    memory: int = 4 * 1024**3  #: RLIMIT_DATA, bytes (heap and anonymous mappings)
    #: all the sandbox's processes together, tmpfs pages included (a cgroup, as root), bytes
    total_memory: int = 4 * 1024**3
    processes: int = 1024  #: RLIMIT_NPROC: processes and threads of the sandbox's user
    file_size: int = 256 * MiB  #: RLIMIT_FSIZE, bytes: largest file it may write
    disk: int = 384 * MiB  #: size of the writable working folder (tmpfs), bytes
    tmp: int = 95 * MiB  #: size of /tmp and the home folder (tmpfs), bytes
    shm: int = 32 * MiB  #: size of /dev/shm (tmpfs), bytes
    ipc: int = 1 * MiB  #: size of the kernel's socket folder (tmpfs, as root), bytes
    cpus: int = 1  #: CPUs a sandbox may run on (sched_setaffinity, one set per worker)
    nice: int = 10  #: added to the grading process's niceness for the sandbox (0-19)

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(
                    f"SandboxLimits.{field.name} must be an int, got {type(value).__name__}"
                )
            low = 0 if field.name == "nice" else 1
            if value < low:
                raise ValueError(f"SandboxLimits.{field.name} must be >= {low}, got {value}")
        if self.nice > 19:
            raise ValueError(f"SandboxLimits.nice must be at most 19, got {self.nice}")

    @property
    def storage(self) -> int:
        """Total writable storage of one sandbox, bytes (all of it tmpfs, so RAM)."""
        return self.disk + self.tmp + self.shm + self.ipc


#: Environment variables passed into the sandbox (all others are dropped).
PASSED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS", "LANG", "LC_ALL", "TZ")


def _bwrap() -> str | None:
    return shutil.which("bwrap")


def sandbox_problem() -> str | None:
    """Why no sandbox can be started here, or None when one can.

    Starts a trivial sandbox with the same namespaces grading uses.
    """
    bwrap = _bwrap()
    if bwrap is None:
        return (
            "bubblewrap (bwrap) is not installed; install it, e.g. "
            "`sudo apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`."
        )
    for tool in ("prlimit", "setpriv", "taskset", "nice"):
        if shutil.which(tool) is None:
            return f"`{tool}` is missing; install util-linux and coreutils."
    with tempfile.TemporaryFile() as bpf:
        bpf.write(seccomp_filter())
        bpf.seek(0)
        return _try_sandbox(bwrap, bpf.fileno())


def _try_sandbox(bwrap: str, seccomp_fd: int) -> str | None:
    cmd = [bwrap, "--ro-bind", "/", "/", "--die-with-parent", "--seccomp", str(seccomp_fd)]
    if os.geteuid() == 0:
        cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--"]
        cmd += ["setpriv", f"--reuid={UID_BASE}", f"--regid={UID_BASE}", "--clear-groups"]
    else:
        cmd += ["--unshare-all"]
    cmd += ["--", "/bin/true"]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=60, pass_fds=(seccomp_fd,)
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start a sandbox: {exc}"
    if proc.returncode != 0:
        return (
            "bubblewrap could not start a sandbox "
            f"({proc.stderr.strip() or f'exit {proc.returncode}'}); unprivileged user "
            "namespaces may be disabled: `sysctl kernel.unprivileged_userns_clone=1` "
            "(Debian) or `sysctl user.max_user_namespaces=15000`; or the kernel lacks "
            "seccomp (`grep Seccomp /proc/self/status`)."
        )
    return None


#: First user id used for sandboxes when grading runs as root (one per live sandbox).
UID_BASE = 990_000


def _python_roots() -> list[Path]:
    """Folders the kernel's Python needs, read-only: installation, environment, convlab."""
    import convlab

    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix)}
    for key in ("purelib", "platlib", "stdlib", "platstdlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(Path(path))
    roots.add(Path(convlab.__file__).resolve().parent)
    # The interpreter the venv links to.
    roots.add(Path(os.path.realpath(sys.executable)).parent.parent)
    keep: list[Path] = []
    for root in sorted(roots, key=lambda p: len(p.parts)):
        root = root.resolve()
        if root.exists() and not any(root == k or k in root.parents for k in keep):
            keep.append(root)
    return keep


def _convlab_parent() -> Path | None:
    """The folder holding the running `convlab`, unless it is the environment's site-packages."""
    import convlab

    parent = Path(convlab.__file__).resolve().parent.parent
    paths = sysconfig.get_paths()
    site = {Path(paths[k]).resolve() for k in ("purelib", "platlib") if paths.get(k)}
    return None if parent in site else parent


class Sandbox:
    """One sandbox: a private folder on the host and the command that starts a kernel in it.

    Parameters
    ----------
    workdir : Path or None
        The submission's folder (nbgrader's ``autograded/<student>/<lesson>/``).
        It is copied; the copy is the only writable place the kernel sees.  None
        for a worker's zygote (zygote.py), whose submissions come by `refill`.
    """

    def __init__(
        self,
        workdir: Path | None,
        *,
        limits: SandboxLimits | None = None,
        env: dict[str, str] | None = None,
    ):
        if _bwrap() is None:
            raise SandboxUnavailable(sandbox_problem())
        self.limits = limits or SandboxLimits()
        # Each live sandbox has a user id of its own (as root): no other sandbox, of
        # this run or of a concurrent one (another course, `nbgrader autograde`),
        # shares its process limit or is touched by its teardown.
        self.slot, self._uid_lock = _claim_uid_slot()
        self.host = Path(tempfile.mkdtemp(prefix="convlab-sandbox-"))
        self.input = self.host / "input"
        self.run_dir = self.host / "run"  # connection file and ipc sockets, same path inside
        if workdir is None:
            self.input.mkdir()
        else:
            shutil.copytree(workdir, self.input, symlinks=True)
        self.run_dir.mkdir()
        self.ipc_limited = self._mount_ipc()
        self.env = dict(env or {})
        self._chown()
        # The CPUs this sandbox runs on: one set per live sandbox (worker) on this machine.
        self.cpu_slot, self._cpu_lock = _claim_cpu_slot()
        self.cpus = _cpus_for(self.cpu_slot, self.limits.cpus)
        self.seccomp = self.host / "seccomp.bpf"
        self.seccomp.write_bytes(seccomp_filter())
        # As root with cgroup v1: one group for all the kernel's processes (memory total
        # with tmpfs, CPU quota, process cap).  Otherwise `unenforced` says what is missing.
        self.cgroup: SandboxCgroup | None = None
        if cgroups.v1_available():
            try:
                self.cgroup = SandboxCgroup(
                    f"{os.getpid()}-{self.slot}-{self.host.name}",
                    memory=self.limits.total_memory,
                    cpus=self.limits.cpus,
                    processes=self.limits.processes,
                )
            except OSError:
                self.cgroup = None

    def _mount_ipc(self) -> bool:
        """As root, put the socket folder on a tiny tmpfs of its own (True when done).

        The kernel must create its sockets there, so it is writable from inside;
        on the host's disk it would be a place to fill.  An ordinary user cannot
        mount on the host: there it stays a folder of the host's temporary
        directory, bounded only per file (RLIMIT_FSIZE).
        """
        if os.geteuid() != 0 or shutil.which("mount") is None:
            return False
        options = f"size={self.limits.ipc},nr_inodes=64,mode=0700"
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "convlab-ipc", str(self.run_dir)],
            capture_output=True,
            timeout=60,
        )
        return proc.returncode == 0

    @property
    def uid(self) -> int:
        return UID_BASE + self.slot if os.geteuid() == 0 else os.geteuid()

    def _chown(self, top: Path | None = None) -> None:
        """As root, give the sandbox's user `top` and all below it (default: the private
        folder, which is made private to it first)."""
        if top is None:
            top = self.host
            top.chmod(0o700)
        if os.geteuid() != 0:
            return
        for path in [top, *top.rglob("*")]:
            os.lchown(path, self.uid, self.uid)

    @property
    def unenforced(self) -> list[str]:
        """Limits this sandbox cannot hold on this machine, in short English words.

        For the grading summary and the CSV's ``sandbox`` column (like ``none``
        for no sandbox); ids from `GAPS`, in its order.  Without a control group
        (cgroups.py: root and cgroup v1 only), no CPU quota nor a limit on the
        memory of all the submission's processes together; as an ordinary user,
        neither a socket folder of bounded size nor a process limit of its own.
        """
        gaps = [] if self.cgroup is not None else ["cpu-quota", "total-memory"]
        if not self.ipc_limited:
            gaps.append("ipc-folder-size")
        if os.geteuid() != 0:
            gaps.append("shared-process-limit")
        return gaps

    def refill(self, workdir: Path) -> None:
        """Make `workdir` the submission the sandbox copies in (a zygote's next fork).

        The input folder is bound into the sandbox: it is emptied and filled in
        place, not replaced.
        """
        empty_folder(self.input)
        shutil.copytree(workdir, self.input, symlinks=True, dirs_exist_ok=True)
        self._chown(self.input)  # only what was just copied (the socket folder is the sandbox's)

    def empty_run_dir(self) -> None:
        """Remove the last kernel's connection file and sockets (the folder stays: it is bound)."""
        empty_folder(self.run_dir)

    def give(self, path: Path) -> None:
        """Let the sandbox's user read a file the grading process wrote (the connection file)."""
        if os.geteuid() == 0:
            os.chown(path, self.uid, self.uid, follow_symlinks=False)

    def wrap(self, kernel_cmd: list[str], *, as_pid_1: bool = False) -> list[str]:
        """The command that runs `kernel_cmd` inside the sandbox.

        `as_pid_1`: `kernel_cmd` is the PID namespace's init (a zygote, which
        reaps what it starts), not a child of bubblewrap's own init: no process of
        the sandbox can then signal or trace what outlives each submission.
        """
        lim = self.limits
        root = os.geteuid() == 0
        nproc = lim.processes
        if not root:  # the limit counts every process and thread of this user
            nproc += _processes_of(os.geteuid())
        # One CPU set per worker, a lower priority, and a seccomp filter (fd 9) that
        # keeps the kernel from widening its CPUs or taking unbounded shared memory.
        script = 'exec 9<"$0" && exec "$@"'
        if self.cgroup is not None:  # this shell enters the groups; all it starts inherits them
            script = "".join(f'echo $$ > "{p}" && ' for p in self.cgroup.procs_files) + script
        cmd = ["/bin/sh", "-c", script, str(self.seccomp)]
        cmd += ["taskset", "--cpu-list", ",".join(map(str, self.cpus))]
        cmd += ["nice", "-n", str(lim.nice)]
        cmd += ["prlimit", f"--data={lim.memory}", f"--nproc={nproc}"]
        cmd += [f"--fsize={lim.file_size}", "--core=0", "--"]
        bwrap = [_bwrap(), "--seccomp", "9"]
        if root:
            # Privileged bwrap mounts what the kernel needs (the Python installation
            # may sit under root's private home), then the kernel drops to a user id
            # of its own (setpriv, below), so the process limit applies to it.
            bwrap += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
            bwrap += ["--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            bwrap += ["--unshare-all"]
        bwrap += ["--die-with-parent", "--new-session", "--clearenv"]
        if as_pid_1:
            bwrap += ["--as-pid-1"]
        for top in ("/usr", "/etc", "/opt/conda"):
            if Path(top).is_dir():
                bwrap += ["--ro-bind", top, top]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
            p = Path(top)
            if p.is_symlink():
                bwrap += ["--symlink", os.readlink(p), top]
            elif p.is_dir():
                bwrap += ["--ro-bind", top, top]
        # The private /tmp first: the environment itself may live under /tmp (a CI
        # checkout), and is bound on top of it below.
        bwrap += ["--perms", "1777", "--size", str(lim.tmp), "--tmpfs", "/tmp"]
        made: set[Path] = {Path("/tmp")}
        for folder in _python_roots():
            if any(str(folder) == t or str(folder).startswith(t + "/") for t in ("/usr", "/etc")):
                continue
            # Folders above a bound one are made readable (bwrap's default is private).
            for parent in reversed(folder.parents):
                if parent != Path("/") and parent not in made:
                    made.add(parent)
                    bwrap += ["--perms", "0755", "--dir", str(parent)]
            bwrap += ["--ro-bind", str(folder), str(folder)]
        # An environment reached through a symbolic link (a worktree's `.venv` linking
        # to a shared one): the kernel command names the link, so it exists inside too.
        link = Path(os.path.abspath(sys.prefix))
        if link != link.resolve() and not link.is_relative_to("/tmp"):
            for parent in reversed(link.parents):
                if parent != Path("/") and parent not in made:
                    made.add(parent)
                    bwrap += ["--perms", "0755", "--dir", str(parent)]
            bwrap += ["--symlink", str(link.resolve()), str(link)]
        bwrap += ["--dev", "/dev", "--proc", "/proc"]
        # /dev/shm: a small tmpfs of its own (bwrap's /dev is a tmpfs without size,
        # writable by an ordinary user); /dev itself read-only, below.
        bwrap += ["--perms", "1777", "--size", str(lim.shm), "--tmpfs", "/dev/shm"]
        bwrap += ["--perms", "0777", "--size", str(lim.disk), "--tmpfs", WORKDIR]
        bwrap += ["--perms", "0755", "--dir", "/run", "--perms", "0755", "--dir", "/run/convlab"]
        bwrap += ["--ro-bind", str(self.input), INPUT]
        for parent in reversed(self.run_dir.parents):
            if parent not in (Path("/"), Path("/tmp")):
                bwrap += ["--perms", "0755", "--dir", str(parent)]
        bwrap += ["--bind", str(self.run_dir), str(self.run_dir)]
        seed = _matplotlib_seed()
        if seed is not None:
            bwrap += ["--ro-bind", str(seed), MPL_SEED]
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": HOME,
            "TMPDIR": "/tmp",
            "USER": "student",
            "LOGNAME": "student",
            "LANG": "C.UTF-8",
            "MPLCONFIGDIR": f"{HOME}/.config/matplotlib",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "JUPYTER_PLATFORM_DIRS": "1",
            "CONVLAB_SANDBOX": "bwrap",
        }
        # The kernel imports the `convlab` the grading process runs (the one bound
        # above), also when that is a checkout on PYTHONPATH rather than the installed one.
        package_parent = _convlab_parent()
        if package_parent is not None:
            env["PYTHONPATH"] = str(package_parent)
        env.update({k: os.environ[k] for k in PASSED_ENV if k in os.environ})
        env.update(self.env)
        for key, value in env.items():
            bwrap += ["--setenv", key, value]
        # bwrap's root and /dev are tmpfs without size, and an ordinary user owns
        # them: read-only (not recursive: /tmp, /dev/shm, the working folder stay).
        bwrap += ["--remount-ro", "/dev", "--remount-ro", "/"]
        bwrap += ["--chdir", WORKDIR, "--"]
        if root:
            uid = str(self.uid)
            bwrap += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
            bwrap += ["--inh-caps=-all", "--"]
        # Copy the submission into the writable tmpfs, seed matplotlib's font cache, start.
        launcher = (
            f"cp -R {INPUT}/. {WORKDIR}/ && mkdir -p $MPLCONFIGDIR && "
            f"{{ [ -d {MPL_SEED} ] && cp -R {MPL_SEED}/. $MPLCONFIGDIR/ || true; }} && "
            'exec "$@"'
        )
        return [*cmd, *bwrap, "/bin/sh", "-c", launcher, "sh", *kernel_cmd]

    def close(self) -> None:
        """Remove the private folder; as root, make sure no process of this sandbox's user is left.

        The PID namespace dies with the kernel, but its processes (a fork bomb's
        thousand) take a moment to go; the next submission of this worker must
        not start while they still count against its process limit.
        """
        if self.cgroup is not None:
            self.cgroup.close()
            self.cgroup = None
        if os.geteuid() == 0:
            _kill_user(self.uid)
        if self.ipc_limited:
            subprocess.run(["umount", "--lazy", str(self.run_dir)], capture_output=True, timeout=60)
            self.ipc_limited = False
        shutil.rmtree(self.host, ignore_errors=True)
        if self._uid_lock is not None:
            self._uid_lock.close()  # releases the user id
            self._uid_lock = None
        if self._cpu_lock is not None:
            self._cpu_lock.close()  # releases the CPU set
            self._cpu_lock = None

    def __repr__(self) -> str:
        return f"Sandbox({self.host}, uid={self.uid})"


#: What `Sandbox.unenforced` can name, in the order the summary and the CSV list them.
GAPS = ("cpu-quota", "total-memory", "ipc-folder-size", "shared-process-limit")
_COLUMN_GAPS = " (not enforced: "


def sandbox_column(kind: str, unenforced: Iterable[str] = ()) -> str:
    """The grades CSV's ``sandbox`` value of a row.

    ``bwrap`` (every limit held), ``bwrap (not enforced: cpu-quota,
    total-memory)`` (ids of `GAPS`, in its order), or ``none`` (graded with
    ``--unsafe-no-sandbox``: no limit at all, so none is listed).
    `parse_sandbox_column` reads it back.
    """
    if kind not in ("bwrap", "none"):
        raise ValueError(f"`kind` must be 'bwrap' or 'none'; got {kind!r}")
    gaps = set(unenforced)
    unknown = gaps - set(GAPS)
    if unknown:
        raise ValueError(f"unknown limits {sorted(unknown)}; expected some of {list(GAPS)}")
    if kind == "none" or not gaps:
        return kind
    return kind + _COLUMN_GAPS + ", ".join(g for g in GAPS if g in gaps) + ")"


def parse_sandbox_column(value: str) -> tuple[str, list[str]]:
    """``(kind, unenforced)`` of a ``sandbox`` value written by `sandbox_column`.

    >>> parse_sandbox_column("bwrap (not enforced: cpu-quota, total-memory)")
    ('bwrap', ['cpu-quota', 'total-memory'])
    >>> parse_sandbox_column("none")
    ('none', [])
    """
    kind, _sep, rest = value.partition(_COLUMN_GAPS)
    gaps = [g.strip() for g in rest.removesuffix(")").split(",") if g.strip()]
    if kind not in ("bwrap", "none") or (_sep and (not value.endswith(")") or not gaps)):
        raise ValueError(f"not a sandbox column value: {value!r}")
    if set(gaps) - set(GAPS):
        raise ValueError(f"unknown limits in {value!r}; expected some of {list(GAPS)}")
    return kind, gaps


def unenforced_lines(unenforced: Iterable[str]) -> list[str]:
    """What the grading summary says of limits this machine does not hold, in the current language.

    A heading, then one line per limit (ids of `GAPS`): what is missing and
    what the instructor can do about it.  Empty when every limit is held.
    """
    from ..i18n import gettext as _
    from ..i18n import ngettext

    gaps = [g for g in GAPS if g in set(unenforced)]
    if not gaps:
        return []
    memory = f"{SandboxLimits().memory / 1024**3:g} GiB"
    scope = "systemd-run --scope" if os.geteuid() == 0 else "systemd-run --user --scope"
    advice = {
        # TRANSLATORS: keep the id before the colon (cpu-quota) as is: the grades CSV names it.
        "cpu-quota": _(
            "cpu-quota: no CPU quota per submission, only one CPU of its own at a lower "
            "priority; convlab sets a quota when it grades as root on a machine with cgroup "
            "v1 (cgroup v2 is not supported yet). With systemd and cgroup v2, `{command}` "
            "bounds the whole run; meanwhile use at most as many --jobs as CPUs"
        ).format(command=f"{scope} -p CPUQuota=200% convlab grade ..."),
        # TRANSLATORS: keep the id before the colon (total-memory) as is: the grades CSV names it.
        "total-memory": _(
            "total-memory: no limit on the memory of all a submission's processes together, "
            "only {memory} per process; convlab sets one when it grades as root on a machine "
            "with cgroup v1 (cgroup v2 is not supported yet). With systemd and cgroup v2, "
            "`{command}` bounds the whole run"
        ).format(memory=memory, command=f"{scope} -p MemoryMax=8G convlab grade ..."),
        # TRANSLATORS: keep the id before the colon (ipc-folder-size) as is: the grades CSV names it.
        "ipc-folder-size": _(
            "ipc-folder-size: the kernel's socket folder is bounded per file only, not in "
            "total; grade as root (root mounts a 1 MiB tmpfs for it)"
        ),
        # TRANSLATORS: keep the id before the colon (shared-process-limit) as is: the grades CSV names it.
        "shared-process-limit": _(
            "shared-process-limit: the process limit is shared with your account's other "
            "processes, the run's other sandboxes included; grade as root (each sandbox then "
            "runs as a user id of its own, with a limit of its own)"
        ),
    }
    heading = ngettext(
        "this machine does not enforce {n} sandbox limit (the grades CSV's sandbox column "
        "names it):",
        "this machine does not enforce {n} sandbox limits (the grades CSV's sandbox column "
        "names them):",
        len(gaps),
    ).format(n=len(gaps))
    return [heading, *("  " + advice[g] for g in gaps)]


def empty_folder(folder: str | Path, keep: Iterable[str] = ()) -> None:
    """Remove everything inside `folder` (not the folder: it may be a mount point).

    Paths in `keep` (mount points) stay, and the folders holding them are emptied
    around them.  What the sandbox's user made unreadable or unwritable is opened
    first (its owner may).  Raises OSError if anything else is left, so that a
    sandbox that cannot be emptied is not used again.
    """
    import stat

    folder = str(folder)
    kept = {str(k) for k in keep}
    tried: set[str] = set()

    def opened(path: str) -> None:
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) | stat.S_IRWXU)

    def unlock(_function, path, _exc):
        if path in tried:
            return
        tried.add(path)
        opened(os.path.dirname(path))
        with contextlib.suppress(OSError):
            if os.path.isdir(path) and not os.path.islink(path):
                opened(path)
                shutil.rmtree(path, onerror=unlock)
            else:
                os.unlink(path)

    def holds_kept(path: str) -> bool:
        return any(k.startswith(path + "/") for k in kept)

    opened(folder)
    for entry in os.listdir(folder):
        path = os.path.join(folder, entry)
        if path in kept:
            continue
        if holds_kept(path):
            empty_folder(path, kept)
        elif os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, onerror=unlock)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
    left = [
        e
        for e in os.listdir(folder)
        if os.path.join(folder, e) not in kept and not holds_kept(os.path.join(folder, e))
    ]
    if left:
        raise OSError(f"{folder} could not be emptied: {left[:5]}")


def _processes_of(uid: int) -> int:
    try:
        import psutil

        return sum(
            p.info["num_threads"] or 1
            for p in psutil.process_iter(["uids", "num_threads"])
            if p.info["uids"] and p.info["uids"].real == uid
        )
    except Exception:  # noqa: BLE001 - a rough count is enough; a generous default
        return 4096


#: How many sandbox user ids (UID_BASE + n) may be live at once on a machine.
UID_SLOTS = 4096


def _claim_uid_slot():
    """A slot (user id UID_BASE + slot) no other live sandbox on this machine holds.

    A file lock per slot, held by the grading process until the sandbox is closed
    (or the process ends).  Not root: the id is the grader's own; no lock needed.
    """
    if os.geteuid() != 0:
        return 0, None
    import fcntl
    import random

    folder = Path(tempfile.gettempdir()) / "convlab-sandbox-uids"
    folder.mkdir(mode=0o700, exist_ok=True)
    start = random.randrange(UID_SLOTS)
    for i in range(UID_SLOTS):
        slot = (start + i) % UID_SLOTS
        handle = open(folder / f"{slot}.lock", "a")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        return slot, handle
    raise SandboxUnavailable(f"more than {UID_SLOTS} sandboxes live on this machine")


def _claim_cpu_slot():
    """The lowest worker slot no other live sandbox of this user holds, and its lock.

    Lowest first, so that two workers grading side by side get different CPUs.
    """
    import fcntl

    folder = Path(tempfile.gettempdir()) / f"convlab-sandbox-cpus-{os.geteuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink() or folder.stat().st_uid != os.geteuid():
        raise SandboxUnavailable(f"{folder} belongs to another user; remove it")
    for slot in range(UID_SLOTS):
        handle = open(folder / f"{slot}.lock", "a")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        return slot, handle
    raise SandboxUnavailable(f"more than {UID_SLOTS} sandboxes live on this machine")


def _cpus_for(slot: int, count: int) -> list[int]:
    """The CPUs of worker slot `slot`: `count` of the grading process's own, in turn."""
    allowed = sorted(os.sched_getaffinity(0))
    count = min(count, len(allowed))
    return sorted({allowed[(slot * count + i) % len(allowed)] for i in range(count)})


#: System calls the sandbox may not make, per architecture (audit arch -> numbers):
#: sched_setaffinity (it would leave its CPU set), memfd_create and shmget (shared
#: memory outside every tmpfs size and RLIMIT_DATA), mq_open and mq_unlink (POSIX
#: message queues) and add_key, request_key and keyctl (the user's keyrings): the
#: last two outlive a process and are not emptied between the submissions a
#: worker's zygote forks (zygote.py), so they would be a channel from one to the
#: next.  i386 also covers ``int 0x80`` from a 64-bit process, x32 the x86_64
#: numbers with bit 30 set.
_X86_64 = (203, 319, 29, 240, 241, 248, 249, 250)
DENIED_SYSCALLS = {
    0xC000003E: (*_X86_64, *(0x40000000 | n for n in _X86_64)),  # x86_64 and x32
    0x40000003: (241, 356, 395, 117, 277, 278, 286, 287, 288),  # i386 (117: ipc(), SysV)
    0xC00000B7: (122, 279, 194, 180, 181, 217, 218, 219),  # aarch64
}


def seccomp_filter() -> bytes:
    """A classic-BPF seccomp program (for ``bwrap --seccomp``) refusing DENIED_SYSCALLS with EPERM.

    Any other system call, and any architecture not listed, is allowed.
    """
    import struct

    ld_abs, jeq, ret = (
        0x20,
        0x15,
        0x06,
    )  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    prog: list[tuple[int, int, int, int]] = []
    denials: list[int] = []  # indexes of jumps to patch to the final "deny"
    for arch, numbers in DENIED_SYSCALLS.items():
        prog.append((ld_abs, 0, 0, 4))  # seccomp_data.arch
        prog.append((jeq, 0, len(numbers) + 2, arch))  # not this arch: next block
        prog.append((ld_abs, 0, 0, 0))  # seccomp_data.nr
        for number in numbers:
            denials.append(len(prog))
            prog.append((jeq, 0, 0, number))
        prog.append((ret, 0, 0, allow))
    prog.append((ret, 0, 0, allow))
    deny_at = len(prog)
    prog.append((ret, 0, 0, deny))
    for i in denials:
        code, _, jf, k = prog[i]
        prog[i] = (code, deny_at - i - 1, jf, k)
    return b"".join(struct.pack("=HBBI", *ins) for ins in prog)


def _kill_user(uid: int, wait: float = 30.0) -> None:
    """SIGKILL every process whose real user id is `uid` (a sandbox's own), and wait for them."""
    import signal
    import time

    import psutil

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        left = [
            p
            for p in psutil.process_iter(["uids"])
            if p.info["uids"] is not None and p.info["uids"].real == uid
        ]
        if not left:
            return
        for p in left:
            try:
                os.kill(p.pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.1)


_SEED: dict[str, Path | None] = {}


def _matplotlib_seed() -> Path | None:
    """A matplotlib config folder with the font cache built once per grading process.

    Without it every sandboxed kernel would rebuild the font list (about a second).
    """
    if "mpl" not in _SEED:
        folder = Path(tempfile.mkdtemp(prefix="convlab-mpl-seed-"))
        try:
            subprocess.run(
                [sys.executable, "-c", "import matplotlib.font_manager"],
                env={**os.environ, "MPLCONFIGDIR": str(folder)},
                capture_output=True,
                timeout=120,
                check=True,
            )
            folder.chmod(0o755)
            for path in folder.rglob("*"):
                path.chmod(0o755 if path.is_dir() else 0o644)
            _SEED["mpl"] = folder
        except (OSError, subprocess.SubprocessError):
            _SEED["mpl"] = None
        finally:
            # Nothing left in the host's temporary folder when grading ends.
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return _SEED["mpl"]
