"""Rules for mistakes that make torch raise (LEAF101-LEAF108)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..interp import Inference
from ..interp.events import (
    BackwardNonScalar,
    BackwardTwice,
    BackwardWithoutGrad,
    Event,
    FlagOnNonLeaf,
    InferenceTensorSaved,
    InplaceOnLeaf,
    NonFloatRequiresGrad,
    NumpyOnGradTensor,
    OptimizerGetsNonLeaf,
    SavedTensorModified,
    UnscaledTwice,
)
from ..interp.syntax import short_text
from ..model import Edit, Span
from ..trees import walk
from .base import Finding, raises, rule
from .edits import atom, fix, replace_node, torch_name, wrap_statements


def _at(inf: Inference, event: Event, message: str) -> Finding:
    return Finding(inf.span(event.node), message)


@rule(
    "LEAF101",
    "optimizer-non-leaf",
    "raises",
    "An optimizer is given a tensor that is not a leaf.",
    """
## What it does
Finds optimizers (`torch.optim.*`) constructed with a tensor that is the result of an
operation, e.g. `torch.randn(..., requires_grad=True) * 0.01` or `log_sigma.exp()`.

## Why is this bad?
Optimizers update leaves in place. The constructor raises
`ValueError: can't optimize a non-leaf Tensor`.

## Example
```python
w = torch.randn(3, requires_grad=True) * 0.01
opt = torch.optim.SGD([w], lr=0.1)
```

## Use instead
```python
w = (torch.randn(3) * 0.01).requires_grad_()
opt = torch.optim.SGD([w], lr=0.1)
```
Optimise the underlying leaf (e.g. `log_sigma`) and compute the transformed value inside
the training step.

## Fix safety
No automatic fix: where the operation belongs depends on the model.
""",
    runtime=(
        # ValueError from Optimizer.add_param_group (torch/optim/optimizer.py)
        raises("can't optimize a non-leaf Tensor"),
    ),
)
def optimizer_non_leaf(inf: Inference) -> Iterator[Finding]:
    """Report optimizers given non-leaf tensors."""
    for event in inf.events_of(OptimizerGetsNonLeaf):
        yield _at(
            inf,
            event,
            f"`{event.optimizer}` receives a non-leaf tensor ({event.origin}): the optimizer raises "
            '"can\'t optimize a non-leaf Tensor"',
        )


@rule(
    "LEAF102",
    "inplace-on-leaf",
    "raises",
    "An in-place operation on a leaf tensor that requires grad, outside `torch.no_grad()`.",
    """
## What it does
Finds in-place updates (`w -= lr * w.grad`, `x += 1`, `w.add_(...)`, `w[0] = ...`) of a
leaf tensor that requires grad while grad mode is on.

## Why is this bad?
Autograd refuses: `RuntimeError: a leaf Variable that requires grad is being used in an
in-place operation.`

## Example
```python
w -= lr * w.grad
```

## Use instead
```python
with torch.no_grad():
    w -= lr * w.grad
```

## Fix safety
The fix wraps the update (and the updates right after it) in `with torch.no_grad():`. It
is safe: a parameter update is never meant to be recorded by autograd.
""",
    runtime=(
        # RuntimeError from check_inplace (torch/csrc/autograd/VariableTypeUtils.h), "a view of a" too
        raises("Variable that requires grad is being used in an in-place operation"),
    ),
)
def inplace_on_leaf(inf: Inference) -> Iterator[Finding]:
    """Report in-place updates of leaves that require grad, with a no_grad fix."""
    torch = torch_name(inf)
    for event in inf.events_of(InplaceOnLeaf):
        node = event.node
        view = " a view of" if event.via_view else ""
        message = (
            f"{event.what} on{view} a leaf tensor that requires grad raises RuntimeError; "
            "wrap the update in `with torch.no_grad():`"
        )
        edit = None
        if torch is not None and isinstance(node, ast.stmt):
            run = _update_run(inf, node)
            if run:
                edit = wrap_statements(inf, run, f"with {torch}.no_grad():")
        yield Finding(inf.span(node), message, fix("Wrap the update in `torch.no_grad()`", edit, safe=True))


def _update_run(inf: Inference, stmt: ast.stmt) -> list[ast.stmt]:
    """``stmt`` and the in-place updates that directly follow it in the same block."""
    parent_body = _enclosing_body(inf.tree, stmt)
    if parent_body is None:
        return [stmt]
    index = parent_body.index(stmt)
    run = [stmt]
    for nxt in parent_body[index + 1 :]:
        if _is_update(nxt):
            run.append(nxt)
        else:
            break
    return run


def _is_update(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.AugAssign):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        return isinstance(func, ast.Attribute) and func.attr.endswith("_") and not func.attr.startswith("_")
    return False


def _enclosing_body(tree: ast.AST, target: ast.stmt) -> list[ast.stmt] | None:
    for node in walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and target in body:
                return body
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                if target in handler.body:
                    return handler.body
    return None


@rule(
    "LEAF103",
    "backward-without-grad",
    "raises",
    "`backward()` on a tensor that does not require grad.",
    """
