"""The interpreter's driver: runs a module, then each function and method on its own, and
records what it finds (hints, hover facts, issues). The work itself lives in the mixins:
statements (:mod:`.stmts`), expressions (:mod:`.exprs`), calls (:mod:`.calls`), tensor
semantics (:mod:`.tensors`), modules and optimizers (:mod:`.modules`) and imports
(:mod:`.imports`).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Any, ClassVar

from ..model import ExprFact, Hint, InternalError, ReasonStep, Span
from ..parse import SourceText
from ..settings import Settings
from ..torch_api import TorchApi, load
from .calls import CallsMixin
from .containers import ContainersMixin
from .events import Event
from .exprs import ExpressionsMixin
from .foreign import Dependency
from .graph import start_run
from .imports import ImportsMixin
from .modules import ModulesMixin
from .result import Inference
from .state import (
    MAX_INTERNAL_ERRORS,
    RAISES,
    AnalysisCancelled,
    Ctx,
    Scope,
)
from .stmts import StatementsMixin
from .syntax import (
    child_blocks,
    is_static_method,
    short_text,
)
from .tensors import TensorsMixin
from .values import (
    UNKNOWN,
    ClassValue,
    FunctionValue,
    ModuleValue,
    OptimizerValue,
    ScalerValue,
    TensorValue,
    Value,
    join_bool,
)


@dataclass(frozen=True, slots=True)
class HintEntry:
    """One value a name took at a line: in a real run or not, under which grad mode, and the
    line of the call that ran it (0 at module level)."""

    span: Span
    leaf: bool | None
    rg: bool | None
    reason: tuple[ReasonStep, ...]
    real: bool
    grad: bool | None
    call_line: int


def infer(tree: ast.Module, text: SourceText, path: str, settings: Settings) -> Inference:
    """Interpret ``tree`` and collect hints and issues."""
    interp = Interpreter(tree, text, path, settings)
    interp.run()
    interp.result.dependencies = tuple(dict.fromkeys(interp.dependencies))
    return interp.result


def debug_mode() -> bool:
    """``LEAF_LSP_DEBUG`` set (and not ``0``): internal errors raise instead of being counted."""
    return os.environ.get("LEAF_LSP_DEBUG", "") not in ("", "0")


class Interpreter(
    ImportsMixin,
    StatementsMixin,
    ExpressionsMixin,
    CallsMixin,
    ContainersMixin,
    TensorsMixin,
    ModulesMixin,
):
    """Runs one module abstractly."""

    #: ``ast`` node type -> the method that interprets it (filled in below).
    STMT_HANDLERS: ClassVar[dict[type, Any]] = {}
    EXPR_HANDLERS: ClassVar[dict[type, Any]] = {}

    def __init__(self, tree: ast.Module, text: SourceText, path: str, settings: Settings, depth: int = 0):
        self.api: TorchApi = load()
        self.tree = tree
        self.text = text
        self.path = path
        self.settings = settings
        self.result = Inference(tree=tree, text=text, path=path)
        self.module_scope = Scope(self)
        self.calls = 0
        self.cross_depth = depth
        self._hints: dict[tuple[int, str], list[HintEntry]] = {}
        self._exprs: dict[int, list[Any]] = {}
        self._issue_keys: set[tuple[str, int]] = set()
        self._error_keys: set[tuple[str, int, str]] = set()
        self._analysed: set[int] = set()
        self._call_cache: dict[tuple[Any, ...], tuple[Value, bool, object]] = {}
        self._active: list[int] = []
        #: Bumped whenever a hook is registered: calls made before run differently after.
        self.hook_epoch = 0
        #: Bumped whenever a module's attribute is set (a part attached, a head swapped): a
        #: call made before may run differently after, so it is not replayed from the cache.
        self.module_epoch = 0
        #: How many hook calls ran so far (a call that ran one is never replayed from cache).
        self.hook_runs = 0
        #: A clock for what happens before what (optimizers built and stepped, parameters made).
        self.clock = 0
        #: Optimizers built so far, with their interpretation run.
        self.optimizers: list[OptimizerValue] = []
        #: How many user forward calls are running (reads there count as uses even under no_grad).
        self.forward_depth = 0
        #: GradScalers built so far.
        self.scalers: list[ScalerValue] = []
        #: When gradients were last cleared other than by an optimizer's zero_grad()
        #: (``model.zero_grad()``, ``p.grad = None``, a helper named like zero_grad).
        self.grads_cleared = 0
        #: Backward calls on the clock (time, call, loops around it), latest last.
        self.backward_times: list[tuple[int, ast.Call, bool]] = []
        self._prototypes: dict[int, ModuleValue] = {}
        self._foreign_cache: dict[str, Scope | None] = {}
        #: What following each of those made this analysis depend on.
        self._foreign_deps: dict[str, tuple[Dependency, ...]] = {}
        #: What its lazy imports brought in after it ran (for a kept module: see Entry.later).
        self.later_dependencies: list[Dependency] = []
        #: The user modules this interpretation imported, with their text hashes.
        self.dependencies: list[Dependency] = []
        #: The statement being executed (issues raised inside expressions report at it).
        self.current_stmt: ast.stmt | None = None
        self._ticks = 0

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        start_run()
        ctx = Ctx()
        self.exec_block(self.tree.body, self.module_scope, ctx)
        self._analyse_definitions(self.tree.body, self.module_scope)
        self._finish()

    def _analyse_definitions(self, body: list[ast.stmt], scope: Scope) -> None:
        """Analyse every function and method on its own, with unknown arguments."""
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                value = scope.vars.get(stmt.name)
                func = (
                    value
                    if isinstance(value, FunctionValue) and value.node is stmt
                    else FunctionValue(stmt, stmt.name, scope)
                )
                self._standalone(func, None)
            elif isinstance(stmt, ast.ClassDef):
                value = scope.vars.get(stmt.name)
                if not isinstance(value, ClassValue) or value.node is not stmt:
                    value = self.make_class(stmt, scope, Ctx())
                proto = self.prototype(value)
                # Each method on its own sees the instance as __init__ left it: what another
                # method would store there depends on an order of calls nobody promised.
                initial = dict(proto.attrs)
                for method in value.methods.values():
                    if method.node.name == "__init__":
                        continue
                    proto.attrs.clear()
                    proto.attrs.update(initial)
                    self._standalone(method, proto)
            elif isinstance(stmt, (ast.If, ast.Try, ast.With)):
                for sub in child_blocks(stmt):
                    self._analyse_definitions(sub, scope)

    def _standalone(self, func: FunctionValue, self_value: Value | None) -> None:
        if id(func.node) in self._analysed:
            return
        self._analysed.add(id(func.node))
        start_run()
        args = self._unknown_args(func, self_value)
        self.call_function(func, args, {}, Ctx(), standalone=True)

    def prototype(self, cls: ClassValue) -> ModuleValue:
        """The instance of ``cls`` used to analyse its methods standalone."""
        proto = self._prototypes.get(id(cls))
        if proto is None:
            proto = self.instantiate(cls, [], {}, Ctx(), unknown_args=True)
            # Its parameters' reasons name the class: no call built this instance.
            proto.line = proto.line or getattr(cls.node, "lineno", 0)
            self._prototypes[id(cls)] = proto
        return proto

    def _unknown_args(self, func: FunctionValue, self_value: Value | None) -> list[Value]:
        node = func.node
        params = node.args.posonlyargs + node.args.args
        args: list[Value] = []
        for i, _ in enumerate(params):
            if i == 0 and self_value is not None and not is_static_method(node):
                args.append(self_value)
            else:
                args.append(UNKNOWN)
        return args

    def _finish(self) -> None:
        result = self.result
        for (line, name), entries in sorted(self._hints.items()):
            called = [e for e in entries if e.real]
            use = called or entries
            # A function run both with grad (training) and under no_grad (evaluation): the
            # hint shows the grad-enabled value; the reason says what no_grad makes of it.
            quiet = [e for e in use if e.grad is False]
            loud = [e for e in use if e.grad is not False]
            chosen = loud or quiet
            span = chosen[0].span
            leaf, rg, reason = chosen[0].leaf, chosen[0].rg, chosen[0].reason
            for e in chosen[1:]:
                leaf = join_bool(leaf, e.leaf)
                rg = join_bool(rg, e.rg)
            if (leaf, rg) != (chosen[0].leaf, chosen[0].rg):
                reason = reason + (ReasonStep(line, "differs between iterations or call sites -> unknown"),)
            elif loud and quiet and any((q.leaf, q.rg) != (leaf, rg) for q in quiet):
                where = next((q.call_line for q in quiet if q.call_line), 0)
                reason = reason + (
                    ReasonStep(
                        where or line,
                        "when called under no_grad"
                        + (f" (line {where})" if where else "")
                        + ": a leaf that does not require grad",
                    ),
                )
            result.hints.append(Hint(name, line, span, leaf, rg, reason))
        for record in self._exprs.values():
            node = record[0]
            expr_span = self.text.span(node)
            result.expr_facts.append(
                ExprFact(expr_span, short_text(self.text, expr_span), record[1], record[2], record[3])
            )

    def tick(self) -> int:
        """The next time on the interpreter's clock."""
        self.clock += 1
        return self.clock

    def note_grads_cleared(self) -> None:
        """Gradients were cleared other than by an optimizer's ``zero_grad()`` (now)."""
        self.grads_cleared = self.tick()

    # ------------------------------------------------------------------ recording
    def emit(self, event: Event, ctx: Ctx) -> bool:
        """Record ``event`` once per (code, node); returns True if new.

        An event that certainly raises ends the block either way, as the exception would.
        """
        if event.raises:
            ctx.stopped = RAISES
        if not ctx.record:
            return False
        key = (event.code, id(event.node))
        if key in self._issue_keys:
            return False
        self._issue_keys.add(key)
        self.result.events.append(event)
        return True

    def record_hint(self, line: int, name: str, target: ast.AST, value: Value, ctx: Ctx) -> None:
        if not isinstance(value, TensorValue) or not ctx.record or not self.settings.hints:
            return
        entry = HintEntry(
            self.text.span(target), value.leaf, value.rg, value.reason, not ctx.weak, ctx.grad, ctx.call_line
        )
        self._hints.setdefault((line, name), []).append(entry)

    def record_expr(self, node: ast.AST, value: Value) -> None:
        if not isinstance(value, TensorValue):
            return
        key = id(node)
        old = self._exprs.get(key)
        if old is None:
            self._exprs[key] = [node, value.leaf, value.rg, value.reason]
        else:
            old[1] = join_bool(old[1], value.leaf)
            old[2] = join_bool(old[2], value.rg)

    # ------------------------------------------------------------------ statements
    def exec_block(self, body: list[ast.stmt], scope: Scope, ctx: Ctx) -> None:
        table = self.STMT_HANDLERS
        cancelled = self.settings.cancelled
        for stmt in body:
            if ctx.stopped:
                return
            if cancelled is not None:
                self._ticks += 1
                if self._ticks % 64 == 0 and cancelled():
                    raise AnalysisCancelled
            handler = table.get(type(stmt))
            if handler is None:
                continue
            self.current_stmt = stmt
            try:
                handler(self, stmt, scope, ctx)
            except (RecursionError, AnalysisCancelled):
                raise
            except Exception as error:  # noqa: BLE001 - one odd statement must not stop the analysis
                if debug_mode():
                    raise
                self._internal_error(stmt, ctx, error)
                continue

    def _internal_error(self, stmt: ast.stmt, ctx: Ctx, error: Exception) -> None:
        """Count a statement this interpreter failed on, where it is (this file or another)."""
        home = ctx.func.scope.interp if ctx.func is not None and isinstance(ctx.func.scope, Scope) else self
        key = (home.path, stmt.lineno, type(error).__name__)
        if key in self._error_keys or len(self._error_keys) >= MAX_INTERNAL_ERRORS:
            return
        self._error_keys.add(key)
        statement = home.text.line_text(stmt.lineno).strip()[:80]
        message = f"{type(error).__name__}: {error}"[:200]
        self.result.internal_errors.append(InternalError(home.path, stmt.lineno, statement, message))

    def exec_stmt(self, stmt: ast.stmt, scope: Scope, ctx: Ctx) -> None:
        handler = self.STMT_HANDLERS.get(type(stmt))
        if handler is not None:
            handler(self, stmt, scope, ctx)


def _handlers(prefix: str) -> dict[type, Any]:
    table: dict[type, Any] = {}
    for name in dir(Interpreter):
        if name.startswith(prefix):
            node_type = getattr(ast, name[len(prefix) :], None)
            if isinstance(node_type, type):
                table[node_type] = getattr(Interpreter, name)
    return table


Interpreter.STMT_HANDLERS.update(_handlers("stmt_"))


Interpreter.EXPR_HANDLERS.update(_handlers("expr_"))
