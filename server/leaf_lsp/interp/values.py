"""Abstract values of the autograd interpreter, and how they join.

A :class:`TensorValue` is what static analysis knows about one tensor: whether it is a
leaf and whether it requires grad (each ``True``/``False``/``None`` for unknown), why
(the reason chain), its dtype and device when known, the storage object it lives in
(identity, in-place version counter) and the autograd graph node that produced it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import ReasonStep
from ..torch_api import load
from .facts import UNKNOWN_KWARGS_KEY
from .graph import Node, Obj, current_run

MAX_REASON = 6


class Value:
    """Base of all abstract values."""

    __slots__ = ()


class Unknown(Value):
    """Nothing is known (may or may not be a tensor)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


#: Numbers the tensor values in the order they are made.
TENSOR_SERIALS = itertools.count()
#: The numbers of tensors made while interpreting another module: below every number of the
#: analysis itself, for they existed before anything it evaluates (see :func:`next_serial`).
FOREIGN_SERIALS = itertools.count(-(1 << 62))
_SERIAL_SOURCE = threading.local()


def next_serial() -> int:
    """The next tensor number: from :data:`FOREIGN_SERIALS` inside :func:`foreign_serials`."""
    return next(getattr(_SERIAL_SOURCE, "counter", TENSOR_SERIALS))


@contextmanager
def foreign_serials() -> Iterator[None]:
    """Number the tensors made here as made before the analysis (another module, which an
    analysis may interpret only when it first reads one of its names, mid-expression)."""
    previous = getattr(_SERIAL_SOURCE, "counter", TENSOR_SERIALS)
    _SERIAL_SOURCE.counter = FOREIGN_SERIALS
    try:
        yield
    finally:
        _SERIAL_SOURCE.counter = previous


class LazyName(Value):
    """A name a kept module imports from another of the user's modules, interpreted when first
    read (most of what a package's base modules import, no importer ever reads).

    Only ever held in the variables of a kept module's scope; every read goes through
    :meth:`resolve`, which gives the value and the modules it depends on.
    """

    __slots__ = ("load",)

    def __init__(self, load: Callable[[], tuple[Value, tuple[Any, ...]]]) -> None:
        self.load = load

    def resolve(self) -> tuple[Value, tuple[Any, ...]]:
        """The imported value, and the dependencies of the analysis that reads it."""
        return self.load()


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
    view_of_leaf: bool = False  # a view of a leaf that requires grad (in-place on it raises)
    data_of_node: Node | None = None  # a `.data` alias of a non-leaf: that non-leaf's grad_fn
    #: Stands for every parameter of its owners (an element of ``parameters()``), not one of them.
    stands_for_all: bool = False
    #: Made under ``torch.inference_mode()``: it cannot be saved for backward outside it.
    inference: bool = False
    #: A 0-d tensor (``torch.tensor(2.0)``): torch lets it meet tensors on any device.
    zero_dim: bool = False
    #: Holds exactly one element (a full reduction, a default-reduction loss): True; more than
    #: one for sure (a per-sample loss, a batch of outputs): False; None when not known.
    one_element: bool | None = None
    #: For ops that may return a tuple (``values, indices = x.max(1)``): each output, with its
    #: namedtuple field name; the value itself stands for the first when used as a tensor.
    outputs: tuple[tuple[str | None, TensorValue], ...] = ()
    #: Its dimensions where known (see :mod:`.shapes`); None when not known at all.
    shape: tuple[int | None, ...] | None = None
    #: When this value was made (copies are new values): tells a result made by an
    #: expression from a tensor that existed before it.
    serial: int = field(init=False, repr=False, default_factory=next_serial)

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
        kind=kind or dtype_kind(dtype),
        device=device,
        node=node,
        origin=origin,
    )


#: The kinds the interpreter tells apart ("quantized" and "bits" dtypes count as unknown).
VALUE_KINDS = frozenset({"float", "int", "bool", "complex"})


