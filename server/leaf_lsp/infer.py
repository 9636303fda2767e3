"""Autograd inference: an abstract interpreter over Python's ``ast``.

It runs the program the way torch would, on abstract values (:mod:`leaf_lsp.values`):
statements in order, both branches of an ``if`` joined, loop bodies twice (so that
loop-carried graphs and "varies" facts show up), user functions and ``nn.Module``
classes interprocedurally. It records a :class:`~leaf_lsp.model.Hint` for every tensor
bound to a name or ``self.name`` and :class:`Issue` objects that the rules turn into
diagnostics. A statement that certainly raises ends its block, as the exception would.
"""

from __future__ import annotations

import ast
import dataclasses
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .foreign import Dependency, Entry, ForeignCache, clone, text_hash
from .model import ExprFact, Hint, InternalError, ReasonStep, Span
from .parse import SourceText
from .settings import Settings
from .torch_api import TorchApi, load
from .values import (
    UNKNOWN,
    ClassValue,
    ConstValue,
    DictValue,
    FunctionValue,
    ItemValue,
    ModuleValue,
    Node,
    Obj,
    OptimizerValue,
    ParamsValue,
    RefValue,
    SeqValue,
    TensorValue,
    Value,
    new_tensor,
    resume_run,
    start_run,
)

MAX_CALL_DEPTH = 4
MAX_CALLS = 1500
MAX_INTERNAL_ERRORS = 50
RAISES = "raise"
RETURN = "return"
BREAK = "break"

_PARAMETER_NAMES = frozenset({"torch.nn.Parameter", "torch.nn.parameter.Parameter"})
_BUFFER_NAMES = frozenset({"torch.nn.Buffer", "torch.nn.parameter.Buffer"})
_VARIABLE_NAMES = frozenset({"torch.autograd.Variable", "torch.autograd.variable.Variable"})
_MODULE_RETURNING = (
    "torch.nn.utils.parametrizations.",
    "torch.nn.utils.parametrize.",
    "torch.nn.utils.weight_norm",
    "torch.nn.utils.spectral_norm",
    "torch.compile",
    "torch.jit.script",
)
_REQUIRES_GRAD_TYPOS = frozenset(
    {
        "require_grad",
        "requires_grads",
        "require_grads",
        "requiresgrad",
        "requires_gradient",
        "require_gradient",
        "reqires_grad",
        "requries_grad",
        "requires_gard",
        "requird_grad",
        "requires_grd",
        "requiers_grad",
    }
)


class AnalysisCancelled(Exception):
    """Raised inside the interpreter when ``Settings.cancelled`` says to stop."""


@dataclass
class Issue:
    """A problem found while interpreting, turned into a diagnostic by its rule."""

    code: str
    node: ast.AST
    message: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class InitAssign:
    """``self.name = value`` inside ``__init__`` of a class."""

    cls: ClassValue
    attr: str
    value: Value
    stmt: ast.stmt
    target: ast.Attribute | None


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


@dataclass
class Inference:
    """Everything the rules and adapters need from one interpretation."""

    tree: ast.Module
    text: SourceText
    path: str
    hints: list[Hint] = field(default_factory=list)
    expr_facts: list[ExprFact] = field(default_factory=list)
    imported_modules: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    init_assigns: list[InitAssign] = field(default_factory=list)
    classes: list[ClassValue] = field(default_factory=list)
    calls_by_qualname: dict[str, list[ast.Call]] = field(default_factory=dict)
    backward_names: set[str] = field(default_factory=set)
    #: Every ``backward()``-like call with the loops around it (innermost last).
    backward_calls: list[tuple[ast.Call, tuple[ast.stmt, ...]]] = field(default_factory=list)
    torch_alias: str | None = None
    nn_alias: str | None = None
    call_qualnames: dict[int, str] = field(default_factory=dict)
    user_function_sources: dict[str, ast.AST] = field(default_factory=dict)
    #: Facts the rules derive from this inference, computed once and shared between rules.
    derived: dict[str, Any] = field(default_factory=dict)
    #: Statements the interpreter failed on (each skipped; see ``LEAF_LSP_DEBUG``).
    internal_errors: list[InternalError] = field(default_factory=list)

    def issues_for(self, code: str) -> Iterator[Issue]:
        """The issues with ``code`` found in this file."""
        return (issue for issue in self.issues if issue.code == code)

    def span(self, node: ast.AST) -> Span:
        """The character span of ``node``."""
        return self.text.span(node)

    def qualname(self, call: ast.Call) -> str | None:
        """The resolved qualified name of a call's target, when it was a library object."""
        return self.call_qualnames.get(id(call))


def infer(tree: ast.Module, text: SourceText, path: str, settings: Settings) -> Inference:
    """Interpret ``tree`` and collect hints and issues."""
    interp = Interpreter(tree, text, path, settings)
    interp.run()
    return interp.result


def _join_bool(a: bool | None, b: bool | None) -> bool | None:
    return a if a == b else None


