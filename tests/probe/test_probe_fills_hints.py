"""With the probe, every tensor assignment that ran has a hint with a value, and none is lost.

The run adds knowledge: facts static inference left unknown are filled, facts it had no hint for
get one, and a statement run in two grad modes keeps the training value (the other in contexts).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leaf_lsp.engine import analyze
from leaf_lsp.probe import ProbeWorker, merge

REPO = Path(__file__).resolve().parents[2]
CASES = sorted(
    p
    for folder in ("corpus_public", "corpus_holdout")
    for p in (REPO / "tests" / folder).glob("*.py")
    if p.name != "oracle.py"
)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_fact_that_ran_has_a_hint_value(case: Path, worker: ProbeWorker) -> None:
    source = case.read_text(encoding="utf-8")
    result = worker.run(str(case), timeout=120)
    assert result.error is None, result.error
    static = analyze(source, str(case))
    merged = merge(static, result, source)
    hints = {(h.line, h.name): h for h in merged.hints}
    for fact in result.facts:
        hint = hints.get((fact.line, fact.name))
        assert hint is not None, f"line {fact.line} {fact.name}: no hint"
        assert hint.requires_grad is not None and hint.is_leaf is not None, (fact, hint)
        assert hint.static is not None
    # Static hints keep their place and what they knew (or the run corrects them, with LEAF900).
    before = {(h.line, h.name): h for h in static.hints}
    for key, old in before.items():
        new = hints[key]
        if new.verified is not False:
            for claimed, now in zip((old.is_leaf, old.requires_grad), (new.is_leaf, new.requires_grad)):
                assert claimed is None or claimed == now, (old, new)


def test_contexts_of_a_function_run_with_and_without_grad(worker: ProbeWorker, tmp_path: Path) -> None:
    source = (
        "import torch\n"
        "w = torch.ones(2, requires_grad=True)\n"
        "def f(x):\n"
        "    y = x * w\n"
        "    return y\n"
        "a = f(torch.ones(2))\n"
        "with torch.no_grad():\n"
        "    b = f(torch.ones(2))\n"
    )
    path = tmp_path / "modes.py"
    path.write_text(source)
    result = worker.run(str(path), timeout=120)
    (fact,) = [f for f in result.facts if f.name == "y"]
    assert fact.varies  # the oracle's view: one record, changed between executions
    assert [(c.grad_mode, c.call_line, c.requires_grad) for c in fact.contexts] == [
        ("grad", 6, True),
        ("no_grad", 8, False),
    ]
    (hint,) = [h for h in merge(analyze(source, str(path)), result, source).hints if h.name == "y"]
    assert (hint.is_leaf, hint.requires_grad, hint.verified) == (False, True, True)
    assert [(c.where, c.requires_grad) for c in hint.contexts] == [
        ("under `no_grad`, called at line 8", False)
    ]
    # `b`, bound inside the block, is recorded with the block's grad mode.
    (b,) = [f for f in result.facts if f.name == "b"]
    assert [c.grad_mode for c in b.contexts] == ["no_grad"]
