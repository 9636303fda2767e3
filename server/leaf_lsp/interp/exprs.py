"""Expressions: names, literals, containers, operators, subscripts and attributes."""

# The methods here are typed with `self: Interpreter` (the class that mixes them in), which
# mypy reports as [misc] "erased type of self"; the bodies are still checked against it.
# mypy: disable-error-code="misc"

from __future__ import annotations

import ast
import operator
from typing import TYPE_CHECKING, Any

from ..trees import children
from .containers import merge_rest
from .dtypes import (
    promote_kind,
)
from .facts import PARAMETER_CONTAINERS
from .modules import class_mro, find_method
from .shapes import broadcast, indexed, int_bounds, matmul, set_shape
from .state import (
    Ctx,
    Scope,
)
from .stmts import unrollable
from .syntax import (
    OP_TEXT,
)
from .tensors import binop_saved
from .values import (
    UNKNOWN,
    AutogradApplyValue,
    ClassValue,
    ConstValue,
    DictValue,
    FunctionValue,
    ItemValue,
    ModuleValue,
    NumberValue,
    ParamsValue,
    RefValue,
    SeqValue,
    SliceValue,
    SuperValue,
    TensorValue,
    Value,
    is_number,
    join_elements,
    join_values,
    new_tensor,
    next_serial,
    number_kind,
)

if TYPE_CHECKING:
    from .core import Interpreter


#: Expressions whose result can be a tensor they made (not one that existed before).
MAKING_EXPRESSIONS = (ast.Call, ast.BinOp, ast.UnaryOp, ast.Compare)


def mark_inference(value: TensorValue) -> None:
    """A tensor made under ``torch.inference_mode()`` is an inference tensor, and so is each
    of its outputs; a view or ``.detach()`` is one only when its base is (set where made)."""
    if value.origin in ("view", "detach", "param", "data"):
        return
    value.inference = True
    for _, output in value.outputs:
        if output.origin not in ("view", "detach", "param", "data"):
            output.inference = True


