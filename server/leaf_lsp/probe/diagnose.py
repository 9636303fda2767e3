"""Turn run-time exceptions and warnings into LEAF diagnostics (source ``leaf-lsp (probe)``).

Only messages that match a catalogue entry become that code; an exception that matches none
becomes ``LEAF901 runtime-exception``; unmatched warnings are kept in the result but not reported
(library deprecation noise would drown the real findings).
"""

from __future__ import annotations

from ..model import Diagnostic, Severity, Span
from .result import ProbeException, ProbeResult, ProbeWarning

PROBE_SOURCE = "leaf-lsp (probe)"
#: The probe contradicts static inference (see merge.py).
DISAGREEMENT_CODE = "LEAF900"
#: The program raised an exception that no LEAF rule describes.
RUNTIME_EXCEPTION_CODE = "LEAF901"

# (substring, code); matched case-sensitively except where both spellings are listed.
_EXCEPTION_CODES: tuple[tuple[str, str], ...] = (
    ("can't optimize a non-leaf Tensor", "LEAF101"),
    ("Variable that requires grad is being used in an in-place operation", "LEAF102"),
    ("does not require grad and does not have a grad_fn", "LEAF103"),
    ("Only Tensors of floating point", "LEAF104"),
    ("only Tensors of floating point", "LEAF104"),
    ("Can't call numpy() on Tensor that requires grad", "LEAF105"),
    ("you can only change requires_grad flags of leaf variables", "LEAF106"),
    ("backward through the graph a second time", "LEAF107"),
    ("modified by an inplace operation", "LEAF108"),
)

_NAMES = {
    "LEAF101": "optimizer-non-leaf",
    "LEAF102": "inplace-on-leaf",
    "LEAF103": "backward-without-grad",
    "LEAF104": "non-float-requires-grad",
    "LEAF105": "numpy-on-grad-tensor",
    "LEAF106": "requires-grad-flag-on-non-leaf",
    "LEAF107": "backward-twice",
    "LEAF108": "inplace-on-saved-tensor",
    "LEAF201": "grad-of-non-leaf",
    "LEAF208": "requires-grad-typo",
    "LEAF213": "tensor-from-tensor",
    "LEAF301": "deprecated-weight-norm",
    DISAGREEMENT_CODE: "probe-disagreement",
    RUNTIME_EXCEPTION_CODE: "runtime-exception",
}


def exception_code(exc: ProbeException) -> str | None:
    """The LEAF code whose run-time error this exception is, if any."""
    if exc.type == "TypeError" and ("requires_grads" in exc.message or "require_grad" in exc.message):
        return "LEAF208"
    for needle, code in _EXCEPTION_CODES:
        if needle in exc.message:
            return code
    return None


def warning_code(warning: ProbeWarning) -> str | None:
    """The LEAF code whose run-time warning this is, if any."""
    msg = warning.message
    if ".grad attribute of a Tensor that is not a leaf" in msg:
        return "LEAF201"
    if "To copy construct from a tensor" in msg:
        return "LEAF213"
    if warning.category in ("FutureWarning", "DeprecationWarning", "UserWarning") and (
        "torch.nn.utils.weight_norm" in msg or "torch.nn.utils.spectral_norm" in msg
    ):
        return "LEAF301"
    return None


def rule_name(code: str) -> str:
    """The kebab-case name for ``code`` (from the rule registry when it knows the code)."""
    try:
        from ..rules.base import get_rule

        found = get_rule(code)
        if found is not None:
            return found.name
    except Exception:  # the registry is someone else's module; a bug there must not break the probe
        pass
    return _NAMES.get(code, code.lower())


def line_span(lines: list[str], line: int) -> Span:
    """The span of the text on 1-based ``line``, leading indentation excluded."""
    text = lines[line - 1].rstrip("\r\n") if 1 <= line <= len(lines) else ""
    start = len(text) - len(text.lstrip())
    return Span(line, start, line, max(start, len(text)))


def runtime_diagnostics(result: ProbeResult, source: str) -> list[Diagnostic]:
    """Diagnostics for the exception and warnings in ``result``, located in ``source``."""
    lines = source.splitlines()
    out: list[Diagnostic] = []
    seen: set[tuple[str, int]] = set()

    def add(code: str, severity: Severity, message: str, line: int) -> None:
        if (code, line) in seen:
            return
        seen.add((code, line))
        out.append(
            Diagnostic(code, rule_name(code), severity, message, line_span(lines, line), source=PROBE_SOURCE)
        )

    exc = result.exception
    if exc is not None and exc.line is not None:
        code = exception_code(exc)
        first = exc.message.splitlines()[0] if exc.message else ""
        text = f"run time: {exc.type}: {first}"
        add(code or RUNTIME_EXCEPTION_CODE, "error" if code else "warning", text, exc.line)
    for w in result.warnings:
        code = warning_code(w)
        if code is None or w.line is None:
            continue
        severity: Severity = "warning"
        add(
            code,
            severity,
            "run time: {}: {}".format(w.category, w.message.splitlines()[0] if w.message else ""),
            w.line,
        )
    return out
