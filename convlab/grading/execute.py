"""The Execute step of autograding: each submission's kernel in a sandbox, and grading that survives.

:class:`GradingExecute` replaces nbgrader's ``Execute`` preprocessor during
autograding (``c.Autograde.autograde_preprocessors`` in the generated
``nbgrader_config.py``):

- the kernel runs in an operating-system sandbox (:mod:`convlab.grading.sandbox`),
  one per submission, unless the instructor explicitly chose ``sandbox = "none"``;
- a cell that runs past the time limit gets a message in the student's language
  ("ran longer than 60 s: an infinite loop?"), and the rest of that exercise's
  cells are not run (they fail at once instead of timing out one by one);
- a kernel that dies (``os._exit``, a crash, out of memory) or stays stuck after
  a timeout is replaced by a new one: the earlier cells that define things are
  run again silently, the broken exercise's tests fail with a message that says
  which exercise and code cell, and later exercises are graded as usual;
- printed output that floods the channel (nbclient's "Timeout waiting for
  IOPub output") costs nothing: the cell keeps what arrived;
- the reply of a cell is awaited in short slices (jupyter/nbclient#312: a reply
  that arrives while a long wait is pending is sometimes not seen until the
  wait ends, which stalled cells after widget output for the whole timeout);
- a function that ran past the time limit in its exercise's tests is not
  called again: every later cell that uses it (outside the answer cells)
  fails at once with a message that names it, and the other exercises are
  graded as usual. A function that loops for ever costs its submission one
  cell limit, not one per cell that calls it, and no points it did not lose;
- a submission has a total time budget, a backstop for what the rule above
  does not catch (many functions that loop, a loop in a cell that is no
  exercise): the larger of `budget_factor` times the lesson's reference run
  (the instructor's solution, timed once per assignment by ``convlab grade``)
  and that reference plus two cell time limits, and never more than
  ``submission_timeout``. A cell is cut where the budget ends, and the cells
  after it fail at once with one message saying so.

Introduced in the instructor guide (docs/GRADING.md).
"""

from __future__ import annotations

import asyncio
import copy
import os
import subprocess
import time
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING

import zmq
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient.client import timestamp
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbconvert.preprocessors import ExecutePreprocessor
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Any, Bool, DottedObjectName, Float, Type, Unicode

from ..i18n import gettext as _
from ..i18n import set_language
from .sandbox import Sandbox, SandboxUnavailable, sandbox_problem

if TYPE_CHECKING:
    from .zygote import Zygote

__all__ = [
    "GradingExecute",
    "PatientExecute",
    "take_phases",
    "SandboxedKernelManager",
    "ZygoteKernelManager",
    "PatientReplyMixin",
    "PromptClient",
    "FastReconnect",
    "PatientExecutePreprocessor",
    "take_unenforced",
    "take_kernel_kinds",
    "kernel_seconds",
]

#: Limits (`Sandbox.unenforced` ids) the sandboxes started in this process did not
#: hold, since `take_unenforced` last ran: a worker reports them per submission.
_unenforced: set[str] = set()


def take_unenforced() -> list[str]:
    """The limits this process's sandboxes did not hold since the last call (and forget them)."""
    from .sandbox import GAPS

    gaps = [g for g in GAPS if g in _unenforced]
    _unenforced.clear()
    return gaps


#: How the kernels started in this process since `take_kernel_kinds` last ran:
#: "forked" (by the worker's zygote) or "cold" (a kernel started in a sandbox of its own,
#: or without a sandbox).
_kernel_kinds: list[str] = []


def take_kernel_kinds() -> list[str]:
    """How this process's kernels started since the last call, each kind once, in order."""
    kinds = list(dict.fromkeys(_kernel_kinds))
    _kernel_kinds.clear()
    return kinds


#: Longest single wait for a kernel reply; the cell's own timeout is unchanged.
POLL_SLICE = 0.5

#: Seconds spent in each phase of the Execute step in this process since the last
#: `take_phases` (the grading worker reads them once per submission; see PHASES).
_phases: dict[str, float] = {}

