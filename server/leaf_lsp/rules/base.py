"""The rule registry: one :class:`Rule` per code, registered with :func:`rule`.

A rule is a small unit: its code, a kebab-case name, a default severity, documentation
(What it does / Why is this bad? / Example / Use instead / Fix safety), the run-time
messages that show its problem happened (:class:`RuntimeSignal`, read by the probe) and a
``check`` function that reads the inference result and yields :class:`Finding` objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..model import Fix, Severity, Span, Tag

if TYPE_CHECKING:
    from ..interp import Inference


@dataclass(frozen=True)
class Finding:
    """What a rule's check reports; the engine turns it into a :class:`Diagnostic`."""

    span: Span
    message: str
    fix: Fix | None = None


Check = Callable[["Inference"], Iterable[Finding]]

SignalKind = Literal["exception", "warning"]


#: (source, message) -> the 1-based lines a run-time message points at in the program.
Locator = Callable[[str, str], tuple[int, ...]]


@dataclass(frozen=True)
class RuntimeSignal:
    """A run-time exception or warning whose message shows that a rule's problem happened.

    ``types`` are exception class names or warning category names (empty: any); the signal
    matches when one of ``messages`` is a case-sensitive substring of the message.
    ``priority``: signals with a higher one are tried first; equal ones go by rule code.
    """

    kind: SignalKind
    messages: tuple[str, ...]
    types: tuple[str, ...] = ()
    priority: int = 0
    #: Where the rule reports it, when that is not where torch raises or warns: the lines in
    #: the program's source that the message points at (none: torch's own line).
    locate: Locator | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.messages or not all(self.messages):
            raise ValueError("a run-time signal needs at least one non-empty message")

    def matches(self, kind: SignalKind, type_name: str, message: str) -> bool:
        """Whether an exception or warning of ``type_name`` with ``message`` is this signal."""
        if kind != self.kind or (self.types and type_name not in self.types):
            return False
        return any(needle in message for needle in self.messages)


def raises(
    *messages: str, types: tuple[str, ...] = (), priority: int = 0, locate: Locator | None = None
) -> RuntimeSignal:
    """An exception signal: any of ``messages`` in an exception of ``types`` (empty: any type)."""
    return RuntimeSignal("exception", messages, types, priority, locate)


def warns(
    *messages: str, categories: tuple[str, ...] = (), priority: int = 0, locate: Locator | None = None
) -> RuntimeSignal:
    """A warning signal: any of ``messages`` in a warning of ``categories`` (empty: any category)."""
    return RuntimeSignal("warning", messages, categories, priority, locate)


@dataclass(frozen=True)
class Rule:
    """One autograd problem code."""

    code: str
    name: str
    severity: Severity
    kind: str  # "raises" | "silent" | "deprecation"
    summary: str
    docs: str
    check: Check
    tags: tuple[Tag, ...] = ()
    runtime: tuple[RuntimeSignal, ...] = ()


_REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    kind: str,
    summary: str,
    docs: str,
    tags: tuple[Tag, ...] = (),
    runtime: tuple[RuntimeSignal, ...] = (),
) -> Callable[[Check], Check]:
    """Register ``check`` as the rule ``code``; duplicate codes or names are an error.

    ``runtime``: the exceptions and warnings by which the probe recognises the problem.
    """
    severity: Severity = "error" if kind == "raises" else "warning"

    def register(check: Check) -> Check:
        if code in _REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        if any(r.name == name for r in _REGISTRY.values()):
            raise ValueError(f"duplicate rule name {name}")
        _REGISTRY[code] = Rule(code, name, severity, kind, summary, docs.strip(), check, tags, runtime)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code."""
    from . import catalog  # noqa: F401  (registers the rules on import)

    return [_REGISTRY[c] for c in sorted(_REGISTRY)]


def get_rule(code: str) -> Rule | None:
    """The rule for ``code``, if any."""
    all_rules()
    return _REGISTRY.get(code)


def iter_codes() -> Iterator[str]:
    """Every registered code, sorted."""
    return (r.code for r in all_rules())


def runtime_signals(kind: SignalKind) -> list[tuple[RuntimeSignal, Rule]]:
    """Every rule's signals of ``kind`` in matching order: priority (highest first), then code."""
    pairs = [(s, r) for r in all_rules() for s in r.runtime if s.kind == kind]
    # sorted() is stable: a rule's own signals keep their declared order
    return sorted(pairs, key=lambda pair: (-pair[0].priority, pair[1].code))
