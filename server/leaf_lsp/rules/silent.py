"""Rules for mistakes that run but train wrong or waste memory (LEAF201, 202, 208-210, 212, 213)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from ..interp import Inference
from ..interp.events import (
    CheckpointWithoutGradInputs,
    ClipBeforeUnscale,
    GradientsAccumulate,
    GraphKeptAcrossIterations,
    LeafCopied,
    NonLeafGradRead,
    RequiresGradAttributeTypo,
    RequiresGradKeywordTypo,
    RequiresGradOnComputed,
    TensorFromTensor,
)
from ..interp.syntax import short_text
from ..model import Edit, Fix, Span
from ..trees import children, walk
from .base import Finding, raises, rule, warns
from .edits import atom, fix, insert_after_statement, node_text, replace_node


@rule(
    "LEAF201",
    "grad-of-non-leaf",
    "silent",
    "`.grad` of a non-leaf tensor is read.",
    """
## What it does
Finds reads of `.grad` on a tensor that is the result of an operation (a non-leaf) and that
did not call `.retain_grad()`.

## Why is this bad?
Autograd only fills `.grad` of leaves: the value is None (with a UserWarning), so code that
logs or uses it silently gets nothing.

## Example
```python
b = a * 2
b.sum().backward()
print(b.grad)
```

## Use instead
```python
b = a * 2
b.retain_grad()
b.sum().backward()
print(b.grad)
```

## Fix safety
Safe: the fix inserts `b.retain_grad()` right after `b` is assigned; it only keeps a gradient
that would otherwise be discarded.
""",
    runtime=(
        # UserWarning from TensorBase::grad() on a non-leaf (aten/src/ATen/core/TensorBody.h)
        warns(".grad attribute of a Tensor that is not a leaf"),
    ),
)
def grad_of_non_leaf(inf: Inference) -> Iterator[Finding]:
    """Report .grad reads of non-leaves, offering retain_grad()."""
    for event in inf.events_of(NonLeafGradRead):
        node = event.node
        if event.obj is not None and event.obj.retains_grad:
            continue
        message = (
            f"`{short_text(inf.text, inf.span(node))}` reads the gradient of a non-leaf tensor: it is "
            "None after backward() unless retain_grad() was called before"
        )
        edit = None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assign = _assignment_of(inf, node.value.id, node.lineno)
            if assign is not None:
                edit = insert_after_statement(inf, assign, f"{node.value.id}.retain_grad()")
        yield Finding(
            inf.span(node), message, fix("Call `.retain_grad()` after it is assigned", edit, safe=True)
        )


def _assignment_of(inf: Inference, name: str, before_line: int) -> ast.stmt | None:
    """The last simple assignment ``name = ...`` in the same block structure before ``before_line``."""
    best: ast.stmt | None = None
    for node in walk(inf.tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno < before_line:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                if best is None or node.lineno > best.lineno:
                    best = node
    return best


@rule(
    "LEAF202",
    "device-move-makes-non-leaf",
    "silent",
    "A dtype or device conversion copies a leaf that requires grad.",
    """
## What it does
Finds `.double()`, `.half()`, `.cuda()`, `.to(torch.float64)`... applied to a leaf that
requires grad when the conversion makes a copy.

## Why is this bad?
The copy is a non-leaf: its `.grad` stays None after backward, and an optimizer refuses it.
(`.float()` on a float32 tensor and `.to("cpu")` on a CPU tensor return the same leaf; where
the target is only known at run time, e.g. `.to(device)`, leaf-lsp says "unknown" and the
probe settles it.)

## Example
```python
w = torch.randn(3, requires_grad=True).cuda()
```

## Use instead
```python
w = torch.randn(3, device="cuda", requires_grad=True)
```

