"""Whether two versions of a module are the same code: what an importer's kept result can
survive.

Two texts are the same code when they have the same tokens at the same places once
comments and blank lines are left out (a comment edited, added at the end of a line or
after the last statement, trailing blank lines). Such texts parse to the same syntax tree
with the same positions, which is all the interpreter reads of another module, so the
results of the files that import it are unchanged. Anything that moves a token (a line
inserted above it) or changes one is a change.
"""

from __future__ import annotations

import io
import itertools
import tokenize
from collections.abc import Iterator

# Carry no text; where they fall depends on the comments and blank lines around them.
_PLACELESS = (tokenize.DEDENT, tokenize.ENDMARKER, tokenize.NEWLINE)
_SKIPPED = (tokenize.COMMENT, tokenize.NL)


def same_code(old: str, new: str) -> bool:
    """Whether ``old`` and ``new`` differ at most in comments and blank lines; False when
    either does not tokenize (nothing is assumed about broken code)."""
    if old == new:
        return True
    try:
        for a, b in itertools.zip_longest(_tokens(old), _tokens(new)):
            if a != b:
                return False
    except (tokenize.TokenError, SyntaxError, ValueError):
        return False
    return True


def _tokens(text: str) -> Iterator[tuple[int, str, tuple[int, int], tuple[int, int]]]:
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in _SKIPPED:
            continue
        if token.type in _PLACELESS:
            yield token.type, "", (0, 0), (0, 0)
        else:
            yield token.type, token.string, token.start, token.end
