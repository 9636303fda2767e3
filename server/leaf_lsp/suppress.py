"""``# noqa`` comments: which codes a line suppresses, and the edit that adds one.

``# noqa`` alone suppresses every code on its line; ``# noqa: LEAF101, LEAF2`` suppresses
those codes (prefixes allowed). A diagnostic is suppressed by such a comment on its first
line, or on the last line of the statement it starts in: a statement that spans several
lines (brackets, a backslash, a triple-quoted string) can only take a comment there, and
that is where "Disable LEAFxxx for this line" puts it. Only real comments count (the
tokenizer decides), never ``# noqa`` inside a string.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import accumulate

from .fixcheck import apply_edits, parses
from .model import Edit, Span
from .parse import SourceText
from .tokens import LineFacts, line_facts

NOQA_RE = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?", re.IGNORECASE)
ALL = "*"
_MENTIONS_NOQA = re.compile("noqa", re.IGNORECASE)
# What may follow the last token of a line: str.rstrip() would also strip characters such
# as U+00A0 that are only allowed inside a comment or a string.
_TRAILING_SPACE = " \t\x0c"


def noqa_codes(line_text: str) -> frozenset[str] | None:
    """The codes a line's ``# noqa`` comment names; ``{"*"}`` for a bare one; None if none."""
    if "#" not in line_text or "noqa" not in line_text.lower():
        return None
    match = NOQA_RE.search(line_text)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return frozenset({ALL})
    return frozenset(c.upper() for c in re.split(r"[\s,]+", codes) if c)


def is_suppressed(code: str, line_text: str) -> bool:
    """Whether ``code`` is suppressed by a ``# noqa`` on ``line_text``."""
    codes = noqa_codes(line_text)
    if codes is None:
        return False
    return ALL in codes or any(code.startswith(c) for c in codes)


def disable_edit(line: int, line_text: str, code: str) -> Edit | None:
    """The edit that adds ``code`` to the ``# noqa`` of ``line`` (None if already there)."""
    codes = noqa_codes(line_text)
    if codes is not None and (ALL in codes or code in codes):
        return None
    match = NOQA_RE.search(line_text) if codes is not None else None
    if match is not None:
        existing = sorted(codes or ())
        new = "# noqa: " + ", ".join(existing + [code])
        return Edit(Span(line, match.start(), line, match.end()), new)
    stripped = line_text.rstrip()
    return Edit(Span(line, len(stripped), line, len(line_text)), f"  # noqa: {code}")


def _covers(codes: frozenset[str] | None, code: str) -> bool:
    return codes is not None and (ALL in codes or any(code.startswith(c) for c in codes))


def _comment_codes(facts: LineFacts, line: int) -> frozenset[str] | None:
    comment = facts.comments.get(line)
    return noqa_codes(comment[1]) if comment is not None else None


class Suppressions:
    """The ``# noqa`` comments of one text, looked up per diagnostic.

    Tokenizing a whole file costs about as much as analysing it, so only the top-level
    statement (of ``tree``) around a diagnostic is tokenized, and only when a line of it
    mentions ``noqa`` at all.
    """

    def __init__(self, text: SourceText, tree: ast.Module | None = None) -> None:
        self._text = text
        self._tree = tree
        self._noqa_lines: list[int] | None = None
        self._starts: list[int] = []
        self._ends: list[int] = []

    def _prepare(self) -> list[int]:
        if self._noqa_lines is None:
            self._noqa_lines = []
            matches = list(_MENTIONS_NOQA.finditer(self._text.source))
            if matches:
                offsets = list(accumulate((len(line) for line in self._text.lines), initial=0))
                self._noqa_lines = sorted({bisect_right(offsets, m.start()) for m in matches})
                for stmt in self._tree.body if self._tree is not None else ():
                    decorators = getattr(stmt, "decorator_list", ())
                    self._starts.append(min([stmt.lineno, *(d.lineno for d in decorators)]))
                    self._ends.append(stmt.end_lineno or stmt.lineno)
        return self._noqa_lines

    def suppressed(self, code: str, line: int) -> bool:
        """Whether a diagnostic of ``code`` starting on ``line`` is suppressed."""
        noqa_lines = self._prepare()
        if not noqa_lines:
            return False
        first, last = line, line
        index = bisect_right(self._starts, line) - 1
        if index >= 0 and self._ends[index] >= line:
            first, last = self._starts[index], self._ends[index]
        at = bisect_left(noqa_lines, first)
        if at == len(noqa_lines) or noqa_lines[at] > last:
            return False  # no line of the statement mentions noqa
        facts = self._text.facts(first, last)
        if facts is None:
            # Not tokenizable (the engine only gets here for parsable text, so rarely):
            # fall back to the text of the first line.
            return is_suppressed(code, self._text.line_text(line))
        return any(_covers(_comment_codes(facts, ln), code) for ln in {line, facts.last_line(line)})


def disable_statement_edit(source: str, line: int, code: str, line_text: Callable[[int], str]) -> Edit | None:
    """The edit that silences ``code`` for a diagnostic starting on ``line`` of ``source``.

    The comment goes at the end of the last physical line of the statement (after any
    string or continuation that the line ends inside), or extends the ``# noqa`` already
    there. ``line_text(n)`` is the text of 1-based line ``n`` without its break. None when
    the diagnostic is already suppressed, the text cannot be tokenized, or the result
    would not parse.
    """
    facts = line_facts(source)
    if facts is None:
        return None
    target = facts.last_line(line)
    if any(_covers(_comment_codes(facts, ln), code) for ln in {line, target}):
        return None
    edit: Edit
    comment = facts.comments.get(target)
    match = NOQA_RE.search(comment[1]) if comment is not None else None
    if comment is not None and match is not None:
        existing = sorted(noqa_codes(comment[1]) or ())
        start = comment[0]
        new = "# noqa: " + ", ".join(existing + [code])
        edit = Edit(Span(target, start + match.start(), target, start + match.end()), new)
    else:
        text = line_text(target)
        end = len(text.rstrip(_TRAILING_SPACE))
        edit = Edit(Span(target, end, target, len(text)), f"  # noqa: {code}")
    try:
        if not parses(apply_edits(source, [edit])):
            return None
    except ValueError:
        return None
    return edit
