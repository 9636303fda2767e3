"""Building blocks for rule fixes: text edits computed from ``ast`` nodes."""

from __future__ import annotations

import ast

from ..interp import Inference
from ..model import Edit, Fix, Span


def replace_node(inf: Inference, node: ast.AST, new_text: str) -> Edit:
    """Replace the source of ``node``."""
    return Edit(inf.span(node), new_text)


def node_text(inf: Inference, node: ast.AST) -> str:
    """The source text of ``node``."""
    return inf.text.text(inf.span(node))


def atom(inf: Inference, node: ast.AST) -> str:
    """The text of ``node``, parenthesised unless it is already an atom."""
    text = node_text(inf, node)
    if isinstance(
        node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant, ast.List, ast.Tuple)
    ):
        return text
    return f"({text})"


def indentation(inf: Inference, stmt: ast.stmt) -> str:
    """The leading whitespace of the line where ``stmt`` starts."""
    line = inf.text.line_text(stmt.lineno)
    return line[: len(line) - len(line.lstrip())]


def wrap_statements(inf: Inference, stmts: list[ast.stmt], header: str) -> Edit | None:
    """An edit that puts ``stmts`` (consecutive siblings) under ``header`` (e.g. ``with x:``).

    Lines are indented one level more, except those that begin inside a string literal
    (their text is the string's value) and continuation lines indented less than the
    statement (their indentation means nothing to Python, and cutting it could cut code).
    Each line keeps its own line break; the header's break is the file's.
    """
    first, last = stmts[0], stmts[-1]
    indent = indentation(inf, first)
    if inf.text.line_text(first.lineno)[: len(indent)] != indent or first.col_offset != len(indent.encode()):
        return None  # a statement sharing its line with another: leave it alone
    end_line = last.end_lineno or last.lineno
    facts = inf.text.facts(first.lineno, end_line)
    if facts is None:
        return None  # without tokens we cannot tell string contents from code
    unit = "    " if "\t" not in indent else "\t"
    parts = [indent, header, inf.text.newline]
    for number in range(first.lineno, end_line + 1):
        line = inf.text.line_text(number)
        if number not in facts.inside_string and line.strip() and line.startswith(indent):
            line = indent + unit + line[len(indent) :]
        parts.append(line)
        if number < end_line:
            parts.append(inf.text.line_ending(number))
    return Edit(Span(first.lineno, 0, end_line, len(inf.text.line_text(end_line))), "".join(parts))


def insert_after_statement(inf: Inference, stmt: ast.stmt, code: str) -> Edit:
    """An edit that inserts ``code`` as a new statement right after ``stmt``."""
    end_line = stmt.end_lineno or stmt.lineno
    end_col = len(inf.text.line_text(end_line))
    return Edit(Span(end_line, end_col, end_line, end_col), inf.text.newline + indentation(inf, stmt) + code)


def torch_name(inf: Inference) -> str | None:
    """How the file refers to ``torch`` (None when it never imports it as a module)."""
    return inf.torch_alias


def nn_name(inf: Inference) -> str | None:
    """How the file refers to ``torch.nn`` (``nn`` or ``torch.nn``)."""
    if inf.nn_alias:
        return inf.nn_alias
    if inf.torch_alias:
        return f"{inf.torch_alias}.nn"
    return None


def fix(title: str, *edits: Edit | None, safe: bool) -> Fix | None:
    """A Fix from edits, or None if any edit could not be built."""
    if not edits or any(e is None for e in edits):
        return None
    return Fix(title, tuple(e for e in edits if e is not None), safe)
