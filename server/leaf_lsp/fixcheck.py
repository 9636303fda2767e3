"""Applying edits to text, and checking that a fix leaves code that parses."""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable

from .model import Edit, Fix

# The engine's lines (parse.split_lines): \r\n, \r and \n each end one. Any other rule here
# would put an edit computed for line N on some other line.
_BREAK = re.compile(r"\r\n|\r|\n")


def _line_bounds(source: str) -> tuple[list[int], list[int]]:
    """Start offset of each line, and end offset (before its break)."""
    starts = [0]
    ends: list[int] = []
    for match in _BREAK.finditer(source):
        ends.append(match.start())
        starts.append(match.end())
    ends.append(len(source))
    return starts, ends


def apply_edits(source: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (character spans) to ``source``.

    A column past the end of its line means the end of the line (never into its break);
    a line past the end of the text means the end of the text. Raises ValueError when
    two edits overlap.
    """
    starts, ends = _line_bounds(source)

    def offset(line: int, col: int) -> int:
        if line - 1 >= len(starts):
            return len(source)
        index = max(line - 1, 0)
        return min(starts[index] + max(col, 0), ends[index])

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
