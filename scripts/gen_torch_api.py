"""Generate leaf-lsp's torch API table from the installed torch.

The engine must know which torch names create leaves, mutate in place, alias their input,
never require grad, save tensors for backward, and so on. That knowledge is derived here
from torch itself, never typed by hand: the ATen schema file and the autograd derivative
formulas shipped in the wheel (``torchgen/packaged``) plus live introspection and small
probe calls on tiny CPU tensors. The result is written as sorted, indented JSON so that a
regeneration with the same torch gives a byte-identical file.

Usage (from the repository root)::

    .venv/bin/python scripts/gen_torch_api.py            # rewrite the checked-in table
    .venv/bin/python scripts/gen_torch_api.py --check    # exit 1 if the table is stale
    .venv/bin/python scripts/gen_torch_api.py --out /tmp/t.json

Needs torch (the pinned version) and PyYAML (torchgen parses its yaml files with it).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import inspect
import json
import os
import re
import sys
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "server" / "leaf_lsp" / "data" / "torch_api.json"

# Tensor methods ending in "_" that only touch autograd/sharing metadata, not the data:
# flagging them as in-place mutations would produce false "in-place on a leaf" reports.
METADATA_ONLY_INPLACE = frozenset({"requires_grad_", "retain_grad", "share_memory_", "rename_"})

# Python-level constructors that build a tensor from data (not in native_functions.yaml).
DATA_FACTORIES = ("tensor", "as_tensor", "asarray", "from_numpy", "frombuffer")
# Of those, the ones that return their argument itself when it already is a suitable tensor.
ALIASING_FACTORIES = ("as_tensor", "asarray")

CONTAINERS = frozenset(
    {"Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Container"}
)
# The constructor argument through which wrappers (DataParallel...) take the module they wrap.
WRAPPER_ARG = "module"

GRAD_CONTEXT_CANDIDATES = ("no_grad", "enable_grad", "inference_mode", "set_grad_enabled")

# Namespaces an ATen op with ``python_module`` is exposed under, and the prefix it drops there.
PY_MODULE_PREFIX = {"linalg": "linalg_", "special": "special_", "fft": "fft_", "nn": ""}

INTEGRAL_KINDS = ("int", "bool")


# --------------------------------------------------------------------------- yaml sources


@dataclass
class Sources:
    """The parsed ATen schemas and autograd derivative infos."""

    natives: list[Any]
    infos: dict[Any, Any]


def load_sources() -> Sources:
    """Parse native_functions.yaml and derivatives.yaml with torchgen (needs PyYAML)."""
    import torchgen
    from torchgen.gen import parse_native_yaml
    from torchgen.packaged.autograd.load_derivatives import load_derivatives

    base = Path(torchgen.__file__).parent / "packaged"
    native_yaml = str(base / "ATen" / "native" / "native_functions.yaml")
    tags_yaml = str(base / "ATen" / "native" / "tags.yaml")
    infos, _ = load_derivatives(str(base / "autograd" / "derivatives.yaml"), native_yaml, tags_yaml)
    natives = parse_native_yaml(native_yaml, tags_yaml).native_functions
    return Sources(natives=natives, infos=infos)


def py_name(fn: Any) -> str | None:
    """The name an ATen op is visible under in Python (last component), or None if hidden."""
    name = str(fn.func.name.name)
    module = fn.python_module
    if module is None:
        return name
    prefix = PY_MODULE_PREFIX.get(module)
    if prefix is None or not name.startswith(prefix):
        return None
    return name[len(prefix) :]


class Namespaces:
    """Where public names live: torch, torch.Tensor, torch.nn.functional and op submodules."""

    def __init__(self) -> None:
        import torch
        import torch.nn.functional as F

        self.torch = torch
        self.F = F
        self.modules: dict[str, Any] = {
            "linalg": torch.linalg,
            "special": torch.special,
            "fft": torch.fft,
            "nn": F,
        }

    def has_function(self, fn: Any, name: str) -> bool:
        """Whether the op is reachable as a public function (torch.x, torch.linalg.x, F.x)."""
        if name.startswith("_") and not _is_dunder(name):
            return False
        module = fn.python_module
        if module is None:
            return hasattr(self.torch, name)
        ns = self.modules.get(module)
        return ns is not None and hasattr(ns, name)

    def has_method(self, name: str) -> bool:
        """Whether ``torch.Tensor.<name>`` exists and is public (dunders count)."""
        if name.startswith("_") and not _is_dunder(name):
            return False
        return hasattr(self.torch.Tensor, name)

    def callables(self, name: str) -> list[tuple[str, Callable[..., Any]]]:
        """Every public callable spelled ``name``: (how to call it, the callable)."""
        out: list[tuple[str, Callable[..., Any]]] = []
        for label, ns in (
            ("torch", self.torch),
            ("F", self.F),
            ("linalg", self.torch.linalg),
            ("special", self.torch.special),
            ("fft", self.torch.fft),
        ):
            obj = getattr(ns, name, None)
            if callable(obj) and not isinstance(obj, type):
                out.append((label, obj))
        meth = getattr(self.torch.Tensor, name, None)
        if callable(meth) and not isinstance(meth, type):
            out.append(("method", meth))
        return out


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def public_names(fn: Any, ns: Namespaces) -> set[str]:
    """The public function/method names under which an ATen op can be called."""
    from torchgen.model import Variant

    name = py_name(fn)
    if name is None:
        return set()
    names: set[str] = set()
    if Variant.function in fn.variants and ns.has_function(fn, name):
        names.add(name)
    if fn.python_module is None and Variant.method in fn.variants and ns.has_method(name):
        names.add(name)
    return names


def _is_tensor_type(t: Any) -> bool:
    return "Tensor" in str(t)


# --------------------------------------------------------------------------- dtypes


def dtype_kind(dtype: Any) -> str:
    """The kind of a torch.dtype: float | complex | bool | int | quantized | bits."""
    import torch

    if dtype == torch.bool:
        return "bool"
    if dtype.is_complex:
        return "complex"
    if dtype.is_floating_point:
        return "float"
    text = str(dtype).removeprefix("torch.")
    if text.startswith(("qint", "quint")):
        return "quantized"
    if text.startswith("bits"):
        return "bits"
    return "int"


def dtype_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Every ``torch.<name>`` dtype attribute -> kind, and -> canonical dtype name."""
    import torch

    kinds: dict[str, str] = {}
    canonical: dict[str, str] = {}
    for name in dir(torch):
        value = getattr(torch, name, None)
        if isinstance(value, torch.dtype):
            kinds[name] = dtype_kind(value)
            canonical[name] = str(value).removeprefix("torch.")
    return kinds, canonical


