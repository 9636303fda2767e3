"""Rules about ``nn.Module`` classes (LEAF203-LEAF207, LEAF211)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..interp import Inference, InitAssign
from ..interp.events import DataMutated, ParameterMade, ParametersAddedAfterOptimizer
from ..interp.modules import class_mro
from ..interp.syntax import short_text
from ..interp.values import DictValue, ModuleValue, OptimizerValue, SeqValue, TensorValue, Value
from ..trees import walk
from .attribute_uses import first_unmoved_use
from .base import Finding, rule
from .classes import (
    ModuleClass,
    detaching_use,
    enclosing,
    may_be_detached_only,
    module_classes,
    parents,
    self_attribute_reads,
    self_attribute_uses,
)
from .edits import fix, indentation, nn_name, node_text, replace_node


@rule(
    "LEAF203",
    "unregistered-tensor-attribute",
    "silent",
    "A Module attribute holds a plain tensor.",
    """
## What it does
Finds `self.x = <tensor>` in the `__init__` of an `nn.Module` where the tensor is neither an
`nn.Parameter` nor registered with `register_buffer`, and something goes wrong because of it:

* the tensor requires grad: it is meant to be learned, but it is not in `parameters()`;
* or `forward` (or a method it calls) combines it with its inputs without moving it to their
  device and dtype: after `model.cuda()` / `model.to(device)` it stays on the CPU (a device
  mismatch), after `.half()` it stays float32.

It stays quiet when every use moves the tensor (`self.t.to(x)`, `.to(x.device, x.dtype)`,
`.type_as(x)`), when the tensor is built on an input's device (`device=x.device`), for 0-d
scalars and integer or bool tables (torch lets them meet tensors on any device), for caches,
counters and flags `forward` never combines, in classes that override `_apply` to move their
tensors, and in `isinstance(x, nn.Parameter)` branches.

## Why is this bad?
A plain tensor attribute is not in `parameters()` (the optimizer never updates it, even if it
requires grad), not moved by `model.to(device)` / `.double()`, and not saved in
`state_dict()`. Nothing raises for a tensor that should be learned: the model silently does
not learn it.

## Example
```python
self.custom_bias = torch.zeros(num_filters)      # forward: return x + self.custom_bias
```

## Use instead
```python
self.custom_bias = nn.Parameter(torch.zeros(num_filters))   # learned
self.register_buffer("mask", torch.ones(10))                # constant state
```

## Fix safety
Unsafe: the attribute becomes part of `parameters()` / `state_dict()`, which changes what is
trained and saved. A tensor that requires grad is wrapped in `nn.Parameter`; others are
registered as buffers.
""",
)
def unregistered_tensor_attribute(inf: Inference) -> Iterator[Finding]:
    """Report plain tensor attributes of modules."""
    modules = {id(m.value) for m in module_classes(inf)}
    nn = nn_name(inf)
    for assign in inf.init_assigns:
        value = assign.value
        if id(assign.cls) not in modules or not isinstance(value, TensorValue):
            continue
        if value.origin in ("param", "buffer") or _reassigned_later(inf, assign):
            continue
        stmt = assign.stmt
        by_setattr = isinstance(stmt, ast.Expr) and _is_setattr(stmt.value)
        if not by_setattr and (not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1):
            continue
        name = assign.attr
        grad = value.rg is True and value.leaf is True
        if value.rg is True and value.leaf is not True:
            continue  # computed from parameters (a cached delta): its sources are what is trained
        if grad:
            message = (
                f"`self.{name}` is a plain tensor that requires grad: it is not in `parameters()`, so the "
                "optimizer never updates it (nor is it moved by `.to()` or saved in `state_dict()`); use "
                "`nn.Parameter`"
            )
        elif value.kind in ("int", "bool") or value.zero_dim:
            continue  # integer and bool tables (indices, masks) and 0-d scalars meet any device
        else:
            where = _unmoved_use(inf, assign)
            if where is None:
                continue  # never combined with the inputs unmoved: harmless where it is
            message = (
                f"`self.{name}` is a plain tensor that `forward` combines with its inputs (line {where}) "
                "without moving it: `model.to(device)` / `.cuda()` / `.half()` leave it behind (a device "
                f"mismatch, or the wrong precision); register it with `register_buffer`"
            )
        edit = None
        if nn is not None and isinstance(stmt, ast.Assign):
            expr = node_text(inf, stmt.value)
            if grad:
                edit = replace_node(inf, stmt.value, f"{nn}.Parameter({expr})")
                title = f"Wrap in `{nn}.Parameter(...)`"
            elif stmt.lineno == stmt.end_lineno and stmt.col_offset == len(indentation(inf, stmt).encode()):
                edit = replace_node(inf, stmt, f'self.register_buffer("{name}", {expr})')
                title = f'Register as a buffer: `self.register_buffer("{name}", ...)`'
        yield Finding(inf.span(stmt), message, fix(title, edit, safe=False) if edit else None)


@rule(
    "LEAF204",
    "parameter-detached",
    "silent",
    "A parameter reaches the output only through `.detach()` / `.data` / `.item()`.",
    """
