#!/usr/bin/env python3
"""Fill the run-time "oracle" part of corpus cases' expect.json files.

usage: python scripts/make_expect.py [--oracle PATH] [--check] CASE.py|DIR ...

For each case ``NNN_slug.py`` this runs the shared oracle (``oracle.py CASE.py``, with the
interpreter running this script, so it must have torch) and rewrites ``NNN_slug.expect.json``
with the oracle's output under "oracle". The hand-written fields ("source", "split", "summary",
"diagnostics", "checks") are kept as they are; a case without an expect.json gets a skeleton to
fill in. With ``--check`` nothing is written: the script reports every case whose stored oracle
differs from a fresh run, or whose checks do not all evaluate True, and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

# The oracle as checked into the repository (a copy of the shared corpus's oracle.py).
DEFAULT_ORACLE = Path(__file__).resolve().parent.parent / "tests" / "corpus_public" / "oracle.py"
# Field order of the public corpus, so diffs between refreshed files stay small.
FIELD_ORDER = ("source", "split", "summary", "diagnostics", "checks", "oracle")


def cases_in(paths: list[str]) -> list[Path]:
    """Expand directories to their ``NNN_*.py`` cases; keep explicit files as given."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.py") if p.name[:3].isdigit()))
        else:
            found.append(path)
    return found


def run_oracle(oracle: Path, case: Path) -> dict[str, Any]:
    """Run the oracle on one case and return its parsed JSON (raises on oracle failure)."""
    proc = subprocess.run(
        [sys.executable, str(oracle), str(case)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"oracle failed on {case}: {proc.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def load_expect(path: Path) -> dict[str, Any]:
    """Read an expect.json, or return a skeleton for a new case."""
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    return {"source": [], "split": "extra", "summary": "TODO", "diagnostics": [], "checks": []}


def ordered(data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` with the public corpus's field order, unknown fields last."""
    out = {key: data[key] for key in FIELD_ORDER if key in data}
    out.update({key: value for key, value in data.items() if key not in out})
    return out


def problems_of(case: Path, expect: dict[str, Any], oracle_out: dict[str, Any]) -> list[str]:
    """Consistency problems between a case's hand-written truth and what the run showed."""
    problems = [
        f"{case.name}: check is not True: {c['expr']!r} -> {c['result']!r}"
        for c in oracle_out.get("checks", [])
        if c.get("result") is not True
    ]
    exc = oracle_out.get("exception")
    if exc is not None:
        diags = expect.get("diagnostics", [])
        if exc.get("line") is None or not any(d["line"] == exc["line"] for d in diags):
            problems.append(
                f"{case.name}: raises {exc['type']} at line {exc.get('line')}, no diagnostic there"
            )
        later = [d for d in diags if exc.get("line") is not None and d["line"] > exc["line"]]
        problems.extend(f"{case.name}: diagnostic after the raising line: {d}" for d in later)
    return problems


def main(argv: list[str]) -> int:
    """Refresh (or with --check, verify) the oracle part of each case given."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="+", help="case files or corpus directories")
    parser.add_argument("--oracle", type=Path, default=DEFAULT_ORACLE, help="path to oracle.py")
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 on any difference")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="oracle runs in parallel")
    args = parser.parse_args(argv)

    def attempt(case: Path) -> dict[str, Any] | str:
        try:
            return run_oracle(args.oracle, case)
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as err:
            return str(err)

    cases = cases_in(args.paths)
    # Each oracle run is a separate interpreter importing torch, so they parallelise well.
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(attempt, cases))

    failed = False
    for case, fresh in zip(cases, results, strict=True):
        expect_path = case.with_name(case.name[: -len(".py")] + ".expect.json")
        expect = load_expect(expect_path)
        if isinstance(fresh, str):
            print(f"ERROR {fresh}", file=sys.stderr)
            failed = True
            continue
        problems = problems_of(case, expect, fresh)
        for problem in problems:
            print("PROBLEM", problem, file=sys.stderr)
        failed = failed or bool(problems)
        if args.check:
            if expect.get("oracle") != fresh:
                print(f"STALE {case.name}: stored oracle differs from a fresh run", file=sys.stderr)
                failed = True
            continue
        expect["oracle"] = fresh
        expect_path.write_text(json.dumps(ordered(expect), indent=1) + "\n")
        print(f"wrote {expect_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
