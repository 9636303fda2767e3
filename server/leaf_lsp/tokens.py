"""Token-level facts about a source, from the standard tokenizer.

Fixes must never change the inside of a string literal, and a ``# noqa`` comment must go
where Python allows a comment: at the end of a statement's last physical line. Both need
the tokens, not the text: a line may begin inside a triple-quoted string or an f-string,
and a statement may continue over several lines by brackets or backslashes.

Lines are numbered as Python numbers them: ``\\r\\n``, ``\\r`` and ``\\n`` each end a line
(:func:`leaf_lsp.parse.split_lines`). The tokenizer is given the text with every line
break replaced by ``\\n``, which keeps every line number and column (breaks only ever
end a line) and is what the compiler itself does before tokenizing.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from functools import lru_cache

_BREAKS = re.compile(r"\r\n?")

# 3.12 tokenizes f-strings into pieces (FSTRING_START ... FSTRING_END) and 3.14 does the same
# for t-strings; before that each is one STRING token. getattr: the names exist only there.
_OPENERS = frozenset(
    t for t in (getattr(tokenize, "FSTRING_START", None), getattr(tokenize, "TSTRING_START", None)) if t
)
_CLOSERS = frozenset(
    t for t in (getattr(tokenize, "FSTRING_END", None), getattr(tokenize, "TSTRING_END", None)) if t
)


@dataclass(frozen=True)
class LineFacts:
    """Which lines begin inside a string, where statements end, and where the comments are."""

    #: 1-based lines whose first character lies inside a string literal (any kind).
    inside_string: frozenset[int] = frozenset()
    #: For each line of a statement that spans several lines: the statement's last line.
    statement_end: dict[int, int] = field(default_factory=dict)
    #: Each line's comment: (start column, text), for lines that have one.
    comments: dict[int, tuple[int, str]] = field(default_factory=dict)

    def last_line(self, line: int) -> int:
        """The last physical line of the logical line (statement) that contains ``line``."""
        return self.statement_end.get(line, line)


def line_facts(source: str, first_line: int = 1) -> LineFacts | None:
    """The :class:`LineFacts` of ``source``; None when the tokenizer rejects it.

    ``source`` may be a run of whole lines of a larger text that starts with line
    ``first_line`` of it (a whole statement, say): the facts then use the larger text's
    line numbers. Tokenizing costs as much as analysing, so callers tokenize no more than
    they must.
    """
    return _cached_facts(source, first_line)


@lru_cache(maxsize=32)
def _cached_facts(source: str, first_line: int) -> LineFacts | None:
    # Cached on the text: the engine, the fixes and the editor's code actions ask about the
    # same text one after the other.
    inside: set[int] = set()
    ends: dict[int, int] = {}
    comments: dict[int, tuple[int, str]] = {}
    readline = io.StringIO(_BREAKS.sub("\n", source)).readline
    statement_start: int | None = None
    open_fstrings: list[int] = []
    try:
        shift = first_line - 1
        for token in tokenize.generate_tokens(readline):
            kind = token.type
            start_line, end_line = token.start[0] + shift, token.end[0] + shift
            if kind == tokenize.COMMENT:
                comments[start_line] = (token.start[1], token.string)
                continue
            if kind in (tokenize.NL, tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            if kind == tokenize.NEWLINE:
                if statement_start is not None and statement_start < start_line:
                    for line in range(statement_start, start_line + 1):
                        ends[line] = start_line
                statement_start = None
                continue
            if statement_start is None:
                statement_start = start_line
            if kind in _OPENERS:
                open_fstrings.append(start_line)
            elif kind in _CLOSERS:
                opened = open_fstrings.pop() if open_fstrings else start_line
                if not open_fstrings:
                    inside.update(range(opened + 1, end_line + 1))
            elif kind == tokenize.STRING and end_line > start_line:
                inside.update(range(start_line + 1, end_line + 1))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return LineFacts(frozenset(inside), ends, comments)
