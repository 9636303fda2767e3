"""Cold runs (a fresh process per run) and the plumbing shared with the warm worker:
output capture with a cap, process-group kill, leftover scan, and turning a finished run into a
:class:`ProbeResult`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..probe_limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, memory_problem, timeout_problem
from .child import RESULT_UNWRITABLE, RESULT_UNWRITABLE_STATUS
from .diagnose import runtime_diagnostics
from .graph import dot_to_svg
from .result import ProbeResult, fill_from_child

CHILD = str(Path(__file__).with_name("child.py"))
#: How much of the program's stdout and stderr is kept (the last bytes of each).
OUTPUT_CAP = 64 * 1024
DEFAULT_TIMEOUT = DEFAULT_TIMEOUT_S
DEVICES = ("cpu", "auto", "cuda")
ENVIRONMENT = "a problem of leaf-lsp's environment (TMPDIR full or not writable?), not of your program"


def limits_problem(timeout: float, memory_mb: int | None) -> str | None:
    """Why ``timeout``/``memory_mb`` cannot be used for a run (checked before anything starts)."""
    why = timeout_problem(timeout)
    if why is not None:
        return f"the probe timeout {why}"
    # 0 or less means "no cap" in this API (the editor and the CLI never send that).
    if (
        memory_mb is not None
        and not isinstance(memory_mb, bool)
        and isinstance(memory_mb, int)
        and memory_mb <= 0
    ):
        return None
    why = memory_problem(memory_mb)
    return None if why is None else f"the probe memory limit {why}"


def make_tmpdir() -> tuple[str | None, str | None]:
    """A private temp dir for a run's result file: (path, None), or (None, why it failed)."""
    try:
        return tempfile.mkdtemp(prefix="leaf-probe-"), None
    except OSError as error:
        where = getattr(error, "filename", None) or tempfile.gettempdir()
        return (
            None,
            f"cannot create the probe's temporary folder in {where}: {error.strerror or error}; {ENVIRONMENT}",
        )


class Tail:
    """Drains a pipe in a thread, keeping only its last ``cap`` bytes (so a flood cannot block
    the program nor grow our memory)."""

    def __init__(self, fd: int, cap: int = OUTPUT_CAP) -> None:
        self.fd = fd
        self.cap = cap
        self.buf = bytearray()
        self.total = 0
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        try:
            while True:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    break
                self.total += len(chunk)
                self.buf += chunk
                if len(self.buf) > self.cap:
                    del self.buf[: len(self.buf) - self.cap]
        except OSError:
            pass
        finally:
            try:
                os.close(self.fd)
            except OSError:
                pass

    def text(self, join_timeout: float = 1.0) -> str:
        """The kept tail, decoded; waits briefly for the writer side to close."""
        self.thread.join(join_timeout)
        text = bytes(self.buf).decode("utf-8", "replace")
        if self.total > self.cap:
            text = f"[... {self.total - self.cap} bytes dropped ...]\n" + text
        return text


def default_interpreter() -> tuple[str, str | None]:
    """``(sys.executable, None)`` if it has torch, else ``(sys.executable, error)``."""
    if importlib.util.find_spec("torch") is None:
        return sys.executable, (
            f"torch is not installed for {sys.executable}; set the probe interpreter to a Python that has torch"
        )
    return sys.executable, None


def check_interpreter(interpreter: str | None) -> tuple[str, str | None]:
    """Resolve the interpreter to run with, and an error text when it cannot be used."""
    if interpreter is None:
        return default_interpreter()
    found = shutil.which(interpreter) if os.sep not in interpreter else interpreter
    if not found or not os.access(found, os.X_OK):
        return interpreter, f"interpreter {interpreter!r} not found or not executable"
    return found, None


def child_env(device: str) -> dict[str, str]:
    """The run's environment: CUDA hidden unless ``device`` allows it, unbuffered output."""
    env = dict(os.environ)
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env


