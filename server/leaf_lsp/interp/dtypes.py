"""dtypes: the kind of a dtype, defaults, promotion, and the dtype torch infers from literals."""

from __future__ import annotations

import ast

from ..torch_api import TorchApi
from .facts import DEFAULT_DTYPES
from .values import (
    ConstValue,
    NumberValue,
    TensorValue,
    Value,
    number_kind,
)


def first_dtype(tensors: list[TensorValue]) -> str | None:
    for t in tensors:
        if t.dtype is not None:
            return t.dtype
    return None


def kind_of_values(values: list[TensorValue]) -> str | None:
    kinds = {v.kind for v in values}
    if "float" in kinds:
        return "float"
    if kinds == {"int"}:
        return "int"
    return None


def promote_kind(a: Value, b: Value) -> str | None:
    kinds = []
    for v in (a, b):
        if isinstance(v, TensorValue):
            kinds.append(v.kind)
        else:
            kinds.append(number_kind(v))
    if "float" in kinds or "complex" in kinds:
        return "float"
    if all(k in ("int", "bool") for k in kinds):
        return "int"
    return None


def default_dtype(kind: str) -> str | None:
    """The dtype torch gives a new tensor of ``kind`` when none is asked for."""
    return DEFAULT_DTYPES.get(kind)


def canonical_dtype(name: str, api: TorchApi) -> str:
    return api.dtype_canonical.get(name, name)


def literal_dtype(node: ast.AST) -> str | None:
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


def number_dtype(value: Value) -> str | None:
    """The dtype torch infers from a Python scalar (``torch.full``'s fill value)."""
    if isinstance(value, NumberValue) and value.kind is not None:
        return "float32" if value.kind == "float" else "int64"
    if isinstance(value, ConstValue):
        if isinstance(value.value, bool):
            return "bool"
        if isinstance(value.value, int):
            return "int64"
        if isinstance(value.value, float):
            return "float32"
    return None


def args_dtype(args: list[ast.expr], values: list[Value]) -> str | None:
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
