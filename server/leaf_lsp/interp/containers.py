"""Python containers: dict, list, tuple and set values, their methods, and the builtins that
build or walk them (``dict``, ``zip``, ``enumerate``, ``sorted``, ``getattr``...).

Values read back from a container are the values put in (a Parameter read from a dict is
still that leaf Parameter); where the interpreter cannot tell which element it is, it joins
them (:func:`~.values.join_elements`), so facts they share survive and the rest is unknown.
"""

# The methods here are typed with `self: Interpreter` (the class that mixes them in), which
# mypy reports as [misc] "erased type of self"; the bodies are still checked against it.
# mypy: disable-error-code="misc"

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .facts import PARAMETER_CONTAINERS
from .graph import Obj
from .shapes import dim_value
from .values import (
    UNKNOWN,
    ConstValue,
    DictValue,
    ModuleValue,
    NumberValue,
    ParamsValue,
    SeqValue,
    TensorValue,
    Value,
    all_same,
    join_elements,
    new_tensor,
)

if TYPE_CHECKING:
    from .core import Interpreter

#: Longest list the interpreter tracks element by element (``append`` in a loop stops there).
MAX_ITEMS = 64
#: Builtins that return their argument's elements in another order (or all of them).
REORDERING = frozenset({"sorted", "reversed", "list", "tuple", "set", "frozenset", "iter"})


def elements(value: Value) -> tuple[Value, ...] | None:
    """The values iterating ``value`` gives, or None when not known.

    A dict gives its keys; a comprehension-built list (``list-comp``) a representative.
    """
    if isinstance(value, SeqValue):
        return value.items
    if isinstance(value, DictValue):
        keys: tuple[Value, ...] = tuple(ConstValue(k) for k in value.items)
        return keys + ((UNKNOWN,) if value.rest is not None else ())
    if isinstance(value, ModuleValue) and value.torch_class is not None:
        if value.torch_class in ("ModuleDict", "ParameterDict"):
            return tuple(ConstValue(k) for k in value.attrs)  # iterating a dict-like gives its keys
        if value.torch_class in PARAMETER_CONTAINERS:
            return tuple(v for v in value.attrs.values() if isinstance(v, TensorValue))
        if value.children:
            return tuple(value.children)  # ModuleList / Sequential: their modules, in order
    return None