## What it does
Finds `loss.backward()` (and `torch.autograd.grad(loss, ...)`) where nothing that `loss`
was computed from requires grad: a detached value, frozen parameters, a value computed
under `torch.no_grad()`.

## Why is this bad?
It raises `RuntimeError: element 0 of tensors does not require grad and does not have a
grad_fn`. The usual "fix" of setting `loss.requires_grad = True` hides the cut graph
(see LEAF212).

## Example
```python
y = x.detach()
loss = (y * 2).sum()
loss.backward()
```

## Use instead
```python
loss = (x * 2).sum()
loss.backward()
```

## Fix safety
No automatic fix: find where the graph was cut.
""",
    runtime=(
        # RuntimeError from run_backward (torch/csrc/autograd/autograd.cpp): backward() and autograd.grad()
        raises("does not require grad and does not have a grad_fn"),
    ),
)
def backward_without_grad(inf: Inference) -> Iterator[Finding]:
    """Report backward() on tensors that do not require grad."""
    for event in inf.events_of(BackwardWithoutGrad):
        yield _at(
            inf,
            event,
            '`backward()` on a tensor that does not require grad raises "element 0 of tensors does not require '
            f'grad" ({event.why})',
        )


@rule(
    "LEAF104",
    "non-float-requires-grad",
    "raises",
    "An integer or bool tensor is asked to require grad.",
    """
## What it does
Finds `requires_grad=True` (in a factory, `nn.Parameter`, `.requires_grad_()` or
`.requires_grad = True`) on a tensor whose dtype is integer or bool, e.g.
`torch.tensor([1, 2, 3], requires_grad=True)`.

## Why is this bad?
`RuntimeError: Only Tensors of floating point and complex dtype can require gradients`.

## Example
```python
x = torch.tensor([1, 2, 3], requires_grad=True)
```

## Use instead
```python
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
```

## Fix safety
No automatic fix: the right dtype depends on the data.
""",
    runtime=(
        # RuntimeError: "Only" from factories and nn.Parameter, "only" from the setter and requires_grad_()
        raises("Only Tensors of floating point", "only Tensors of floating point"),
    ),
)
def non_float_requires_grad(inf: Inference) -> Iterator[Finding]:
    """Report requests for grad on integer tensors."""
    for event in inf.events_of(NonFloatRequiresGrad):
        yield _at(inf, event, _non_float_message(event))


def _non_float_message(event: NonFloatRequiresGrad) -> str:
    only = "only floating point and complex tensors can require gradients (RuntimeError)"
    if event.via == "factory":
        return f"`torch.{event.name}(..., requires_grad=True)` creates a {event.dtype} tensor: {only}"
    if event.via == "like_factory":
        return f"`torch.{event.name}(..., requires_grad=True)` on a {event.dtype} tensor: {only}"
    if event.via == "parameter":
        return f"`nn.Parameter()` of an integer tensor: {only}"
    if event.via == "variable":
        return "`Variable(..., requires_grad=True)` of an integer tensor (RuntimeError)"
    return f"{event.name} on a {event.dtype} tensor: only floating point tensors can require gradients (RuntimeError)"


@rule(
    "LEAF105",
    "numpy-on-grad-tensor",
    "raises",
    "`.numpy()` on a tensor that requires grad.",
    """
## What it does
Finds `.numpy()` called on a tensor that requires grad (a model output, a loss).

## Why is this bad?
`RuntimeError: Can't call numpy() on Tensor that requires grad.`

## Example
```python
preds = model(x).numpy()
```

## Use instead
```python
preds = model(x).detach().numpy()
```

## Fix safety
Safe: `.detach()` shares the data and only drops the graph, which NumPy cannot use.
""",
    runtime=(
        # RuntimeError from tensor_to_numpy (torch/csrc/utils/tensor_numpy.cpp)
        raises("Can't call numpy() on Tensor that requires grad"),
    ),
)
def numpy_on_grad_tensor(inf: Inference) -> Iterator[Finding]:
    """Report .numpy() on grad tensors with a .detach() fix."""
    for event in inf.events_of(NumpyOnGradTensor):
        attr = event.method
        edit = None
        if event.array is not None:
            called = f"`{short_text(inf.text, inf.span(event.node))}`"
            edit = replace_node(inf, event.array, atom(inf, event.array) + ".detach()")
            title = "Insert `.detach()` on the converted tensor"
        else:
            called = f"`{short_text(inf.text, inf.span(attr))}()`" if attr is not None else "`.numpy()`"
            title = "Insert `.detach()` before `.numpy()`"
            if isinstance(attr, ast.Attribute):
                span = inf.span(attr)
                value_end = inf.span(attr.value)
                edit = Edit(
                    Span(value_end.end_line, value_end.end_col, span.end_line, span.end_col),
                    f".detach().{attr.attr}",
                )
        message = f"{called} on a tensor that requires grad raises RuntimeError; call `.detach()` first"
        yield Finding(inf.span(event.node), message, fix(title, edit, safe=True))


@rule(
    "LEAF106",
    "requires-grad-flag-on-non-leaf",
    "raises",
    "`requires_grad` is changed on a non-leaf tensor.",
    """