## Fix safety
Safe when the conversion is applied directly to the factory call: the fix moves it into
the factory's `dtype=` / `device=` argument, which creates the leaf where it is wanted.
""",
)
def device_move_makes_non_leaf(inf: Inference) -> Iterator[Finding]:
    """Report conversions that copy a grad leaf, offering dtype=/device= in the factory."""
    for event in inf.events_of(LeafCopied):
        obj = event.result_obj
        if obj is not None and obj.retains_grad:
            continue
        node = event.node
        # Converting a leaf that stays in a variable is fine: only a copy that takes the leaf's
        # place (made straight from the factory, rebinding the same name, handed to an optimizer,
        # or whose .grad is read) loses the gradient.
        if not event.leaf_lost and not (obj is not None and (obj.grad_read or obj.optimized)):
            continue
        message = (
            f"`{short_text(inf.text, inf.span(node))}` copies a leaf that requires grad: the result is a "
            "non-leaf whose `.grad` stays None, and the optimizer cannot take it"
        )
        yield Finding(inf.span(node), message, _factory_fix(inf, node, event))


def _factory_fix(inf: Inference, call: ast.AST, event: LeafCopied) -> Fix | None:
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return None
    factory = call.func.value
    if not isinstance(factory, ast.Call) or not any(k.arg == "requires_grad" for k in factory.keywords):
        return None
    torch = inf.torch_alias
    dtype, device = event.dtype, event.device
    if dtype and (torch is None or any(k.arg == "dtype" for k in factory.keywords)):
        return None
    if device and any(k.arg == "device" for k in factory.keywords):
        return None
    argument = f"dtype={torch}.{dtype}" if dtype else f'device="{device}"'
    if dtype and device:
        argument += f', device="{device}"'
    rg = next(k for k in factory.keywords if k.arg == "requires_grad")
    rg_span = inf.span(rg)
    insert = Edit(Span(rg_span.line, rg_span.col, rg_span.line, rg_span.col), argument + ", ")
    factory_span = inf.span(factory)
    call_span = inf.span(call)
    remove = Edit(
        Span(factory_span.end_line, factory_span.end_col, call_span.end_line, call_span.end_col), ""
    )
    return fix(f"Create the tensor with `{argument}` instead", insert, remove, safe=True)


@rule(
    "LEAF208",
    "requires-grad-typo",
    "silent",
    "`requires_grad` is misspelt.",
    """
## What it does
Finds `t.require_grad = ...`, `t.requires_grads = ...` and keyword arguments such as
`torch.randn(..., requires_grads=True)`.

## Why is this bad?
On a tensor the misspelt attribute is a plain Python attribute: autograd ignores it and the
tensor keeps its old flag. As a keyword argument, torch raises `TypeError`.

## Example
```python
pe.require_grad = False
```

## Use instead
```python
pe.requires_grad = False
```

## Fix safety
Safe: it fixes the spelling to what the code meant.
""",
    runtime=(
        # TypeError from python_arg_parser.cpp or Parameter.__new__; tried before the any-type texts
        raises("requires_grads", "require_grad", types=("TypeError",), priority=1),
    ),
)
def requires_grad_typo(inf: Inference) -> Iterator[Finding]:
    """Report requires_grad misspellings with a spelling fix."""
    typos: list[RequiresGradAttributeTypo | RequiresGradKeywordTypo] = [
        event
        for event in inf.events
        if isinstance(event, (RequiresGradAttributeTypo, RequiresGradKeywordTypo))
    ]
    for event in typos:
        edit = None
        keyword = event.keyword if isinstance(event, RequiresGradKeywordTypo) else None
        attr_node = event.attribute if isinstance(event, RequiresGradAttributeTypo) else None
        if isinstance(event, RequiresGradKeywordTypo):
            wrong = keyword.arg if keyword is not None else "require_grad"
            message = f"`{wrong}=` is a typo of `requires_grad=`: `{event.callee}()` raises TypeError"
        else:
            spelled = short_text(inf.text, inf.span(attr_node)) if attr_node is not None else event.wrong
            message = f"`{spelled}` is a typo of `requires_grad`: it sets a plain Python attribute and autograd ignores it"
        if isinstance(keyword, ast.keyword) and keyword.arg:
            span = inf.span(keyword)
            edit = Edit(Span(span.line, span.col, span.line, span.col + len(keyword.arg)), "requires_grad")
        elif isinstance(attr_node, ast.Attribute):
            span = inf.span(attr_node)
            edit = Edit(
                Span(span.end_line, span.end_col - len(attr_node.attr), span.end_line, span.end_col),
                "requires_grad",
            )
        yield Finding(inf.span(event.node), message, fix("Spell it `requires_grad`", edit, safe=True))


@rule(
    "LEAF209",
    "missing-zero-grad",
    "silent",
    "A training loop calls `backward()` and `step()` but never zeroes gradients.",
    """
## What it does
Finds loops that call `loss.backward()` and update the parameters from their gradients
(`optimizer.step()`, or by hand: `w -= lr * w.grad`, `p.data.add_(p.grad, alpha=-lr)`),
directly or through the functions they call, with no `zero_grad()` (or `p.grad = None`,
`p.grad.zero_()`) anywhere in the loop or those functions.

## Why is this bad?
Gradients accumulate across iterations: every step uses the sum of all previous gradients,
so training diverges or crawls. Nothing raises.

## Example
```python
for x, y in data:
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
```

## Use instead
```python
for x, y in data:
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
```