class ContainersMixin:
    """Container values and the builtins over them (mixed into :class:`~.core.Interpreter`)."""

    def _element_of(self: Interpreter, iterable: Value) -> Value:
        """One element of an iterable: joined over all of them when they differ."""
        if isinstance(iterable, ParamsValue):
            return self._parameter_of(iterable)
        if isinstance(iterable, TensorValue):
            return self._view_of(iterable, iterable.obj.line, "an element of")
        if isinstance(iterable, ModuleValue):
            if iterable.torch_class in PARAMETER_CONTAINERS:
                held = [v for v in iterable.attrs.values() if isinstance(v, TensorValue)]
                return join_elements(held) if held else UNKNOWN
            return join_elements(iterable.children) if iterable.children else UNKNOWN
        items = elements(iterable)
        if not items:
            return UNKNOWN
        return join_elements(
            [self._parameter_of(item) if isinstance(item, ParamsValue) else item for item in items]
        )

    def _parameter_of(self: Interpreter, params: ParamsValue) -> Value:
        """One parameter of ``parameters()`` (a (name, parameter) pair for ``named_parameters()``)."""
        single = (
            len(params.modules) == 1 and not params.modules[0].children and not _submodules(params.modules[0])
        )
        param = self._module_param(params.modules[0], "<parameter>") if single else None
        if param is None:
            rg = all_same([m.params_rg for m in params.modules])
            built = [m.line for m in params.modules if m.line]
            line = min(built) if built else 0
            param = new_tensor(True, rg, line, "a parameter of the model", origin="param", kind="float")
            # One value standing for the parameters of every module in the tree.
            param.obj.joined = tuple(_parameter_storages(params.modules))[:64]
        param.owners = params.modules
        param.stands_for_all = True
        if params.named:
            return SeqValue((UNKNOWN, param))  # the name is not known here
        return param

    def container_method(
        self: Interpreter,
        receiver: Value,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
    ) -> Value | None:
        """``d.items()``, ``xs.extend(...)``... on a dict or list value; None if not one of those."""
        if isinstance(receiver, DictValue):
            return _dict_method(receiver, method, args, kwargs)
        if isinstance(receiver, SeqValue):
            return _list_method(receiver, method, args)
        if isinstance(receiver, ModuleValue) and receiver.torch_class in ("ModuleDict", "ParameterDict"):
            named: dict[str, Value] = {
                k: v for k, v in receiver.attrs.items() if isinstance(v, (ModuleValue, TensorValue))
            }
            if method in ("items", "values", "keys"):
                return _dict_method(DictValue(named), method, args, kwargs)
        if isinstance(receiver, ModuleValue) and method in SUBMODULE_ITERATORS:
            listed = _named_modules(receiver, recurse=method in ("modules", "named_modules"))
            if listed is None:
                return None
            if method.startswith("named_"):
                return SeqValue(tuple(SeqValue((ConstValue(n), m)) for n, m in listed), "list")
            return SeqValue(tuple(m for _, m in listed), "list")
        return None

    def container_builtin(
        self: Interpreter, name: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call
    ) -> Value | None:
        """Builtins that build or reorder containers; None for other builtins."""
        if name == "dict":
            return _make_dict(
                [
                    SeqValue((self._parameter_of(a),), "list-comp") if isinstance(a, ParamsValue) else a
                    for a in args
                ],
                kwargs,
            )
        if name in REORDERING and args:
            source = args[0]
            if isinstance(source, ParamsValue):
                return source
            if isinstance(source, SeqValue):
                return SeqValue(source.items, "list" if name != "tuple" else "tuple")
            items = elements(source)
            return SeqValue(items, "list") if items is not None else None
        if name == "zip" and args:
            columns = [elements(a) for a in args]
            if all(c is not None for c in columns):
                known = [c for c in columns if c is not None]
                rows = tuple(SeqValue(row) for row in zip(*known))
                return SeqValue(rows, "list")
            return SeqValue((SeqValue(tuple(self._element_of(a) for a in args)),), "list-comp")
        if name == "enumerate" and args:
            source = args[0]
            if isinstance(source, ParamsValue):
                return SeqValue((SeqValue((NumberValue("int"), self._parameter_of(source))),), "list-comp")
            items = elements(source)
            if items is not None:
                return SeqValue(tuple(SeqValue((ConstValue(i), v)) for i, v in enumerate(items)), "list")
            return None
        if name == "next" and args:
            first = args[0]
            if isinstance(first, ParamsValue):
                return self._parameter_of(first)
            items = elements(first)
            return items[0] if items else None
        if name == "len" and args and isinstance(args[0], TensorValue) and args[0].shape:
            return dim_value(args[0].shape[0])
        if name == "len" and args and isinstance(args[0], SeqValue) and args[0].kind != "list-comp":
            return ConstValue(len(args[0].items))
        if name == "len" and args and isinstance(args[0], DictValue) and args[0].rest is None:
            return ConstValue(len(args[0].items))
        if name == "range" and args and all(isinstance(a, ConstValue) and type(a.value) is int for a in args):
            bounds = [a.value for a in args if isinstance(a, ConstValue) and isinstance(a.value, int)]
            numbers = range(*bounds[:3])
            if len(numbers) <= MAX_ITEMS:
                return SeqValue(tuple(ConstValue(i) for i in numbers), "list")
            return None
        if name in ("min", "max") and len(args) == 1 and not isinstance(args[0], TensorValue):
            return self._element_of(args[0])
        return None


#: ``nn.Module`` methods that iterate submodules.
SUBMODULE_ITERATORS = frozenset({"children", "named_children", "modules", "named_modules"})
#: Most submodules listed one by one (a bigger model's list is left unknown).
MAX_SUBMODULES = 48


def merge_rest(a: Value | None, b: Value | None) -> Value | None:
    """The values under unknown keys of two dicts merged into one."""
    if a is None or b is None:
        return a if b is None else b
    return join_elements([a, b])


def _submodules(module: ModuleValue) -> list[tuple[str, ModuleValue]]:
    """A module's direct submodules with their names, in registration order."""
    found: list[tuple[str, ModuleValue]] = []
    seen: set[int] = set()
    for name, value in module.attrs.items():
        if isinstance(value, ModuleValue) and value.is_module and id(value) not in seen:
            seen.add(id(value))
            found.append((name, value))
    for index, child in enumerate(module.children):
        if id(child) not in seen:
            seen.add(id(child))
            found.append((str(index), child))
    return found


