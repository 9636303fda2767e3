"""``leaf-lsp --check`` on Jupyter notebooks, with the real engine, in-process.

A notebook is its code cells in order, as one program. These tests build real ``.ipynb``
files the way Jupyter writes them (nbformat 4.0 to 4.5: one-space indent, sorted keys,
sources as lists of lines, outputs, attachments) and check what is reported, per cell,
and what ``--fix`` writes back.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., tuple[int, str, str]]

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

README_SETUP = (
    "import torch\n"
    "\n"
    "x = torch.linspace(-1, 1, 50).unsqueeze(1)\n"
    "y = 3 * x + 0.5\n"
    "w = torch.zeros(1, 1, requires_grad=True)\n"
    "b = torch.zeros(1, requires_grad=True)\n"
)
README_LOOP = (
    "for epoch in range(20):\n"
    "    pred = x @ w + b\n"
    "    loss = ((pred - y) ** 2).mean()\n"
    "    loss.backward()\n"
    "    w -= 0.1 * w.grad\n"
    "    b -= 0.1 * b.grad"
)
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def cell(kind: str, source: str, minor: int = 5, number: int = 0, **extra: Any) -> dict[str, Any]:
    """A notebook cell as nbformat 4.``minor`` writes it."""
    out: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
    if minor >= 5:
        out["id"] = f"cell-{number}"
    if kind == "code":
        out["execution_count"] = None
        out["outputs"] = []
    out.update(extra)
    return out


def notebook(cells: list[dict[str, Any]], minor: int = 5) -> str:
    """Notebook text exactly as Jupyter saves it."""
    data = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": minor,
    }
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _json(out: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out)
    return data


def _found(data: dict[str, Any], path: str) -> list[tuple[int | None, int, int, str]]:
    entry = next(f for f in data["files"] if f["path"] == path)
    return [(d.get("cell"), d["line"], d["column"], d["code"]) for d in entry["diagnostics"]]


def _split_at_statements(source: str) -> list[str]:
    """The source as cells of consecutive lines, one top-level statement (with what precedes it) each."""
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    starts = sorted(
        {min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) for node in tree.body}
    )
    bounds = [1, *starts[1:], len(lines) + 1]
    return ["".join(lines[a - 1 : b - 1]) for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("seed*.py")))
def test_seed_examples_split_into_cells_report_what_the_file_reports(run: Run, write: Any, seed: str) -> None:
    source = (SEEDS / seed).read_text(encoding="utf-8")
    expected = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))[seed]
    chunks = _split_at_statements(source)
    assert len(chunks) > 1
    # A markdown cell before each code cell: cell numbers count them, as ruff's do.
    cells = []
    firsts: dict[int, int] = {}
    line = 1
    for index, chunk in enumerate(chunks):
        cells.append(cell("markdown", f"Step {index}\n", number=2 * index))
        cells.append(cell("code", chunk, number=2 * index + 1))
        firsts[len(cells)] = line
        line += len(chunk.splitlines())
    write("seed.ipynb", notebook(cells))
    write("seed.py", source)
    _, out, err = run("--check", "--format", "json", "seed.ipynb", "seed.py")
    assert "Traceback" not in err
    data = _json(out)
    in_file = [(line, col, code) for _, line, col, code in _found(data, "seed.py")]
    in_cells = _found(data, "seed.ipynb")
    assert all(number is not None for number, *_ in in_cells)
    back = [(firsts[number] + line - 1, col, code) for number, line, col, code in in_cells if number]
    assert back == in_file
    assert sorted((line, code) for line, _, code in back) == sorted((line, code) for line, code in expected)


def test_readme_example_split_over_two_cells(run: Run, write: Any) -> None:
    write(
        "train.ipynb",
        notebook(
            [
                cell("markdown", "# Fit a line\n", number=0),
                cell("code", README_SETUP, number=1),
                cell("code", README_LOOP, number=2),
            ]
        ),
    )
    code, out, err = run("--check", "train.ipynb")
    assert code == 1, err
    assert "train.ipynb:cell 3:5:5: LEAF102 [*] `-=` on a leaf tensor" in out
    assert "Found" in out and "All checks passed!" not in out

    code, out, _ = run("--check", "--show-hints", "train.ipynb")
    assert "train.ipynb:cell 2:5:1: hint w: leaf, requires grad" in out
    assert "train.ipynb:cell 3:2:5: hint pred: non-leaf, requires grad" in out

    _, out, _ = run("--check", "--show-hints", "--format", "json", "train.ipynb")
    data = _json(out)
    diagnostic = next(d for d in data["files"][0]["diagnostics"] if d["code"] == "LEAF102")
    assert (diagnostic["cell"], diagnostic["line"], diagnostic["column"]) == (3, 5, 5)
    assert diagnostic["fix"]["edits"][0]["line"] == 5  # fix edits are in the cell's lines too
    hint = next(h for h in data["files"][0]["hints"] if h["name"] == "w")
    assert (hint["cell"], hint["line"]) == (2, 5)


def test_json_has_no_cell_for_python_files(run: Run, write: Any) -> None:
    write("train.py", README_SETUP + README_LOOP + "\n")
    _, out, _ = run("--check", "--show-hints", "--format", "json", "train.py")
    data = _json(out)
    assert data["files"][0]["diagnostics"] and data["files"][0]["hints"]
    assert all("cell" not in d for d in data["files"][0]["diagnostics"])
    assert all("cell" not in h for h in data["files"][0]["hints"])


def test_magics_shell_escapes_and_help_are_not_syntax_errors(run: Run, write: Any) -> None:
    cells = [
        cell(
            "code", "%matplotlib inline\n%load_ext autoreload\n!pip install torch\n" + README_SETUP, number=0
        ),
        cell("code", "files = !ls\ntorch.zeros?\n?torch.ones\nif True:\n    %time x.sum()\n", number=1),
        cell("code", "%%bash\necho $((1 + 1)) {not python\n", number=2),
        cell("code", "%%time\n" + README_LOOP, number=3),
        cell("code", "total = (7\n% 2)\nprint('%d!' % total)\n", number=4),
    ]
    write("magic.ipynb", notebook(cells))
    code, out, err = run("--check", "--format", "json", "magic.ipynb")
    assert "Traceback" not in err
    found = _found(_json(out), "magic.ipynb")
    assert not [f for f in found if f[3] == "LEAF000"], found
    # The %%time cell's body is Python that runs: its mistake is reported on its own line.
    assert (4, 6, 5, "LEAF102") in found


def test_a_cell_that_does_not_parse_gets_leaf000_and_the_others_are_analysed(run: Run, write: Any) -> None:
    cells = [
        cell("code", README_SETUP, number=0),
        cell("code", "def broken(:\n    pass\n", number=1),
        cell("code", README_LOOP, number=2),
    ]
    write("broken.ipynb", notebook(cells))
    code, out, _ = run("--check", "broken.ipynb")
    assert code == 1
    assert "broken.ipynb:cell 2:1:3: LEAF000 SyntaxError" in out
    assert "broken.ipynb:cell 3:5:5: LEAF102" in out


def _with_outputs(minor: int = 5) -> str:
    return notebook(
        [
            cell(
                "markdown",
                "# Plot ![dot](attachment:dot.png) — ünïcode\n",
                minor,
                0,
                attachments={"dot.png": {"image/png": PNG}},
            ),
            cell(
                "code",
                README_SETUP,
                minor,
                1,
                execution_count=1,
                outputs=[{"name": "stdout", "output_type": "stream", "text": ["ready\n"]}],
            ),
            cell(
                "code",
                README_LOOP,
                minor,
                2,
                execution_count=2,
                metadata={"collapsed": False, "tags": ["train"]},
                outputs=[
                    {
                        "data": {"image/png": PNG, "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
                        "metadata": {},
                        "output_type": "display_data",
                    }
                ],
            ),
            cell("raw", "raw text\n", minor, 3),
        ],
        minor,
    )


def _source_bounds(text: str, index: int) -> tuple[int, int]:
    """Offsets of the `"source": [...]` value of code/markdown cell ``index`` (they come in order)."""
    start = -1
    for _ in range(index + 1):
        start = text.index('"source": [', start + 1)
    end = text.index("]", start)
    return start, end + 1


def test_fix_edits_inside_the_cell_and_keeps_every_other_byte(run: Run, write: Any) -> None:
    before = _with_outputs()
    path = write("plot.ipynb", before)
    code, out, err = run("--check", "--fix", "plot.ipynb")
    assert "Traceback" not in err
    assert "1 fixed" in out
    after = path.read_text(encoding="utf-8")
    start, end = _source_bounds(before, 2)
    new_start, new_end = _source_bounds(after, 2)
    assert after[:new_start] == before[:start]
    assert after[new_end:] == before[end:]
    data = json.loads(after)
    fixed = "".join(data["cells"][2]["source"])
    assert "    with torch.no_grad():\n        w -= 0.1 * w.grad\n        b -= 0.1 * b.grad" in fixed
    assert data["cells"][2]["source"][-1] == "        b -= 0.1 * b.grad"  # no newline added
    original = json.loads(before)
    original["cells"][2]["source"] = data["cells"][2]["source"]
    assert data == original
    # Written back in Jupyter's own layout: the same text Jupyter would write.
    assert after == json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    # Nothing left to fix.
    code, out, _ = run("--check", "plot.ipynb")
    assert "LEAF102" not in out


def test_diff_shows_the_cell_and_changes_nothing(run: Run, write: Any) -> None:
    before = _with_outputs()
    path = write("plot.ipynb", before)
    code, out, err = run("--check", "--diff", "plot.ipynb")
    assert code == 1
    assert "--- a/plot.ipynb:cell 3\n+++ b/plot.ipynb:cell 3\n" in out
    assert "+    with torch.no_grad():\n" in out
    assert "Would fix 1 diagnostic." in err
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("minor", [0, 1, 2, 3, 4, 5])
def test_nbformat_4_minor_versions(run: Run, write: Any, minor: int) -> None:
    text = _with_outputs(minor)
    if minor == 0:
        # Old writers stored a source as one string.
        data = json.loads(text)
        for entry in data["cells"]:
            entry["source"] = "".join(entry["source"])
        text = json.dumps(data, sort_keys=True, indent=1) + "\n"
    path = write("v.ipynb", text)
    _, out, _ = run("--check", "--format", "json", "v.ipynb")
    assert (3, 5, 5, "LEAF102") in _found(_json(out), "v.ipynb")
    run("--check", "--fix", "v.ipynb")
    data = json.loads(path.read_text(encoding="utf-8"))
    source = data["cells"][2]["source"]
    assert isinstance(source, str) == (minor == 0)
    assert "with torch.no_grad():" in "".join(source)
    assert ("id" in data["cells"][0]) == (minor >= 5)
    assert data["cells"][2]["outputs"][0]["data"]["image/png"] == PNG


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"cells": [', "not valid JSON"),
        ("[1, 2]", "not an object"),
        ('{"nbformat": 3, "worksheets": []}', "format 3"),
        ('{"cells": [{"cell_type": "code", "source": 3}]}', "not text"),
        ("", "not valid JSON"),
    ],
)
def test_a_file_that_is_not_a_notebook_is_one_clear_leaf000(
    run: Run, write: Any, text: str, words: str
) -> None:
    write("bad.ipynb", text)
    write("ok.py", "import torch\n")
    for flags in ((), ("--fix",), ("--diff",)):
        code, out, err = run("--check", *flags, "bad.ipynb", "ok.py")
        assert "Traceback" not in err and "internal error" not in err
        if "--diff" not in flags:
            assert f"bad.ipynb:1:1: LEAF000 {''}" in out and words in out
    assert (Path.cwd() / "bad.ipynb").read_text(encoding="utf-8") == text


def test_folder_runs_check_notebooks_and_honour_exclude(run: Run, write: Any) -> None:
    bug = notebook([cell("code", README_SETUP, number=0), cell("code", README_LOOP, number=1)])
    write("proj/pyproject.toml", '[tool.leaf-lsp]\nexclude = ["scratch/"]\n')
    write("proj/nb/train.ipynb", bug)
    write("proj/scratch/old.ipynb", bug)
    write("proj/clean.py", "import torch\n")
    _, out, _ = run("--check", "--format", "json", "proj")
    paths = [f["path"] for f in _json(out)["files"]]
    assert sorted(paths) == ["proj/clean.py", "proj/nb/train.ipynb"]


def test_sarif_and_github_point_into_the_notebook_file(run: Run, write: Any) -> None:
    text = _with_outputs()
    write("plot.ipynb", text)
    file_lines = text.splitlines()
    target = next(i for i, line in enumerate(file_lines, start=1) if '"    w -= 0.1 * w.grad\\n"' in line)
    column = file_lines[target - 1].index('"') + 1 + 1 + 4  # after the quote, then four spaces

    _, out, _ = run("--check", "--format", "sarif", "plot.ipynb")
    sarif = _json(out)
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "LEAF102")
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "plot.ipynb"
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (target, column)
    assert result["properties"]["cell"] == 3
    assert "fixes" not in result  # cell edits are not replacements of the file's JSON

    _, out, _ = run("--check", "--format", "github", "plot.ipynb")
    line = next(line for line in out.splitlines() if "LEAF102" in line)
    assert line.startswith(f"::error file=plot.ipynb,line={target},col={column},")
    assert "(cell 3)" in line


def test_fix_from_stdin_with_a_notebook_name(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    import io
    import sys

    from leaf_lsp import cli

    before = _with_outputs()
    fake = io.TextIOWrapper(io.BytesIO(before.encode("utf-8")))
    monkeypatch.setattr(sys, "stdin", fake)
    code = cli.main(["--check", "--fix", "--stdin-filename", "plot.ipynb", "-"])
    out = capsysbinary.readouterr().out.decode("utf-8")
    data = json.loads(out)
    assert "with torch.no_grad():" in "".join(data["cells"][2]["source"])
    assert code == 1  # LEAF209 (no fix) remains


def test_probe_runs_the_cells_in_order_from_the_notebooks_folder(run: Run, write: Any) -> None:
    # The first cell reads a file next to the notebook: the run starts in the notebook's folder.
    write("nb/data.txt", "50\n")
    setup = README_SETUP.replace("linspace(-1, 1, 50)", "linspace(-1, 1, int(open('data.txt').read()))")
    cells = [
        cell("markdown", "# Fit\n", number=0),
        cell("code", "%matplotlib inline\n!echo hi\n" + setup, number=1),
        cell("code", README_LOOP, number=2),
    ]
    write("nb/train.ipynb", notebook(cells))
    code, out, err = run("--check", "--probe", "--format", "json", "nb/train.ipynb")
    assert "probe did not complete" not in err and "Traceback" not in err, err
    hints = {h["name"]: h for h in _json(out)["files"][0]["hints"]}
    assert (hints["w"]["cell"], hints["w"]["line"], hints["w"]["verified"]) == (2, 7, True)
    assert (hints["pred"]["cell"], hints["pred"]["line"], hints["pred"]["verified"]) == (3, 2, True)
