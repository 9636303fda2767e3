"""Parsing: text -> ``ast`` tree plus character-based positions.

Python's ``ast`` reports columns as UTF-8 byte offsets; everything else in leaf-lsp uses
character columns, so :class:`SourceText` converts lazily, only for lines that are not
ASCII.
"""

from __future__ import annotations

import ast
import re
import threading
import warnings
from dataclasses import dataclass

from .model import Span

# Python's tokenizer ends lines only at \n, \r\n and \r; str.splitlines() also splits at form
# feeds, U+2028 and friends, which would shift every line number and column after them.
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# CPython 3.11 can fail with SystemError when two threads build ASTs at once (gh-106905).
_PARSE_LOCK = threading.Lock()


def split_lines(source: str) -> list[str]:
    """Lines as Python counts them, with their endings."""
    return _LINE_RE.findall(source)


class SourceText:
    """The source split into lines with byte->character column conversion."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = split_lines(source)
        self._ascii: dict[int, bool] = {}

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line ending ('' past the end)."""
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1].rstrip("\r\n")
        return ""

    def char_col(self, line: int, byte_col: int) -> int:
        """Convert a UTF-8 byte offset on ``line`` to a character offset."""
        is_ascii = self._ascii.get(line)
        if is_ascii is None:
            is_ascii = self.line_text(line).isascii()
            self._ascii[line] = is_ascii
        if is_ascii:
            return byte_col
        return len(self.line_text(line).encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def span(self, node: ast.AST) -> Span:
        """The character span of an ``ast`` node that has positions."""
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        col = self.char_col(line, getattr(node, "col_offset", 0))
        end_col_b = getattr(node, "end_col_offset", None)
        end_col = self.char_col(end_line, end_col_b) if end_col_b is not None else col
        return Span(line, col, end_line, end_col)

    def text(self, span: Span) -> str:
        """The source text inside ``span``."""
        if span.line == span.end_line:
            return self.line_text(span.line)[span.col : span.end_col]
        parts = [self.line_text(span.line)[span.col :]]
        for ln in range(span.line + 1, span.end_line):
            parts.append(self.line_text(ln))
        parts.append(self.line_text(span.end_line)[: span.end_col])
        return "\n".join(parts)

    def segment(self, node: ast.AST) -> str:
        """The source text of ``node``."""
        return self.text(self.span(node))


@dataclass(frozen=True)
class ParseError:
    """Where and why the source does not parse."""

    message: str
    span: Span


def parse(source: str, path: str = "<unknown>") -> tuple[ast.Module | None, ParseError | None]:
    """Parse ``source``; never raises. Returns (tree, None) or (None, error)."""
    try:
        with _PARSE_LOCK, warnings.catch_warnings():
            # Invalid escape sequences etc. are the user's business, not ours.
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=path, type_comments=False)
        return tree, None
    except SyntaxError as exc:
        text = SourceText(source)
        line = max(1, exc.lineno or 1)
        if line > max(1, len(text.lines)):
            line = max(1, len(text.lines))
        # SyntaxError.offset is 1-based in characters for str input.
        col = max(0, (exc.offset or 1) - 1)
        line_len = len(text.line_text(line))
        col = min(col, line_len)
        end_col = min(line_len, col + 1) if line_len > col else col
        return None, ParseError(f"SyntaxError: {exc.msg}", Span(line, col, line, end_col))
    except (ValueError, RecursionError, MemoryError, SystemError) as exc:
        # NUL bytes, too-deep nesting: report at the top, never crash.
        return None, ParseError(f"cannot parse: {type(exc).__name__}: {exc}", Span(1, 0, 1, 0))