def dtype_kind(dtype: str | None) -> str | None:
    """The kind of a dtype name (``float32`` -> ``float``), from the torch API table."""
    if dtype is None:
        return None
    kind = load().dtype_kind(dtype)
    return kind if kind in VALUE_KINDS else None


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
    reduction: str | None = "mean"  # a loss module's ``reduction`` (None: not known)
    #: A torch module's own parameters by name, from the API table (None: not known).
    param_names: frozenset[str] | None = None
    #: Built under ``torch.inference_mode()``: its parameters are inference tensors.
    inference_params: bool = False
    #: How a torch layer shapes its output (see :func:`.shapes.module_shape_kind`).
    shape_kind: tuple[str | None, int | None] = (None, None)
    #: Attributes read while gradients were recorded, in code the interpreter ran for real
    #: (not a method analysed on its own with made-up arguments).
    used: set[str] = field(default_factory=set)
    forward_runs: int = 0  # forward calls run for real under grad
    #: ``module.training``: True when built, changed by ``.train()`` / ``.eval()`` (None: unknown).
    training: bool | None = True
    #: Attributes computed at each access by a parametrization (``weight`` after weight_norm).
    computed: set[str] = field(default_factory=set)
    maybe_computed: set[str] = field(default_factory=set)  # parametrized in one branch only
    forward_hooks: list[Value] = field(default_factory=list)  # register_forward_hook(fn)
    pre_hooks: list[Value] = field(default_factory=list)  # register_forward_pre_hook(fn)
    #: The line of the call that built it (``nn.Linear(...)``), for its parameters' reasons; 0: unknown.
    line: int = 0

    def set_training(self, value: bool | None) -> None:
        """``.train(mode)`` / ``.eval()``: this module and every submodule."""
        self.training = value
        for member in [*self.children, *(v for v in self.attrs.values() if isinstance(v, ModuleValue))]:
            if member is not self and member.training is not value:
                member.set_training(value)

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
    line: int = 0
    made: int = 0  # when it was built, on the interpreter's clock
    steps: list[int] = field(default_factory=list)  # when its step() ran
    zeroed: list[int] = field(default_factory=list)  # when its zero_grad() ran
    step_loops: list[int] = field(default_factory=list)  # id of the loop around each step (0: none)
    run: int = field(default_factory=current_run)  # the interpretation run that built it
    opaque: bool = False  # built from values the interpreter cannot see into (it may hold anything)
    groups_added: list[int] = field(default_factory=list)  # when add_param_group() ran


@dataclass(eq=False)
class ScalerValue(Value):
    """A ``GradScaler``: when it last scaled a loss, which optimizers it unscaled since its
    last ``update()`` (and when)."""

    line: int = 0
    run: int = 0  # the interpretation run the times below belong to
    scaled: int = 0  # when scale(loss) last ran
    updated: int = 0  # when update() last ran
    unscaled: dict[int, int] = field(default_factory=dict)  # id(optimizer) -> when unscale_ ran

    def in_run(self, run: int) -> None:
        """Forget what another interpretation run did (methods analysed on their own)."""
        if self.run != run:
            self.run, self.scaled, self.updated = run, 0, 0
            self.unscaled.clear()


@dataclass(eq=False)
class SeqValue(Value):
    """A tuple or list of values (element-wise when known)."""

    items: tuple[Value, ...]
    kind: str = "tuple"


@dataclass(eq=False)
class DictValue(Value):
    """A dict with string keys; ``rest`` stands for the values under keys not known statically."""

    items: dict[str, Value]
    rest: Value | None = None

    def values(self) -> tuple[Value, ...]:
        """Every value it may hold (the known keys' and the others')."""
        return tuple(self.items.values()) + ((self.rest,) if self.rest is not None else ())


class SliceValue(Value):
    """A slice (``a:b``) used as an index; ``bounds`` when its parts are constant integers."""

    __slots__ = ("bounds",)

    def __init__(self, bounds: slice | None = None) -> None:
        self.bounds = bounds


@dataclass(eq=False)
class ConstValue(Value):
    """A Python constant (number, string, bool, None)."""

    value: object


@dataclass(eq=False)
class NumberValue(Value):
    """A Python number whose value is not known statically (``kind``: "int", "float" or None),
    with the bounds of an int where they are known (a loop over ``range``)."""

    kind: str | None = None
    low: int | None = None
    high: int | None = None


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
    inference: bool = False  # decorated with @torch.inference_mode()

    def bound_to(self, receiver: Value | None) -> FunctionValue:
        """This method bound to ``receiver`` (its decorators' grad modes kept)."""
        return replace(self, bound_self=receiver)


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
    #: Class-level assignments (``lr = 0.1``, dataclass field defaults), in order.
    class_attrs: dict[str, Value] = field(default_factory=dict)
    #: ``@dataclass``: its fields are the annotated class attributes, bound by the constructor.
    dataclass_fields: tuple[str, ...] | None = None