def _parameter_storages(modules: tuple[ModuleValue, ...]) -> list[Obj]:
    """The storages of every parameter of ``modules`` and their submodules."""
    found: list[Obj] = []
    for module in modules:
        for _, member in _named_modules(module, recurse=True) or [("", module)]:
            found.append(member.param_obj)
            found.extend(
                v.obj for v in member.attrs.values() if isinstance(v, TensorValue) and v.origin == "param"
            )
    return found


def _named_modules(module: ModuleValue, recurse: bool) -> list[tuple[str, ModuleValue]] | None:
    """``named_modules()`` (the module itself first, then every submodule by dotted name) or
    ``named_children()``; None when the model is too big to list."""
    if not recurse:
        return _submodules(module)
    out: list[tuple[str, ModuleValue]] = []
    seen: set[int] = set()

    def visit(prefix: str, current: ModuleValue, depth: int) -> bool:
        if id(current) in seen:
            return True
        seen.add(id(current))
        out.append((prefix, current))
        if len(out) > MAX_SUBMODULES or depth > 8:
            return False
        # Pre-order, like torch: a module, then each child's whole subtree in turn.
        return all(
            visit(f"{prefix}.{name}" if prefix else name, child, depth + 1)
            for name, child in _submodules(current)
        )

    return out if visit("", module, 0) else None


def _dict_method(d: DictValue, method: str, args: list[Value], kwargs: dict[str, Value]) -> Value | None:
    if method == "items":
        pairs: tuple[Value, ...] = tuple(SeqValue((ConstValue(k), v)) for k, v in d.items.items())
        if d.rest is not None:
            pairs += (SeqValue((UNKNOWN, d.rest)),)
        return SeqValue(pairs, "list")
    if method == "values":
        return SeqValue(d.values(), "list")
    if method == "keys":
        return SeqValue(tuple(ConstValue(k) for k in d.items), "list")
    if method in ("get", "pop", "setdefault") and args:
        key = args[0]
        if isinstance(key, ConstValue) and isinstance(key.value, str):
            found = d.items.get(key.value)
            if method == "pop":
                d.items.pop(key.value, None)
            if found is None and method == "setdefault" and len(args) > 1:
                d.items[key.value] = args[1]
            if found is not None:
                return found
            return d.rest if d.rest is not None else (args[1] if len(args) > 1 else ConstValue(None))
        return join_elements(d.values()) if d.values() else UNKNOWN
    if method == "update":
        for arg in args:
            other = _make_dict([arg], {})
            if other is None:
                d.rest = UNKNOWN
            else:
                d.items.update(other.items)
                if other.rest is not None:
                    d.rest = merge_rest(d.rest, other.rest)
        d.items.update(kwargs)
        return ConstValue(None)
    if method == "copy":
        return DictValue(dict(d.items), d.rest)
    return None


def _list_method(seq: SeqValue, method: str, args: list[Value]) -> Value | None:
    if method == "extend" and args and seq.kind == "list":
        more = elements(args[0])
        if isinstance(args[0], ParamsValue):
            more = (args[0],)
        if more is not None and len(seq.items) + len(more) <= MAX_ITEMS:
            seq.items = seq.items + more
        return ConstValue(None)
    if method == "insert" and len(args) > 1 and seq.kind == "list" and len(seq.items) < MAX_ITEMS:
        seq.items = (args[1],) + seq.items
        return ConstValue(None)
    if method == "pop" and seq.items:
        return seq.items[-1] if not args else join_elements(seq.items)
    if method == "copy":
        return SeqValue(seq.items, seq.kind)
    return None


def _make_dict(args: list[Value], kwargs: dict[str, Value]) -> DictValue | None:
    """``dict(...)`` of a dict, of (key, value) pairs, of named parameters, or of keywords."""
    out = DictValue({})
    for arg in args:
        if isinstance(arg, DictValue):
            out.items.update(arg.items)
            out.rest = merge_rest(out.rest, arg.rest)
        elif isinstance(arg, SeqValue):
            representative = arg.kind == "list-comp"  # one pair stands for all: keys unknown
            for pair in arg.items:
                if isinstance(pair, SeqValue) and len(pair.items) == 2:
                    key, value = pair.items
                    if not representative and isinstance(key, ConstValue) and isinstance(key.value, str):
                        out.items[key.value] = value
                        continue
                    out.rest = value if out.rest is None else join_elements([out.rest, value])
                else:
                    return None
        else:
            return None
    out.items.update(kwargs)
    return out
