"""No static hint states a value the run contradicts: every corpus program, run under torch by
the probe, with its static analysis verified against the run (a contradiction is LEAF900)."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaf_lsp.engine import analyze
from leaf_lsp.probe import DISAGREEMENT_CODE, ProbeWorker, merge

REPO = Path(__file__).resolve().parents[2]
FOLDERS = (
    "corpus_public",
    "corpus",
    "corpus_generality",
    "corpus_holdout",
    "corpus_newrules",
    "corpus_newrules2",
)
CASES = sorted(
    case
    for folder in FOLDERS
    if (REPO / "tests" / folder).is_dir()
    for case in (REPO / "tests" / folder).glob("[0-9]*.py")
)


def test_every_corpus_is_present() -> None:
    """The folders this test walks hold programs (a renamed folder must not silently drop out)."""
    found = {case.parent.name for case in CASES}
    assert {"corpus_public", "corpus", "corpus_generality", "corpus_newrules2"} <= found
    assert len(CASES) > 250


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_static_hints_agree_with_the_run(case: Path, worker: ProbeWorker) -> None:
    analysis = analyze(case.read_text(), str(case))
    result = worker.run(str(case), timeout=300)
    assert result.error is None, result.error
    merged = merge(analysis, result)
    contradicted = [d.message for d in merged.diagnostics if d.code == DISAGREEMENT_CODE]
    assert not contradicted
    assert result.lines_run  # the program really ran: the comparison is not vacuous
