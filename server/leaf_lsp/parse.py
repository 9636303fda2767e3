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
from .tokens import LineFacts, line_facts

# Python's tokenizer ends lines only at \n, \r\n and \r; str.splitlines() also splits at form
# feeds, U+2028 and friends, which would shift every line number and column after them.
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_BREAK_RE = re.compile(r"\r\n|\r|\n")
# CPython 3.11 can fail with SystemError when two threads build ASTs at once (gh-106905).
_PARSE_LOCK = threading.Lock()


def split_lines(source: str) -> list[str]:
    """Lines as Python counts them, with their endings."""
    return _LINE_RE.findall(source)


def newline_of(source: str) -> str:
    """The line break that new lines in ``source`` get: its first one (``\\n`` if none).

    The first, as ruff and most editors decide, so a file with one stray break of another
    kind keeps the kind it started with.
    """
    match = _BREAK_RE.search(source)
    return match.group() if match else "\n"


class SourceText:
    """The source split into lines with byte->character column conversion."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = split_lines(source)
        self._ascii: dict[int, bool] = {}
        self._newline: str | None = None

    @property
    def newline(self) -> str:
        """The line break inserted lines get (:func:`newline_of`)."""
        if self._newline is None:
            self._newline = newline_of(self.source)
        return self._newline

    def line_ending(self, line: int) -> str:
        """The line break that ends 1-based ``line`` ('' for a last line without one)."""
        if 1 <= line <= len(self.lines):
            raw = self.lines[line - 1]
            return raw[len(raw.rstrip("\r\n")) :]
        return ""

    def facts(self, first: int = 1, last: int | None = None) -> LineFacts | None:
        """Token facts (strings, statement ends, comments) of lines ``first``..``last``.

        The lines must be whole statements (tokenized on their own); the default is the
        whole text. None if the tokenizer rejects them.
        """
        if first <= 1 and last is None:
            return line_facts(self.source)
        return line_facts("".join(self.lines[max(first, 1) - 1 : last]), max(first, 1))

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
        """The source text inside ``span``, line breaks as they are in the source."""
        if span.line == span.end_line:
            return self.line_text(span.line)[span.col : span.end_col]
        # Each line keeps its own break: a fix that copies this text must not turn the
        # file's \r\n into \n.
        parts = [self.line_text(span.line)[span.col :] + self.line_ending(span.line)]
        for ln in range(span.line + 1, span.end_line):
            parts.append(self.line_text(ln) + self.line_ending(ln))
        parts.append(self.line_text(span.end_line)[: span.end_col])
        return "".join(parts)

    def segment(self, node: ast.AST) -> str:
        """The source text of ``node``."""
        return self.text(self.span(node))


@dataclass(frozen=True)
class ParseError:
    """Where and why the source does not parse."""

    message: str
    span: Span


def parse(
    source: str, path: str = "<unknown>", cache: ParseCache | None = None, lines: list[str] | None = None
) -> tuple[ast.Module | None, ParseError | None]:
    """Parse ``source``; never raises. Returns (tree, None) or (None, error).

    With a ``cache`` (the language server keeps one per open document), top-level
    statements whose text and first line did not change since the last parse are reused;
    the tree is the same as a full parse would give. ``lines``, when given, must be
    ``split_lines(source)`` (the caller often has them already).
    """
    if cache is not None:
        tree = cache.parse(source, path, lines)
        if tree is not None:
            return tree, None
    return _parse_whole(source, path)


def _parse_whole(source: str, path: str) -> tuple[ast.Module | None, ParseError | None]:
    try:
        with _PARSE_LOCK, warnings.catch_warnings():
            # Invalid escape sequences etc. are the user's business, not ours.
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=path, type_comments=False)
        return tree, None
    except SyntaxError as exc:
        return None, error_of(exc, source)
    except (ValueError, RecursionError, MemoryError, SystemError) as exc:
        # NUL bytes, too-deep nesting: report at the top, never crash.
        return None, ParseError(f"cannot parse: {type(exc).__name__}: {exc}", Span(1, 0, 1, 0))


def error_of(exc: SyntaxError, source: str) -> ParseError:
    """The LEAF000 position and message of a SyntaxError raised on ``source``."""
    text = SourceText(source)
    line = max(1, exc.lineno or 1)
    if line > max(1, len(text.lines)):
        line = max(1, len(text.lines))
    # SyntaxError.offset is 1-based in characters for str input.
    col = max(0, (exc.offset or 1) - 1)
    line_len = len(text.line_text(line))
    col = min(col, line_len)
    end_col = min(line_len, col + 1) if line_len > col else col
    return ParseError(f"SyntaxError: {exc.msg}", Span(line, col, line, end_col))


# A line at column 0 that continues the compound statement above it.
_CONTINUATION = re.compile(r"(?:else|elif|except|finally)\b")
_TRIPLE_QUOTE = re.compile(r'"""|\'\'\'')
# Adjacent pieces merged to heal a wrong split (a string or bracket spanning column-0
# lines) before giving up and parsing the whole text.
_MAX_MERGES = 8


