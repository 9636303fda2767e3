"""The warm worker: one long-lived ``child.py serve`` process that imported torch once and forks a
grandchild per run, so a run costs a fork instead of a torch import.

The worker never runs a torch op (forking after one deadlocks in OpenMP). Each grandchild gets
its own session (process group), stdin from /dev/null, and stdout/stderr pipes that this side
created and passed over the control socket (SCM_RIGHTS); the result travels in a temp file.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import threading
import time
from typing import Any

from .result import ProbeResult
from .runner import (
    CHILD,
    DEFAULT_TIMEOUT,
    DEVICES,
    Tail,
    check_interpreter,
    child_env,
    finish,
    group_members,
    kill_group,
    kill_leftovers,
    limits_problem,
    make_request,
    make_tmpdir,
)

START_TIMEOUT = 120.0
#: Imported by the worker up front (imports only, no ops): torch.optim imports torch._dynamo
#: lazily on first use, which would otherwise cost every run about 2 s.
DEFAULT_PRELOAD = ("torch._dynamo",)


def _leftovers_of_live(pid: int) -> list[int]:
    """Processes the (still exiting) run ``pid`` left in its group: its children when the kernel
    lists them (cheap), else a scan of /proc for the group."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(x) for x in f.read().split()]
    except (OSError, ValueError):
        return [p for p in group_members(pid) if p != pid]


class WorkerError(Exception):
    """The worker process could not be started or stopped answering."""


