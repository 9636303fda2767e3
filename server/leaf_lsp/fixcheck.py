"""Applying edits to text, and checking that a fix leaves code that parses."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable

from .model import Edit, Fix


def _offsets(source: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(source):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def apply_edits(source: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (character spans) to ``source``.

    Raises ValueError when two edits overlap.
    """
    starts = _offsets(source)

    def offset(line: int, col: int) -> int:
        if line - 1 >= len(starts):
            return len(source)
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(source)
        return min(start + col, end if end >= start else start)

    ranges = sorted(
        (
            (offset(e.span.line, e.span.col), offset(e.span.end_line, e.span.end_col), e.new_text)
            for e in edits
        ),
        key=lambda r: (r[0], r[1]),
    )
    out: list[str] = []
    pos = 0
    for start, end, new_text in ranges:
        if start < pos:
            raise ValueError("overlapping edits")
        out.append(source[pos:start])
        out.append(new_text)
        pos = end
    out.append(source[pos:])
    return "".join(out)


def parses(source: str) -> bool:
    """Whether ``source`` is valid Python."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def fix_parses(source: str, fix: Fix) -> bool:
    """Whether applying ``fix`` alone to ``source`` leaves code that parses."""
    try:
        return parses(apply_edits(source, fix.edits))
    except ValueError:
        return False