@dataclass(eq=False)
class FunctionCtxValue(ModuleValue):
    """The ``ctx`` torch hands a custom Function's ``forward`` / ``setup_context`` /
    ``backward``: attributes set on it, and the tensors saved for backward."""

    saved: tuple[Value, ...] | None = None


@dataclass(eq=False)
class AutogradApplyValue(Value):
    """``Fn.apply`` of a custom ``torch.autograd.Function`` (held in a name, called later)."""

    cls: ClassValue


@dataclass(eq=False)
class PartialValue(Value):
    """``functools.partial(func, *args, **kwargs)``: calling it calls ``func`` with those first."""

    func: Value
    args: tuple[Value, ...] = ()
    kwargs: dict[str, Value] = field(default_factory=dict)


@dataclass(eq=False)
class ItemValue(Value):
    """A Python number derived from a tensor (``.item()``, ``float(t)``)."""

    line: int


def join_bool(a: bool | None, b: bool | None) -> bool | None:
    return a if a == b else None


def join_values(a: Value, b: Value) -> Value:
    if a is b:
        return a
    if isinstance(a, TensorValue) and isinstance(b, TensorValue):
        if a.obj is b.obj and a.leaf == b.leaf and a.rg == b.rg:
            return a
        leaf = join_bool(a.leaf, b.leaf)
        rg = join_bool(a.rg, b.rg)
        reason = a.reason if (leaf, rg) == (a.leaf, a.rg) else b.reason
        joined = TensorValue(
            leaf,
            rg,
            reason,
            a.obj if a.obj is b.obj else _joined_obj(a.obj, b.obj),
            a.dtype if a.dtype == b.dtype else None,
            a.kind if a.kind == b.kind else None,
            a.device if a.device == b.device else None,
            a.node if a.node is b.node else _merged_node(a.node, b.node),
            a.origin if a.origin == b.origin else "unknown",
            a.owners + tuple(o for o in b.owners if o not in a.owners),
            a.data_of_param and b.data_of_param,
        )
        # What holds for both holds for either.
        joined.one_element = join_bool(a.one_element, b.one_element)
        joined.shape = a.shape if a.shape == b.shape else None
        joined.inference = a.inference and b.inference
        joined.zero_dim = a.zero_dim and b.zero_dim
        return joined
    if isinstance(a, ConstValue) and isinstance(b, ConstValue) and a.value == b.value:
        return a
    if _int_like(a) and _int_like(b):
        return _join_ints(a, b)
    if isinstance(a, SeqValue) and isinstance(b, SeqValue) and len(a.items) == len(b.items):
        return SeqValue(tuple(join_values(x, y) for x, y in zip(a.items, b.items)), a.kind)
    if isinstance(a, ConstValue) and a.value is None and not isinstance(b, ConstValue):
        return b
    if isinstance(b, ConstValue) and b.value is None and not isinstance(a, ConstValue):
        return a
    return UNKNOWN


def _int_like(value: Value) -> bool:
    if isinstance(value, ConstValue):
        return type(value.value) is int
    return isinstance(value, NumberValue) and value.kind == "int"


def _bounds(value: Value) -> tuple[int | None, int | None]:
    if isinstance(value, ConstValue) and type(value.value) is int:
        return value.value, value.value
    if isinstance(value, NumberValue):
        return value.low, value.high
    return None, None


def _join_ints(a: Value, b: Value) -> NumberValue:
    """One of two ints (a loop counter over ``range``): an int between their bounds."""
    (a_low, a_high), (b_low, b_high) = _bounds(a), _bounds(b)
    low = min(a_low, b_low) if a_low is not None and b_low is not None else None
    high = max(a_high, b_high) if a_high is not None and b_high is not None else None
    return NumberValue("int", low, high)


def join_elements(items: Iterable[Value]) -> Value:
    """What one element of a collection holding ``items`` is, whichever it is.

    Modules of the same class count as alike (a ``for block in blocks`` loop); tensors,
    tuples and constants join field by field; anything else that differs is unknown.
    """
    result: Value | None = None
    for item in items:
        result = item if result is None else _join_element(result, item)
        if result is UNKNOWN:
            return UNKNOWN
    return UNKNOWN if result is None else result