#: The phases GradingExecute times, in order: the sandbox's set-up (copy, mounts,
#: user id), the kernel's start until its kernel_info reply, the notebook's first
#: cells that only import and set up, the other cells (the lesson's and the
#: student's; both as the kernel timed them, execute_input to execute_reply), the
#: messages around each cell (request, reply, outputs), and the kernel's shutdown
#: with the sandbox's teardown.
PHASES = ("sandbox start", "kernel start", "imports", "cells", "cell messages", "kernel stop")


def _add_phase(name: str, seconds: float) -> None:
    _phases[name] = _phases.get(name, 0.0) + seconds


def take_phases() -> dict[str, float]:
    """Seconds per phase (PHASES, plus "execute": the whole step) since the last call; resets."""
    taken = dict(_phases)
    _phases.clear()
    return taken


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


class PatientReplyMixin:
    """nbclient's reply loop, polling the shell channel in short slices until the deadline."""

    async def _async_poll_for_reply(
        self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive
    ):
        deadline = None if timeout is None else time.monotonic() + timeout
        timeout_reply = None
        while True:
            if timeout_reply is not None:
                msg = timeout_reply
                msg["parent_header"] = {"msg_id": msg_id}
            else:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    task_poll_kernel_alive.cancel()
                    await self._async_check_alive()
                    timeout_reply = await self._async_handle_timeout(timeout, cell)
                    continue
                wait = POLL_SLICE if left is None else min(POLL_SLICE, left)
                try:
                    msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=max(wait, 0)))
                except Empty:
                    continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if self.record_timing and "execution" in cell.get("metadata", {}):
                cell["metadata"]["execution"]["shell.execute_reply"] = timestamp(msg)
            try:
                await asyncio.wait_for(task_poll_output_msg, self.iopub_timeout)
            except (TimeoutError, Empty):
                if self.raise_on_iopub_timeout:
                    task_poll_kernel_alive.cancel()
                    raise CellTimeoutError.error_from_timeout_and_cell(
                        "Timeout waiting for IOPub output", self.iopub_timeout, cell
                    ) from None
                self.log.warning("Timeout waiting for IOPub output")
            task_poll_kernel_alive.cancel()
            return msg


class FastReconnect:
    """Sockets to the kernel that retry their connection every 10 ms, not 100 ms.

    A client (and the manager's control socket) connects before the kernel has
    bound its sockets; ZeroMQ then retries after its reconnect interval, 100 ms by
    default: as long as a forked kernel's whole start.  A control socket still
    waiting to connect also held the context's end for its linger (0.1 s).
    """

    def _create_connected_socket(self, channel, identity=None):
        original = self.context.socket

        def socket(socket_type, **kwargs):
            sock = original(socket_type, **kwargs)
            sock.setsockopt(zmq.RECONNECT_IVL, 10)
            return sock

        self.context.socket = socket
        try:
            return super()._create_connected_socket(channel, identity)
        finally:
            del self.context.socket


