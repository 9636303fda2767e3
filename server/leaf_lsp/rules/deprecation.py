"""Deprecated autograd APIs with better replacements (LEAF301, LEAF302)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..interp import Inference
from ..trees import walk
from .base import Finding, rule, warns
from .edits import atom, fix, node_text, replace_node

_WEIGHT_NORM = {
    "torch.nn.utils.weight_norm": "weight_norm",
    "torch.nn.utils.weight_norm.weight_norm": "weight_norm",
    "torch.nn.utils.spectral_norm": "spectral_norm",
    "torch.nn.utils.spectral_norm.spectral_norm": "spectral_norm",
}


@rule(
    "LEAF301",
    "deprecated-weight-norm",
    "deprecation",
    "`torch.nn.utils.weight_norm` / `spectral_norm` are deprecated.",
    """
## What it does
Finds calls to `torch.nn.utils.weight_norm` and `torch.nn.utils.spectral_norm`.

## Why is this bad?
They are superseded by `torch.nn.utils.parametrizations.*`, which work with `state_dict`,
`deepcopy` and `torch.compile`. `weight_norm` warns (FutureWarning); `spectral_norm` does not
warn in torch 2.13, but is superseded all the same. Either way the normalised weight is
computed: never hand `module.weight` to an optimizer.

## Example
```python
layer = nn.utils.weight_norm(nn.Linear(10, 5))
```

## Use instead
```python
layer = nn.utils.parametrizations.weight_norm(nn.Linear(10, 5))
```

## Fix safety
Unsafe: the parameter names change (`weight_g`/`weight_v` become
`parametrizations.weight.original0/1`), so old checkpoints no longer load as they are.
""",
    tags=("deprecated",),
    runtime=(
        # FutureWarning from torch/nn/utils/weight_norm.py; torch 2.13's spectral_norm does not warn
        warns(
            "torch.nn.utils.weight_norm",
            "torch.nn.utils.spectral_norm",
            categories=("FutureWarning", "DeprecationWarning", "UserWarning"),
        ),
    ),
)
def deprecated_weight_norm(inf: Inference) -> Iterator[Finding]:
    """Report deprecated weight_norm/spectral_norm calls."""
    for qual, short in _WEIGHT_NORM.items():
        for call in inf.calls_by_qualname.get(qual, []):
            edit = None
            func = call.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == short
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "utils"
            ):
                edit = replace_node(inf, func, f"{node_text(inf, func.value)}.parametrizations.{short}")
            yield Finding(
                inf.span(call),
                f"`{node_text(inf, func)}` is deprecated: use `torch.nn.utils.parametrizations.{short}`",
                fix(f"Use `parametrizations.{short}`", edit, safe=False) if edit else None,
            )


@rule(
    "LEAF302",
    "deprecated-variable",
    "deprecation",
    "`torch.autograd.Variable` is deprecated.",
    """
## What it does
Finds `Variable(t)` / `Variable(t, requires_grad=True)` from `torch.autograd`.

## Why is this bad?
Since PyTorch 0.4 `Variable` is a no-op wrapper that returns a plain tensor; it misleads
readers into thinking it does something for autograd.

## Example
```python
w = Variable(torch.Tensor([1.0]), requires_grad=True)
```

## Use instead
```python
w = torch.tensor([1.0], requires_grad=True)
```

## Fix safety
Unsafe: `Variable(t, requires_grad=True)` becomes `t.requires_grad_()`, which changes `t`
itself rather than a new alias of it.
""",
    tags=("deprecated",),
)
def deprecated_variable(inf: Inference) -> Iterator[Finding]:
    """Report torch.autograd.Variable calls."""
    for qual in ("torch.autograd.Variable", "torch.autograd.variable.Variable"):
        for call in inf.calls_by_qualname.get(qual, []):
            edit = None
            if (
                len(call.args) == 1
                and all(k.arg == "requires_grad" for k in call.keywords)
                and len(call.keywords) <= 1
            ):
                inner = atom(inf, call.args[0])
                rg = call.keywords[0].value if call.keywords else None
                if rg is None or (isinstance(rg, ast.Constant) and rg.value is False):
                    edit = replace_node(inf, call, inner)
                elif isinstance(rg, ast.Constant) and rg.value is True:
                    edit = replace_node(inf, call, f"{inner}.requires_grad_()")
            yield Finding(
                inf.span(call),
                "`torch.autograd.Variable` is deprecated and returns a plain tensor: use the tensor itself "
                "(with `requires_grad=True` or `.requires_grad_()`)",
                fix("Use the tensor directly", edit, safe=False) if edit else None,
            )


@rule(
    "LEAF303",
    "deprecated-backward-hook",
    "deprecation",
    "`Module.register_backward_hook` is deprecated.",
    """
## What it does
Finds `module.register_backward_hook(hook)`.

## Why is this bad?
It is superseded by `register_full_backward_hook`. When the module's forward is more than one
autograd node (most modules but a single op), the `grad_input` the hook receives is the
gradient of the last op only, not of the module's inputs: the hook silently sees the wrong
values. torch warns (FutureWarning) not when the hook is registered but when the hooked
module's forward runs with grad enabled, and for some modules not at all.

## Example
```python
layer.register_backward_hook(log_grads)
```

## Use instead
```python
layer.register_full_backward_hook(log_grads)
```

## Fix safety
Unsafe: the full hook's `grad_input` is the gradient of the module's inputs, which is what the
hook usually meant but not what it received before; hooks that return a value must match it.
""",
    tags=("deprecated",),
    runtime=(
        warns(
            "non-full backward hook",
            categories=("FutureWarning",),
            locate=lambda source, message: backward_hook_calls_in(source),
        ),
    ),
)
def deprecated_backward_hook(inf: Inference) -> Iterator[Finding]:
    """Report register_backward_hook calls, offering register_full_backward_hook."""
    if "register_backward_hook" not in inf.text.source:
        return  # an attribute's name is always written out: no need to walk the tree
    for node in walk(inf.tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "register_backward_hook"
        ):
            continue
        func = node.func
        edit = replace_node(inf, func, f"{node_text(inf, func.value)}.register_full_backward_hook")
        yield Finding(
            inf.span(node),
            "`register_backward_hook` is deprecated and its `grad_input` can be wrong (the gradient of "
            "the module's last op, not of its inputs): use `register_full_backward_hook`",
            fix("Use `register_full_backward_hook`", edit, safe=False),
        )


def backward_hook_calls_in(source: str) -> tuple[int, ...]:
    """The lines of the ``register_backward_hook`` calls (torch warns later, when a hooked
    forward runs, without saying which registration it is about)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ()
    return tuple(
        sorted(
            node.lineno
            for node in walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "register_backward_hook"
        )
    )
