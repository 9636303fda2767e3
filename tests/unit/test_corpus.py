"""The engine against run-time truth: every corpus program's expected diagnostics (and
nothing else), and every run-time fact matched by a hint with the same values or null.

``tests/corpus_public`` is the project's seed corpus; ``tests/corpus`` holds further cases
of the same kinds. Both were produced by running the programs under torch (``oracle.py``).
``tests/corpus_generality`` (and ``tests/corpus_holdout``) were written by people who did not
see the engine, to judge how it handles the Python real training code is written in: there a
hint may never contradict the run either, and the diagnostics must reach the product's
targets over the whole corpus (precision 0.97, recall 0.95, hint accuracy 0.995, coverage 0.95).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leaf_lsp.engine import analyze

ROOT = Path(__file__).parent.parent


def cases_in(*folders: str) -> list[Path]:
    """The programs of ``folders`` that have an expect.json beside them."""
    return sorted(
        p
        for folder in folders
        for p in (ROOT / folder).glob("*.py")
        if Path(str(p)[:-3] + ".expect.json").exists()
    )


CASES = cases_in("corpus_public", "corpus", "corpus_newrules")
#: Judged as a whole (targets), not case by case; hints still never contradict the run.
UNSEEN = cases_in("corpus_generality", "corpus_holdout")
#: The second, unseen batch for the codes of December 2026: judged as a whole too.
UNSEEN_NEW_RULES = cases_in("corpus_newrules2")


def expectation(case: Path) -> dict:
    return json.loads(Path(str(case)[:-3] + ".expect.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_diagnostics_match_run_time_truth(case: Path) -> None:
    truth = expectation(case)
    analysis = analyze(case.read_text(), str(case))
    expected = sorted((d["line"], d["code"]) for d in truth["diagnostics"])
    reported = sorted((d.span.line, d.code) for d in analysis.diagnostics if d.code != "LEAF000")
    assert reported == expected


HINTED = CASES + UNSEEN + UNSEEN_NEW_RULES


@pytest.mark.parametrize("case", HINTED, ids=[f"{c.parent.name}/{c.stem}" for c in HINTED])
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


def scores(cases: list[Path]) -> tuple[float, float, float, float]:
    """Precision, recall, hint accuracy and coverage over ``cases`` (as ``score.py`` computes them)."""
    expected: set[tuple[str, int, str]] = set()
    reported: set[tuple[str, int, str]] = set()
    correct = wrong = unknown = 0
    for case in cases:
        truth = expectation(case)
        analysis = analyze(case.read_text(), str(case))
        expected |= {(case.name, d["line"], d["code"]) for d in truth["diagnostics"]}
        reported |= {(case.name, d.span.line, d.code) for d in analysis.diagnostics if d.code != "LEAF000"}
        hints = {(h.line, h.name): h for h in analysis.hints}
        for fact in truth["oracle"]["facts"]:
            if fact.get("varies"):
                continue
            hint = hints.get((fact["line"], fact["name"]))
            for key in ("is_leaf", "requires_grad"):
                got = getattr(hint, key) if hint is not None else None
                if got is None:
                    unknown += 1
                elif got == fact[key]:
                    correct += 1
                else:
                    wrong += 1
    found = expected & reported
    precision = len(found) / len(reported)
    recall = len(found) / len(expected)
    accuracy = correct / (correct + wrong)
    coverage = (correct + wrong) / (correct + wrong + unknown)
    return precision, recall, accuracy, coverage


def test_unseen_corpora_reach_the_targets() -> None:
    """Precision >= 0.97, recall >= 0.95, hint accuracy >= 0.995, coverage >= 0.95 on the
    corpora written without seeing the engine."""
    assert len(UNSEEN) >= 60
    precision, recall, accuracy, coverage = scores(UNSEEN)
    summary = f"P {precision:.3f} R {recall:.3f} A {accuracy:.3f} C {coverage:.3f}"
    assert precision >= 0.97, summary
    assert recall >= 0.95, summary
    assert accuracy >= 0.995, summary
    assert coverage >= 0.95, summary


def test_unseen_programs_for_the_new_rules_reach_the_targets() -> None:
    """The unseen batch for LEAF109-112, LEAF214-216 and LEAF303 reaches the same targets."""
    assert len(UNSEEN_NEW_RULES) >= 30
    precision, recall, accuracy, coverage = scores(UNSEEN_NEW_RULES)
    summary = f"P {precision:.3f} R {recall:.3f} A {accuracy:.3f} C {coverage:.3f}"
    assert precision >= 0.97, summary
    assert recall >= 0.95, summary
    assert accuracy >= 0.995, summary
    assert coverage >= 0.95, summary
