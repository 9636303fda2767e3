"""The notebook the VS Code end-to-end test opens, and what it expects to see there, as JSON.

Writes ``train.ipynb`` (the README example split over cells, as Jupyter saves it, with an
output and a markdown cell) into a folder and prints the expectations: the mistake is
made in one cell and raises in another, so the squiggle belongs in the training cell. The
fixed cell text comes from the engine (``--fix`` on the same notebook), so the test checks
that VS Code applies what the server computed.

Usage: python notebook_fixture.py FOLDER
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SETUP = (
    "import torch\n"
    "\n"
    "x = torch.linspace(-1, 1, 50).unsqueeze(1)\n"
    "y = 3 * x + 0.5\n"
    "w = torch.zeros(1, 1, requires_grad=True)\n"
    "b = torch.zeros(1, requires_grad=True)"
)
LOOP = (
    "for epoch in range(20):\n"
    "    pred = x @ w + b\n"
    "    loss = ((pred - y) ** 2).mean()\n"
    "    loss.backward()\n"
    "    w -= 0.1 * w.grad\n"
    "    b -= 0.1 * b.grad"
)


def _cell(kind: str, source: str, number: int, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "cell_type": kind,
        "id": f"cell-{number}",
        "metadata": {},
        "source": source.splitlines(keepends=True),
    }
    if kind == "code":
        out.update({"execution_count": None, "outputs": []})
    out.update(extra)
    return out


def notebook_text() -> str:
    """The notebook as Jupyter writes it."""
    data = {
        "cells": [
            _cell("markdown", "# Fit a line\n\nThe README example, split over cells.", 0),
            _cell(
                "code",
                SETUP,
                1,
                execution_count=1,
                outputs=[{"name": "stdout", "output_type": "stream", "text": ["ready\n"]}],
            ),
            _cell("code", LOOP, 2),
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the notebook into ``argv[1]`` and print the expectations."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    from leaf_lsp.fixes import analyze
    from leaf_lsp.notebook import notebook_file
    from leaf_lsp.notebook_check import analyze_notebook

    path = Path(argv[1]) / "train.ipynb"
    text = notebook_text()
    path.write_text(text, encoding="utf-8")
    notebook = notebook_file(text)
    assert not isinstance(notebook, str), notebook
    result = analyze_notebook(notebook, str(path), None, analyze)
    expect: dict[str, Any] = {"file": path.name, "setup_cell": 2, "loop_cell": 3}
    cell = result.cell_analysis(3)
    leaf102 = next(d for d in cell.diagnostics if d.code == "LEAF102")
    assert leaf102.fix is not None
    from leaf_lsp.fixcheck import apply_edits

    expect["diagnostic"] = {"code": "LEAF102", "line": leaf102.span.line}
    expect["fix"] = {"title": leaf102.fix.title, "after": apply_edits(LOOP, list(leaf102.fix.edits))}
    # Hints: `w` in the setup cell, `pred` in the loop cell (labels as documented).
    expect["hints"] = [
        {
            "cell": 2,
            "line": SETUP.splitlines().index("w = torch.zeros(1, 1, requires_grad=True)") + 1,
            "label": "leaf · grad",
        },
        {"cell": 3, "line": 2, "label": "non-leaf · grad"},
    ]
    json.dump(expect, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