def dtype_methods() -> dict[str, str]:
    """Tensor conversion methods (``x.double()``) -> the dtype name they convert to.

    Found from the method docstrings ("``self.double()`` is equivalent to
    ``self.to(torch.float64)``") and confirmed by calling each on float and int tensors.
    """
    import torch

    pattern = re.compile(r"``self\.(\w+)\(\)`` is equivalent to ``self\.to\(torch\.(\w+)\)``")
    out: dict[str, str] = {}
    for name in dir(torch.Tensor):
        if name.startswith("_"):
            continue
        doc = getattr(getattr(torch.Tensor, name, None), "__doc__", None) or ""
        match = pattern.search(doc)
        if not match or match.group(1) != name:
            continue
        target = getattr(torch, match.group(2), None)
        if not isinstance(target, torch.dtype):
            continue
        results = {getattr(torch.zeros(2, dtype=src), name)().dtype for src in (torch.float32, torch.int64)}
        if results == {target}:
            out[name] = str(target).removeprefix("torch.")
    return out


# --------------------------------------------------------------------------- factories


def _factory_args(
    fn: Any, scalar: object, tensor_shape: tuple[int, ...] = ()
) -> tuple[list[Any], dict[str, Any]] | None:
    """Minimal arguments for calling an overload, or None when one cannot be built.

    Tensor arguments get float tensors that require grad (integer ones for index-like
    names), so a call tells whether grad can flow from a tensor input to the result.
    """
    import torch

    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for arg in fn.func.arguments.flat_all:
        if arg.default is not None:
            continue
        t = str(arg.type)
        if t == "Tensor" and "ind" in arg.name:
            value: Any = torch.zeros((1, *tensor_shape), dtype=torch.int64)
        elif t == "Tensor":
            value = torch.full(tensor_shape, 0.5, requires_grad=True)
        elif t in ("SymInt[]", "int[]"):
            value = [0] if "layout" in arg.name else [2]
        elif t in ("SymInt", "int"):
            value = 3
        elif t == "Scalar":
            value = scalar
        elif t == "float":
            value = 0.5
        elif t == "bool":
            value = False
        else:
            return None
        if arg in fn.func.arguments.flat_kwarg_only:
            kwargs[arg.name] = value
        else:
            args.append(value)
    return args, kwargs


def _result_kind(results: list[Any]) -> str | None:
    """Combine the dtypes of factory calls made with int and with float scalars."""
    import torch

    kinds = [dtype_kind(r.dtype) for r in results if isinstance(r, torch.Tensor)]
    if not kinds:
        return None
    if len(set(kinds)) > 1:
        return "args"
    return kinds[0]


