"""Statements: assignment, control flow (both branches of an ``if`` joined, loop bodies run
twice), grad-mode contexts, function and class definitions.
"""

# The methods here are typed with `self: Interpreter` (the class that mixes them in), which
# mypy reports as [misc] "erased type of self"; the bodies are still checked against it.
# mypy: disable-error-code="misc"

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .events import (
    DataMutated,
    GraphKeptAcrossIterations,
    RequiresGradAttributeTypo,
)
from .facts import (
    AUTOGRAD_FUNCTION_SUFFIX,
    AUTOGRAD_PREFIX,
    GRAD_CONTEXT_ALIASES,
    MODULE_BASE_NAMES,
    NN_PREFIX,
    REQUIRES_GRAD_TYPOS,
    TORCH_PREFIX,
)
from .graph import Node, current_run
from .modules import owned_by
from .result import InitAssign
from .state import (
    BREAK,
    NOT_GRAD_CONTEXT,
    RAISES,
    RETURN,
    Ctx,
    Scope,
    in_condition,
)
from .syntax import (
    AUG_TEXT,
    const_bool,
    isinstance_tensor_test,
    short_source,
    static_truth,
)
from .values import (
    UNKNOWN,
    ClassValue,
    ConstValue,
    DictValue,
    FunctionValue,
    ItemValue,
    LazyName,
    ModuleValue,
    NumberValue,
    ParamsValue,
    PartialValue,
    RefValue,
    SeqValue,
    TensorValue,
    Value,
    const_bool_value,
    join_elements,
    join_envs,
    join_values,
)

if TYPE_CHECKING:
    from .core import Interpreter