## Fix safety
No automatic fix: where to zero depends on whether accumulation is intended.
""",
)
def missing_zero_grad(inf: Inference) -> Iterator[Finding]:
    """Report loops that update parameters from their gradients (``step()`` or by hand)
    and never zero them."""
    reported: set[int] = set()
    verdicts: dict[int, bool] = {}
    roles: GradRoles | None = None
    for event in inf.events_of(GradientsAccumulate):
        if id(event.node) not in reported:
            reported.add(id(event.node))
            yield Finding(
                inf.span(event.node),
                f"the optimizer of line {event.optimizer_line} steps again after this `backward()` with no "
                "`zero_grad()` since its last step: gradients accumulate across iterations",
            )
    for call, loops in inf.backward_calls:
        if id(call) in reported or not loops:
            continue
        for loop in loops:
            verdict = verdicts.get(id(loop))
            if verdict is None:
                if roles is None:
                    roles = grad_roles(inf.tree)
                verdict = verdicts[id(loop)] = _accumulates(loop, roles)
            if verdict:
                reported.add(id(call))
                yield Finding(
                    inf.span(call),
                    "this loop updates parameters from their gradients but never "
                    "zeroes them (`zero_grad()` / `p.grad = None`): gradients accumulate across iterations",
                )
                break


@dataclass(frozen=True)
class GradRoles:
    """Names of the module's functions that zero gradients, and that update from them."""

    zeroing: frozenset[str]
    updating: frozenset[str]


def grad_roles(tree: ast.Module) -> GradRoles:
    """Which functions zero gradients or update parameters from them, directly or through
    the functions they call (by name)."""
    zeroing: set[str] = set()
    updating: set[str] = set()
    calls: dict[str, set[str]] = {}
    for fn in walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        called = calls.setdefault(fn.name, set())
        for node in _walk_no_defs(fn):
            if _zeroes(node):
                zeroing.add(fn.name)
            elif _updates(node):
                updating.add(fn.name)
            if isinstance(node, ast.Call):
                name = _called_name(node)
                if name:
                    called.add(name)
    changed = True
    while changed:
        changed = False
        for name, callees in calls.items():
            if name not in zeroing and callees & zeroing:
                zeroing.add(name)
                changed = True
            if name not in updating and callees & updating:
                updating.add(name)
                changed = True
    return GradRoles(frozenset(zeroing), frozenset(updating))


def _accumulates(loop: ast.stmt, roles: GradRoles) -> bool:
    """Whether ``loop`` updates parameters from gradients without zeroing them anywhere inside it."""
    update = False
    for node in _walk_no_defs(loop):
        if _zeroes(node):
            return False
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name in roles.zeroing:
                return False
            if name in roles.updating:
                update = True
        if _updates(node):
            update = True
    return update


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _reads_grad(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "grad" for n in walk(node))


def _is_grad_chain(node: ast.AST) -> bool:
    """``p.grad``, ``p.grad.data``: an expression that is a gradient tensor itself."""
    while isinstance(node, ast.Attribute):
        if node.attr == "grad":
            return True
        node = node.value
    return False


def _zeroes(node: ast.AST) -> bool:
    """``opt.zero_grad()``, ``zero_grads(...)``, ``p.grad.zero_()``, ``p.grad = None``, ``del p.grad``."""
    if isinstance(node, ast.Call):
        func = node.func
        name = _called_name(node) or ""
        if "zero_grad" in name:
            return True
        return (
            isinstance(func, ast.Attribute)
            and func.attr in ("zero_", "fill_", "mul_")
            and _is_grad_chain(func.value)
        )
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Attribute) and t.attr == "grad" for t in node.targets)
    if isinstance(node, ast.Delete):
        return any(isinstance(t, ast.Attribute) and t.attr == "grad" for t in node.targets)
    return False


def _updates(node: ast.AST) -> bool:
    """``opt.step()``, or a parameter changed from its gradient: ``w -= lr * w.grad``,
    ``p.data.add_(p.grad, alpha=-lr)``, ``w = w - lr * w.grad``."""
    if isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Attribute):
            return False
        if func.attr == "step" and not node.args and not _looks_like_scheduler(func.value):
            return True
        inplace = func.attr.endswith("_") and not func.attr.startswith("_")
        arguments = list(node.args) + [k.value for k in node.keywords]
        return inplace and not _is_grad_chain(func.value) and any(_reads_grad(a) for a in arguments)
    if isinstance(node, ast.AugAssign):
        return not _is_grad_chain(node.target) and _reads_grad(node.value)
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, (ast.Name, ast.Attribute)) and not _is_grad_chain(target):
            text = ast.dump(target)
            uses_itself = any(ast.dump(n) == text for n in walk(node.value) if type(n) is type(target))
            return uses_itself and _reads_grad(node.value)
    return False