class Interpreter:
    """Runs one module abstractly."""

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
        self._hints: dict[tuple[int, str], list[Any]] = {}
        self._exprs: dict[int, list[Any]] = {}
        self._issue_keys: set[tuple[str, int]] = set()
        self._error_keys: set[tuple[str, int, str]] = set()
        self._analysed: set[int] = set()
        self._call_cache: dict[tuple[Any, ...], tuple[Value, bool, object]] = {}
        self._active: list[int] = []
        self._prototypes: dict[int, ModuleValue] = {}
        self._foreign_cache: dict[str, Scope | None] = {}
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
                for method in value.methods.values():
                    if method.node.name == "__init__":
                        continue
                    self._standalone(method, proto)
            elif isinstance(stmt, (ast.If, ast.Try, ast.With)):
                for sub in _child_blocks(stmt):
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
            self._prototypes[id(cls)] = proto
        return proto

    def _unknown_args(self, func: FunctionValue, self_value: Value | None) -> list[Value]:
        node = func.node
        params = node.args.posonlyargs + node.args.args
        args: list[Value] = []
        for i, _ in enumerate(params):
            if i == 0 and self_value is not None and not _is_static(node):
                args.append(self_value)
            else:
                args.append(UNKNOWN)
        return args

    def _finish(self) -> None:
        result = self.result
        for (line, name), entries in sorted(self._hints.items()):
            called = [e for e in entries if e[4]]
            use = called or entries
            span = use[0][0]
            leaf, rg, reason = use[0][1], use[0][2], use[0][3]
            for e in use[1:]:
                leaf = _join_bool(leaf, e[1])
                rg = _join_bool(rg, e[2])
            if (leaf, rg) != (use[0][1], use[0][2]):
                reason = reason + (ReasonStep(line, "differs between iterations or call sites -> unknown"),)
            result.hints.append(Hint(name, line, span, leaf, rg, reason))
        for entries in self._exprs.values():
            node, leaf, rg, reason = entries[0], entries[1], entries[2], entries[3]
            span = self.text.span(node)
            result.expr_facts.append(ExprFact(span, _short(self.text, span), leaf, rg, reason))

    # ------------------------------------------------------------------ recording
    def issue(self, code: str, node: ast.AST, message: str, ctx: Ctx, **data: Any) -> bool:
        """Record an issue once per (code, node). Returns True if new."""
        if not ctx.record:
            return False
        key = (code, id(node))
        if key in self._issue_keys:
            return False
        self._issue_keys.add(key)
        self.result.issues.append(Issue(code, node, message, data))
        return True

    def raises(self, code: str, node: ast.AST, message: str, ctx: Ctx, **data: Any) -> None:
        """Record an issue that certainly raises: the rest of the block is unreachable."""
        self.issue(code, node, message, ctx, **data)
        ctx.stopped = RAISES

    def record_hint(self, line: int, name: str, target: ast.AST, value: Value, ctx: Ctx) -> None:
        if not isinstance(value, TensorValue) or not ctx.record or not self.settings.hints:
            return
        entry = (self.text.span(target), value.leaf, value.rg, value.reason, not ctx.weak)
        self._hints.setdefault((line, name), []).append(entry)

    def record_expr(self, node: ast.AST, value: Value) -> None:
        if not isinstance(value, TensorValue):
            return
        key = id(node)
        old = self._exprs.get(key)
        if old is None:
            self._exprs[key] = [node, value.leaf, value.rg, value.reason]
        else:
            old[1] = _join_bool(old[1], value.leaf)
            old[2] = _join_bool(old[2], value.rg)

    # ------------------------------------------------------------------ statements
    def exec_block(self, body: list[ast.stmt], scope: Scope, ctx: Ctx) -> None:
        table = _STMT_HANDLERS
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
        handler = _STMT_HANDLERS.get(type(stmt))
        if handler is not None:
            handler(self, stmt, scope, ctx)

    def stmt_Expr(self, stmt: ast.Expr, scope: Scope, ctx: Ctx) -> None:
        value = stmt.value
        if isinstance(value, ast.Call):
            qual = self._qual_of(value.func, scope)
            if qual == "torch.set_grad_enabled" and (value.args or value.keywords):
                flag = value.args[0] if value.args else value.keywords[0].value
                ctx.grad = self._const_flag(flag, scope)
                return
        self.eval(value, scope, ctx)

    def stmt_Import(self, stmt: ast.Import, scope: Scope, ctx: Ctx) -> None:
        for alias in stmt.names:
            if alias.asname:
                scope.vars[alias.asname] = self._import_value(alias.name, 0, None)
                self._note_alias(alias.asname, alias.name)
            else:
                top = alias.name.split(".")[0]
                scope.vars[top] = self._import_value(top, 0, None)
                self._note_alias(top, top)
            self.result.imported_modules.append(alias.name)

    def stmt_ImportFrom(self, stmt: ast.ImportFrom, scope: Scope, ctx: Ctx) -> None:
        module = stmt.module or ""
        if stmt.level == 0:
            self.result.imported_modules.append(module)
        for alias in stmt.names:
            if alias.name == "*":
                continue
            bound = alias.asname or alias.name
            if stmt.level == 0 and _is_library(module):
                qual = f"{module}.{alias.name}"
                scope.vars[bound] = RefValue(qual)
                self._note_alias(bound, qual)
            else:
                scope.vars[bound] = self._foreign_name(module, stmt.level, alias.name)

    def _note_alias(self, bound: str, qual: str) -> None:
        if qual == "torch" and self.result.torch_alias is None:
            self.result.torch_alias = bound
        if qual == "torch.nn" and self.result.nn_alias is None:
            self.result.nn_alias = bound

    def _import_value(self, name: str, level: int, attr: str | None) -> Value:
        if _is_library(name):
            return RefValue(name)
        scope = self._foreign_scope(name, level)
        if scope is None:
            return UNKNOWN
        return RefValue("<user>." + name)

    def _foreign_name(self, module: str, level: int, name: str) -> Value:
        scope = self._foreign_scope(module, level)
        if scope is None:
            return UNKNOWN
        return scope.vars.get(name, UNKNOWN)

    def _foreign_scope(self, module: str, level: int) -> Scope | None:
        """The definitions of the user's module ``module``: this analysis' own copy."""
        resolver = self.settings.resolver
        if resolver is None or self.cross_depth >= 2:
            return None
        key = f"{level}:{module}"
        if key in self._foreign_cache:
            return self._foreign_cache[key]
        self._foreign_cache[key] = None  # guards import cycles
        try:
            found = resolver.resolve(module, level, self.path)
        except Exception:  # noqa: BLE001 - a resolver failure only loses cross-file facts
            found = None
        if found is None:
            return None
        other_path, other_source = found
        digest = text_hash(other_source)
        self.dependencies.append(((module, level, self.path), digest))
        cache_key = (other_path, digest, self.cross_depth + 1, str(getattr(resolver, "root", "")))
        entry = _FOREIGN.get(cache_key, self._still_resolves)
        if entry is None:
            entry = self._interpret_foreign(other_path, other_source)
            if entry is None:
                return None
            _FOREIGN.put(cache_key, entry)
        self.dependencies.extend(entry.dependencies)
        # Values are mutable: what this file does to them must not reach the kept entry.
        scope = clone(entry.scope, (Scope,))
        assert isinstance(scope, Scope)
        self._foreign_cache[key] = scope
        return scope

    def _still_resolves(self, dependency: Dependency) -> bool:
        (module, level, importer), digest = dependency
        resolver = self.settings.resolver
        try:
            found = resolver.resolve(module, level, importer) if resolver is not None else None
        except Exception:  # noqa: BLE001 - treated as changed: the entry is rebuilt
            return False
        return found is not None and text_hash(found[1]) == digest

    def _interpret_foreign(self, other_path: str, other_source: str) -> Entry | None:
        from .parse import parse

        tree, _ = parse(other_source, other_path)
        if tree is None:
            return None
        settings = dataclasses.replace(self.settings, parse_cache=None, hints=False)
        other = Interpreter(tree, SourceText(other_source), other_path, settings, self.cross_depth + 1)
        ctx = Ctx(record=False)
        # Only definitions and imports: running another module's script code is not ours to do.
        body: list[ast.stmt] = [
            s
            for s in tree.body
            if isinstance(
                s,
                (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign),
            )
        ]
        # Its graph nodes belong to a run of their own, whichever file imports it first.
        previous = start_run()
        try:
            other.exec_block(body, other.module_scope, ctx)
        finally:
            resume_run(previous)
        return Entry(other.module_scope, tuple(other.dependencies))

    def stmt_FunctionDef(self, stmt: ast.FunctionDef, scope: Scope, ctx: Ctx) -> None:
        scope.vars[stmt.name] = self.make_function(stmt, scope, None, ctx)

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def make_function(self, node: Any, scope: Scope, cls: ClassValue | None, ctx: Ctx) -> FunctionValue:
        func = FunctionValue(node, node.name, scope, cls)
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            qual = self._qual_of(target, scope)
            if qual is None:
                continue
            short = qual[6:] if qual.startswith("torch.") else None
            if short in ("no_grad", "inference_mode", "autograd.no_grad", "autograd.grad_mode.no_grad"):
                func.grad_mode = False
            elif short in ("enable_grad", "autograd.enable_grad"):
                func.grad_mode = True
        return func

    def stmt_ClassDef(self, stmt: ast.ClassDef, scope: Scope, ctx: Ctx) -> None:
        scope.vars[stmt.name] = self.make_class(stmt, scope, ctx)

    def make_class(self, stmt: ast.ClassDef, scope: Scope, ctx: Ctx) -> ClassValue:
        bases = tuple(self.eval(b, scope, ctx) for b in stmt.bases)
        cls = ClassValue(stmt, stmt.name, bases, scope=scope)
        is_module: bool | None = False
        for base in bases:
            if isinstance(base, RefValue):
                q = base.qualname
                if q.startswith("torch.autograd.") and q.endswith("Function"):
                    cls.is_autograd_function = True
                if (
                    q.startswith("torch.nn.")
                    and q.rsplit(".", 1)[-1] in self.api.nn_modules
                    or q
                    in (
                        "torch.nn.Module",
                        "torch.nn.modules.module.Module",
                    )
                ):
                    is_module = True
                elif not q.startswith("torch.") and is_module is False:
                    is_module = None
            elif isinstance(base, ClassValue):
                if base.is_module:
                    is_module = True
                elif base.is_module is None and is_module is False:
                    is_module = None
                cls.is_autograd_function = cls.is_autograd_function or base.is_autograd_function
            elif is_module is False:
                is_module = None
        cls.is_module = is_module
        for item in stmt.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                cls.methods[item.name] = self.make_function(item, scope, cls, ctx)
        if self.cross_depth == 0:
            self.result.classes.append(cls)
        return cls

    def stmt_Return(self, stmt: ast.Return, scope: Scope, ctx: Ctx) -> None:
        value = self.eval(stmt.value, scope, ctx) if stmt.value is not None else ConstValue(None)
        if ctx.stopped:
            return
        ctx.returns.append(value)
        ctx.stopped = RETURN

    def stmt_Raise(self, stmt: ast.Raise, scope: Scope, ctx: Ctx) -> None:
        ctx.stopped = RETURN  # leaves the block; not one of ours, so no issue

    def stmt_Break(self, stmt: ast.stmt, scope: Scope, ctx: Ctx) -> None:
        ctx.stopped = BREAK

    stmt_Continue = stmt_Break

    def stmt_Assign(self, stmt: ast.Assign, scope: Scope, ctx: Ctx) -> None:
        value = self.eval(stmt.value, scope, ctx)
        if ctx.stopped:
            return
        if (
            len(stmt.targets) == 1
            and isinstance(stmt.value, ast.BinOp)
            and isinstance(stmt.value.op, ast.Add)
        ):
            target = stmt.targets[0]
            if (
                isinstance(target, ast.Name)
                and isinstance(stmt.value.left, ast.Name)
                and stmt.value.left.id == target.id
            ):
                self._check_accumulate(
                    stmt, target.id, self.eval_quiet(stmt.value.right, scope, ctx), scope, ctx
                )
        for target in stmt.targets:
            self.assign(target, value, stmt, scope, ctx)

    def stmt_AnnAssign(self, stmt: ast.AnnAssign, scope: Scope, ctx: Ctx) -> None:
        if stmt.value is None:
            return
        value = self.eval(stmt.value, scope, ctx)
        if not ctx.stopped:
            self.assign(stmt.target, value, stmt, scope, ctx)

    def assign(self, target: ast.AST, value: Value, stmt: ast.stmt, scope: Scope, ctx: Ctx) -> None:
        line = stmt.lineno
        if isinstance(target, ast.Name):
            scope.vars[target.id] = value
            if isinstance(value, TensorValue) and value.obj.line == 0:
                value.obj.line = line
            self.record_hint(line, target.id, target, value, ctx)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self._unpack(value, len(target.elts))
            for elt, item in zip(target.elts, items):
                self.assign(elt, item, stmt, scope, ctx)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, UNKNOWN, stmt, scope, ctx)
        elif isinstance(target, ast.Attribute):
            self.assign_attribute(target, value, stmt, scope, ctx)
        elif isinstance(target, ast.Subscript):
            base = self.eval(target.value, scope, ctx)
            self.eval(target.slice, scope, ctx)
            if isinstance(base, TensorValue):
                self.inplace(base, target, stmt, [value], "item assignment", ctx, via_view=True)

    def _unpack(self, value: Value, n: int) -> list[Value]:
        if isinstance(value, SeqValue) and len(value.items) == n:
            return list(value.items)
        if isinstance(value, TensorValue):
            # Unpacking a tensor iterates its first dimension: views.
            return [self._view_of(value, value.obj.line, "an element of") for _ in range(n)]
        return [UNKNOWN] * n

    def assign_attribute(
        self, target: ast.Attribute, value: Value, stmt: ast.stmt, scope: Scope, ctx: Ctx
    ) -> None:
        attr = target.attr
        owner = self.eval(target.value, scope, ctx)
        if attr == "data":
            self._data_mutation(target, stmt, ctx, owner if isinstance(owner, TensorValue) else None)
        if isinstance(owner, TensorValue):
            if attr == "requires_grad":
                self.set_requires_grad(owner, stmt, value, ctx, method=False)
            elif attr in _REQUIRES_GRAD_TYPOS:
                self.issue(
                    "LEAF208",
                    stmt,
                    f"`{_short(self.text, self.text.span(target))}` is a typo of `requires_grad`: "
                    "it sets a plain Python attribute and autograd ignores it",
                    ctx,
                    attr_node=target,
                    wrong=attr,
                )
            elif attr == "grad":
                pass
            return
        if isinstance(owner, ModuleValue):
            if isinstance(value, TensorValue) and value.origin == "param" and attr in owner.attrs:
                pass
            owner.attrs[attr] = value
            if isinstance(value, ModuleValue) and value is not owner:
                owner.children.append(value)
                if value.has_params:
                    owner.has_params = True
            if isinstance(value, TensorValue) and value.origin == "param":
                owner.has_params = True
                if not value.owners:
                    value.owners = (owner,)
            if isinstance(target.value, ast.Name) and target.value.id == "self":
                self.record_hint(stmt.lineno, "self." + attr, target, value, ctx)
                func = ctx.func
                if func is not None and func.cls is not None and func.node.name == "__init__":
                    if self.cross_depth == 0 and ctx.record:
                        self.result.init_assigns.append(InitAssign(func.cls, attr, value, stmt, target))
            return
        if isinstance(owner, ParamsValue):
            return
        if isinstance(target.value, ast.Name) and target.value.id == "self":
            self.record_hint(stmt.lineno, "self." + attr, target, value, ctx)

    def stmt_AugAssign(self, stmt: ast.AugAssign, scope: Scope, ctx: Ctx) -> None:
        target = stmt.target
        right = self.eval(stmt.value, scope, ctx)
        if ctx.stopped:
            return
        if isinstance(target, ast.Subscript):
            base = self.eval(target.value, scope, ctx)
            if isinstance(base, TensorValue):
                self.inplace(base, target, stmt, [right], "in-place item update", ctx, via_view=True)
            return
        current = self.eval(target, scope, ctx)
        if isinstance(current, TensorValue):
            self.inplace(current, target, stmt, [right], _AUG_TEXT.get(type(stmt.op), "in-place op"), ctx)
            if not ctx.stopped and isinstance(target, ast.Name):
                self.record_hint(stmt.lineno, target.id, target, current, ctx)
            elif (
                not ctx.stopped
                and isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                self.record_hint(stmt.lineno, "self." + target.attr, target, current, ctx)
            return
        if isinstance(target, ast.Name) and isinstance(stmt.op, ast.Add):
            self._check_accumulate(stmt, target.id, right, scope, ctx)
        new = self.binop(current, right, stmt.op, stmt, ctx)
        self.assign(target, new, stmt, scope, ctx)

    def _check_accumulate(self, stmt: ast.stmt, name: str, right: Value, scope: Scope, ctx: Ctx) -> None:
        if ctx.loop_depth == 0 or not isinstance(right, TensorValue) or right.rg is not True:
            return
        current = scope.vars.get(name)
        start = ctx.loops[-1].lineno if ctx.loops else 0
        before_loop = isinstance(current, (ConstValue, ItemValue)) or (
            isinstance(current, TensorValue) and 0 < current.obj.line < start
        )
        if before_loop or current is None:
            value_node = (
                stmt.value.right
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.BinOp)
                else getattr(stmt, "value", None)
            )
            self.issue(
                "LEAF210",
                stmt,
                f"`{name}` accumulates a tensor that requires grad across loop iterations: every "
                "iteration's autograd graph stays alive and memory grows",
                ctx,
                name=name,
                loops=tuple(ctx.loops),
                value_node=value_node,
                func=id(ctx.func.node) if ctx.func else 0,
            )

    def _data_mutation(self, target: ast.AST, stmt: ast.AST, ctx: Ctx, value: TensorValue | None) -> None:
        """An in-place change through ``.data`` (or an alias of it): invisible to autograd."""
        if not isinstance(stmt, ast.stmt) and self.current_stmt is not None:
            stmt = self.current_stmt
        func = ctx.func
        in_forward = func is not None and func.cls is not None and func.node.name == "forward"
        root: ast.AST = target
        while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
            root = root.func if isinstance(root, ast.Call) else root.value
        text = _short(self.text, self.text.span(target))
        # In forward, state the module owns is part of the graph of every call.
        owned = value is not None and func is not None and _owned_by(value, func.bound_self)
        if in_forward and isinstance(root, ast.Name) and (root.id == "self" or owned):
            self.issue(
                "LEAF206",
                stmt,
                f"`{text}` is mutated inside `forward`: the change bypasses autograd, so "
                "gradients are computed for values that no longer match",
                ctx,
            )
        elif in_forward and value is not None and value.data_of_param and owned:
            self.issue(
                "LEAF206",
                stmt,
                f"`{text}` (an alias of a parameter's `.data`) is mutated inside `forward`: "
                "the change bypasses autograd",
                ctx,
            )
        elif value is not None and value.obj.in_live_graph():
            self.issue(
                "LEAF206",
                stmt,
                f"`{text}` is mutated through `.data` while a graph that used it waits for "
                "backward(): the gradients will be computed from the changed values, silently",
                ctx,
            )

    def stmt_If(self, stmt: ast.If, scope: Scope, ctx: Ctx) -> None:
        test = self.eval(stmt.test, scope, ctx)
        decided = _static_truth(stmt.test)
        if (
            decided is None
            and isinstance(test, ConstValue)
            and (test.value is None or isinstance(test.value, bool))
        ):
            decided = bool(test.value)  # a flag set to a constant earlier in the program
        if decided is True:
            self.exec_block(stmt.body, scope, ctx)
            return
        if decided is False:
            self.exec_block(stmt.orelse, scope, ctx)
            return
        narrowed = _isinstance_tensor_test(stmt.test)
        overrides: list[dict[str, Value]] = [{}, {}]
        if narrowed is not None:
            name, positive = narrowed
            # The branch where the value is not a tensor must not see it as one.
            overrides[1 if positive else 0][name] = UNKNOWN
        self._branches([stmt.body, stmt.orelse], scope, ctx, overrides)

    def _branches(
        self,
        blocks: list[list[ast.stmt]],
        scope: Scope,
        ctx: Ctx,
        overrides: list[dict[str, Value]] | None = None,
    ) -> None:
        outcomes: list[tuple[dict[str, Value], str | None]] = []
        saved_grad = ctx.grad
        ctx.cond_depth += 1
        for index, block in enumerate(blocks):
            branch_vars = dict(scope.vars)
            if overrides is not None:
                branch_vars.update(overrides[index])
            branch = Scope(self, scope.parent, branch_vars)
            ctx.stopped = None
            ctx.grad = saved_grad
            self.exec_block(block, branch, ctx)
            outcomes.append((branch_vars, ctx.stopped))
        ctx.cond_depth -= 1
        ctx.grad = saved_grad
        live = [vars_ for vars_, stopped in outcomes if stopped is None]
        if not live:
            kinds = {stopped for _, stopped in outcomes}
            ctx.stopped = RAISES if kinds == {RAISES} else RETURN
            return
        ctx.stopped = None
        scope.vars.clear()
        scope.vars.update(_join_envs(live))

    def stmt_For(self, stmt: ast.For, scope: Scope, ctx: Ctx) -> None:
        iterable = self.eval(stmt.iter, scope, ctx)
        if ctx.stopped:
            return
        element = self._element_of(iterable)
        self._loop(stmt, scope, ctx, lambda: self.assign_loop_target(stmt.target, element, stmt, scope, ctx))

    stmt_AsyncFor = stmt_For

    def assign_loop_target(
        self, target: ast.AST, value: Value, stmt: ast.stmt, scope: Scope, ctx: Ctx
    ) -> None:
        if isinstance(target, ast.Name):
            scope.vars[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt, item in zip(target.elts, self._unpack(value, len(target.elts))):
                self.assign_loop_target(elt, item, stmt, scope, ctx)

    def _element_of(self, iterable: Value) -> Value:
        if isinstance(iterable, ParamsValue):
            param = (
                self._module_param(iterable.modules[0], "<parameter>") if len(iterable.modules) == 1 else None
            )
            if param is None:
                rg = _all_same([m.params_rg for m in iterable.modules])
                param = new_tensor(True, rg, 0, "a parameter of the model", origin="param", kind="float")
            param.owners = iterable.modules
            if iterable.named:
                return SeqValue((ConstValue("name"), param))
            return param
        if isinstance(iterable, SeqValue) and iterable.items:
            first = iterable.items[0]
            if all(_same_shape(first, x) for x in iterable.items[1:]):
                return first
            return UNKNOWN
        if isinstance(iterable, TensorValue):
            return self._view_of(iterable, 0, "an element of")
        if isinstance(iterable, ModuleValue) and iterable.children:
            first = iterable.children[0]
            if all(
                c.has_params == first.has_params and c.params_rg == first.params_rg for c in iterable.children
            ):
                return first  # for block in self.blocks: the blocks behave alike
        return UNKNOWN

    def _loop(self, stmt: Any, scope: Scope, ctx: Ctx, bind: Any) -> None:
        before = dict(scope.vars)
        ctx.loop_depth += 1
        ctx.loops.append(stmt)
        ctx.cond_depth += 1
        states: list[dict[str, Value]] = []
        raised = False
        for _ in range(2):
            ctx.stopped = None
            bind()
            self.exec_block(stmt.body, scope, ctx)
            if ctx.stopped == RAISES:
                raised = True
                break
            if ctx.stopped == RETURN:
                break
            states.append(dict(scope.vars))
        ctx.cond_depth -= 1
        ctx.loops.pop()
        ctx.loop_depth -= 1
        if raised:
            ctx.stopped = RAISES
            return
        stopped = ctx.stopped
        ctx.stopped = None
        if stopped == RETURN and not states:
            scope.vars.clear()
            scope.vars.update(before)
        else:
            joined = _join_envs(states) if states else dict(scope.vars)
            merged = dict(before)
            merged.update(joined)
            scope.vars.clear()
            scope.vars.update(merged)
        if getattr(stmt, "orelse", None):
            self.exec_block(stmt.orelse, scope, ctx)

    def stmt_While(self, stmt: ast.While, scope: Scope, ctx: Ctx) -> None:
        self.eval(stmt.test, scope, ctx)
        if _static_truth(stmt.test) is False:
            self.exec_block(stmt.orelse, scope, ctx)
            return
        self._loop(stmt, scope, ctx, lambda: None)

    def stmt_With(self, stmt: ast.With, scope: Scope, ctx: Ctx) -> None:
        saved = ctx.grad
        for item in stmt.items:
            mode = self._grad_context(item.context_expr, scope, ctx)
            if mode is not _NOT_GRAD_CONTEXT:
                ctx.grad = mode  # type: ignore[assignment]
            else:
                value = self.eval(item.context_expr, scope, ctx)
                if item.optional_vars is not None:
                    self.assign(
                        item.optional_vars,
                        value if isinstance(value, TensorValue) else UNKNOWN,
                        stmt,
                        scope,
                        ctx,
                    )
        self.exec_block(stmt.body, scope, ctx)
        ctx.grad = saved

    stmt_AsyncWith = stmt_With

    def _grad_context(self, expr: ast.expr, scope: Scope, ctx: Ctx) -> object:
        call = expr if isinstance(expr, ast.Call) else None
        qual = self._qual_of(call.func if call else expr, scope)
        if qual is None or not qual.startswith("torch."):
            return _NOT_GRAD_CONTEXT
        name = qual.rsplit(".", 1)[-1]
        if name in ("no_grad",):
            return False
        if name == "enable_grad":
            return True
        mode_arg: ast.expr | None = None
        if call is not None:
            mode_arg = (
                call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "mode"), None)
            )
        if name == "inference_mode":
            if mode_arg is not None:
                mode = self._const_flag(mode_arg, scope)
                return None if mode is None else (False if mode else ctx.grad)
            return False
        if name == "set_grad_enabled":
            return self._const_flag(mode_arg, scope) if mode_arg is not None else None
        return _NOT_GRAD_CONTEXT

    def _const_flag(self, node: ast.expr, scope: Scope) -> bool | None:
        """A literal or a name bound to a constant, as a bool (None when unknown)."""
        value = _const_bool(node)
        if value is None and isinstance(node, ast.Name):
            return _const_bool_value(scope.lookup(node.id))
        return value

    def stmt_Try(self, stmt: ast.Try, scope: Scope, ctx: Ctx) -> None:
        self.exec_block(stmt.body, scope, ctx)
        if ctx.stopped == RAISES and stmt.handlers:
            ctx.stopped = None
        if stmt.handlers:
            self._branches([[]] + [h.body for h in stmt.handlers], scope, ctx)
        if not ctx.stopped:
            self.exec_block(stmt.orelse, scope, ctx)
        stopped = ctx.stopped
        ctx.stopped = None
        self.exec_block(stmt.finalbody, scope, ctx)
        ctx.stopped = ctx.stopped or stopped

    stmt_TryStar = stmt_Try

    def stmt_Match(self, stmt: Any, scope: Scope, ctx: Ctx) -> None:
        self.eval(stmt.subject, scope, ctx)
        self._branches([[]] + [case.body for case in stmt.cases], scope, ctx)

    def stmt_Delete(self, stmt: ast.Delete, scope: Scope, ctx: Ctx) -> None:
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                scope.vars.pop(target.id, None)

    def stmt_Global(self, stmt: ast.stmt, scope: Scope, ctx: Ctx) -> None:
        return

    # ------------------------------------------------------------------ expressions
    def eval(self, node: ast.expr | None, scope: Scope, ctx: Ctx) -> Value:
        if node is None:
            return UNKNOWN
        handler = _EXPR_HANDLERS.get(type(node))
        if handler is None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.eval(child, scope, ctx)
            return UNKNOWN
        value: Value = handler(self, node, scope, ctx)
        if value.__class__ is TensorValue and ctx.record and self.settings.hints:
            self.record_expr(node, value)
        return value

    def eval_quiet(self, node: ast.expr, scope: Scope, ctx: Ctx) -> Value:
        """Evaluate a simple expression without side effects (names and attributes only)."""
        if isinstance(node, ast.Name):
            return scope.lookup(node.id)
        return (
            self.eval(node, scope, ctx) if isinstance(node, (ast.Attribute, ast.Call, ast.BinOp)) else UNKNOWN
        )

    def expr_Constant(self, node: ast.Constant, scope: Scope, ctx: Ctx) -> Value:
        return ConstValue(node.value)

    def expr_Name(self, node: ast.Name, scope: Scope, ctx: Ctx) -> Value:
        return scope.lookup(node.id)

    def expr_NamedExpr(self, node: ast.NamedExpr, scope: Scope, ctx: Ctx) -> Value:
        value = self.eval(node.value, scope, ctx)
        scope.vars[node.target.id] = value
        return value

    def _elements(self, elts: list[ast.expr], scope: Scope, ctx: Ctx) -> tuple[Value, ...]:
        items: list[Value] = []
        for e in elts:
            if isinstance(e, ast.Starred):
                inner = self.eval(e.value, scope, ctx)
                if isinstance(inner, SeqValue):
                    items.extend(inner.items)
                else:
                    items.append(inner if isinstance(inner, ParamsValue) else UNKNOWN)
            else:
                items.append(self.eval(e, scope, ctx))
        return tuple(items)

    def expr_Tuple(self, node: ast.Tuple, scope: Scope, ctx: Ctx) -> Value:
        return SeqValue(self._elements(node.elts, scope, ctx), "tuple")

    def expr_List(self, node: ast.List, scope: Scope, ctx: Ctx) -> Value:
        return SeqValue(self._elements(node.elts, scope, ctx), "list")

    def expr_Dict(self, node: ast.Dict, scope: Scope, ctx: Ctx) -> Value:
        items: dict[str, Value] = {}
        for key, val in zip(node.keys, node.values):
            value = self.eval(val, scope, ctx)
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                items[key.value] = value
        return DictValue(items)

    def expr_IfExp(self, node: ast.IfExp, scope: Scope, ctx: Ctx) -> Value:
        test = self.eval(node.test, scope, ctx)
        if isinstance(test, ConstValue) and (test.value is None or isinstance(test.value, bool)):
            return self.eval(node.body if test.value else node.orelse, scope, ctx)
        return _join(self.eval(node.body, scope, ctx), self.eval(node.orelse, scope, ctx))

    def expr_Lambda(self, node: ast.Lambda, scope: Scope, ctx: Ctx) -> Value:
        return UNKNOWN

    def expr_Await(self, node: ast.Await, scope: Scope, ctx: Ctx) -> Value:
        return self.eval(node.value, scope, ctx)

    def expr_Starred(self, node: ast.Starred, scope: Scope, ctx: Ctx) -> Value:
        self.eval(node.value, scope, ctx)
        return UNKNOWN

    def _comprehension(self, node: Any, scope: Scope, ctx: Ctx) -> Value:
        inner = Scope(self, scope, dict(scope.vars) if scope.parent is None else {})
        if scope.parent is not None:
            inner.vars.update(scope.vars)
        iterable: Value = UNKNOWN
        for gen in node.generators:
            iterable = self.eval(gen.iter, inner, ctx)
            self.assign_loop_target(gen.target, self._element_of(iterable), node, inner, ctx)
        elt = getattr(node, "elt", None)
        gen = node.generators[0] if len(node.generators) == 1 else None
        if (
            gen is not None
            and not gen.ifs
            and isinstance(elt, ast.Name)
            and isinstance(gen.target, ast.Name)
            and elt.id == gen.target.id
            and isinstance(iterable, (SeqValue, ParamsValue))
        ):
            return iterable  # (p for p in xs) is xs, element for element
        if elt is not None:
            value = self.eval(elt, inner, ctx)
            if isinstance(node, (ast.ListComp, ast.GeneratorExp)) and isinstance(
                value, (ModuleValue, TensorValue, ItemValue)
            ):
                return SeqValue((value,), "list-comp")
        return UNKNOWN

    expr_ListComp = _comprehension
    expr_GeneratorExp = _comprehension
    expr_SetComp = _comprehension
    expr_DictComp = _comprehension

    def expr_BinOp(self, node: ast.BinOp, scope: Scope, ctx: Ctx) -> Value:
        left = self.eval(node.left, scope, ctx)
        right = self.eval(node.right, scope, ctx)
        if (
            isinstance(node.op, ast.Add)
            and isinstance(left, (SeqValue, ParamsValue))
            and isinstance(right, (SeqValue, ParamsValue))
        ):
            # list(a.parameters()) + list(b.parameters()) + [extra]: keep every part for the optimizer.
            parts = [
                v for side in (left, right) for v in (side.items if isinstance(side, SeqValue) else (side,))
            ]
            return SeqValue(tuple(parts), "list")
        return self.binop(left, right, node.op, node, ctx)

    def binop(self, left: Value, right: Value, op: ast.operator, node: ast.AST, ctx: Ctx) -> Value:
        if not isinstance(left, TensorValue) and not isinstance(right, TensorValue):
            if isinstance(left, ItemValue) or isinstance(right, ItemValue):
                return ItemValue(getattr(node, "lineno", 0))
            if _is_number(left) and _is_number(right):
                return ConstValue(0.0)  # arithmetic on Python numbers stays a number
            return UNKNOWN
        symbol = _OP_TEXT.get(type(op), "an operator")
        result = self.op_result([left, right], node, f"`{symbol}`", ctx, kind=_promote(left, right))
        if isinstance(result, TensorValue) and result.node is not None:
            result.node.saved = _binop_saved(op, left, right)
        return result

    def expr_UnaryOp(self, node: ast.UnaryOp, scope: Scope, ctx: Ctx) -> Value:
        operand = self.eval(node.operand, scope, ctx)
        if isinstance(operand, TensorValue):
            if isinstance(node.op, ast.Not):
                return UNKNOWN
            return self.op_result([operand], node, "unary `-`", ctx, kind=operand.kind)
        return operand if isinstance(operand, ItemValue) or _is_number(operand) else UNKNOWN

    def expr_Compare(self, node: ast.Compare, scope: Scope, ctx: Ctx) -> Value:
        values = [self.eval(node.left, scope, ctx)] + [self.eval(c, scope, ctx) for c in node.comparators]
        if any(isinstance(v, TensorValue) for v in values) and not any(
            isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in node.ops
        ):
            return new_tensor(
                True,
                False,
                node.lineno,
                "a comparison gives a bool tensor (never requires grad)",
                dtype="bool",
                origin="op",
            )
        return UNKNOWN

    def expr_BoolOp(self, node: ast.BoolOp, scope: Scope, ctx: Ctx) -> Value:
        values = [self.eval(v, scope, ctx) for v in node.values]
        if (
            isinstance(node.op, ast.Or)
            and len(values) == 2
            and isinstance(values[1], TensorValue)
            and isinstance(values[0], ConstValue)
            and values[0].value is None
        ):
            return values[1]
        return UNKNOWN

    def expr_JoinedStr(self, node: ast.JoinedStr, scope: Scope, ctx: Ctx) -> Value:
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                self.eval(v.value, scope, ctx)
        return ConstValue("")

    def expr_Subscript(self, node: ast.Subscript, scope: Scope, ctx: Ctx) -> Value:
        base = self.eval(node.value, scope, ctx)
        index = self.eval(node.slice, scope, ctx)
        if isinstance(base, TensorValue):
            if isinstance(index, TensorValue) and index.kind in ("int", "bool"):
                return self.op_result([base], node, "advanced indexing", ctx, kind=base.kind, copy_of=base)
            return self._view_of(base, node.lineno, "indexing", ctx)
        if isinstance(base, SeqValue):
            if (
                isinstance(index, ConstValue)
                and isinstance(index.value, int)
                and -len(base.items) <= index.value < len(base.items)
            ):
                return base.items[index.value]
            if base.kind == "list-comp" and base.items:
                return base.items[0]
            return UNKNOWN
        if isinstance(base, DictValue) and isinstance(index, ConstValue) and isinstance(index.value, str):
            return base.items.get(index.value, UNKNOWN)
        if isinstance(base, ModuleValue) and base.children:
            if (
                isinstance(index, ConstValue)
                and isinstance(index.value, int)
                and -len(base.children) <= index.value < len(base.children)
            ):
                return base.children[index.value]
            return UNKNOWN
        return UNKNOWN

    def expr_Attribute(self, node: ast.Attribute, scope: Scope, ctx: Ctx) -> Value:
        base = self.eval(node.value, scope, ctx)
        attr = node.attr
        if isinstance(base, RefValue):
            return RefValue(base.qualname + "." + attr)
        if isinstance(base, TensorValue):
            return self.tensor_attribute(base, attr, node, ctx)
        if isinstance(base, ModuleValue):
            return self.module_attribute(base, attr)
        if isinstance(base, ClassValue):
            method = _find_method(base, attr)
            return method or UNKNOWN
        if isinstance(base, _SuperValue):
            for cls in _mro(base.cls)[1:]:
                method = cls.methods.get(attr)
                if method is not None:
                    return FunctionValue(
                        method.node,
                        method.qualname,
                        method.scope,
                        method.cls,
                        base.self_value,
                        method.grad_mode,
                    )
            return UNKNOWN
        return UNKNOWN

    def tensor_attribute(self, base: TensorValue, attr: str, node: ast.Attribute, ctx: Ctx) -> Value:
        line = node.lineno
        if attr == "grad":
            if isinstance(node.ctx, ast.Store):
                return UNKNOWN
            base.obj.grad_read = True
            if base.leaf is False and not base.obj.retains_grad:
                self.issue(
                    "LEAF201",
                    node,
                    f"`{_short(self.text, self.text.span(node))}` reads the gradient of a non-leaf tensor: it is "
                    "None after backward() unless retain_grad() was called before",
                    ctx,
                    obj=base.obj,
                )
            return new_tensor(
                True,
                False,
                line,
                "a `.grad` tensor (a leaf that does not require grad)",
                dtype=base.dtype,
                device=base.device,
                origin="grad",
            )
        if attr == "data":
            alias = TensorValue(
                True,
                False,
                base.with_reason(line, "`.data` is a detached alias (leaf, no grad)"),
                base.obj,
                base.dtype,
                base.kind,
                base.device,
                None,
                "data",
            )
            alias.data_of_param = base.origin == "param"
            alias.owners = base.owners
            return alias
        if attr in ("T", "mT", "H", "mH", "real", "imag"):
            return self._view_of(base, line, f"`.{attr}`", ctx)
        if attr in ("requires_grad", "is_leaf"):
            return ConstValue(base.rg if attr == "requires_grad" else base.leaf)
        return UNKNOWN

    def module_attribute(self, module: ModuleValue, attr: str) -> Value:
        if attr in module.attrs:
            return module.attrs[attr]
        if module.cls is not None:
            method = _find_method(module.cls, attr)
            if method is not None:
                return FunctionValue(
                    method.node, method.qualname, method.scope, method.cls, module, method.grad_mode
                )
        if module.torch_class is not None and attr in (
            "weight",
            "bias",
            "in_proj_weight",
            "weight_ih_l0",
            "weight_hh_l0",
            "bias_ih_l0",
            "bias_hh_l0",
        ):
            param = self._module_param(module, attr) if module.has_params else None
            if param is not None:
                module.attrs[attr] = param
                return param
        return _BoundModuleAttr(module, attr)

    def _module_param(self, module: ModuleValue, attr: str) -> TensorValue | None:
        if module.has_params is False:
            return None
        param = new_tensor(
            True,
            module.params_rg,
            0,
            f"`{module.name}.{attr}` is a parameter (a leaf)"
            if attr != "<parameter>"
            else f"a parameter of `{module.name}` (a leaf)",
            dtype="float32",
            origin="param",
            obj=module.param_obj,
        )
        param.owners = (module,)
        return param

    def _view_of(self, base: TensorValue, line: int, what: str, ctx: Ctx | None = None) -> TensorValue:
        grad = ctx.grad if ctx is not None else True
        if base.rg is True and grad is not False:
            node = Node((base.node,) if base.node else (), (), line)
            leaf: bool | None = False if grad is True else None
            rg: bool | None = True if grad is True else None
            return TensorValue(
                leaf,
                rg,
                base.with_reason(line, f"{what} a tensor that requires grad is a view: non-leaf"),
                base.obj,
                base.dtype,
                base.kind,
                base.device,
                node,
                "view",
            )
        if base.rg is False or grad is False:
            return TensorValue(
                True,
                False,
                base.with_reason(line, f"{what} a tensor that does not require grad: leaf"),
                base.obj,
                base.dtype,
                base.kind,
                base.device,
                None,
                "view",
            )
        return TensorValue(
            None, None, base.reason, base.obj, base.dtype, base.kind, base.device, None, "view"
        )

    # ------------------------------------------------------------------ calls
    def expr_Call(self, node: ast.Call, scope: Scope, ctx: Ctx) -> Value:
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = self.eval(func.value, scope, ctx)
            if ctx.stopped:
                return UNKNOWN
            args, kwargs = self._args(node, scope, ctx)
            if ctx.stopped:
                return UNKNOWN
            if isinstance(receiver, TensorValue):
                return self.tensor_method(receiver, func.attr, args, kwargs, node, scope, ctx)
            if isinstance(receiver, RefValue):
                return self.library_call(receiver.qualname + "." + func.attr, args, kwargs, node, scope, ctx)
            if isinstance(receiver, ModuleValue):
                return self.module_method(receiver, func.attr, args, kwargs, node, scope, ctx)
            if isinstance(receiver, OptimizerValue):
                return self.optimizer_method(receiver, func.attr, node)
            if isinstance(receiver, ParamsValue):
                return UNKNOWN
            if isinstance(receiver, ClassValue):
                if func.attr == "apply" and receiver.is_autograd_function:
                    return self.op_result(args, node, f"`{receiver.name}.apply`", ctx)
                method = _find_method(receiver, func.attr)
                if method is not None:
                    return self.call_function(method, args, kwargs, ctx)[0]
                return UNKNOWN
            if isinstance(receiver, _SuperValue):
                callee = self.expr_Attribute(func, scope, ctx)
                if isinstance(callee, FunctionValue):
                    return self.call_function(callee, args, kwargs, ctx)[0]
                return UNKNOWN
            if isinstance(receiver, SeqValue) and func.attr == "append" and receiver.kind == "list":
                if args and len(receiver.items) < 64:
                    receiver.items = receiver.items + (args[0],)  # lists grow: self.layers.append(...)
                name = _target_name(func.value)
                if (
                    name
                    and args
                    and isinstance(args[0], TensorValue)
                    and args[0].rg is True
                    and ctx.loop_depth
                ):
                    self.issue(
                        "LEAF210",
                        self.current_stmt or node,
                        f"`{name}` collects tensors that require grad across loop iterations: every iteration's "
                        "autograd graph stays alive and memory grows",
                        ctx,
                        name=name,
                        loops=tuple(ctx.loops),
                        value_node=node.args[0] if node.args else None,
                    )
                return ConstValue(None)
            if func.attr == "backward" and receiver is UNKNOWN:
                self._note_backward(node, ctx)
                name = _target_name(func.value)
                if name:
                    self.result.backward_names.add(name)
            return UNKNOWN
        callee = self.eval(func, scope, ctx)
        if ctx.stopped:
            return UNKNOWN
        args, kwargs = self._args(node, scope, ctx)
        if ctx.stopped:
            return UNKNOWN
        if isinstance(callee, RefValue):
            return self.library_call(callee.qualname, args, kwargs, node, scope, ctx)
        if isinstance(callee, FunctionValue):
            return self.call_and_propagate(callee, args, kwargs, ctx)
        if isinstance(callee, ClassValue):
            if callee.is_autograd_function:
                return UNKNOWN
            if ctx.func is not None and ctx.func.node.name == "__init__" and ctx.depth >= 1:
                # A submodule built inside another module's __init__: its own __init__ was
                # already analysed for the class prototype; re-running it per use is costly.
                return self.prototype(callee)
            return self.instantiate(callee, args, kwargs, ctx)
        if isinstance(callee, ModuleValue):
            return self.call_module(callee, args, kwargs, node, ctx)
        if isinstance(callee, _BoundModuleAttr):
            return UNKNOWN
        if isinstance(func, ast.Name):
            return self.builtin_call(func.id, args, kwargs, node, scope, ctx)
        return UNKNOWN

    def _args(self, node: ast.Call, scope: Scope, ctx: Ctx) -> tuple[list[Value], dict[str, Value]]:
        args: list[Value] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                inner = self.eval(arg.value, scope, ctx)
                if isinstance(inner, SeqValue):
                    args.extend(inner.items)
                else:
                    args.append(UNKNOWN)
            else:
                args.append(self.eval(arg, scope, ctx))
        kwargs: dict[str, Value] = {}
        for kw in node.keywords:
            value = self.eval(kw.value, scope, ctx)
            if kw.arg is not None:
                kwargs[kw.arg] = value
        return args, kwargs

    def builtin_call(
        self, name: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call, scope: Scope, ctx: Ctx
    ) -> Value:
        if name == "super":
            func = ctx.func
            self_value = scope.lookup("self")
            if func is not None and func.cls is not None:
                return _SuperValue(func.cls, self_value)
            return UNKNOWN
        if name in ("list", "tuple") and args:
            if isinstance(args[0], (SeqValue, ParamsValue)):
                return args[0]
            return UNKNOWN
        if name in ("float", "int", "bool") and args and isinstance(args[0], TensorValue):
            return ItemValue(node.lineno)
        if name == "sum" and args and isinstance(args[0], SeqValue):
            tensors = [v for v in args[0].items if isinstance(v, TensorValue)]
            if tensors:
                return self.op_result(list(tensors), node, "`sum`", ctx)
            if args[0].items and all(isinstance(v, ItemValue) for v in args[0].items):
                return ItemValue(node.lineno)
        if name in ("filter", "iter") and args:
            inner = args[-1]
            return inner if isinstance(inner, ParamsValue) else UNKNOWN
        return UNKNOWN

    def _kw_typos(self, kwargs: dict[str, Value], node: ast.Call, qual: str, ctx: Ctx) -> bool:
        for kw in node.keywords:
            if kw.arg in _REQUIRES_GRAD_TYPOS:
                self.raises(
                    "LEAF208",
                    node,
                    f"`{kw.arg}=` is a typo of `requires_grad=`: `{qual}()` raises TypeError",
                    ctx,
                    keyword=kw,
                )
                return True
        return False

    def library_call(
        self, qual: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call, scope: Scope, ctx: Ctx
    ) -> Value:
        if ctx.record and self.cross_depth == 0:
            self.result.call_qualnames[id(node)] = qual
            self.result.calls_by_qualname.setdefault(qual, []).append(node)
        if qual == "itertools.chain":
            parts: list[Value] = []
            for arg in args:
                parts.extend(arg.items if isinstance(arg, SeqValue) else (arg,))
            return SeqValue(tuple(parts), "list")
        if not qual.startswith("torch."):
            if qual.startswith("math."):
                return ConstValue(0.0)  # a Python number: it never carries a graph
            if qual.startswith("numpy."):
                return UNKNOWN
            tensors = [a for a in args if isinstance(a, TensorValue)]
            return UNKNOWN if not tensors else self.op_result(args, node, f"`{qual}`", ctx)
        api = self.api
        name = qual[6:]
        last = qual.rsplit(".", 1)[-1]
        if self._kw_typos(kwargs, node, qual, ctx):
            return UNKNOWN
        if qual in _PARAMETER_NAMES:
            return self.make_parameter(args, kwargs, node, ctx)
        if qual in _BUFFER_NAMES:
            src = args[0] if args else UNKNOWN
            if isinstance(src, TensorValue):
                return TensorValue(
                    src.leaf,
                    src.rg,
                    src.with_reason(node.lineno, "`nn.Buffer(...)` marks it a buffer"),
                    src.obj,
                    src.dtype,
                    src.kind,
                    src.device,
                    src.node,
                    "buffer",
                )
            return new_tensor(None, None, node.lineno, "`nn.Buffer(...)`", origin="buffer")
        if qual in _VARIABLE_NAMES:
            return self.make_variable(args, kwargs, node, ctx)
        if (
            name in api.aliasing_factories
            and args
            and isinstance(args[0], TensorValue)
            and "dtype" not in kwargs
            and "device" not in kwargs
        ):
            return args[0]  # as_tensor(t) is t itself
        if name in api.factories or (name in api.mixed_factories and not _flatten_tensors(args)):
            kind = api.factories.get(name) or api.mixed_factories[name]
            return self.factory(name, kind, args, kwargs, node, ctx)
        if name in api.like_factories:
            return self.like_factory(name, api.like_factories[name], args, kwargs, node, ctx)
        if name in api.tensor_constructors:
            kind = api.tensor_constructors[name]
            return new_tensor(
                True,
                False,
                node.lineno,
                f"`torch.{name}(...)` creates a leaf that does not require grad",
                dtype=_default_dtype(kind),
                origin="factory",
                device="cpu",
            )
        if (
            qual.startswith("torch.optim.")
            and last in api.optimizers
            and not qual.startswith("torch.optim.lr_scheduler")
        ):
            return self.make_optimizer(last, args, kwargs, node, ctx)
        if (
            qual.startswith("torch.nn.")
            and last in api.nn_modules
            and not qual.startswith("torch.nn.functional")
        ):
            return self.make_torch_module(last, args, kwargs, node)
        if (
            qual.startswith("torch.nn.")
            and last[:1].isupper()
            and not qual.startswith("torch.nn.functional")
            and qual not in _BUFFER_NAMES
        ):
            return ModuleValue(last, torch_class=last, has_params=None)
        if qual.startswith(_MODULE_RETURNING):
            if args and isinstance(args[0], ModuleValue):
                return args[0]
            return UNKNOWN
        if name in ("autograd.grad",):
            self._note_backward(node, ctx)
            return self.autograd_grad(args, kwargs, node, ctx)
        if name in ("autograd.backward",):
            self._note_backward(node, ctx)
            if args:
                self.backward(args[0], kwargs, node, ctx)
            return ConstValue(None)
        if name in (
            "device",
            "cuda.is_available",
            "manual_seed",
            "set_grad_enabled",
            "is_grad_enabled",
            "no_grad",
            "enable_grad",
            "inference_mode",
            "get_default_dtype",
            "is_tensor",
        ):
            if name == "device" and args and isinstance(args[0], ConstValue):
                return ConstValue(("device", str(args[0].value)))
            return UNKNOWN
        if name.startswith(
            ("distributions.", "utils.", "cuda.", "backends.", "jit.", "onnx.", "hub.", "save", "load")
        ):
            return UNKNOWN
        flat = _flatten_tensors(args) + _flatten_tensors(list(kwargs.values()))
        if not flat:
            return UNKNOWN if not any(a is UNKNOWN for a in args) else UNKNOWN
        if last in api.nondifferentiable:
            return new_tensor(
                True,
                False,
                node.lineno,
                f"`{last}` gives a result that never requires grad",
                origin="op",
                kind="int",
            )
        out = kwargs.get("out")
        if isinstance(out, TensorValue):
            self.inplace(out, node, node, flat, f"`{last}(..., out=...)`", ctx)
            return out
        return self.op_result(
            flat,
            node,
            f"`{last}`",
            ctx,
            saves_inputs=last in api.saves_inputs,
            saves_result=last in api.saves_result,
            kind=_kind_of_values(flat),
        )

    def factory(
        self, name: str, dkind: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        rg = _const_bool_value(kwargs.get("requires_grad", ConstValue(False)))
        dtype = self._dtype_of(kwargs.get("dtype"))
        if name == "tensor" and args and isinstance(args[0], TensorValue):
            self.issue(
                "LEAF213",
                node,
                "`torch.tensor()` on a tensor copies it and drops its autograd graph; "
                "use `t.detach().clone()` (or `t.clone()` to keep the graph)",
                ctx,
            )
        if dtype is None and "dtype" not in kwargs:
            if dkind == "data":
                if args and isinstance(args[0], TensorValue):
                    dtype = args[0].dtype
                else:
                    dtype = _literal_dtype(node.args[0]) if node.args else None
            elif dkind == "args" and name == "full":
                fill = args[1] if len(args) > 1 else kwargs.get("fill_value", UNKNOWN)
                dtype = _number_dtype(fill)
            elif dkind == "args":
                dtype = _args_dtype(node.args, args)
            else:
                dtype = _default_dtype(dkind)
        kind = _kind(dtype)
        device = self._device_of(kwargs.get("device"), default="cpu")
        if rg is True and kind in ("int", "bool"):
            self.raises(
                "LEAF104",
                node,
                f"`torch.{name}(..., requires_grad=True)` creates a {dtype} tensor: only floating point and complex "
                "tensors can require gradients (RuntimeError)",
                ctx,
            )
            return UNKNOWN
        text = f"`torch.{name}(...{', requires_grad=True' if rg else ''})` creates a leaf" + (
            " that requires grad" if rg else (" that does not require grad" if rg is False else "")
        )
        # Built from numbers taken out of tensors (.item()): a computed result whose graph is gone.
        computed = bool(args) and isinstance(args[0], ItemValue)
        return new_tensor(
            True,
            rg,
            node.lineno,
            text,
            dtype=dtype,
            kind=kind,
            device=device,
            origin="op" if computed else "factory",
        )

    def like_factory(
        self, name: str, dkind: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        rg = _const_bool_value(kwargs.get("requires_grad", ConstValue(False)))
        src = args[0] if args else UNKNOWN
        dtype = self._dtype_of(kwargs.get("dtype"))
        if dtype is None and "dtype" not in kwargs:
            dtype = src.dtype if isinstance(src, TensorValue) and dkind == "input" else _default_dtype(dkind)
        device = self._device_of(
            kwargs.get("device"), default=src.device if isinstance(src, TensorValue) else None
        )
        if rg is True and _kind(dtype) in ("int", "bool"):
            self.raises(
                "LEAF104",
                node,
                f"`torch.{name}(..., requires_grad=True)` on a {dtype} tensor: only floating "
                "point and complex tensors can require gradients (RuntimeError)",
                ctx,
            )
            return UNKNOWN
        return new_tensor(
            True,
            rg,
            node.lineno,
            f"`torch.{name}(...)` creates a new leaf"
            + (" that requires grad" if rg else " (no grad)" if rg is False else ""),
            dtype=dtype,
            device=device,
            origin="factory",
        )

    def make_parameter(self, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx) -> Value:
        src = args[0] if args else UNKNOWN
        rg_arg = args[1] if len(args) > 1 else kwargs.get("requires_grad", ConstValue(True))
        rg = _const_bool_value(rg_arg)
        kind = src.kind if isinstance(src, TensorValue) else "float"
        if rg is True and kind in ("int", "bool"):
            self.raises(
                "LEAF104",
                node,
                "`nn.Parameter()` of an integer tensor: only floating point and complex "
                "tensors can require gradients (RuntimeError)",
                ctx,
            )
            return UNKNOWN
        value = new_tensor(
            True,
            rg,
            node.lineno,
            "`nn.Parameter(...)` is always a fresh leaf" + (" that requires grad" if rg else ""),
            dtype=src.dtype if isinstance(src, TensorValue) else None,
            kind=kind,
            device=src.device if isinstance(src, TensorValue) else None,
            origin="param",
        )
        return value

    def make_variable(self, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx) -> Value:
        src = args[0] if args else UNKNOWN
        if not isinstance(src, TensorValue):
            return UNKNOWN
        rg = _const_bool_value(kwargs.get("requires_grad", args[1] if len(args) > 1 else ConstValue(False)))
        if rg is True:
            if src.kind in ("int", "bool"):
                self.raises(
                    "LEAF104",
                    node,
                    "`Variable(..., requires_grad=True)` of an integer tensor (RuntimeError)",
                    ctx,
                )
                return UNKNOWN
            return TensorValue(
                True,
                True,
                src.with_reason(
                    node.lineno,
                    "`Variable(..., requires_grad=True)` returns a leaf tensor that requires grad",
                ),
                src.obj,
                src.dtype,
                src.kind,
                src.device,
                None,
                "factory",
            )
        return src

    def make_optimizer(
        self, name: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        params = args[0] if args else kwargs.get("params", UNKNOWN)
        tensors: list[TensorValue] = []
        modules: list[ModuleValue] = []
        self._collect_params(params, tensors, modules)
        for tensor in tensors:
            tensor.obj.optimized = True
        for tensor in tensors:
            if tensor.leaf is False:
                origin = tensor.reason[-1].text if tensor.reason else "it was computed by an operation"
                self.raises(
                    "LEAF101",
                    node,
                    f"`{name}` receives a non-leaf tensor ({origin}): the optimizer raises "
                    '"can\'t optimize a non-leaf Tensor"',
                    ctx,
                )
                return UNKNOWN
        return OptimizerValue(name, tuple(tensors), tuple(modules))

    def _collect_params(self, value: Value, tensors: list[TensorValue], modules: list[ModuleValue]) -> None:
        if isinstance(value, TensorValue):
            tensors.append(value)
        elif isinstance(value, ParamsValue):
            modules.extend(value.modules)
        elif isinstance(value, SeqValue):
            for item in value.items:
                self._collect_params(item, tensors, modules)
        elif isinstance(value, DictValue):
            self._collect_params(value.items.get("params", UNKNOWN), tensors, modules)

    def make_torch_module(
        self, name: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call
    ) -> Value:
        info = self.api.nn_modules.get(name, {})
        kind = info.get("kind", "module")
        module = ModuleValue(name, torch_class=name, has_params=bool(info.get("params")))
        module.inplace = _const_bool_value(kwargs.get("inplace")) is True
        if kind == "container":
            children: list[ModuleValue] = []
            for arg in list(args) + list(kwargs.values()):
                if isinstance(arg, ModuleValue):
                    children.append(arg)
                elif isinstance(arg, SeqValue):
                    children.extend(a for a in arg.items if isinstance(a, ModuleValue))
                elif isinstance(arg, DictValue):
                    children.extend(a for a in arg.items.values() if isinstance(a, ModuleValue))
            module.children = children
            known = all(isinstance(a, (ModuleValue, SeqValue, DictValue)) for a in args) and bool(args)
            if any(c.has_params for c in children):
                module.has_params = True
            elif known and all(c.has_params is False for c in children):
                module.has_params = False
            else:
                module.has_params = None
            if name in ("ParameterList", "ParameterDict"):
                module.has_params = True
        return module

    def optimizer_method(self, opt: OptimizerValue, method: str, node: ast.Call) -> Value:
        if method == "step":
            for tensor in opt.tensors:
                tensor.obj.version += 1
            for module in opt.modules:
                module.bump_params()
        return ConstValue(None)

    def instantiate(
        self,
        cls: ClassValue,
        args: list[Value],
        kwargs: dict[str, Value],
        ctx: Ctx,
        unknown_args: bool = False,
    ) -> ModuleValue:
        instance = ModuleValue(cls.name, cls=cls, has_params=None, is_module=bool(cls.is_module))
        torch_base = _torch_base(cls, self.api)
        if torch_base is not None:
            instance.torch_class = torch_base
            instance.has_params = bool(self.api.nn_modules.get(torch_base, {}).get("params"))
        init = _find_method(cls, "__init__")
        if init is not None:
            bound = FunctionValue(init.node, init.qualname, init.scope, init.cls, instance, init.grad_mode)
            if unknown_args:
                self._analysed.add(id(init.node))
                call_args = self._unknown_args(init, instance)[1:]
                self.call_function(bound, call_args, {}, Ctx(), standalone=True)
            else:
                self.call_function(bound, args, kwargs, ctx)
        if instance.has_params is None and instance.torch_class is None:
            if any(
                isinstance(v, TensorValue) and v.origin == "param" for v in instance.attrs.values()
            ) or any(c.has_params for c in instance.children):
                instance.has_params = True
            elif (
                cls.is_module
                and all(
                    not isinstance(v, ModuleValue) or v.has_params is False for v in instance.attrs.values()
                )
                and _simple_init(cls)
            ):
                instance.has_params = False
        return instance

    def module_method(
        self,
        module: ModuleValue,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        scope: Scope,
        ctx: Ctx,
    ) -> Value:
        if module.cls is not None:
            user = _find_method(module.cls, method)
            if user is not None:
                bound = FunctionValue(user.node, user.qualname, user.scope, user.cls, module, user.grad_mode)
                return self.call_and_propagate(bound, args, kwargs, ctx)
        attr = module.attrs.get(method)
        if isinstance(attr, ModuleValue):
            return self.call_module(attr, args, kwargs, node, ctx)
        if isinstance(attr, FunctionValue):
            return self.call_and_propagate(attr, args, kwargs, ctx)
        if method in ("parameters", "named_parameters"):
            return ParamsValue((module,), named=method == "named_parameters")
        if method in ("to", "double", "float", "half", "cuda", "cpu", "train", "eval", "bfloat16", "type"):
            return module
        if method == "requires_grad_":
            flag = (
                _const_bool_value(args[0])
                if args
                else _const_bool_value(kwargs.get("requires_grad", ConstValue(True)))
            )
            if flag is False:
                module.set_params_rg(True if _in_if(ctx) else False)
            else:
                module.set_params_rg(flag)
            return module
        if method == "register_buffer" and len(args) >= 2 and isinstance(args[0], ConstValue):
            value = args[1]
            if isinstance(value, TensorValue):
                module.attrs[str(args[0].value)] = TensorValue(
                    value.leaf,
                    value.rg,
                    value.reason,
                    value.obj,
                    value.dtype,
                    value.kind,
                    value.device,
                    value.node,
                    "buffer",
                )
            return ConstValue(None)
        if method == "register_parameter" and len(args) >= 2 and isinstance(args[0], ConstValue):
            name = str(args[0].value)
            module.attrs[name] = args[1]
            module.has_params = True
            func = ctx.func
            if (
                func is not None
                and func.cls is not None
                and func.node.name == "__init__"
                and ctx.record
                and self.cross_depth == 0
                and self.current_stmt is not None
            ):
                self.result.init_assigns.append(InitAssign(func.cls, name, args[1], self.current_stmt, None))
            return ConstValue(None)
        if method in ("forward", "__call__"):
            return self.call_module(module, args, kwargs, node, ctx)
        if method in ("zero_grad", "apply", "add_module", "load_state_dict", "state_dict"):
            return ConstValue(None)
        return UNKNOWN

    def call_module(
        self, module: ModuleValue, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        if module.cls is not None:
            forward = _find_method(module.cls, "forward")
            if forward is not None:
                bound = FunctionValue(
                    forward.node, forward.qualname, forward.scope, forward.cls, module, forward.grad_mode
                )
                return self.call_and_propagate(bound, args, kwargs, ctx)
            if module.torch_class is None:
                return UNKNOWN
        if module.torch_class == "Sequential" and module.children:
            value: Value = args[0] if args else UNKNOWN
            for child in module.children:
                value = self.call_module(child, [value], {}, node, ctx)
            return value
        own = module.output_rg()
        inputs = _flatten_tensors(args) + _flatten_tensors(list(kwargs.values()))
        if module.inplace and inputs:
            target = inputs[0]
            self.inplace(target, node, node, [], f"`{module.torch_class}(inplace=True)`", ctx)
            if ctx.stopped:
                return UNKNOWN
        unknown_input = any(not isinstance(a, TensorValue) for a in args[:1])
        name = module.torch_class or module.name
        if own is True or any(t.rg is True for t in inputs):
            rg: bool | None = True
        elif own is False and not unknown_input and all(t.rg is False for t in inputs):
            rg = False
        else:
            rg = None
        if ctx.grad is False:
            rg = False
        elif ctx.grad is None and rg is True:
            rg = None
        saved = tuple((t.obj, t.obj.version) for t in inputs) + (
            (module.param_obj, module.param_obj.version),
        )
        node_obj = Node(tuple(t.node for t in inputs if t.node), saved, node.lineno) if rg else None
        if node_obj is not None:
            module.param_obj.users.append(node_obj)
            for t in inputs:
                t.obj.users.append(node_obj)
        if rg is True:
            text = (
                f"`{name}(...)` output: its parameters require grad -> non-leaf"
                if own
                else f"`{name}(...)` on a tensor that requires grad -> non-leaf"
            )
        elif rg is False:
            text = f"`{name}(...)` output: nothing requires grad -> leaf"
        else:
            text = f"`{name}(...)` output: unknown whether it requires grad"
        base_reason = next((t.reason for t in inputs if t.rg), ())
        leaf = None if rg is None else not rg
        if module.torch_class in ("RNN", "LSTM", "GRU"):
            out = new_tensor(leaf, rg, node.lineno, text, node=node_obj, reason=base_reason, dtype="float32")
            hidden = new_tensor(
                leaf, rg, node.lineno, text, node=node_obj, reason=base_reason, dtype="float32"
            )
            return SeqValue((out, hidden))
        result = new_tensor(
            leaf, rg, node.lineno, text, node=node_obj, reason=base_reason, dtype=_first_dtype(inputs)
        )
        if node_obj is not None and name.lower() in self.api.saves_result:
            # nn.Tanh / nn.Sigmoid / nn.ReLU... keep their output for backward, like torch.tanh.
            node_obj.saved = node_obj.saved + ((result.obj, 0),)
        return result

    def call_and_propagate(
        self, func: FunctionValue, args: list[Value], kwargs: dict[str, Value], ctx: Ctx
    ) -> Value:
        """Call a user function; if its body certainly raises, so does the caller's statement."""
        value, raised = self.call_function(func, args, kwargs, ctx)
        if raised:
            ctx.stopped = RAISES
        return value

    def call_function(
        self,
        func: FunctionValue,
        args: list[Value],
        kwargs: dict[str, Value],
        ctx: Ctx,
        standalone: bool = False,
    ) -> tuple[Value, bool]:
        node = func.node
        if isinstance(node, ast.Lambda):
            return UNKNOWN, False
        if not standalone:
            if ctx.depth >= MAX_CALL_DEPTH or self.calls >= MAX_CALLS or id(node) in self._active:
                return UNKNOWN, False
        self.calls += 1
        key = None
        if not standalone:
            key = (
                (id(node), id(func.bound_self), ctx.grad)
                + tuple(_signature(a) for a in args)
                + tuple(sorted((k, _signature(v)) for k, v in kwargs.items()))
            )
            cached = self._call_cache.get(key)
            if cached is not None:
                # A second call builds a new graph: never hand back the first call's nodes.
                return _fresh(cached[0], args), cached[1]
        scope = Scope(self, func.scope if isinstance(func.scope, Scope) else self.module_scope)
        params = node.args.posonlyargs + node.args.args
        all_args = list(args)
        if func.bound_self is not None and not _is_static(node):
            all_args = [func.bound_self] + all_args
        defaults = node.args.defaults
        first_default = len(params) - len(defaults)
        for i, param in enumerate(params):
            if i < len(all_args):
                value = all_args[i]
            elif param.arg in kwargs:
                value = kwargs[param.arg]
            elif i >= first_default:
                value = self.eval(defaults[i - first_default], scope, Ctx(record=False))
            else:
                value = UNKNOWN
            scope.vars[param.arg] = value
        for kwonly, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
            if kwonly.arg in kwargs:
                scope.vars[kwonly.arg] = kwargs[kwonly.arg]
            elif default is not None:
                scope.vars[kwonly.arg] = self.eval(default, scope, Ctx(record=False))
            else:
                scope.vars[kwonly.arg] = UNKNOWN
        if node.args.vararg:
            scope.vars[node.args.vararg.arg] = SeqValue(tuple(all_args[len(params) :]))
        if node.args.kwarg:
            scope.vars[node.args.kwarg.arg] = UNKNOWN
        grad = ctx.grad if func.grad_mode is None else func.grad_mode
        # Code from another file runs for its facts only: its positions are not ours.
        home = func.scope.interp if isinstance(func.scope, Scope) else self
        inner = Ctx(func, ctx.depth + (0 if standalone else 1), grad, record=ctx.record and home is self)
        inner.weak = ctx.weak or standalone
        if standalone:
            inner.depth = 0
        self._active.append(id(node))
        outer_stmt = self.current_stmt
        try:
            self.exec_block(node.body, scope, inner)
        finally:
            self._active.pop()
            self.current_stmt = outer_stmt
        raised = inner.stopped == RAISES
        if not inner.returns:
            result: Value = ConstValue(None)
        else:
            result = inner.returns[0]
            for other in inner.returns[1:]:
                result = _join(result, other)
        if key is not None:
            # The key holds ids of the arguments; keeping them alive keeps those ids unique.
            self._call_cache[key] = (result, raised, (func, args, kwargs))
        return result, raised

    # ------------------------------------------------------------------ tensor semantics
    def op_result(
        self,
        inputs: Sequence[Value],
        node: ast.AST,
        what: str,
        ctx: Ctx,
        *,
        saves_inputs: bool = False,
        saves_result: bool = False,
        kind: str | None = None,
        copy_of: TensorValue | None = None,
    ) -> Value:
        tensors = [v for v in inputs if isinstance(v, TensorValue)]
        unknown = any(v is UNKNOWN or isinstance(v, _BoundModuleAttr) for v in inputs)
        line = getattr(node, "lineno", 0)
        if ctx.grad is False:
            rg: bool | None = False
        elif any(t.rg is True for t in tensors):
            rg = True if ctx.grad is True else None
        elif not unknown and all(t.rg is False for t in tensors):
            rg = False
        else:
            rg = None
        leaf = None if rg is None else not rg
        if rg is True:
            src = next(t for t in tensors if t.rg is True)
            saved: tuple[tuple[Obj, int], ...] = ()
            if saves_inputs:
                saved = tuple((t.obj, t.obj.version) for t in tensors)
            result = new_tensor(
                False,
                True,
                line,
                f"{what} on a tensor that requires grad -> non-leaf",
                reason=src.reason,
                kind=kind or src.kind,
                dtype=_first_dtype(tensors),
                device=src.device,
            )
            result.node = Node(tuple(t.node for t in tensors if t.node), saved, line)
            for t in tensors:
                t.obj.users.append(result.node)
            if saves_result:
                result.node.saved = result.node.saved + ((result.obj, 0),)
            return result
        if rg is False:
            reason = tensors[0].reason if tensors else ()
            why = "under no_grad" if ctx.grad is False else "of tensors that do not require grad"
            return new_tensor(
                True,
                False,
                line,
                f"{what} {why} -> leaf, no grad",
                reason=reason,
                kind=kind or (tensors[0].kind if tensors else None),
                dtype=_first_dtype(tensors),
                device=tensors[0].device if tensors else None,
            )
        return new_tensor(
            leaf, rg, line, f"{what}: inputs of unknown grad state", kind=kind, dtype=_first_dtype(tensors)
        )

    def tensor_method(
        self,
        t: TensorValue,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        scope: Scope,
        ctx: Ctx,
    ) -> Value:
        api = self.api
        line = node.lineno
        if method in ("detach",):
            return TensorValue(
                True,
                False,
                t.with_reason(line, "`.detach()` returns a leaf that does not require grad"),
                t.obj,
                t.dtype,
                t.kind,
                t.device,
                None,
                "detach",
            )
        if method == "detach_":
            t.leaf, t.rg, t.node = True, False, None
            return t
        if method == "requires_grad_":
            flag = (
                _const_bool_value(args[0])
                if args
                else _const_bool_value(kwargs.get("requires_grad", ConstValue(True)))
            )
            return self.set_requires_grad(
                t, node, ConstValue(flag) if flag is not None else UNKNOWN, ctx, method=True
            )
        if method == "retain_grad":
            t.obj.retains_grad = True
            return ConstValue(None)
        if method == "backward":
            self._note_backward(node, ctx)
            self.backward(t, kwargs, node, ctx)
            name = _target_name(node.func.value) if isinstance(node.func, ast.Attribute) else None
            if name:
                self.result.backward_names.add(name)
            return ConstValue(None)
        if method == "numpy":
            if t.rg is True and not _const_bool_value(kwargs.get("force", ConstValue(False))):
                self.raises(
                    "LEAF105",
                    node,
                    f"`{_short(self.text, self.text.span(node.func))}()` on a tensor that requires grad raises "
                    "RuntimeError; call `.detach()` first",
                    ctx,
                    attr=node.func,
                )
            return UNKNOWN
        if method in ("item", "tolist"):
            return ItemValue(line)
        if method in (
            "size",
            "dim",
            "numel",
            "stride",
            "data_ptr",
            "element_size",
            "is_contiguous",
            "nelement",
            "get_device",
            "register_hook",
            "storage",
            "untyped_storage",
            "__len__",
            "type_as_str",
        ):
            return UNKNOWN
        if method in api.dtype_methods:
            return self.convert(t, api.dtype_methods[method], None, node, ctx, f".{method}()")
        if method == "to":
            dtype, device, known = self._to_target(args, kwargs)
            return self.convert(t, dtype, device, node, ctx, ".to(...)", known=known)
        if method in ("cuda", "cpu"):
            return self.convert(t, None, method, node, ctx, f".{method}()")
        if method == "type" and args:
            dtype = self._dtype_of(args[0])
            return self.convert(t, dtype, None, node, ctx, ".type(...)", known=dtype is not None)
        if method == "clone":
            return self.op_result([t], node, "`.clone()`", ctx, kind=t.kind)
        if method in ("contiguous",) or method in api.identity_methods and t.kind in ("float", "int", "bool"):
            return t
        if method in api.new_factories:
            rg = _const_bool_value(kwargs.get("requires_grad", ConstValue(False)))
            return new_tensor(
                True,
                rg,
                line,
                f"`.{method}(...)` creates a new leaf",
                dtype=t.dtype,
                device=t.device,
                origin="factory",
            )
        if (
            method.endswith("_")
            and t.origin == "data"
            and isinstance(node.func, ast.Attribute)
            and not method.startswith("_")
            and method not in ("requires_grad_", "retain_grad")
        ):
            self._data_mutation(node.func.value, node, ctx, t)
            return t
        if method in api.inplace_methods or (
            method.endswith("_") and not method.startswith("_") and method[:-1] in api.saves_inputs
        ):
            self.inplace(t, node, node, args + list(kwargs.values()), f"`.{method}()`", ctx)
            return t
        if method in api.nondifferentiable or method in api.nondifferentiable_float:
            return new_tensor(
                True,
                False,
                line,
                f"`.{method}()` gives a result that never requires grad",
                origin="op",
                kind="int" if method in api.nondifferentiable else t.kind,
            )
        if method in api.view_methods:
            return self._view_of(t, line, f"`.{method}()` of", ctx)
        others = [a for a in args if isinstance(a, TensorValue)]
        return self.op_result(
            [t] + others + _flatten_tensors([a for a in args if isinstance(a, SeqValue)]),
            node,
            f"`.{method}()`",
            ctx,
            saves_inputs=method in api.saves_inputs,
            saves_result=method in api.saves_result,
            kind=t.kind if method not in ("argmax",) else "int",
        )

    def _to_target(self, args: list[Value], kwargs: dict[str, Value]) -> tuple[str | None, str | None, bool]:
        """The dtype and device a ``.to(...)`` call targets, and whether both are known statically."""
        dtype: str | None = None
        device: str | None = None
        known = True
        for value in args:
            found_dtype = self._dtype_of(value)
            found_device = self._device_of(value, default=None)
            if found_dtype is not None:
                dtype = found_dtype
            elif found_device is not None:
                device = found_device
            elif isinstance(value, ConstValue) and (value.value is None or isinstance(value.value, bool)):
                continue  # non_blocking / copy flags
            else:
                known = False  # .to(device_variable), .to(other_tensor)
        if "dtype" in kwargs:
            dtype = self._dtype_of(kwargs["dtype"])
            known = known and dtype is not None
        if "device" in kwargs:
            device = self._device_of(kwargs["device"], default=None)
            known = known and device is not None
        if _const_bool_value(kwargs.get("copy", ConstValue(False))) is not False:
            known = False
        return dtype, device, known

    def _dtype_of(self, value: Value | None) -> str | None:
        if isinstance(value, RefValue) and value.qualname.startswith("torch."):
            name = value.qualname[6:]
            if name in self.api.dtypes:
                return _canonical_dtype(name, self.api)
        return None

    def _device_of(self, value: Value | None, default: str | None) -> str | None:
        if value is None:
            return default
        if isinstance(value, ConstValue):
            raw = value.value
            if isinstance(raw, tuple) and len(raw) == 2 and raw[0] == "device":
                raw = raw[1]
            if isinstance(raw, str):
                return raw.split(":")[0]
            if isinstance(raw, int) and not isinstance(raw, bool):
                return "cuda"
        return None

    def convert(
        self,
        t: TensorValue,
        dtype: str | None,
        device: str | None,
        node: ast.Call,
        ctx: Ctx,
        what: str,
        known: bool = True,
    ) -> Value:
        line = node.lineno
        same_dtype = dtype is None or (t.dtype is not None and t.dtype == dtype)
        same_device = device is None or (t.device is not None and t.device == device)
        dtype_unknown = dtype is not None and t.dtype is None
        device_unknown = device is not None and t.device is None
        if known and same_dtype and same_device and not dtype_unknown and not device_unknown:
            return t  # same object
        if not known or dtype_unknown or device_unknown:
            if t.rg is False:
                return TensorValue(
                    True,
                    False,
                    t.with_reason(line, f"`{what}` of a tensor that does not require grad"),
                    Obj(line),
                    dtype or t.dtype,
                    None,
                    device or t.device,
                    None,
                    "op",
                )
            if t.leaf is False:
                return TensorValue(
                    False,
                    t.rg,
                    t.with_reason(line, f"`{what}` of a non-leaf"),
                    Obj(line),
                    dtype or t.dtype,
                    None,
                    device or t.device,
                    Node((t.node,) if t.node else (), (), line),
                    "op",
                )
            return TensorValue(
                None,
                t.rg,
                t.with_reason(
                    line,
                    f"`{what}`: the target is only known at run time; a copy (non-leaf) or the same leaf",
                ),
                Obj(line),
                dtype or t.dtype,
                None,
                device or t.device,
                None,
                "op",
            )
        # A real copy.
        if t.rg is True and ctx.grad is not False:
            result = TensorValue(
                False,
                True if ctx.grad else None,
                t.with_reason(line, f"`{what}` copies a tensor that requires grad -> non-leaf"),
                Obj(line),
                dtype or t.dtype,
                None,
                device or t.device,
                Node((t.node,) if t.node else (), (), line),
                "copy",
            )
            result.kind = _kind(result.dtype)
            if t.leaf is True:
                self.issue(
                    "LEAF202",
                    node,
                    f"`{_short(self.text, self.text.span(node))}` copies a leaf that requires grad: the result is a "
                    "non-leaf whose `.grad` stays None, and the optimizer cannot take it",
                    ctx,
                    result_obj=result.obj,
                    dtype=dtype,
                    device=device,
                    leaf_lost=self._leaf_lost(node),
                )
            return result
        result = TensorValue(
            True,
            False if t.rg is False or ctx.grad is False else None,
            t.with_reason(line, f"`{what}` copies a tensor (leaf, no grad)"),
            Obj(line),
            dtype or t.dtype,
            None,
            device or t.device,
            None,
            "copy",
        )
        result.kind = _kind(result.dtype)
        return result

    def _leaf_lost(self, call: ast.Call) -> bool:
        """Whether the converted leaf is left without a name (the copy takes its place)."""
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        name = _target_name(receiver) if receiver is not None else None
        if name is None:
            return True  # factory(...).double(): the leaf was never bound
        stmt = self.current_stmt
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            return _target_name(stmt.targets[0]) == name  # w = w.double()
        return False

    def set_requires_grad(self, t: TensorValue, node: ast.AST, value: Value, ctx: Ctx, method: bool) -> Value:
        flag = _const_bool_value(value)
        what = "`.requires_grad_()`" if method else "`.requires_grad = ...`"
        if t.leaf is False and (not method or flag is False):
            self.raises(
                "LEAF106",
                node,
                f"{what} on a non-leaf tensor raises RuntimeError (only leaf tensors' flags can change); "
                "use `.detach()` to get a tensor outside the graph",
                ctx,
            )
            return UNKNOWN
        if flag is True:
            if t.kind in ("int", "bool"):
                self.raises(
                    "LEAF104",
                    node,
                    f"{what} on a {t.dtype or t.kind} tensor: only floating point "
                    "tensors can require gradients (RuntimeError)",
                    ctx,
                )
                return UNKNOWN
            if t.leaf is False:
                return t
            if t.origin == "op" and t.rg is False and t.leaf is True:
                self.issue("LEAF212", node, "", ctx, name=_receiver_name(node))
            for owner in t.owners:
                if ctx.cond_depth == 0:
                    owner.set_params_rg(True)
            t.rg = True
            t.leaf = True if t.leaf is not None else None
            t.reason = t.with_reason(getattr(node, "lineno", 0), f"{what} makes it a leaf that requires grad")
            return t
        if flag is False:
            for owner in t.owners:
                # A freeze under a condition leaves some parameters trainable.
                owner.set_params_rg(True if _in_if(ctx) else False)
            t.rg = False
            t.leaf = True
            t.reason = t.with_reason(
                getattr(node, "lineno", 0), f"{what} False: a leaf that does not require grad"
            )
            return t
        t.rg = None
        return t

    def inplace(
        self,
        t: TensorValue,
        target: ast.AST,
        stmt: ast.AST,
        inputs: Sequence[Value],
        what: str,
        ctx: Ctx,
        via_view: bool = False,
    ) -> None:
        if t.origin == "data":
            self._data_mutation(target, stmt, ctx, t)
            return  # `.data` changes do not bump the version counter: autograd never notices
        if ctx.grad is not False and t.leaf is True and t.rg is True and t.origin != "data":
            view = " a view of" if via_view or t.origin == "view" else ""
            if not isinstance(stmt, ast.stmt) and self.current_stmt is not None:
                stmt = self.current_stmt
            self.raises(
                "LEAF102",
                stmt,
                f"{what} on{view} a leaf tensor that requires grad raises RuntimeError; "
                "wrap the update in `with torch.no_grad():`",
                ctx,
            )
            return
        t.obj.version += 1
        others = [v for v in inputs if isinstance(v, TensorValue)]
        if ctx.grad is not False and any(v.rg is True for v in others) and t.rg is not True:
            line = getattr(stmt, "lineno", 0)
            t.rg = True
            t.leaf = False
            t.node = Node(tuple(v.node for v in others if v.node), (), line)
            t.reason = t.with_reason(line, f"{what} with a tensor that requires grad -> non-leaf")

    def _note_backward(self, node: ast.Call, ctx: Ctx) -> None:
        if self.cross_depth == 0 and ctx.record:
            self.result.backward_calls.append((node, tuple(ctx.loops)))

    def backward(self, t: Value, kwargs: dict[str, Value], node: ast.Call, ctx: Ctx) -> None:
        if not isinstance(t, TensorValue):
            return
        if t.rg is False:
            self.raises(
                "LEAF103",
                node,
                '`backward()` on a tensor that does not require grad raises "element 0 of tensors does not require '
                f'grad" ({t.reason[-1].text if t.reason else "no input requires grad"})',
                ctx,
            )
            return
        if t.node is None:
            return
        retain = _const_bool_value(kwargs.get("retain_graph", UNKNOWN))
        create = _const_bool_value(kwargs.get("create_graph", ConstValue(False)))
        keep = retain is True or create is True or (retain is None and "retain_graph" in kwargs)
        seen: set[int] = set()
        stack = [t.node]
        visited: list[Node] = []
        while stack:
            current = stack.pop()
            if current.id in seen:
                continue
            seen.add(current.id)
            if current.freed:
                self.raises(
                    "LEAF107",
                    node,
                    f"`backward()` goes through a graph already freed by an earlier backward (built at line "
                    f"{current.line}): pass `retain_graph=True` or `.detach()` the value carried over",
                    ctx,
                )
                return
            for obj, version in current.saved:
                if obj.version != version:
                    self.raises(
                        "LEAF108",
                        node,
                        "a tensor saved for this backward was modified in place after it was used "
                        f"(used at line {current.line}): backward raises RuntimeError",
                        ctx,
                    )
                    return
            visited.append(current)
            stack.extend(current.inputs)
        if not keep:
            for n in visited:
                n.freed = True

    def autograd_grad(self, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx) -> Value:
        outputs = args[0] if args else kwargs.get("outputs", UNKNOWN)
        inputs = args[1] if len(args) > 1 else kwargs.get("inputs", UNKNOWN)
        first = outputs.items[0] if isinstance(outputs, SeqValue) and outputs.items else outputs
        self.backward(first, kwargs, node, ctx)
        create = _const_bool_value(kwargs.get("create_graph", ConstValue(False)))
        count = (
            len(inputs.items)
            if isinstance(inputs, SeqValue)
            else (1 if isinstance(inputs, TensorValue) else 0)
        )
        if count == 0:
            return UNKNOWN
        if create is True and isinstance(first, TensorValue) and first.rg is True and ctx.grad is not False:
            # create_graph=True: the gradients are themselves differentiable results.
            grads = tuple(
                new_tensor(
                    False,
                    True,
                    node.lineno,
                    "`torch.autograd.grad(..., create_graph=True)` returns gradients with a graph (non-leaf)",
                    origin="op",
                    node=Node((first.node,) if first.node else (), (), node.lineno),
                )
                for _ in range(count)
            )
        else:
            grads = tuple(
                new_tensor(
                    True if create is False else None,
                    False if create is False else None,
                    node.lineno,
                    "`torch.autograd.grad` returns gradients that do not require grad",
                    origin="grad",
                )
                for _ in range(count)
            )
        return SeqValue(grads)

    # ------------------------------------------------------------------ helpers
    def _qual_of(self, node: ast.AST, scope: Scope) -> str | None:
        if isinstance(node, ast.Name):
            value = scope.lookup(node.id)
            return value.qualname if isinstance(value, RefValue) else None
        if isinstance(node, ast.Attribute):
            base = self._qual_of(node.value, scope)
            return f"{base}.{node.attr}" if base else None
        return None


def debug_mode() -> bool:
    """``LEAF_LSP_DEBUG`` set (and not ``0``): internal errors raise instead of being counted."""
    return os.environ.get("LEAF_LSP_DEBUG", "") not in ("", "0")


def _handlers(prefix: str) -> dict[type, Any]:
    table: dict[type, Any] = {}
    for name in dir(Interpreter):
        if name.startswith(prefix):
            node_type = getattr(ast, name[len(prefix) :], None)
            if isinstance(node_type, type):
                table[node_type] = getattr(Interpreter, name)
    return table


_STMT_HANDLERS = _handlers("stmt_")
_EXPR_HANDLERS = _handlers("expr_")
_FOREIGN = ForeignCache()


class _SuperValue(Value):
    def __init__(self, cls: ClassValue, self_value: Value):
        self.cls = cls
        self.self_value = self_value


class _BoundModuleAttr(Value):
    """An attribute of a module that we do not model (a method, a config value...)."""

    def __init__(self, module: ModuleValue, attr: str):
        self.module = module
        self.attr = attr


_NOT_GRAD_CONTEXT = object()

_OP_TEXT = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_AUG_TEXT = {op: f"`{sym}=`" for op, sym in _OP_TEXT.items()}


def _short(text: SourceText, span: Span, limit: int = 60) -> str:
    s = text.text(span).replace("\n", " ")
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _const_bool(node: ast.AST) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int)):
        return bool(node.value)
    return None


def _const_bool_value(value: Value | None) -> bool | None:
    if isinstance(value, ConstValue) and isinstance(value.value, (bool, int)) and value.value is not None:
        return bool(value.value)
    return None


def _isinstance_tensor_test(test: ast.expr) -> tuple[str, bool] | None:
    """``isinstance(x, torch.Tensor)`` -> ("x", True); ``not isinstance(...)`` -> ("x", False)."""
    positive = True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, positive = test.operand, False
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "isinstance"
        and len(test.args) == 2
        and isinstance(test.args[0], ast.Name)
    ):
        kinds = test.args[1]
        names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
        if any(
            isinstance(n, (ast.Attribute, ast.Name))
            and (getattr(n, "attr", None) or getattr(n, "id", None)) in ("Tensor", "Parameter")
            for n in names
        ):
            return test.args[0].id, positive
    return None


def _static_truth(test: ast.expr) -> bool | None:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__":
        if len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant):
            return test.comparators[0].value == "__main__" and isinstance(test.ops[0], ast.Eq)
    if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
        return False
    return None


