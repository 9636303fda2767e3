"""Hostile programs end with a clear result inside the timeout, leave no process behind and do not
touch the caller (its stdout is the LSP stream). Each runs cold and on the warm worker."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from leaf_lsp.probe import ProbeResult, ProbeWorker
from leaf_lsp.probe.runner import OUTPUT_CAP, run_cold

pytestmark = pytest.mark.slow

TIMEOUT = 5.0

Runner = Callable[..., ProbeResult]


#: Extra seconds a cold run gets for importing torch (several seconds on a loaded 2-core machine)
#: in tests that expect the program to finish; tests that expect a timeout do not get it.
COLD_STARTUP = 30.0


@pytest.fixture(params=["cold", "warm"])
def run(request: pytest.FixtureRequest, worker: ProbeWorker) -> Runner:
    """Run a file cold (fresh process) or on the shared warm worker."""
    if request.param == "cold":
        return run_cold
    return worker.run


@pytest.fixture
def startup(run: Runner) -> float:
    """Seconds to add to the timeout of a run that should complete."""
    return COLD_STARTUP if run is run_cold else 0.0


def write(tmp_path: Path, body: str) -> tuple[Path, str]:
    """A program file whose name carries a unique marker (visible in the cold child's argv)."""
    marker = "leafprobe" + uuid.uuid4().hex
    path = tmp_path / f"{marker}.py"
    path.write_text(body.replace("MARKER", marker))
    return path, marker


def assert_nothing_left(find_processes: Callable[[str], list[int]], marker: str, result: ProbeResult) -> None:
    deadline = time.monotonic() + 3
    while (find_processes(marker) or (result.pid and _alive(result.pid))) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert find_processes(marker) == []
    assert result.pid is None or not _alive(result.pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return b") Z" not in f.read()
    except OSError:
        return False


def test_infinite_loop_times_out(run: Runner, tmp_path: Path, find_processes, capfd) -> None:  # type: ignore[no-untyped-def]
    path, marker = write(
        tmp_path, "import torch\nx = torch.ones(2, requires_grad=True)\nwhile True:\n    pass\n"
    )
    started = time.monotonic()
    result = run(str(path), timeout=TIMEOUT)
    assert time.monotonic() - started < TIMEOUT + 3
    assert result.error is not None and "timed out" in result.error
    assert_nothing_left(find_processes, marker, result)
    assert capfd.readouterr().out == ""


def test_flooding_output_is_capped(run: Runner, tmp_path: Path, find_processes, capfd) -> None:  # type: ignore[no-untyped-def]
    body = (
        "import sys\nchunk = 'x' * (1 << 20) + '\\n'\n"
        "for _ in range(1024):\n    sys.stdout.write(chunk)\n    sys.stderr.write(chunk)\nprint('END')\n"
    )
    path, marker = write(tmp_path, body)
    result = run(str(path), timeout=TIMEOUT)
    # Either it finished (the tail ends with END) or the timeout stopped it: both are clear.
    assert result.error is None or "timed out" in result.error
    if result.error is None:
        assert result.stdout_tail.rstrip().endswith("END")
    assert len(result.stdout_tail) <= OUTPUT_CAP + 100 and len(result.stderr_tail) <= OUTPUT_CAP + 100
    if result.stdout_tail:  # empty only if a loaded machine spent the timeout importing torch (cold)
        assert "bytes dropped" in result.stdout_tail
    assert_nothing_left(find_processes, marker, result)
    out = capfd.readouterr()
    assert "xxxx" not in out.out and "xxxx" not in out.err


def test_unbounded_allocation_hits_memory_cap(run: Runner, tmp_path: Path, find_processes) -> None:  # type: ignore[no-untyped-def]
    body = "import torch\nkeep = []\nwhile True:\n    keep.append(torch.ones(64 << 20, dtype=torch.uint8))\n"
    path, marker = write(tmp_path, body)
    result = run(str(path), timeout=60, memory_mb=1536)
    # RLIMIT_AS turns it into an exception in the program (or a kill): never a hang, never our OOM.
    if result.error is None:
        assert result.exception is not None
        assert result.exception.type in ("MemoryError", "RuntimeError")
        assert result.exception.line == 4
    else:
        assert "timed out" not in result.error
    assert_nothing_left(find_processes, marker, result)


def test_os_exit_is_reported(run: Runner, tmp_path: Path, find_processes, startup) -> None:  # type: ignore[no-untyped-def]
    path, marker = write(tmp_path, "import os\nprint('bye')\nos._exit(3)\n")
    result = run(str(path), timeout=TIMEOUT + startup)
    assert result.error is not None and "exit status 3" in result.error
    assert "bye" in result.stdout_tail
    assert_nothing_left(find_processes, marker, result)


def test_segfault_is_reported(run: Runner, tmp_path: Path, find_processes, startup) -> None:  # type: ignore[no-untyped-def]
    path, marker = write(tmp_path, "import ctypes\nctypes.string_at(0)\n")
    result = run(str(path), timeout=TIMEOUT + startup)
    assert result.error is not None and "SIGSEGV" in result.error
    assert_nothing_left(find_processes, marker, result)


def test_spawned_child_is_killed(run: Runner, tmp_path: Path, find_processes, startup) -> None:  # type: ignore[no-untyped-def]
    body = (
        "import subprocess, sys, torch\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(1000)', 'MARKER'])\n"
        "x = torch.zeros(3, requires_grad=True)\n"
    )
    path, marker = write(tmp_path, body)
    result = run(str(path), timeout=TIMEOUT + startup)
    assert result.error is None
    fact = result.fact(3, "x")
    assert fact is not None and fact.is_leaf and fact.requires_grad
    assert any("left running" in note for note in result.notes)
    assert_nothing_left(find_processes, marker, result)


def test_reading_stdin_gets_eof(run: Runner, tmp_path: Path, find_processes, startup) -> None:  # type: ignore[no-untyped-def]
    path, marker = write(tmp_path, "import sys\ndata = sys.stdin.read()\nname = input('name? ')\n")
    result = run(str(path), timeout=TIMEOUT + startup)
    assert result.error is None
    assert result.exception is not None and result.exception.type == "EOFError" and result.exception.line == 3
    assert_nothing_left(find_processes, marker, result)


def test_cancel_stops_the_run(run: Runner, tmp_path: Path, find_processes) -> None:  # type: ignore[no-untyped-def]
    path, marker = write(tmp_path, "import time\nwhile True:\n    time.sleep(0.01)\n")
    cancel = threading.Event()
    timer = threading.Timer(0.5, cancel.set)
    timer.start()
    started = time.monotonic()
    result = run(str(path), timeout=30, cancel=cancel)
    timer.cancel()
    assert time.monotonic() - started < 10
    assert result.error is not None and "cancelled" in result.error
    assert_nothing_left(find_processes, marker, result)


def test_worker_survives_hostile_runs(worker: ProbeWorker, tmp_path: Path) -> None:
    """After a segfault and a timeout the same warm worker still answers correctly."""
    bad, _ = write(tmp_path, "import ctypes\nctypes.string_at(0)\n")
    loop, _ = write(tmp_path, "while True:\n    pass\n")
    good, _ = write(tmp_path, "import torch\nw = torch.ones(2, requires_grad=True)\nv = w * 2\n")
    worker.run(str(bad), timeout=TIMEOUT)
    worker.run(str(loop), timeout=1)
    result = worker.run(str(good), timeout=TIMEOUT)
    assert result.error is None
    v = result.fact(3, "v")
    assert v is not None and (v.is_leaf, v.requires_grad, v.grad_fn) == (False, True, "MulBackward0")


def test_killed_worker_is_restarted(tmp_path: Path) -> None:
    good, _ = write(tmp_path, "import torch\nw = torch.ones(2)\n")
    with ProbeWorker(sys.executable, preload=()) as w:
        w.start()
        assert w._proc is not None
        os.kill(w._proc.pid, 9)
        w._proc.wait()
        result = w.run(str(good), timeout=60)
        assert result.error is None and result.fact(2, "w") is not None


def test_dead_runner_leaves_nothing_running(tmp_path: Path) -> None:
    """If the editor (the process that owns the worker) dies mid-run, the run and worker go too."""
    pid_file = tmp_path / "pid"
    program = tmp_path / "loop.py"
    program.write_text(
        f"import os\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\nwhile True:\n    pass\n"
    )
    owner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from leaf_lsp.probe import ProbeWorker\n"
            "w = ProbeWorker(preload=()); w.start(); print(w._proc.pid, flush=True)\n"
            "w.run(sys.argv[1], timeout=600)\n",
            str(program),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # the killed owner cannot remove its temp dir
    )
    assert owner.stdout is not None
    worker_pid = int(owner.stdout.readline())
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the program never started"
        time.sleep(0.05)
    run_pid = int(pid_file.read_text())
    assert _alive(run_pid) and _alive(worker_pid)
    owner.kill()
    owner.wait()
    deadline = time.monotonic() + 10
    while (_alive(run_pid) or _alive(worker_pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(run_pid) and not _alive(worker_pid)
