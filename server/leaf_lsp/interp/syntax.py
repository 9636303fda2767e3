"""Facts read off the syntax tree alone (no values): names of targets, constant tests,
operator spellings, short source excerpts for messages.
"""

from __future__ import annotations

import ast
import weakref
from typing import Any

from ..model import Span
from ..parse import SourceText
from ..trees import children, walk


def short_text(text: SourceText, span: Span, limit: int = 60) -> str:
    s = text.text(span).replace("\n", " ")
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def const_bool(node: ast.AST) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int)):
        return bool(node.value)
    return None


def isinstance_tensor_test(test: ast.expr) -> tuple[str, bool] | None:
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


def static_truth(test: ast.expr) -> bool | None:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__":
        if len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant):
            return test.comparators[0].value == "__main__" and isinstance(test.ops[0], ast.Eq)
    if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
        return False
    return None


def is_static_method(node: Any) -> bool:
    for deco in getattr(node, "decorator_list", []):
        if isinstance(deco, ast.Name) and deco.id == "staticmethod":
            return True
    return False


def target_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return "self." + node.attr
    return None


def receiver_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return target_name(node.func.value)
    if isinstance(node, ast.Assign) and node.targets and isinstance(node.targets[0], ast.Attribute):
        return target_name(node.targets[0].value)
    return None


def child_blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(stmt, ast.If):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, ast.Try):
        return [stmt.body, stmt.orelse, stmt.finalbody] + [h.body for h in stmt.handlers]
    if isinstance(stmt, ast.With):
        return [stmt.body]
    return []


OP_TEXT = {
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


AUG_TEXT = {op: f"`{sym}=`" for op, sym in OP_TEXT.items()}


def is_generator(node: ast.AST) -> bool:
    """Whether a function's own body (not a nested function's) contains ``yield``."""
    return _function_facts(node)[0]


def changes_state(node: ast.AST) -> bool:
    """Whether a function stores into something that outlives the call: an attribute or item of
    one of its parameters (``self.m = ...``, ``cache[k] = ...``) or of a global, or ``setattr``.
    Calling it twice is then not the same as calling it once. Stores into its own locals
    (``mask[:, 0] = 1`` on a tensor it made) do not count."""
    return _function_facts(node)[1]


_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _function_facts(node: ast.AST) -> tuple[bool, bool]:
    """(is a generator, changes state) of a function, from one walk of it (each is asked on
    every call of every function)."""
    cached = _FUNCTION_FACTS.get(node)
    if cached is not None:
        return cached
    # Names it binds itself (assignment and loop targets, nested functions' too), the
    # targets it stores into, and whether its own body yields.
    local: set[str] = set()
    targets: list[ast.AST] = []
    generator = False
    calls_setattr = False
    stack: list[tuple[ast.AST, bool]] = [(child, True) for child in children(node)]
    while stack:
        current, own = stack.pop()
        kind = type(current)
        if kind is ast.Name:
            if isinstance(current.ctx, ast.Store):  # type: ignore[attr-defined]
                local.add(current.id)  # type: ignore[attr-defined]
            continue
        if kind is ast.Yield or kind is ast.YieldFrom:
            generator = generator or own
        elif kind is ast.Assign or kind is ast.Delete:
            targets.extend(current.targets)  # type: ignore[attr-defined]
        elif kind is ast.AugAssign or kind is ast.AnnAssign:
            targets.append(current.target)  # type: ignore[attr-defined]
        elif kind is ast.Call:
            func = current.func  # type: ignore[attr-defined]
            calls_setattr = calls_setattr or (type(func) is ast.Name and func.id == "setattr")
        inner = own and not isinstance(current, _NESTED)
        stack.extend([(child, inner) for child in children(current)])
    params = getattr(node, "args", None)
    if params is not None:
        for arg in params.posonlyargs + params.args + params.kwonlyargs:
            local.discard(arg.arg)
    stateful = calls_setattr or any(_outlives(target, local) for target in targets)
    facts = _FUNCTION_FACTS[node] = (generator, stateful)
    return facts


def _outlives(target: ast.AST, local: set[str]) -> bool:
    if not isinstance(target, (ast.Attribute, ast.Subscript)):
        return False
    root: ast.AST = target
    while isinstance(root, (ast.Attribute, ast.Subscript)):
        root = root.value
    return not (isinstance(root, ast.Name) and root.id in local)


#: Per function node, (is a generator, changes state) (weak: trees are not kept alive).
_FUNCTION_FACTS: weakref.WeakKeyDictionary[ast.AST, tuple[bool, bool]] = weakref.WeakKeyDictionary()


def short_source(node: ast.AST) -> str:
    """The code of an expression, as written (normalised), for messages and names."""
    try:
        return ast.unparse(node)[:60]
    except (ValueError, RecursionError):
        return "<expression>"


_CREATES_GRAPH: weakref.WeakKeyDictionary[ast.AST, bool] = weakref.WeakKeyDictionary()


def creates_graph(tree: ast.AST) -> bool:
    """Whether the program passes ``create_graph`` anywhere (then a custom Function's
    ``backward`` may run with grad on, and is not assumed to run without it)."""
    cached = _CREATES_GRAPH.get(tree)
    if cached is None:
        cached = any(isinstance(node, ast.keyword) and node.arg == "create_graph" for node in walk(tree))
        _CREATES_GRAPH[tree] = cached
    return cached