class PromptClient(FastReconnect, AsyncKernelClient):
    """A kernel client whose `wait_for_ready` ends as soon as the kernel is ready.

    Its sockets reconnect every 10 ms (`FastReconnect`).  jupyter_client's waits,
    after the kernel_info reply and a first IOPub message
    (proof that IOPub is connected), for 0.2 s of IOPub silence, and 0.2 s for
    that first message before it asks again: each as long as a forked kernel's
    start.  Nothing needs that flush here: nbclient reads only
    the IOPub messages whose parent is its own request.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:
                    # The kernel publishes its status around each reply; none within
                    # 50 ms: IOPub's subscription is not through yet (ZeroMQ's "slow
                    # joiner"), so ask again rather than wait longer.
                    await self.iopub_channel.get_msg(timeout=0.05)
                except Empty:
                    pass  # IOPub not connected yet: ask again
                else:
                    self._handle_kernel_info_reply(msg)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


class SandboxedKernelManager(FastReconnect, AsyncKernelManager):
    """A kernel manager whose kernel runs inside a :class:`~convlab.grading.sandbox.Sandbox`.

    The kernel and its client talk over ZeroMQ's ``ipc`` transport (Unix
    sockets in the sandbox's private folder): the sandbox has no network.
    Interrupts are sent as messages, since the kernel is in a session and a
    PID namespace of its own.
    """

    sandbox = Any(None, allow_none=True)
    client_class = DottedObjectName("convlab.grading.execute.PromptClient")
    client_factory = Type(PromptClient, klass=AsyncKernelClient)

    async def _async_pre_start_kernel(self, **kw):
        # The kernel's own stdout/stderr (start-up notes) are not the student's output.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        self.transport = "ipc"
        self.ip = str(self.sandbox.run_dir / "kernel")
        self.connection_file = str(self.sandbox.run_dir / "kernel.json")
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        self.sandbox.give(Path(self.connection_file))
        return self.sandbox.wrap(cmd)

    async def _async_interrupt_kernel(self):
        if self.has_kernel:
            msg = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, msg)

    interrupt_kernel = run_sync(_async_interrupt_kernel)


class ZygoteKernelManager(SandboxedKernelManager):
    """A kernel forked by the worker's zygote (zygote.py) instead of started cold.

    The kernel command is not run: its ipykernel arguments (the connection file,
    ``exec_lines``...) are handed to the zygote, whose fork runs them in the
    zygote's sandbox; jupyter_client sees the fork as its `Popen`.
    """

    zygote = Any(None, allow_none=True)
    workdir = Any(None, allow_none=True)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = AsyncKernelManager.format_kernel_cmd(self, extra_arguments)
        self.sandbox.give(Path(self.connection_file))
        return cmd

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        from .zygote import ZygoteChild

        pid = self.zygote.start(self.workdir, kernel_cmd)
        provisioner = self.provisioner
        provisioner.process = ZygoteChild(self.zygote, pid)
        provisioner.pid, provisioner.pgid = pid, None
        self._reconcile_connection_info(provisioner.connection_info)

    _launch_kernel = run_sync(_async_launch_kernel)


class _ProcessZygote:
    """This process's zygote (zygote.py): at most one, for the environment of its sandbox.

    A worker's environment changes only with the course, so a zygote for another
    environment replaces the one there was.  Closed when the process ends: a pool
    worker (multiprocessing runs its finalizers, not atexit) or the grading process.
    """

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.zygote: Zygote | None = None
        #: Environments for which no zygote could start here: cold kernels from then on.
        self.failed: set[tuple] = set()
        self._finalizer: object | None = None

    def get(self, env: dict[str, str], log) -> Zygote | None:
        """The zygote for sandboxes with `env` (started on first use), or None."""
        from .zygote import Zygote, ZygoteFailed

        key = tuple(sorted(env.items()))
        if key == self.key and self.zygote is not None and self.zygote.alive:
            return self.zygote
        if key in self.failed:
            return None
        self.close()  # killed by a submission, or for another environment: a new one
        if self._finalizer is None:
            from multiprocessing.util import Finalize

            self._finalizer = Finalize(None, self.close, exitpriority=100)
        box = Sandbox(None, env=env)
        try:
            self.zygote = Zygote(box)
        except (ZygoteFailed, OSError, ValueError) as exc:
            log.warning("no zygote (cold kernels instead): %s", exc)
            box.close()
            self.failed.add(key)
            return None
        self.key = key
        return self.zygote

    def close(self, zygote: Zygote | None = None) -> None:
        """Close this process's zygote (only if it is `zygote`, when given)."""
        if self.zygote is not None and zygote in (None, self.zygote):
            self.zygote.close()
            self.key = self.zygote = None
        elif zygote is not None:
            zygote.close()


_zygote = _ProcessZygote()