def _walk_no_defs(node: ast.AST) -> Iterator[ast.AST]:
    stack = list(children(node))
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield current
        stack.extend(children(current))


def _looks_like_scheduler(node: ast.AST) -> bool:
    text = ast.unparse(node).lower() if isinstance(node, (ast.Name, ast.Attribute)) else ""
    return "sched" in text or "lr" in text.split(".")[-1] or "scaler" in text or "ema" in text


@rule(
    "LEAF210",
    "loss-kept-with-graph",
    "silent",
    "A loss that requires grad is accumulated across iterations.",
    """
## What it does
Finds `total += loss` (or `total = total + loss`) inside a loop, where `loss` requires grad
and `total` lives across iterations.

## Why is this bad?
`total` keeps a reference to every iteration's autograd graph: memory grows with each step
until the process runs out.

## Example
```python
total = 0
for x, y in data:
    loss = criterion(model(x), y)
    loss.backward()
    total += loss
```

## Use instead
```python
    total += loss.item()      # or loss.detach()
```

## Fix safety
Unsafe: `.detach()` keeps `total` a tensor but cuts its graph, which changes behaviour if
`total` is later differentiated.
""",
)
def loss_kept_with_graph(inf: Inference) -> Iterator[Finding]:
    """Report accumulated losses that keep graphs alive."""
    training_loops = {id(loop) for _, loops in inf.backward_calls for loop in loops}
    for event in inf.events_of(GraphKeptAcrossIterations):
        if event.name in inf.backward_names:
            continue
        # Only a loop that also runs backward() frees each iteration's graph: elsewhere
        # (a forward pass summing layers) building one graph is the point.
        if not any(id(loop) in training_loops for loop in event.loops):
            continue
        value = event.value
        if event.collects:
            message = (
                f"`{event.name}` collects tensors that require grad across loop iterations: every iteration's "
                "autograd graph stays alive and memory grows"
            )
        else:
            message = (
                f"`{event.name}` accumulates a tensor that requires grad across loop iterations: every "
                "iteration's autograd graph stays alive and memory grows"
            )
        edit = (
            replace_node(inf, value, atom(inf, value) + ".detach()") if isinstance(value, ast.AST) else None
        )
        yield Finding(
            inf.span(event.node), message, fix("Accumulate `.detach()` of the loss", edit, safe=False)
        )


@rule(
    "LEAF212",
    "requires-grad-forced",
    "silent",
    "`requires_grad` is forced on a result that has no graph.",
    """
## What it does
Finds `loss.requires_grad = True` / `loss.requires_grad_()` on a computed tensor that does not
require grad, when that tensor is then used for `backward()` (or is named like a loss).

## Why is this bad?
It silences LEAF103 ("element 0 of tensors does not require grad") without reconnecting the
graph: backward runs, but no parameter receives a gradient.

## Example
```python
loss = criterion(model(x).detach(), y)
loss.requires_grad = True
loss.backward()
```

## Use instead
Remove the `.detach()` / `torch.no_grad()` / frozen parameters that cut the graph.

## Fix safety
No automatic fix.
""",
)
def requires_grad_forced(inf: Inference) -> Iterator[Finding]:
    """Report requires_grad forced on graph-less results that are then differentiated."""
    for event in inf.events_of(RequiresGradOnComputed):
        name = event.name
        if name in inf.backward_names or "loss" in name.lower():
            yield Finding(
                inf.span(event.node),
                f"`{name}` was computed without a graph; forcing `requires_grad` hides the cut (backward will "
                "run but no parameter gets a gradient)",
            )


@rule(
    "LEAF213",
    "tensor-from-tensor",
    "silent",
    "`torch.tensor()` is called on a tensor.",
    """
## What it does
Finds `torch.tensor(t)` where `t` is already a tensor.

## Why is this bad?
It copies the data and drops the autograd graph (with a UserWarning): gradients no longer
flow to whatever produced `t`.

## Example
```python
y = torch.tensor(x)
```

## Use instead
```python
y = x.detach().clone()   # a copy outside the graph
y = x.clone()            # a copy that keeps the graph
```

## Fix safety
Safe: `t.detach().clone()` is exactly what `torch.tensor(t)` computes, without the warning.
""",
    runtime=(
        # UserWarning from internal_new_from_data (torch/csrc/utils/tensor_new.cpp)
        warns("To copy construct from a tensor"),
    ),
)
def tensor_from_tensor(inf: Inference) -> Iterator[Finding]:
    """Report torch.tensor(t) on tensors, offering t.detach().clone()."""
    for event in inf.events_of(TensorFromTensor):
        call = event.node
        edit = None
        if isinstance(call, ast.Call) and len(call.args) == 1 and not call.keywords:
            edit = replace_node(inf, call, atom(inf, call.args[0]) + ".detach().clone()")
        message = (
            "`torch.tensor()` on a tensor copies it and drops its autograd graph; "
            "use `t.detach().clone()` (or `t.clone()` to keep the graph)"
        )
        yield Finding(inf.span(call), message, fix("Use `.detach().clone()`", edit, safe=True))


