"""Inlay hints: a short autograd label after each assignment target the engine describes."""

from __future__ import annotations

from lsprotocol import types as lsp

from ..model import Hint
from .config import InlayHintSettings
from .convert import to_position
from .text import LineIndex

#: The longest reason a verbose label carries; the tooltip has the whole chain.
MAX_REASON_CHARS = 40


def short_reason(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """``text`` as plain words for a label: no markdown backticks, cut at a word with "…"."""
    plain = " ".join(text.replace("`", "").split())
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:(") + "…"


def label_for(hint: Hint, verbosity: str = "normal") -> str | None:
    """The label text for ``hint``; None when the engine does not know requires_grad.

    ``minimal`` labels only the tensors that require grad.
    """
    if hint.requires_grad is None:
        return None
    if hint.requires_grad is False:
        if verbosity == "minimal":
            return None
        base = "no grad"
    elif verbosity == "minimal":
        base = "grad"
    elif hint.is_leaf is True:
        base = "leaf · grad"
    elif hint.is_leaf is False:
        base = "non-leaf · grad"
    else:
        base = "grad"
    if verbosity == "verbose" and hint.reason:
        base = f"{base} ← {short_reason(hint.reason[-1].text)}"
    return base


def reason_markdown(hint: Hint) -> str:
    """Tooltip markdown: the facts and the reason chain with line numbers."""
    lines = [
        f"**`{hint.name}`**: is_leaf = `{_fmt(hint.is_leaf)}`, requires_grad = `{_fmt(hint.requires_grad)}`"
    ]
    if hint.reason:
        lines.append("")
        lines.extend(
            f"- line {step.line}: {step.text}" if step.line > 0 else f"- {step.text}" for step in hint.reason
        )
    if hint.verified is True:
        lines += ["", "✓ confirmed by running the file with torch"]
    elif hint.verified is False:
        static = hint.static or (None, None)
        lines += [
            "",
            f"✗ contradicted at run time: static inference said is_leaf = `{_fmt(static[0])}`, "
            f"requires_grad = `{_fmt(static[1])}`",
        ]
    elif hint.static is not None and hint.static != (hint.is_leaf, hint.requires_grad):
        lines += ["", "from the run with torch (static inference did not know)"]
    if hint.runtime:
        lines += ["", hint.runtime]
    for ctx in hint.contexts:
        lines.append(
            f"- {ctx.where}: is_leaf = `{_fmt(ctx.is_leaf)}`, requires_grad = `{_fmt(ctx.requires_grad)}`"
        )
    return "\n".join(lines)


def _fmt(value: bool | None) -> str:
    return "unknown" if value is None else str(value)


def hint_label(hint: Hint, settings: InlayHintSettings) -> str | None:
    """The full label including verification marks, or None when nothing is shown."""
    base = label_for(hint, settings.verbosity)
    if base is None:
        if hint.requires_grad is False or (not settings.show_unknown and hint.verified is None):
            return None
        base = "grad ?"
    if hint.verified is True:
        return f"{base} ✓"
    if hint.verified is False:
        return f"{base} ✗"  # the run's value; the tooltip says what static inference claimed
    return base


def inlay_hints(
    hints: list[Hint],
    index: LineIndex,
    encoding: str,
    settings: InlayHintSettings,
    start: lsp.Position,
    end: lsp.Position,
) -> list[lsp.InlayHint]:
    """Hints whose position lies inside [start, end], with full-document positions."""
    if not settings.enabled:
        return []
    out: list[lsp.InlayHint] = []
    # (name, label, last line of the statement) of the previous label: a reassignment on the
    # next line that says the same is left out unless ``repeated`` asks for every one.
    previous: tuple[str, str, int] | None = None
    for hint in hints:
        label = hint_label(hint, settings)
        if label is None:
            continue
        same = previous is not None and previous[:2] == (hint.name, label) and hint.line <= previous[2] + 1
        previous = (hint.name, label, hint.span.end_line)
        if same and not settings.repeated:
            continue
        position = to_position(index, hint.span.end_line, hint.span.end_col, encoding)
        # Compare whole positions: a range need not start at line 0 or column 0.
        if (
            not (start.line, start.character)
            <= (position.line, position.character)
            <= (end.line, end.character)
        ):
            continue
        out.append(
            lsp.InlayHint(
                position=position,
                label=label,
                kind=lsp.InlayHintKind.Type,
                tooltip=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=reason_markdown(hint)),
                padding_left=True,
            )
        )
    return out