class ExpressionsMixin:
    """Expressions: names, literals, containers, operators, subscripts, attributes (mixed into :class:`~.core.Interpreter`)."""

    # ------------------------------------------------------------------ expressions
    def eval(self: Interpreter, node: ast.expr | None, scope: Scope, ctx: Ctx) -> Value:
        if node is None:
            return UNKNOWN
        handler = self.EXPR_HANDLERS.get(type(node))
        if handler is None:
            for child in children(node):
                if isinstance(child, ast.expr):
                    self.eval(child, scope, ctx)
            return UNKNOWN
        if ctx.inference and isinstance(node, MAKING_EXPRESSIONS):
            mark = next_serial()
            value: Value = handler(self, node, scope, ctx)
            if isinstance(value, TensorValue) and value.serial > mark:
                mark_inference(value)
        else:
            value = handler(self, node, scope, ctx)
        if value.__class__ is TensorValue and ctx.record and self.settings.hints:
            self.record_expr(node, value)
        return value

    def eval_quiet(self: Interpreter, node: ast.expr, scope: Scope, ctx: Ctx) -> Value:
        """Evaluate a simple expression without side effects (names and attributes only)."""
        if isinstance(node, ast.Name):
            return scope.lookup(node.id)
        return (
            self.eval(node, scope, ctx) if isinstance(node, (ast.Attribute, ast.Call, ast.BinOp)) else UNKNOWN
        )

    def expr_Constant(self: Interpreter, node: ast.Constant, scope: Scope, ctx: Ctx) -> Value:
        return ConstValue(node.value)

    def expr_Name(self: Interpreter, node: ast.Name, scope: Scope, ctx: Ctx) -> Value:
        return scope.lookup(node.id)

    def expr_NamedExpr(self: Interpreter, node: ast.NamedExpr, scope: Scope, ctx: Ctx) -> Value:
        value = self.eval(node.value, scope, ctx)
        scope.vars[node.target.id] = value
        return value

    def _elements(self: Interpreter, elts: list[ast.expr], scope: Scope, ctx: Ctx) -> tuple[Value, ...]:
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

    def expr_Tuple(self: Interpreter, node: ast.Tuple, scope: Scope, ctx: Ctx) -> Value:
        return SeqValue(self._elements(node.elts, scope, ctx), "tuple")

    def expr_List(self: Interpreter, node: ast.List, scope: Scope, ctx: Ctx) -> Value:
        return SeqValue(self._elements(node.elts, scope, ctx), "list")

    def expr_Set(self: Interpreter, node: ast.Set, scope: Scope, ctx: Ctx) -> Value:
        return SeqValue(self._elements(node.elts, scope, ctx), "set")

    def expr_Dict(self: Interpreter, node: ast.Dict, scope: Scope, ctx: Ctx) -> Value:
        result = DictValue({})
        for key, val in zip(node.keys, node.values):
            value = self.eval(val, scope, ctx)
            if key is None:  # {**other}
                merged = self.container_builtin("dict", [value], {}, node)  # type: ignore[arg-type]
                if isinstance(merged, DictValue):
                    result.items.update(merged.items)
                    result.rest = merge_rest(result.rest, merged.rest)
                else:
                    result.rest = UNKNOWN
                continue
            key_value = self.eval(key, scope, ctx)
            if isinstance(key_value, ConstValue) and isinstance(key_value.value, str):
                result.items[key_value.value] = value
            else:
                result.rest = value if result.rest is None else join_values(result.rest, value)
        return result

    def expr_Yield(self: Interpreter, node: ast.Yield, scope: Scope, ctx: Ctx) -> Value:
        value = self.eval(node.value, scope, ctx) if node.value is not None else ConstValue(None)
        ctx.yields.append(value)
        return UNKNOWN  # what the consumer sends in

    def expr_YieldFrom(self: Interpreter, node: ast.YieldFrom, scope: Scope, ctx: Ctx) -> Value:
        source = self.eval(node.value, scope, ctx)
        if isinstance(source, ParamsValue):
            ctx.yields.append(source)
        else:
            ctx.yields.append(SeqValue((self._element_of(source),), "list-comp"))
        return UNKNOWN

    def expr_IfExp(self: Interpreter, node: ast.IfExp, scope: Scope, ctx: Ctx) -> Value:
        test = self.eval(node.test, scope, ctx)
        if isinstance(test, ConstValue) and (test.value is None or isinstance(test.value, bool)):
            return self.eval(node.body if test.value else node.orelse, scope, ctx)
        return join_values(self.eval(node.body, scope, ctx), self.eval(node.orelse, scope, ctx))

    def expr_Lambda(self: Interpreter, node: ast.Lambda, scope: Scope, ctx: Ctx) -> Value:
        return FunctionValue(node, "<lambda>", scope)

    def expr_Await(self: Interpreter, node: ast.Await, scope: Scope, ctx: Ctx) -> Value:
        return self.eval(node.value, scope, ctx)

    def expr_Starred(self: Interpreter, node: ast.Starred, scope: Scope, ctx: Ctx) -> Value:
        self.eval(node.value, scope, ctx)
        return UNKNOWN

    def _comprehension(self: Interpreter, node: Any, scope: Scope, ctx: Ctx) -> Value:
        inner = Scope(self, scope, dict(scope.vars) if scope.parent is None else {})
        if scope.parent is not None:
            inner.vars.update(scope.vars)
        if len(node.generators) == 1 and not node.generators[0].is_async:
            gen = node.generators[0]
            source = self.eval(gen.iter, inner, ctx)
            items = unrollable(source, numbers=True)
            if items is not None:
                return self._comprehension_per_item(node, gen, items, inner, ctx)
            return self._comprehension_joined(node, source, inner, ctx)
        return self._comprehension_joined(node, None, inner, ctx)

    def _comprehension_per_item(
        self: Interpreter, node: Any, gen: ast.comprehension, items: tuple[Value, ...], inner: Scope, ctx: Ctx
    ) -> Value:
        """A comprehension over a short known list: its element expression once per item."""
        produced: list[Value] = []
        keyed = DictValue({})
        decided = True  # every filter test had a constant answer
        for item in items:
            self.assign_loop_target(gen.target, item, node, inner, ctx)
            tests = [self.eval(test, inner, ctx) for test in gen.ifs]
            if any(isinstance(t, ConstValue) and not t.value for t in tests):
                continue  # filtered out for this item
            decided = decided and all(isinstance(t, ConstValue) for t in tests)
            if isinstance(node, ast.DictComp):
                key = self.eval(node.key, inner, ctx)
                value = self.eval(node.value, inner, ctx)
                if isinstance(key, ConstValue) and isinstance(key.value, str) and decided:
                    keyed.items[key.value] = value
                else:
                    keyed.rest = merge_rest(keyed.rest, value)
            else:
                produced.append(self.eval(node.elt, inner, ctx))
        if isinstance(node, ast.DictComp):
            return keyed
        if not decided:
            # Which items pass the filter is not known: one of them stands for all.
            return SeqValue((join_elements(produced),), "list-comp") if produced else UNKNOWN
        return SeqValue(tuple(produced), "list")

    def _comprehension_joined(
        self: Interpreter, node: Any, first: Value | None, inner: Scope, ctx: Ctx
    ) -> Value:
        iterable: Value = UNKNOWN
        for index, gen in enumerate(node.generators):
            iterable = first if index == 0 and first is not None else self.eval(gen.iter, inner, ctx)
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
        if isinstance(node, ast.DictComp):
            self.eval(node.key, inner, ctx)
            value = self.eval(node.value, inner, ctx)
            return DictValue({}, rest=value)
        if elt is not None:
            value = self.eval(elt, inner, ctx)
            if value is not UNKNOWN:
                return SeqValue((value,), "list-comp")
        return UNKNOWN

    expr_ListComp = _comprehension

    expr_GeneratorExp = _comprehension

    expr_SetComp = _comprehension

    expr_DictComp = _comprehension

    def expr_BinOp(self: Interpreter, node: ast.BinOp, scope: Scope, ctx: Ctx) -> Value:
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

    def binop(
        self: Interpreter, left: Value, right: Value, op: ast.operator, node: ast.AST, ctx: Ctx
    ) -> Value:
        if not isinstance(left, TensorValue) and not isinstance(right, TensorValue):
            if isinstance(left, ItemValue) or isinstance(right, ItemValue):
                return ItemValue(getattr(node, "lineno", 0))
            if is_number(left) and is_number(right):
                return fold_arithmetic(left, right, op)  # Python numbers stay numbers, never a graph
            if (
                isinstance(op, ast.Add)
                and isinstance(left, ConstValue)
                and isinstance(right, ConstValue)
                and isinstance(left.value, str)
                and isinstance(right.value, str)
            ):
                return ConstValue(left.value + right.value)  # "head_" + task
            return UNKNOWN
        symbol = OP_TEXT.get(type(op), "an operator")
        result = self.op_result([left, right], node, f"`{symbol}`", ctx, kind=promote_kind(left, right))
        if isinstance(result, TensorValue) and not isinstance(op, ast.MatMult):
            # Elementwise: as many elements as the larger operand (broadcasting never shrinks).
            sizes = [v.one_element for v in (left, right) if isinstance(v, TensorValue)]
            result.one_element = False if False in sizes else (True if all(sizes) else None)
            set_shape(result, broadcast(_shape_of(left), _shape_of(right)))
        elif isinstance(result, TensorValue):
            set_shape(result, matmul(_shape_of(left), _shape_of(right)))
        if isinstance(result, TensorValue) and result.node is not None:
            result.node.saved = binop_saved(op, left, right)
        if isinstance(op, (ast.Mult, ast.MatMult, ast.Div)) and self._saves_inference_tensor(
            [left, right], ctx, node
        ):
            return UNKNOWN  # `*`, `@`, `/` save their operands for backward
        return result

    def expr_UnaryOp(self: Interpreter, node: ast.UnaryOp, scope: Scope, ctx: Ctx) -> Value:
        operand = self.eval(node.operand, scope, ctx)
        if isinstance(operand, TensorValue):
            if isinstance(node.op, ast.Not):
                return UNKNOWN
            negated = self.op_result([operand], node, "unary `-`", ctx, kind=operand.kind)
            if isinstance(negated, TensorValue):
                set_shape(negated, operand.shape)
            return negated
        if isinstance(operand, NumberValue):
            return operand if not isinstance(node.op, ast.Not) else UNKNOWN
        if isinstance(operand, ConstValue) and is_number(operand):
            number = operand.value
            assert isinstance(number, (int, float))
            if isinstance(node.op, ast.USub):
                return ConstValue(-number)
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, ast.Invert) and isinstance(number, int):
                return ConstValue(~number)
            return ConstValue(not number) if isinstance(node.op, ast.Not) else UNKNOWN
        if isinstance(operand, ConstValue) and isinstance(node.op, ast.Not):
            return ConstValue(not operand.value)
        return operand if isinstance(operand, ItemValue) else UNKNOWN

    def expr_Compare(self: Interpreter, node: ast.Compare, scope: Scope, ctx: Ctx) -> Value:
        values = [self.eval(node.left, scope, ctx)] + [self.eval(c, scope, ctx) for c in node.comparators]
        folded = fold_comparison(values, node.ops)
        if folded is not None:
            return folded
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

    def expr_BoolOp(self: Interpreter, node: ast.BoolOp, scope: Scope, ctx: Ctx) -> Value:
        values = [self.eval(v, scope, ctx) for v in node.values]
        if values and all(isinstance(v, ConstValue) for v in values):
            # Python's own rule: the first falsy (and) / truthy (or) operand, else the last one.
            for value in values:
                truthy = bool(value.value) if isinstance(value, ConstValue) else False
                if truthy == isinstance(node.op, ast.Or):
                    return value
            return values[-1]
        if (
            isinstance(node.op, ast.Or)
            and len(values) == 2
            and isinstance(values[1], TensorValue)
            and isinstance(values[0], ConstValue)
            and values[0].value is None
        ):
            return values[1]
        return UNKNOWN

    def expr_JoinedStr(self: Interpreter, node: ast.JoinedStr, scope: Scope, ctx: Ctx) -> Value:
        parts: list[str] | None = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                value = self.eval(v.value, scope, ctx)
                simple = v.conversion == -1 and v.format_spec is None
                if (
                    parts is not None
                    and simple
                    and isinstance(value, ConstValue)
                    and isinstance(value.value, (str, int))
                ):
                    parts.append(str(value.value))
                else:
                    parts = None  # a text only known at run time
            elif parts is not None and isinstance(v, ast.Constant):
                parts.append(str(v.value))
        return ConstValue("".join(parts)) if parts is not None else UNKNOWN

    def expr_Subscript(self: Interpreter, node: ast.Subscript, scope: Scope, ctx: Ctx) -> Value:
        base = self.eval(node.value, scope, ctx)
        index = self.eval(node.slice, scope, ctx)
        if isinstance(base, TensorValue):
            position = index.value if isinstance(index, ConstValue) else None
            if (
                base.outputs
                and isinstance(position, int)
                and -len(base.outputs) <= position < len(base.outputs)
            ):
                # x.max(1)[1]: an output of the tuple (indexing the tensor itself would be a view
                # with the same facts as the first output, so this is right either way for [0]).
                return base.outputs[position][1]
            if isinstance(index, TensorValue) and index.kind in ("int", "bool"):
                return self.op_result([base], node, "advanced indexing", ctx, kind=base.kind, copy_of=base)
            view = self._view_of(base, node.lineno, "indexing", ctx)
            if base.shape is not None:  # the index's parts matter only for a known shape
                set_shape(view, indexed(base.shape, node.slice, self._index_parts(node.slice, scope, ctx)))
            return view
        return self.item_of(base, index)

    def _index_parts(self: Interpreter, index: ast.expr, scope: Scope, ctx: Ctx) -> list[Value]:
        """The values in a tensor index, each slice as its bounds and the width added to its
        start (``x[i : i + k]``), for
        :func:`~.shapes.indexed` (only side-effect-free parts are evaluated again)."""
        values: list[Value] = []
        for part in index.elts if isinstance(index, ast.Tuple) else [index]:
            if isinstance(part, ast.Slice):
                width = part.upper.right if isinstance(part.upper, ast.BinOp) else None
                bounds = [part.lower, part.upper, width]  # x[i : i + width]
            else:
                bounds = [part]
            for bound in bounds:
                values.append(
                    self.eval(bound, scope, ctx) if bound is not None and _pure(bound) else ConstValue(None)
                )
        return values

    def item_of(self: Interpreter, base: Value, index: Value) -> Value:
        """``base[index]`` for a container or a container module (not a tensor)."""
        constant = index.value if isinstance(index, ConstValue) else None
        if isinstance(base, SeqValue):
            if base.kind == "list-comp":
                return base.items[0] if base.items else UNKNOWN
            if isinstance(constant, int) and not isinstance(constant, bool):
                if -len(base.items) <= constant < len(base.items):
                    return base.items[constant]
                return UNKNOWN
            if isinstance(index, SliceValue):
                if index.bounds is not None:
                    return SeqValue(base.items[index.bounds], base.kind)
                return SeqValue((join_elements(base.items),), "list-comp") if base.items else UNKNOWN
            return join_elements(base.items) if base.items else UNKNOWN
        if isinstance(base, DictValue):
            if isinstance(constant, str) and constant in base.items:
                return base.items[constant]
            if base.rest is not None:
                return base.rest
            if isinstance(constant, str):
                return UNKNOWN  # a key put in where the interpreter did not see it
            return join_elements(base.values()) if base.values() else UNKNOWN
        if isinstance(base, ModuleValue):
            if isinstance(constant, str):
                found = base.attrs.get(constant)
                return found if isinstance(found, (ModuleValue, TensorValue)) else UNKNOWN
            held = _indexed_members(base)
            if isinstance(constant, int) and not isinstance(constant, bool):
                if -len(held) <= constant < len(held):
                    return held[constant]
                return UNKNOWN
            if isinstance(index, SliceValue) and base.torch_class is not None:
                return base  # model[:2]: a container of the same kind of members
            return join_elements(held) if held else UNKNOWN
        return UNKNOWN

    def expr_Slice(self: Interpreter, node: ast.Slice, scope: Scope, ctx: Ctx) -> Value:
        bounds: list[int | None] = []
        known = True
        for part in (node.lower, node.upper, node.step):
            value = self.eval(part, scope, ctx) if part is not None else ConstValue(None)
            raw = value.value if isinstance(value, ConstValue) else "?"
            if raw is None or (isinstance(raw, int) and not isinstance(raw, bool)):
                bounds.append(raw)
            else:
                known = False
        return SliceValue(slice(*bounds) if known else None)

    def expr_Attribute(self: Interpreter, node: ast.Attribute, scope: Scope, ctx: Ctx) -> Value:
        base = self.eval(node.value, scope, ctx)
        attr = node.attr
        if isinstance(base, RefValue):
            return RefValue(base.qualname + "." + attr)
        if isinstance(base, TensorValue):
            return self.tensor_attribute(base, attr, node, ctx)
        if isinstance(base, ModuleValue):
            self.note_use(base, attr, ctx)
            return self.module_attribute(base, attr)
        if isinstance(base, ClassValue):
            if attr == "apply" and base.is_autograd_function:
                return AutogradApplyValue(base)
            method = find_method(base, attr)
            if method is not None:
                return method
            found = next((k.class_attrs[attr] for k in class_mro(base) if attr in k.class_attrs), None)
            return found if found is not None else UNKNOWN
        if isinstance(base, SuperValue):
            for cls in class_mro(base.cls)[1:]:
                method = cls.methods.get(attr)
                if method is not None:
                    return method.bound_to(base.self_value)
            return UNKNOWN
        return UNKNOWN

    # ------------------------------------------------------------------ helpers
    def _qual_of(self: Interpreter, node: ast.AST, scope: Scope) -> str | None:
        if isinstance(node, ast.Name):
            value = scope.lookup(node.id)
            return value.qualname if isinstance(value, RefValue) else None
        if isinstance(node, ast.Attribute):
            base = self._qual_of(node.value, scope)
            return f"{base}.{node.attr}" if base else None
        return None


