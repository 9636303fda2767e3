"""Fold a probe run into a static :class:`Analysis`: settle hints from the run, add run-time diagnostics.

The run never takes information away. Facts are compared per context (grad mode, and call site
where those differ): a hint shows the value of the training context (grad enabled), and the
other contexts go to ``Hint.contexts`` ("under `no_grad` in `test()` (line 88): no grad").

* A hint whose run-time fact agrees on every property static inference claimed -> verified=True.
* A hint contradicted by the run -> verified=False, plus a LEAF900 information diagnostic at the
  hint ("static inference said X, run time says Y") so disagreements get reported upstream.
* A hint static inference left unknown is filled: ``is_leaf``/``requires_grad`` become the run's
  values, ``static`` keeps the claim (verified stays None: there was nothing to check).
* A fact static analysis had no hint for gets one (given the source, to place it).
* A hint whose statement never ran -> verified=None, runtime "not reached".
* A property that changed between executions in the same context stays as static inference said.
Run-time diagnostics are added unless a static diagnostic with the same code and line exists.
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass, field

from ..model import Analysis, Diagnostic, Hint, ReasonStep, RunContext, Span
from .diagnose import DISAGREEMENT_CODE, PROBE_SOURCE, rule_name
from .result import ProbeContext, ProbeFact, ProbeResult

_MODE_TEXT = {"grad": "with grad", "no_grad": "under `no_grad`", "inference_mode": "under `inference_mode`"}
#: The reason given to a hint that only the run knows about.
RUN_REASON = "recorded when the file ran with torch"


def _claim(is_leaf: bool | None, requires_grad: bool | None) -> str:
    parts = []
    parts.append("unknown leafness" if is_leaf is None else ("leaf" if is_leaf else "non-leaf"))
    if requires_grad is None:
        parts.append("unknown requires_grad")
    else:
        parts.append("requires grad" if requires_grad else "does not require grad")
    return ", ".join(parts)


@dataclass
class _Group:
    """Contexts of one grad mode that agree (or a single call site when they do not)."""

    grad_mode: str
    is_leaf: bool | None
    requires_grad: bool | None
    grad_fn: str | None
    sites: list[tuple[int | None, str]] = field(default_factory=list)

    def where(self) -> str:
        mode = _MODE_TEXT.get(self.grad_mode, self.grad_mode)
        if len(self.sites) != 1 or self.sites[0][0] is None:
            return mode
        line, caller = self.sites[0]
        if not caller or caller == "<module>":
            return f"{mode}, called at line {line}"
        return f"{mode} in `{caller}()` (line {line})"

    def describe(self) -> str:
        if self.is_leaf is None and self.requires_grad is None:
            return "varies across iterations"
        text = _claim(self.is_leaf, self.requires_grad)
        if self.is_leaf is None or self.requires_grad is None:
            text += " (varies across iterations)"
        elif self.grad_fn:
            text += f" (grad_fn={self.grad_fn})"
        return text


def _contexts(fact: ProbeFact) -> tuple[ProbeContext, ...]:
    if fact.contexts:
        return fact.contexts
    # A result without contexts (an older child): the fact itself, in one context.
    value = (None, None) if fact.varies else (fact.is_leaf, fact.requires_grad)
    return (ProbeContext("grad", None, "", value[0], value[1], fact.grad_fn, fact.count),)


def _groups(fact: ProbeFact) -> list[_Group]:
    """The fact's contexts grouped by grad mode, split by call site only where values differ."""
    by_mode: dict[str, list[ProbeContext]] = {}
    for ctx in _contexts(fact):
        by_mode.setdefault(ctx.grad_mode, []).append(ctx)
    groups: list[_Group] = []
    for mode, contexts in by_mode.items():
        values = {(c.is_leaf, c.requires_grad) for c in contexts}
        if len(values) == 1:
            first = contexts[0]
            groups.append(
                _Group(
                    mode,
                    first.is_leaf,
                    first.requires_grad,
                    first.grad_fn,
                    [(c.call_line, c.caller) for c in contexts],
                )
            )
        else:
            groups.extend(
                _Group(mode, c.is_leaf, c.requires_grad, c.grad_fn, [(c.call_line, c.caller)])
                for c in contexts
            )
    return groups


def _primary(groups: list[_Group]) -> _Group:
    """The context a hint shows: training (grad enabled) first, then any with a known value."""
    for wanted in ("grad", None):
        for group in groups:
            if (wanted is None or group.grad_mode == wanted) and group.requires_grad is not None:
                return group
    return groups[0]


