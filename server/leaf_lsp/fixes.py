"""Applying every available fix to a file: ``fix_all``, shared by ``--fix`` and ``source.fixAll``.

Each round analyses the text, applies all fixes whose edits do not overlap one already
taken (the rest wait for the next round, when their positions are recomputed), and keeps
the result only if it still parses. Rounds repeat until nothing changes or ``max_rounds``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .fixcheck import apply_edits, parses
from .model import Analysis, Diagnostic, Edit, Fix
from .settings import Settings

Analyzer = Callable[[str, str, "Settings | None"], Analysis]


def analyze(source: str, path: str, settings: Settings | None) -> Analysis:
    """``engine.analyze``, looked up at call time so the CLI starts without importing the engine."""
    engine = importlib.import_module("leaf_lsp.engine")
    result: Analysis = engine.analyze(source, path, settings)
    return result


def is_fixable(diagnostic: Diagnostic, unsafe: bool = False) -> bool:
    """Whether ``diagnostic`` has a fix that would be applied (safe ones, or any when ``unsafe``)."""
    return diagnostic.fix is not None and (diagnostic.fix.safe or unsafe)


def fix_all(
    source: str,
    path: str,
    settings: Settings | None,
    unsafe: bool = False,
    max_rounds: int = 10,
    analyzer: Analyzer | None = None,
) -> tuple[str, int, Analysis]:
    """Apply fixes until the text is stable; returns (new_source, fixes_applied, remaining analysis).

    Only safe fixes unless ``unsafe``. A round whose combined result does not parse is
    retried one fix at a time, keeping each fix that leaves parsable code, so one bad fix
    does not block the others. ``remaining`` is the analysis of the returned text.
    """
    run = analyzer or analyze
    current = source
    applied = 0
    analysis = run(current, path, settings)
    for _ in range(max(0, max_rounds)):
        candidates = [d.fix for d in analysis.diagnostics if d.fix is not None and is_fixable(d, unsafe)]
        if not candidates:
            break
        new_text, count = _apply_round(current, candidates)
        if count == 0 or new_text == current:
            break
        current = new_text
        applied += count
        analysis = run(current, path, settings)
    return current, applied, analysis


def _apply_round(source: str, fixes: list[Fix]) -> tuple[str, int]:
    chosen = _non_overlapping(fixes)
    if not chosen:
        return source, 0
    combined = _try_apply(source, [edit for fix in chosen for edit in fix.edits])
    if combined is not None and parses(combined):
        return combined, len(chosen)
    # Fixes that each parse can still clash together; fall back to one at a time.
    current = source
    count = 0
    for fix in chosen:
        result = _try_apply(current, list(fix.edits))
        if result is not None and result != current and parses(result):
            current = result
            count += 1
            # Later fixes' positions refer to the original text: stop and re-analyse.
            break
    return current, count


def _non_overlapping(fixes: list[Fix]) -> list[Fix]:
    taken: list[Fix] = []
    taken_ranges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for fix in fixes:
        ranges = [_range(edit) for edit in fix.edits]
        if not ranges or _self_overlaps(ranges):
            continue
        if any(_overlaps(a, b) for a in ranges for b in taken_ranges):
            continue
        taken.append(fix)
        taken_ranges.extend(ranges)
    return taken


def _range(edit: Edit) -> tuple[tuple[int, int], tuple[int, int]]:
    span = edit.span
    return (span.line, span.col), (span.end_line, span.end_col)


def _overlaps(a: tuple[tuple[int, int], tuple[int, int]], b: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    # Two insertions at the same point also clash: their order would be arbitrary.
    if a[0] == b[0]:
        return True
    return a[0] < b[1] and b[0] < a[1]


def _self_overlaps(ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
    ordered = sorted(ranges)
    return any(ordered[i][1] > ordered[i + 1][0] for i in range(len(ordered) - 1))


def _try_apply(source: str, edits: list[Edit]) -> str | None:
    try:
        return apply_edits(source, edits)
    except ValueError:
        return None