def _join(a: Value, b: Value) -> Value:
    if a is b:
        return a
    if isinstance(a, TensorValue) and isinstance(b, TensorValue):
        if a.obj is b.obj and a.leaf == b.leaf and a.rg == b.rg:
            return a
        leaf = _join_bool(a.leaf, b.leaf)
        rg = _join_bool(a.rg, b.rg)
        reason = a.reason if (leaf, rg) == (a.leaf, a.rg) else b.reason
        return TensorValue(
            leaf,
            rg,
            reason,
            a.obj if a.obj is b.obj else Obj(a.obj.line),
            a.dtype if a.dtype == b.dtype else None,
            a.kind if a.kind == b.kind else None,
            a.device if a.device == b.device else None,
            a.node if a.node is b.node else None,
            a.origin if a.origin == b.origin else "unknown",
        )
    if isinstance(a, ConstValue) and isinstance(b, ConstValue) and a.value == b.value:
        return a
    if isinstance(a, SeqValue) and isinstance(b, SeqValue) and len(a.items) == len(b.items):
        return SeqValue(tuple(_join(x, y) for x, y in zip(a.items, b.items)), a.kind)
    if isinstance(a, ConstValue) and a.value is None and not isinstance(b, ConstValue):
        return b
    if isinstance(b, ConstValue) and b.value is None and not isinstance(a, ConstValue):
        return a
    return UNKNOWN


