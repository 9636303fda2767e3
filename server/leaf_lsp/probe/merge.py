"""Fold a probe run into a static :class:`Analysis`: verify hints, add run-time diagnostics.

* A hint whose run-time fact agrees on every property static inference claimed -> verified=True.
* A hint contradicted by the run -> verified=False, plus a LEAF900 information diagnostic at the
  hint ("static inference said X, run time says Y") so disagreements get reported upstream.
* A hint whose statement never ran -> verified=None, runtime "not reached".
* A fact that changed across loop iterations -> verified=None, runtime "varies across iterations".
* Static inference that did not know (None) is settled in ``runtime`` without counting as verified.
Run-time diagnostics are added unless a static diagnostic with the same code and line exists.
"""

from __future__ import annotations

import dataclasses

from ..model import Analysis, Diagnostic, Hint
from .diagnose import DISAGREEMENT_CODE, PROBE_SOURCE, rule_name
from .result import ProbeResult


def _claim(is_leaf: bool | None, requires_grad: bool | None) -> str:
    parts = []
    parts.append("unknown leafness" if is_leaf is None else ("leaf" if is_leaf else "non-leaf"))
    if requires_grad is None:
        parts.append("unknown requires_grad")
    else:
        parts.append("requires grad" if requires_grad else "does not require grad")
    return ", ".join(parts)


def _verify(hint: Hint, result: ProbeResult) -> tuple[Hint, Diagnostic | None]:
    fact = result.fact(hint.line, hint.name)
    where = f" on {result.device}" if result.device else ""
    if fact is None:
        if hint.line not in result.lines_run:
            return dataclasses.replace(hint, verified=None, runtime="run time: not reached"), None
        exc = result.exception
        if exc is not None and exc.line == hint.line:
            note = f"run time: the statement raised {exc.type}"
        else:
            note = "run time: not a tensor"
        return dataclasses.replace(hint, verified=None, runtime=note), None
    if fact.varies:
        return dataclasses.replace(hint, verified=None, runtime="run time: varies across iterations"), None
    runtime = f"run time{where}: {fact.describe()}"
    checks = []
    if hint.is_leaf is not None:
        checks.append(hint.is_leaf == fact.is_leaf)
    if hint.requires_grad is not None:
        checks.append(hint.requires_grad == fact.requires_grad)
    if not checks:
        return dataclasses.replace(hint, verified=None, runtime=runtime), None
    if all(checks):
        return dataclasses.replace(hint, verified=True, runtime=runtime), None
    message = f"`{hint.name}`: static inference said {_claim(hint.is_leaf, hint.requires_grad)}, run time{where} says {fact.describe()}"
    diag = Diagnostic(
        DISAGREEMENT_CODE,
        rule_name(DISAGREEMENT_CODE),
        "information",
        message,
        hint.span,
        source=PROBE_SOURCE,
    )
    return dataclasses.replace(hint, verified=False, runtime=runtime), diag


def merge(analysis: Analysis, result: ProbeResult) -> Analysis:
    """A copy of ``analysis`` with hints verified against ``result`` and run-time diagnostics added.

    When the probe could not run (``result.error``), hints and diagnostics are returned unchanged.
    """
    merged = dataclasses.replace(analysis, diagnostics=list(analysis.diagnostics), hints=list(analysis.hints))
    if result.error is not None:
        return merged
    extra: list[Diagnostic] = []
    hints = []
    for hint in analysis.hints:
        new, diag = _verify(hint, result)
        hints.append(new)
        if diag is not None:
            extra.append(diag)
    merged.hints = hints
    static = {(d.code, d.span.line) for d in analysis.diagnostics}
    for diag in result.diagnostics:
        if (diag.code, diag.span.line) not in static:
            extra.append(diag)
            static.add((diag.code, diag.span.line))
    merged.diagnostics = sorted(
        merged.diagnostics + extra, key=lambda d: (d.span.line, d.span.col, d.code, d.source)
    )
    return merged
