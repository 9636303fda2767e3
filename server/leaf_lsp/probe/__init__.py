"""The torch probe: run a file for real, in a separate process, and check the static hints.

Public API::

    run_file(path, *, interpreter=None, cwd=None, timeout=30.0, memory_mb=None, device="cpu",
             graph=None, cancel=None) -> ProbeResult
    merge(analysis, result) -> Analysis
    ProbeWorker(interpreter=None, device="cpu").run(path, ...), .close()
    shared_worker(interpreter=None, device="cpu") -> ProbeWorker

``run_file`` uses the shared warm worker for that interpreter and device when one was started
with :func:`shared_worker`, otherwise a fresh process. See docs/probe.md for the security model.
"""

from __future__ import annotations

import atexit
import threading

from .diagnose import DISAGREEMENT_CODE, PROBE_SOURCE, RUNTIME_EXCEPTION_CODE
from .merge import merge
from .result import ProbeException, ProbeFact, ProbeResult, ProbeWarning
from .runner import DEFAULT_TIMEOUT, check_interpreter, run_cold
from .worker import ProbeWorker, WorkerError

__all__ = [
    "DISAGREEMENT_CODE",
    "PROBE_SOURCE",
    "RUNTIME_EXCEPTION_CODE",
    "ProbeException",
    "ProbeFact",
    "ProbeResult",
    "ProbeWarning",
    "ProbeWorker",
    "WorkerError",
    "close_shared_workers",
    "merge",
    "run_file",
    "shared_worker",
]

_workers: dict[tuple[str, str], ProbeWorker] = {}
_workers_lock = threading.Lock()


def shared_worker(interpreter: str | None = None, device: str = "cpu") -> ProbeWorker:
    """The process-wide warm worker for (interpreter, device), created (not yet started) on first use.

    Call ``.start()`` on it to pay the torch import up front; it is closed at exit.
    """
    exe, _ = check_interpreter(interpreter)
    with _workers_lock:
        worker = _workers.get((exe, device))
        if worker is None or worker._closed:
            worker = ProbeWorker(interpreter, device)
            _workers[(exe, device)] = worker
        return worker


def close_shared_workers() -> None:
    """Stop every shared worker (also registered to run at exit)."""
    with _workers_lock:
        workers = list(_workers.values())
        _workers.clear()
    for worker in workers:
        worker.close()


atexit.register(close_shared_workers)


def run_file(
    path: str,
    *,
    interpreter: str | None = None,
    cwd: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int | None = None,
    device: str = "cpu",
    graph: str | None = None,
    cancel: threading.Event | None = None,
    warm: bool = False,
) -> ProbeResult:
    """Run ``path`` as ``__main__`` under the probe and return what happened. Never raises.

    ``graph``: None for no graph, "" for the graph behind the last ``backward()`` root, or a
    variable name. ``cancel``: set it to stop the run (the whole process group is killed).
    ``warm``: use the shared worker for (interpreter, device), starting it if needed (a
    long-lived process such as the language server wants this; a one-shot CLI run does not).
    Without it the shared worker is used only if someone already started it.
    """
    exe, problem = check_interpreter(interpreter)
    if warm and problem is None:
        shared = shared_worker(interpreter, device)
        if shared.problem is None:
            return shared.run(path, cwd=cwd, timeout=timeout, memory_mb=memory_mb, graph=graph, cancel=cancel)
    with _workers_lock:
        worker = _workers.get((exe, device))
    if worker is not None and worker.alive:
        return worker.run(path, cwd=cwd, timeout=timeout, memory_mb=memory_mb, graph=graph, cancel=cancel)
    return run_cold(
        path,
        interpreter=interpreter,
        cwd=cwd,
        timeout=timeout,
        memory_mb=memory_mb,
        device=device,
        graph=graph,
        cancel=cancel,
    )
