"""Custom ``torch.autograd.Function`` classes: ``backward`` returns one gradient per input of
``forward`` (LEAF111)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..interp import Inference
from ..interp.values import ClassValue
from ..trees import children, walk
from .base import Finding, raises, rule
from .edits import fix, node_text, replace_node


@rule(
    "LEAF111",
    "function-backward-arity",
    "raises",
    "A custom autograd Function's `backward` returns the wrong number of gradients.",
    """
## What it does
Finds `torch.autograd.Function` subclasses whose `backward` returns fewer values than
`forward` takes inputs (after `ctx`), or extra values that are not `None`, on some return.

## Why is this bad?
The outer `backward()` raises `RuntimeError: function XBackward returned an incorrect number
of gradients (expected N, got M)`. Trailing `None`s are accepted, and so is `None` for an
input that is not a tensor: the count is what matters.

## Example
```python
class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, factor):
        ctx.factor = factor
        return x * factor

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.factor
```

## Use instead
```python
    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.factor, None
```

## Fix safety
Unsafe: padding with `None` says the missing inputs get no gradient, which is right for
non-tensor inputs and wrong for a tensor that needs one.
""",
    runtime=(
        raises(
            "returned an incorrect number of gradients",
            types=("RuntimeError",),
            locate=lambda source, message: backward_returns_in(source, message),
        ),
    ),
)
def function_backward_arity(inf: Inference) -> Iterator[Finding]:
    """Report backward returns whose count does not match forward's inputs."""
    reported: set[int] = set()
    for cls in inf.classes:
        lineage = _lineage(cls)
        if not any(klass.is_autograd_function for klass in lineage):
            continue
        methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for klass in reversed(lineage):  # a subclass's own methods override its bases'
            methods.update(
                (item.name, item)
                for item in klass.node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            )
        forward, backward = methods.get("forward"), methods.get("backward")
        if forward is None or backward is None:
            continue
        expected = _input_count(forward, with_ctx="setup_context" not in methods)
        if expected is None:
            continue
        for ret in _own_returns(backward):
            got = _returned_count(ret, backward)
            if got is None or got == expected:
                continue
            if got > expected and _extra_are_none(ret, expected):
                continue
            if ret.lineno in reported:
                continue  # a backward two Functions share: once
            reported.add(ret.lineno)
            edit = None
            if got < expected and ret.value is not None:
                padding = ", None" * (expected - got)
                values = node_text(inf, ret.value)
                if isinstance(ret.value, ast.Tuple) and not values.startswith("("):
                    values = f"({values})"
                inner = values[1:-1] if isinstance(ret.value, ast.Tuple) else values
                edit = replace_node(inf, ret.value, f"{inner}{padding}")
            yield Finding(
                inf.span(ret),
                f"`{cls.name}.backward` returns {got} gradient{'s' if got != 1 else ''} but `forward` takes "
                f'{expected} input{"s" if expected != 1 else ""}: backward() raises "returned an incorrect '
                'number of gradients"; return one per input (None for those that need none)',
                fix("Pad with `None`", edit, safe=False) if edit else None,
            )


def _lineage(cls: ClassValue) -> list[ClassValue]:
    """The class and its bases written in this program, nearest first."""
    out: list[ClassValue] = []
    stack = [cls]
    while stack and len(out) < 16:
        current = stack.pop(0)
        if current not in out:
            out.append(current)
            stack.extend(base for base in current.bases if isinstance(base, ClassValue))
    return out


def _input_count(forward: ast.FunctionDef | ast.AsyncFunctionDef, with_ctx: bool) -> int | None:
    """How many inputs ``forward`` takes (after ``ctx``); None with ``*args``."""
    args = forward.args
    if args.vararg is not None:
        return None
    names = args.posonlyargs + args.args
    count = len(names) - (1 if with_ctx else 0) + len(args.kwonlyargs)
    return count if count >= 0 else None


def _own_returns(func: ast.AST) -> Iterator[ast.Return]:
    stack = list(children(func))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(children(node))


def _returned_count(ret: ast.Return, func: ast.AST) -> int | None:
    """How many values a return gives: a tuple's length, else one (None when not known).

    ``return grads`` counts what ``grads`` was last bound to before it in the function."""
    value = ret.value
    if value is None:
        return 1
    if isinstance(value, ast.Name):
        bound = _last_binding(func, value.id, ret.lineno)
        if bound is None:
            # An output gradient ``backward`` was given (not ``*grads``) is one tensor.
            return 1 if value.id in _positional_names(func) else None
        value = bound
    if isinstance(value, ast.Tuple):
        if any(isinstance(e, ast.Starred) for e in value.elts):
            return None
        return len(value.elts)
    if isinstance(value, (ast.Name, ast.Call, ast.Subscript, ast.Attribute, ast.ListComp, ast.GeneratorExp)):
        return None  # may itself be a tuple of gradients
    return 1


def _positional_names(func: ast.AST) -> set[str]:
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return set()
    return {a.arg for a in func.args.posonlyargs + func.args.args}


def _extra_are_none(ret: ast.Return, expected: int) -> bool:
    value = ret.value
    return isinstance(value, ast.Tuple) and all(
        isinstance(e, ast.Constant) and e.value is None for e in value.elts[expected:]
    )


def _last_binding(func: ast.AST, name: str, before: int) -> ast.expr | None:
    """The value of the last ``name = value`` before line ``before`` (None if none or unclear)."""
    found: ast.expr | None = None
    for node in walk(func):
        if (
            isinstance(node, ast.Assign)
            and node.lineno < before
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
        ):
            if found is None or node.lineno > getattr(found, "lineno", 0):
                found = node.value
        elif isinstance(node, (ast.AugAssign, ast.For, ast.With)) and name in {
            n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }:
            return None  # bound in a way whose count is not read here
    if isinstance(found, ast.Name):
        return None
    return found


_WRONG_COUNT = re.compile(
    r"function (\w+)Backward returned an incorrect number of gradients \(expected (\d+), got (\d+)\)"
)


def backward_returns_in(source: str, message: str) -> tuple[int, ...]:
    """The ``return`` lines in ``backward`` of the Function the message names (torch raises at
    the outer ``backward()``): the only one, or those giving the count torch got, else every
    one that may be wrong."""
    match = _WRONG_COUNT.search(message)
    if match is None:
        return ()
    name, expected, got = match.group(1), int(match.group(2)), int(match.group(3))
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ()
    for cls in walk(tree):
        if not (isinstance(cls, ast.ClassDef) and cls.name == name):
            continue
        backward = next(
            (
                item
                for item in cls.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "backward"
            ),
            None,
        )
        if backward is None:
            continue
        counts = [(ret.lineno, _returned_count(ret, backward)) for ret in _own_returns(backward)]
        if len(counts) == 1:
            return (counts[0][0],)
        exact = tuple(sorted(line for line, count in counts if count == got))
        return exact or tuple(sorted(line for line, count in counts if count != expected))
    return ()
