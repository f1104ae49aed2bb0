"""A control group per sandbox: the memory of all its processes together, tmpfs included,
a CPU quota and a process cap (issue #24).

Without a control group, a sandbox's limits are per process (RLIMIT_DATA) or per user
(RLIMIT_NPROC), and what it writes to its tmpfs mounts is RAM charged to nobody.  A
control group counts all of it: every process the kernel starts, and every tmpfs page
they write.

Only cgroup v1 with writable hierarchies is used, which needs root (as on this
project's CI machines and in most containers that grade as root).  cgroup v2 is
not used yet: it needs a delegated subtree with the grading process moved into a
leaf of its own, which could not be built and tested here; ``Sandbox.unenforced``
says so in the grading summary and the grades CSV.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup")
#: The v1 controllers used, and the folder under each that holds this program's groups.
CONTROLLERS = ("memory", "cpu", "pids")
PARENT = "convlab-grading"
CPU_PERIOD_US = 100_000


def v1_available() -> bool:
    """True when this process can make v1 groups under memory, cpu and pids (root)."""
    if os.geteuid() != 0:
        return False
    for controller in CONTROLLERS:
        folder = V1_ROOT / controller
        if not (folder / "cgroup.procs").exists() or not os.access(folder, os.W_OK):
            return False
    return True


class SandboxCgroup:
    """The v1 groups of one sandbox: memory total, CPU quota, process cap.

    `procs_files` are the ``cgroup.procs`` files its first process writes its own
    pid to (before bubblewrap starts): everything it starts inherits the groups.
    """

    def __init__(self, name: str, *, memory: int, cpus: float, processes: int):
        self.folders: list[Path] = []
        try:
            for controller in CONTROLLERS:
                folder = V1_ROOT / controller / PARENT / name
                folder.mkdir(parents=True, exist_ok=True)
                self.folders.append(folder)
            memory_folder, cpu_folder, pids_folder = self.folders
            (memory_folder / "memory.limit_in_bytes").write_text(str(memory))
            swap = memory_folder / "memory.memsw.limit_in_bytes"
            if swap.exists():  # with swap accounting: swap counts against the same total
                swap.write_text(str(memory))
            (cpu_folder / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
            (cpu_folder / "cpu.cfs_quota_us").write_text(str(int(cpus * CPU_PERIOD_US)))
            (pids_folder / "pids.max").write_text(str(processes))
        except OSError:
            self.close()
            raise

    @property
    def procs_files(self) -> list[Path]:
        return [folder / "cgroup.procs" for folder in self.folders]

    def pids(self) -> set[int]:
        found: set[int] = set()
        for path in self.procs_files:
            try:
                found |= {int(line) for line in path.read_text().split()}
            except (OSError, ValueError):
                pass
        return found

    def close(self, wait: float = 30.0) -> None:
        """Kill whatever is left in the groups, then remove them."""
        deadline = time.monotonic() + wait
        while True:
            left = self.pids()
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            removed = []
            for folder in self.folders:
                try:
                    folder.rmdir()
                    removed.append(folder)
                except FileNotFoundError:
                    removed.append(folder)
                except OSError:
                    pass
            self.folders = [f for f in self.folders if f not in removed]
            if not self.folders or time.monotonic() > deadline:
                return
            time.sleep(0.05)