def _join_envs(envs: list[dict[str, Value]]) -> dict[str, Value]:
    if len(envs) == 1:
        return dict(envs[0])
    out = dict(envs[0])
    for env in envs[1:]:
        for name, value in env.items():
            old = out.get(name)
            out[name] = value if old is None else _join(old, value)
    return out


def _signature(value: Value) -> Any:
    if isinstance(value, TensorValue):
        return ("T", value.leaf, value.rg, value.kind, value.node is not None, id(value.obj))
    if isinstance(value, ConstValue):
        try:
            hash(value.value)
            return ("C", value.value)
        except TypeError:
            return ("C", id(value))
    if isinstance(value, SeqValue):
        return ("S",) + tuple(_signature(v) for v in value.items)
    return (type(value).__name__, id(value))


def _is_number(value: Value) -> bool:
    return (
        isinstance(value, ConstValue)
        and isinstance(value.value, (int, float))
        and not isinstance(value.value, bool)
    )


def _fresh(value: Value, args: list[Value]) -> Value:
    if isinstance(value, TensorValue) and value.node is not None:
        inputs = tuple(t.node for t in _flatten_tensors(args) if t.node)
        return TensorValue(
            value.leaf,
            value.rg,
            value.reason,
            Obj(value.obj.line),
            value.dtype,
            value.kind,
            value.device,
            Node(inputs, (), value.node.line),
            value.origin,
        )
    if isinstance(value, SeqValue):
        return SeqValue(tuple(_fresh(v, args) for v in value.items), value.kind)
    return value


