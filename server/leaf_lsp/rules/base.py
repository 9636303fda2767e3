"""The rule registry: one :class:`Rule` per code, registered with :func:`rule`.

A rule is a small unit: its code, a kebab-case name, a default severity, documentation
(What it does / Why is this bad? / Example / Use instead / Fix safety) and a ``check``
function that reads the inference result and yields :class:`Finding` objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

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


_REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    kind: str,
    summary: str,
    docs: str,
    tags: tuple[Tag, ...] = (),
) -> Callable[[Check], Check]:
    """Register ``check`` as the rule ``code``; duplicate codes or names are an error."""
    severity: Severity = "error" if kind == "raises" else "warning"

    def register(check: Check) -> Check:
        if code in _REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        if any(r.name == name for r in _REGISTRY.values()):
            raise ValueError(f"duplicate rule name {name}")
        _REGISTRY[code] = Rule(code, name, severity, kind, summary, docs.strip(), check, tags)
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