## What it does
Finds parameters whose every use in `forward` goes through `.detach()`, `.data`, `.item()`,
`.tolist()` or `.numpy()` (also after `.clone()`, `.exp()`...).

## Why is this bad?
The detached value carries no gradient: the parameter's `.grad` stays None and the
optimizer never changes it, while the code looks like it trains it.

## Example
```python
scale = self.log_scale.exp().item()
return scale * x
```

## Use instead
```python
scale = self.log_scale.exp()
return scale * x
```

## Fix safety
No automatic fix: the detach may be deliberate, in which case the parameter should be a buffer.
""",
)
def parameter_detached(inf: Inference) -> Iterator[Finding]:
    """Report parameters used only through detaching expressions in forward."""
    for module in module_classes(inf):
        if not module.params:
            continue
        funcs = module.forward_methods()
        if not funcs or module.reads_by_name():
            continue
        candidates = [name for name in module.params if may_be_detached_only(module, funcs, name)]
        if not candidates:
            continue
        parent_of: dict[int, ast.AST] = {}
        for func in funcs:
            parent_of.update(parents(func))
        for name in candidates:
            uses = self_attribute_uses(funcs, name)
            if not uses:
                continue
            detaching = [detaching_use(u, parent_of, funcs) for u in uses]
            if all(d is not None for d in detaching):
                first = min(uses, key=lambda u: (u.lineno, u.col_offset))
                node = detaching[uses.index(first)]
                assert node is not None
                line = getattr(node, "lineno", first.lineno)  # where it detaches (a caller of a helper)
                yield Finding(
                    inf.span(_statement_at(funcs, line) or first),
                    f"`self.{name}` is a parameter but `forward` only uses it through "
                    f"`{node_text(inf, node)}`: no gradient reaches it and the optimizer never changes it",
                )


def _frozen_on_purpose(module: ModuleClass, func: ast.FunctionDef, call: ast.Call) -> bool:
    """A parameter built with (or immediately given) ``requires_grad=False`` is a constant table."""
    if any(
        k.arg == "requires_grad" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    ):
        return True
    after = module.source(func).splitlines()[call.lineno - func.lineno + 1 :]
    return any(
        re.search(r"requires_grad\s*=\s*False|requires_grad_\(False\)|\.detach_\(\)", line)
        for line in after[:4]
    )


def _statement_at(funcs: list[ast.FunctionDef], line: int) -> ast.stmt | None:
    best: ast.stmt | None = None
    for func in funcs:
        for node in walk(func):
            if (
                isinstance(node, ast.stmt)
                and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.lineno <= line <= (node.end_lineno or node.lineno)
            ):
                if (
                    best is None
                    or (node.end_lineno or 0) - node.lineno <= (best.end_lineno or 0) - best.lineno
                ):
                    best = node
    return best


@rule(
    "LEAF205",
    "parameter-created-in-forward",
    "silent",
    "`nn.Parameter(...)` is built inside `forward`.",
    """
