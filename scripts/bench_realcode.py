#!/usr/bin/env python3
"""Check real PyTorch libraries as their users would, and compare with a human review.

Downloads (``pip download --no-deps``, pinned) the wheels of fifteen PyTorch libraries plus
transformers and timm, unpacks each into its own folder of the cache (``CACHE/realcode/NAME``,
with a ``pyproject.toml`` so that the folder is the project root), and runs the real command
in a new process, in that folder, as a user of the library would check their checkout:

* ``leaf-lsp --check PACKAGE_DIR --format json`` for the libraries (cross-file: the package's
  imports of its own modules are followed);
* for transformers and timm only the modeling files, selected as ``bench_check.py`` selects
  them (the whole package is unpacked, so that their imports resolve).

It prints lines of code, diagnostics per code and per package, crashes and internal errors,
and compares the diagnostics with the checked-in review, ``tests/realcode/review.toml``::

    [[review]]
    package = "torch_geometric"
    path = "torch_geometric/explain/algorithm/graphmask_explainer.py"  # from the package's parent
    line = 123
    code = "LEAF205"
    text = "self.x = nn.Parameter(...)"   # the stripped source line
    verdict = "real"                      # real | false-alarm | harmless (true but harmless)
    why = "one line"

A diagnostic matches a review entry with the same package, path, code and source text (the
nearest line wins when several do), else one with the same line: the text survives small
line shifts. It prints per code reported / reviewed / real / false-alarm / harmless, the
precision (real / reported) of the non-deprecation codes (LEAF3xx are deprecations), false
alarms per 10k lines, the unreviewed diagnostics (with their source line) and the reviewed
real finds that are no longer reported ("lost real finds").

The figures are for people: the exit code is 0 unless the tool crashed (exit 2 of the
command, an internal error, output that is not the JSON contract), then 1.

Usage: ``python scripts/bench_realcode.py [--cache DIR] [--package NAME ...] [--list CODE]
[--json OUT] [--template OUT]``
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
REVIEW = ROOT / "tests" / "realcode" / "review.toml"
VERDICTS = ("real", "false-alarm", "harmless")

#: The modeling files of transformers and timm, as bench_check.py selects them.
MODELING = (
    re.compile(r"transformers/models/[^/]+/modeling_[^/]+\.py$"),
    re.compile(r"timm/models/[^/]+\.py$"),
)


@dataclass(frozen=True)
class Package:
    """One library: its pinned requirement, the top-level folders checked, and a file filter."""

    name: str
    spec: str
    tops: tuple[str, ...]
    modeling_only: bool = False

    @property
    def wheel_prefix(self) -> str:
        dist, version = self.spec.split("==")
        return f"{dist.replace('-', '_')}-{version}-"


#: Pinned, so that figures from different days compare.
PACKAGES = (
    Package("torchvision", "torchvision==0.29.1", ("torchvision",)),
    Package("diffusers", "diffusers==0.42.1", ("diffusers",)),
    Package("lightning", "lightning==2.6.6", ("lightning",)),
    Package("torchmetrics", "torchmetrics==1.9.0", ("torchmetrics",)),
    Package("peft", "peft==0.21.2", ("peft",)),
    Package("torch_geometric", "torch_geometric==2.8.1", ("torch_geometric",)),
    Package("kornia", "kornia==0.9.0", ("kornia",)),
    Package("sentence-transformers", "sentence-transformers==6.2.0", ("sentence_transformers",)),
    Package("torchaudio", "torchaudio==2.11.1", ("torchaudio",)),
    Package("ultralytics", "ultralytics==8.4.190", ("ultralytics",)),
    Package("torchtune", "torchtune==0.6.1", ("torchtune", "recipes")),
    Package("pyro-ppl", "pyro-ppl==1.9.2", ("pyro",)),
    Package("gpytorch", "gpytorch==1.15.2", ("gpytorch",)),
    Package("botorch", "botorch==0.18.1", ("botorch", "botorch_community")),
    Package("speechbrain", "speechbrain==1.1.2", ("speechbrain",)),
    Package("transformers", "transformers==5.24.0", ("transformers",), modeling_only=True),
    Package("timm", "timm==1.0.31", ("timm",), modeling_only=True),
)
BY_NAME = {p.name: p for p in PACKAGES}


def is_deprecation(code: str) -> bool:
    return code.startswith("LEAF3")


# --- download and unpack ----------------------------------------------------------------


def download(cache: Path, packages: list[Package]) -> dict[str, Path]:
    """The wheel of each package, downloaded once into ``CACHE/wheels``."""
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)

    def find(package: Package) -> Path | None:
        found = sorted(wheels.glob(f"{package.wheel_prefix}*.whl"))
        return found[0] if found else None

    missing = [p.spec for p in packages if find(p) is None]
    if missing:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels), *missing],
            check=True,
        )
    out = {}
    for package in packages:
        wheel = find(package)
        if wheel is None:
            raise SystemExit(f"bench_realcode: no wheel for {package.spec} in {wheels}")
        out[package.name] = wheel
    return out


def unpack(cache: Path, package: Package, wheel: Path) -> tuple[Path, list[str]]:
    """Unpack the package's ``.py`` files; return its project folder and the paths to check."""
    folder = cache / "realcode" / package.name
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "pyproject.toml"
    if not marker.exists():
        # A project marker, as in the user's checkout: the folder is the project root.
        marker.write_text(f'[project]\nname = "{package.name}-checkout"\nversion = "0"\n', encoding="utf-8")
    selected: list[str] = []
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            top = name.split("/", 1)[0]
            if top not in package.tops or not name.endswith(".py"):
                continue
            if not (folder / name).exists():
                archive.extract(name, folder)
            if package.modeling_only and any(p.search(name) for p in MODELING):
                selected.append(name)
    if not package.modeling_only:
        selected = [top for top in package.tops if (folder / top).is_dir()]
    return folder, sorted(selected)


