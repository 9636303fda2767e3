"""Fixes never damage code: string contents, line breaks and ``# noqa`` placement.

Each test is a defect seen on real files: the LEAF102 ``no_grad`` wrap re-indenting the
inside of a triple-quoted string, a stray ``\\r`` moving an edit to another line, CRLF
files getting LF lines, and "Disable LEAFxxx for this line" writing its comment into a
string or after a backslash.
"""

from __future__ import annotations

import ast

import pytest
from lsprotocol import types as lsp

from leaf_lsp.engine import analyze
from leaf_lsp.fixcheck import apply_edits, parses
from leaf_lsp.fixes import fix_all
from leaf_lsp.lsp.actions import code_actions
from leaf_lsp.lsp.text import LineIndex
from leaf_lsp.model import Edit, Span
from leaf_lsp.parse import SourceText

HEAD = "import torch\nw = torch.zeros(1, requires_grad=True)\n"


def _strings(source: str) -> list[str | bytes]:
    found: list[str | bytes] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            found.append(node.value)
    return sorted(found, key=repr)


def _fixed(source: str) -> str:
    new, applied, _ = fix_all(source, "t.py", None, unsafe=True)
    assert applied >= 1, "expected the LEAF102 fix to apply"
    assert parses(new)
    return new


# --- the no_grad wrap keeps string contents ------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        'w += len("""line one\nline two""")\n',
        "w += len('''one\n  two\n\tthree''')\n",
        'w += len(f"""a {len("x")}\nb {w.shape}\n  c""")\n',
        'w += len(rb"""x\n    y""")\n',
        'w += len("first \\\nsecond")\n',  # a single-quoted string continued by a backslash
        'w += len("""\n""" + f"""{1}\n""")\n',
    ],
)
def test_wrap_leaves_multi_line_strings_alone(update: str) -> None:
    source = HEAD + update
    new = _fixed(source)
    assert "with torch.no_grad():" in new
    assert _strings(new) == _strings(source)


def test_wrap_inside_a_loop_keeps_a_docstring_like_literal() -> None:
    source = HEAD + 'for i in range(2):\n    w -= 0.1 * len("""\n    keep\n  these\n""")\n'
    new = _fixed(source)
    assert '        w -= 0.1 * len("""\n    keep\n  these\n""")' in new
    assert _strings(new) == _strings(source)


# --- line breaks -------------------------------------------------------------------------


def test_stray_carriage_return_does_not_move_the_edit() -> None:
    source = "import torch\nw = torch.zeros(1, requires_grad=True)\rw += 1\nprint(w)\n"
    new = _fixed(source)
    assert new.count("w += 1") == 1
    assert (
        new
        == "import torch\nw = torch.zeros(1, requires_grad=True)\rwith torch.no_grad():\n    w += 1\nprint(w)\n"
    )


def test_carriage_return_only_file_keeps_its_breaks() -> None:
    source = "import torch\rw = torch.zeros(1, requires_grad=True)\rw += 1\rprint(w)\r"
    new = _fixed(source)
    assert (
        new
        == "import torch\rw = torch.zeros(1, requires_grad=True)\rwith torch.no_grad():\r    w += 1\rprint(w)\r"
    )


def test_crlf_file_gets_crlf_lines() -> None:
    source = "import torch\r\nw = torch.zeros(1, requires_grad=True)\r\nw += torch.ones(\r\n    1)\r\n"
    new = _fixed(source)
    assert new == (
        "import torch\r\nw = torch.zeros(1, requires_grad=True)\r\n"
        "with torch.no_grad():\r\n    w += torch.ones(\r\n        1)\r\n"
    )


def test_retain_grad_insertion_uses_the_files_line_break() -> None:
    source = (
        "import torch\r\na = torch.tensor([1.0], requires_grad=True)\r\n"
        "b = a * 2\r\nb.sum().backward()\r\nprint(b.grad)\r\n"
    )
    new = _fixed(source)
    assert "\n" not in new.replace("\r\n", "")
    assert "b.retain_grad()\r\n" in new


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_missing_final_newline_stays_missing(newline: str) -> None:
    source = newline.join(["import torch", "w = torch.zeros(1, requires_grad=True)", "w += 1"])
    new = _fixed(source)
    assert new.endswith("    w += 1")
    assert new.count(newline) == 3