def _flatten_tensors(values: Iterable[Value]) -> list[TensorValue]:
    out: list[TensorValue] = []
    for v in values:
        if isinstance(v, TensorValue):
            out.append(v)
        elif isinstance(v, SeqValue):
            out.extend(_flatten_tensors(v.items))
    return out


def _first_dtype(tensors: list[TensorValue]) -> str | None:
    for t in tensors:
        if t.dtype is not None:
            return t.dtype
    return None


def _kind(dtype: str | None) -> str | None:
    if dtype is None:
        return None
    if dtype.startswith(("float", "bfloat")):
        return "float"
    if dtype.startswith("complex"):
        return "complex"
    if dtype == "bool":
        return "bool"
    if dtype.startswith(("int", "uint")):
        return "int"
    return None


def _kind_of_values(values: list[TensorValue]) -> str | None:
    kinds = {v.kind for v in values}
    if "float" in kinds:
        return "float"
    if kinds == {"int"}:
        return "int"
    return None


def _promote(a: Value, b: Value) -> str | None:
    kinds = []
    for v in (a, b):
        if isinstance(v, TensorValue):
            kinds.append(v.kind)
        elif isinstance(v, ConstValue) and isinstance(v.value, float):
            kinds.append("float")
        elif isinstance(v, ConstValue) and isinstance(v.value, int):
            kinds.append("int")
        else:
            kinds.append(None)
    if "float" in kinds or "complex" in kinds:
        return "float"
    if all(k in ("int", "bool") for k in kinds):
        return "int"
    return None


