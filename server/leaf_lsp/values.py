"""Abstract values of the autograd interpreter.

A :class:`TensorValue` is what static analysis knows about one tensor: whether it is a
leaf and whether it requires grad (each ``True``/``False``/``None`` for unknown), why
(the reason chain), its dtype and device when known, the storage object it lives in
(identity, in-place version counter) and the autograd graph node that produced it.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from .model import ReasonStep

_ids = itertools.count(1)
MAX_REASON = 6


class Obj:
    """A tensor's identity: in-place ops bump ``version``; views share their base's Obj."""

    __slots__ = ("id", "version", "retains_grad", "line", "users", "grad_read", "optimized")

    def __init__(self, line: int = 0) -> None:
        self.id = next(_ids)
        self.version = 0
        self.retains_grad = False
        self.line = line
        #: Graph nodes built from this tensor (to tell whether a graph using it is still live).
        self.users: list[Node] = []
        #: Its `.grad` is read somewhere / it is handed to an optimizer.
        self.grad_read = False
        self.optimized = False

    def in_live_graph(self) -> bool:
        """Whether a graph that saved this tensor's value still waits for its backward."""
        run = current_run()
        return any(
            not node.freed and node.run == run and any(obj is self for obj, _ in node.saved)
            for node in self.users[-8:]
        )


#: Which interpretation run builds graph nodes now: graphs of different runs (the module's
#: code, each function analysed on its own, another module's definitions) never meet at run
#: time. Per thread, because the language server analyses in worker threads.
_runs = threading.local()
_run_ids = itertools.count(1)


def current_run() -> int:
    """The id of the interpretation run under way in this thread (0 before the first)."""
    run: int = getattr(_runs, "current", 0)
    return run


def start_run() -> int:
    """Begin a new interpretation run in this thread; returns the previous run's id."""
    previous = current_run()
    _runs.current = next(_run_ids)
    return previous


def resume_run(run: int) -> None:
    """Go back to run ``run`` (after a nested run, such as another module's definitions)."""
    _runs.current = run


class Node:
    """An autograd graph node (the ``grad_fn`` of a non-leaf), with what it saved."""

    __slots__ = ("id", "inputs", "saved", "freed", "line", "run")

    def __init__(self, inputs: tuple[Node, ...], saved: tuple[tuple[Obj, int], ...], line: int) -> None:
        self.id = next(_ids)
        self.inputs = inputs
        self.saved = saved
        self.freed = False
        self.line = line
        self.run = current_run()


class Value:
    """Base of all abstract values."""

    __slots__ = ()


class Unknown(Value):
    """Nothing is known (may or may not be a tensor)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(eq=False)
class TensorValue(Value):
    """What is known about a tensor."""

    leaf: bool | None
    rg: bool | None
    reason: tuple[ReasonStep, ...]
    obj: Obj
    dtype: str | None = None  # exact dtype name ("float32", "int64", ...) when known
    kind: str | None = None  # "float" | "int" | "bool" | "complex"
    device: str | None = None  # "cpu" | "cuda" | None
    node: Node | None = None
    origin: str = "op"  # factory | param | op | detach | grad | input | data | copy | unknown
    owners: tuple[ModuleValue, ...] = ()  # for parameters iterated from modules
    data_of_param: bool = False  # a `.data` alias of a parameter

    def with_reason(self, line: int, text: str) -> tuple[ReasonStep, ...]:
        """This value's reason chain extended by one step (bounded length)."""
        steps = self.reason + (ReasonStep(line, text),)
        return steps[-MAX_REASON:]


def new_tensor(
    leaf: bool | None,
    rg: bool | None,
    line: int,
    text: str,
    *,
    dtype: str | None = None,
    kind: str | None = None,
    device: str | None = None,
    node: Node | None = None,
    origin: str = "op",
    reason: tuple[ReasonStep, ...] = (),
    obj: Obj | None = None,
) -> TensorValue:
    """A fresh tensor value with a one-step (or extended) reason chain."""
    steps = (reason + (ReasonStep(line, text),))[-MAX_REASON:]
    return TensorValue(
        leaf=leaf,
        rg=rg,
        reason=steps,
        obj=obj or Obj(line),
        dtype=dtype,
        kind=kind or _kind_of(dtype),
        device=device,
        node=node,
        origin=origin,
    )


