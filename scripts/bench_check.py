#!/usr/bin/env python3
"""Benchmark ``leaf-lsp --check`` on real PyTorch code nobody here wrote.

Downloads (``pip download --no-deps``) the transformers and timm wheels, extracts their
modeling files (``transformers/models/*/modeling_*.py`` and ``timm/models/*.py``), and in
one process measures:

* ``ast.parse`` of every file (the floor for any Python analyzer),
* the real command, ``leaf-lsp --check FILES`` in a new process as a user runs it, inside
  the unpacked packages (their imports of the packages' own modules are followed), in text
  mode and with ``--format json``
  (hints included: what the language server computes too),
* whether text and JSON report the same diagnostics (they must),
* the engine alone in this process without following imports (a lower bound, not a figure
  to quote), peak RSS, crashes, and the diagnostics per code (for review),
* TorchFix on a sample of the same files, in the same run, when it is installed
  (``--torchfix`` installs it into a private venv under the cache folder).

Usage: ``python scripts/bench_check.py [--cache DIR] [--torchfix] [--torchfix-sample N] [--list CODE]``
"""

from __future__ import annotations

import argparse
import ast
import collections
import gc
import json
import os
import re
import resource
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from leaf_lsp.engine import analyze  # noqa: E402
from leaf_lsp.settings import Settings  # noqa: E402

#: Pinned, so that figures from different days compare.
TRANSFORMERS = "transformers==5.24.0"
TIMM = "timm==1.0.31"

PATTERNS = (
    re.compile(r"transformers/models/[^/]+/modeling_[^/]+\.py$"),
    re.compile(r"timm/models/[^/]+\.py$"),
)


