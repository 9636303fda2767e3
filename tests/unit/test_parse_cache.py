"""The incremental parser: a ParseCache gives exactly the tree (or the error) a full parse gives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaf_lsp.engine import analyze
from leaf_lsp.parse import ParseCache, parse, top_level_blocks
from leaf_lsp.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

TRICKY = '''"""Module docstring
x = 1
with code-like lines at column 0
"""
import torch
from torch import (
    nn,
)

@decorator(
    arg=1,
)
class Model(nn.Module):
    """Doc."""

    def forward(self, x):
        return x
s = """
def not_a_function():
"""
t = \'\'\'
also = "a string"
\'\'\'
values = [
1,
2,
]
total = 1 + \\
2
if total:
    pass
elif values:
    pass
else:
    pass
try:
    pass
except ValueError:
    pass
finally:
    pass
for i in values:
    pass
else:
    pass
match total:
    case 1:
        pass
# a comment at column 0
\f
def after_form_feed():
    return "é"  # not ASCII
'''


def dump(tree: ast.AST | None) -> str | None:
    return None if tree is None else ast.dump(tree, include_attributes=True)


def both(source: str, cache: ParseCache) -> tuple[tuple[str | None, object], tuple[str | None, object]]:
    whole_tree, whole_error = parse(source)
    cached_tree, cached_error = parse(source, cache=cache)
    return (dump(whole_tree), whole_error), (dump(cached_tree), cached_error)


def sources() -> list[Path]:
    found = sorted((ROOT / "server" / "leaf_lsp").rglob("*.py"))
    found += sorted((ROOT / "tests" / "corpus").rglob("*.py"))[:80]
    found += sorted((ROOT / "tests" / "fixtures").rglob("*.py"))
    return found


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_cached_parse_equals_full_parse(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    whole, cached = both(source, ParseCache())
    assert cached == whole


def test_tricky_layouts_parse_identically_and_mostly_in_pieces() -> None:
    cache = ParseCache()
    whole, cached = both(TRICKY, cache)
    assert whole[0] is not None and cached == whole
    # The guessed split is good enough that the cache did not fall back to a whole parse.
    assert cache.parsed > 10


def test_splitter_keeps_decorators_and_continuations_with_their_statement() -> None:
    lines = [
        "@dec(\n",
        "    1,\n",
        ")\n",
        "def f():\n",
        "    pass\n",
        "if x:\n",
        "    y\n",
        "else:\n",
        "    z\n",
    ]
    assert top_level_blocks(lines) == [0, 5]


def test_an_edit_reparses_only_the_statement_it_touched() -> None:
    source = "\n".join(f"def f{i}(x):\n    return x * {i}\n" for i in range(20))
    cache = ParseCache()
    parse(source, cache=cache)
    assert cache.parsed == 20 and cache.reused == 0
    edited = source.replace("x * 7", "x * 70")
    tree, _ = parse(edited, cache=cache)
    assert cache.parsed == 1 and cache.reused == 19
    assert dump(tree) == dump(ast.parse(edited))


def test_a_line_inserted_above_shifts_every_later_position() -> None:
    source = "import torch\n\ndef f(x):\n    return x\n\ndef g(y):\n    return y\n"
    cache = ParseCache()
    parse(source, cache=cache)
    edited = "import os\n" + source
    tree, _ = parse(edited, cache=cache)
    assert dump(tree) == dump(ast.parse(edited))
    assert tree is not None and tree.body[-1].lineno == 7
    # Only the new first statement was parsed; the others were moved down a line in place.
    assert cache.parsed == 1 and cache.shifted == 3
    removed, _ = parse(source, cache=cache)
    assert dump(removed) == dump(ast.parse(source)) and cache.parsed == 0


def test_identical_statements_stay_distinct_nodes() -> None:
    twice = "def f(x):\n    return x\n\n\ndef f(x):\n    return x\n"
    cache = ParseCache()
    parse(twice, cache=cache)
    edited = "\n" + twice
    tree, _ = parse(edited, cache=cache)
    assert tree is not None and dump(tree) == dump(ast.parse(edited))
    assert tree.body[0] is not tree.body[1]


def test_a_syntax_error_leaves_the_cached_positions_alone() -> None:
    source = "import torch\n\ndef f(x):\n    return x\n"
    cache = ParseCache()
    parse(source, cache=cache)
    assert parse("(\n" + source, cache=cache)[0] is None
    tree, _ = parse(source, cache=cache)
    assert dump(tree) == dump(ast.parse(source)) and cache.parsed == 0 and cache.shifted == 0


def test_a_syntax_error_mid_typing_reports_what_a_full_parse_reports() -> None:
    cache = ParseCache()
    source = "import torch\n\nw = torch.ones(3, requires_grad=True)\n\ndef f():\n    return w\n"
    parse(source, cache=cache)
    broken = source.replace("return w", "return (w")
    assert parse(broken, cache=cache) == parse(broken)
    assert parse(broken, cache=cache)[0] is None
    fixed_again, _ = parse(source, cache=cache)
    assert dump(fixed_again) == dump(ast.parse(source))


def test_engine_results_do_not_depend_on_the_cache() -> None:
    source = (ROOT / "examples").glob("*.py").__next__().read_text(encoding="utf-8")
    cache = ParseCache()
    plain = analyze(source, "example.py", Settings())
    for edit in ("", "\n# trailing", "\n\n# shifted"):
        cached = analyze(edit + source, "example.py", Settings(parse_cache=cache))
        expected = analyze(edit + source, "example.py", Settings())
        assert cached.diagnostics == expected.diagnostics
        assert cached.hints == expected.hints
    assert plain.diagnostics == analyze(source, "example.py", Settings(parse_cache=cache)).diagnostics


_EDIT_TEXT = st.sampled_from(["", "x", "\n", "(", ")", '"""', "    ", "else:\n", "@d\n", "#", "\\\n", "é"])


@settings(max_examples=150, deadline=None)
@given(edits=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 0.05), _EDIT_TEXT), min_size=1, max_size=6))
def test_a_sequence_of_random_edits_never_gives_a_different_tree(
    edits: list[tuple[float, float, str]],
) -> None:
    source = TRICKY
    cache = ParseCache()
    parse(source, cache=cache)
    for where, span, text in edits:
        start = int(where * len(source))
        end = min(len(source), start + int(span * len(source)))
        source = source[:start] + text + source[end:]
        whole, cached = both(source, cache)
        assert cached == whole