class ProbeWorker:
    """A warm probe process for one interpreter and device setting. Thread-safe; one run at a time."""

    def __init__(
        self, interpreter: str | None = None, device: str = "cpu", preload: tuple[str, ...] = DEFAULT_PRELOAD
    ) -> None:
        self.preload = preload
        self.requested_interpreter = interpreter
        self.interpreter, self.problem = check_interpreter(interpreter)
        if self.problem is None and device not in DEVICES:
            self.problem = "device must be one of {}, not {!r}".format(", ".join(DEVICES), device)
        self.device = device
        self.torch_version = ""
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._buf = b""
        self._closed = False
        #: True when the last run returned on its "result written" signal, before the worker
        #: reported the process's exit status (read at the start of the next run).
        self._pending_status = False

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker now (it imports torch); later runs reuse it. Raises WorkerError."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> None:
        if self._closed:
            raise WorkerError("the probe worker was closed")
        if self.problem is not None:
            raise WorkerError(self.problem)
        if self._proc is not None and self._proc.poll() is None and self._sock is not None:
            return
        self._stop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._proc = subprocess.Popen(
                [
                    self.interpreter,
                    "-X",
                    "utf8",
                    CHILD,
                    "serve",
                    str(theirs.fileno()),
                    ",".join(self.preload),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=child_env(self.device),
                pass_fds=(theirs.fileno(),),
                start_new_session=True,  # a Ctrl-C in the editor's terminal must not reach it
            )
        except OSError as e:
            ours.close()
            raise WorkerError(f"cannot start {self.interpreter}: {e}") from e
        finally:
            theirs.close()
        self._sock = ours
        self._buf = b""
        self._pending_status = False
        hello = self._read_message(time.monotonic() + START_TIMEOUT)
        if hello is None or not hello.get("ready"):
            error = (hello or {}).get("error") or "the probe worker did not start"
            self._stop()
            if "torch cannot be imported" in str(error):
                self.problem = str(error)
            raise WorkerError(str(error))
        self.torch_version = str(hello.get("torch_version", ""))

    def _stop(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
            self._sock = None
        if self._proc is not None:
            kill_group(self._proc.pid)
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self._proc = None

    def close(self) -> None:
        """Stop the worker process. Safe to call more than once."""
        with self._lock:
            self._closed = True
            self._stop()

    @property
    def alive(self) -> bool:
        """True while the worker process is running."""
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> ProbeWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- protocol --------------------------------------------------------------------------------

    def _read_message(self, deadline: float, cancel: threading.Event | None = None) -> dict[str, Any] | None:
        """The next JSON line from the worker; None on EOF, timeout or cancel."""
        sock = self._sock
        if sock is None:
            return None
        while b"\n" not in self._buf:
            if cancel is not None and cancel.is_set():
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([sock], [], [], min(left, 0.05) if cancel is not None else left)
            if not ready:
                continue
            try:
                chunk = sock.recv(65536)
            except OSError:
                return None
            if not chunk:
                return None
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        try:
            msg = json.loads(line)
        except ValueError:
            return None
        return msg if isinstance(msg, dict) else None

    # -- runs ------------------------------------------------------------------------------------

    def run(
        self,
        path: str,
        *,
        cwd: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int | None = None,
        graph: str | None = None,
        cancel: threading.Event | None = None,
    ) -> ProbeResult:
        """Run ``path`` in a grandchild forked from the warm worker. Never raises."""
        started = time.perf_counter()
        result = ProbeResult(path=os.path.abspath(path), interpreter=self.interpreter)
        if not os.path.isfile(path):
            result.error = f"no such file: {path}"
            return result
        problem = limits_problem(timeout, memory_mb)
        if problem is not None:
            result.error = problem
            return result
        with self._lock:
            try:
                self._ensure_started()
            except WorkerError as e:
                result.error = str(e)
                result.duration = time.perf_counter() - started
                return result
            try:
                return self._run_locked(result, path, cwd, timeout, memory_mb, graph, cancel, started)
            except OSError as e:
                # The worker died under us (killed by someone, or by the program): start afresh next time.
                self._stop()
                result.error = f"the probe worker failed: {e}"
                result.duration = time.perf_counter() - started
                return result

    def _run_locked(
        self,
        result: ProbeResult,
        path: str,
        cwd: str | None,
        timeout: float,
        memory_mb: int | None,
        graph: str | None,
        cancel: threading.Event | None,
        started: float,
    ) -> ProbeResult:
        deadline = time.monotonic() + timeout
        tmpdir, problem = make_tmpdir()
        if tmpdir is None:
            result.error = problem
            result.duration = time.perf_counter() - started
            return result
        result_file = os.path.join(tmpdir, "result.json")
        try:
            if self._pending_status:
                # The previous run returned before its process finished exiting; its status comes first.
                self._pending_status = False
                if self._read_message(time.monotonic() + 10.0) is None:
                    self._stop()
                    self._ensure_started()
            assert self._sock is not None
            request = make_request(path, cwd, memory_mb, self.device, graph, result_file)
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            done_r, done_w = os.pipe()
            try:
                socket.send_fds(self._sock, [(json.dumps(request) + "\n").encode()], [out_w, err_w, done_w])
            finally:
                os.close(out_w)
                os.close(err_w)
                os.close(done_w)
            tails = (Tail(out_r), Tail(err_r))
            try:
                return self._await_run(result, result_file, tails, done_r, deadline, timeout, cancel, started)
            finally:
                os.close(done_r)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)

    def _await_run(
        self,
        result: ProbeResult,
        result_file: str,
        tails: tuple[Tail, Tail],
        done_r: int,
        deadline: float,
        timeout: float,
        cancel: threading.Event | None,
        started: float,
    ) -> ProbeResult:
        """Wait for the grandchild's "result written" signal or its exit status, a timeout or a cancel."""
        hello = self._read_message(time.monotonic() + 30.0)
        if hello is None or not isinstance(hello.get("pid"), int):
            self._stop()
            result.error = "the probe worker stopped answering"
            return finish(result, result_file, None, result.error, tails, started)
        pid = int(hello["pid"])
        result.pid = pid
        try:
            return self._supervise(
                result, result_file, tails, done_r, deadline, timeout, cancel, started, pid
            )
        except BaseException:
            # Our own failure must not leave the program running unsupervised; the worker's
            # stream may be out of step too, so it is restarted on the next run.
            kill_group(pid)
            self._stop()
            raise

    def _supervise(
        self,
        result: ProbeResult,
        result_file: str,
        tails: tuple[Tail, Tail],
        done_r: int,
        deadline: float,
        timeout: float,
        cancel: threading.Event | None,
        started: float,
        pid: int,
    ) -> ProbeResult:
        """Wait for run ``pid`` to finish (or stop it) and collect its result."""
        signalled = self._wait_done(done_r, deadline, cancel)
        if signalled:
            # Result complete; the process may still be tearing down. Anything else in its group
            # is something the program left running.
            left = _leftovers_of_live(pid)
            kill_group(pid)
            if left:
                result.notes.append(f"killed {len(left)} process(es) the program left running")
            self._pending_status = True
            return finish(result, result_file, None, None, tails, started)
        done = self._read_message(deadline, cancel)
        stopped: str | None = None
        if done is None:
            if cancel is not None and cancel.is_set():
                stopped = "cancelled; the program was stopped"
            elif self.alive and time.monotonic() >= deadline:
                stopped = f"timed out after {timeout:g} s; the program was stopped"
            else:
                stopped = "the probe worker died during the run"
            kill_group(pid)
            if stopped.startswith("the probe worker died"):
                self._stop()
            else:
                # The worker reaps the grandchild and reports; wait for that to keep the stream in step.
                done = self._read_message(time.monotonic() + 10.0)
                if done is None:
                    self._stop()
        else:
            # The worker reaped the grandchild before reporting: what is left in its group is leftovers.
            left_count = kill_leftovers(pid)
            if left_count:
                result.notes.append(f"killed {left_count} process(es) the program left running")
        status = done.get("status") if done is not None else None
        return finish(
            result, result_file, status if isinstance(status, int) else None, stopped, tails, started
        )

    def _wait_done(self, done_r: int, deadline: float, cancel: threading.Event | None) -> bool:
        """True when the grandchild signalled "result written"; False when it ended without the
        signal (crash, os._exit), the worker reported, or the deadline/cancel came first."""
        sock = self._sock
        if sock is None:
            return False
        while b"\n" not in self._buf:
            if cancel is not None and cancel.is_set():
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            step = min(left, 0.05) if cancel is not None else left
            ready, _, _ = select.select([done_r, sock.fileno()], [], [], step)
            if done_r in ready:
                try:
                    return os.read(done_r, 1) == b"1"
                except OSError:
                    return False
            if sock.fileno() in ready:
                return False  # the worker has something to say (the exit status): take the slow path
        return False