def _join_element(a: Value, b: Value) -> Value:
    if isinstance(a, ModuleValue) and isinstance(b, ModuleValue):
        alike = (
            a.torch_class == b.torch_class
            and a.cls is b.cls
            and a.has_params == b.has_params
            and a.params_rg == b.params_rg
        )
        return a if alike else UNKNOWN
    if isinstance(a, DictValue) and isinstance(b, DictValue):
        if a.items.keys() != b.items.keys():
            return UNKNOWN
        return DictValue({k: _join_element(v, b.items[k]) for k, v in a.items.items()})
    if isinstance(a, SeqValue) and isinstance(b, SeqValue) and len(a.items) == len(b.items):
        return SeqValue(tuple(_join_element(x, y) for x, y in zip(a.items, b.items)), a.kind)
    if isinstance(a, ParamsValue) and isinstance(b, ParamsValue):
        return ParamsValue(a.modules + tuple(m for m in b.modules if m not in a.modules), a.named)
    if isinstance(a, ItemValue) and isinstance(b, ItemValue):
        return a
    return join_values(a, b)


def _merged_node(a: Node | None, b: Node | None) -> Node | None:
    """The graph of a value that is one of two: a merge node over both (None if neither has one)."""
    if a is None or b is None:
        return None
    node = Node((a, b), (), a.line)
    node.merge = True
    return node


def _joined_obj(a: Obj, b: Obj) -> Obj:
    """A storage standing for either of two (a value that differs between branches)."""
    obj = Obj(a.line)
    obj.joined = tuple(dict.fromkeys((a.joined or (a,)) + (b.joined or (b,))))[:16]
    return obj


def join_envs(envs: list[dict[str, Value]]) -> dict[str, Value]:
    if len(envs) == 1:
        return dict(envs[0])
    out = dict(envs[0])
    for env in envs[1:]:
        for name, value in env.items():
            old = out.get(name)
            out[name] = value if old is None else join_values(old, value)
    return out


def call_signature(value: Value) -> Any:
    if isinstance(value, TensorValue):
        return (
            "T",
            value.leaf,
            value.rg,
            value.kind,
            value.node is not None,
            id(value.obj),
            value.shape,
            value.one_element,
            value.inference,
            value.zero_dim,
        )
    if isinstance(value, ConstValue):
        try:
            hash(value.value)
            return ("C", value.value)
        except TypeError:
            return ("C", id(value))
    if isinstance(value, SeqValue):
        return ("S",) + tuple(call_signature(v) for v in value.items)
    return (type(value).__name__, id(value))


def is_number(value: Value) -> bool:
    """A Python number, known (a constant) or not."""
    if isinstance(value, NumberValue):
        return True
    return (
        isinstance(value, ConstValue)
        and isinstance(value.value, (int, float))
        and not isinstance(value.value, bool)
    )


def number_kind(value: Value) -> str | None:
    """ "int" / "float" for a Python number value, None when not known."""
    if isinstance(value, NumberValue):
        return value.kind
    if isinstance(value, ConstValue) and not isinstance(value.value, bool):
        if isinstance(value.value, int):
            return "int"
        if isinstance(value.value, float):
            return "float"
    return None


def fresh_result(value: Value, args: list[Value]) -> Value:
    if isinstance(value, TensorValue) and value.node is not None:
        inputs = tuple(t.node for t in flatten_tensors(args) if t.node)
        return TensorValue(
            value.leaf,
            value.rg,
            value.reason,
            Obj(value.obj.line),
            value.dtype,
            value.kind,
            value.device,
            Node(inputs, (), value.node.line),
            value.origin,
        )
    if isinstance(value, SeqValue):
        return SeqValue(tuple(fresh_result(v, args) for v in value.items), value.kind)
    if isinstance(value, DictValue):
        rest = fresh_result(value.rest, args) if value.rest is not None else None
        return DictValue({k: fresh_result(v, args) for k, v in value.items.items()}, rest)
    return value


def flatten_tensors(values: Iterable[Value]) -> list[TensorValue]:
    out: list[TensorValue] = []
    for v in values:
        if isinstance(v, TensorValue):
            out.append(v)
        elif isinstance(v, SeqValue):
            out.extend(flatten_tensors(v.items))
    return out