## What it does
Finds `out.requires_grad = ...` or `out.requires_grad_(False)` where `out` is the result of
an operation (a non-leaf).

## Why is this bad?
`RuntimeError: you can only change requires_grad flags of leaf variables.`

## Example
```python
features = backbone(x)
features.requires_grad = False
```

## Use instead
```python
features = backbone(x).detach()
```

## Fix safety
No automatic fix.
""",
    runtime=(
        # RuntimeError from `.requires_grad =` and requires_grad_() (torch/csrc/autograd/python_variable*.cpp)
        raises("you can only change requires_grad flags of leaf variables"),
    ),
)
def requires_grad_flag_on_non_leaf(inf: Inference) -> Iterator[Finding]:
    """Report requires_grad changes on non-leaves."""
    for event in inf.events_of(FlagOnNonLeaf):
        yield _at(
            inf,
            event,
            f"{event.what} on a non-leaf tensor raises RuntimeError (only leaf tensors' flags can change); "
            "use `.detach()` to get a tensor outside the graph",
        )


@rule(
    "LEAF107",
    "backward-twice",
    "raises",
    "`backward()` goes through a graph that an earlier backward already freed.",
    """
## What it does
Finds a `backward()` whose graph includes nodes already freed by an earlier `backward()`:
calling it twice on one loss, a non-leaf built once outside a training loop and used in
every iteration, or a recurrent hidden state carried across iterations without `.detach()`.

## Why is this bad?
`RuntimeError: Trying to backward through the graph a second time`.

## Example
```python
for chunk in stream:
    out, hidden = rnn(chunk, hidden)
    loss = head(out).mean()
    loss.backward()
```

## Use instead
```python
for chunk in stream:
    out, hidden = rnn(chunk, hidden.detach())
    loss = head(out).mean()
    loss.backward()
```

## Fix safety
No automatic fix: `retain_graph=True` is rarely what is wanted.
""",
    runtime=(
        # RuntimeError from SavedVariable::unpack (torch/csrc/autograd/saved_variable.cpp), freed graph
        raises("backward through the graph a second time"),
    ),
)
def backward_twice(inf: Inference) -> Iterator[Finding]:
    """Report backward through freed graphs."""
    for event in inf.events_of(BackwardTwice):
        yield _at(
            inf,
            event,
            f"`backward()` goes through a graph already freed by an earlier backward (built at line "
            f"{event.built_line}): pass `retain_graph=True` or `.detach()` the value carried over",
        )


@rule(
    "LEAF108",
    "inplace-on-saved-tensor",
    "raises",
    "A tensor saved for backward was modified in place before `backward()`.",
    """
## What it does
Finds tensors that an operation saved for its backward (e.g. the output of `exp`, the
inputs of `*`) and that are modified in place (`add_`, `+=`, an optimizer step) before the
`backward()` that needs them.

## Why is this bad?
`RuntimeError: one of the variables needed for gradient computation has been modified by
an inplace operation`.

## Example
```python
uexp = u.exp()
uexp.add_(1)
uexp.sum().backward()
```

## Use instead
```python
uexp = u.exp() + 1
uexp.sum().backward()
```

## Fix safety
No automatic fix.
""",
    runtime=(
        # RuntimeError from SavedVariable::unpack (torch/csrc/autograd/saved_variable.cpp), version check
        raises("modified by an inplace operation"),
    ),
)
def inplace_on_saved_tensor(inf: Inference) -> Iterator[Finding]:
    """Report backward after saved tensors were modified."""
    for event in inf.events_of(SavedTensorModified):
        yield _at(
            inf,
            event,
            "a tensor saved for this backward was modified in place after it was used "
            f"(used at line {event.used_line}): backward raises RuntimeError",
        )


@rule(
    "LEAF112",
    "grad-scaler-unscale-twice",
    "raises",
    "`scaler.unscale_(opt)` twice before `scaler.update()`.",
    """
## What it does
Finds a second `scaler.unscale_(opt)` for the same optimizer with no `scaler.update()` in
between (also through helpers and loop iterations).

## Why is this bad?
It raises `RuntimeError: unscale_() has already been called on this optimizer since the last
update().` Gradients are unscaled once per step: unscale before clipping, then `step`.

