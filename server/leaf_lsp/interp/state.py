"""The interpreter's state: scopes of variables, per-activation context (grad mode, loops,
where flow stopped) and the limits that keep an analysis bounded.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core import Interpreter

from .values import (
    UNKNOWN,
    FunctionValue,
    LazyName,
    Value,
)

MAX_CALL_DEPTH = 4


MAX_CALLS = 1500


MAX_INTERNAL_ERRORS = 50


RAISES = "raise"


RETURN = "return"


BREAK = "break"


class Scope:
    """Variables of one module or function activation."""

    __slots__ = ("vars", "parent", "interp")

    def __init__(
        self, interp: Interpreter, parent: Scope | None = None, vars: dict[str, Value] | None = None
    ):
        self.vars: dict[str, Value] = vars if vars is not None else {}
        self.parent = parent
        self.interp = interp

    def lookup(self, name: str) -> Value:
        scope: Scope | None = self
        while scope is not None:
            value = scope.vars.get(name)
            if value is not None:
                if value.__class__ is LazyName:
                    return value.resolve()[0]
                return value
            scope = scope.parent
        return UNKNOWN


class Ctx:
    """Per-activation interpreter state: grad mode, loops, where flow stopped."""

    __slots__ = (
        "grad",
        "loop_depth",
        "cond_depth",
        "func",
        "depth",
        "returns",
        "stopped",
        "loops",
        "record",
        "weak",
        "yields",
        "outer_loops",
        "call_line",
        "inference",
    )

    def __init__(
        self, func: FunctionValue | None = None, depth: int = 0, grad: bool | None = True, record: bool = True
    ):
        self.grad: bool | None = grad
        self.loop_depth = 0
        self.cond_depth = 0
        self.func = func
        self.depth = depth
        self.returns: list[Value] = []
        self.stopped: str | None = None
        self.loops: list[ast.stmt] = []
        self.record = record
        #: Facts found with made-up (unknown) arguments: used only when no real call gives them.
        self.weak = False
        #: What a generator function's ``yield`` statements produced.
        self.yields: list[Value] = []
        #: The loops of the callers, outermost first (a helper called in a training loop).
        self.outer_loops: tuple[ast.stmt, ...] = ()
        #: The line of the call that runs this function (0 at module level).
        self.call_line = 0
        #: Inside ``torch.inference_mode()``: tensors made here are inference tensors.
        self.inference = False


class AnalysisCancelled(Exception):
    """Raised inside the interpreter when ``Settings.cancelled`` says to stop."""


def in_condition(ctx: Ctx) -> bool:
    # Loops count one level of cond_depth; anything deeper is a real condition.
    return ctx.cond_depth > ctx.loop_depth


NOT_GRAD_CONTEXT = object()