class GradingExecute(PatientReplyMixin, Execute):
    """nbgrader's ``Execute``: sandboxed, and a broken exercise costs only its own points."""

    sandbox = Unicode(
        "bwrap",
        help="'bwrap' (an OS sandbox per submission, the default) or 'none' (unsafe: the "
        "kernel runs with the grader's rights; recorded in the grades output).",
    ).tag(config=True)
    figures = Bool(
        True,
        help="Draw the notebook's Matplotlib figures into the graded notebook and feedback. "
        "False runs the kernel with Matplotlib's non-drawing 'agg' backend: the same scores, "
        "no figures, and much less time per submission.",
    ).tag(config=True)
    zygote = Bool(
        True,
        help="Fork each submission's kernel from a kernel prepared once per grading worker "
        "(its modules imported), in the worker's sandbox, instead of starting it cold "
        "(convlab.grading.zygote). False: a new sandbox and kernel per submission.",
    ).tag(config=True)
    language = Unicode("", help="Language of grading messages (default: the notebook's).").tag(
        config=True
    )
    submission_timeout = Float(
        20 * 60, help="Seconds one submission may run in all; later cells are not run."
    ).tag(config=True)
    responsive_timeout = Float(
        15, help="Seconds a kernel may take to answer after a timed-out cell is interrupted."
    ).tag(config=True)
    budget_factor = Float(
        3.0,
        help="A submission may run for this many times the lesson's reference run (its "
        "solution, timed once per assignment by `convlab grade`), and at least the reference "
        "plus two cell time limits; then its remaining cells are not run. 0: no budget but "
        "submission_timeout.",
    ).tag(config=True)
    reference_seconds = Float(
        0.0, help="The lesson's reference run time, seconds (set by `convlab grade`; 0: unknown)."
    ).tag(config=True)

    def budget(self) -> float:
        """Seconds this submission may run in all (see `budget_factor`)."""
        if self.budget_factor <= 0 or self.reference_seconds <= 0:
            return self.submission_timeout
        own = max(
            self.budget_factor * self.reference_seconds,
            self.reference_seconds + 2 * (self.timeout or 0),
        )
        return min(self.submission_timeout, own)

    def _budget_left(self) -> float:
        return self._budget - (time.monotonic() - self._started)

    def _get_timeout(self, cell):
        """The cell's time limit, cut to what is left of the submission's budget."""
        timeout = super()._get_timeout(cell)
        left = max(1, int(self._budget_left() + 0.999))
        return left if timeout is None else min(timeout, left)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.raise_on_iopub_timeout = False
        # The kernel is killed once its cells have run, not asked to shut down: it
        # owes nothing to anyone (its sandbox, with all it wrote, is removed next,
        # and every process of the sandbox's user is killed), and the polite
        # shutdown cost about 0.4 s of each submission.
        self.shutdown_kernel = "immediate"

    # -- kernel lifecycle ---------------------------------------------------

    def create_kernel_manager(self):
        if self.sandbox == "none":
            _kernel_kinds.append("cold")
            return super().create_kernel_manager()
        if self.sandbox != "bwrap":
            raise ValueError(f"`sandbox` must be 'bwrap' or 'none'; got {self.sandbox!r}")
        problem = sandbox_problem()
        if problem:
            raise SandboxUnavailable(
                f"cannot grade in a sandbox: {problem} (to grade without one, unsafely: "
                "`convlab grade --unsafe-no-sandbox`, or c.GradingExecute.sandbox = 'none')"
            )
        path = Path(self.resources.get("metadata", {}).get("path") or ".")
        language = self._language()
        env = {"CONVLAB_LANG": language}
        if not self.figures:
            env["MPLBACKEND"] = "agg"
        name = self.kernel_name or self.nb.metadata.get("kernelspec", {}).get("name") or "python3"
        start = time.perf_counter()
        zygote = _zygote.get(env, self.log) if self.zygote else None
        # Nothing of an earlier kernel (this submission's, before a restart) may run while
        # the worker writes the next connection file; a zygote that cannot be emptied
        # is replaced by a new one.
        if zygote is not None and not self._finish_zygote(zygote):
            zygote = _zygote.get(env, self.log)
            if zygote is not None and not self._finish_zygote(zygote):
                zygote = None
        if zygote is not None:
            _add_phase("sandbox start", time.perf_counter() - start)
            self._zygote_used = zygote
            _unenforced.update(zygote.sandbox.unenforced)  # for the grades CSV and the summary
            self.km = ZygoteKernelManager(kernel_name=name, config=self.config)
            self.km.sandbox, self.km.zygote, self.km.workdir = zygote.sandbox, zygote, path
            _kernel_kinds.append("forked")
            return self.km
        box = Sandbox(path, env=env)
        _kernel_kinds.append("cold")
        _add_phase("sandbox start", time.perf_counter() - start)
        self._sandboxes.append(box)
        _unenforced.update(box.unenforced)  # for the grades CSV and the summary
        self.km = SandboxedKernelManager(kernel_name=name, config=self.config)
        self.km.sandbox = box
        return self.km

    async def async_start_new_kernel(self, **kwargs):
        if not self.figures and self.sandbox == "none":
            # (In a sandbox the environment is the sandbox's own, set above.)
            kwargs.setdefault("env", {**os.environ, "MPLBACKEND": "agg"})
        start = time.perf_counter()
        try:
            await super().async_start_new_kernel(**kwargs)
        finally:
            _add_phase("kernel start", time.perf_counter() - start)

    start_new_kernel = run_sync(async_start_new_kernel)

    async def async_start_new_kernel_client(self):
        # Until the kernel's kernel_info reply: the rest of its start.
        start = time.perf_counter()
        try:
            return await super().async_start_new_kernel_client()
        finally:
            _add_phase("kernel start", time.perf_counter() - start)

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def _language(self) -> str:
        lang = self.language or self.nb.metadata.get("convlab", {}).get("language", "")
        if not lang:
            from ..i18n import detect_language

            lang = detect_language(Path(self.resources.get("metadata", {}).get("path") or "."))
        return lang

    def _restart(self) -> bool:
        """Replace a dead or stuck kernel by a new one; False if none could be started."""
        try:
            run_sync(self._async_cleanup_kernel)()
        except Exception as exc:  # noqa: BLE001 - the old kernel is gone either way
            self.log.warning("cleanup of a dead kernel: %s", exc)
        self.km = self.kc = None
        try:
            self.km = self.create_kernel_manager()
            self.start_new_kernel()
            self.start_new_kernel_client()
            self.wait_for_reply(self.kc.kernel_info())
        except Exception as exc:  # noqa: BLE001
            self.log.error("could not restart the kernel: %s", exc)
            return False
        return True

    async def _async_cleanup_kernel(self):
        if self.km is None:
            return
        start = time.perf_counter()
        try:
            await super()._async_cleanup_kernel()
        except Exception as exc:  # noqa: BLE001 - a dead kernel must not fail the cleanup
            self.log.warning("kernel cleanup: %s", exc)
        finally:
            _add_phase("kernel stop", time.perf_counter() - start)

    _cleanup_kernel = run_sync(_async_cleanup_kernel)

    # -- per-notebook and per-cell logic -----------------------------------

    def preprocess(self, nb, resources=None, km=None):
        self._sandboxes: list[Sandbox] = []
        self._zygote_used = None
        self.nb = nb
        try:
            set_language(self._language_from(nb, resources))
        except ValueError:
            pass
        self._started = time.monotonic()
        self._budget = self.budget()
        self._exercise_of = _exercises(nb)
        self._broken: dict[int, str] = {}  # exercise number -> message for its later cells
        self._stopped: str | None = None  # message for every later cell
        self._looping: dict[str, str] = {}  # function that ran past the limit -> where
        self._setup_cells = _setup_cells(nb)
        start = time.perf_counter()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            closing = time.perf_counter()
            for box in self._sandboxes:
                box.close()
            if self._zygote_used is not None:
                self._finish_zygote(self._zygote_used)
            done = time.perf_counter()
            _add_phase("kernel stop", done - closing)
            _add_phase("execute", done - start)

    def _finish_zygote(self, zygote) -> bool:
        """Nothing of the last kernel left in the zygote's sandbox (True); else it is closed."""
        try:
            zygote.finish()
        except Exception as exc:  # noqa: BLE001 - whatever it was, this zygote is not used again
            self.log.warning("zygote closed: %s", exc)
            _zygote.close(zygote)
            return False
        return True

    def _language_from(self, nb, resources) -> str:
        self.resources = resources or {}
        return self._language()

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, self.resources
        exercise = self._exercise_of.get(index)
        if self._stopped:
            cell.outputs = [_error("NotRun", self._stopped)]
            return cell, self.resources
        if exercise in self._broken and _is_test(cell):
            cell.outputs = [_error("NotRun", self._broken[exercise])]
            return cell, self.resources
        if self._budget_left() <= 0:
            self._stopped = self._over_budget()
            cell.outputs = [_error("NotRun", self._stopped)]
            return cell, self.resources
        uses = self._uses_looping(cell)
        if uses is not None:
            cell.outputs = [_error("NotRun", uses)]
            return cell, self.resources

        self._timed_out = False
        start = time.perf_counter()
        try:
            super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            _add_phase(self._phase_of(index), time.perf_counter() - start)
            where = self._where(index)
            cell.outputs.append(
                _error(
                    "KernelDied",
                    _(
                        "The Python kernel stopped while running {where} (os._exit, a crash, "
                        "or too much memory). This exercise's remaining tests were not run; "
                        "a new kernel graded the exercises after it."
                    ).format(where=where),
                )
            )
            self._break(exercise, index, where)
            return cell, self.resources
        self._add_cell_time(cell, index, time.perf_counter() - start)
        if self._timed_out and self._budget_left() <= 0:
            where = self._where(index)
            cell.outputs = [o for o in cell.outputs if o.get("ename") != "CellTimeoutError"]
            cell.outputs.append(
                _error(
                    "TimeoutError",
                    _(
                        "Stopped: {where} was still running when this notebook had used up "
                        "its {seconds:.0f} s of grading time (an infinite loop?). The cells "
                        "after it were not run."
                    ).format(where=where, seconds=self._budget),
                )
            )
            self._stopped = self._over_budget()
            return cell, self.resources
        if self._timed_out:
            where = self._where(index)
            cell.outputs = [o for o in cell.outputs if o.get("ename") != "CellTimeoutError"]
            cell.outputs.append(
                _error(
                    "TimeoutError",
                    _(
                        "Stopped after {seconds} s: {where} was still running (an infinite "
                        "loop?). This exercise's remaining tests were not run."
                    ).format(where=where, seconds=self.timeout),
                )
            )
            self._remember_looping(exercise, where)
            if not self._responsive():
                self._break(exercise, index, where)
            elif exercise is not None:
                self._broken[exercise] = _(
                    "Not run: {where} ran longer than {seconds} s (an infinite loop?)."
                ).format(where=where, seconds=self.timeout)
        return cell, self.resources

    def _phase_of(self, index: int) -> str:
        return "imports" if index in self._setup_cells else "cells"

    def _add_cell_time(self, cell, index: int, seconds: float) -> None:
        """A cell's time: the kernel's own (execute_input to execute_reply) to its phase, the
        rest (requests, replies and output messages around it) to "cell messages"."""
        own = kernel_seconds(cell)
        own = seconds if own is None else min(max(own, 0.0), seconds)
        _add_phase(self._phase_of(index), own)
        _add_phase("cell messages", seconds - own)

    def _remember_looping(self, exercise: int | None, where: str) -> None:
        """The functions of `exercise`'s answer ran past the limit: later cells must not call them."""
        if exercise is None:
            return
        for index, number in self._exercise_of.items():
            cell = self.nb.cells[index]
            if number == exercise and cell.metadata.get("nbgrader", {}).get("solution"):
                for name in _defined_functions(cell.source):
                    self._looping.setdefault(name, where)

    def _uses_looping(self, cell) -> str | None:
        """The NotRun message for a cell that calls a function known to loop, else None."""
        if not self._looping or cell.metadata.get("nbgrader", {}).get("solution"):
            return None  # an answer cell only defines things: it always runs
        for name in _names(cell.source):
            if name in self._looping:
                return _(
                    "Not run: this cell uses {name}, which was still running after {seconds} s "
                    "in {where} (an infinite loop?)."
                ).format(name=name, seconds=self.timeout, where=self._looping[name])
        return None

    def _over_budget(self) -> str:
        return _(
            "Not run: this notebook used up its {seconds:.0f} s of grading time in all."
        ).format(seconds=self._budget)

    def _responsive(self) -> bool:
        """After an interrupted timeout: does the kernel answer again?"""
        try:
            return run_sync(self._async_responsive)()
        except Exception as exc:  # noqa: BLE001
            self.log.warning("kernel did not answer after a timeout: %s", exc)
            return False

    async def _async_responsive(self) -> bool:
        msg_id = self.kc.kernel_info()
        deadline = time.monotonic() + self.responsive_timeout
        while time.monotonic() < deadline:
            try:
                reply = await ensure_async(self.kc.shell_channel.get_msg(timeout=POLL_SLICE))
            except Empty:
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return True
        return False

    def _break(self, exercise: int | None, index: int, where: str) -> None:
        """The kernel is gone or stuck at cell `index`: new kernel, replay definitions, go on."""
        message = _("Not run: the kernel stopped in {where}.").format(where=where)
        if exercise is not None:
            self._broken[exercise] = message
        if not self._restart():
            self._stopped = message
            return
        for i, earlier in enumerate(self.nb.cells[:index]):
            if earlier.cell_type != "code" or _is_test(earlier) or i == index:
                continue
            if any(o.get("ename") in ("KernelDied", "TimeoutError") for o in earlier.outputs):
                continue
            self._timed_out = False
            try:
                self.execute_cell(copy.deepcopy(earlier), i, store_history=False)
            except DeadKernelError:
                self._stopped = message
                return
            if self._timed_out:
                self._stopped = message
                return

    def _where(self, index: int) -> str:
        """The cell as the student sees it: code cell number and exercise number."""
        number = sum(1 for c in self.nb.cells[: index + 1] if c.cell_type == "code")
        exercise = self._exercise_of.get(index)
        if exercise is None:
            return _("code cell {n}").format(n=number)
        return _("code cell {n} (exercise {e})").format(n=number, e=exercise)


