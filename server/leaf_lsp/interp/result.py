"""What one interpretation produces for the rules and adapters."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar, cast

from ..model import ExprFact, Hint, InternalError, Span
from ..parse import SourceText
from .events import Event
from .values import ClassValue, ModuleValue, OptimizerValue, Value

E = TypeVar("E", bound=Event)
T = TypeVar("T")


@dataclass
class InitAssign:
    """``self.name = value`` inside ``__init__`` of a class."""

    cls: ClassValue
    attr: str
    value: Value
    stmt: ast.stmt
    target: ast.Attribute | None
    #: For a container: what it held when ``__init__`` returned (later methods may fill it).
    held_after_init: tuple[Value, ...] | None = None


@dataclass
class Inference:
    """Everything the rules and adapters need from one interpretation."""

    tree: ast.Module
    text: SourceText
    path: str
    hints: list[Hint] = field(default_factory=list)
    expr_facts: list[ExprFact] = field(default_factory=list)
    imported_modules: list[str] = field(default_factory=list)
    #: What the interpreter found, in the order it found it (see :mod:`.events`).
    events: list[Event] = field(default_factory=list)
    init_assigns: list[InitAssign] = field(default_factory=list)
    classes: list[ClassValue] = field(default_factory=list)
    calls_by_qualname: dict[str, list[ast.Call]] = field(default_factory=dict)
    backward_names: set[str] = field(default_factory=set)
    #: Every ``backward()``-like call with the loops around it (innermost last).
    backward_calls: list[tuple[ast.Call, tuple[ast.stmt, ...]]] = field(default_factory=list)
    torch_alias: str | None = None
    nn_alias: str | None = None
    call_qualnames: dict[int, str] = field(default_factory=dict)
    #: Facts the rules derive from this inference, computed once and shared (see :meth:`derive`).
    derived: dict[str, object] = field(default_factory=dict)
    #: Every optimizer this interpretation built.
    optimizers: list[OptimizerValue] = field(default_factory=list)
    #: Every instance of a user class this interpretation built (prototypes included).
    instances: list[ModuleValue] = field(default_factory=list)
    #: User module instances whose ``forward`` ran for real under grad (what they read: ``used``).
    run_modules: list[ModuleValue] = field(default_factory=list)
    #: Some real call was cut short (call depth or count limits, a recursion, a raise inside
    #: ``forward``): what was not seen read may still be read.
    truncated: bool = False
    #: Statements the interpreter failed on (each skipped; see ``LEAF_LSP_DEBUG``).
    internal_errors: list[InternalError] = field(default_factory=list)
    #: The user modules the answer depends on: ((module, level, importer path), text hash),
    #: each once, the file's own imports and those of the modules they brought in.
    dependencies: tuple[tuple[tuple[str, int, str], str], ...] = ()

    def events_of(self, kind: type[E]) -> Iterator[E]:
        """The events of ``kind`` found in this file, in order."""
        return (event for event in self.events if isinstance(event, kind))

    def derive(self, key: str, compute: Callable[[Inference], T]) -> T:
        """``compute(self)``, computed once per inference under ``key`` and shared by the rules."""
        if key not in self.derived:
            self.derived[key] = compute(self)
        return cast(T, self.derived[key])

    def span(self, node: ast.AST) -> Span:
        """The character span of ``node``."""
        return self.text.span(node)

    def qualname(self, call: ast.Call) -> str | None:
        """The resolved qualified name of a call's target, when it was a library object."""
        return self.call_qualnames.get(id(call))
