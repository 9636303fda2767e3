"""Document text as LSP sees it: lines, and columns in the negotiated position encoding.

LSP splits lines only at ``\\n``, ``\\r\\n`` and ``\\r`` (not at form feeds or U+2028 like
``str.splitlines``), and counts columns in UTF-16 code units unless the client negotiated
UTF-8 or UTF-32. The engine counts columns in characters. :class:`LineIndex` converts both
ways and clamps out-of-range positions instead of raising.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"

_NEWLINE = re.compile(r"\r\n|\r|\n")
_PLUS_ONE = (1).__add__
_MINUS_ONE = (-1).__add__


def char_units(ch: str, encoding: str) -> int:
    """How many code units of ``encoding`` one character takes (lone surrogates included)."""
    code = ord(ch)
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    if encoding == UTF8:
        if code < 0x80:
            return 1
        if code < 0x800:
            return 2
        if code < 0x10000:
            return 3
        return 4
    return 1


def units_of(text: str, encoding: str) -> int:
    """Length of ``text`` in code units of ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    return sum(char_units(ch, encoding) for ch in text)


def char_to_units(line: str, col: int, encoding: str) -> int:
    """Character column -> code-unit column on ``line`` (clamped to the line)."""
    col = max(0, min(col, len(line)))
    return units_of(line[:col], encoding)


def units_to_char(line: str, units: int, encoding: str) -> int:
    """Code-unit column -> character column on ``line``.

    A column inside a multi-unit character (half a surrogate pair) rounds up to the end
    of that character, as VS Code does; columns past the end clamp to the line length.
    """
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    seen = 0
    for index, ch in enumerate(line):
        if seen >= units:
            return index
        seen += char_units(ch, encoding)
    return len(line)


class LineIndex:
    """Line starts of one text, for (line, column) <-> offset conversion."""

    def __init__(self, text: str) -> None:
        self.text = text
        #: Start offset of each line, and its end (exclusive, before the line break).
        self.starts: list[int]
        self.ends: list[int]
        if "\r" not in text:
            # Only "\n" breaks (the common case): the same lists, built in C, about three
            # times faster on a big file (each edit of a ranged change needs one).
            starts = list(accumulate(map(_PLUS_ONE, map(len, text.split("\n"))), initial=0))
            self.starts = starts[:-1]
            self.ends = list(map(_MINUS_ONE, starts[1:-1]))
            self.ends.append(len(text))
            return
        self.starts = [0]
        self.ends = []
        for match in _NEWLINE.finditer(text):
            self.ends.append(match.start())
            self.starts.append(match.end())
        self.ends.append(len(text))

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing newline starts an empty last line)."""
        return len(self.starts)

    def line(self, index: int) -> str:
        """Text of 0-based line ``index`` without its break ('' when out of range)."""
        if 0 <= index < len(self.starts):
            return self.text[self.starts[index] : self.ends[index]]
        return ""

    def offset(self, line: int, units: int, encoding: str) -> int:
        """Offset into the text of the LSP position (0-based line, code units), clamped."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        return self.starts[line] + units_to_char(self.line(line), units, encoding)

    def line_of_offset(self, offset: int) -> int:
        """0-based line that contains ``offset``."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def to_units(self, line: int, col: int, encoding: str) -> tuple[int, int]:
        """Engine position (1-based line, character column) -> LSP (line, units), clamped."""
        index = max(0, min(line - 1, len(self.starts) - 1))
        if line - 1 > index:
            # Past the end of the document: clamp to its end.
            return index, units_of(self.line(index), encoding)
        return index, char_to_units(self.line(index), col, encoding)

    def to_chars(self, line: int, units: int, encoding: str) -> tuple[int, int]:
        """LSP (0-based line, units) -> engine (1-based line, character column), clamped."""
        if line < 0:
            return 1, 0
        if line >= len(self.starts):
            last = len(self.starts) - 1
            return last + 1, len(self.line(last))
        return line + 1, units_to_char(self.line(line), units, encoding)

    def end_position(self, encoding: str) -> tuple[int, int]:
        """LSP position of the end of the text."""
        last = len(self.starts) - 1
        return last, units_of(self.line(last), encoding)