def group_members(pgid: int) -> list[int]:
    """Pids of live (non-zombie) processes in process group ``pgid`` (Linux /proc; [] elsewhere)."""
    members = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("ascii", "replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[0] != "Z" and fields[2] == str(pgid):
            members.append(int(entry))
    return members


def kill_group(pgid: int) -> None:
    """SIGKILL every process in the group; a group already gone is fine."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_leftovers(pgid: int) -> int:
    """Kill what remains of a group whose leader was reaped; how many were there (0 if none)."""
    try:
        os.killpg(pgid, 0)  # cheap probe: fails at once when the group is empty (the usual case)
    except (ProcessLookupError, PermissionError):
        return 0
    count = len(group_members(pgid)) or 1
    kill_group(pgid)
    return count


def describe_status(status: int | None) -> str:
    """Why a run ended without writing its result, in words."""
    if status is None:
        return "the probe lost track of the program"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        if sig == signal.SIGKILL:
            return "the program was killed (SIGKILL; out of memory?) before the probe could report"
        return f"the program crashed ({name}) before the probe could report"
    if os.WIFEXITED(status):
        return (
            f"the program ended the process itself (exit status {os.WEXITSTATUS(status)}, e.g. os._exit)"
            " before the probe could report"
        )
    return f"the program ended abnormally (status {status})"


def memory_cap(memory_mb: int | None, device: str) -> int | None:
    """The cap in MB for the run, or None for none.

    On CPU the default applies to the whole address space (RLIMIT_AS). A CUDA context reserves
    tens of GB of address space, so with CUDA visible only an explicit ``memory_mb`` is applied,
    and to the data segment (RLIMIT_DATA) instead.
    """
    if memory_mb is not None:
        return memory_mb if memory_mb > 0 else None
    return DEFAULT_MEMORY_MB if device == "cpu" else None


def make_request(
    path: str, cwd: str | None, memory_mb: int | None, device: str, graph: str | None, result_file: str
) -> dict[str, Any]:
    """The JSON request the child understands."""
    return {
        "path": os.path.abspath(path),
        "cwd": os.path.abspath(cwd) if cwd else os.path.dirname(os.path.abspath(path)),
        "memory_mb": memory_cap(memory_mb, device),
        "memory_kind": "as" if device == "cpu" else "data",
        "device": device,
        "graph": graph,
        "result_file": result_file,
    }


def finish(
    result: ProbeResult,
    result_file: str,
    status: int | None,
    stopped: str | None,
    tails: tuple[Tail, Tail] | None,
    started: float,
) -> ProbeResult:
    """Read the child's result file, map diagnostics, render the graph, fill the tails."""
    if tails is not None:
        result.stdout_tail = tails[0].text()
        result.stderr_tail = tails[1].text()
    result.exit_status = status
    data: Any = None
    try:
        with open(result_file, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = None
    if stopped is not None:
        result.error = stopped
    elif data is None and _unwritable(status, result.stderr_tail):
        lines = [line for line in result.stderr_tail.splitlines() if line.startswith(RESULT_UNWRITABLE)]
        why = lines[-1][len(RESULT_UNWRITABLE) :] if lines else "unknown error"
        result.error = f"the probe could not write its result file ({why}); {ENVIRONMENT}"
    elif data is None:
        result.error = describe_status(status)
    if data is not None and stopped is None:
        fill_from_child(result, data)
        source = _read_source(result.path)
        result.diagnostics = runtime_diagnostics(result, source)
        if result.graph_dot:
            result.graph_svg = dot_to_svg(result.graph_dot)
    result.duration = time.perf_counter() - started
    return result


def _read_source(path: str) -> str:
    """The program's text as Python decoded it (PEP 263 cookie), so columns match; "" if unreadable."""
    import tokenize

    try:
        with tokenize.open(path) as handle:
            return handle.read()
    except (OSError, SyntaxError, UnicodeDecodeError):
        try:
            return Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def _unwritable(status: int | None, stderr_tail: str) -> bool:
    """True when the run ended because its result file could not be written (see child.py)."""
    return (
        status is not None
        and os.WIFEXITED(status)
        and os.WEXITSTATUS(status) == RESULT_UNWRITABLE_STATUS
        and RESULT_UNWRITABLE in stderr_tail
    )


def _wait(proc: subprocess.Popen[bytes], deadline: float, cancel: threading.Event | None) -> str | None:
    """Wait for ``proc``; returns why it was stopped early ("timed out ..."/"cancelled") or None."""
    pidfd = -1
    try:
        pidfd = os.pidfd_open(proc.pid)  # wakes us the moment the process exits
    except (AttributeError, OSError):
        pidfd = -1
    try:
        while True:
            if proc.poll() is not None:
                return None
            if cancel is not None and cancel.is_set():
                return "cancelled"
            left = deadline - time.monotonic()
            if left <= 0:
                return "timed out"
            step = min(left, 0.05 if cancel is not None or pidfd < 0 else left)
            if pidfd >= 0:
                select.select([pidfd], [], [], step)
            else:
                time.sleep(min(step, 0.02))
    finally:
        if pidfd >= 0:
            os.close(pidfd)


def run_cold(
    path: str,
    *,
    interpreter: str | None = None,
    cwd: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int | None = None,
    device: str = "cpu",
    graph: str | None = None,
    cancel: threading.Event | None = None,
) -> ProbeResult:
    """Run ``path`` in a fresh ``interpreter child.py run`` process. Never raises."""
    started = time.perf_counter()
    result = ProbeResult(path=os.path.abspath(path))
    exe, problem = check_interpreter(interpreter)
    result.interpreter = exe
    if problem is None and device not in DEVICES:
        problem = "device must be one of {}, not {!r}".format(", ".join(DEVICES), device)
    if problem is None and not os.path.isfile(path):
        problem = f"no such file: {path}"
    if problem is None:
        problem = limits_problem(timeout, memory_mb)
    tmpdir: str | None = None
    if problem is None:
        tmpdir, problem = make_tmpdir()
    if problem is not None or tmpdir is None:
        result.error = problem
        result.duration = time.perf_counter() - started
        return result
    result_file = os.path.join(tmpdir, "result.json")
    proc: subprocess.Popen[bytes] | None = None
    reaped = False
    try:
        request = make_request(path, cwd, memory_mb, device, graph, result_file)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            proc = subprocess.Popen(
                [exe, CHILD, "run", json.dumps(request)],
                stdin=subprocess.DEVNULL,
                stdout=out_w,
                stderr=err_w,
                cwd=request["cwd"] if os.path.isdir(request["cwd"]) else None,
                env=child_env(device),
                start_new_session=True,  # its own process group, killed as a whole
                close_fds=True,
            )
        except OSError as e:
            for fd in (out_r, out_w, err_r, err_w):
                os.close(fd)
            result.error = f"cannot start {exe}: {e}"
            result.duration = time.perf_counter() - started
            return result
        os.close(out_w)
        os.close(err_w)
        tails = (Tail(out_r), Tail(err_r))
        result.pid = proc.pid
        stopped = _wait(proc, time.monotonic() + timeout, cancel)
        if stopped == "timed out":
            stopped = f"timed out after {timeout:g} s; the program was stopped"
        elif stopped == "cancelled":
            stopped = "cancelled; the program was stopped"
        if stopped is not None:
            kill_group(proc.pid)
        status = proc.wait()
        reaped = True
        # The leader is reaped now: anything still in its group was left behind by the program.
        left = kill_leftovers(proc.pid)
        if stopped is None and left:
            result.notes.append(f"killed {left} process(es) the program left running")
        raw_status = _raw_status(status)
        return finish(result, result_file, raw_status, stopped, tails, started)
    finally:
        if proc is not None and not reaped:
            # An error on our side (or KeyboardInterrupt) must not leave the program running
            # unsupervised: kill its whole group, then reap the leader.
            kill_group(proc.pid)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(tmpdir, ignore_errors=True)


def _raw_status(returncode: int) -> int:
    """Popen's returncode back to a wait status, so both run kinds describe endings alike."""
    if returncode < 0:
        return -returncode  # WIFSIGNALED form: the signal number in the low bits
    return (returncode & 0xFF) << 8
