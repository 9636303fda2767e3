"""Tensor shapes where the code makes them plain: enough to tell one element from many.

A shape is a tuple of dimensions, each an exact size, :data:`MANY` (at least two, the exact
size not known) or None (not known). A tensor whose shape is not known at all has None.
Every function here answers None rather than guess.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from .facts import (
    APPENDED_DIM_MODULES,
    CLASS_LOSSES,
    DIM_REDUCTIONS,
    ELEMENTWISE,
    ELEMENTWISE_LOSSES,
    LAST_DIM_MODULES,
    SHAPE_KEEPING_MODULES,
)
from .values import UNKNOWN, ConstValue, NumberValue, SeqValue, TensorValue, Value

#: A dimension known to hold at least two elements, its exact size unknown.
MANY = -2
#: The size ``-1`` given to ``view`` / ``reshape``: worked out from the others.
INFER = -1

Dim = int | None
Shape = tuple[Dim, ...]

#: The most dimensions a shape keeps (a longer one is not known).
MAX_RANK = 8


def int_bounds(value: Value) -> tuple[int | None, int | None]:
    """The smallest and largest value a Python int may have here (None: not known)."""
    if isinstance(value, ConstValue) and type(value.value) is int:
        return value.value, value.value
    if isinstance(value, NumberValue) and value.kind == "int":
        return value.low, value.high
    return None, None


def exact_int(value: Value) -> int | None:
    """The value of a Python int known exactly."""
    low, high = int_bounds(value)
    return low if low is not None and low == high else None


def numel_is_one(shape: Shape | None) -> bool | None:
    """Whether a tensor of this shape holds exactly one element (None: not known)."""
    if shape is None:
        return None
    if any(d is not None and d != 1 for d in shape):
        return False  # zero elements or at least two: not one either way
    if all(d == 1 for d in shape):
        return True
    return None


def _broadcast_dim(x: Dim, y: Dim) -> Dim:
    if x == 1:
        return y
    if y == 1:
        return x
    if x is None:
        return y
    if y is None or x == MANY:
        return y if x == MANY and y is not None else x
    return x


def broadcast(a: Shape | None, b: Shape | None) -> Shape | None:
    """The shape of an elementwise op on two shapes (None when either is not known)."""
    if a is None or b is None:
        return None
    rank = max(len(a), len(b))
    left = (1,) * (rank - len(a)) + a
    right = (1,) * (rank - len(b)) + b
    return tuple(_broadcast_dim(x, y) for x, y in zip(left, right))


def sizes_shape(args: Sequence[Value]) -> Shape | None:
    """The shape named by size arguments: ``(2, 3)``, ``2, 3`` or ``[n, d]``."""
    if len(args) == 1 and isinstance(args[0], SeqValue):
        items: Sequence[Value] = args[0].items
        if args[0].kind == "list-comp":
            return None
    else:
        items = args
    if len(items) > MAX_RANK:
        return None
    dims: list[Dim] = []
    for item in items:
        if not isinstance(item, (ConstValue, NumberValue)):
            return None
        exact = exact_int(item)
        low, _ = int_bounds(item)
        dims.append(exact if exact is not None else (MANY if low is not None and low >= 2 else None))
    return tuple(dims)


def _axis(dim: Value, rank: int) -> int | None:
    axis = exact_int(dim)
    if axis is None or not -rank <= axis < rank:
        return None
    return axis % rank


def reduced(shape: Shape | None, dim: Value | None, keepdim: bool | None) -> Shape | None:
    """The shape of a reduction (``sum``, ``mean``...) over ``dim`` (None: all of them)."""
    if dim is None:
        return (1,) * len(shape) if keepdim and shape is not None else ()
    if shape is None or keepdim is None:
        return None
    items = dim.items if isinstance(dim, SeqValue) else (dim,)
    axes: set[int] = set()
    for item in items:
        axis = _axis(item, len(shape))
        if axis is None:
            return None
        axes.add(axis)
    if keepdim:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def numel(shape: Shape | None) -> Dim:
    """How many elements a shape holds: exact, MANY or None."""
    if shape is None:
        return None
    if any(d == 0 for d in shape):
        return 0
    exact = [d for d in shape if d is not None and d > 0]
    if len(exact) == len(shape):
        total = 1
        for d in exact:
            total *= d
        return total
    if any(d is not None and d != 1 for d in shape):
        return MANY
    return None


def flattened(shape: Shape | None, start: int = 0) -> Shape | None:
    """``flatten(start_dim)``: the dimensions from ``start`` on become one."""
    if shape is None or not -len(shape) <= start <= max(len(shape) - 1, 0):
        return None
    start %= max(len(shape), 1)
    return shape[:start] + (numel(shape[start:]),)


def reshaped(shape: Shape | None, sizes: Shape | None) -> Shape | None:
    """``view`` / ``reshape``: the sizes given, with a -1 worked out when it can be."""
    if sizes is None or INFER not in sizes:
        return sizes
    total = numel(shape)
    others = [d for d in sizes if d != INFER]
    exact = [d for d in others if d is not None and d >= 0]
    if sizes.count(INFER) == 1 and total is not None and total >= 0 and len(exact) == len(others):
        rest = 1
        for d in exact:
            rest *= d
        if rest > 0 and total % rest == 0:
            return tuple(total // rest if d == INFER else d for d in sizes)
    return tuple(None if d == INFER else d for d in sizes)


def unsqueezed(shape: Shape | None, dim: Value) -> Shape | None:
    if shape is None:
        return None
    axis = _axis(dim, len(shape) + 1)
    return None if axis is None else shape[:axis] + (1,) + shape[axis:]


def squeezed(shape: Shape | None, dim: Value | None) -> Shape | None:
    if shape is None:
        return None
    if dim is None:
        if any(d is None for d in shape):
            return None
        return tuple(d for d in shape if d != 1)
    axis = _axis(dim, len(shape))
    if axis is None or shape[axis] is None:
        return None
    return shape[:axis] + shape[axis + 1 :] if shape[axis] == 1 else shape


def transposed(shape: Shape | None, first: Value | None = None, second: Value | None = None) -> Shape | None:
    """``t()`` / ``.T`` (no dims: reversed) or ``transpose(a, b)``."""
    if shape is None:
        return None
    if first is None or second is None:
        return tuple(reversed(shape)) if len(shape) <= 2 or first is None else None
    a, b = _axis(first, len(shape)), _axis(second, len(shape))
    if a is None or b is None:
        return None
    dims = list(shape)
    dims[a], dims[b] = dims[b], dims[a]
    return tuple(dims)


def matmul(a: Shape | None, b: Shape | None) -> Shape | None:
    """``a @ b``."""
    if a is None or b is None or not a or not b:
        return None
    if len(a) == 1 and len(b) == 1:
        return ()
    if len(b) == 1:
        return a[:-1]
    if len(a) == 1:
        return b[:-2] + b[-1:]
    batch = broadcast(a[:-2], b[:-2])
    return None if batch is None else batch + (a[-2], b[-1])


def stacked(parts: Sequence[Shape | None], dim: Value | None) -> Shape | None:
    """``torch.stack(parts, dim)``."""
    if not parts or any(p is None for p in parts):
        return (len(parts),) if len(parts) >= 2 and dim is None else None
    first = parts[0]
    assert first is not None
    axis = 0 if dim is None else _axis(dim, len(first) + 1)
    if axis is None:
        return None
    return first[:axis] + (len(parts),) + first[axis:]


def _slice_length(size: Dim, part: ast.Slice, low_value: Value, up_value: Value, width_value: Value) -> Dim:
    """How long ``t[lower:upper]`` is along a dimension of ``size``."""
    lower, upper = part.lower, part.upper
    if part.step is not None or size is None or size == MANY:
        return None
    if lower is None and upper is None:
        return size
    low_exact = 0 if lower is None else exact_int(low_value)
    up_exact = size if upper is None else exact_int(up_value)
    if low_exact is not None and up_exact is not None:
        return len(range(size)[low_exact:up_exact])
    # x[i : i + k]: a window of k from a start that stays within known bounds.
    if (
        lower is not None
        and isinstance(upper, ast.BinOp)
        and isinstance(upper.op, ast.Add)
        and ast.dump(upper.left) == ast.dump(lower)
    ):
        start_low, start_high = int_bounds(low_value)
        width = exact_int(width_value)
        if start_low is None or start_high is None or width is None or start_low < 0 or width < 0:
            return None
        shortest = min(width, max(0, size - start_high))
        longest = min(width, max(0, size - start_low))
        if shortest == longest:
            return shortest
        return MANY if shortest >= 2 else None
    return None


def indexed(shape: Shape | None, index: ast.expr, values: Sequence[Value]) -> Shape | None:
    """``t[index]`` with basic indexing: ints drop a dimension, slices keep (and may shorten)
    it. ``values`` are the evaluated parts of the index (each slice as its lower and upper
    bound), in order; a tensor index, ``None`` or ``...`` give None."""
    if shape is None:
        return None
    parts = index.elts if isinstance(index, ast.Tuple) else [index]
    if len(parts) > len(shape):
        return None
    out: list[Dim] = []
    cursor = 0
    for axis, part in enumerate(parts):
        if isinstance(part, ast.Slice):
            if cursor + 3 > len(values):
                return None
            out.append(
                _slice_length(shape[axis], part, values[cursor], values[cursor + 1], values[cursor + 2])
            )
            cursor += 3
            continue
        if cursor >= len(values):
            return None
        value = values[cursor]
        cursor += 1
        if isinstance(part, ast.Constant) and (part.value is None or part.value is Ellipsis):
            return None
        if not (isinstance(value, ConstValue) and type(value.value) is int) and not (
            isinstance(value, NumberValue) and value.kind == "int"
        ):
            return None
    return tuple(out) + shape[len(parts) :]


# --- the shapes of torch operations ---


def _keepdim(args: Sequence[Value], kwargs: dict[str, Value], position: int) -> bool | None:
    flag = kwargs.get("keepdim", args[position] if len(args) > position else ConstValue(False))
    return flag.value if isinstance(flag, ConstValue) and isinstance(flag.value, bool) else None


def _tensor_shapes(values: Sequence[Value]) -> list[Shape | None]:
    return [v.shape for v in values if isinstance(v, TensorValue)]


def method_shape(
    method: str, shape: Shape | None, args: Sequence[Value], kwargs: dict[str, Value]
) -> Shape | None:
    """The shape of ``t.method(*args, **kwargs)`` for a ``t`` of ``shape``."""
    if shape is None:
        return None
    if method in ELEMENTWISE:
        result: Shape | None = shape
        for other in _tensor_shapes(list(args) + list(kwargs.values())):
            result = broadcast(result, other)
        return result
    if method in DIM_REDUCTIONS:
        if method in ("max", "min") and args and isinstance(args[0], TensorValue):
            return broadcast(shape, args[0].shape)  # elementwise max of two tensors
        position = 1 if method == "norm" else 0  # norm(p, dim)
        dim = kwargs.get("dim", args[position] if len(args) > position else None)
        return reduced(shape, dim, _keepdim(args, kwargs, position + 1))
    if method in ("view", "reshape"):
        return reshaped(shape, sizes_shape(list(args)))
    if method == "flatten":
        start = exact_int(kwargs.get("start_dim", args[0] if args else ConstValue(0)))
        end = kwargs.get("end_dim", args[1] if len(args) > 1 else ConstValue(-1))
        return flattened(shape, start) if start is not None and exact_int(end) == -1 else None
    if method == "unsqueeze" and args:
        return unsqueezed(shape, args[0])
    if method == "squeeze":
        return squeezed(shape, args[0] if args else kwargs.get("dim"))
    if method == "t":
        return transposed(shape)
    if method == "transpose" and len(args) == 2:
        return transposed(shape, args[0], args[1])
    if method in ("permute",):
        order = [
            exact_int(a)
            for a in (args[0].items if len(args) == 1 and isinstance(args[0], SeqValue) else args)
        ]
        if len(order) != len(shape) or any(o is None for o in order):
            return None
        return tuple(shape[o] for o in order if o is not None)
    if method in ("matmul", "mm", "bmm") and args and isinstance(args[0], TensorValue):
        return matmul(shape, args[0].shape)
    return None


def function_shape(name: str, args: Sequence[Value], kwargs: dict[str, Value]) -> Shape | None:
    """The shape of ``torch.name(...)`` / ``F.name(...)``."""
    if (
        name in ("stack", "cat", "concat")
        and args
        and isinstance(args[0], SeqValue)
        and args[0].kind != "list-comp"
    ):
        parts = [item.shape if isinstance(item, TensorValue) else None for item in args[0].items]
        dim = kwargs.get("dim", args[1] if len(args) > 1 else None)
        if name == "stack":
            return stacked(parts, dim)
        return _concatenated(parts, dim)
    if not args or not isinstance(args[0], TensorValue):
        return None
    first = args[0]
    if name in ELEMENTWISE_LOSSES or name in CLASS_LOSSES:
        reduction = kwargs.get("reduction", ConstValue("mean"))
        mode = reduction.value if isinstance(reduction, ConstValue) else None
        if mode in ("mean", "sum", "batchmean"):
            return ()
        if mode != "none":
            return None
        if name in ELEMENTWISE_LOSSES:
            target = args[1] if len(args) > 1 else kwargs.get("target")
            return broadcast(first.shape, target.shape) if isinstance(target, TensorValue) else None
        if first.shape is None:
            return None
        return () if len(first.shape) == 1 else first.shape[:1] + first.shape[2:]
    if name == "where" and len(args) == 3:
        result: Shape | None = args[0].shape
        for other in args[1:]:
            result = broadcast(result, other.shape) if isinstance(other, TensorValue) else None
        return result
    if name == "matmul" and len(args) == 2 and isinstance(args[1], TensorValue):
        return matmul(first.shape, args[1].shape)
    return method_shape(name, first.shape, list(args[1:]), kwargs)


def _concatenated(parts: Sequence[Shape | None], dim: Value | None) -> Shape | None:
    if not parts or any(p is None for p in parts):
        return None
    first = parts[0]
    assert first is not None
    axis = 0 if dim is None else _axis(dim, len(first))
    if axis is None or any(p is None or len(p) != len(first) for p in parts):
        return None
    sizes = [p[axis] for p in parts if p is not None]
    total: Dim = (
        sum(s for s in sizes if s is not None) if all(s is not None and s >= 0 for s in sizes) else None
    )
    if total is None and any(s == MANY or (s is not None and s >= 2) for s in sizes):
        total = MANY
    return first[:axis] + (total,) + first[axis + 1 :]


def module_output_shape(kind: str | None, size: int | None, shape: Shape | None) -> Shape | None:
    """The output shape of a torch layer (``kind`` from :func:`module_shape_kind`)."""
    if shape is None or kind is None:
        return None
    if kind == "same":
        return shape
    if kind == "last" and shape and size is not None:
        return shape[:-1] + (size,)
    if kind == "append" and size is not None:
        return shape + (size,)
    if kind == "flatten" and len(shape) >= 2:
        return flattened(shape, 1)
    return None


def module_shape_kind(
    name: str, args: Sequence[Value], kwargs: dict[str, Value]
) -> tuple[str | None, int | None]:
    """How a torch module class built with these arguments shapes its output."""
    if name in SHAPE_KEEPING_MODULES:
        return "same", None
    if name == "Flatten" and not args and not kwargs:
        return "flatten", None
    for table, kind in ((LAST_DIM_MODULES, "last"), (APPENDED_DIM_MODULES, "append")):
        if name in table:
            position, keyword = table[name]
            given = kwargs.get(keyword, args[position] if len(args) > position else None)
            size = exact_int(given) if given is not None else None
            return (kind, size) if size is not None else (None, None)
    return None, None


def set_shape(tensor: TensorValue, shape: Shape | None) -> None:
    """Give ``tensor`` a shape (None: not known), and with it whether it holds one element."""
    if shape is not None and len(shape) > MAX_RANK:
        shape = None
    tensor.shape = shape
    if shape is None:
        return
    one = numel_is_one(shape)
    if one is not None:
        tensor.one_element = one
    for _, output in tensor.outputs:
        output.shape = shape
        if one is not None:
            output.one_element = one


def literal_shape(value: Value) -> Shape | None:
    """The shape of ``torch.tensor(value)`` for a number or nested lists of numbers."""
    if isinstance(value, ConstValue) and isinstance(value.value, (int, float)):
        return ()
    if isinstance(value, NumberValue):
        return ()
    if isinstance(value, SeqValue) and value.kind in ("list", "tuple") and value.items:
        inner = [literal_shape(item) for item in value.items]
        first = inner[0]
        if first is None or any(s != first for s in inner) or len(first) >= MAX_RANK:
            return None
        return (len(value.items),) + first
    return None


def shape_value(shape: Shape | None) -> Value:
    """``t.shape`` as a tuple of Python ints (unknown sizes as ints not known)."""
    if shape is None:
        return UNKNOWN
    return SeqValue(tuple(dim_value(d) for d in shape), "tuple")


def dim_value(dim: Dim) -> Value:
    """One dimension as a Python int value."""
    if dim is None:
        return NumberValue("int")
    if dim == MANY:
        return NumberValue("int", 2, None)
    return ConstValue(dim)


def size_query(method: str, shape: Shape, args: Sequence[Value]) -> Value | None:
    """``t.size()`` / ``t.size(d)`` / ``t.dim()`` / ``t.numel()`` where the shape tells."""
    if method == "dim":
        return ConstValue(len(shape))
    if method == "numel":
        total = numel(shape)
        return dim_value(total) if total is not None else None
    if not args:
        return shape_value(shape)
    axis = _axis(args[0], len(shape)) if shape else None
    return dim_value(shape[axis]) if axis is not None else None
