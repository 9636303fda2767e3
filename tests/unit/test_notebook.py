"""Cells <-> program: IPython syntax neutralised, positions mapped both ways, sources written back."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaf_lsp.engine import analyze
from leaf_lsp.notebook import (
    CellSource,
    analyze_cells,
    build_program,
    neutralise,
    notebook_file,
    with_sources,
)
from leaf_lsp.parse import split_lines


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("%matplotlib inline\nx = 1\n", "pass\nx = 1\n"),
        ("!pip install torch\n", "pass\n"),
        ("torch.zeros?\n??torch\n", "pass\npass\n"),
        ("files = !ls -l\nout = %sx date\n", "files = None\nout = None\n"),
        ("if True:\n    %time f()\n", "if True:\n    pass\n"),
        ("!pip install \\\n    torch\nx = 1\n", "pass\npass\nx = 1\n"),
        ("%%time\nx = 1\n", "pass\nx = 1\n"),
        ("%%bash\necho hi {\n", "\n\n"),
        ("%%bash\necho hi", "\n\n"),
    ],
)
def test_ipython_lines_become_pass_on_the_same_line(source: str, expected: str) -> None:
    text, changed = neutralise(source)
    assert text == expected
    assert len(text.splitlines()) == len(source.splitlines())
    assert changed == {i for i, (a, b) in enumerate(zip(source.splitlines(), text.splitlines()), 1) if a != b}


@pytest.mark.parametrize(
    "source",
    [
        "x = (7\n% 2)\n",  # a modulo continuing a bracket is Python
        "s = '''\n%not a magic\n'''\n",  # a line inside a string
        "print('100%!')\n",
        "y = x if x else None  # what?\n",
    ],
)
def test_python_is_never_changed(source: str) -> None:
    assert neutralise(source) == (source, frozenset())


def test_magics_next_to_python_that_looks_like_them() -> None:
    source = "%load_ext autoreload\nx = (7\n% 2)\ns = '''\n!not shell\n'''\n"
    text, changed = neutralise(source)
    assert changed == {1}
    assert text == "pass\n" + source.split("\n", 1)[1]


def test_positions_map_both_ways() -> None:
    cells = [CellSource(2, "import torch\n\nw = 1"), CellSource(3, ""), CellSource(5, "a = 1\nb = 2\n")]
    program = build_program(cells)
    assert program.text == "import torch\n\nw = 1\na = 1\nb = 2\n"
    for number, line in ((2, 1), (2, 3), (5, 1), (5, 2)):
        back = program.program_line(number, line)
        assert back is not None
        found = program.locate(back)
        assert found is not None and (found[0].number, found[1]) == (number, line)
    assert program.locate(0) is None and program.locate(6) is None
    assert program.cell(3) is not None and program.cell(3).count == 0  # type: ignore[union-attr]


def test_an_unparsable_cell_is_blank_in_the_program_and_has_its_own_leaf000() -> None:
    cells = [
        CellSource(1, "import torch\nw = torch.zeros(3, requires_grad=True)\n"),
        CellSource(2, "def broken(:\n    pass\n"),
        CellSource(3, "w += 1\n"),
    ]
    result = analyze_cells(cells, "nb.ipynb", None, analyze)
    assert result.program.text.splitlines()[2:4] == ["", ""]
    assert [(d.code, d.span.line) for d in result.cell_analysis(2).diagnostics] == [("LEAF000", 1)]
    assert [(d.code, d.span.line) for d in result.cell_analysis(3).diagnostics] == [("LEAF102", 1)]
    assert result.cell_analysis(1).diagnostics == []
    hints = result.cell_analysis(1).hints
    assert [(h.name, h.line) for h in hints] == [("w", 2)]


def test_fixes_touching_a_magic_line_are_not_offered() -> None:
    cells = [CellSource(1, "import torch\nw = torch.zeros(3, requires_grad=True)\n%time w += 1\nw += 1\n")]
    result = analyze_cells(cells, "nb.ipynb", None, analyze)
    diagnostics = result.cell_analysis(1).diagnostics
    assert [(d.code, d.span.line) for d in diagnostics] == [("LEAF102", 4)]


def _nb(cells: list[dict[str, object]], **dump: object) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, **dump) + "\n"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dump", "source"),
    [
        ({"indent": 1, "sort_keys": True, "ensure_ascii": False}, ["a = 1\n", "b = 2"]),
        ({"indent": 2}, ["a = 1\n", "b = 2"]),
        ({}, ["a = 1\n", "b = 2"]),
        ({"indent": 1}, "a = 1\nb = 2"),
        ({"indent": 1}, []),
        ({"indent": 1, "ensure_ascii": True}, ["é = 1\n"]),
    ],
)
def test_with_sources_keeps_the_layout(dump: dict[str, object], source: object) -> None:
    other = {"cell_type": "markdown", "metadata": {"x": [1, 2]}, "source": ["# é\n"], "attachments": {}}
    cells = [
        other,
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 3, "source": source},
    ]
    text = _nb(cells, **dump)
    notebook = notebook_file(text)
    assert not isinstance(notebook, str)
    new = with_sources(notebook, {2: "a = 1\nc = 3\nd = 4"})
    assert new is not None
    data = json.loads(new)
    kept = isinstance(source, str)
    assert data["cells"][1]["source"] == ("a = 1\nc = 3\nd = 4" if kept else ["a = 1\n", "c = 3\n", "d = 4"])
    # Re-dumping what was read gives the file back: only the source changed, in the same layout.
    assert new == _nb([other, {**cells[1], "source": data["cells"][1]["source"]}], **dump)


def test_file_positions_point_at_the_json_string_of_the_line() -> None:
    text = _nb(
        [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["x = 1\n", "yy = 2\n"]}], indent=1
    )
    notebook = notebook_file(text)
    assert not isinstance(notebook, str)
    line, column = notebook.file_position(1, 2, 3)
    assert text.splitlines()[line - 1][column - 1 :].startswith("= 2")


def test_reason_steps_in_another_cell_name_it() -> None:
    cells = [
        CellSource(2, "import torch\nw = torch.zeros(3, requires_grad=True)\n"),
        CellSource(4, "v = w * 2\n"),
    ]
    result = analyze_cells(cells, "nb.ipynb", None, analyze)
    hint = next(h for h in result.cell_analysis(4).hints if h.name == "v")
    assert hint.line == 1
    steps = [(step.line, step.text) for step in hint.reason]
    assert any(text.endswith("(cell 2)") and line == 2 for line, text in steps), steps


_LINES = st.sampled_from(
    [
        "import torch",
        "w = torch.zeros(3, requires_grad=True)",
        "w += 1",
        "%matplotlib inline",
        "!pip install x",
        "%%time",
        "%%bash",
        "x?",
        "if True:",
        "    %time w.sum()",
        "s = '''",
        "(1 +",
        "% 2)",
        "def broken(:",
        "",
        "é = '😋' # %",
    ]
)
_CELL = st.lists(_LINES, max_size=6).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["code", "markdown", "raw"]), _CELL), max_size=5), st.data())
def test_any_notebook_is_read_analysed_fixed_and_written_back(
    cells: list[tuple[str, str]], data: st.DataObject
) -> None:
    from leaf_lsp.fixes import analyze as run
    from leaf_lsp.notebook_check import analyze_notebook, fix_notebook

    raw = [
        {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True)} for kind, text in cells
    ]
    text = _nb(raw, indent=data.draw(st.sampled_from([None, 1, 2])))  # type: ignore[arg-type]
    notebook = notebook_file(text)
    assert not isinstance(notebook, str)
    result = analyze_notebook(notebook, "nb.ipynb", None, run)
    # Every code cell takes exactly its own lines in the program, whatever it holds.
    for cell_range in result.program.cells:
        own = (
            cell_range.text
            if cell_range.text.endswith(("\n", "\r")) or not cell_range.text
            else cell_range.text + "\n"
        )
        assert cell_range.count == len(split_lines(own))
    for number, (kind, source) in enumerate(cells, start=1):
        lines = max(1, len(source.splitlines()))
        for diagnostic in result.cell_analysis(number).diagnostics:
            assert kind == "code" and 1 <= diagnostic.span.line <= diagnostic.span.end_line <= lines
    fixed, _, _ = fix_notebook(notebook, "nb.ipynb", None, run, unsafe=True)
    after = json.loads(fixed.text)
    # Only code cells' sources change, and each still parses as a cell (magics neutralised).
    for before, now in zip(raw, after["cells"], strict=True):
        assert {k: v for k, v in before.items() if k != "source"} == {
            k: v for k, v in now.items() if k != "source"
        }
        if before["source"] != now["source"]:
            assert before["cell_type"] == "code"
            from leaf_lsp.fixcheck import parses

            assert parses(neutralise("".join(now["source"]))[0])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_notebook_or_one_clear_reason(text: str) -> None:
    result = notebook_file(text)
    assert isinstance(result, str) or all(isinstance(c.source, str) for c in result.cells)


@pytest.mark.parametrize("foreign", ["%%bash\necho hi", "%%bash\necho hi\n", "%%html\n<b>x</b>\n\n"])
def test_a_foreign_cell_keeps_its_lines_so_later_cells_stay_in_place(foreign: str) -> None:
    cells = [
        CellSource(1, "import torch\nw = torch.zeros(3, requires_grad=True)"),
        CellSource(2, foreign),
        CellSource(3, "x = 1\nw += 1"),
    ]
    result = analyze_cells(cells, "nb.ipynb", None, analyze)
    assert [(d.code, d.span.line) for d in result.cell_analysis(3).diagnostics] == [("LEAF102", 2)]
    assert result.cell_analysis(2).diagnostics == []
