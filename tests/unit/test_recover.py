"""Recovery parse: a file that does not parse still gets the facts of the statements that do."""

from __future__ import annotations

from leaf_lsp.engine import analyze

CLASS_AND_LOOP = """\
import torch
class M:
    def a(self):
        w = torch.ones(2, requires_grad=True)
        return w
    def b(self, x
        v = torch.ones(2, requires_grad=True)
        return v
for i in range(3
    t = torch.ones(2, requires_grad=True)
y = (
"""


def test_broken_headers_keep_their_bodies() -> None:
    analysis = analyze(CLASS_AND_LOOP, "m.py")
    assert analysis.syntax_error
    assert [(d.code, d.span.line) for d in analysis.diagnostics] == [
        ("LEAF000", 6),
        ("LEAF000", 9),
        ("LEAF000", 11),
    ]
    assert [(h.line, h.name, h.is_leaf, h.requires_grad) for h in analysis.hints] == [
        (4, "w", True, True),
        (7, "v", True, True),
        (10, "t", True, True),
    ]


def test_half_typed_line_in_a_function_keeps_the_rest() -> None:
    good = "import torch\n\ndef f():\n    w = torch.ones(2, requires_grad=True)\n    y = w * 2\n    y.sum().backward()\n    return y.grad\n"
    broken = good.replace("    y = w * 2\n", "    y = w * 2\n    z = torch.relu(y\n")
    fine, half = analyze(good, "f.py"), analyze(broken, "f.py")
    assert [(d.code, d.span.line) for d in half.diagnostics] == [("LEAF000", 6)] + [
        (d.code, d.span.line + 1) for d in fine.diagnostics
    ]
    assert [(h.line, h.name) for h in half.hints] == [(h.line, h.name) for h in fine.hints]
    # A fix would be checked against text that does not parse: none is offered meanwhile.
    assert all(d.fix is None for d in half.diagnostics)


def test_nothing_that_parses_gives_one_leaf000() -> None:
    analysis = analyze("def f(:\n", "x.py")
    assert [d.code for d in analysis.diagnostics] == ["LEAF000"] and analysis.hints == []