def _call_quietly(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a torch function, returning None instead of raising (probe calls are guesses)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return func(*args, **kwargs)
    except Exception:
        return None


def is_factory_overload(fn: Any) -> bool:
    """A functional op with no tensor inputs, a dtype option and one tensor result."""
    func = fn.func
    if (
        func.kind().name != "functional"
        or len(func.returns) != 1
        or not _is_tensor_type(func.returns[0].type)
    ):
        return False
    arg_types = [str(a.type) for a in func.arguments.flat_all]
    if any(_is_tensor_type(t) for t in arg_types) or any("Dimname" in t for t in arg_types):
        return False
    return any(a.name == "dtype" for a in func.arguments.flat_all)


def factories(src: Sources, ns: Namespaces) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(factories, mixed_factories, errors).

    A name is a factory when it has a tensor-free overload with a ``dtype`` option. Names
    that also have overloads taking a differentiable tensor (``normal(mean_tensor, std)``)
    only create a fresh leaf for some calls: they go to ``mixed_factories`` instead.
    """
    import torch

    by_name: dict[str, list[Any]] = defaultdict(list)
    for fn in src.natives:
        for name in public_names(fn, ns):
            if fn.func.kind().name == "functional" and hasattr(torch, name):
                by_name[name].append(fn)
    differentiable = _differentiable_overloads(src)
    out: dict[str, str] = {}
    mixed: dict[str, str] = {}
    errors: list[str] = []
    for name, fns in sorted(by_name.items()):
        factory_fns = [fn for fn in fns if is_factory_overload(fn)]
        if not factory_fns:
            continue
        kinds: set[str] = set()
        for fn in factory_fns:
            built = [_factory_args(fn, 1), _factory_args(fn, 1.5)]
            results = []
            for b in built:
                if b is not None:
                    results.append(_call_quietly(getattr(torch, name), *b[0], **b[1]))
            kind = _result_kind(results)
            if kind is not None:
                kinds.add(kind)
        if not kinds:
            errors.append(f"factory {name}: no overload could be called")
            continue
        kind = "args" if "args" in kinds else sorted(kinds)[0]
        tensor_fns = [fn for fn in fns if not is_factory_overload(fn)]
        if any(_grad_flows(name, fn, differentiable) for fn in tensor_fns):
            mixed[name] = kind
        else:
            out[name] = kind
    import numpy as np

    for name in DATA_FACTORIES:
        func = getattr(torch, name, None)
        if func is None:
            errors.append(f"data factory {name} missing")
            continue
        samples = [[1, 2], [1.5, 2.5]]
        if name == "from_numpy":
            results = [func(np.array(s)) for s in samples]
        elif name == "frombuffer":
            results = [func(bytearray(8), dtype=d) for d in (torch.int32, torch.float32)]
        else:
            results = [func(s) for s in samples]
        if _result_kind(results) == "args":  # the dtype follows the data
            out[name] = "data"
        else:
            errors.append(f"data factory {name}: dtype does not follow the data")
    return out, mixed, errors


def _grad_flows(name: str, fn: Any, differentiable: set[str]) -> bool:
    """Whether a tensor-taking overload of a factory name passes grad to its result.

    Called live with grad-requiring tensors of two shapes; derivatives.yaml decides when no
    call succeeds.
    """
    import torch

    called = False
    for shape in ((), (2,)):
        built = _factory_args(fn, 1.5, shape)
        if built is None:
            continue
        result = _call_quietly(getattr(torch, name), *built[0], **built[1])
        if isinstance(result, torch.Tensor):
            called = True
            if result.requires_grad:
                return True
    return not called and str(fn.func) in differentiable


def _differentiable_overloads(src: Sources) -> set[str]:
    """Schemas (as text) whose derivative formula lets grad flow to some tensor input."""
    out: set[str] = set()
    for schema, by_key in src.infos.items():
        info = _default_info(by_key)
        if info is not None and any(d.var_names for d in info.derivatives):
            out.add(str(schema))
    return out


def _default_info(by_key: dict[str, Any]) -> Any:
    # Entries only for other dispatch keys (nested tensors) say nothing about dense tensors.
    return by_key.get("Default")


def like_factories(src: Sources, ns: Namespaces) -> tuple[dict[str, str], list[str]]:
    """``torch.*_like`` -> "input" when the result keeps the input's dtype (checked live)."""
    import torch

    names = set()
    for fn in src.natives:
        for name in public_names(fn, ns):
            if name.endswith("_like") and hasattr(torch, name):
                names.add(name)
    out: dict[str, str] = {}
    errors: list[str] = []
    for name in sorted(names):
        func = getattr(torch, name)
        kinds = []
        for dtype in (torch.float64, torch.int32):
            source = torch.ones(2, dtype=dtype)
            result = None
            for extra in ((), (3,), (1, 3)):
                result = _call_quietly(func, source, *extra)
                if isinstance(result, torch.Tensor):
                    break
            if not isinstance(result, torch.Tensor):
                continue
            kinds.append("input" if result.dtype == dtype else dtype_kind(result.dtype))
        if not kinds:
            errors.append(f"like factory {name}: could not call")
        elif len(set(kinds)) == 1:
            out[name] = kinds[0]
        else:
            out[name] = "input" if "input" in kinds else kinds[0]
    return out, errors


def new_factories() -> list[str]:
    """``Tensor.new_*`` (and the legacy ``Tensor.new``): fresh leaves with self's dtype."""
    import torch

    x = torch.ones(2, dtype=torch.float64, requires_grad=True)
    out = []
    for name in dir(torch.Tensor):
        if not (name == "new" or name.startswith("new_")):
            continue
        method = getattr(x, name)
        result = None
        for args in (([2],), ([2], 1.0), ([2], [1])):
            result = _call_quietly(method, *args)
            if result is not None:
                break
        if result is not None and result.is_leaf and not result.requires_grad and result.dtype == x.dtype:
            out.append(name)
    return sorted(out)


def tensor_constructors() -> dict[str, str]:
    """Legacy ``torch.FloatTensor``-style constructors -> dtype kind of what they build."""
    import torch

    out: dict[str, str] = {}
    for name in dir(torch):
        value = getattr(torch, name, None)
        if not (name.endswith("Tensor") and isinstance(value, type)):
            continue
        made = _call_quietly(value, 2)
        if isinstance(made, torch.Tensor):
            out[name] = dtype_kind(made.dtype)
    return out


# --------------------------------------------------------------------------- in place


def inplace_methods(src: Sources, ns: Namespaces) -> tuple[list[str], list[str]]:
    """(Tensor methods that mutate self, the detach-in-place method(s))."""
    import torch

    names: set[str] = set()
    for fn in src.natives:
        args = fn.func.arguments
        self_arg = args.self_arg.argument if args.self_arg is not None else None
        if self_arg is None or self_arg.annotation is None or not self_arg.annotation.is_write:
            continue
        if fn.func.kind().name == "out":
            continue
        if not any(r.annotation is not None and r.annotation.is_write for r in fn.func.returns):
            continue  # record_stream, retain_grad...: take self mutably but change no data
        names |= {n for n in public_names(fn, ns) if ns.has_method(n)}
    for name in dir(torch.Tensor):
        # Python-level mutators: augmented-assignment dunders and data-mutating helpers.
        if name.startswith("__i") and _is_dunder(name) and f"__{name[3:]}" in dir(torch.Tensor):
            names.add(name)
        elif name.endswith("_") and not name.startswith("_") and callable(getattr(torch.Tensor, name)):
            names.add(name)
    names.add("__setitem__")
    detach = sorted(n for n in names if n == "detach_")
    keep = sorted(n for n in names if n not in METADATA_ONLY_INPLACE and n not in detach)
    return keep, detach


# --------------------------------------------------------------------------- views


def _alias_candidates(src: Sources, ns: Namespaces) -> set[str]:
    """Public op names with an overload whose result aliases an input (``-> Tensor(a)``)."""
    from torchgen.packaged.autograd.gen_inplace_or_view_type import RETURNS_VIEWS_OF_INPUT

    names: set[str] = set()
    for fn in src.natives:
        func = fn.func
        if func.kind().name != "functional":
            continue
        aliased = any(r.annotation is not None and not r.annotation.is_write for r in func.returns)
        if aliased or str(func.name.name) in RETURNS_VIEWS_OF_INPUT:
            names |= public_names(fn, ns)
    import torch

    for name in dir(torch.Tensor):  # properties: T, mT, H, mH, real, imag ...
        attr = inspect.getattr_static(torch.Tensor, name, None)
        if not name.startswith("_") and not callable(attr) and hasattr(attr, "__get__"):
            names.add(name)
    return names


def _static_views() -> frozenset[str]:
    """torchgen's own list of view ops, less those that may copy (used when probes fail)."""
    from torchgen.packaged.autograd.gen_inplace_or_view_type import RETURNS_VIEWS_OF_INPUT, VIEW_FUNCTIONS

    maybe = {"contiguous", "reshape", "reshape_as", "flatten", "detach"}
    return frozenset((set(VIEW_FUNCTIONS) | set(RETURNS_VIEWS_OF_INPUT)) - maybe)


def _view_inputs() -> list[Any]:
    import torch

    contiguous = _fixed(2, 3, 4).requires_grad_()
    strided = _fixed(4, 3, 2).requires_grad_().permute(2, 1, 0)
    complex_ = _fixed(2, 3, 4, dtype=torch.cfloat).requires_grad_()
    matrix = _fixed(3, 4).requires_grad_()
    pairs = _fixed(2, 3, 2).requires_grad_()  # view_as_complex wants a last dim of 2
    return [contiguous, strided, complex_, matrix, pairs]


VIEW_ARGS: tuple[tuple[Any, ...], ...] = (
    (),
    (0,),
    (1,),
    (-1,),
    (0, 1),
    (1, 2),
    (0, 0, 1),
    (1, 0, 2),
    (2, 12),
    ((2, 12),),
    (24,),
    ([1, 2],),
    (2, 3, 4),
    ((2, 3, 4),),
    (2, 2, 1),
    ([1, 1],),
    (0, (1, 2)),
    (0, 1, 1),
    ((2, 2), (1, 1)),
)


def _aliases(result: Any, x: Any) -> str | None:
    """How a probe result relates to ``x``: "same" (x itself), "view" (differentiable alias),
    "copy", or None when the result is not tensors."""
    import torch

    if isinstance(result, (list, tuple)):
        verdicts = {_aliases(r, x) for r in result}
        if not verdicts or None in verdicts:
            return None
        return "copy" if "copy" in verdicts else "view"
    if not isinstance(result, torch.Tensor):
        return None
    if result is x:
        return "same"
    # An autograd view: shares x's storage and version counter. (.data and .detach() share
    # storage too but cut the graph, and _unsafe_view results keep their own counter.)
    root = x._base if x._base is not None else x
    return "view" if result._base is root and result.grad_fn is not None else "copy"


def views(src: Sources, ns: Namespaces) -> tuple[list[str], list[str], list[str], list[str]]:
    """(always-view names, maybe-view names, sometimes-identity names, errors).

    Candidates come from the alias annotations in native_functions.yaml (and torchgen's
    list of ops returning views); each is then called on contiguous, strided, complex and
    2-D tensors with a handful of argument shapes. Always aliasing -> view; aliasing for
    some inputs and copying for others -> maybe view; returning the input object itself for
    some inputs (``x.conj()`` of a real tensor) -> also listed as identity.
    """
    import torch

    static_views = _static_views()
    view_names: list[str] = []
    maybe: list[str] = []
    identity: list[str] = []
    errors: list[str] = []
    for name in sorted(_alias_candidates(src, ns)):
        if name in ("detach", "data"):
            continue
        verdicts: list[str] = []
        for x in _view_inputs():
            attr = getattr(type(x), name, None)
            if attr is not None and not callable(attr):
                verdict = _aliases(_call_quietly(getattr, x, name), x)
                if verdict is not None:
                    verdicts.append(verdict)
                continue
            for args in VIEW_ARGS:
                if attr is not None:
                    result = _call_quietly(getattr(x, name), *args)
                elif hasattr(torch, name):
                    result = _call_quietly(getattr(torch, name), x, *args)
                else:
                    continue
                verdict = _aliases(result, x)
                if verdict is not None:
                    verdicts.append(verdict)
            if attr is not None:  # *_as methods take a tensor of the target shape
                for other in (torch.zeros(2, 3, 4), torch.zeros(4, 6), torch.zeros(1, 3, 4)):
                    verdict = _aliases(_call_quietly(getattr(x, name), other), x)
                    if verdict is not None:
                        verdicts.append(verdict)
        seen = set(verdicts)
        if not seen:
            if name in static_views:
                errors.append(f"view {name}: no probe call worked; kept from torchgen's view list")
                view_names.append(name)
            continue
        if "copy" not in seen:
            view_names.append(name)
        elif seen != {"copy"}:
            maybe.append(name)
        if "same" in seen and "copy" not in seen:
            identity.append(name)
    return view_names, maybe, identity, errors


# --------------------------------------------------------------------------- probes


# A tuple result, per position: (namedtuple field or None, dtype kind, requires_grad).
ProbedTuple = tuple[tuple[str | None, str, bool], ...]


@dataclass
class Observation:
    """What probe calls of one public name showed."""

    calls: int = 0
    first_requires_grad: set[bool] = field(default_factory=set)
    first_kinds: set[str] = field(default_factory=set)
    saves_input: bool = False
    saves_result: bool = False
    # Results that were tuples of tensors, from calls whose primary input is a float
    # requiring grad.
    tuples: set[ProbedTuple] = field(default_factory=set)


def _fixed(*shape: int, dtype: Any = None) -> Any:
    """A small tensor of fixed values: its own seeded generator, so earlier probes (which
    may draw random numbers) cannot change what later probes see."""
    import torch

    generator = torch.Generator().manual_seed(1234)
    return torch.randn(shape, generator=generator, dtype=torch.float64).to(dtype or torch.float32)


def _probe_inputs() -> list[Callable[[], tuple[Any, tuple[Any, ...]]]]:
    """Makers of (primary tensor, extra args) covering unary, binary, reductions, conv, losses.

    Makers, not tensors: each probe call gets fresh inputs, since probes modify them.
    """
    import torch

    def f(*shape: int) -> Any:
        return _fixed(*shape).requires_grad_()

    return [
        lambda: (f(3), ()),
        lambda: (f(3), (f(3),)),
        lambda: (f(3, 4), ()),
        lambda: (f(3, 4), (f(3, 4),)),
        lambda: (f(3, 4), (-1,)),
        lambda: (f(3, 4), (1,)),
        lambda: (f(3, 4), (0.5,)),
        lambda: (f(3, 4), ((4,),)),
        lambda: (f(3, 4), (f(4, 5),)),
        lambda: (f(3, 4), (torch.tensor([0, 1, 3]),)),
        lambda: (f(3, 4), (f(3, 4), f(3, 4))),
        lambda: (f(2, 3, 4), (f(2, 4, 5),)),
        lambda: (f(1, 2, 5), (f(3, 2, 3),)),
        lambda: (f(1, 2, 5, 5), (f(3, 2, 3, 3),)),
        lambda: (f(1, 2, 4, 4, 4), (f(3, 2, 2, 2, 2),)),
        lambda: (_fixed(3, 4).abs().requires_grad_(), (1,)),  # probabilities: multinomial
        lambda: (torch.tensor([0, 1, 3]), ()),  # integer input: one_hot, bincount
        lambda: (f(3, 3), ()),  # square matrices: slogdet, eigh, inv_ex, cholesky_ex
        lambda: (f(3, 3), (f(3, 3),)),  # solve_ex, triangular_solve
        lambda: (f(1, 2, 5, 5), (2,)),  # an int kernel / output size: max_pool2d, adaptive pools
        lambda: (f(1, 2, 4, 4, 4), (2,)),
        # Integer inputs never require grad, so their calls only show something for ops that
        # reject floats: each has a float twin (f(3), (f(3),) above) that would pass grad.
        lambda: (torch.tensor([0, 1, 3]), (torch.tensor([1, 2, 3]),)),  # integer-only: gcd, bitwise_and
        lambda: (torch.tensor([0, 1, 3]), ((3, 4),)),  # flat indices and a shape: unravel_index
        lambda: (f(3), ((3, 4),)),
    ]


def _first_tensor(result: Any) -> Any:
    return result[0] if isinstance(result, (tuple, list)) and result else result


def _backward_breaks(
    func: Callable[..., Any], make: Callable[[], tuple[Any, tuple[Any, ...]]], modify: str
) -> bool:
    """Call ``func`` on fresh inputs, modify its tensor inputs (or its first result) in place
    and run backward: True when autograd reports a saved tensor modified in place.

    Behaviour rather than graph inspection: some ops save tensors that share storage with an
    input but not its version counter (``_unsafe_view``), and only the version counter
    matters for the error users hit.
    """
    import torch

    primary, extra = make()
    out = _first_tensor(_call_quietly(func, primary, *extra))
    if not isinstance(out, torch.Tensor) or out.grad_fn is None:
        return False
    targets = [primary, *(e for e in extra if isinstance(e, torch.Tensor))] if modify == "input" else [out]
    grad_inputs = [t for t in (primary, *extra) if isinstance(t, torch.Tensor) and t.requires_grad]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with torch.no_grad():
                for t in targets:
                    t.add_(0)  # bumps the version counter without changing values
            torch.autograd.grad(out, grad_inputs, torch.ones_like(out), allow_unused=True)
    except RuntimeError as exc:
        return "modified by an inplace operation" in str(exc)
    except Exception:
        return False
    return False


def probe(
    names: Iterable[str], ns: Namespaces, overloads: dict[str, list[Any]] | None = None
) -> dict[str, Observation]:
    """Call each public name on small float tensors that require grad; record what happens.

    A name none of the probe inputs can call is then called with arguments built from its
    ATen ``overloads`` (required keyword arguments included: ``nonzero_static(x, size=3)``).
    """
    import torch

    observations: dict[str, Observation] = {}
    for name in sorted(names):
        obs = Observation()
        callables = ns.callables(name)
        settings = _flag_settings(_tuple_flags(func for _label, func in callables))
        for _label, func in callables:
            for make in _probe_inputs():
                # Flags that switch the result to a tuple (unique(return_inverse=True)):
                # those calls only feed the tuple facts, not the single-result ones.
                for kwargs in settings:
                    primary, extra = make()
                    _record_tuple(obs, _call_quietly(func, primary, *extra, **kwargs), primary)
                primary, extra = make()
                result = _call_quietly(func, primary, *extra)
                _record_tuple(obs, result, primary)
                first = _first_tensor(result)
                if not isinstance(first, torch.Tensor) or first.layout != torch.strided:
                    continue
                obs.calls += 1
                obs.first_requires_grad.add(bool(first.requires_grad))
                obs.first_kinds.add(dtype_kind(first.dtype))
                if first.grad_fn is None or first is primary:
                    continue
                obs.saves_input = obs.saves_input or _backward_breaks(func, make, "input")
                obs.saves_result = obs.saves_result or _backward_breaks(func, make, "result")
        if obs.calls == 0:
            for fn in (overloads or {}).get(name, []):
                _probe_schema(obs, fn, callables)
        observations[name] = obs
    return observations


def _probe_schema(obs: Observation, fn: Any, callables: list[tuple[str, Callable[..., Any]]]) -> None:
    """Call a name with arguments built from one ATen overload (float tensors requiring grad,
    small ints) and record the result facts; the backward checks need the probe inputs."""
    import torch

    built = _factory_args(fn, 0.5, (3, 4))
    if built is None:
        return
    args, kwargs = built
    grads = [a for a in (*args, *kwargs.values()) if isinstance(a, torch.Tensor) and a.requires_grad]
    if not grads:
        return  # integer tensors alone cannot show whether grad would flow
    for _label, func in callables:
        result = _call_quietly(func, *args, **kwargs)
        _record_tuple(obs, result, grads[0])
        first = _first_tensor(result)
        if isinstance(first, torch.Tensor) and first.layout == torch.strided:
            obs.calls += 1
            obs.first_requires_grad.add(bool(first.requires_grad))
            obs.first_kinds.add(dtype_kind(first.dtype))


def _tuple_flags(funcs: Iterable[Callable[..., Any]]) -> list[str]:
    """Boolean arguments that make these functions return a tuple instead of one tensor.

    Read from torch's own ``boolean_dispatch`` registry (``F.max_pool2d(return_indices)``,
    ``torch.unique(return_inverse, return_counts)``, ``torch.lu(get_infos)``), following
    nested dispatchers.
    """
    from torch._jit_internal import boolean_dispatched

    flags: set[str] = set()
    pending = list(funcs)
    seen: set[int] = set()
    while pending:
        func = pending.pop()
        if id(func) in seen:
            continue
        seen.add(id(func))
        try:
            entry = boolean_dispatched.get(func)
        except TypeError:  # unhashable callables are not dispatchers
            entry = None
        if entry is not None:
            flags.add(entry["arg_name"])
            pending += [entry["if_true"], entry["if_false"]]
    return sorted(flags)


def _flag_settings(flags: list[str]) -> list[dict[str, bool]]:
    """Each flag alone, then all of them together (nothing when there are no flags)."""
    settings = [{flag: True} for flag in flags]
    if len(flags) > 1:
        settings.append(dict.fromkeys(flags, True))
    return settings


def _record_tuple(obs: Observation, result: Any, primary: Any) -> None:
    """Note a tuple-of-tensors result of a call whose primary input is a float that
    requires grad (so each element's requires_grad says whether it is differentiable)."""
    import torch

    if not (
        isinstance(result, tuple)
        and len(result) >= 2
        and all(isinstance(r, torch.Tensor) and r.layout == torch.strided for r in result)
        and isinstance(primary, torch.Tensor)
        and primary.requires_grad
        and primary.is_floating_point()
    ):
        return
    fields = getattr(type(result), "_fields", None) or getattr(type(result), "__match_args__", None)
    names: list[str | None] = list(fields) if fields and len(fields) == len(result) else [None] * len(result)
    obs.tuples.add(tuple((n, dtype_kind(r.dtype), bool(r.requires_grad)) for n, r in zip(names, result)))


# --------------------------------------------------------------------------- autograd facts


def autograd_facts(src: Sources, ns: Namespaces) -> tuple[set[str], set[str], dict[str, list[bool]]]:
    """From derivatives.yaml: (names whose backward saves a tensor input, names whose backward
    saves the first result, first-output differentiability of each overload by name)."""
    saves_inputs: set[str] = set()
    saves_result: set[str] = set()
    first_diff: dict[str, list[bool]] = defaultdict(list)
    by_schema = {str(fn.func): fn for fn in src.natives}
    for schema, by_key in src.infos.items():
        info = _default_info(by_key)
        fn = by_schema.get(str(schema))
        if info is None or fn is None:
            continue
        names = public_names(fn, ns)
        if not names:
            continue
        tensor_args = {a.name for a in fn.func.arguments.flat_all if _is_tensor_type(a.type)}
        first_out = _first_output_names(fn)
        reads_input = any(
            s.nctype.name in tensor_args and _is_tensor_type(s.nctype.type) for s in info.all_saved_inputs
        )
        reads_result = any(
            s.nctype.name in first_out and _is_tensor_type(s.nctype.type) for s in info.all_saved_outputs
        )
        differentiable = info.output_differentiability
        first_ok = bool(differentiable[0]) if differentiable else bool(info.derivatives)
        for name in names:
            if reads_input:
                saves_inputs.add(name)
            if reads_result:
                saves_result.add(name)
            first_diff[name].append(first_ok)
    return saves_inputs, saves_result, dict(first_diff)


def _first_output_names(fn: Any) -> set[str]:
    """Names derivative formulas use for an op's first output."""
    returns = fn.func.returns
    names = {"result", "result0"} if len(returns) > 1 else {"result"}
    if returns and returns[0].name:
        names.add(returns[0].name)
    return names


# --------------------------------------------------------------------------- multi-output ops


@dataclass(frozen=True)
class DeclaredOutput:
    """One position of an ATen schema's tuple return, as the yaml files describe it."""

    name: str | None
    # torchgen's verdict (derivatives.yaml output_differentiability, else the outputs its
    # formulas give a gradient to); None when the op has no derivatives.yaml entry.
    differentiable: bool | None


DeclaredTuple = tuple[DeclaredOutput, ...]


def tuple_schemas(src: Sources, ns: Namespaces) -> tuple[dict[str, list[DeclaredTuple]], set[str]]:
    """(public name -> its overloads returning a fixed tuple of tensors, names to leave out).

    Left out: names with an overload returning a list of tensors (``split``, ``unbind``,
    ``where(cond)``, ``meshgrid``: as many results as the arguments ask for) or a tuple
    holding something else than tensors (``histogramdd``, ``fbgemm_linear_quantize_weight``).
    """
    from torchgen.api import cpp
    from torchgen.api.autograd import NativeFunctionWithDifferentiabilityInfo, gen_differentiable_outputs

    by_schema = {str(schema): by_key for schema, by_key in src.infos.items()}
    forms: dict[str, list[DeclaredTuple]] = defaultdict(list)
    irregular: set[str] = set()
    for fn in src.natives:
        func = fn.func
        if func.kind().name != "functional" or func.is_mutable:
            continue
        names = public_names(fn, ns)
        if not names:
            continue
        types = [str(r.type) for r in func.returns]
        if any(_is_tensor_type(t) and t != "Tensor" for t in types) or (
            len(types) > 1 and any(t != "Tensor" for t in types)
        ):
            irregular |= names
            continue
        if len(types) < 2:
            continue
        by_key = by_schema.get(str(func))
        if by_key is None or _default_info(by_key) is None:
            differentiable: list[bool | None] = [None] * len(types)
        else:
            with_info = NativeFunctionWithDifferentiabilityInfo(func=fn, info=by_key, fw_derivatives=None)
            wanted = {out.name for out in gen_differentiable_outputs(with_info)}
            differentiable = [name in wanted for name in cpp.return_names(fn)]
        form = tuple(DeclaredOutput(r.name, d) for r, d in zip(func.returns, differentiable))
        for name in names:
            forms[name].append(form)
    return dict(forms), irregular


def multi_outputs(
    declared: dict[str, list[DeclaredTuple]],
    irregular: set[str],
    observed: dict[str, Observation],
) -> tuple[dict[str, dict[str, tuple[dict[str, Any], ...]]], list[str]]:
    """Names whose tuple results are known position by position -> {"outputs": [...]}.

    Each output: ``name`` (namedtuple field or None), ``kind`` (dtype kind for float inputs
    or None when no probe call returned the tuple) and ``differentiable`` (requires grad
    when the input does). The schemas and the probes must agree on every position; forms
    of different lengths (``unique`` with one or two ``return_*`` flags) must agree on the
    positions they share, and the entry lists the longest.
    """
    out: dict[str, dict[str, tuple[dict[str, Any], ...]]] = {}
    notes: list[str] = []
    candidates = set(declared) | {name for name, obs in observed.items() if obs.tuples}
    for name in sorted(candidates - irregular):
        probes = sorted(observed[name].tuples, key=repr) if name in observed else []
        merged, why = _merge_outputs(declared.get(name, []), probes)
        if merged is None:
            notes.append(f"multi_outputs {name}: left out, {why}")
        else:
            out[name] = {"outputs": tuple(merged)}
    return out, notes


def _merge_outputs(
    declared: list[DeclaredTuple], probes: list[ProbedTuple]
) -> tuple[list[dict[str, Any]] | None, str]:
    """Combine the declared and probed forms of one name, or (None, why they disagree)."""
    length = max(len(form) for form in [*declared, *probes])
    merged: list[dict[str, Any]] = []
    for i in range(length):
        names = {form[i].name for form in declared if len(form) > i} | {
            form[i][0] for form in probes if len(form) > i
        }
        kinds = {form[i][1] for form in probes if len(form) > i}
        grads = {form[i][2] for form in probes if len(form) > i}
        static = {form[i].differentiable for form in declared if len(form) > i} - {None}
        if len(kinds) > 1 or len(grads) > 1:
            return None, f"probes disagree on output {i} (kinds {sorted(kinds)}, grad {sorted(grads)})"
        if len(static) > 1:
            return None, f"overloads disagree on whether output {i} is differentiable"
        kind = next(iter(kinds), None)
        if grads:
            differentiable = grads.pop()
            # torchgen may call an integer output differentiable: autograd then skips it.
            if static and static != {differentiable} and (differentiable or kind not in INTEGRAL_KINDS):
                return None, f"derivatives.yaml and the probes disagree on output {i}"
        elif static:
            differentiable = static.pop()
        else:
            return None, f"no probe call and no derivatives.yaml entry for output {i}"
        named = names - {None}
        merged.append(
            {"name": named.pop() if len(named) == 1 else None, "kind": kind, "differentiable": differentiable}
        )
    return merged, ""


def probe_candidates(src: Sources, ns: Namespaces) -> set[str]:
    """Public, functional op names safe to call on scratch tensors, plus the pure Python ops
    of torch.nn.functional and torch.functional."""
    names: set[str] = set()
    mutating: set[str] = set()
    for fn in src.natives:
        public = public_names(fn, ns)
        kind = fn.func.kind().name
        if kind == "functional" and not fn.func.is_mutable:
            names |= public
        elif kind != "out":  # out= overloads are fine: probes never pass out
            mutating |= public
    for name in dir(ns.F):
        if not name.startswith("_") and callable(getattr(ns.F, name)) and not name.endswith("_"):
            names.add(name)
    import torch.functional

    names |= set(torch.functional.__all__)  # Python-level ops: einsum, stft, svd_lowrank...
    return {n for n in names - mutating if not n.endswith("_") and not _is_dunder(n)}


# --------------------------------------------------------------------------- nn / optim


@contextlib.contextmanager
def _meta_device() -> Iterator[None]:
    import torch

    with torch.device("meta"):
        yield


ARG_VALUES: dict[str, Any] = {
    "normalized_shape": 4,
    "num_heads": 2,
    "nhead": 2,
    "embed_dim": 4,
    "d_model": 4,
    "num_groups": 2,
    "num_channels": 4,
    "kernel_size": 3,
    "size": 4,
    "shape": (4,),
    "mode": "LSTM",
    "dim": 1,
    "p": 0.5,
    "lambd": 0.5,
    "threshold": 0.5,
    "value": 0.0,
    "padding": 1,
    "upscale_factor": 2,
    "downscale_factor": 2,
    "groups": 1,
    "output_size": 2,
    "unflattened_size": (2, 2),
    "cutoffs": [2],
    "n_classes": 4,
    "in_features": 4,
    "min_val": -1.0,
    "max_val": 1.0,
    "alpha": 1.0,
    "beta": 1.0,
    "k": 1.0,
    "scale_factor": 2.0,
    "stride": 1,
    "norm_type": 2.0,
    "num_layers": 1,
}

# For constructors declared as (*args, **kwargs), like the RNN family.
GENERIC_KWARGS: dict[str, Any] = {"input_size": 4, "hidden_size": 4}


def _init_kwargs(cls: type, module_value: Any) -> dict[str, Any] | None:
    """Typical arguments for an nn.Module constructor's required parameters."""
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):
        return {}
    kwargs: dict[str, Any] = {}
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.default is not p.empty:
            continue
        if p.name == WRAPPER_ARG:
            kwargs[p.name] = module_value
        elif p.name in ("encoder_layer", "decoder_layer"):
            import torch

            layer = (
                torch.nn.TransformerEncoderLayer
                if p.name == "encoder_layer"
                else torch.nn.TransformerDecoderLayer
            )
            kwargs[p.name] = layer(4, 2)
        elif p.name in ARG_VALUES:
            kwargs[p.name] = ARG_VALUES[p.name]
        elif any(s in p.name for s in ("features", "channels", "size", "dim", "num", "embeddings")):
            kwargs[p.name] = 4
        else:
            return None
    return kwargs