def same_shape(a: Value, b: Value) -> bool:
    if isinstance(a, TensorValue) and isinstance(b, TensorValue):
        return a.leaf == b.leaf and a.rg == b.rg
    return type(a) is type(b) and not isinstance(a, TensorValue)


def all_same(values: list[bool | None]) -> bool | None:
    first = values[0] if values else None
    return first if all(v == first for v in values) else None


def const_bool_value(value: Value | None) -> bool | None:
    if isinstance(value, ConstValue) and isinstance(value.value, (bool, int)) and value.value is not None:
        return bool(value.value)
    return None


class SuperValue(Value):
    def __init__(self, cls: ClassValue, self_value: Value):
        self.cls = cls
        self.self_value = self_value


class BoundModuleAttr(Value):
    """An attribute of a module that we do not model (a method, a config value...)."""

    def __init__(self, module: ModuleValue, attr: str):
        self.module = module
        self.attr = attr


#: The keyword-argument key standing for ``**mapping`` whose keys are not known statically.
UNKNOWN_KWARGS = UNKNOWN_KWARGS_KEY


def open_kwargs(kwargs: dict[str, Value]) -> dict[str, Value]:
    """Keyword arguments for a library call: an unknown ``**mapping`` may set any of the
    options that change autograd facts, so each of them becomes unknown unless given."""
    if UNKNOWN_KWARGS not in kwargs:
        return kwargs
    opened = {k: v for k, v in kwargs.items() if k != UNKNOWN_KWARGS}
    for key in ("requires_grad", "dtype", "device", "copy"):
        opened.setdefault(key, UNKNOWN)
    return opened


def runs_code(value: Value) -> bool:
    """Whether ``value`` is something a function handed it would call (a module, a function)."""
    return isinstance(value, (ModuleValue, FunctionValue, ClassValue, PartialValue))


def copy_value(value: Value, *, deep: bool, line: int) -> Value:
    """``copy.deepcopy(value)`` / ``copy.copy(value)``: the same structure, with fresh leaves
    (and fresh parameters) when deep."""
    return _copy(value, deep, line, {})


def _copy(value: Value, deep: bool, line: int, memo: dict[int, Value]) -> Value:
    done = memo.get(id(value))
    if done is not None:
        return done
    if isinstance(value, TensorValue):
        if not deep or value.leaf is not True:
            return UNKNOWN  # deepcopy of a non-leaf raises; copy.copy goes through __reduce_ex__
        copied = TensorValue(
            True,
            value.rg,
            value.with_reason(line, "`copy.deepcopy` gives a new leaf with the same requires_grad"),
            Obj(line),
            value.dtype,
            value.kind,
            value.device,
            None,
            value.origin,
        )
        memo[id(value)] = copied
        return copied
    if isinstance(value, ModuleValue):
        clone = replace(
            value,
            attrs={},
            children=[],
            param_obj=Obj(line) if deep else value.param_obj,
            used=set(),
            computed=set(value.computed),
            maybe_computed=set(value.maybe_computed),
            forward_runs=0,
            forward_hooks=list(value.forward_hooks),
            pre_hooks=list(value.pre_hooks),
        )
        memo[id(value)] = clone
        for name, attr in value.attrs.items():
            clone.attrs[name] = _copy(attr, deep, line, memo) if deep else attr
            member = clone.attrs[name]
            if isinstance(member, TensorValue) and member.origin == "param" and deep:
                member.owners = (clone,)
        for child in value.children:
            copied_child = _copy(child, deep, line, memo) if deep else child
            if isinstance(copied_child, ModuleValue):
                clone.children.append(copied_child)
        return clone
    if isinstance(value, SeqValue):
        return SeqValue(tuple(_copy(v, deep, line, memo) if deep else v for v in value.items), value.kind)
    if isinstance(value, DictValue):
        items = {k: (_copy(v, deep, line, memo) if deep else v) for k, v in value.items.items()}
        rest = value.rest if value.rest is None or not deep else _copy(value.rest, deep, line, memo)
        return DictValue(items, rest)
    if isinstance(value, (ConstValue, RefValue, FunctionValue, ClassValue)):
        return value
    return UNKNOWN