def _defined_functions(source: str) -> list[str]:
    """Names of the functions and classes a cell defines at its top level."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [node.name for node in tree.body if isinstance(node, kinds)]


def _names(source: str) -> set[str]:
    """The identifiers a cell's code mentions (IPython magics and all: tokens, not a parse)."""
    import io
    import tokenize

    found: set[str] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.NAME:
                found.add(token.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def kernel_seconds(cell) -> float | None:
    """An executed code cell's own time, as its kernel saw it: execute_input to execute_reply.

    From the timestamps nbclient records in ``cell.metadata.execution``; None when
    they are missing or unreadable (a cell that did not run, or ran elsewhere).
    """
    from datetime import datetime

    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start, end = (
            datetime.fromisoformat(timing[key].replace("Z", "+00:00"))
            for key in ("iopub.execute_input", "shell.execute_reply")
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return (end - start).total_seconds()


def _setup_cells(nb) -> set[int]:
    """Indexes of the notebook's leading code cells that only import and call set-up functions.

    Lessons open with such cells (``import convlab``, ``convlab.i18n.setup_notebook()``,
    ``import numpy as np``...); they are timed as the "imports" phase.
    """
    import ast

    found: set[int] = set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.metadata.get("nbgrader", {}).get("solution"):
            break
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:
            break
        simple = (ast.Import, ast.ImportFrom)
        if not body or not all(
            isinstance(node, simple)
            or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call))
            for node in body
        ):
            break
        found.add(index)
    return found