class StatementsMixin:
    """Statements: assignments, control flow, grad-mode contexts, definitions (mixed into :class:`~.core.Interpreter`)."""

    def stmt_Expr(self: Interpreter, stmt: ast.Expr, scope: Scope, ctx: Ctx) -> None:
        value = stmt.value
        if isinstance(value, ast.Call):
            qual = self._qual_of(value.func, scope)
            name = self._grad_context_name(qual) if qual is not None else None
            # torch.set_grad_enabled(flag) as a statement sets the mode for what follows.
            if name is not None and self.api.grad_contexts[name] == "arg" and (value.args or value.keywords):
                flag = value.args[0] if value.args else value.keywords[0].value
                ctx.grad = self._const_flag(flag, scope)
                return
        self.eval(value, scope, ctx)

    def stmt_FunctionDef(self: Interpreter, stmt: ast.FunctionDef, scope: Scope, ctx: Ctx) -> None:
        value: Value = self.make_function(stmt, scope, None, ctx)
        for deco in reversed(stmt.decorator_list):
            # A decorator written in this program: the name is bound to what it returns (its
            # wrapper), so that calls run the wrapper's code around the function.
            decorator = (
                self.eval(deco, scope, ctx) if isinstance(deco, (ast.Name, ast.Attribute)) else UNKNOWN
            )
            if not isinstance(decorator, FunctionValue) or decorator.node is stmt:
                continue
            call = ast.Call(func=deco, args=[], keywords=[], lineno=deco.lineno, col_offset=deco.col_offset)
            wrapped = self.call_value(decorator, [value], {}, call, scope, ctx)
            if isinstance(wrapped, (FunctionValue, PartialValue)):
                value = wrapped
        scope.vars[stmt.name] = value

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def make_function(
        self: Interpreter, node: Any, scope: Scope, cls: ClassValue | None, ctx: Ctx
    ) -> FunctionValue:
        func = FunctionValue(node, node.name, scope, cls)
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            qual = self._qual_of(target, scope)
            if qual is None:
                continue
            name = self._grad_context_name(qual) or ""
            mode = self.api.grad_contexts.get(name)
            if isinstance(mode, bool):  # @torch.no_grad(), @torch.enable_grad(), @torch.inference_mode()
                func.grad_mode = mode
                func.inference = (
                    name == "inference_mode"
                    and not isinstance(deco, ast.Call)
                    or (name == "inference_mode" and isinstance(deco, ast.Call) and not deco.args)
                )
        return func

    def _grad_context_name(self: Interpreter, qual: str) -> str | None:
        """The grad-mode context ``qual`` names (``no_grad``, ``set_grad_enabled``...), if any."""
        if not qual.startswith(TORCH_PREFIX):
            return None
        short = qual[len(TORCH_PREFIX) :]
        name = GRAD_CONTEXT_ALIASES.get(short, short)
        return name if name in self.api.grad_contexts else None

    def stmt_ClassDef(self: Interpreter, stmt: ast.ClassDef, scope: Scope, ctx: Ctx) -> None:
        scope.vars[stmt.name] = self.make_class(stmt, scope, ctx)

    def make_class(self: Interpreter, stmt: ast.ClassDef, scope: Scope, ctx: Ctx) -> ClassValue:
        bases = tuple(self.eval(b, scope, ctx) for b in stmt.bases)
        cls = ClassValue(stmt, stmt.name, bases, scope=scope)
        is_module: bool | None = False
        for base in bases:
            if isinstance(base, RefValue):
                q = base.qualname
                if q.startswith(AUTOGRAD_PREFIX) and q.endswith(AUTOGRAD_FUNCTION_SUFFIX):
                    cls.is_autograd_function = True
                if (
                    q.startswith(NN_PREFIX)
                    and q.rsplit(".", 1)[-1] in self.api.nn_modules
                    or q in MODULE_BASE_NAMES
                ):
                    is_module = True
                elif not q.startswith(TORCH_PREFIX) and is_module is False:
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
        fields: list[str] = []
        quiet = Ctx(record=False)
        for item in stmt.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                cls.methods[item.name] = self.make_function(item, scope, cls, ctx)
            elif (
                isinstance(item, ast.Assign)
                and len(item.targets) == 1
                and isinstance(item.targets[0], ast.Name)
            ):
                cls.class_attrs[item.targets[0].id] = self.eval(item.value, scope, quiet)
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                fields.append(item.target.id)
                if item.value is not None:
                    cls.class_attrs[item.target.id] = self.eval(item.value, scope, quiet)
        if any(_names_dataclass(d) for d in stmt.decorator_list):
            cls.dataclass_fields = tuple(fields)
        if self.cross_depth == 0:
            self.result.classes.append(cls)
        return cls

    def stmt_Return(self: Interpreter, stmt: ast.Return, scope: Scope, ctx: Ctx) -> None:
        value = self.eval(stmt.value, scope, ctx) if stmt.value is not None else ConstValue(None)
        if ctx.stopped:
            return
        ctx.returns.append(value)
        ctx.stopped = RETURN

    def stmt_Raise(self: Interpreter, stmt: ast.Raise, scope: Scope, ctx: Ctx) -> None:
        ctx.stopped = RETURN  # leaves the block; not one of ours, so no issue

    def stmt_Break(self: Interpreter, stmt: ast.stmt, scope: Scope, ctx: Ctx) -> None:
        ctx.stopped = BREAK

    stmt_Continue = stmt_Break

    def stmt_Assign(self: Interpreter, stmt: ast.Assign, scope: Scope, ctx: Ctx) -> None:
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

    def stmt_AnnAssign(self: Interpreter, stmt: ast.AnnAssign, scope: Scope, ctx: Ctx) -> None:
        if stmt.value is None:
            return
        value = self.eval(stmt.value, scope, ctx)
        if not ctx.stopped:
            self.assign(stmt.target, value, stmt, scope, ctx)

    def assign(
        self: Interpreter, target: ast.AST, value: Value, stmt: ast.stmt, scope: Scope, ctx: Ctx
    ) -> None:
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
            index = self.eval(target.slice, scope, ctx)
            if isinstance(base, TensorValue):
                self.inplace(base, target, stmt, [value], "item assignment", ctx, via_view=True)
            else:
                self.store_item(base, index, value, ctx)

    def store_item(
        self: Interpreter, base: Value, index: Value, value: Value, ctx: Ctx | None = None
    ) -> None:
        """``base[index] = value`` for a dict, a list or a container module."""
        constant = index.value if isinstance(index, ConstValue) else None
        if isinstance(base, DictValue):
            if isinstance(constant, str):
                base.items[constant] = value
            else:
                base.rest = value if base.rest is None else join_values(base.rest, value)
        elif isinstance(base, SeqValue) and base.kind == "list":
            if isinstance(constant, int) and -len(base.items) <= constant < len(base.items):
                items = list(base.items)
                items[constant] = value
                base.items = tuple(items)
            else:
                base.kind = "list-comp"
                base.items = (join_elements(base.items + (value,)),)
        elif isinstance(base, ModuleValue):
            if self.optimizers and self.current_stmt is not None and ctx is not None:
                self.note_new_parameters(base, value, self.current_stmt, ctx)
            if isinstance(constant, str):
                base.attrs[constant] = value
            if isinstance(value, ModuleValue):
                if isinstance(constant, int) and -len(base.children) <= constant < len(base.children):
                    base.children[constant] = value
                else:
                    base.children.append(value)

    def _unpack(self: Interpreter, value: Value, n: int) -> list[Value]:
        if isinstance(value, SeqValue) and len(value.items) == n and value.kind != "list-comp":
            return list(value.items)
        if isinstance(value, SeqValue) and value.kind == "list-comp" and value.items:
            return [value.items[0]] * n  # a list of unknown length: each name gets one of its elements
        if isinstance(value, TensorValue) and len(value.outputs) == n:
            return [output for _, output in value.outputs]  # values, indices = x.max(1)
        if isinstance(value, TensorValue):
            # Unpacking a tensor iterates its first dimension: views.
            return [self._view_of(value, value.obj.line, "an element of") for _ in range(n)]
        return [UNKNOWN] * n

    def assign_attribute(
        self: Interpreter, target: ast.Attribute, value: Value, stmt: ast.stmt, scope: Scope, ctx: Ctx
    ) -> None:
        attr = target.attr
        owner = self.eval(target.value, scope, ctx)
        if attr == "data":
            self._data_mutation(target, stmt, ctx, owner if isinstance(owner, TensorValue) else None)
        if isinstance(owner, TensorValue):
            if attr == "requires_grad":
                self.set_requires_grad(owner, stmt, value, ctx, method=False)
            elif attr in REQUIRES_GRAD_TYPOS:
                self.emit(RequiresGradAttributeTypo(stmt, attribute=target, wrong=attr), ctx)
            elif attr == "grad":
                self.note_grads_cleared()  # p.grad = None: gradients start again
            return
        if isinstance(owner, ModuleValue):
            old = owner.attrs.get(attr)
            if (
                in_condition(ctx)
                and old is not None
                and not (isinstance(old, ConstValue) and old.value is None)
                and not (isinstance(old, ModuleValue) and isinstance(value, ModuleValue))
            ):
                # Set in one branch only: afterwards it is either value (a dict in one branch,
                # a Parameter in another is neither for sure).
                value = join_values(old, value)
            if isinstance(value, (ModuleValue, TensorValue)) and self.optimizers:
                self.note_new_parameters(owner, value, stmt, ctx)
            building = (
                ctx.func is not None and ctx.func.bound_self is owner and ctx.func.node.name == "__init__"
            )
            if owner.attrs.get(attr) is not value and not building:
                self.module_epoch += 1
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

    def stmt_AugAssign(self: Interpreter, stmt: ast.AugAssign, scope: Scope, ctx: Ctx) -> None:
        target = stmt.target
        right = self.eval(stmt.value, scope, ctx)
        if ctx.stopped:
            return
        if isinstance(target, ast.Subscript):
            base = self.eval(target.value, scope, ctx)
            if isinstance(base, TensorValue):
                self.inplace(base, target, stmt, [right], "in-place item update", ctx, via_view=True)
                return
            # stats["loss"] += loss: a running total kept in a container.
            index = self.eval(target.slice, scope, ctx)
            current = self.item_of(base, index)
            if isinstance(stmt.op, ast.Add):
                self._check_accumulate(stmt, short_source(target), right, scope, ctx, current=current)
            self.store_item(base, index, self.binop(current, right, stmt.op, stmt, ctx), ctx)
            return
        current = self.eval(target, scope, ctx)
        if isinstance(current, TensorValue):
            self.inplace(current, target, stmt, [right], AUG_TEXT.get(type(stmt.op), "in-place op"), ctx)
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

    def _check_accumulate(
        self: Interpreter,
        stmt: ast.stmt,
        name: str,
        right: Value,
        scope: Scope,
        ctx: Ctx,
        current: Value | None = None,
    ) -> None:
        if ctx.loop_depth == 0 or not isinstance(right, TensorValue) or right.rg is not True:
            return
        if current is None:
            current = scope.vars.get(name)
        if isinstance(current, LazyName):
            current = current.resolve()[0]
        start = ctx.loops[-1].lineno if ctx.loops else 0
        before_loop = isinstance(current, (ConstValue, ItemValue, NumberValue)) or (
            isinstance(current, TensorValue) and 0 < current.obj.line < start
        )
        if before_loop or current is None:
            value_node = (
                stmt.value.right
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.BinOp)
                else getattr(stmt, "value", None)
            )
            self.emit(
                GraphKeptAcrossIterations(stmt, name=name, loops=tuple(ctx.loops), value=value_node), ctx
            )

    def _data_mutation(
        self: Interpreter, target: ast.AST, stmt: ast.AST, ctx: Ctx, value: TensorValue | None
    ) -> None:
        """An in-place change through ``.data`` (or an alias of it): invisible to autograd."""
        if not isinstance(stmt, ast.stmt) and self.current_stmt is not None:
            stmt = self.current_stmt
        func = ctx.func
        in_forward = func is not None and func.cls is not None and func.node.name == "forward"
        root: ast.AST = target
        while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
            root = root.func if isinstance(root, ast.Call) else root.value
        # In forward, a parameter changed through .data changes outside autograd on every call
        # (buffers, running statistics, are meant to be changed that way).
        owned = value is not None and func is not None and owned_by(value, func.bound_self)
        parameter = value is not None and (value.origin == "param" or value.data_of_param)
        if in_forward and parameter and isinstance(root, ast.Name) and (root.id == "self" or owned):
            self.emit(DataMutated(stmt, target=target, where="forward"), ctx)
            return
        if in_forward and parameter and value is not None and value.data_of_param and owned:
            self.emit(DataMutated(stmt, target=target, where="forward_alias"), ctx)
            return
        if value is None:
            return
        saver = value.obj.live_user()
        if saver is not None:
            event = DataMutated(
                stmt, target=target, where="live_graph", graph=saver, backwards_before=saver.backwards
            )
            self.emit(event, ctx)
        elif _waits_for_backward(value.data_of_node):
            node = value.data_of_node
            assert node is not None
            event = DataMutated(
                stmt, target=target, where="graph_output", graph=node, backwards_before=node.backwards
            )
            self.emit(event, ctx)

    def stmt_If(self: Interpreter, stmt: ast.If, scope: Scope, ctx: Ctx) -> None:
        test = self.eval(stmt.test, scope, ctx)
        decided = static_truth(stmt.test)
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
        narrowed = isinstance_tensor_test(stmt.test)
        overrides: list[dict[str, Value]] = [{}, {}]
        if narrowed is not None:
            name, positive = narrowed
            # The branch where the value is not a tensor must not see it as one.
            overrides[1 if positive else 0][name] = UNKNOWN
        self._branches([stmt.body, stmt.orelse], scope, ctx, overrides)

    def _branches(
        self: Interpreter,
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
        scope.vars.update(join_envs(live))

    def stmt_For(self: Interpreter, stmt: ast.For, scope: Scope, ctx: Ctx) -> None:
        iterable = self.eval(stmt.iter, scope, ctx)
        if ctx.stopped:
            return
        items = unrollable(iterable)
        if items is not None:
            # A short list of different things (modules of several classes, a dict's entries):
            # one pass per element, in order, instead of a pass with their join.
            binds = [
                (lambda item=item: self.assign_loop_target(stmt.target, item, stmt, scope, ctx))
                for item in items
            ]
            self._loop(stmt, scope, ctx, binds[0], binds)
            return
        element = self._element_of(iterable)
        self._loop(stmt, scope, ctx, lambda: self.assign_loop_target(stmt.target, element, stmt, scope, ctx))

    stmt_AsyncFor = stmt_For

    def assign_loop_target(
        self: Interpreter, target: ast.AST, value: Value, stmt: ast.stmt, scope: Scope, ctx: Ctx
    ) -> None:
        if isinstance(target, ast.Name):
            scope.vars[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt, item in zip(target.elts, self._unpack(value, len(target.elts))):
                self.assign_loop_target(elt, item, stmt, scope, ctx)

    def _loop(
        self: Interpreter, stmt: Any, scope: Scope, ctx: Ctx, bind: Any, binds: list[Any] | None = None
    ) -> None:
        before = dict(scope.vars)
        ctx.loop_depth += 1
        ctx.loops.append(stmt)
        ctx.cond_depth += 1
        states: list[dict[str, Value]] = []
        raised = False
        for each in binds or [bind, bind]:
            ctx.stopped = None
            each()
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
            joined = join_envs(states) if states else dict(scope.vars)
            merged = dict(before)
            merged.update(joined)
            scope.vars.clear()
            scope.vars.update(merged)
        if getattr(stmt, "orelse", None):
            self.exec_block(stmt.orelse, scope, ctx)

    def stmt_While(self: Interpreter, stmt: ast.While, scope: Scope, ctx: Ctx) -> None:
        self.eval(stmt.test, scope, ctx)
        if static_truth(stmt.test) is False:
            self.exec_block(stmt.orelse, scope, ctx)
            return
        self._loop(stmt, scope, ctx, lambda: None)

    def stmt_With(self: Interpreter, stmt: ast.With, scope: Scope, ctx: Ctx) -> None:
        saved = ctx.grad
        saved_inference = ctx.inference
        for item in stmt.items:
            mode = self._grad_context(item.context_expr, scope, ctx)
            if mode is not NOT_GRAD_CONTEXT:
                ctx.grad = mode  # type: ignore[assignment]
                if mode is False and _names_inference_mode(self, item.context_expr, scope, ctx):
                    ctx.inference = True
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
        ctx.inference = saved_inference

    stmt_AsyncWith = stmt_With

    def _grad_context(self: Interpreter, expr: ast.expr, scope: Scope, ctx: Ctx) -> object:
        call = expr if isinstance(expr, ast.Call) else None
        qual = self.context_qualname(call.func if call else expr, scope, ctx)
        name = self._grad_context_name(qual) if qual is not None else None
        if name is None:
            return NOT_GRAD_CONTEXT
        effect = self.api.grad_contexts[name]
        mode_arg: ast.expr | None = None
        if call is not None:
            mode_arg = (
                call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "mode"), None)
            )
        if effect == "arg":  # set_grad_enabled(mode): the argument is the grad mode
            return self._const_flag(mode_arg, scope) if mode_arg is not None else None
        if effect is False and mode_arg is not None:
            # inference_mode(mode): disables grad only when its mode is true.
            mode = self._const_flag(mode_arg, scope)
            return None if mode is None else (False if mode else ctx.grad)
        return effect

    def context_qualname(self: Interpreter, target: ast.expr, scope: Scope, ctx: Ctx) -> str | None:
        """The qualified name of a context manager: spelled out (``torch.no_grad``) or held in a
        name, an attribute or a container (``self.frozen = CONTEXTS[cfg.mode]``)."""
        qual = self._qual_of(target, scope)
        if qual is None and isinstance(target, (ast.Name, ast.Attribute)):
            value = self.eval_quiet(target, scope, ctx)
            qual = value.qualname if isinstance(value, RefValue) else None
        return qual

    def _const_flag(self: Interpreter, node: ast.expr, scope: Scope) -> bool | None:
        """A literal or a name bound to a constant, as a bool (None when unknown)."""
        value = const_bool(node)
        if value is None and isinstance(node, ast.Name):
            return const_bool_value(scope.lookup(node.id))
        return value

    def stmt_Try(self: Interpreter, stmt: ast.Try, scope: Scope, ctx: Ctx) -> None:
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

    def stmt_Match(self: Interpreter, stmt: Any, scope: Scope, ctx: Ctx) -> None:
        self.eval(stmt.subject, scope, ctx)
        self._branches([[]] + [case.body for case in stmt.cases], scope, ctx)

    def stmt_Delete(self: Interpreter, stmt: ast.Delete, scope: Scope, ctx: Ctx) -> None:
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                scope.vars.pop(target.id, None)
            elif isinstance(target, ast.Attribute):
                owner = self.eval(target.value, scope, ctx)
                if target.attr == "grad":
                    self.note_grads_cleared()
                if isinstance(owner, ModuleValue):
                    owner.attrs.pop(target.attr, None)  # del self.W: no longer registered

    def stmt_Global(self: Interpreter, stmt: ast.stmt, scope: Scope, ctx: Ctx) -> None:
        return


