"""Fixtures for the CLI tests: a stand-in engine so adapter behaviour is tested on its own.

The fake engine follows the real contract (``analyze(source, path, settings) -> Analysis``,
syntax errors -> LEAF000, ``settings.enabled`` / ``severity_for``, ``# noqa``) but finds
"problems" by simple text markers, so each test controls exactly what is reported:

- ``NAME += 1``                -> LEAF102 inplace-on-leaf (error), unsafe fix ``NAME = NAME + 1``
- ``Variable(``                -> LEAF302 deprecated-variable (warning), safe fix ``torch.tensor(``
- ``INFO``                     -> LEAF213 tensor-from-tensor (information), no fix
- ``NAME = torch.tensor(..., requires_grad=True)`` -> a hint: leaf, requires grad
"""

from __future__ import annotations

import ast
import re
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from leaf_lsp.model import Analysis, Diagnostic, Edit, Fix, Hint, ReasonStep, Span
from leaf_lsp.settings import Settings
from leaf_lsp.suppress import is_suppressed

INPLACE = re.compile(r"^(?P<indent>\s*)(?P<name>\w+) \+= 1\b")
HINT = re.compile(r"^(?P<name>\w+) = torch\.tensor\(.*requires_grad=True")


def fake_analyze(source: str, path: str = "<unknown>", settings: Settings | None = None) -> Analysis:
    """A marker-driven stand-in for ``leaf_lsp.engine.analyze``."""
    settings = settings or Settings()
    analysis = Analysis(path=path)
    try:
        ast.parse(source)
    except SyntaxError as error:
        line = error.lineno or 1
        col = max((error.offset or 1) - 1, 0)
        analysis.syntax_error = True
        analysis.diagnostics.append(
            Diagnostic("LEAF000", "syntax-error", "error", error.msg, Span(line, col, line, col + 1))
        )
        return analysis
    found: list[Diagnostic] = []
    for number, text in enumerate(source.splitlines(), start=1):
        candidates: list[tuple[str, str, str, str, Span, Fix | None]] = []
        match = INPLACE.match(text)
        if match:
            name = match["name"]
            span = Span(number, len(match["indent"]), number, len(text))
            fix = Fix(f"Rewrite as `{name} = {name} + 1`", (Edit(span, f"{name} = {name} + 1"),), safe=False)
            candidates.append(
                ("LEAF102", "inplace-on-leaf", "error", f"in-place update of leaf `{name}`", span, fix)
            )
        col = text.find("Variable(")
        if col >= 0:
            span = Span(number, col, number, col + len("Variable("))
            fix = Fix("Use torch.tensor", (Edit(span, "torch.tensor("),), safe=True)
            candidates.append(
                ("LEAF302", "deprecated-variable", "warning", "Variable is deprecated", span, fix)
            )
        col = text.find("INFO")
        if col >= 0:
            span = Span(number, col, number, col + 4)
            candidates.append(
                ("LEAF213", "tensor-from-tensor", "information", "copy drops the graph", span, None)
            )
        for code, name, severity, message, where, maybe_fix in candidates:
            if not settings.enabled(code, path) or is_suppressed(code, text):
                continue
            level = settings.severity_for(code, severity)
            found.append(Diagnostic(code, name, level, message, where, maybe_fix))  # type: ignore[arg-type]
        hint = HINT.match(text)
        if hint:
            name = hint["name"]
            analysis.hints.append(
                Hint(
                    name,
                    number,
                    Span(number, 0, number, len(name)),
                    True,
                    True,
                    (ReasonStep(number, "created by torch.tensor(requires_grad=True)"),),
                )
            )
    analysis.diagnostics = sorted(found, key=lambda d: (d.span.line, d.span.col, d.code))
    return analysis


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """Install the fake engine as ``leaf_lsp.engine`` for the duration of a test."""
    module = types.ModuleType("leaf_lsp.engine")
    module.analyze = fake_analyze  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leaf_lsp.engine", module)
    yield module


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """``write("pkg/a.py", "text")`` creates a file under tmp_path (parents included)."""

    def _write(relative: str, text: str | bytes) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


#: ``run("--check", "a.py")`` -> (exit code, stdout, stderr).
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """Run the CLI in-process from tmp_path: returns (exit code, stdout, stderr)."""
    from leaf_lsp import cli

    monkeypatch.chdir(tmp_path)

    def _run(*args: str) -> tuple[int, str, str]:
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run
