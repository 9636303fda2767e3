"""Consistency of the extra corpus's stored truth (no engine involved).

These tests guard the corpus itself: every case is runnable-shaped, its hand-written
diagnostics agree with the run-time record the oracle stored (a raising line carries a
diagnostic, nothing is expected after it, every check was True), and the taxonomy is covered.
The slow test reruns the oracle and compares with what is stored.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parent
# shared/ sits beside the repository (CI clones it that way); /work/shared on developer machines.
SHARED = next(
    (d for d in (CORPUS.parents[1].parent / "shared", Path("/work/shared")) if d.is_dir()),
    Path("/work/shared"),
)
TAXONOMY = SHARED / "taxonomy.md"
ORACLE = CORPUS.parent / "corpus_public" / "oracle.py"  # the oracle, as checked into the repository
# The rule catalogue of taxonomy.md, used only when the shared folder is not beside the repo.
CATALOGUE = (
    [f"LEAF10{i}" for i in range(1, 9)] + [f"LEAF2{i:02d}" for i in range(1, 14)] + ["LEAF301", "LEAF302"]
)
CASE_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.py$")


def catalogue_codes() -> set[str]:
    """Codes of the taxonomy table (from the shared file when it is there)."""
    if TAXONOMY.exists():
        return set(re.findall(r"^\| (LEAF\d{3}) \|", TAXONOMY.read_text(), flags=re.M))
    return set(CATALOGUE)


def case_files() -> list[Path]:
    """The corpus programs, in number order."""
    return sorted(p for p in CORPUS.glob("*.py") if CASE_NAME.match(p.name))


def expect_of(case: Path) -> dict[str, Any]:
    """The parsed expect.json beside a case."""
    data: dict[str, Any] = json.loads(case.with_name(case.stem + ".expect.json").read_text())
    return data


CASES = case_files()


def test_every_case_has_an_expect_file_and_back() -> None:
    programs = {p.stem for p in CASES}
    expects = {p.name[: -len(".expect.json")] for p in CORPUS.glob("*.expect.json")}
    assert programs == expects
    assert len(CASES) >= 60
    assert all(200 < int(p.name[:3]) < 600 for p in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case_truth_is_consistent(case: Path) -> None:
    source = case.read_text()
    ast.parse(source)
    n_lines = len(source.splitlines())
    assert n_lines <= 40
    data = expect_of(case)
    assert set(data) >= {"source", "split", "summary", "diagnostics", "checks", "oracle"}
    assert data["split"] == "extra"
    codes = catalogue_codes()
    for diag in data["diagnostics"]:
        assert diag["code"] in codes
        assert 1 <= diag["line"] <= n_lines
        assert source.splitlines()[diag["line"] - 1].strip(), "diagnostic on a blank line"
    oracle = data["oracle"]
    assert [c["expr"] for c in oracle["checks"]] == data["checks"]
    assert all(c["result"] is True for c in oracle["checks"])
    exc = oracle["exception"]
    if exc is not None:
        lines = [d["line"] for d in data["diagnostics"]]
        assert exc["line"] in lines, "the raising line must carry a diagnostic"
        assert max(lines) <= exc["line"], "nothing runs after the raise"
    if data["summary"].startswith("CLEAN"):
        assert data["diagnostics"] == [] and exc is None
        assert case.stem[4:].startswith("clean_")


def test_taxonomy_covered_twice_and_enough_clean_cases() -> None:
    seen: dict[str, int] = {}
    clean = 0
    for case in CASES:
        data = expect_of(case)
        clean += not data["diagnostics"]
        for code in {d["code"] for d in data["diagnostics"]}:
            seen[code] = seen.get(code, 0) + 1
    # The corpora written for later rules (tests/corpus_newrules and the unseen ones) count too.
    for folder in ("corpus_generality", "corpus_holdout", "corpus_newrules", "corpus_newrules2"):
        for expect in sorted((CORPUS.parent / folder).glob("*.expect.json")):
            for code in {d["code"] for d in json.loads(expect.read_text())["diagnostics"]}:
                seen[code] = seen.get(code, 0) + 1
    from leaf_lsp.rules.base import iter_codes

    # Every implemented code the taxonomy lists is covered twice; codes the taxonomy adds
    # before their rule exists are covered by the cases written with that rule.
    implemented = set(iter_codes())
    catalogue = catalogue_codes()
    assert implemented <= catalogue | {"LEAF000"}
    assert {code for code in catalogue & implemented if seen.get(code, 0) < 2} == set()
    assert clean >= 20


@pytest.mark.slow
def test_stored_oracle_matches_a_fresh_run() -> None:
    pytest.importorskip("torch")
    if not ORACLE.exists():
        pytest.skip("shared oracle not available")
    script = CORPUS.parent.parent / "scripts" / "make_expect.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--oracle", str(ORACLE), "--check", str(CORPUS)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
