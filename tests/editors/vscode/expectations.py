"""What the VS Code end-to-end test expects to see, as JSON on stdout.

Run-time truth (diagnostic codes and lines, leaf/requires_grad facts) comes from the
corpus' ``.expect.json``; hint labels follow the documented label format. Only texts the
corpus does not record (the quick fix's title and result, the hover's reason lines) are
taken from the engine, so the test checks that VS Code shows what the server computed.

Usage: python expectations.py CORPUS_PY [CODE]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def label(is_leaf: bool | None, requires_grad: bool | None) -> str | None:
    """The documented inlay-hint label for a fact (normal verbosity)."""
    if requires_grad is None:
        return None
    if requires_grad is False:
        return "no grad"
    if is_leaf is True:
        return "leaf · grad"
    if is_leaf is False:
        return "non-leaf · grad"
    return "grad"


def engine_details(source: str, path: str, code: str, hover_line: int | None) -> dict[str, Any]:
    """The fix title/result for ``code`` and where to hover on ``hover_line``, from the engine."""
    out: dict[str, Any] = {"fix": None, "hover": None, "engine_error": None}
    try:
        from leaf_lsp.engine import analyze
        from leaf_lsp.fixcheck import apply_edits
    except Exception as exc:  # the engine may be mid-rewrite: the test then reports it
        out["engine_error"] = f"{type(exc).__name__}: {exc}"
        return out
    analysis = analyze(source, path, None)
    for diagnostic in analysis.diagnostics:
        if diagnostic.code == code and diagnostic.fix is not None:
            out["fix"] = {
                "title": diagnostic.fix.title,
                "after": apply_edits(source, list(diagnostic.fix.edits)),
                "line": diagnostic.span.line,
            }
            break
    # Hover works on expressions: take the leftmost one on the line that has a reason.
    facts = sorted(
        (f for f in analysis.expr_facts if f.span.line == hover_line and f.reason),
        key=lambda f: f.span.col,
    )
    if facts:
        fact = facts[0]
        out["hover"] = {
            "line": fact.span.line,
            "col": fact.span.col,
            # Markdown code spans render without their backticks.
            "reasons": [step.text.replace("`", "") for step in fact.reason],
        }
    return out


def main(argv: list[str]) -> int:
    """Print the expectations for one corpus program."""
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = Path(argv[1])
    expect = json.loads(program.with_suffix(".expect.json").read_text(encoding="utf-8"))
    source = program.read_text(encoding="utf-8")
    diagnostics = [{"line": d["line"], "code": d["code"]} for d in expect.get("diagnostics", [])]
    code = argv[2] if len(argv) > 2 else (diagnostics[0]["code"] if diagnostics else "")
    facts = expect.get("oracle", {}).get("facts", [])
    hints = []
    for fact in facts:
        text = label(fact.get("is_leaf"), fact.get("requires_grad"))
        if text is not None:
            hints.append({"line": fact["line"], "name": fact["name"], "label": text})
    grad_lines = [h["line"] for h in hints if h["label"] != "no grad"]
    hover_line = grad_lines[0] if grad_lines else (hints[0]["line"] if hints else None)
    details = engine_details(source, program.name, code, hover_line)
    json.dump(
        {"file": program.name, "diagnostics": diagnostics, "code": code, "hints": hints, **details},
        sys.stdout,
        ensure_ascii=False,
        indent=1,
    )
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