def top_level_blocks(lines: list[str]) -> list[int]:
    """0-based indices of the lines where a top-level statement may start (always 0 first).

    A cheap scan: column-0 code lines, except those that continue a statement (``else:``
    and friends, a closing bracket, a decorated definition) or seem to sit inside a
    triple-quoted string. A wrong guess only makes a piece fail to parse alone;
    :class:`ParseCache` then merges pieces, so the tree is never wrong.
    """
    starts = [0]
    open_quote: str | None = None
    after_decorator = False
    for number, line in enumerate(lines):
        first = line[:1]
        # A closing bracket at column 0 ends a bracketed construct: never a new statement.
        candidate = open_quote is None and first not in ("", " ", "\t", "\f", "\r", "\n", "#", ")", "]", "}")
        if '"""' in line or "'''" in line:
            for match in _TRIPLE_QUOTE.finditer(line):
                quote = match.group()
                if open_quote is None:
                    open_quote = quote
                elif quote == open_quote:
                    open_quote = None
        if not candidate:
            continue
        if number > 0 and not after_decorator and not _CONTINUATION.match(line):
            starts.append(number)
        after_decorator = first == "@"
    return starts


@dataclass
class _Piece:
    """One parsed top-level piece: where it starts, its statements, and (once needed) its nodes."""

    first: int
    statements: list[ast.stmt]
    positioned: list[ast.AST] | None = None

    def move_to(self, first: int) -> None:
        """Shift every position in the piece so that it starts at 0-based line ``first``."""
        delta = first - self.first
        if delta == 0:
            return
        if self.positioned is None:
            self.positioned = _positioned_nodes(self.statements)
        for node in self.positioned:
            node.lineno += delta  # type: ignore[attr-defined]
            if node.end_lineno is not None:  # type: ignore[attr-defined]
                node.end_lineno += delta  # type: ignore[attr-defined]
        self.first = first


def _positioned_nodes(statements: list[ast.stmt]) -> list[ast.AST]:
    # A plain stack walk: about twice as fast as ast.walk, which goes through generators.
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        if getattr(node, "lineno", None) is not None:
            found.append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return found


class ParseCache:
    """Parsed top-level statements of one document's previous text, reused piece by piece.

    Each piece is parsed with blank lines in front, so its positions are those of the
    whole file. A piece whose text is unchanged is reused; when lines were added or removed
    above it, its nodes' line numbers are shifted in place (a quarter of the cost of
    parsing it again). Not thread-safe, and the trees it hands out change when it shifts
    them: one document, analysed by one thread at a time.
    """

    def __init__(self) -> None:
        self._pieces: dict[str, _Piece] = {}
        #: How many pieces the last call reused in place, shifted and parsed.
        self.reused = 0
        self.shifted = 0
        self.parsed = 0

    def parse(self, source: str, path: str, lines: list[str] | None = None) -> ast.Module | None:
        """The tree of ``source``, or None when it must be parsed whole (a syntax error, say)."""
        if lines is None:
            lines = split_lines(source)
        starts = top_level_blocks(lines)
        bounds = list(zip(starts, starts[1:] + [len(lines)]))
        fresh: dict[str, _Piece] = {}
        moves: list[tuple[_Piece, int]] = []
        body: list[ast.stmt] = []
        self.reused = self.shifted = self.parsed = 0
        merges = 0
        index = 0
        while index < len(bounds):
            first, last = bounds[index]
            stop = index
            while True:
                text = "".join(lines[first:last])
                # Each old piece serves at most once (two pieces may have the same text).
                piece = self._pieces.get(text) if text not in fresh else None
                if piece is not None:
                    moves.append((piece, first))
                    break
                statements = _parse_piece(text, first, path)
                if statements is not None:
                    piece = _Piece(first, statements)
                    self.parsed += 1
                    break
                if stop + 1 >= len(bounds) or merges >= _MAX_MERGES:
                    return None
                merges += 1
                stop += 1
                last = bounds[stop][1]
            fresh[text] = piece
            body.extend(piece.statements)
            index = stop + 1
        # Shift only once the whole text parsed: a syntax error leaves the old pieces as they were.
        for piece, first in moves:
            if piece.first == first:
                self.reused += 1
            else:
                piece.move_to(first)
                self.shifted += 1
        self._pieces = fresh
        return ast.Module(body=body, type_ignores=[])


def _parse_piece(text: str, first_line: int, path: str) -> list[ast.stmt] | None:
    try:
        with _PARSE_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse("\n" * first_line + text, filename=path).body
    except (SyntaxError, ValueError, RecursionError, MemoryError, SystemError):
        return None
