"""How ``forward`` uses a plain tensor attribute: does it combine it with its inputs without
moving it to their device and dtype (what goes wrong after ``model.cuda()`` / ``.half()``)?

Read from the syntax of the methods ``forward`` reaches. A use is harmless when it moves the
tensor first (``self.t.to(x)``, ``.to(x.device)``, ``.type_as(x)``, ``.cuda()``), only reads
metadata (``self.t.shape``, ``.item()``), or indexes with it (a CPU index is fine for a CUDA
tensor); it is harmful when the tensor meets a value that is not a constant in an operator,
a torch function or a tensor method.
"""

from __future__ import annotations

import ast

from ..trees import walk
from .classes import enclosing, self_calls

#: Methods that move or cast a tensor to where (and what) another one is.
MOVING = frozenset({"to", "type_as", "cuda", "cpu", "half", "float", "double", "bfloat16", "as_subclass"})
#: Attribute reads and methods that give metadata or Python values, not a tensor to combine.
METADATA = frozenset(
    {
        "shape",
        "size",
        "dim",
        "ndim",
        "numel",
        "dtype",
        "device",
        "item",
        "tolist",
        "is_cuda",
        "nelement",
        "stride",
        "requires_grad",
        "clone",
        "detach",
        "copy_",
        "fill_",
        "zero_",
        "add_",
        "mul_",
    }
)
#: Methods whose arguments are sizes, dims or counts: the result is on the tensor's device.
SHAPING = frozenset(
    {
        "expand",
        "view",
        "reshape",
        "repeat",
        "permute",
        "transpose",
        "unsqueeze",
        "squeeze",
        "flatten",
        "narrow",
        "select",
        "split",
        "chunk",
        "roll",
        "flip",
        "sum",
        "mean",
        "amax",
        "amin",
        "norm",
        "softmax",
        "log_softmax",
        "cumsum",
        "pow",
        "contiguous",
        "t",
        "exp",
        "log",
        "sqrt",
        "abs",
        "clamp",
        "long",
        "int",
        "bool",
    }
)
#: Keywords that place a tensor built from another one (``torch.as_tensor(t, device=x.device)``).
PLACING = frozenset({"device", "dtype"})


def first_unmoved_use(
    name: str, uses: list[ast.expr], parent_of: dict[int, ast.AST], funcs: list[ast.FunctionDef]
) -> ast.AST | None:
    """The first use that combines the attribute with another value without moving it."""
    if uses and _moved_in_place(name, funcs):
        return None
    for use in sorted(uses, key=lambda u: (u.lineno, u.col_offset)):
        found = _combines(use, parent_of, funcs, depth=0)
        if found is not None:
            return found
    return None


def _moved_in_place(name: str, funcs: list[ast.FunctionDef]) -> bool:
    """``self.t = self.t.to(x.device)`` in the methods ``forward`` reaches: it follows the inputs."""
    for func in funcs:
        for node in walk(func):
            if not isinstance(node, ast.Assign):
                continue
            if not any(
                isinstance(t, ast.Attribute)
                and t.attr == name
                and isinstance(t.value, ast.Name)
                and t.value.id == "self"
                for t in node.targets
            ):
                continue
            for inner in walk(node.value):
                if isinstance(inner, ast.Attribute) and inner.attr in ("to", "cuda", "type_as"):
                    return True
                if isinstance(inner, ast.keyword) and inner.arg == "device":
                    return True
    return False