def python_files(folder: Path, targets: list[str]) -> list[Path]:
    files: list[Path] = []
    for target in targets:
        path = folder / target
        if path.is_dir():
            files.extend(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
        else:
            files.append(path)
    return sorted(files)


# --- the real command -------------------------------------------------------------------


@dataclass
class Finding:
    package: str
    path: str
    line: int
    column: int
    code: str
    severity: str
    message: str
    text: str
    review: Review | None = None


@dataclass
class Review:
    package: str
    path: str
    line: int
    code: str
    text: str
    verdict: str
    why: str
    matched: bool = False


@dataclass
class PackageRun:
    name: str
    files: int = 0
    lines: int = 0
    seconds: float = 0.0
    exit_code: int = 0
    findings: list[Finding] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)


def leaf_lsp_command() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "leaf-lsp"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "leaf_lsp"]


def check_package(package: Package, folder: Path, targets: list[str]) -> PackageRun:
    run = PackageRun(package.name)
    files = python_files(folder, targets)
    run.files = len(files)
    run.lines = sum(f.read_text(encoding="utf-8", errors="replace").count("\n") for f in files)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    start = time.perf_counter()
    proc = subprocess.run(
        [*leaf_lsp_command(), "--check", *targets, "--format", "json"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    run.seconds = time.perf_counter() - start
    run.exit_code = proc.returncode
    if proc.returncode not in (0, 1):
        run.crashes.append(f"exit {proc.returncode}")
    for line in proc.stderr.splitlines():
        if "internal error" in line or "Traceback" in line:
            run.crashes.append(line.strip()[:500])
    try:
        data = json.loads(proc.stdout)
        reports = data["files"]
    except (ValueError, KeyError, TypeError) as error:
        run.crashes.append(f"output is not the JSON contract ({error}): {proc.stdout[:200]!r}")
        return run
    sources: dict[str, list[str]] = {}
    for report in reports:
        path = report["path"]
        if path not in sources:
            try:
                sources[path] = (folder / path).read_text(encoding="utf-8").splitlines()
            except OSError:
                sources[path] = []
        lines = sources[path]
        for d in report["diagnostics"]:
            line = d["line"]
            text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            run.findings.append(
                Finding(package.name, path, line, d["column"], d["code"], d["severity"], d["message"], text)
            )
    return run


# --- the review -------------------------------------------------------------------------


def load_review(path: Path) -> list[Review]:
    if not path.exists():
        return []
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        Review(
            str(e["package"]),
            str(e["path"]),
            int(e["line"]),
            str(e["code"]),
            str(e.get("text", "")),
            str(e["verdict"]),
            str(e["why"]),
        )
        for e in data.get("review", [])
    ]


def match(findings: list[Finding], reviews: list[Review]) -> None:
    """Pair diagnostics with review entries: same text (nearest line first), else same line."""
    by_text: dict[tuple[str, str, str, str], list[Review]] = collections.defaultdict(list)
    by_line: dict[tuple[str, str, str, int], list[Review]] = collections.defaultdict(list)
    for r in reviews:
        by_text[(r.package, r.path, r.code, r.text)].append(r)
        by_line[(r.package, r.path, r.code, r.line)].append(r)
    # Exact (text and line) first, so that a shifted twin cannot steal an exact entry.
    pending = []
    for f in findings:
        exact = [
            r
            for r in by_text.get((f.package, f.path, f.code, f.text), [])
            if not r.matched and r.line == f.line
        ]
        if exact:
            f.review = exact[0]
            exact[0].matched = True
        else:
            pending.append(f)
    still = []
    for f in pending:
        candidates = [r for r in by_text.get((f.package, f.path, f.code, f.text), []) if not r.matched]
        if candidates:
            best = min(candidates, key=lambda r: abs(r.line - f.line))
            f.review = best
            best.matched = True
        else:
            still.append(f)
    for f in still:
        candidates = [r for r in by_line.get((f.package, f.path, f.code, f.line), []) if not r.matched]
        if candidates:
            f.review = candidates[0]
            candidates[0].matched = True


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def template(findings: list[Finding]) -> str:
    """Review entries, verdict and why left to fill, for the unreviewed diagnostics."""
    out = []
    for f in findings:
        out.append(
            "[[review]]\n"
            f"package = {toml_string(f.package)}\n"
            f"path = {toml_string(f.path)}\n"
            f"line = {f.line}\n"
            f"code = {toml_string(f.code)}\n"
            f"text = {toml_string(f.text)}\n"
            'verdict = ""\n'
            f'why = ""  # {f.message[:300].replace(chr(10), " ")}\n'
        )
    return "\n".join(out)


# --- figures ----------------------------------------------------------------------------


def figures(runs: list[PackageRun], reviews: list[Review]) -> dict[str, Any]:
    findings = [f for run in runs for f in run.findings]
    checked = {run.name for run in runs}
    lines = sum(run.lines for run in runs)
    per_code: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for f in findings:
        row = per_code[f.code]
        row["reported"] += 1
        if f.review is not None:
            row["reviewed"] += 1
            row[f.review.verdict] += 1
        else:
            row["unreviewed"] += 1
    for r in reviews:
        if r.package in checked and not r.matched:
            per_code[r.code]["gone-" + r.verdict] += 1

    def totals(codes: list[str]) -> dict[str, int]:
        out: collections.Counter[str] = collections.Counter()
        for code in codes:
            out.update(per_code[code])
        return dict(out)

    non_deprecation = totals([c for c in per_code if not is_deprecation(c)])
    every = totals(list(per_code))
    reported = non_deprecation.get("reported", 0)
    reviewed = non_deprecation.get("reviewed", 0)
    real = non_deprecation.get("real", 0)
    false_alarms = every.get("false-alarm", 0)
    lost = [r for r in reviews if r.package in checked and not r.matched and r.verdict == "real"]
    return {
        "packages": {
            run.name: {
                "files": run.files,
                "lines": run.lines,
                "seconds": round(run.seconds, 2),
                "exit_code": run.exit_code,
                "crashes": run.crashes,
                "diagnostics": dict(sorted(collections.Counter(f.code for f in run.findings).items())),
            }
            for run in runs
        },
        "lines": lines,
        "files": sum(run.files for run in runs),
        "per_code": {code: dict(per_code[code]) for code in sorted(per_code)},
        "non_deprecation": non_deprecation,
        "all": every,
        "precision": real / reported if reported else None,
        "precision_of_reviewed": real / reviewed if reviewed else None,
        "false_alarms_per_10k_lines": false_alarms * 10_000 / lines if lines else None,
        "harmless_per_10k_lines": every.get("harmless", 0) * 10_000 / lines if lines else None,
        "crashes": sum(len(run.crashes) for run in runs),
        "unreviewed": [
            {"package": f.package, "path": f.path, "line": f.line, "code": f.code, "text": f.text}
            for f in findings
            if f.review is None
        ],
        "lost_real_finds": [
            {
                "package": r.package,
                "path": r.path,
                "line": r.line,
                "code": r.code,
                "text": r.text,
                "why": r.why,
            }
            for r in lost
        ],
    }


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def print_report(runs: list[PackageRun], data: dict[str, Any], listing: str | None, limit: int) -> None:
    codes = sorted(data["per_code"])
    print(f"{data['files']:,} files, {data['lines']:,} lines in {len(runs)} packages")
    print()
    print("diagnostics per package:")
    for run in runs:
        counts = collections.Counter(f.code for f in run.findings)
        text = ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none"
        print(
            f"  {run.name:22} {run.files:5} files {run.lines:9,} lines {run.seconds:7.1f} s  "
            f"exit {run.exit_code}  {len(run.findings):4} diagnostics: {text}"
        )
    print()
    print("crashes / internal errors: " + str(data["crashes"]))
    for run in runs:
        for crash in run.crashes:
            print(f"  {run.name}: {crash}")
    print()
    header = (
        f"  {'code':15} {'reported':>8} {'reviewed':>8} {'real':>5} {'false':>5} {'harmless':>8} {'unrev':>5}"
    )
    print("per code (false = false-alarm; gone = reviewed, no longer reported):")
    print(header + "  gone(real/false/harmless)")
    for code in codes:
        row = data["per_code"][code]
        gone = "/".join(str(row.get("gone-" + v, 0)) for v in VERDICTS)
        print(
            f"  {code:15} {row.get('reported', 0):8} {row.get('reviewed', 0):8} {row.get('real', 0):5} "
            f"{row.get('false-alarm', 0):5} {row.get('harmless', 0):8} {row.get('unreviewed', 0):5}  {gone}"
        )
    for label, key in (("non-deprecation", "non_deprecation"), ("all codes", "all")):
        row = data[key]
        print(
            f"  {label:15} {row.get('reported', 0):8} {row.get('reviewed', 0):8} {row.get('real', 0):5} "
            f"{row.get('false-alarm', 0):5} {row.get('harmless', 0):8} {row.get('unreviewed', 0):5}"
        )
    print()
    nd = data["non_deprecation"]
    print(
        f"precision, non-deprecation codes (real / reported): {fmt(data['precision'])} "
        f"({nd.get('real', 0)} / {nd.get('reported', 0)}; real / reviewed: {fmt(data['precision_of_reviewed'])})"
    )
    print(
        f"false alarms per 10k lines: {fmt(data['false_alarms_per_10k_lines'], 3)} "
        f"({data['all'].get('false-alarm', 0)} in {data['lines']:,} lines); "
        f"harmless per 10k lines: {fmt(data['harmless_per_10k_lines'], 3)}"
    )
    unreviewed = [f for run in runs for f in run.findings if f.review is None]
    print()
    print(f"unreviewed diagnostics: {len(unreviewed)}")
    for f in unreviewed[:limit]:
        print(f"  {f.package}: {f.path}:{f.line}: {f.code}: {f.text}")
    if len(unreviewed) > limit:
        print(f"  ... and {len(unreviewed) - limit} more (--limit N, or --json OUT for all)")
    lost = data["lost_real_finds"]
    print()
    print(f"lost real finds (reviewed real, no longer reported): {len(lost)}")
    for r in lost:
        print(f"  {r['package']}: {r['path']}:{r['line']}: {r['code']}: {r['text']}  ({r['why']})")
    if listing:
        print()
        print(f"every {listing}:")
        wanted = set(listing.split(","))
        for run in runs:
            for f in run.findings:
                if "ALL" not in wanted and f.code not in wanted:
                    continue
                verdict = f"[{f.review.verdict}: {f.review.why}]" if f.review else "[unreviewed]"
                print(f"  {f.package}: {f.path}:{f.line}:{f.column}: {verdict}")
                print(f"      source:  {f.text}")
                print(f"      message: {f.message}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", default=str(ROOT / ".cache" / "bench"), help="download/unpack folder")
    parser.add_argument(
        "--package",
        action="append",
        metavar="NAME",
        help="check only this package (repeat, or comma-separated); names: " + ", ".join(BY_NAME),
    )
    parser.add_argument(
        "--list",
        metavar="CODES",
        help="print every diagnostic with these codes (comma-separated, or ALL), with its review",
    )
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON to OUT")
    parser.add_argument(
        "--review", default=str(REVIEW), help="the review file (default: tests/realcode/review.toml)"
    )
    parser.add_argument(
        "--template", metavar="OUT", help="write review entries to fill for the unreviewed ones"
    )
    parser.add_argument(
        "--limit", type=int, default=200, help="unreviewed diagnostics to print (default 200)"
    )
    args = parser.parse_args()

    names = [n.strip() for value in args.package or [] for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown package {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    packages = [BY_NAME[n] for n in names] if names else list(PACKAGES)
    cache = Path(args.cache).resolve()
    wheels = download(cache, packages)
    reviews = load_review(Path(args.review))

    runs = []
    for package in packages:
        folder, targets = unpack(cache, package, wheels[package.name])
        print(f"checking {package.name} ({len(targets)} targets) ...", file=sys.stderr, flush=True)
        runs.append(check_package(package, folder, targets))
    findings = [f for run in runs for f in run.findings]
    match(findings, [r for r in reviews if r.package in {run.name for run in runs}])
    data = figures(runs, reviews)
    print_report(runs, data, args.list, args.limit)
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if args.template:
        Path(args.template).write_text(template([f for f in findings if f.review is None]), encoding="utf-8")
    return 1 if data["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
