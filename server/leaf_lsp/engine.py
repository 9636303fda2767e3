"""The engine: ``analyze(source, path, settings) -> Analysis``.

Pure: no file or network I/O, imports neither pygls nor torch. Cross-file knowledge comes
in through ``settings.resolver`` (the adapters give it one backed by jedi and the disk).
Data flows one way: text -> parse -> infer -> rules -> Analysis.
"""

from __future__ import annotations

import ast
import gc
import sys

from .fixcheck import fix_parses
from .interp import AnalysisCancelled, infer
from .interp.imports import FOREIGN
from .model import Analysis, Diagnostic
from .parse import SourceText, parse
from .recover import recover
from .rules.base import all_rules
from .settings import Settings
from .suppress import Suppressions

_DEFAULT_SETTINGS = Settings()
# Deeply nested expressions (hundreds of levels) are valid Python; the parser and the
# interpreter both recurse on them. Raised once, never lowered (other threads may be deep).
_RECURSION_LIMIT = 8000
_COLLECT_AFTER = 300_000  # allocations since the last collection (tens of MB at most)
_FULL_COLLECT_AFTER = 32  # cross-file modules dropped since the last full collection
_EVICTED_AT_COLLECTION = 0
#: Calls from a long-running caller (the language server) between full collections.
_FULL_COLLECT_EVERY = 200
_LONG_RUNNING_CALLS = 0


def analyze(source: str, path: str = "<unknown>", settings: Settings | None = None) -> Analysis:
    """Analyse one file's text. Never raises on any input text."""
    # The interpreter allocates many small objects and frees them all at the end; cyclic
    # garbage collection in between only costs time (20-40% on big files), so it waits.
    collecting = gc.isenabled()
    if collecting:
        collect_if_due()
    gc.disable()
    try:
        return _analyze(source, path, settings)
    finally:
        if collecting:
            gc.enable()


def collect_if_due(long_running: bool = False) -> None:
    """Free the previous analyses' garbage once enough piled up (a caller that keeps
    collection off calls this between analyses).

    A batch check calls it before each file: a caller that allocates little between
    analyses would never trigger a collection itself, and the last file of a run is not
    kept waiting by a collection nobody needs. The language server (``long_running``) calls
    it after publishing a result, while the user reads it; what survives a collection there
    can die much later, so it also collects the middle generation and, now and then, all.
    """
    global _EVICTED_AT_COLLECTION, _LONG_RUNNING_CALLS
    if gc.get_count()[0] > _COLLECT_AFTER:
        gc.collect(1 if long_running else 0)
    # Modules dropped from the cross-file cache are long-lived cycles: only a full
    # collection frees them, and a batch check would otherwise grow without bound.
    full = FOREIGN.evicted - _EVICTED_AT_COLLECTION >= _FULL_COLLECT_AFTER
    if long_running:
        _LONG_RUNNING_CALLS += 1
        full = full or _LONG_RUNNING_CALLS % _FULL_COLLECT_EVERY == 0
    if full:
        _EVICTED_AT_COLLECTION = FOREIGN.evicted
        gc.collect()


def _analyze(source: str, path: str, settings: Settings | None) -> Analysis:
    settings = settings or _DEFAULT_SETTINGS
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    analysis = Analysis(path=path)
    text = SourceText(source)
    tree, error = parse(source, path, settings.parse_cache, text.lines)
    broken: list[Diagnostic] = []
    if tree is None:
        assert error is not None
        analysis.syntax_error = True
        recovered = recover(source, path, text.lines)
        if recovered is None:
            analysis.diagnostics.append(
                Diagnostic("LEAF000", "syntax-error", "error", error.message, error.span)
            )
            return analysis
        # Half-typed code: analyse the statements that parse, LEAF000 at each broken one.
        tree, errors = recovered
        broken = [Diagnostic("LEAF000", "syntax-error", "error", e.message, e.span) for e in errors]
    try:
        result = infer(tree, text, path, settings)
    except AnalysisCancelled:
        analysis.cancelled = True
        return analysis
    except RecursionError:
        analysis.diagnostics.append(
            Diagnostic(
                "LEAF000",
                "analysis-error",
                "information",
                "leaf-lsp: the file is nested too deeply to analyse",
                text.span(tree.body[0]) if tree.body else text.span(tree),
            )
        )
        return analysis
    analysis.hints = result.hints
    analysis.expr_facts = result.expr_facts
    analysis.imports = tuple(result.imported_modules)
    analysis.internal_errors = list(result.internal_errors)
    analysis.dependencies = tuple(
        (m, level, importer, digest) for (m, level, importer), digest in result.dependencies
    )
    analysis.diagnostics = sorted(
        _run_rules(result, text, path, settings, tree) + broken,
        key=lambda d: (d.span.line, d.span.col, d.code),
    )
    return analysis


def _run_rules(
    result: object, text: SourceText, path: str, settings: Settings, tree: ast.Module
) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    seen: set[tuple[str, int, int]] = set()
    suppressions = Suppressions(text, tree)
    for rule in all_rules():
        if not settings.enabled(rule.code, path):
            continue
        for finding in rule.check(result):  # type: ignore[arg-type]
            key = (rule.code, finding.span.line, finding.span.col)
            if key in seen:
                continue
            seen.add(key)
            if suppressions.suppressed(rule.code, finding.span.line):
                continue
            fix = finding.fix
            if fix is not None and not fix_parses(text.source, fix):
                fix = None
            severity = settings.severity_for(rule.code, rule.severity)
            diagnostics.append(
                Diagnostic(
                    code=rule.code,
                    name=rule.name,
                    severity=severity,  # type: ignore[arg-type]
                    message=finding.message,
                    span=finding.span,
                    fix=fix,
                    tags=rule.tags,
                )
            )
    diagnostics.sort(key=lambda d: (d.span.line, d.span.col, d.code))
    return diagnostics