def _default_dtype(kind: str) -> str | None:
    return {"float": "float32", "int": "int64", "bool": "bool", "complex": "complex64"}.get(kind)


def _canonical_dtype(name: str, api: TorchApi) -> str:
    return api.dtype_canonical.get(name, name)


def _literal_dtype(node: ast.AST) -> str | None:
    kinds: set[str] = set()

    def walk(n: ast.AST, depth: int) -> bool:
        if depth > 6:
            return False
        if isinstance(n, ast.Constant):
            if isinstance(n.value, bool):
                kinds.add("bool")
            elif isinstance(n.value, int):
                kinds.add("int")
            elif isinstance(n.value, float):
                kinds.add("float")
            elif isinstance(n.value, complex):
                kinds.add("complex")
            else:
                return False
            return True
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
            return walk(n.operand, depth + 1)
        if isinstance(n, (ast.List, ast.Tuple)):
            return all(walk(e, depth + 1) for e in n.elts[:64])
        return False

    if not walk(node, 0) or not kinds:
        return None
    if "complex" in kinds:
        return "complex64"
    if "float" in kinds:
        return "float32"
    if "int" in kinds:
        return "int64"
    return "bool"


def _owned_by(value: TensorValue, instance: Value | None) -> bool:
    """Whether ``value`` is a parameter of ``instance`` (or of one of its submodules)."""
    if not isinstance(instance, ModuleValue):
        return False
    family = (
        [instance] + [v for v in instance.attrs.values() if isinstance(v, ModuleValue)] + instance.children
    )
    return any(owner is member for owner in value.owners for member in family)


