"""Hover text: the autograd facts of the expression under the cursor, or a rule's docs."""

from __future__ import annotations

import re

from ..model import Analysis, Diagnostic, ExprFact, Hint, Span
from ..rules.base import get_rule
from ..suppress import NOQA_RE

_CODE_RE = re.compile(r"[A-Za-z]+[0-9]+")


def noqa_code_at(line_text: str, col: int) -> str | None:
    """The rule code under character ``col`` inside a ``# noqa: ...`` comment, if any."""
    match = NOQA_RE.search(line_text)
    if match is None or match.group("codes") is None:
        return None
    start = match.start("codes")
    for code in _CODE_RE.finditer(match.group("codes")):
        if start + code.start() <= col <= start + code.end():
            return code.group().upper()
    return None


def rule_hover(code: str) -> str | None:
    """Markdown docs of rule ``code`` (None for unknown codes)."""
    rule = get_rule(code)
    if rule is None:
        return None
    return f"### {rule.code} `{rule.name}`\n\n{rule.summary}\n\n{rule.docs}"


def _fmt(value: bool | None) -> str:
    return "unknown" if value is None else f"`{value}`"


def _run_lines(hint: Hint) -> list[str]:
    """The hover's run-time section for a hint the probe settled (empty when it did not run)."""
    if hint.static is None:
        return []
    if hint.verified is True:
        head = "\n**At run time** ✓ static inference agrees\n"
    elif hint.verified is False:
        head = f"\n**At run time** ✗ static inference said {_claim(*hint.static)}\n"
    else:
        head = "\n**At run time**\n"
    lines = [head, f"- {_runtime_text(hint.runtime)}"]
    lines.extend(f"- {ctx.where}: {_claim(ctx.is_leaf, ctx.requires_grad)}" for ctx in hint.contexts)
    return lines


def _runtime_text(runtime: str) -> str:
    return runtime.removeprefix("run time ").removeprefix("run time")


def _claim(is_leaf: bool | None, requires_grad: bool | None) -> str:
    leaf = "unknown leafness" if is_leaf is None else ("leaf" if is_leaf else "non-leaf")
    grad = "unknown requires_grad" if requires_grad is None else ("grad" if requires_grad else "no grad")
    return f"{leaf}, {grad}"


def fact_hover(fact: ExprFact | None, diagnostics: list[Diagnostic], hint: Hint | None = None) -> str | None:
    """Markdown for the fact at the cursor plus what to do about diagnostics there.

    ``hint``: the assignment target's hint under the cursor; once the probe settled it, its
    run-time values (per context) are shown and take the place of unknown static ones.
    """
    parts: list[str] = []
    if fact is not None or hint is not None:
        text = fact.text if fact is not None else hint.name if hint is not None else ""
        is_leaf = fact.is_leaf if fact is not None else None
        requires_grad = fact.requires_grad if fact is not None else None
        if hint is not None and hint.static is not None:
            is_leaf, requires_grad = hint.is_leaf, hint.requires_grad
        parts.append(f"**{_code(_shorten(text))}**\n")
        parts.append(f"- is_leaf: {_fmt(is_leaf)}\n- requires_grad: {_fmt(requires_grad)}")
        reason = fact.reason if fact is not None and fact.reason else hint.reason if hint is not None else ()
        if reason:
            parts.append("\n**Why**\n")
            parts.extend(
                f"- line {step.line}: {step.text}" if step.line > 0 else f"- {step.text}" for step in reason
            )
        if hint is not None:
            parts.extend(_run_lines(hint))
    for diagnostic in diagnostics:
        # The editor shows the diagnostic's message in the same hover: name the rule, not the message.
        parts.append(f"\n**{diagnostic.code}** `{diagnostic.name}`")
        if diagnostic.fix is not None:
            safety = "" if diagnostic.fix.safe else " (unsafe: review the change)"
            parts.append(f"\n_Fix_: {diagnostic.fix.title}{safety}")
    if not parts:
        return None
    return "\n".join(parts)


def hint_at(analysis: Analysis, line: int, col: int) -> Hint | None:
    """The hint whose assignment target covers (line, col), if any."""
    for hint in analysis.hints:
        if hint.span.contains(line, col):
            return hint
    return None


def diagnostics_at(analysis: Analysis, line: int, col: int) -> list[Diagnostic]:
    """Diagnostics whose span covers (line, col)."""
    return [d for d in analysis.diagnostics if d.code != "LEAF000" and d.span.contains(line, col)]


def _code(text: str) -> str:
    """Inline code that survives backticks in ``text``."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hover_at(analysis: Analysis, line_text: str, line: int, col: int) -> tuple[str, Span | None] | None:
    """The hover's Markdown at 1-based ``line``, ``col`` (whose text is ``line_text``) and the
    span it is about: a rule's docs on a ``noqa`` code, else what is known of the tensor there."""
    code = noqa_code_at(line_text, col)
    if code is not None:
        docs = rule_hover(code)
        if docs is not None:
            return docs, None
    fact = analysis.fact_at(line, col)
    hint = hint_at(analysis, line, col)
    text = fact_hover(fact, diagnostics_at(analysis, line, col), hint)
    if text is None:
        return None
    return text, fact.span if fact is not None else hint.span if hint is not None else None