## What it does
Finds `nn.Parameter(...)` calls inside a Module's `forward` (or the methods it calls) that
wrap a value with a graph, that run after an optimizer was built which still steps (it keeps
the old parameter), or whose parameter no optimizer ever holds. A parameter made and then
handed to an optimizer built afterwards (an explainer's fresh masks) is fine.

## Why is this bad?
Each call makes a fresh leaf: the optimizer holds the old object and never sees the new one,
and wrapping a computed tensor cuts the graph to whatever produced it (its gradients stay None).

## Example
```python
def forward(self, x):
    self.linear.weight = nn.Parameter(self.scale * self.linear.weight)
    return self.linear(x)
```

## Use instead
```python
def forward(self, x):
    weight = self.scale * self.linear.weight
    return torch.nn.functional.linear(x, weight, self.linear.bias)
```

## Fix safety
No automatic fix.
""",
)
def parameter_created_in_forward(inf: Inference) -> Iterator[Finding]:
    """Report nn.Parameter() calls in forward that cut a graph or that no optimizer will update."""
    sightings: dict[int, list[ParameterMade]] = {}
    for event in inf.events_of(ParameterMade):
        sightings.setdefault(id(event.node), []).append(event)
    if not sightings:
        return
    reported: set[int] = set()
    for module in module_classes(inf):
        funcs = module.forward_methods()
        for key, events in sightings.items():
            node = events[0].node
            if key in reported or not isinstance(node, ast.Call):
                continue
            func = enclosing(funcs, node.lineno)
            if func is None or _frozen_on_purpose(module, func, node):
                continue
            message = _parameter_made_problem(events, inf.optimizers)
            if message is not None:
                reported.add(key)
                yield Finding(inf.span(node), message)


def _parameter_made_problem(events: list[ParameterMade], optimizers: list[OptimizerValue]) -> str | None:
    """What goes wrong with a parameter made in ``forward``, over every time the call was seen
    (None: each time it was made and then handed to an optimizer built afterwards)."""
    if any(e.wraps_graph for e in events):
        return (
            "`nn.Parameter(...)` inside `forward` wraps a value with a graph: the wrap cuts it (no gradient "
            "reaches what it was computed from), and every call makes a new parameter"
        )
    for event in events:
        stale = [o for o in event.earlier_optimizers if any(step > event.made for step in o.steps)]
        if stale:
            return (
                f"`nn.Parameter(...)` makes a new parameter after the optimizer of line {stale[0].line} was "
                "built, and that optimizer still steps: it keeps updating the old parameter, never this one"
            )
    unseen = any(
        o.opaque and o.run == event.made_run and o.made > event.made for event in events for o in optimizers
    )
    if not unseen and all(e.obj is not None and not e.obj.optimized for e in events):
        return (
            "`nn.Parameter(...)` inside `forward` makes a new leaf on every call: no optimizer holds it, "
            "so it is never trained"
        )
    return None  # made, then handed to an optimizer built afterwards (an explainer's masks)


@rule(
    "LEAF206",
    "data-mutation",
    "silent",
    "`.data` of a tensor in a live graph is mutated.",
    """
## What it does
Finds changes through `.data` (`self.scale.data += 0.1`, `p.data.mul_(...)`, `p.data = ...`,
or an alias `d = p.data; d.zero_()`):

* of a parameter inside `forward`: it changes outside autograd on every call, unseen by the
  optimizer;
* of a tensor a waiting graph saved, or of a result of that graph, when a backward through
  that graph follows: the gradients are computed from values that no longer match.

It stays quiet in init, reset and load-time code, on buffers (running statistics are meant to
be changed that way), and where no backward goes through the graph afterwards.

## Why is this bad?
`.data` bypasses autograd's version checks: nothing raises, and gradients or parameters
silently differ from what the code appears to compute.

## Example
```python
def forward(self, x):
    self.scale.data += 0.1
    return x * self.scale
```

## Use instead
```python
def forward(self, x):
    return x * (self.scale + 0.1)
```

## Fix safety
No automatic fix.
""",
)
def data_mutation(inf: Inference) -> Iterator[Finding]:
    """Report .data mutations in forward."""
    for event in inf.events_of(DataMutated):
        if event.graph is not None and event.graph.backwards <= event.backwards_before:
            continue  # no backward went through that graph afterwards: no gradient was wrong
        yield Finding(inf.span(event.node), _data_mutation_message(inf, event))


def _data_mutation_message(inf: Inference, event: DataMutated) -> str:
    text = short_text(inf.text, inf.span(event.target)) if event.target is not None else "`.data`"
    if event.where in ("forward", "forward_alias"):
        alias = " (an alias of a parameter's `.data`)" if event.where == "forward_alias" else ""
        return (
            f"`{text}`{alias} changes a parameter outside autograd on every call of `forward`: the "
            "optimizer never sees the change; if it is intended, do it under `torch.no_grad()`"
        )
    if event.where == "graph_output":
        return (
            f"`{text}` changes a result of the autograd graph through `.data`: backward() still "
            "uses the derivatives of the values before the change (wrong gradients, no error)"
        )
    return (
        f"`{text}` is mutated through `.data` while a graph that used it waits for "
        "backward(): the gradients will be computed from the changed values, silently"
    )


@rule(
    "LEAF207",
    "unused-parameter",
    "silent",
    "A registered parameter is never used in `forward`.",
    """
## What it does
Finds `nn.Parameter` attributes (and submodules with parameters) registered in `__init__`
that nothing reads: no method of the class (outside `__init__`), or, where the program runs
`forward`, no code that ran with gradients enabled (a branch a config turns off, a subclass
that overrides `forward` and drops a base-class parameter, a submodule `forward` never calls).
Frozen parameters (`requires_grad=False`) and aliases (`self.weight = self.W`) are not reported.

## Why is this bad?
The parameter's `.grad` stays None, it wastes optimizer state, and
`DistributedDataParallel` fails with "Expected to have finished reduction".

## Example
```python
self.bias = nn.Parameter(torch.zeros(n_out))
...
return F.linear(x, self.weight)
```

## Use instead
```python
return F.linear(x, self.weight, self.bias)
```

## Fix safety
No automatic fix.
""",
)
def unused_parameter(inf: Inference) -> Iterator[Finding]:
    """Report parameters no method reads, and those no real run of ``forward`` reads."""
    reported: set[int] = set()
    for module in module_classes(inf):
        if module.forward is None or not module.params:
            continue
        if module.reads_dynamically() or _subclassed_in_file(inf, module.value.name):
            continue
        init = module.methods.get("__init__")
        own_init = (init.lineno, init.end_lineno or init.lineno) if init else (0, -1)
        for name, assign in module.params.items():
            names = [name] + _aliases_in(init, name)
            if any(module.mentions(n) or _read_elsewhere(inf, n, own_init) for n in names):
                continue
            if _frozen(assign.value):
                continue  # nothing expects a gradient for it
            reported.add(id(assign.stmt))
            yield Finding(inf.span(assign.stmt), _unused_message(name, assign.value))
    for assign in _unused_when_run(inf):
        if id(assign.stmt) not in reported:
            reported.add(id(assign.stmt))
            yield Finding(inf.span(assign.stmt), _unused_message(assign.attr, assign.value))


def _aliases_in(init: ast.AST | None, name: str) -> list[str]:
    """Other attributes ``__init__`` binds to ``self.<name>`` (``self.weight = self.W``)."""
    if init is None:
        return []
    found: list[str] = []
    for node in walk(init):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == name
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "self"
        ):
            found.extend(
                t.attr
                for t in node.targets
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
            )
    return found


def _is_setattr(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"


def _unmoved_use(inf: Inference, assign: InitAssign) -> int | None:
    """The line where ``forward`` combines a plain tensor attribute with its inputs without
    moving it to their device (None when it never does, or the class handles it)."""
    module = next((m for m in module_classes(inf) if m.value is assign.cls), None)
    # The classes whose instances hold it: the one assigning it and those inheriting from it.
    family = [m for m in module_classes(inf) if assign.cls in class_mro(m.value)]
    if module is None or any("_apply" in m.methods for m in family):
        return None  # the class moves its tensors itself
    stmt = assign.stmt
    if _placed_on_a_device(stmt) or _scalar_literal(stmt) or _under_parameter_test(module, stmt):
        return None
    funcs = [f for m in family for f in m.forward_methods()]
    uses = self_attribute_reads(funcs, assign.attr)
    if not uses:
        return None  # a cache, a counter or a flag: forward never combines it
    parent_of: dict[int, ast.AST] = {}
    for func in funcs:
        parent_of.update(parents(func))
    found = first_unmoved_use(assign.attr, uses, parent_of, funcs)
    return getattr(found, "lineno", None) if found is not None else None


def _placed_on_a_device(stmt: ast.stmt) -> bool:
    """Built with ``device=`` from a variable (an input's device), or moved at once (``.to(...)``)."""
    for node in walk(stmt):
        if (
            isinstance(node, ast.keyword)
            and node.arg == "device"
            and not isinstance(node.value, ast.Constant)
        ):
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("to", "cuda", "type_as") and node is not stmt:
            return True
    return False


def _scalar_literal(stmt: ast.stmt) -> bool:
    """``torch.tensor(0.5)``: a 0-d tensor, which torch lets meet tensors on any device."""
    value = getattr(stmt, "value", None)
    if not isinstance(value, ast.Call) or len(value.args) != 1:
        return False
    arg = value.args[0]
    while isinstance(arg, ast.UnaryOp):
        arg = arg.operand
    return isinstance(arg, ast.Constant) and isinstance(arg.value, (int, float, bool))


def _under_parameter_test(module: ModuleClass, stmt: ast.stmt) -> bool:
    """``self.x = data`` in the branch of ``if isinstance(data, nn.Parameter)``."""
    init = module.methods.get("__init__")
    if init is None:
        return False
    for node in walk(init):
        if isinstance(node, ast.If) and any(
            child is stmt for b in (node.body, node.orelse) for child in walk(ast.Module(b, []))
        ):
            test = ast.unparse(node.test)
            if "isinstance" in test and "Parameter" in test:
                return True
    return False


def _aliases_registered(inf: Inference, assign: InitAssign, items: tuple[Value, ...]) -> bool:
    """Whether every module in a plain container is also registered on the instance by its
    own attribute (so wrapping the container would register each twice)."""
    for instance in inf.instances:
        if instance.attrs.get(assign.attr) is not assign.value:
            continue
        registered = {id(v) for name, v in instance.attrs.items() if name != assign.attr}
        registered |= {id(c) for c in instance.children}
        return all(id(item) in registered for item in items)
    return False


def _frozen(value: Value) -> bool:
    if isinstance(value, TensorValue):
        return value.rg is False
    return isinstance(value, ModuleValue) and value.params_rg is False


def _unused_message(name: str, value: Value) -> str:
    if isinstance(value, ModuleValue):
        return (
            f"`self.{name}` is a registered submodule but `forward` never calls it: its parameters' grads "
            "stay None (and DistributedDataParallel fails on them)"
        )
    return (
        f"`self.{name}` is registered as a parameter but `forward` never uses it: its grad stays None "
        "(and DistributedDataParallel fails on it)"
    )


def _unused_when_run(inf: Inference) -> Iterator[InitAssign]:
    """Parameters and submodules with parameters that no real run of ``forward`` (nor any
    other code run with grad enabled) read, on instances whose ``forward`` did run."""
    if inf.truncated:
        return
    infos = {id(m.value): m for m in module_classes(inf)}
    registered: dict[tuple[int, str], list[InitAssign]] = {}
    for assign in inf.init_assigns:
        registered.setdefault((id(assign.cls), assign.attr), []).append(assign)
    for instance in inf.run_modules:
        cls = instance.cls
        if cls is None:
            continue
        lineage = class_mro(cls)
        if any(id(k) not in infos or infos[id(k)].reads_by_name() for k in lineage):
            continue  # a class of unknown kind, or one that reaches attributes by name
        # One value under two names (``self.weight = self.W``) is used when either name is.
        used_values = {id(instance.attrs[a]) for a in instance.used if a in instance.attrs}
        for attr, value in instance.attrs.items():
            if attr in instance.used or id(value) in used_values or not _trainable(value):
                continue
            # The assignment that put this very value there (not a later replacement).
            made = (a for k in lineage for a in registered.get((id(k), attr), ()) if a.value is value)
            found = next(made, None)
            if found is not None:
                yield found


def _trainable(value: Value) -> bool:
    if isinstance(value, TensorValue):
        return value.origin == "param" and value.rg is True
    return isinstance(value, ModuleValue) and value.has_params is True and value.params_rg is True


_REGISTERS_BY_HAND = re.compile(
    r"\b(?:add_module|register_module|register_parameter)\(|\bsetattr\(\s*self\s*,"
)
_ATTR_READ_RE = re.compile(r"\.(\w+)\b(?!\s*=(?!=))")
_INIT_FUNCTIONS = frozenset(
    {"_init_weights", "init_weights", "reset_parameters", "_reset_parameters", "__init__"}
)


def _read_elsewhere(inf: Inference, name: str, skip: tuple[int, int]) -> bool:
    """Whether ``<anything>.name`` is read anywhere in the file outside initialisation code."""
    reads = _attribute_reads(inf)
    lines = reads.get(name)
    if not lines:
        return False
    excluded = _init_ranges(inf) + [skip]
    return any(not any(lo <= line <= hi for lo, hi in excluded) for line in lines)


def _attribute_reads(inf: Inference) -> dict[str, list[int]]:
    return inf.derive("attribute_reads", _find_attribute_reads)


def _find_attribute_reads(inf: Inference) -> dict[str, list[int]]:
    """The lines where each attribute name is read (``x.name``), from the text."""
    found: dict[str, list[int]] = {}
    for number, line in enumerate(inf.text.lines, 1):
        if "." in line:
            for match in _ATTR_READ_RE.finditer(line):
                found.setdefault(match.group(1), []).append(number)
    return found


def _init_ranges(inf: Inference) -> list[tuple[int, int]]:
    ranges = []
    for stmt in inf.tree.body:
        if isinstance(stmt, ast.ClassDef):
            for item in stmt.body:
                if isinstance(item, ast.FunctionDef) and item.name in _INIT_FUNCTIONS:
                    ranges.append((item.lineno, item.end_lineno or item.lineno))
    return ranges


def _reassigned_later(inf: Inference, assign: InitAssign) -> bool:
    """Whether ``__init__`` assigns the same attribute again after this statement."""
    return any(
        other.cls is assign.cls and other.attr == assign.attr and other.stmt.lineno > assign.stmt.lineno
        for other in inf.init_assigns
    )


def _subclassed_in_file(inf: Inference, name: str) -> bool:
    for cls in inf.classes:
        for base in cls.node.bases:
            if isinstance(base, ast.Name) and base.id == name:
                return True
    return False


@rule(
    "LEAF211",
    "module-in-plain-container",
    "silent",
    "Submodules or parameters are kept in a plain list, tuple or dict.",
    """
## What it does
Finds `self.layers = [nn.Linear(...), ...]` (lists, tuples, dicts and comprehensions) of
modules or `nn.Parameter`s in a Module's `__init__`.

## Why is this bad?
`nn.Module` only registers direct attributes: modules in a plain list are not in
`parameters()`, not moved by `.to()`, not in `state_dict()`. They silently never train.

## Example
```python
self.layers = [nn.Linear(8, 8) for _ in range(3)]
```

## Use instead
```python
self.layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
```

## Fix safety
Unsafe: the wrapped modules become part of `parameters()` and `state_dict()`.
""",
)
def module_in_plain_container(inf: Inference) -> Iterator[Finding]:
    """Report modules/parameters held in plain containers."""
    classes = {id(m.value): m for m in module_classes(inf)}
    nn = nn_name(inf)
    for assign in inf.init_assigns:
        module = classes.get(id(assign.cls))
        if module is None:
            continue
        value = assign.value
        stmt = assign.stmt
        if not isinstance(stmt, ast.Assign):
            continue
        if not isinstance(value, (DictValue, SeqValue)):
            continue
        # What it held when __init__ returned: a dict filled later (fresh masks in forward) is not this.
        items = assign.held_after_init if assign.held_after_init is not None else ()
        if not items:
            continue
        init = module.methods.get("__init__")
        if init is not None and _REGISTERS_BY_HAND.search(module.source(init)):
            continue  # the list is registered element by element with add_module()
        if _reassigned_later(inf, assign):
            continue  # self.layers = [...]; ...; self.layers = nn.ModuleList(self.layers)
        if _aliases_registered(inf, assign, items):
            continue  # self.blocks = [self.b1, self.b2]: registered as b1 and b2 already
        if all(isinstance(v, ModuleValue) and v.is_module and v.has_params is False for v in items):
            continue  # modules without parameters (losses, activations): nothing to train or save
        if all(isinstance(v, ModuleValue) and v.is_module for v in items):
            container = "ModuleList"
        elif all(isinstance(v, TensorValue) and v.origin == "param" for v in items):
            container = "ParameterList"
        else:
            continue
        expr = stmt.value
        if isinstance(expr, ast.Dict):
            container = "ModuleDict" if container == "ModuleList" else "ParameterDict"
        edit = None
        if nn is not None:
            text = node_text(inf, expr)
            if isinstance(expr, ast.Tuple) and not text.startswith("("):
                text = f"[{text}]"
            elif isinstance(expr, ast.Tuple):
                text = "[" + text[1:-1] + "]"
            edit = replace_node(inf, expr, f"{nn}.{container}({text})")
        yield Finding(
            inf.span(stmt),
            f"`self.{assign.attr}` keeps {'modules' if 'Module' in container else 'parameters'} in a plain "
            f"container: they are not registered, so they are not trained, moved or saved; use `nn.{container}`",
            fix(f"Wrap in `{nn}.{container}(...)`", edit, safe=False) if edit else None,
        )


@rule(
    "LEAF215",
    "optimizer-misses-new-parameters",
    "silent",
    "Parameters are put into a model after its optimizer was built.",
    """
## What it does
Finds an assignment that puts new parameters into a model (`model.fc = nn.Linear(...)`,
`model.classifier[6] = ...`, `model.scale = nn.Parameter(...)`, `register_parameter`) after
an optimizer was built from that model's parameters, when the optimizer steps afterwards and
no new optimizer (nor `add_param_group`) takes the new parameters.

## Why is this bad?
The optimizer holds the parameters it was given: the new ones get gradients but are never
updated. Nothing raises; the new head silently stays at its initial weights.

## Example
```python
opt = torch.optim.SGD(model.parameters(), lr=0.1)
model.fc = nn.Linear(512, 10)
```

## Use instead
```python
model.fc = nn.Linear(512, 10)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
```

## Fix safety
No automatic fix: where the optimizer should be built depends on the training code.
""",
)
def optimizer_misses_new_parameters(inf: Inference) -> Iterator[Finding]:
    """Report parameters added to a model after its optimizer, when that optimizer still steps."""
    for event in inf.events_of(ParametersAddedAfterOptimizer):
        opt = event.optimizer
        if opt is None or not any(step > event.when for step in opt.steps):
            continue  # the optimizer never steps afterwards: nothing is missed
        if any(added > event.when for added in opt.groups_added):
            continue  # add_param_group afterwards (assume it takes them)
        if event.obj is not None and event.obj.optimized:
            continue  # a new optimizer was built with them
        yield Finding(
            inf.span(event.node),
            f"new parameters are put into the model after the optimizer of line {opt.line} was built from "
            "its parameters: that optimizer never updates them; build the optimizer after this (or "
            "`add_param_group`)",
        )