def _binop_saved(op: ast.operator, left: Value, right: Value) -> tuple[tuple[Obj, int], ...]:
    """What the backward of ``left <op> right`` keeps: a * b keeps b for a's gradient and vice versa."""

    def grad(v: Value) -> bool:
        return isinstance(v, TensorValue) and v.rg is not False

    saved: list[TensorValue] = []
    if isinstance(op, (ast.Mult, ast.MatMult)):
        if isinstance(left, TensorValue) and grad(right):
            saved.append(left)
        if isinstance(right, TensorValue) and grad(left):
            saved.append(right)
    elif isinstance(op, ast.Div):
        if isinstance(right, TensorValue):
            saved.append(right)
        if isinstance(left, TensorValue) and grad(right):
            saved.append(left)
    elif isinstance(op, ast.Pow):
        saved.extend(v for v in (left, right) if isinstance(v, TensorValue))
    return tuple((t.obj, t.obj.version) for t in saved)


def _number_dtype(value: Value) -> str | None:
    """The dtype torch infers from a Python scalar (``torch.full``'s fill value)."""
    if isinstance(value, ConstValue):
        if isinstance(value.value, bool):
            return "bool"
        if isinstance(value.value, int):
            return "int64"
        if isinstance(value.value, float):
            return "float32"
    return None