def _waits_for_backward(node: Node | None) -> bool:
    """Whether ``node`` is a graph node of this run that no backward has consumed yet."""
    return node is not None and not node.freed and node.run == current_run()


#: Longest list a ``for`` loop walks element by element.
MAX_UNROLL = 12


def unrollable(iterable: Value, numbers: bool = False) -> tuple[Value, ...] | None:
    """The elements of a short, known list whose elements differ (None otherwise); a list of
    plain numbers only when ``numbers`` (a comprehension, cheap to run per element)."""
    if not isinstance(iterable, SeqValue) or iterable.kind not in ("list", "tuple", "set"):
        return None
    items = iterable.items
    if not 2 <= len(items) <= MAX_UNROLL or any(isinstance(item, ParamsValue) for item in items):
        return None
    first = items[0]
    if all(item is first for item in items):
        return None
    if not numbers and all(
        isinstance(item, ConstValue) and isinstance(item.value, (int, float)) for item in items
    ):
        return None  # for i in range(n): the numbers do not change what the body does
    return items


def _names_dataclass(decorator: ast.expr) -> bool:
    """``@dataclass`` / ``@dataclasses.dataclass(...)``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name == "dataclass"


def _names_inference_mode(interp: Interpreter, expr: ast.expr, scope: Scope, ctx: Ctx) -> bool:
    """``with torch.inference_mode():`` (not ``no_grad``)."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    qual = interp.context_qualname(target, scope, ctx)
    return qual is not None and interp._grad_context_name(qual) == "inference_mode"