def _source_registers_params(cls: type) -> bool:
    """Fallback when a module cannot be built: does any class in its MRO create Parameters?"""
    import torch

    for klass in cls.__mro__:
        if klass is torch.nn.Module or not issubclass(klass, torch.nn.Module):
            continue
        try:
            text = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        if re.search(r"\bParameter\(|register_parameter\(|UninitializedParameter\(", text):
            return True
    return False


def _own_parameter_names(instance: Any) -> list[str] | None:
    """The names of a module's parameters when they are all its own (none in a submodule)."""
    names = [name for name, _ in instance.named_parameters()]
    return names if all("." not in name for name in names) else None


def _parameter_names(cls: type, kwargs: dict[str, Any]) -> dict[str, list[str]]:
    """``param_names`` of an instance built with ``kwargs``, and ``param_names_no_bias`` of
    one built with ``bias=False`` too, where the class takes that argument and it changes them."""
    out: dict[str, list[str]] = {}
    for key, extra in (("param_names", {}), ("param_names_no_bias", {"bias": False})):
        if extra and "bias" not in inspect.signature(cls).parameters:
            continue
        for device in (_meta_device, contextlib.nullcontext):
            try:
                with device():
                    instance = cls(**kwargs, **extra)
            except Exception:
                continue
            names = _own_parameter_names(instance)
            if names is not None and names:
                out[key] = names
            break
    if out.get("param_names_no_bias") == out.get("param_names"):
        out.pop("param_names_no_bias", None)
    if "param_names" in out:
        changing = _arguments_changing_names(cls, kwargs, out["param_names"])
        if changing is None:
            return {}
        if changing:
            out["param_names_args"] = changing
    return out


