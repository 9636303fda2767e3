"""merge(): hints verified / contradicted / not reached / varying, run-time diagnostics folded in."""

from __future__ import annotations

from leaf_lsp.model import Analysis, Diagnostic, Hint, Span
from leaf_lsp.probe import DISAGREEMENT_CODE, PROBE_SOURCE, ProbeResult, merge
from leaf_lsp.probe.result import ProbeException, ProbeFact

SOURCE = "import torch\nw = torch.ones(2, requires_grad=True)\nv = w * 2\nfor i in range(2):\n    t = v if i else w\nv += 1\n"


def hint(name: str, line: int, is_leaf: bool | None, requires_grad: bool | None) -> Hint:
    return Hint(name, line, Span(line, 0, line, len(name)), is_leaf, requires_grad)


def analysis(*hints: Hint, diagnostics: tuple[Diagnostic, ...] = ()) -> Analysis:
    return Analysis(path="x.py", hints=list(hints), diagnostics=list(diagnostics))


def probe(**kwargs: object) -> ProbeResult:
    base: dict[str, object] = dict(
        path="x.py",
        device="cpu",
        facts=[
            ProbeFact(2, "w", True, True),
            ProbeFact(3, "v", False, True, grad_fn="MulBackward0"),
            ProbeFact(5, "t", True, True, varies=True),
        ],
        lines_run=frozenset({1, 2, 3, 4, 5, 6}),
    )
    base.update(kwargs)
    return ProbeResult(**base)  # type: ignore[arg-type]


def test_agreeing_hint_is_verified() -> None:
    merged = merge(analysis(hint("w", 2, True, True)), probe())
    (h,) = merged.hints
    assert h.verified is True
    assert "leaf, requires grad" in h.runtime
    assert merged.diagnostics == []


def test_contradicted_hint_gets_runtime_text_and_leaf900() -> None:
    merged = merge(analysis(hint("v", 3, True, False)), probe())
    (h,) = merged.hints
    assert h.verified is False
    assert "non-leaf" in h.runtime and "MulBackward0" in h.runtime
    (d,) = merged.diagnostics
    assert (d.code, d.severity, d.source, d.span) == (DISAGREEMENT_CODE, "information", PROBE_SOURCE, h.span)
    assert "static inference said leaf, does not require grad" in d.message
    assert "run time on cpu says non-leaf, requires grad" in d.message


def test_partly_unknown_hint_is_checked_on_what_it_claims() -> None:
    merged = merge(analysis(hint("v", 3, None, True), hint("w", 2, None, False)), probe())
    assert [h.verified for h in merged.hints] == [True, False]


def test_fully_unknown_hint_is_settled_not_verified() -> None:
    (h,) = merge(analysis(hint("v", 3, None, None)), probe()).hints
    assert h.verified is None and "non-leaf, requires grad" in h.runtime


def test_line_that_never_ran_is_not_reached() -> None:
    result = probe(lines_run=frozenset({1, 2}), facts=[ProbeFact(2, "w", True, True)])
    (h,) = merge(analysis(hint("v", 3, False, True)), result).hints
    assert h.verified is None and h.runtime == "run time: not reached"


def test_varying_fact() -> None:
    (h,) = merge(analysis(hint("t", 5, True, True)), probe()).hints
    assert h.verified is None and "varies across iterations" in h.runtime


def test_statement_that_raised() -> None:
    result = probe(exception=ProbeException("RuntimeError", "boom", 6))
    (h,) = merge(analysis(hint("v", 6, False, True)), result).hints
    assert h.verified is None and "raised RuntimeError" in h.runtime


def test_runtime_diagnostic_added_unless_static_has_it() -> None:
    span = Span(6, 0, 6, 6)
    runtime = Diagnostic("LEAF102", "inplace-on-leaf", "error", "run time: ...", span, source=PROBE_SOURCE)
    other = Diagnostic(
        "LEAF201", "grad-of-non-leaf", "warning", "run time: ...", Span(3, 0, 3, 9), source=PROBE_SOURCE
    )
    static = Diagnostic("LEAF102", "inplace-on-leaf", "error", "static", Span(6, 0, 6, 1))
    merged = merge(analysis(diagnostics=(static,)), probe(diagnostics=[runtime, other]))
    assert [(d.code, d.span.line, d.source) for d in merged.diagnostics] == [
        ("LEAF201", 3, PROBE_SOURCE),
        ("LEAF102", 6, "leaf-lsp"),
    ]


def test_merge_does_not_mutate_inputs() -> None:
    original = analysis(hint("v", 3, True, True))
    before = list(original.hints)
    merge(original, probe())
    assert original.hints == before and original.diagnostics == []


def test_failed_run_leaves_analysis_unchanged() -> None:
    original = analysis(hint("v", 3, True, True))
    merged = merge(original, probe(error="timed out after 5 s"))
    assert merged.hints == original.hints and merged.diagnostics == []


def test_merge_with_real_engine_on_corpus_case(worker) -> None:  # type: ignore[no-untyped-def]
    """End to end: analyze() + run + merge; every hint the engine gives on this case is verified."""
    from pathlib import Path

    from leaf_lsp.engine import analyze

    case = Path(__file__).resolve().parents[1] / "corpus_public" / "034_intermediate_grad_none.py"
    result = worker.run(str(case))
    merged = merge(analyze(case.read_text(), str(case)), result)
    for h in merged.hints:
        fact = result.fact(h.line, h.name)
        if fact is not None and h.is_leaf is not None and h.requires_grad is not None:
            assert h.verified is (h.is_leaf == fact.is_leaf and h.requires_grad == fact.requires_grad)
    # The LEAF201 warning at line 8 is reported once, whether the engine found it or only the probe.
    assert [d.code for d in merged.diagnostics if d.span.line == 8].count("LEAF201") == 1
