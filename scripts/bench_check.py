#!/usr/bin/env python3
"""Benchmark ``leaf-lsp --check`` on real PyTorch code nobody here wrote.

Two sets, each against ``ast.parse`` of the same files measured in the same run:

* **models**: the modeling files of the transformers and timm wheels
  (``transformers/models/*/modeling_*.py`` and ``timm/models/*.py``), named on the command
  line, inside the unpacked packages (their imports of the packages' own modules are followed);
* **diffusers**: the whole diffusers package, checked as a folder (``leaf-lsp --check diffusers``).

The wheels are downloaded once (``pip download --no-deps``) into the cache folder. Each run
is the real command in a new process, as a user runs it, with its own peak RSS:

* cold (no result cache: the folder is removed first), text and ``--format json`` (hints
  included: what the language server computes too), with ``--jobs 1`` and the default;
* warm (nothing changed since the previous run), text and JSON;
* one file edited (a comment appended to one checked file, then put back), text and JSON;
* the warm and edited runs are repeated (a new process each time, another comment before
  each edited run) and their median is reported with all the times: sub-second runs vary
  by a third from one run to the next on a shared machine;
* whether the results are identical cold and warm, with ``--jobs 1`` and the default, and
  in text and JSON (they must be);
* on the models set also the engine alone in this process without following imports (a
  lower bound, not a figure to quote), crashes, the diagnostics per code (for review), and
  TorchFix on a sample of the files when it is installed (``--torchfix`` installs it into a
  private venv under the cache folder).

Usage: ``python scripts/bench_check.py [--cache DIR] [--sets models,diffusers] [--no-jobs1]
[--torchfix] [--torchfix-sample N] [--list CODE]``
"""

from __future__ import annotations

import argparse
import ast
import collections
import compileall
import dataclasses
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from leaf_lsp.engine import analyze  # noqa: E402
from leaf_lsp.settings import Settings  # noqa: E402

#: Pinned, so that figures from different days compare.
TRANSFORMERS = "transformers==5.24.0"
TIMM = "timm==1.0.31"
DIFFUSERS = "diffusers==0.42.1"

#: Repetitions of each run with a warm cache (the median is reported).
WARM_REPEATS = 3

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


def fetch_diffusers(cache: Path) -> Path:
    """Download the diffusers wheel (once) and unpack it; returns the folder holding the package."""
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    prefix = f"{DIFFUSERS.replace('==', '-')}-"
    if not list(wheels.glob(f"{prefix}*.whl")):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels), DIFFUSERS],
            check=True,
        )
    out = cache / "src-diffusers"
    wheel = sorted(wheels.glob(f"{prefix}*.whl"))[-1]
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith("diffusers/") and name.endswith(".py") and not (out / name).exists():
                archive.extract(name, out)
    return out


@dataclass
class Run:
    """One run of the real command."""

    label: str
    seconds: float
    #: The peak RSS of its largest process, and the peak of all its processes together.
    rss_mb: float
    total_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    #: For a repeated run: the times of all its repetitions (``seconds`` is their median).
    times: tuple[float, ...] = ()


def compile_bytecode() -> None:
    """Compile leaf-lsp's modules to bytecode first, as ``pip install`` does: the runs measure
    checking, not compiling the tool (which a checkout run with ``PYTHONDONTWRITEBYTECODE``
    set would do in every process)."""
    compileall.compile_dir(str(ROOT / "server" / "leaf_lsp"), quiet=1)


