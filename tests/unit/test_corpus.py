"""The engine against run-time truth: every corpus program's expected diagnostics (and
nothing else), and every run-time fact matched by a hint with the same values or null.

``tests/corpus_public`` is the project's seed corpus; ``tests/corpus`` holds further cases
of the same kinds. Both were produced by running the programs under torch (``oracle.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leaf_lsp.engine import analyze

ROOT = Path(__file__).parent.parent
CASES = sorted(
    p
    for folder in ("corpus_public", "corpus")
    for p in (ROOT / folder).glob("*.py")
    if p.with_suffix("").with_suffix(".expect.json").exists() or Path(str(p)[:-3] + ".expect.json").exists()
)


def expectation(case: Path) -> dict:
    return json.loads(Path(str(case)[:-3] + ".expect.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_diagnostics_match_run_time_truth(case: Path) -> None:
    truth = expectation(case)
    analysis = analyze(case.read_text(), str(case))
    expected = sorted((d["line"], d["code"]) for d in truth["diagnostics"])
    reported = sorted((d.span.line, d.code) for d in analysis.diagnostics if d.code != "LEAF000")
    assert reported == expected


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_hints_never_contradict_the_run(case: Path) -> None:
    truth = expectation(case)
    hints = {(h.line, h.name): h for h in analyze(case.read_text(), str(case)).hints}
    wrong = []
    for fact in truth.get("oracle", {}).get("facts", []):
        if fact.get("varies"):
            continue
        hint = hints.get((fact["line"], fact["name"]))
        if hint is None:
            continue
        for key, got in (("is_leaf", hint.is_leaf), ("requires_grad", hint.requires_grad)):
            if got is not None and got != fact[key]:
                wrong.append(f"line {fact['line']} {fact['name']}.{key}: hint {got}, run time {fact[key]}")
    assert not wrong


def test_hint_coverage_is_high() -> None:
    known = total = 0
    for case in CASES:
        hints = {(h.line, h.name): h for h in analyze(case.read_text(), str(case)).hints}
        for fact in expectation(case).get("oracle", {}).get("facts", []):
            if fact.get("varies"):
                continue
            hint = hints.get((fact["line"], fact["name"]))
            for key in ("is_leaf", "requires_grad"):
                total += 1
                known += hint is not None and getattr(hint, key) is not None
    assert total > 100
    assert known / total >= 0.95