## Example
```python
scaler.unscale_(opt)
clip_grad_norm_(model.parameters(), 1.0)
scaler.unscale_(opt)      # e.g. in a logging helper
```

## Use instead
```python
scaler.unscale_(opt)
clip_grad_norm_(model.parameters(), 1.0)
scaler.step(opt)
scaler.update()
```

## Fix safety
No automatic fix: which call to keep depends on the step.
""",
    runtime=(
        raises(
            "unscale_() has already been called on this optimizer since the last update()",
            types=("RuntimeError",),
        ),
    ),
)
def grad_scaler_unscale_twice(inf: Inference) -> Iterator[Finding]:
    """Report second unscale_ calls before update()."""
    for event in inf.events_of(UnscaledTwice):
        yield _at(
            inf,
            event,
            "`unscale_` again for this optimizer before `scaler.update()`: it raises RuntimeError "
            '"unscale_() has already been called on this optimizer since the last update()"',
        )


@rule(
    "LEAF109",
    "backward-non-scalar",
    "raises",
    "`backward()` without `gradient=` on a tensor with more than one element.",
    """
## What it does
Finds `t.backward()` with no `gradient` where `t` holds more than one element for sure: a loss
built with `reduction="none"`, a per-sample loss, a stack of losses, the output of a layer on
a batch. A full reduction (`sum()`, `mean()`, `norm()` without `dim`) or a loss with its
default reduction is a scalar; anything else is unknown and not reported.

Shapes are followed where the code makes them plain: sizes given to factories, batches cut
from data (`x[i : i + batch]` with `i` from a `range` whose every window is known to hold
more than one row), layers (`Linear`, `Embedding`, activations, norms), per-element and
per-class losses, reductions over a `dim`, broadcasting, views and `.shape` / `.size()`. A
boolean mask, a batch of unknown size or a window that may hold one row stays unknown.

## Why is this bad?
It raises `RuntimeError: grad can be implicitly created only for scalar outputs`.

## Example
```python
loss = F.cross_entropy(logits, y, reduction="none")
loss.backward()
```

## Use instead
```python
loss.mean().backward()
```

## Fix safety
Unsafe: `.mean()` and `.sum()` give different gradient scales; choose the one the training
expects (or pass `gradient=`).
""",
    runtime=(raises("grad can be implicitly created only for scalar outputs", types=("RuntimeError",)),),
)
def backward_non_scalar(inf: Inference) -> Iterator[Finding]:
    """Report backward() on tensors with more than one element."""
    for event in inf.events_of(BackwardNonScalar):
        call = event.node
        edit = None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and not call.args
            and not call.keywords
        ):
            edit = replace_node(inf, call.func, f"{atom(inf, call.func.value)}.mean().backward")
        yield Finding(
            inf.span(call),
            "`backward()` on a tensor with more than one element raises RuntimeError ('grad can be "
            "implicitly created only for scalar outputs'): reduce it first (`.mean()` / `.sum()`) or pass "
            "`gradient=`",
            fix("Reduce with `.mean()` before `backward()`", edit, safe=False) if edit else None,
        )


@rule(
    "LEAF110",
    "inference-tensor-in-autograd",
    "raises",
    "An inference tensor is saved for backward outside `torch.inference_mode()`.",
    """
## What it does
Finds a tensor made inside `torch.inference_mode()` (a block, or a function decorated with
it: a model's output computed there, labels from a teacher) used outside it in an op that
saves it for backward together with a tensor that requires grad: `*`, `@`, `/`, a layer with
trainable weights, a loss of it. `+` and `-` save nothing and are fine.

## Why is this bad?
It raises `RuntimeError: Inference tensors cannot be saved for backward. To work around you
can make a clone to get a normal tensor and use it in autograd.` (`.detach()` does not help:
it is still an inference tensor.)

## Example
```python
with torch.inference_mode():
    targets = teacher(x).argmax(1)
loss = F.cross_entropy(student(x), targets)
```

## Use instead
```python
with torch.no_grad():
    targets = teacher(x).argmax(1)
```

## Fix safety
No automatic fix: `.clone()` at the boundary or `torch.no_grad()` where the tensor is made
both work; which one depends on the code.
""",
    runtime=(raises("Inference tensors cannot be saved for backward", types=("RuntimeError",)),),
)
def inference_tensor_in_autograd(inf: Inference) -> Iterator[Finding]:
    """Report ops that save inference tensors for backward."""
    for event in inf.events_of(InferenceTensorSaved):
        yield _at(
            inf,
            event,
            "a tensor made under `torch.inference_mode()` is saved for backward here, with a tensor that "
            "requires grad: it raises RuntimeError; make it under `torch.no_grad()` (or `.clone()` it first)",
        )