def _is_test(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("grade")) and not cell.metadata.get(
        "nbgrader", {}
    ).get("solution")


def _exercises(nb) -> dict[int, int]:
    """Cell index -> exercise number (1-based) for solution cells and the test cells after them."""
    found: dict[int, int] = {}
    number = 0
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            number += 1
            found[index] = number
        elif number and cell.cell_type == "code" and meta.get("grade"):
            found[index] = number
    return found


class PatientExecute(PatientReplyMixin, Execute):
    """nbgrader's stock ``Execute`` with only the sliced reply wait (jupyter/nbclient#312).

    No sandbox, no time budget, no survival of dead kernels: what
    ``benchmarks/grading.py`` runs as "vanilla" ``nbgrader autograde``, without
    the stall that would time nbclient's missed reply instead of the notebook.
    """


class PatientExecutePreprocessor(PatientReplyMixin, ExecutePreprocessor):
    """nbconvert's ``ExecutePreprocessor`` with the sliced reply wait (jupyter/nbclient#312).

    Stock ``jupyter nbconvert --execute`` can wait forever for a reply the
    kernel already sent (its default cell timeout is none).  To execute a
    notebook with this one instead::

        jupyter nbconvert --to notebook \\
            --Exporter.preprocessors='["convlab.grading.execute.PatientExecutePreprocessor"]' \\
            lesson.ipynb
    """


def patient_client(nb, **kwargs):
    """An nbclient ``NotebookClient`` with the sliced reply wait (jupyter/nbclient#312).

    Used to execute lessons outside grading (tests, tools); nbgrader's grading
    uses :class:`GradingExecute`, which has the same fix.
    """
    from nbclient import NotebookClient

    class PatientNotebookClient(PatientReplyMixin, NotebookClient):
        pass

    return PatientNotebookClient(nb, **kwargs)
