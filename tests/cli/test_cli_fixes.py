"""``fixes.fix_all``: rounds, overlaps, safety, parse checks (with scripted analyses)."""

from __future__ import annotations

from collections.abc import Callable

from leaf_lsp.fixcheck import apply_edits
from leaf_lsp.fixes import fix_all, is_fixable
from leaf_lsp.model import Analysis, Diagnostic, Edit, Fix, Span
from leaf_lsp.settings import Settings


def _diag(fix: Fix | None, line: int = 1) -> Diagnostic:
    return Diagnostic("LEAF302", "deprecated-variable", "warning", "m", Span(line, 0, line, 1), fix)


def _replace(line: int, col: int, end: int, text: str, safe: bool = True) -> Fix:
    return Fix(f"-> {text}", (Edit(Span(line, col, line, end), text),), safe)


def _analyzer_replacing(
    old: str, new: str, safe: bool = True
) -> Callable[[str, str, Settings | None], Analysis]:
    """An analyzer reporting one fix per occurrence of ``old`` (replace it with ``new``)."""

    def analyze(source: str, path: str, settings: Settings | None) -> Analysis:
        diagnostics = []
        for number, text in enumerate(source.splitlines(), start=1):
            start = text.find(old)
            while start >= 0:
                diagnostics.append(_diag(_replace(number, start, start + len(old), new, safe), number))
                start = text.find(old, start + len(old))
        return Analysis(path, diagnostics)

    return analyze


def test_applies_all_fixes_in_one_round() -> None:
    source = "a = OLD + OLD\nb = OLD\n"
    new, count, remaining = fix_all(source, "f.py", None, analyzer=_analyzer_replacing("OLD", "NEW"))
    assert new == "a = NEW + NEW\nb = NEW\n"
    assert count == 3
    assert remaining.diagnostics == []


def test_unsafe_fixes_need_the_flag() -> None:
    analyzer = _analyzer_replacing("OLD", "NEW", safe=False)
    new, count, remaining = fix_all("x = OLD\n", "f.py", None, analyzer=analyzer)
    assert (new, count, len(remaining.diagnostics)) == ("x = OLD\n", 0, 1)
    new, count, remaining = fix_all("x = OLD\n", "f.py", None, unsafe=True, analyzer=analyzer)
    assert (new, count, remaining.diagnostics) == ("x = NEW\n", 1, [])


def test_overlapping_fixes_wait_for_the_next_round() -> None:
    calls: list[str] = []

    def analyze(source: str, path: str, settings: Settings | None) -> Analysis:
        calls.append(source)
        diagnostics = []
        if "abc" in source:
            col = source.index("abc")
            diagnostics.append(_diag(_replace(1, col, col + 3, "ABC")))
            diagnostics.append(_diag(_replace(1, col + 1, col + 2, "B")))  # inside the first: overlaps
        elif "ABC" in source and "BB" not in source:
            col = source.index("ABC")
            diagnostics.append(_diag(_replace(1, col + 1, col + 2, "BB")))
        return Analysis(path, diagnostics)

    new, count, remaining = fix_all("x = abc\n", "f.py", None, analyzer=analyze)
    assert new == "x = ABBC\n"
    assert count == 2
    assert len(calls) == 3  # original, after round 1, after round 2
    assert remaining.diagnostics == []


def test_result_that_does_not_parse_is_dropped() -> None:
    def analyze(source: str, path: str, settings: Settings | None) -> Analysis:
        if source.startswith("x = 1"):
            return Analysis(path, [_diag(_replace(1, 4, 5, "(")), _diag(_replace(2, 4, 5, "2"), 2)])
        return Analysis(path, [])

    new, count, _ = fix_all("x = 1\ny = 1\n", "f.py", None, analyzer=analyze)
    # The breaking fix is refused; the good one is still applied.
    assert new == "x = 1\ny = 2\n"
    assert count == 1


def test_stops_after_max_rounds() -> None:
    # A fix that always finds more to do (A -> AA) must not loop forever.
    new, count, _ = fix_all("x = 'A'\n", "f.py", None, max_rounds=3, analyzer=_analyzer_replacing("A", "AA"))
    assert count == 1 + 2 + 4
    assert new.count("A") == 8


def test_insertions_at_the_same_point_are_not_combined() -> None:
    def analyze(source: str, path: str, settings: Settings | None) -> Analysis:
        if source == "x = 1\n":
            return Analysis(path, [_diag(_replace(1, 0, 0, "a = 0\n")), _diag(_replace(1, 0, 0, "b = 0\n"))])
        return Analysis(path, [])

    new, count, _ = fix_all("x = 1\n", "f.py", None, analyzer=analyze)
    assert count == 1
    assert new == "a = 0\nx = 1\n"


def test_is_fixable() -> None:
    assert is_fixable(_diag(_replace(1, 0, 1, "y")))
    assert not is_fixable(_diag(_replace(1, 0, 1, "y", safe=False)))
    assert is_fixable(_diag(_replace(1, 0, 1, "y", safe=False)), unsafe=True)
    assert not is_fixable(_diag(None), unsafe=True)


def test_apply_edits_roundtrip_matches_fix_all() -> None:
    source = "a = OLD\n"
    expected = apply_edits(source, [Edit(Span(1, 4, 1, 7), "NEW")])
    assert fix_all(source, "f.py", None, analyzer=_analyzer_replacing("OLD", "NEW"))[0] == expected