def _arguments_changing_names(cls: type, kwargs: dict[str, Any], names: list[str]) -> dict[str, int] | None:
    """Constructor arguments (other than ``bias``) whose value changes the parameter names,
    with their positions: an importer passing one cannot know the names. None when the
    signature hides its arguments (``*args``)."""
    params = [p for p in inspect.signature(cls).parameters.values() if p.name != "self"]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    changing: dict[str, int] = {}
    for index, param in enumerate(params):
        default = kwargs.get(param.name, param.default)
        if param.name == "bias" or not isinstance(default, int):  # bool is an int too
            continue
        other = (not default) if isinstance(default, bool) else default + 1
        for device in (_meta_device, contextlib.nullcontext):
            try:
                with device():
                    instance = cls(**{**kwargs, param.name: other})
            except Exception:
                continue
            if [name for name, _ in instance.named_parameters()] != names:
                changing[param.name] = index
            break
    return changing


def nn_modules() -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Public ``torch.nn`` Module classes -> {"params": bool, "kind": module|loss|container,
    "param_names": [...] (when every parameter is the module's own), "param_names_no_bias"}."""
    import torch
    from torch.nn.modules.loss import _Loss

    out: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for name in dir(torch.nn):
        cls = getattr(torch.nn, name)
        if name.startswith("_") or not isinstance(cls, type) or not issubclass(cls, torch.nn.Module):
            continue
        if name in CONTAINERS:
            kind = "container"
        elif issubclass(cls, _Loss):
            kind = "loss"
        else:
            kind = "module"
        params: bool | None = None
        names: dict[str, list[str]] = {}
        if kind == "container" or cls is torch.nn.Module:
            params = False  # the brief: params of an empty / base instance
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                inner = torch.nn.Identity()
                kwargs = _init_kwargs(cls, inner)
                attempts = [kwargs, GENERIC_KWARGS] if kwargs is not None else [GENERIC_KWARGS]
                for kw in attempts:
                    for device in (_meta_device, contextlib.nullcontext):
                        try:
                            with device():
                                instance = cls(**kw)
                        except Exception:
                            continue
                        params = any(True for _ in instance.parameters())
                        if params:
                            names = _parameter_names(cls, kw)
                        break
                    if params is not None:
                        break
            if params is None:
                params = _source_registers_params(cls)
                errors.append(f"nn.{name}: not instantiable, params from source = {params}")
        out[name] = {"params": params, "kind": kind, **names}
    return out, errors


def optimizers() -> list[str]:
    """Public ``torch.optim`` classes that subclass Optimizer (Optimizer itself included)."""
    import torch

    return sorted(
        name
        for name in dir(torch.optim)
        if not name.startswith("_")
        and isinstance(getattr(torch.optim, name), type)
        and issubclass(getattr(torch.optim, name), torch.optim.Optimizer)
    )


def grad_contexts() -> dict[str, bool | str]:
    """Grad-mode context managers -> grad enabled inside (or "arg": given by the argument)."""
    import torch

    out: dict[str, bool | str] = {}
    for name in GRAD_CONTEXT_CANDIDATES:
        cls = getattr(torch, name)
        states: set[bool] = set()
        try:
            for start in (True, False):
                with torch.set_grad_enabled(start), cls():
                    states.add(torch.is_grad_enabled())
        except TypeError:  # a required argument decides: set_grad_enabled(mode)
            for mode in (True, False):
                with cls(mode):
                    states.add(torch.is_grad_enabled())
            out[name] = "arg" if states == {True, False} else states.pop()
            continue
        out[name] = states.pop() if len(states) == 1 else "arg"
    return out


def loss_functions(nn_table: dict[str, dict[str, Any]]) -> list[str]:
    """torch.nn.functional losses: names ending in ``_loss`` and those loss modules call."""
    import torch
    import torch.nn.functional as F

    names = {n for n in dir(F) if n.endswith("_loss") and callable(getattr(F, n))}
    for cls_name, info in nn_table.items():
        if info["kind"] != "loss":
            continue
        try:
            text = inspect.getsource(getattr(torch.nn, cls_name).forward)
        except (OSError, TypeError):
            continue
        for called in re.findall(r"\bF\.(\w+)\(", text):
            if callable(getattr(F, called, None)):
                names.add(called)
    return sorted(names)


# --------------------------------------------------------------------------- assembly


def build_table() -> tuple[dict[str, Any], list[str]]:
    """The whole table, plus notes about entries that could not be derived."""
    import torch

    torch.manual_seed(0)
    src = load_sources()
    ns = Namespaces()
    notes: list[str] = []

    fac, mixed, errs = factories(src, ns)
    notes += errs
    like, errs = like_factories(src, ns)
    notes += errs
    inplace, detach = inplace_methods(src, ns)
    view_names, maybe_views, identity, errs = views(src, ns)
    notes += errs
    kinds, canonical = dtype_tables()
    nn_table, errs = nn_modules()
    notes += errs

    static_inputs, static_result, first_diff = autograd_facts(src, ns)
    overloads: dict[str, list[Any]] = defaultdict(list)
    for fn in src.natives:
        if fn.func.kind().name == "functional" and not fn.func.is_mutable:
            for name in public_names(fn, ns):
                overloads[name].append(fn)
    observed = probe(probe_candidates(src, ns), ns, overloads)
    creators = set(fac) | set(like) | set(mixed)
    declared, irregular = tuple_schemas(src, ns)
    multi, errs = multi_outputs(declared, irregular, observed)
    notes += errs

    # In-place spellings (F.elu_, threshold_) are the engine's in-place path, not op results.
    saves_inputs = {n for n in static_inputs if not n.endswith("_")}
    saves_result = {n for n in static_result if not n.endswith("_")}
    # A probe that broke backward is direct evidence, so it adds to the yaml-derived sets
    # (composites like softmax, linear, cross_entropy have no derivatives.yaml entry).
    for name, obs in observed.items():
        if obs.saves_input:
            saves_inputs.add(name)
        if obs.saves_result:
            saves_result.add(name)

    nondiff: set[str] = set()
    nondiff_float: set[str] = set()
    for name in sorted(set(observed) | set(first_diff)):
        if name in creators or name in ("detach", "clone"):
            continue
        obs = observed.get(name, Observation())
        if name in first_diff and any(first_diff[name]):
            continue  # an overload has a derivative formula for its first output (where(c, x, y))
        static_says = name in first_diff
        if obs.calls:
            if obs.first_requires_grad != {False}:
                continue  # some call produced a result that requires grad
            if obs.first_kinds <= set(INTEGRAL_KINDS):
                nondiff.add(name)
            elif static_says:
                nondiff_float.add(name)
        elif static_says:
            # Not callable with the probe inputs: the dtype is unknown, so only claim "never
            # requires grad", not "integer".
            nondiff_float.add(name)
            notes.append(f"nondifferentiable {name}: from derivatives.yaml only")

    table: dict[str, Any] = {
        "torch_version": torch.__version__.split("+")[0],
        "factories": fac,
        "mixed_factories": mixed,
        "aliasing_factories": [n for n in ALIASING_FACTORIES if n in fac],
        "like_factories": like,
        "new_factories": new_factories(),
        "tensor_constructors": tensor_constructors(),
        "inplace_methods": inplace,
        "detach_inplace": detach,
        "view_methods": view_names,
        "maybe_view_methods": maybe_views,
        "identity_methods": identity,
        "nondifferentiable": nondiff,
        "nondifferentiable_float": nondiff_float,
        "multi_outputs": multi,
        "saves_result": saves_result,
        "saves_inputs": saves_inputs,
        "dtypes": kinds,
        "dtype_canonical": canonical,
        "dtype_methods": dtype_methods(),
        "nn_modules": nn_table,
        "optimizers": optimizers(),
        "functional_modules": ["torch.nn.functional"],
        "grad_contexts": grad_contexts(),
        "loss_functions": loss_functions(nn_table),
    }
    return _sorted(table), notes


def _sorted(value: Any) -> Any:
    """Sets and lists become sorted lists; dicts are sorted by json.dumps(sort_keys).

    Tuples hold positions (the outputs of a multi-output op) and keep their order.
    """
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_sorted(v) for v in value]
    if isinstance(value, (set, frozenset, list)):
        return sorted(_sorted(v) for v in value)
    return value


def render(table: dict[str, Any]) -> str:
    """The exact file text: sorted keys, indent=1, trailing newline."""
    return json.dumps(table, sort_keys=True, indent=1, ensure_ascii=True) + "\n"


def diff_summary(old: str, new: str, limit: int = 40) -> str:
    """A short unified diff between the checked-in and the regenerated table."""
    lines = list(
        difflib.unified_diff(old.splitlines(), new.splitlines(), "checked-in", "generated", lineterm="", n=0)
    )
    shown = lines[:limit]
    more = len(lines) - len(shown)
    return "\n".join(shown) + (f"\n... {more} more diff lines" if more > 0 else "")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: write the table, or with --check compare it to the file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON table goes")
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs from a regeneration")
    parser.add_argument("--verbose", action="store_true", help="print derivation notes and list sizes")
    opts = parser.parse_args(argv)

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    table, notes = build_table()
    text = render(table)
    if opts.verbose:
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        for key, value in table.items():
            if isinstance(value, (list, dict)):
                print(f"{key}: {len(value)}", file=sys.stderr)
    if opts.check:
        try:
            old = opts.out.read_text(encoding="utf-8")
        except OSError as exc:
            print(
                f"{opts.out}: cannot read ({exc}); regenerate with scripts/gen_torch_api.py", file=sys.stderr
            )
            return 1
        if old != text:
            print(f"{opts.out} is stale; regenerate with scripts/gen_torch_api.py", file=sys.stderr)
            print(diff_summary(old, text), file=sys.stderr)
            return 1
        print(f"{opts.out} is up to date")
        return 0
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(text, encoding="utf-8")
    print(f"wrote {opts.out} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
