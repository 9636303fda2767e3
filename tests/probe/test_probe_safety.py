"""The probe's own guards: limits validated before anything starts, the program's group killed on
every error path of ours, the tool's environment blamed for the tool's failures, and files run
as Python decodes them (PEP 263 coding cookies).

Runs that really start a child import torch: they get generous timeouts and no duration checks.
"""

from __future__ import annotations

import math
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp.probe import ProbeResult, ProbeWorker, run_file
from leaf_lsp.probe import runner as runner_module
from leaf_lsp.probe import worker as worker_module
from leaf_lsp.probe.runner import run_cold

pytestmark = pytest.mark.slow

#: A generous limit for runs that should complete (a cold run imports torch on a loaded machine).
GENEROUS_S = 300.0

Runner = Callable[..., ProbeResult]


@pytest.fixture(params=["cold", "warm"])
def run(request: pytest.FixtureRequest, worker: ProbeWorker) -> Runner:
    """Run a file cold (fresh process) or on the shared warm worker."""
    if request.param == "cold":
        return run_cold
    return worker.run


def _marker_program(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "ran"
    path = tmp_path / "prog.py"
    path.write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    return path, marker


@pytest.mark.parametrize("timeout", [math.inf, math.nan, -1.0, 0.0, -math.inf, 1e9])
def test_bad_timeouts_are_refused_before_anything_runs(run: Runner, tmp_path: Path, timeout: float) -> None:
    path, marker = _marker_program(tmp_path)
    result = run(str(path), timeout=timeout)
    assert result.error is not None and "timeout" in result.error
    assert result.pid is None
    assert not marker.exists()


@pytest.mark.parametrize("memory_mb", [2**62, 1, 10**7])
def test_bad_memory_limits_are_refused_before_anything_runs(
    run: Runner, tmp_path: Path, memory_mb: int
) -> None:
    path, marker = _marker_program(tmp_path)
    result = run(str(path), timeout=GENEROUS_S, memory_mb=memory_mb)
    assert result.error is not None and "memory limit" in result.error, result.error
    assert result.pid is None
    assert not marker.exists()


def test_run_file_refuses_an_infinite_timeout(tmp_path: Path) -> None:
    path, marker = _marker_program(tmp_path)
    result = run_file(str(path), timeout=math.inf)
    assert result.error is not None and "timeout" in result.error
    assert not marker.exists()


def test_cold_run_kills_the_program_when_supervision_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, find_processes: Callable[[str], list[int]]
) -> None:
    tag = f"leafsafety{uuid.uuid4().hex}"
    path = tmp_path / f"{tag}.py"
    path.write_text("import time\ntime.sleep(600)\n")

    def broken_wait(*args: Any, **kwargs: Any) -> str | None:
        raise RuntimeError("supervision failed")

    monkeypatch.setattr(runner_module, "_wait", broken_wait)
    with pytest.raises(RuntimeError):
        run_cold(str(path), timeout=GENEROUS_S)
    # The child's command line holds the request, which names the program.
    deadline = time.monotonic() + 60
    while find_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert find_processes(tag) == []


def test_warm_run_kills_the_program_when_supervision_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, find_processes: Callable[[str], list[int]]
) -> None:
    tag = f"leafsafety{uuid.uuid4().hex}"
    marker = tmp_path / "started"
    path = tmp_path / "sleeper.py"
    # The grandchild is a fork of the worker (same command line): tag it through its environment.
    path.write_text(
        f"import os, time\nos.environ['LEAF_TAG'] = {tag!r}\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\n"
        "time.sleep(600)\n"
    )
    pids: list[int] = []

    def broken_wait_done(self: ProbeWorker, done_r: int, deadline: float, cancel: Any) -> bool:
        limit = time.monotonic() + GENEROUS_S
        while not marker.exists() or not marker.read_text():
            assert time.monotonic() < limit, "the program never started"
            time.sleep(0.1)
        pids.append(int(marker.read_text()))
        raise RuntimeError("supervision failed")

    monkeypatch.setattr(ProbeWorker, "_wait_done", broken_wait_done)
    with ProbeWorker() as worker:
        with pytest.raises(RuntimeError):
            worker.run(str(path), timeout=GENEROUS_S)
        deadline = time.monotonic() + 60
        while _alive(pids[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(pids[0])


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return b") Z" not in f.read()
    except OSError:
        return False


def test_unusable_tmpdir_is_the_tools_problem(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, marker = _marker_program(tmp_path)
    not_a_dir = tmp_path / "tmpfile"
    not_a_dir.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(not_a_dir))
    result = run(str(path), timeout=GENEROUS_S)
    assert result.error is not None and "environment" in result.error, result.error
    assert "your program" in result.error  # ... "not of your program"
    assert not marker.exists()


def test_unwritable_result_file_is_the_tools_problem(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, marker = _marker_program(tmp_path)
    real = runner_module.make_request

    def request_with_lost_result_dir(*args: Any, **kwargs: Any) -> dict[str, Any]:
        request = real(*args, **kwargs)
        request["result_file"] = str(tmp_path / "gone" / "result.json")  # the folder does not exist
        return request

    monkeypatch.setattr(runner_module, "make_request", request_with_lost_result_dir)
    monkeypatch.setattr(worker_module, "make_request", request_with_lost_result_dir)
    result = run(str(path), timeout=GENEROUS_S)
    assert marker.read_text() == "ran"  # the program itself was fine
    assert result.error is not None
    assert "could not write its result file" in result.error and "environment" in result.error, result.error
    assert "ended the process itself" not in result.error


def test_latin1_file_runs_as_python_decodes_it(run: Runner, tmp_path: Path) -> None:
    marker = tmp_path / "out.txt"
    source = (
        "# -*- coding: latin-1 -*-\n"
        "import torch\n"
        "x = torch.ones(2, requires_grad=True)\n"
        f"open({str(marker)!r}, 'w', encoding='utf-8').write('caf\u00e9')\n"
    )
    path = tmp_path / "latin.py"
    path.write_bytes(source.encode("latin-1"))
    result = run(str(path), timeout=GENEROUS_S)
    assert result.error is None, result.error
    assert marker.read_text(encoding="utf-8") == "caf\u00e9"
    assert any(f.name == "x" and f.line == 3 for f in result.facts)