def _indexed_members(module: ModuleValue) -> list[Value]:
    """What ``module[i]`` can give: the modules of a container, the tensors of a ParameterList."""
    if module.torch_class in PARAMETER_CONTAINERS:
        return [v for v in module.attrs.values() if isinstance(v, TensorValue)]
    return list(module.children)


#: Operators folded on constant numbers (others, and overflow, give an unknown number).
_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARISONS = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: operator.contains(b, a),
    ast.NotIn: lambda a, b: not operator.contains(b, a),
}


def _shape_of(value: Value) -> tuple[int | None, ...] | None:
    """A tensor's shape, a Python number's (a 0-d operand); None when not known."""
    if isinstance(value, TensorValue):
        return value.shape
    return () if is_number(value) else None


def _pure(node: ast.expr) -> bool:
    """Names, constants, attributes and arithmetic on them: evaluating again changes nothing."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.Attribute):
        return _pure(node.value)
    if isinstance(node, ast.BinOp):
        return _pure(node.left) and _pure(node.right)
    if isinstance(node, ast.UnaryOp):
        return _pure(node.operand)
    if isinstance(node, ast.Subscript):
        return _pure(node.value) and isinstance(node.slice, ast.Constant)
    return False


def fold_arithmetic(left: Value, right: Value, op: ast.operator) -> Value:
    """``left <op> right`` on Python numbers: the value when both are constants, else a number."""
    kind = "float" if "float" in (number_kind(left), number_kind(right)) or isinstance(op, ast.Div) else None
    if kind is None and number_kind(left) == "int" and number_kind(right) == "int":
        kind = "int"
    function = _ARITHMETIC.get(type(op))
    if isinstance(left, ConstValue) and isinstance(right, ConstValue) and function is not None:
        try:
            result = function(left.value, right.value)
        except (ArithmeticError, TypeError, ValueError):
            return NumberValue(kind)
        if isinstance(result, (int, float)) and abs(result) < 1e15:
            return ConstValue(result)
    if kind == "int" and isinstance(op, (ast.Add, ast.Sub, ast.Mult)):
        return NumberValue("int", *_int_interval(left, right, op))
    return NumberValue(kind)


def _int_interval(left: Value, right: Value, op: ast.operator) -> tuple[int | None, int | None]:
    """Bounds of ``left <op> right`` on ints from the operands' bounds."""
    (a, b), (c, d) = int_bounds(left), int_bounds(right)
    if a is None or b is None or c is None or d is None:
        return None, None
    if isinstance(op, ast.Add):
        return a + c, b + d
    if isinstance(op, ast.Sub):
        return a - d, b - c
    products = (a * c, a * d, b * c, b * d)
    return min(products), max(products)


def fold_comparison(values: list[Value], ops: list[ast.cmpop]) -> Value | None:
    """A comparison of constants (``name.startswith`` results, config values): its answer."""
    if not all(isinstance(v, ConstValue) or _constant_container(v) for v in values):
        return None
    raw = [v.value if isinstance(v, ConstValue) else _container_constants(v) for v in values]
    result = True
    try:
        for op, left, right in zip(ops, raw, raw[1:]):
            function = _COMPARISONS.get(type(op))
            if function is None:
                return None
            result = result and bool(function(left, right))
    except (TypeError, ValueError):
        return None
    return ConstValue(result)


def _constant_container(value: Value) -> bool:
    return (
        isinstance(value, SeqValue)
        and value.kind != "list-comp"
        and all(isinstance(v, ConstValue) for v in value.items)
    )


def _container_constants(value: Value) -> tuple[object, ...]:
    return (
        tuple(v.value for v in value.items if isinstance(v, ConstValue))
        if isinstance(value, SeqValue)
        else ()
    )
