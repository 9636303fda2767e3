"""Plain data types shared by the engine and its adapters (CLI, LSP, probe).

Positions: ``line`` is 1-based, ``col`` is a 0-based offset in *characters* (not UTF-8
bytes, not UTF-16 units).  Reporters convert: the JSON contract uses 1-based columns and
the LSP adapter converts to 0-based lines and UTF-16 columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "information"]
Tag = Literal["deprecated", "unnecessary"]


@dataclass(frozen=True, order=True)
class Span:
    """A source range: 1-based lines, 0-based character columns, end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, line: int, col: int) -> bool:
        """True when (line, col) lies inside the span (end inclusive, for cursors)."""
        if line < self.line or line > self.end_line:
            return False
        if line == self.line and col < self.col:
            return False
        if line == self.end_line and col > self.end_col:
            return False
        return True


@dataclass(frozen=True)
class Edit:
    """Replace the text of ``span`` with ``new_text``."""

    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A set of edits that repairs one diagnostic. ``safe`` fixes keep behaviour intact."""

    title: str
    edits: tuple[Edit, ...]
    safe: bool


class ReasonStep(NamedTuple):
    """One link of a reason chain: what happened at ``line`` to the value.

    A named tuple rather than a dataclass: hundreds of thousands are read back from the
    result cache on a run that changes nothing.
    """

    line: int
    text: str


@dataclass(frozen=True)
class InternalError:
    """A statement the engine failed on (a bug of ours): it was skipped, its facts are missing."""

    path: str
    line: int
    statement: str
    error: str

    def describe(self) -> str:
        """One line for logs and ``--verbose``."""
        return f"{self.path}:{self.line}: {self.error} (in `{self.statement}`)"


@dataclass(frozen=True)
class Diagnostic:
    """One rule violation (or LEAF000 for unparsable input)."""

    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    fix: Fix | None = None
    tags: tuple[Tag, ...] = ()
    source: str = "leaf-lsp"


@dataclass(frozen=True)
class RunContext:
    """A hint's run-time value in a context other than the one it shows (set by the probe).

    ``where`` reads like "under `no_grad` in `test()` (line 88)".
    """

    where: str
    is_leaf: bool | None
    requires_grad: bool | None
    grad_mode: str = "grad"
    call_line: int | None = None


@dataclass(frozen=True)
class Hint:
    """What autograd will do with the tensor bound to ``name`` at statement ``line``.

    ``is_leaf``/``requires_grad`` are ``None`` when static analysis cannot know.
    ``line`` is the first line of the assignment statement; ``span`` is the target.
    """

    name: str
    line: int
    span: Span
    is_leaf: bool | None
    requires_grad: bool | None
    reason: tuple[ReasonStep, ...] = ()
    #: Set by the probe merge: True (run agrees), False (contradicted), None (not run / not reached).
    verified: bool | None = None
    #: Run-time note from the probe, e.g. "run time: non-leaf, requires grad (grad_fn=MulBackward0)".
    runtime: str = ""
    #: Set by the probe merge when the run settled the values: what static inference claimed
    #: (is_leaf, requires_grad), while ``is_leaf``/``requires_grad`` hold the run-time values.
    static: tuple[bool | None, bool | None] | None = None
    #: The run-time values in the other contexts the statement ran in (grad modes, call sites).
    contexts: tuple[RunContext, ...] = ()

    @property
    def reason_text(self) -> str:
        """The reason chain as one line."""
        return " -> ".join(step.text for step in self.reason)


@dataclass(frozen=True)
class ExprFact:
    """The inferred fact for any tensor-valued expression (used by hover)."""

    span: Span
    text: str
    is_leaf: bool | None
    requires_grad: bool | None
    reason: tuple[ReasonStep, ...] = ()


@dataclass
class Analysis:
    """Everything the engine knows about one file."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    expr_facts: list[ExprFact] = field(default_factory=list)
    syntax_error: bool = False
    imports: tuple[str, ...] = ()
    #: The analysis was stopped by ``Settings.cancelled``: its lists are incomplete.
    cancelled: bool = False
    #: Statements the engine failed on and skipped (``LEAF_LSP_DEBUG=1`` raises instead).
    internal_errors: list[InternalError] = field(default_factory=list)
    #: The user modules the result depends on, each ``(module, level, importer path, text
    #: hash)``: a kept result stays valid while each still resolves to a text of that hash.
    dependencies: tuple[tuple[str, int, str, str], ...] = ()

    def fact_at(self, line: int, col: int) -> ExprFact | None:
        """The innermost tensor expression that covers (line, col), if any."""
        best: ExprFact | None = None
        for fact in self.expr_facts:
            if fact.span.contains(line, col):
                if best is None or _size(fact.span) <= _size(best.span):
                    best = fact
        return best


def _size(span: Span) -> tuple[int, int]:
    return (span.end_line - span.line, span.end_col - span.col)