def fetch(cache: Path) -> list[Path]:
    """Download the wheels (once) and extract the modeling files."""
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    wanted = [f"{spec.replace('==', '-')}-" for spec in (TRANSFORMERS, TIMM)]
    if not all(list(wheels.glob(f"{prefix}*.whl")) for prefix in wanted):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "-d",
                str(wheels),
                TRANSFORMERS,
                TIMM,
            ],
            check=True,
        )
    out = cache / "src"
    files: list[Path] = []
    for wheel in sorted(w for w in wheels.glob("*.whl") if any(w.name.startswith(p) for p in wanted)):
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                # The whole package is unpacked, so that the modeling files' imports of the
                # package's own modules resolve as they do for a user; only they are checked.
                if name.endswith(".py"):
                    target = out / name
                    if not target.exists():
                        archive.extract(name, out)
                    if any(p.match(name) for p in PATTERNS):
                        files.append(target)
    return sorted(files)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_torchfix(cache: Path, files: list[Path], install: bool) -> str:
    venv = cache / "torchfix-venv"
    exe = venv / "bin" / "torchfix"
    if not exe.exists():
        if not install:
            return "TorchFix: not installed (run with --torchfix to install it in a private venv)"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "torchfix"], check=True)
    start = time.perf_counter()
    proc = subprocess.run([str(exe), *map(str, files)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    findings = sum(1 for line in proc.stdout.splitlines() if re.search(r":\d+:\d+", line))
    return (
        f"TorchFix on {len(files)} of the same files: {elapsed:.1f} s = {len(files) / elapsed:.2f} files/s "
        f"({findings} findings, exit {proc.returncode})"
    )


def real_command(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``leaf-lsp`` as a user does (a new process, cross-file resolution included)."""
    exe = ROOT / ".venv" / "bin" / "leaf-lsp"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "leaf_lsp"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    start = time.perf_counter()
    proc = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc


TEXT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>LEAF\d{3}) ")


def text_diagnostics(output: str) -> set[tuple[str, int, int, str]]:
    """(path, line, column, code) of each diagnostic in text output."""
    found = set()
    for line in output.splitlines():
        match = TEXT_LINE.match(line)
        if match:
            found.add((match["path"], int(match["line"]), int(match["col"]), match["code"]))
    return found


def json_diagnostics(output: str) -> set[tuple[str, int, int, str]]:
    """(path, line, column, code) of each diagnostic in JSON output."""
    data = json.loads(output)
    return {(f["path"], d["line"], d["column"], d["code"]) for f in data["files"] for d in f["diagnostics"]}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", default=str(ROOT / ".cache" / "bench"), help="download/extract folder")
    parser.add_argument("--torchfix", action="store_true", help="install TorchFix (private venv) and time it")
    parser.add_argument("--torchfix-sample", type=int, default=40, help="files to give TorchFix (it is slow)")
    parser.add_argument("--list", metavar="CODE", help="print every diagnostic with this code for review")
    args = parser.parse_args()

    files = fetch(Path(args.cache))
    src = Path(args.cache) / "src"
    sources = [(f, f.read_text(encoding="utf-8")) for f in files]
    lines = sum(s.count("\n") for _, s in sources)
    print(f"{len(sources)} files, {lines:,} lines, {sum(len(s) for _, s in sources) / 1e6:.1f} MB")
    warnings.simplefilter("ignore")
    gc.collect()

    def timed_parse() -> float:
        start = time.perf_counter()
        for path, source in sources:
            ast.parse(source, str(path))
        return time.perf_counter() - start

    paths = [str(f.relative_to(src)) for f in files]
    parse_before = timed_parse()
    text_time, text_run = real_command(["--check", *paths], src)
    json_time, json_run = real_command(["--check", "--format", "json", *paths], src)
    parse_after = timed_parse()
    parse = (parse_before + parse_after) / 2
    children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    # The engine alone, in this process, without following imports: a lower bound only.
    counts: collections.Counter[str] = collections.Counter()
    crashes = []
    listing = []
    start = time.perf_counter()
    for path, source in sources:
        try:
            analysis = analyze(source, str(path), Settings(hints=False))
        except Exception as exc:  # noqa: BLE001 - the benchmark counts crashes instead of stopping
            crashes.append(f"{path}: {type(exc).__name__}: {exc}")
            continue
        for d in analysis.diagnostics:
            counts[d.code] += 1
            if d.code == args.list:
                listing.append(f"{path}:{d.span.line}: {d.message}")
    engine_alone = time.perf_counter() - start

    print(f"ast.parse (in this process):     {parse:7.2f} s  ({len(sources) / parse:6.1f} files/s)")
    for label, elapsed, run in (
        ("leaf-lsp --check (text)", text_time, text_run),
        ("leaf-lsp --check --format json", json_time, json_run),
    ):
        print(
            f"{label + ':':32} {elapsed:7.2f} s  ({len(sources) / elapsed:6.1f} files/s)  "
            f"ratio to parse {elapsed / parse:5.1f}x (target <= 2x), exit {run.returncode}"
        )
        if run.returncode not in (0, 1):
            print("   ", run.stderr.strip()[-2000:])
    print(
        f"engine alone, no imports followed: {engine_alone:5.2f} s  ratio to parse {engine_alone / parse:5.1f}x "
        "(not what users run)"
    )
    print(f"peak RSS of the commands:        {children_rss:7.0f} MB (target <= 400 MB)")
    try:
        text_found, json_found = text_diagnostics(text_run.stdout), json_diagnostics(json_run.stdout)
        differ = len(text_found ^ json_found)
        print(
            f"text vs JSON diagnostics:        {len(text_found)} / {len(json_found)}, {differ} differ (must be 0)"
        )
    except (ValueError, KeyError) as error:
        print(f"text vs JSON diagnostics:        cannot compare ({error})")
        json_found, differ = set(), 1
    print(f"engine crashes:                  {len(crashes)}")
    for line in crashes[:20]:
        print("  ", line)
    by_code = collections.Counter(code for *_, code in json_found)
    print(
        "diagnostics per code (command):  "
        + (", ".join(f"{c} {n}" for c, n in sorted(by_code.items())) or "none")
    )
    print(
        "diagnostics per code (engine):   "
        + (", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none")
    )
    for line in listing:
        print("  ", line)
    print(run_torchfix(Path(args.cache), [f for f, _ in sources[: args.torchfix_sample]], args.torchfix))
    return 1 if crashes or differ else 0


if __name__ == "__main__":
    sys.exit(main())