def _kind_of(dtype: str | None) -> str | None:
    if dtype is None:
        return None
    if dtype.startswith("float") or dtype.startswith("bfloat"):
        return "float"
    if dtype.startswith("complex"):
        return "complex"
    if dtype == "bool":
        return "bool"
    if dtype.startswith("int") or dtype.startswith("uint"):
        return "int"
    return None


def copy_tensor(value: TensorValue, **changes: Any) -> TensorValue:
    """A copy of ``value`` with some fields changed (same Obj unless given)."""
    return replace(value, **changes)


@dataclass(eq=False)
class ModuleValue(Value):
    """An ``nn.Module`` instance: a torch class or a user class."""

    name: str  # class name for messages
    torch_class: str | None = None  # e.g. "Linear" for torch.nn.Linear
    cls: ClassValue | None = None  # user class
    has_params: bool | None = True
    params_rg: bool | None = True  # False once frozen; None when unknown
    attrs: dict[str, Value] = field(default_factory=dict)
    children: list[ModuleValue] = field(default_factory=list)
    param_obj: Obj = field(default_factory=Obj)
    is_module: bool = True
    inplace: bool = False  # nn.ReLU(inplace=True) and friends modify their input

    def set_params_rg(self, value: bool | None) -> None:
        """Freeze / unfreeze every parameter of this module and its children."""
        self.params_rg = value
        for child in self.children:
            child.set_params_rg(value)
        for attr in self.attrs.values():
            if isinstance(attr, ModuleValue):
                attr.set_params_rg(value)
            elif isinstance(attr, TensorValue) and attr.origin == "param":
                attr.rg = value

    def bump_params(self) -> None:
        """An optimizer step changed every parameter in place."""
        self.param_obj.version += 1
        for child in self.children:
            child.bump_params()
        for attr in self.attrs.values():
            if isinstance(attr, ModuleValue):
                attr.bump_params()
            elif isinstance(attr, TensorValue) and attr.origin == "param":
                attr.obj.version += 1

    def output_rg(self) -> bool | None:
        """Whether this module's own parameters make its output require grad."""
        if self.has_params is False:
            return False
        if self.has_params is None:
            return None
        return self.params_rg


@dataclass(eq=False)
class ParamsValue(Value):
    """``module.parameters()`` / ``named_parameters()`` of some modules."""

    modules: tuple[ModuleValue, ...]
    named: bool = False


@dataclass(eq=False)
class OptimizerValue(Value):
    """A ``torch.optim`` optimizer and what it updates."""

    name: str
    tensors: tuple[TensorValue, ...] = ()
    modules: tuple[ModuleValue, ...] = ()


@dataclass(eq=False)
class SeqValue(Value):
    """A tuple or list of values (element-wise when known)."""

    items: tuple[Value, ...]
    kind: str = "tuple"


@dataclass(eq=False)
class DictValue(Value):
    """A dict literal with string keys."""

    items: dict[str, Value]


@dataclass(eq=False)
class ConstValue(Value):
    """A Python constant (number, string, bool, None)."""

    value: object


@dataclass(eq=False)
class RefValue(Value):
    """A reference to a torch (or other library) object by qualified name."""

    qualname: str


@dataclass(eq=False)
class FunctionValue(Value):
    """A user function or method."""

    node: Any  # ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    qualname: str
    scope: Any = None  # the defining Scope (closures, module globals)
    cls: ClassValue | None = None
    bound_self: Value | None = None
    grad_mode: bool | None = None  # decorated with no_grad / enable_grad


@dataclass(eq=False)
class ClassValue(Value):
    """A user class."""

    node: Any  # ast.ClassDef
    name: str
    bases: tuple[Value, ...] = ()
    methods: dict[str, FunctionValue] = field(default_factory=dict)
    is_module: bool | None = None  # subclass of nn.Module (None: unknown)
    is_autograd_function: bool = False
    scope: Any = None
    init_attrs: dict[str, Value] | None = None


@dataclass(eq=False)
class ItemValue(Value):
    """A Python number derived from a tensor (``.item()``, ``float(t)``)."""

    line: int
