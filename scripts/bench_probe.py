#!/usr/bin/env python3
"""Benchmark the torch probe: cold (fresh process per run) and warm (forked from the worker).

For every corpus program it prints the probe's wall time, the program's own run time measured
WITHOUT the probe (plain ``runpy`` in a process that already imported torch), and the overhead
(probe total minus that own time). It also prints ``python -c "import torch"`` for comparison.
Targets: cold <= import-torch + 0.5 s overhead; warm overhead <= 100 ms.

usage: python scripts/bench_probe.py [--repeat N] [--cases GLOB] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from leaf_lsp.probe import ProbeWorker
from leaf_lsp.probe.runner import run_cold

PLAIN = """
import runpy, sys, time, os, contextlib, io
import torch
import torch._dynamo  # as the warm worker preloads it: `own` is the program alone
torch.manual_seed(0)
sys.argv = [sys.argv[1]]
t = time.perf_counter()
try:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        runpy.run_path(sys.argv[0], run_name="__main__")
except BaseException:
    pass
os.write(int(os.environ["BENCH_FD"]), repr(time.perf_counter() - t).encode())
os._exit(0)
"""


def import_torch_seconds(repeat: int) -> float:
    """Median wall time of ``python -c "import torch"`` (teardown included, as users see it)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch"], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def plain_seconds(case: Path) -> float:
    """The program's own run time without the probe (torch and torch._dynamo already imported, no tracer)."""
    import os

    r, w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", PLAIN, str(case)],
        pass_fds=(w,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=str(case.parent),
        env={**os.environ, "CUDA_VISIBLE_DEVICES": "", "BENCH_FD": str(w)},
    )
    os.close(w)
    data = os.read(r, 100)
    os.close(r)
    proc.wait()
    return float(data) if data else float("nan")


def plain_cold_seconds(case: Path) -> float:
    """Wall time of ``python case.py`` itself: what running the program without the probe costs."""
    import os

    t = time.perf_counter()
    subprocess.run(
        [sys.executable, str(case)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=str(case.parent),
        env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
    )
    return time.perf_counter() - t


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per case (median taken)")
    parser.add_argument("--cold-repeat", type=int, default=1, help="cold runs per case")
    parser.add_argument("--cases", default="*.py", help="glob of corpus files")
    parser.add_argument(
        "--corpus", default=str(Path(__file__).resolve().parent.parent / "tests" / "corpus_public")
    )
    args = parser.parse_args()
    cases = sorted(p for p in Path(args.corpus).glob(args.cases) if p.name != "oracle.py")

    imp = import_torch_seconds(3)
    print(f'python -c "import torch": {imp * 1000:.0f} ms (median of 3)')
    worker = ProbeWorker()
    t = time.perf_counter()
    worker.start()
    print(f"warm worker start (torch + preload imported once): {(time.perf_counter() - t) * 1000:.0f} ms")
    print()
    header = f"{'case':40} {'python':>7} {'cold':>7} {'cold ovh':>8} {'own':>7} {'traced':>7} {'warm':>7} {'warm ovh':>8}"
    print(header)
    print("-" * len(header))
    cold_ovh: list[float] = []
    warm_ovh: list[float] = []
    for case in cases:
        own = plain_seconds(case)
        python = plain_cold_seconds(case)
        colds = [run_cold(str(case), timeout=300) for _ in range(args.cold_repeat)]
        cold = statistics.median(r.duration for r in colds)
        warms = [worker.run(str(case), timeout=300) for _ in range(args.repeat)]
        warm = statistics.median(r.duration for r in warms)
        traced = statistics.median(r.program_seconds for r in warms)
        bad = [r.error for r in colds + warms if r.error]
        cold_ovh.append(cold - python)
        warm_ovh.append(warm - own)
        print(
            f"{case.stem[:40]:40} {python * 1000:7.0f} {cold * 1000:7.0f} {(cold - python) * 1000:8.0f} "
            f"{own * 1000:7.0f} {traced * 1000:7.0f} {warm * 1000:7.0f} {(warm - own) * 1000:8.0f}"
            + (f"  ERROR {bad[0]}" if bad else ""),
            flush=True,
        )
    worker.close()
    print()
    print("all times in ms. python = `python case.py` wall time (torch import included);")
    print(
        "cold = probe in a fresh process; cold ovh = cold - python (what the probe adds to running it yourself);"
    )
    print(
        "own = the program alone in a process with torch imported; traced = the program under the probe's tracer;"
    )
    print("warm = probe forked from the warm worker; warm ovh = warm - own (fork, tracing, result I/O).")
    if cases:
        cm, wm = statistics.median(cold_ovh), statistics.median(warm_ovh)
        print(
            f"cold overhead over `python case.py`: median {cm * 1000:.0f} ms, max {max(cold_ovh) * 1000:.0f} ms"
        )
        print(
            f"warm overhead over the program's own run: median {wm * 1000:.0f} ms, max {max(warm_ovh) * 1000:.0f} ms"
        )
        print(
            f"target cold <= import torch + 500 ms (program time aside): {'met' if cm <= 0.5 else 'NOT met'} (median)"
        )
        print(f"target warm overhead <= 100 ms: {'met' if wm <= 0.1 else 'NOT met'} (median)")


if __name__ == "__main__":
    main()