def _settle(hint: Hint, fact: ProbeFact, where: str) -> tuple[Hint, Diagnostic | None]:
    groups = _groups(fact)
    main = _primary(groups)
    others = tuple(
        RunContext(
            g.where(), g.is_leaf, g.requires_grad, g.grad_mode, g.sites[0][0] if len(g.sites) == 1 else None
        )
        for g in groups
        if g is not main
    )
    label = f"run time{where}"
    if others:
        label += f", {main.where()}"
    runtime = f"{label}: {main.describe()}"
    checks = []
    if hint.is_leaf is not None and main.is_leaf is not None:
        checks.append(hint.is_leaf == main.is_leaf)
    if hint.requires_grad is not None and main.requires_grad is not None:
        checks.append(hint.requires_grad == main.requires_grad)
    verified = all(checks) if checks else None
    is_leaf = main.is_leaf if main.is_leaf is not None else hint.is_leaf
    requires_grad = main.requires_grad if main.requires_grad is not None else hint.requires_grad
    new = dataclasses.replace(
        hint,
        is_leaf=is_leaf,
        requires_grad=requires_grad,
        verified=verified,
        runtime=runtime,
        static=(hint.is_leaf, hint.requires_grad),
        contexts=others,
    )
    if verified is not False:
        return new, None
    message = (
        f"`{hint.name}`: static inference said {_claim(hint.is_leaf, hint.requires_grad)}, "
        f"{label} says {main.describe()}"
    )
    diag = Diagnostic(
        DISAGREEMENT_CODE,
        rule_name(DISAGREEMENT_CODE),
        "information",
        message,
        hint.span,
        source=PROBE_SOURCE,
    )
    return new, diag


def _verify(hint: Hint, result: ProbeResult) -> tuple[Hint, Diagnostic | None]:
    fact = result.fact(hint.line, hint.name)
    where = f" on {result.device}" if result.device else ""
    if fact is None:
        if hint.line not in result.lines_run:
            return dataclasses.replace(hint, verified=None, runtime="run time: not reached"), None
        exc = result.exception
        if exc is not None and exc.line == hint.line:
            note = f"run time: the statement raised {exc.type}"
        else:
            note = "run time: not a tensor"
        return dataclasses.replace(hint, verified=None, runtime=note), None
    return _settle(hint, fact, where)


def target_spans(source: str) -> dict[tuple[int, str], Span]:
    """(statement line, target name) -> the target's span, for the names the probe records."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    lines = source.splitlines()
    out: dict[tuple[int, str], Span] = {}

    def col(line: int, offset: int) -> int:
        # ast offsets are UTF-8 bytes; spans count characters.
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace"))

    def visit(stmt_line: int, target: ast.expr) -> None:
        name: str | None = None
        if isinstance(target, ast.Name):
            name = target.id
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            name = "self." + target.attr
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                visit(stmt_line, element)
        elif isinstance(target, ast.Starred):
            visit(stmt_line, target.value)
        if name is not None and target.end_lineno is not None and target.end_col_offset is not None:
            out.setdefault(
                (stmt_line, name),
                Span(
                    target.lineno,
                    col(target.lineno, target.col_offset),
                    target.end_lineno,
                    col(target.end_lineno, target.end_col_offset),
                ),
            )

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                visit(node.lineno, target)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            visit(node.lineno, node.target)
    return out


def _run_only_hints(analysis: Analysis, result: ProbeResult, source: str) -> list[Hint]:
    """Hints for run-time facts static analysis had none for, placed at their targets."""
    known = {(h.line, h.name) for h in analysis.hints}
    missing = [f for f in result.facts if (f.line, f.name) not in known]
    if not missing:
        return []
    spans = target_spans(source)
    where = f" on {result.device}" if result.device else ""
    out = []
    for fact in missing:
        span = spans.get((fact.line, fact.name))
        if span is None:
            continue
        blank = Hint(fact.name, fact.line, span, None, None, (ReasonStep(fact.line, RUN_REASON),))
        hint, _ = _settle(blank, fact, where)
        out.append(dataclasses.replace(hint, static=(None, None)))
    return out


def merge(analysis: Analysis, result: ProbeResult, source: str | None = None) -> Analysis:
    """A copy of ``analysis`` with hints settled by ``result`` and run-time diagnostics added.

    ``source``, the text that ran, lets facts without a static hint get one. When the probe
    could not run (``result.error``), hints and diagnostics are returned unchanged.
    """
    merged = dataclasses.replace(analysis, diagnostics=list(analysis.diagnostics), hints=list(analysis.hints))
    if result.error is not None:
        return merged
    extra: list[Diagnostic] = []
    hints = []
    for hint in analysis.hints:
        new, diag = _verify(hint, result)
        hints.append(new)
        if diag is not None:
            extra.append(diag)
    if source is not None:
        hints.extend(_run_only_hints(analysis, result, source))
        hints.sort(key=lambda h: (h.span.line, h.span.col, h.line))
    merged.hints = hints
    static = {(d.code, d.span.line): i for i, d in enumerate(merged.diagnostics)}
    seen: set[tuple[str, int]] = set()
    for diag in result.diagnostics:
        key = (diag.code, diag.span.line)
        if key in seen:
            continue
        seen.add(key)
        twin = static.get(key)
        if twin is None:
            extra.append(diag)
        else:
            # The static diagnostic (which may carry a fix) stays, with torch's own words added.
            old = merged.diagnostics[twin]
            merged.diagnostics[twin] = dataclasses.replace(old, message=f"{old.message}\n{diag.message}")
    merged.diagnostics = sorted(
        merged.diagnostics + extra, key=lambda d: (d.span.line, d.span.col, d.code, d.source)
    )
    return merged