def real_command(label: str, args: list[str], cwd: Path) -> Run:
    """Run ``leaf-lsp`` as a user does (a new process, cross-file resolution included)."""
    exe = ROOT / ".venv" / "bin" / "leaf-lsp"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "leaf_lsp"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    env.pop("LEAF_LSP_NO_CACHE", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([*command, *args], cwd=cwd, env=env, stdout=out, stderr=err)
        peaks = watch_memory(proc)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return Run(label, elapsed, peaks[0], peaks[1], proc.returncode, stdout, stderr)


def watch_memory(proc: subprocess.Popen[bytes]) -> tuple[float, float]:
    """Wait for ``proc``; (largest peak RSS of one of its processes, peak of their sum), MB.

    Read from ``/proc`` (``VmHWM``, ``VmRSS``) every 20 ms: the rusage of a child counts the
    pages it shared with this process before its exec, which holds every source file.
    """
    largest: dict[int, float] = {}
    total = 0.0
    while proc.poll() is None:
        current = 0.0
        for pid in _tree(proc.pid):
            status = _status(pid)
            if status:
                largest[pid] = max(largest.get(pid, 0.0), status.get("VmHWM", 0.0))
                current += status.get("VmRSS", 0.0)
        total = max(total, current)
        time.sleep(0.02)
    return max(largest.values(), default=0.0), total


def _tree(pid: int) -> list[int]:
    found = [pid]
    for item in found:
        try:
            children = Path(f"/proc/{item}/task/{item}/children").read_text().split()
        except OSError:
            continue
        found.extend(int(child) for child in children)
    return found


def _status(pid: int) -> dict[str, float]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = float(rest.split()[0]) / 1024
    return values


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


def timed_parse(sources: list[tuple[Path, str]]) -> float:
    start = time.perf_counter()
    for path, source in sources:
        ast.parse(source, str(path))
    return time.perf_counter() - start


def diagnostics_of(run: Run) -> set[tuple[str, int, int, str]]:
    """The diagnostics a run reported, whatever its format."""
    if run.stdout.lstrip().startswith("{"):
        return json_diagnostics(run.stdout)
    return text_diagnostics(run.stdout)


def bench_set(
    name: str, cwd: Path, check_args: list[str], sources: list[tuple[Path, str]], edit: Path, jobs1: bool
) -> tuple[list[str], list[Run]]:
    """Every run of one set, against ``ast.parse`` of the same files in the same run."""
    cache_dir = cwd / ".leaf_lsp_cache"
    lines = sum(s.count("\n") for _, s in sources)
    report = [
        f"== {name}: {len(sources)} files, {lines:,} lines, {sum(len(s) for _, s in sources) / 1e6:.1f} MB"
    ]
    parse_before = timed_parse(sources)
    runs: list[Run] = []

    def cold(label: str, extra: list[str]) -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)
        runs.append(real_command(label, ["--check", *extra, *check_args], cwd))

    def warm(label: str, extra: list[str], before: Callable[[int], None] | None = None) -> None:
        # Sub-second runs vary by a third from one to the next on a shared machine: the
        # median of a few (each a new process, as the user runs it), with all of them shown.
        repeated = []
        for repetition in range(WARM_REPEATS):
            if before is not None:
                before(repetition)
            repeated.append(real_command(label, ["--check", *extra, *check_args], cwd))
        middle = sorted(repeated, key=lambda run: run.seconds)[len(repeated) // 2]
        runs.append(dataclasses.replace(middle, times=tuple(run.seconds for run in repeated)))

    if jobs1:
        cold("cold, text, --jobs 1", ["--jobs", "1"])
        cold("cold, json, --jobs 1", ["--format", "json", "--jobs", "1"])
    cold("cold, text", [])
    warm("warm, text", [])
    cold("cold, json", ["--format", "json"])
    warm("warm, json", ["--format", "json"])
    warm("warm, text after json", [])
    original = edit.read_bytes()

    def edited(kind: str) -> Callable[[int], None]:
        # Another comment before each repetition: each one analyses the file again.
        return lambda repetition: edit.write_bytes(
            original + f"\n# {kind} edit {repetition} by bench_check\n".encode()
        )

    try:
        warm("one file edited, text", [], edited("text"))
        warm("one file edited, json", ["--format", "json"], edited("json"))
    finally:
        edit.write_bytes(original)
    runs.append(
        real_command("no cache, json", ["--check", "--no-cache", "--format", "json", *check_args], cwd)
    )
    parse = (parse_before + timed_parse(sources)) / 2

    report.append(
        f"ast.parse (in this process):          {parse:7.2f} s  ({len(sources) / parse:6.1f} files/s)"
    )
    targets = {"cold, text": 2.0, "cold, json": 2.5, "warm": 0.1, "one file": 0.2}
    for run in runs:
        target = next((t for key, t in targets.items() if run.label.startswith(key)), None)
        goal = f"(target <= {target}x)" if target is not None else ""
        spread = f"  (median of {', '.join(f'{t:.2f}' for t in run.times)})" if run.times else ""
        report.append(
            f"{run.label + ':':38} {run.seconds:7.2f} s  ratio to parse {run.seconds / parse:5.2f}x {goal:17} "
            f"RSS {run.rss_mb:4.0f} MB (all processes {run.total_rss_mb:4.0f}), exit {run.returncode}{spread}"
        )
        if run.returncode not in (0, 1):
            report.append("    " + run.stderr.strip()[-2000:])
    report.append(
        f"peak RSS of the runs (one process):   {max(r.rss_mb for r in runs):7.0f} MB (target <= 500 MB); "
        f"all processes of a run together: {max(r.total_rss_mb for r in runs):.0f} MB"
    )
    by_label = {run.label: run for run in runs}
    reference = diagnostics_of(by_label["no cache, json"])
    differ = 0
    for run in runs:
        if run.label.startswith("one file edited"):
            continue
        found = diagnostics_of(run)
        if found != reference:
            differ += 1
            report.append(
                f"DIFFERENT from the run without cache: {run.label} ({len(found ^ reference)} diagnostics)"
            )
    edited = ("one file edited",)
    json_files = {
        label: json.loads(run.stdout)["files"]
        for label, run in by_label.items()
        if run.stdout.lstrip().startswith("{") and not label.startswith(edited)
    }
    texts = {
        label: run.stdout
        for label, run in by_label.items()
        if not run.stdout.lstrip().startswith("{") and not label.startswith(edited)
    }
    same_json = len({json.dumps(files, sort_keys=True) for files in json_files.values()}) <= 1
    same_text = len(set(texts.values())) <= 1
    report.append(
        f"results identical (diagnostics of every run; JSON hints too; text output): "
        f"{'yes' if not differ and same_json and same_text else 'NO'} ({len(reference)} diagnostics)"
    )
    if not (same_json and same_text):
        differ += 1
    return report + ([] if not differ else ["RESULTS DIFFER"]), runs


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", default=str(ROOT / ".cache" / "bench"), help="download/extract folder")
    parser.add_argument("--sets", default="models,diffusers", help="comma-separated: models, diffusers")
    parser.add_argument("--no-jobs1", action="store_true", help="skip the --jobs 1 runs (the slowest)")
    parser.add_argument("--torchfix", action="store_true", help="install TorchFix (private venv) and time it")
    parser.add_argument("--torchfix-sample", type=int, default=40, help="files to give TorchFix (it is slow)")
    parser.add_argument("--list", metavar="CODE", help="print every diagnostic with this code for review")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    compile_bytecode()
    sets = {part.strip() for part in args.sets.split(",") if part.strip()}
    failed = False

    if "models" in sets:
        files = fetch(Path(args.cache))
        src = Path(args.cache) / "src"
        sources = [(f, f.read_text(encoding="utf-8")) for f in files]
        gc.collect()
        paths = [str(f.relative_to(src)) for f in files]
        edit = src / "transformers" / "models" / "t5" / "modeling_t5.py"
        report, _ = bench_set(
            "models (transformers + timm modeling files)", src, paths, sources, edit, not args.no_jobs1
        )
        print("\n".join(report), flush=True)
        failed = failed or "RESULTS DIFFER" in report
        failed = engine_alone(sources, args.list) or failed
        print(run_torchfix(Path(args.cache), [f for f, _ in sources[: args.torchfix_sample]], args.torchfix))

    if "diffusers" in sets:
        root = fetch_diffusers(Path(args.cache))
        files = sorted((root / "diffusers").rglob("*.py"))
        sources = [(f, f.read_text(encoding="utf-8")) for f in files]
        gc.collect()
        edit = root / "diffusers" / "models" / "unets" / "unet_2d_condition.py"
        report, _ = bench_set(
            "diffusers (the package, a folder run)", root, ["diffusers"], sources, edit, not args.no_jobs1
        )
        print("\n".join(report), flush=True)
        failed = failed or "RESULTS DIFFER" in report
    return 1 if failed else 0


def engine_alone(sources: list[tuple[Path, str]], listed: str | None) -> bool:
    """The engine in this process without following imports (a lower bound); True on crashes."""
    counts: collections.Counter[str] = collections.Counter()
    crashes = []
    listing = []
    parse = timed_parse(sources)
    start = time.perf_counter()
    for path, source in sources:
        try:
            analysis = analyze(source, str(path), Settings(hints=False))
        except Exception as exc:  # noqa: BLE001 - the benchmark counts crashes instead of stopping
            crashes.append(f"{path}: {type(exc).__name__}: {exc}")
            continue
        for d in analysis.diagnostics:
            counts[d.code] += 1
            if d.code == listed:
                listing.append(f"{path}:{d.span.line}: {d.message}")
    elapsed = time.perf_counter() - start
    print(
        f"engine alone, no imports followed:    {elapsed:7.2f} s  ratio to parse {elapsed / parse:5.2f}x "
        "(not what users run)"
    )
    print(f"engine crashes:                       {len(crashes)}")
    for line in crashes[:20]:
        print("  ", line)
    print(
        "diagnostics per code (engine alone):  "
        + (", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none")
    )
    for line in listing:
        print("  ", line)
    return bool(crashes)


if __name__ == "__main__":
    sys.exit(main())