def _combines(
    node: ast.AST, parent_of: dict[int, ast.AST], funcs: list[ast.FunctionDef], depth: int
) -> ast.AST | None:
    """Where ``node`` (the attribute, or a value made from it) meets another value unmoved."""
    for _ in range(8):
        parent = parent_of.get(id(node))
        if parent is None:
            return None
        if isinstance(parent, ast.Attribute) and parent.value is node:
            if parent.attr in MOVING or parent.attr in METADATA:
                return None
            call = parent_of.get(id(parent))
            if isinstance(call, ast.Call) and call.func is parent:
                if parent.attr not in SHAPING and _has_other_value(
                    call.args + [k.value for k in call.keywords]
                ):
                    return call  # self.table.index_select(0, ids), self.mask.mul(h)
                node = call  # self.table.t(), .exp(): still the attribute's device
                continue
            node = parent
            continue
        if isinstance(parent, ast.Subscript):
            if parent.slice is node or _within(node, parent.slice):
                return None  # used as an index: a CPU index into a CUDA tensor is fine
            node = parent  # self.pe[:, :n]: a piece of the same tensor
            continue
        if isinstance(parent, ast.BinOp):
            other = parent.right if parent.left is node else parent.left
            if not _constant(other):
                return parent
            node = parent  # self.mask == 0, self.t * 2: a result on the same device
            continue
        if isinstance(parent, ast.Compare):
            others = [parent.left, *parent.comparators]
            if any(o is not node and not _constant(o) for o in others):
                return parent
            node = parent
            continue
        if isinstance(parent, ast.UnaryOp):
            node = parent
            continue
        if isinstance(parent, ast.Call) and parent.func is not node:
            if any(k.arg in PLACING for k in parent.keywords):
                return None  # torch.as_tensor(self.t, device=x.device)
            arguments = parent.args + [k.value for k in parent.keywords]
            others = [a for a in arguments if a is not node and not _within(node, a)]
            if _user_code(parent.func):
                # Handed to the code's own method: followed there when forward reaches it.
                return _in_callee(parent, node, parent_of, funcs, depth) if depth < 3 else None
            if _has_other_value(others):
                return parent  # torch.matmul(x, self.w), F.linear(x, self.w)
            func = parent.func
            if _user_code(func):
                return None  # the code's own function: what it does there is not seen here
            if isinstance(func, ast.Attribute) and not _namespace(func.value):
                return parent  # x.mul(self.w): a method of another tensor
            if isinstance(func, ast.Attribute):
                node = parent  # torch.sigmoid(self.w): a result on the same device
                continue
            return None  # print(self.t), len(self.t)
        if isinstance(parent, (ast.Tuple, ast.List)):
            call = parent_of.get(id(parent))
            mixed = any(e is not node and not _constant(e) for e in parent.elts)
            if mixed and isinstance(call, ast.Call) and not _user_code(call.func):
                return call  # torch.cat([self.prompt, h]): joined with the inputs
            node = parent
            continue
        if isinstance(parent, (ast.Starred, ast.keyword)):
            node = parent
            continue
        if (
            isinstance(parent, ast.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)
        ):
            if depth >= 3:
                return None
            return _local_uses(parent.targets[0].id, parent, parent_of, funcs, depth + 1)
        if isinstance(parent, ast.Return) and depth < 3:
            return _callers_use(parent, parent_of, funcs, depth + 1)
        return None
    return None


def _in_callee(
    call: ast.Call, arg: ast.AST, parent_of: dict[int, ast.AST], funcs: list[ast.FunctionDef], depth: int
) -> ast.AST | None:
    """``self.method(..., self.t, ...)``: where ``method`` uses the parameter it receives."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"):
        return None
    target = next((f for f in funcs if f.name == func.attr), None)
    if target is None:
        return None
    params = [a.arg for a in target.args.posonlyargs + target.args.args][1:]  # after self
    name: str | None = None
    for index, value in enumerate(call.args):
        if value is arg and index < len(params):
            name = params[index]
    for keyword in call.keywords:
        if keyword.value is arg:
            name = keyword.arg
    if name is None:
        return None
    for node in walk(target):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            found = _combines(node, parent_of, funcs, depth + 1)
            if found is not None:
                return found
    return None


def _callers_use(
    ret: ast.Return, parent_of: dict[int, ast.AST], funcs: list[ast.FunctionDef], depth: int
) -> ast.AST | None:
    """A method returns it: follow to where ``self.<method>(...)`` is called in ``funcs``."""
    owner = enclosing(funcs, ret.lineno)
    if owner is None:
        return None
    for call in self_calls(funcs, owner.name):
        found = _combines(call, parent_of, funcs, depth)
        if found is not None:
            return found
    return None


def _local_uses(
    name: str, assign: ast.Assign, parent_of: dict[int, ast.AST], funcs: list[ast.FunctionDef], depth: int
) -> ast.AST | None:
    """Follow ``t = self.table[...]`` to the uses of ``t`` in the same function (any of them:
    ``drop_mask = self.mask`` in one branch is used after the join)."""
    func = enclosing(funcs, assign.lineno)
    if func is None:
        return None
    stores = sorted(
        (n.lineno, n.col_offset)
        for n in walk(func)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
    )
    mine = (assign.lineno, assign.col_offset)
    for node in walk(func):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            here = (node.lineno, node.col_offset)
            before = [s for s in stores if s < here]
            if before and before[-1] > mine:
                continue  # read after the name was bound again (x = x.to(device)): not our value
            found = _combines(node, parent_of, funcs, depth)
            if found is not None:
                return found
    return None


#: Names code calls functions through (``torch.exp``, ``F.linear``), not tensors.
NAMESPACES = frozenset({"torch", "F", "nn", "np", "numpy", "math", "functional"})


def _user_code(func: ast.expr) -> bool:
    """A call of the code's own function, method or class (``helper(t)``, ``self.m(t)``,
    ``Cls.f(t)``), not of torch or of a tensor."""
    if isinstance(func, ast.Name):
        return func.id not in ("float", "int", "bool", "len", "print", "max", "min")
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        owner = func.value.id
        return owner == "self" or owner[:1].isupper()
    return False


def _namespace(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id in NAMESPACES


def _constant(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    return False


def _has_other_value(nodes: list[ast.expr]) -> bool:
    return any(not _constant(n) and not isinstance(n, (ast.Slice,)) for n in nodes)


def _within(node: ast.AST, container: ast.AST) -> bool:
    return any(child is node for child in walk(container))