__all__ = ["node_text"]


@rule(
    "LEAF216",
    "clip-before-unscale",
    "silent",
    "Gradients are clipped while a GradScaler still has them scaled.",
    """
## What it does
Finds `clip_grad_norm_` / `clip_grad_value_` after `scaler.scale(loss).backward()` and before
`scaler.unscale_(opt)` (or with no `unscale_` at all before `scaler.step(opt)`, which
unscales after the clip).

## Why is this bad?
The gradients are still multiplied by the scale (65536 at first): a norm of about 1e5 is
clipped against a threshold of 1, so every step is clipped to almost nothing, or the clip does
not do what it says. Nothing raises.

## Example
```python
scaler.scale(loss).backward()
clip_grad_norm_(model.parameters(), 1.0)
scaler.step(opt)
```

## Use instead
```python
scaler.scale(loss).backward()
scaler.unscale_(opt)
clip_grad_norm_(model.parameters(), 1.0)
scaler.step(opt)
```

## Fix safety
No automatic fix yet: the optimizer to unscale is not always the one in view.
""",
)
def clip_before_unscale(inf: Inference) -> Iterator[Finding]:
    """Report clipping of scaled gradients."""
    for event in inf.events_of(ClipBeforeUnscale):
        yield Finding(
            inf.span(event.node),
            f"this clips the gradients the GradScaler of line {event.scaler_line} scaled, before "
            "`scaler.unscale_(optimizer)`: the threshold is compared with scaled values; unscale first",
        )


@rule(
    "LEAF214",
    "checkpoint-without-grad-inputs",
    "silent",
    "A reentrant `checkpoint` gets no input that requires grad.",
    """
## What it does
Finds `torch.utils.checkpoint.checkpoint(fn, *inputs)` with `use_reentrant=True` (or not
passed: torch then warns and uses the reentrant variant) where no input tensor requires grad:
token embeddings from a frozen embedding, raw inputs, features computed under `no_grad`.

## Why is this bad?
The reentrant variant only builds a graph through its inputs: the output does not require
grad and the parameters inside `fn` get no gradient (torch warns "None of the inputs have
requires_grad=True. Gradients will be None"). Training silently skips them.

## Example
```python
h = checkpoint(block, frozen_embed(tokens))
```

## Use instead
```python
h = checkpoint(block, frozen_embed(tokens), use_reentrant=False)
```

## Fix safety
Unsafe: the non-reentrant variant differs in memory use and in how it treats hooks and
`torch.autograd.grad` inside `fn`.
""",
    runtime=(warns("None of the inputs have requires_grad=True", categories=("UserWarning",)),),
)
def checkpoint_without_grad_inputs(inf: Inference) -> Iterator[Finding]:
    """Report reentrant checkpoints whose inputs do not require grad."""
    for event in inf.events_of(CheckpointWithoutGradInputs):
        call = event.node
        edit = None
        if isinstance(call, ast.Call):
            given = next((k for k in call.keywords if k.arg == "use_reentrant"), None)
            if given is not None:
                edit = replace_node(inf, given.value, "False")
            elif call.args:
                end = inf.span(call.args[-1])
                last_kw = inf.span(call.keywords[-1].value) if call.keywords else None
                anchor = (
                    last_kw
                    if last_kw is not None and (last_kw.line, last_kw.col) > (end.line, end.col)
                    else end
                )
                edit = Edit(
                    Span(anchor.end_line, anchor.end_col, anchor.end_line, anchor.end_col),
                    ", use_reentrant=False",
                )
        implicit = (
            " (`use_reentrant` is not passed: torch warns and uses the reentrant variant)"
            if event.implicit
            else ""
        )
        yield Finding(
            inf.span(call),
            "no input of this reentrant `checkpoint` requires grad: its output does not either, and the "
            f"parameters inside get no gradient{implicit}; pass `use_reentrant=False`",
            fix("Pass `use_reentrant=False`", edit, safe=False) if edit else None,
        )
