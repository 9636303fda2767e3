"""Turn run-time exceptions and warnings into LEAF diagnostics (source ``leaf-lsp (probe)``).

Each rule declares the exceptions and warnings that show its problem (``Rule.runtime``, see
:mod:`leaf_lsp.rules.base`); a message that matches one, tried in the registry's order, becomes
that rule's code. An exception that matches none becomes ``LEAF901 runtime-exception``;
unmatched warnings are kept in the result but not reported (library deprecation noise would
drown the real findings).
"""

from __future__ import annotations

from ..model import Diagnostic, Severity, Span
from ..rules.base import RuntimeSignal, SignalKind, get_rule, runtime_signals
from .result import ProbeException, ProbeResult, ProbeWarning

PROBE_SOURCE = "leaf-lsp (probe)"
#: The probe contradicts static inference (see merge.py).
DISAGREEMENT_CODE = "LEAF900"
#: The program raised an exception that no LEAF rule describes.
RUNTIME_EXCEPTION_CODE = "LEAF901"

# The probe's own codes: not rules, so their names live here.
_PROBE_NAMES = {
    DISAGREEMENT_CODE: "probe-disagreement",
    RUNTIME_EXCEPTION_CODE: "runtime-exception",
}


def _first_match(kind: SignalKind, type_name: str, message: str) -> tuple[RuntimeSignal, str] | None:
    for signal, owner in runtime_signals(kind):
        if signal.matches(kind, type_name, message):
            return signal, owner.code
    return None


def exception_code(exc: ProbeException) -> str | None:
    """The code of the rule whose run-time error this exception is, if any (see ``Rule.runtime``)."""
    found = _first_match("exception", exc.type, exc.message)
    return found[1] if found else None


def warning_code(warning: ProbeWarning) -> str | None:
    """The code of the rule whose run-time warning this is, if any (see ``Rule.runtime``)."""
    found = _first_match("warning", warning.category, warning.message)
    return found[1] if found else None


def _report_lines(signal: RuntimeSignal, source: str, message: str, line: int | None) -> tuple[int, ...]:
    """Where a matched signal is reported: where its rule says (``locate``), else torch's line."""
    if signal.locate is not None:
        try:
            lines = signal.locate(source, message)
        except (RecursionError, MemoryError):
            lines = ()
        if lines:
            return lines
    return (line,) if line is not None else ()


def rule_name(code: str) -> str:
    """The kebab-case name for ``code``: the rule's, or the probe's own for LEAF900/LEAF901."""
    found = get_rule(code)
    if found is not None:
        return found.name
    return _PROBE_NAMES.get(code, code.lower())


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
    if exc is not None:
        found = _first_match("exception", exc.type, exc.message)
        first = exc.message.splitlines()[0] if exc.message else ""
        text = f"run time: {exc.type}: {first}"
        if found is None:
            if exc.line is not None:
                add(RUNTIME_EXCEPTION_CODE, "warning", text, exc.line)
        else:
            for line in _report_lines(found[0], source, exc.message, exc.line):
                add(found[1], "error", text, line)
    for w in result.warnings:
        matched = _first_match("warning", w.category, w.message)
        if matched is None:
            continue
        severity: Severity = "warning"
        text = "run time: {}: {}".format(w.category, w.message.splitlines()[0] if w.message else "")
        for line in _report_lines(matched[0], source, w.message, w.line):
            add(matched[1], severity, text, line)
    return out
