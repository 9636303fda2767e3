"""What a finished Verify tells the user: counts of verified, contradicted and unreached hints,
the exception the run raised, or why it could not run (torch not installed in the interpreter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Analysis

#: How the probe's child words an interpreter without a usable torch (probe/child.py, worker.py).
_NO_TORCH = "torch cannot be imported by "


@dataclass(frozen=True)
class Outcome:
    """The message after a Verify, and whether it is an error (and of which kind)."""

    message: str
    is_error: bool
    #: Set when the interpreter has no usable torch: the editor offers to change the setting.
    torch_missing: bool = False
    interpreter: str = ""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def torch_missing_in(error: str) -> str | None:
    """The interpreter named by a "torch cannot be imported" error, else None."""
    if not error.startswith(_NO_TORCH):
        return None
    rest = error[len(_NO_TORCH) :]
    return rest.split(": ", 1)[0] or "the probe's interpreter"


def outcome(merged: Analysis | None, result: Any) -> Outcome:
    """The outcome of one Verify: ``merged`` is the analysis with the run folded in."""
    error = getattr(result, "error", None)
    if error:
        interpreter = torch_missing_in(str(error))
        if interpreter is not None:
            return Outcome(
                f"leaf-lsp: torch is not installed in {interpreter}. Set `leaf-lsp.probe.interpreter` "
                "to a Python that has torch.",
                True,
                torch_missing=True,
                interpreter=interpreter,
            )
        return Outcome(f"leaf-lsp: Verify could not finish: {error}", True)
    parts: list[str] = []
    if merged is not None:
        hints = merged.hints
        verified = sum(1 for h in hints if h.verified is True)
        contradicted = sum(1 for h in hints if h.verified is False)
        filled = sum(
            1
            for h in hints
            if h.verified is None and h.static is not None and h.static != (h.is_leaf, h.requires_grad)
        )
        unreached = len({h.line for h in hints if h.runtime == "run time: not reached"})
        parts.append(f"{_plural(verified, 'hint')} verified")
        parts.append(f"{contradicted} contradicted")
        if filled:
            parts.append(f"{filled} filled in from the run")
        if unreached:
            parts.append(f"{_plural(unreached, 'line')} not reached")
    text = ", ".join(parts) if parts else "the file ran"
    exc = getattr(result, "exception", None)
    if exc is not None:
        where = f" at line {exc.line}" if getattr(exc, "line", None) is not None else ""
        text += f"; the run raised {exc.type}{where}"
    device = getattr(result, "device", "")
    return Outcome(f"leaf-lsp: {text}" + (f" (torch on {device})" if device else ""), False)