def test_apply_edits_counts_lines_as_python_does() -> None:
    source = "a = 1\rb = 2\r\nc = 3\nd = 4\x0ce = 5\n"
    edits = [Edit(Span(2, 4, 2, 5), "X"), Edit(Span(3, 0, 3, 1), "Y"), Edit(Span(4, 99, 4, 99), "!")]
    assert apply_edits(source, edits) == "a = 1\rb = X\r\nY = 3\nd = 4\x0ce = 5!\n"


def test_source_text_keeps_line_breaks_of_multi_line_spans() -> None:
    text = SourceText("x = f(1,\r\n      2)\r\n")
    assert text.text(Span(1, 4, 2, 8)) == "f(1,\r\n      2)"


# --- "Disable LEAFxxx for this line" ---------------------------------------------------------


def _disable_edits(source: str) -> list[tuple[str, str]]:
    """Apply each offered disable action alone: (code, resulting text)."""
    analysis = analyze(source, "t.py")
    index = LineIndex(source)
    everything = lsp.Range(lsp.Position(0, 0), lsp.Position(index.line_count, 0))
    results = []
    for action in code_actions("file:///t.py", 1, analysis, index, "utf-16", everything, None, False):
        if not action.title.startswith("Disable "):
            continue
        assert action.edit is not None and action.edit.changes is not None
        (edits,) = action.edit.changes.values()
        engine_edits = []
        for text_edit in edits:
            start = index.to_chars(text_edit.range.start.line, text_edit.range.start.character, "utf-16")
            end = index.to_chars(text_edit.range.end.line, text_edit.range.end.character, "utf-16")
            engine_edits.append(Edit(Span(*start, *end), text_edit.new_text))
        code = action.title.split()[1]
        results.append((code, apply_edits(source, engine_edits)))
    return results


@pytest.mark.parametrize(
    "update, expected_last_line",
    [
        ('w += len("""one\ntwo""")\n', 'two""")  # noqa: LEAF102'),
        ("w += 1 + \\\n    2\n", "    2  # noqa: LEAF102"),
        ('w += len("a \\\nb")\n', 'b")  # noqa: LEAF102'),
        ("w += torch.ones(  # why\n    1)\n", "    1)  # noqa: LEAF102"),
    ],
)
def test_disable_comment_goes_after_the_statement(update: str, expected_last_line: str) -> None:
    source = HEAD + update + "print(w)\n"
    results = _disable_edits(source)
    assert [code for code, _ in results] == ["LEAF102"]
    new = results[0][1]
    assert parses(new)
    assert _strings(new) == _strings(source)
    assert expected_last_line in new.splitlines()
    assert "LEAF102" not in [d.code for d in analyze(new, "t.py").diagnostics]


def test_disable_comment_extends_the_noqa_on_the_statements_last_line() -> None:
    source = HEAD + "w += torch.ones(\n    1)  # noqa: LEAF999\n"
    ((_, new),) = _disable_edits(source)
    assert new.endswith("    1)  # noqa: LEAF999, LEAF102\n")


@pytest.mark.parametrize(
    "source",
    [
        HEAD + "w += torch.ones(\n    1)  # noqa: LEAF102\n",
        HEAD + "w += torch.ones(  # noqa: LEAF102\n    1)\n",
        HEAD + 'w += len("""\n""")  # noqa\n',
        HEAD
        + "@staticmethod\ndef f():\n    pass\nfor i in range(2):\n    w += torch.ones(\n        1)  # noqa: LEAF1\n",
    ],
)
def test_noqa_on_first_or_last_line_of_a_statement_suppresses(source: str) -> None:
    assert "LEAF102" not in [d.code for d in analyze(source, "t.py").diagnostics]


def test_noqa_inside_a_string_does_not_suppress() -> None:
    source = HEAD + 'w += len("# noqa")\n'
    assert "LEAF102" in [d.code for d in analyze(source, "t.py").diagnostics]
