"""Property: no fix damages code, on real programs decorated with awkward text.

Programs come from the corpora, fixtures and examples (those with at least one fix). Around
and inside the fixed statements go multi-line strings, f-strings, backslash continuations,
comments and tabs; the whole file gets ``\\n``, ``\\r\\n`` or ``\\r`` breaks (with a few stray
ones of another kind) and maybe a BOM. For every offered fix, safe or not, and for the
"Disable LEAFxxx for this line" comment:

- the result parses;
- no string constant (f-string literal parts included) is lost or changed; the only new
  ones are those the fix's own text writes;
- the only new line breaks are the file's own kind;
- ``fix_all`` is stable: a second run changes nothing.

Deterministic (``derandomize``, no example database) and sized for a slow CI machine.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from leaf_lsp.engine import analyze
from leaf_lsp.fixcheck import apply_edits, parses
from leaf_lsp.fixes import fix_all
from leaf_lsp.model import Edit
from leaf_lsp.parse import SourceText, newline_of
from leaf_lsp.suppress import disable_statement_edit
from leaf_lsp.writeback import decode, encode

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("tests/corpus/*.py", "tests/corpus_public/*.py", "tests/fixtures/**/*.py", "examples/**/*.py")
BREAK = re.compile(r"\r\n|\r|\n")


@cache
def programs() -> tuple[tuple[str, str], ...]:
    """(name, text) of every program that is offered at least one fix."""
    found = []
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            text = path.read_text(encoding="utf-8")
            if any(d.fix is not None for d in analyze(text, str(path)).diagnostics):
                found.append((str(path.relative_to(ROOT)), text))
    return tuple(found)


@pytest.fixture(scope="module", autouse=True)
def _loaded() -> None:
    # Before Hypothesis starts: the first analysis raises the recursion limit, which
    # Hypothesis would warn about if it happened inside a test case.
    programs()


def strings(source: str) -> Counter[str | bytes]:
    """Every str/bytes constant of ``source``, f-string literal parts included."""
    return Counter(
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
    )


def breaks(source: str) -> Counter[str]:
    return Counter(BREAK.findall(source))


# Statements put next to a fixed one, at its indentation (``{i}``). Their strings look like
# code and indentation on purpose: a fix that re-indents them changes their value.
NEIGHBOURS = (
    '{i}_doc = """\n    indented text\n\tand a tab\n"""',
    "{i}_raw = r'''\\\n  x = 1\n'''",
    '{i}_fmt = f"""{{1 + 1}}\n    {{"nested"}} text\n"""',
    '{i}_cont = "one \\\n    two"',
    "{i}_sum = 1 + \\\n    2",
    "{i}_call = len(\n'less indented',\n    )",
    "{i}# a comment with # noqa-like text: # not a noqa",
    '{i}_implicit = ("a"\n{i}    "b")',
    # Breaks for str.splitlines(), not for Python: positions must not shift at them.
    '{i}_seps = "form\x0cfeed \u2028 line separator \x1c"  # and \x0b here',
    "",
)
# Expressions appended to a fixed augmented assignment's value (``w -= ... * SUFFIX``), so
# the statement itself holds a multi-line string.
SUFFIXES = (
    ' * len("""\n    inside\n""")',
    ' * len(f"""{{0}}\n  inside {{"x"}}\n""")',
    ' * len("a \\\n  b")',
    " * (1 +\n0)",
)
COMMENTS = ("", "  # trailing", "  # noqa: LEAF999", "\t# tab comment")


@st.composite
def decorated(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(program name, decorated source with \\n breaks converted, BOM wanted)."""
    name, text = draw(st.sampled_from(programs()))
    lines = text.split("\n")
    fixed_lines = sorted({d.span.line for d in analyze(text, name).diagnostics if d.fix is not None})
    statements = {node.lineno: node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.stmt)}
    inserted: dict[int, list[str]] = {}  # original 0-based line index -> lines to put before it
    for number in fixed_lines:
        node = statements.get(number)
        if node is None:
            continue  # the diagnostic starts inside a statement: nothing can go around it
        index = number - 1
        line = lines[index]
        indent = line[: len(line) - len(line.lstrip())]
        if node.col_offset != len(indent.encode()):
            continue  # shares its line with another statement
        one_line = node.lineno == node.end_lineno and isinstance(node, (ast.AugAssign, ast.Assign, ast.Expr))
        if one_line and ";" not in line and "#" not in line:
            if isinstance(node, ast.AugAssign) and draw(st.booleans()):
                line += draw(st.sampled_from(SUFFIXES))
            line += draw(st.sampled_from(COMMENTS))
            lines[index] = line
        inserted.setdefault(index, []).append(draw(st.sampled_from(NEIGHBOURS)).format(i=indent))
        end = node.end_lineno or number
        inserted.setdefault(end, []).insert(0, draw(st.sampled_from(NEIGHBOURS)).format(i=indent))
    lines = [part for index, line in enumerate(lines) for part in (*inserted.get(index, []), line)]
    source = "\n".join(lines)
    if draw(st.booleans()):
        # Tabs for indentation, consistently (inside strings too: this is the new baseline).
        source = re.sub(r"(?m)^((?:    )+)", lambda m: "\t" * (len(m.group(1)) // 4), source)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    pieces = source.split("\n")
    out = []
    for piece in pieces[:-1]:
        stray = draw(st.sampled_from([None] * 12 + ["\n", "\r\n", "\r"]))
        out.append(piece + (stray or newline))
    out.append(pieces[-1])
    if draw(st.booleans()):
        out[-1] = out[-1].rstrip()  # no final newline
    return name, "".join(out), draw(st.booleans())


def check_edit(source: str, result: str, added_text: str) -> None:
    """The invariants of one applied change."""
    assert parses(result), result
    before, after = strings(source), strings(result)
    assert not before - after, f"strings lost or changed: {before - after}"
    for extra in after - before:
        shown = extra if isinstance(extra, str) else extra.decode("latin-1")
        assert shown in added_text, f"string {extra!r} not written by the fix"
    extra_breaks = breaks(result) - breaks(source)
    assert set(extra_breaks) <= {newline_of(source)}, extra_breaks


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(decorated())
def test_fixes_never_damage_code(case: tuple[str, str, bool]) -> None:
    name, source, bom = case
    assume(parses(source))
    if bom:
        # The BOM belongs to the file, not the text: it must survive the round trip.
        decoded = decode(b"\xef\xbb\xbf" + source.encode("utf-8"))
        assert not isinstance(decoded, str) and decoded.text == source and decoded.bom
    analysis = analyze(source, name)
    text = SourceText(source)
    for diagnostic in analysis.diagnostics:
        if diagnostic.fix is not None:
            result = apply_edits(source, diagnostic.fix.edits)
            check_edit(source, result, "".join(e.new_text for e in diagnostic.fix.edits))
        edit: Edit | None = disable_statement_edit(
            source, diagnostic.span.line, diagnostic.code, text.line_text
        )
        assert edit is not None, f"no disable comment for {diagnostic.code} on line {diagnostic.span.line}"
        silenced = apply_edits(source, [edit])
        check_edit(source, silenced, "")
        assert breaks(silenced) == breaks(source)
        assert not [
            d
            for d in analyze(silenced, name).diagnostics
            if d.code == diagnostic.code and d.span.line == diagnostic.span.line
        ], f"{diagnostic.code} on line {diagnostic.span.line} not silenced by {edit}"
    once, applied, _ = fix_all(source, name, None, unsafe=True)
    if applied:
        added = "".join(e.new_text for d in analysis.diagnostics if d.fix for e in d.fix.edits)
        check_edit(source, once, added)
    twice, again, _ = fix_all(once, name, None, unsafe=True)
    assert (twice, again) == (once, 0)
    if bom:
        decoded = decode(b"\xef\xbb\xbf" + source.encode("utf-8"))
        assert not isinstance(decoded, str)
        assert encode(decoded, once).startswith(b"\xef\xbb\xbf")


def test_there_are_programs_to_decorate() -> None:
    if not programs():
        pytest.fail("no program in the corpora offers a fix")
    assert len(programs()) >= 10