def _args_dtype(args: list[ast.expr], values: list[Value]) -> str | None:
    """``arange``-style dtype: int64 when every bound is an int, float32 when one is a float."""
    kinds = set()
    for a, value in zip(args, values):
        node = a.operand if isinstance(a, ast.UnaryOp) else a
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool)
        ):
            kinds.add(type(node.value))
        elif (
            isinstance(value, ConstValue)
            and isinstance(value.value, (int, float))
            and not isinstance(value.value, bool)
            and not isinstance(node, ast.BinOp)
        ):
            kinds.add(type(value.value))
        else:
            return None
    if float in kinds:
        return "float32"
    return "int64" if kinds else None


def _same_shape(a: Value, b: Value) -> bool:
    if isinstance(a, TensorValue) and isinstance(b, TensorValue):
        return a.leaf == b.leaf and a.rg == b.rg
    return type(a) is type(b) and not isinstance(a, TensorValue)


def _all_same(values: list[bool | None]) -> bool | None:
    first = values[0] if values else None
    return first if all(v == first for v in values) else None


def _is_static(node: Any) -> bool:
    for deco in getattr(node, "decorator_list", []):
        if isinstance(deco, ast.Name) and deco.id == "staticmethod":
            return True
    return False


def _find_method(cls: ClassValue, name: str) -> FunctionValue | None:
    for klass in _mro(cls):
        method = klass.methods.get(name)
        if method is not None:
            return method
    return None


def _mro(cls: ClassValue) -> list[ClassValue]:
    cached = cls.__dict__.get("_mro_cache")
    if cached is not None:
        return cached
    out: list[ClassValue] = []
    stack = [cls]
    while stack and len(out) < 32:
        current = stack.pop(0)
        if current in out:
            continue
        out.append(current)
        stack.extend(b for b in current.bases if isinstance(b, ClassValue))
    cls.__dict__["_mro_cache"] = out
    return out


def _torch_base(cls: ClassValue, api: TorchApi) -> str | None:
    for klass in _mro(cls):
        for base in klass.bases:
            if isinstance(base, RefValue) and base.qualname.startswith("torch.nn."):
                last = base.qualname.rsplit(".", 1)[-1]
                if last in api.nn_modules and last != "Module":
                    return last
    return None


def _simple_init(cls: ClassValue) -> bool:
    return all(not isinstance(b, RefValue) or b.qualname.startswith("torch.") for b in cls.bases)


def _target_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return "self." + node.attr
    return None


def _receiver_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _target_name(node.func.value)
    if isinstance(node, ast.Assign) and node.targets and isinstance(node.targets[0], ast.Attribute):
        return _target_name(node.targets[0].value)
    return None


def _in_if(ctx: Ctx) -> bool:
    # Loops count one level of cond_depth; anything deeper is a real condition.
    return ctx.cond_depth > ctx.loop_depth


def _is_library(module: str) -> bool:
    top = module.split(".")[0]
    return top in _LIBRARIES


_LIBRARIES = frozenset(
    {
        "torch",
        "numpy",
        "math",
        "os",
        "sys",
        "typing",
        "collections",
        "functools",
        "itertools",
        "dataclasses",
        "warnings",
        "random",
        "time",
        "json",
        "re",
        "logging",
        "abc",
        "copy",
        "enum",
        "pathlib",
        "inspect",
        "contextlib",
        "__future__",
        "torchvision",
        "torchaudio",
        "transformers",
        "timm",
        "einops",
        "scipy",
        "pandas",
        "sklearn",
        "matplotlib",
        "tqdm",
        "PIL",
        "jax",
        "tensorflow",
        "lightning",
        "pytorch_lightning",
        "accelerate",
        "safetensors",
        "huggingface_hub",
        "packaging",
        "argparse",
        "types",
        "operator",
        "string",
        "importlib",
        "threading",
        "multiprocessing",
        "subprocess",
        "shutil",
        "glob",
        "pickle",
        "io",
        "tempfile",
        "unittest",
        "pytest",
        "traceback",
        "weakref",
        "numbers",
        "datetime",
        "hashlib",
        "struct",
        "heapq",
        "bisect",
        "queue",
        "socket",
        "ctypes",
        "platform",
        "signal",
        "textwrap",
        "pprint",
        "uuid",
        "csv",
        "zipfile",
        "tarfile",
        "gzip",
        "urllib",
        "http",
        "email",
        "base64",
        "decimal",
        "fractions",
        "statistics",
        "array",
        "gc",
        "atexit",
        "builtins",
        "codecs",
        "locale",
        "secrets",
        "select",
        "selectors",
        "ssl",
        "timeit",
        "cProfile",
        "profile",
        "pdb",
        "ast",
        "dis",
        "tokenize",
        "keyword",
        "token",
        "xml",
        "html",
        "sqlite3",
        "zlib",
        "lzma",
        "bz2",
        "mmap",
        "opt_einsum",
        "triton",
        "apex",
        "deepspeed",
        "fairscale",
        "torchmetrics",
        "wandb",
        "tensorboard",
        "yaml",
        "omegaconf",
        "hydra",
        "regex",
        "sentencepiece",
        "tokenizers",
        "datasets",
        "onnx",
        "onnxruntime",
        "cv2",
        "skimage",
        "h5py",
        "requests",
        "attr",
        "attrs",
        "pydantic",
        "rich",
        "click",
        "typer",
        "fire",
    }
)


def _child_blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(stmt, ast.If):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, ast.Try):
        return [stmt.body, stmt.orelse, stmt.finalbody] + [h.body for h in stmt.handlers]
    if isinstance(stmt, ast.With):
        return [stmt.body]
    return []
