"""A tiny deterministic stand-in for ``leaf_lsp.engine.analyze``, for adapter-only tests.

The language-server tests that check positions, versions, debounce, cancellation and
robustness must not depend on how clever the real inference is, so they run the server
with this engine (see ``fake_server.py``). It understands a few line patterns:

- ``name = ...requires_grad=True...``: a leaf that requires grad;
- ``name = <expr using a grad name>``: a non-leaf that requires grad;
- ``name = torch....`` otherwise: a leaf without grad;
- ``name += ...`` on a grad leaf: LEAF102 with a safe fix ``name = name + ...``;
- ``<non-leaf>.grad``: LEAF201 (no fix);
- ``Variable(``: LEAF301 tagged deprecated, unsafe fix removing the wrapper name;
- ``SLOW_ANALYSIS`` anywhere: the analysis takes 1.5 s (cancellation tests).
"""

from __future__ import annotations

import ast
import re
import time

from leaf_lsp.model import Analysis, Diagnostic, Edit, ExprFact, Fix, Hint, ReasonStep, Span
from leaf_lsp.settings import Settings
from leaf_lsp.suppress import is_suppressed

_ASSIGN = re.compile(r"^(\s*)([A-Za-z_\u00c0-\uffff][\w]*) = (.+)$")
_AUG = re.compile(r"(?:^\s*|;\s*)([^\W\d]\w*) \+= (.+)$")
_NAME = re.compile(r"[^\W\d]\w*")


def analyze(source: str, path: str = "<unknown>", settings: Settings | None = None) -> Analysis:
    """Pattern-based analysis with the engine's result shape."""
    settings = settings or Settings()
    analysis = Analysis(path=path)
    if "SLOW_ANALYSIS" in source:
        time.sleep(1.5)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", 1) or 1
        col = max(0, (getattr(exc, "offset", 1) or 1) - 1)
        analysis.syntax_error = True
        analysis.diagnostics.append(
            Diagnostic(
                "LEAF000", "syntax-error", "error", f"syntax error: {exc}", Span(line, col, line, col + 1)
            )
        )
        return analysis
    imports: list[str] = []
    for node in tree.body:  # top-level imports are enough for the cross-file tests
        if isinstance(node, ast.Import):
            imports.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imports.append(node.module)
    analysis.imports = tuple(imports)
    grad_leaf: set[str] = set()
    non_leaf: set[str] = set()
    lines = re.split(r"\r\n|\r|\n", source)
    found: list[Diagnostic] = []
    for number, text in enumerate(lines, start=1):
        if text.startswith("#"):
            continue
        match = _ASSIGN.match(text)
        if match:
            indent, name, rhs = match.groups()
            col = len(indent)
            span = Span(number, col, number, col + len(name))
            names = set(_NAME.findall(rhs))
            if "requires_grad=True" in rhs:
                facts: tuple[bool | None, bool | None] = (True, True)
                reason = (ReasonStep(number, "created with requires_grad=True"),)
                grad_leaf.add(name)
            elif names & (grad_leaf | non_leaf):
                facts = (False, True)
                src = sorted(names & (grad_leaf | non_leaf))[0]
                reason = (ReasonStep(number, f"computed from `{src}`, which requires grad"),)
                non_leaf.add(name)
            elif "torch." in rhs:
                facts = (True, False)
                reason = (ReasonStep(number, "created without requires_grad"),)
            else:
                facts = (None, None)
                reason = ()
            analysis.hints.append(Hint(name, number, span, facts[0], facts[1], reason))
            analysis.expr_facts.append(ExprFact(span, name, facts[0], facts[1], reason))
            rhs_col = col + len(name) + 3
            analysis.expr_facts.append(
                ExprFact(Span(number, rhs_col, number, rhs_col + len(rhs)), rhs, facts[0], facts[1], reason)
            )
        aug = _AUG.search(text)
        if aug and aug.group(1) in grad_leaf:
            name, rhs = aug.groups()
            span = Span(number, aug.start(1), number, len(text))
            fix = Fix("Use an out-of-place update", (Edit(span, f"{name} = {name} + {rhs}"),), True)
            found.append(
                Diagnostic(
                    "LEAF102", "inplace-on-leaf", "error", f"in-place update of leaf `{name}`", span, fix
                )
            )
        for leaf in sorted(non_leaf):
            index = text.find(f"{leaf}.grad")
            if index >= 0 and (index == 0 or not (text[index - 1].isalnum() or text[index - 1] == "_")):
                span = Span(number, index, number, index + len(leaf) + 5)
                found.append(
                    Diagnostic("LEAF201", "non-leaf-grad", "warning", f"`{leaf}` is not a leaf", span)
                )
        index = text.find("Variable(")
        if index >= 0:
            span = Span(number, index, number, index + len("Variable"))
            fix = Fix("Drop the Variable wrapper", (Edit(span, "torch.as_tensor"),), False)
            found.append(
                Diagnostic(
                    "LEAF301",
                    "variable-wrapper",
                    "warning",
                    "Variable is deprecated",
                    span,
                    fix,
                    ("deprecated",),
                )
            )
    for diagnostic in found:
        if not settings.enabled(diagnostic.code, path):
            continue
        if is_suppressed(diagnostic.code, lines[diagnostic.span.line - 1]):
            continue
        severity = settings.severity_for(diagnostic.code, diagnostic.severity)
        analysis.diagnostics.append(
            Diagnostic(
                diagnostic.code,
                diagnostic.name,
                severity,
                diagnostic.message,  # type: ignore[arg-type]
                diagnostic.span,
                diagnostic.fix,
                diagnostic.tags,
            )
        )
    return analysis


def collect_if_due(long_running: bool = False) -> None:
    """The real engine's collection between analyses: nothing piles up here."""
