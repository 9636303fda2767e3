"""Hover text: the autograd facts of the expression under the cursor, or a rule's docs."""

from __future__ import annotations

import re

from ..model import Analysis, Diagnostic, ExprFact
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


def fact_hover(fact: ExprFact | None, diagnostics: list[Diagnostic]) -> str | None:
    """Markdown for the fact at the cursor plus what to do about diagnostics there."""
    parts: list[str] = []
    if fact is not None:
        parts.append(f"**{_code(_shorten(fact.text))}**\n")
        parts.append(f"- is_leaf: {_fmt(fact.is_leaf)}\n- requires_grad: {_fmt(fact.requires_grad)}")
        if fact.reason:
            parts.append("\n**Why**\n")
            parts.extend(f"- line {step.line}: {step.text}" for step in fact.reason)
    for diagnostic in diagnostics:
        parts.append(f"\n**{diagnostic.code}** `{diagnostic.name}`: {diagnostic.message}")
        if diagnostic.fix is not None:
            safety = "" if diagnostic.fix.safe else " (unsafe: review the change)"
            parts.append(f"\n_Fix_: {diagnostic.fix.title}{safety}")
    if not parts:
        return None
    return "\n".join(parts)


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
