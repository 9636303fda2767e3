#!/usr/bin/env python3
"""Benchmark ``leaf-lsp --check`` on real PyTorch code nobody here wrote.

Downloads (``pip download --no-deps``) the transformers and timm wheels, extracts their
modeling files (``transformers/models/*/modeling_*.py`` and ``timm/models/*.py``), and in
one process measures:

* ``ast.parse`` of every file (the floor for any Python analyzer),
* the check as ``leaf-lsp --check`` runs it in text mode (diagnostics only),
* the full analysis with hints (what ``--format json`` and the language server compute),
* peak RSS, crashes, and the diagnostics per code (for review),
* TorchFix on a sample of the same files, in the same run, when it is installed
  (``--torchfix`` installs it into a private venv under the cache folder).

Usage: ``python scripts/bench_check.py [--cache DIR] [--torchfix] [--torchfix-sample N] [--list CODE]``
"""

from __future__ import annotations

import argparse
import ast
import collections
import gc
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

PATTERNS = (
    re.compile(r"transformers/models/[^/]+/modeling_[^/]+\.py$"),
    re.compile(r"timm/models/[^/]+\.py$"),
)


def fetch(cache: Path) -> list[Path]:
    """Download the wheels (once) and extract the modeling files."""
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    if not list(wheels.glob("transformers-*.whl")) or not list(wheels.glob("timm-*.whl")):
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
                "transformers",
                "timm",
            ],
            check=True,
        )
    out = cache / "src"
    files: list[Path] = []
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if any(p.match(name) for p in PATTERNS):
                    target = out / name
                    if not target.exists():
                        archive.extract(name, out)
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

    parse_before = timed_parse()
    check_settings = Settings(hints=False)
    counts: collections.Counter[str] = collections.Counter()
    crashes = []
    listing = []
    start = time.perf_counter()
    for path, source in sources:
        try:
            analysis = analyze(source, str(path), check_settings)
        except Exception as exc:  # noqa: BLE001 - the benchmark counts crashes instead of stopping
            crashes.append(f"{path}: {type(exc).__name__}: {exc}")
            continue
        for d in analysis.diagnostics:
            counts[d.code] += 1
            if d.code == args.list:
                listing.append(f"{path}:{d.span.line}: {d.message}")
    check = time.perf_counter() - start
    parse_after = timed_parse()
    parse = (parse_before + parse_after) / 2

    start = time.perf_counter()
    hints = 0
    for path, source in sources:
        hints += len(analyze(source, str(path)).hints)
    full = time.perf_counter() - start

    print(f"ast.parse:            {parse:6.2f} s  ({len(sources) / parse:6.1f} files/s)")
    print(
        f"leaf-lsp --check:     {check:6.2f} s  ({len(sources) / check:6.1f} files/s)  "
        f"ratio to parse {check / parse:.2f}x (target <= 2x)"
    )
    print(
        f"with hints (json/LSP): {full:6.2f} s  ({len(sources) / full:6.1f} files/s)  "
        f"ratio to parse {full / parse:.2f}x, {hints} hints"
    )
    print(f"peak RSS:             {rss_mb():6.0f} MB (target <= 400 MB)")
    print(f"crashes:              {len(crashes)}")
    for line in crashes[:20]:
        print("  ", line)
    print("diagnostics per code: " + (", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none"))
    for line in listing:
        print("  ", line)
    print(run_torchfix(Path(args.cache), [f for f, _ in sources[: args.torchfix_sample]], args.torchfix))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
