"""What leaf-lsp knows about torch's API, loaded from the generated ``data/torch_api.json``.

The table is produced from the installed torch by ``scripts/gen_torch_api.py`` (see
docs/torch-api.md); this module only reads it, so the language server never imports
torch. :func:`load` parses the file once per process and returns a frozen
:class:`TorchApi`. A missing or malformed table gives an empty ``TorchApi`` whose
``problems`` say why, instead of an exception: the engine then simply knows less.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# A plain path next to this module rather than importlib.resources: the package is always
# installed as files (editable, wheel or the VS Code bundle), and importing
# importlib.resources alone costs more than parsing the table.
_DATA_FILE = os.path.join("data", "torch_api.json")

_EMPTY: Mapping[str, Any] = MappingProxyType({})

# Keys holding a list of names (a frozenset here), and keys holding name -> string maps.
_SET_KEYS = (
    "aliasing_factories",
    "new_factories",
    "inplace_methods",
    "detach_inplace",
    "view_methods",
    "maybe_view_methods",
    "identity_methods",
    "nondifferentiable",
    "nondifferentiable_float",
    "saves_result",
    "saves_inputs",
    "optimizers",
    "functional_modules",
    "loss_functions",
)
_STR_MAP_KEYS = (
    "factories",
    "mixed_factories",
    "like_factories",
    "tensor_constructors",
    "dtypes",
    "dtype_canonical",
    "dtype_methods",
)


@dataclass(frozen=True)
class OutputInfo:
    """One tensor in the tuple a multi-output op returns (``values, indices = x.max(1)``).

    ``name``: the namedtuple field (``"indices"``), None when the tuple is plain or its
    forms disagree; ``kind``: dtype kind for float inputs (``"float"``, ``"int"``,
    ``"bool"``, ``"complex"``), None when no probe call returned the tuple;
    ``differentiable``: the output requires grad when the input does.
    """

    name: str | None
    kind: str | None
    differentiable: bool


@dataclass(frozen=True, eq=False)
class TorchApi:
    """The torch API table; field meanings are documented in docs/torch-api.md."""

    torch_version: str = ""
    factories: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    mixed_factories: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    aliasing_factories: frozenset[str] = frozenset()
    like_factories: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    new_factories: frozenset[str] = frozenset()
    tensor_constructors: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    inplace_methods: frozenset[str] = frozenset()
    detach_inplace: frozenset[str] = frozenset()
    view_methods: frozenset[str] = frozenset()
    maybe_view_methods: frozenset[str] = frozenset()
    identity_methods: frozenset[str] = frozenset()
    nondifferentiable: frozenset[str] = frozenset()
    nondifferentiable_float: frozenset[str] = frozenset()
    multi_outputs: Mapping[str, tuple[OutputInfo, ...]] = field(default_factory=lambda: _EMPTY)
    saves_result: frozenset[str] = frozenset()
    saves_inputs: frozenset[str] = frozenset()
    dtypes: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    dtype_canonical: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    dtype_methods: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    nn_modules: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)
    optimizers: frozenset[str] = frozenset()
    functional_modules: frozenset[str] = frozenset()
    grad_contexts: Mapping[str, bool | str] = field(default_factory=lambda: _EMPTY)
    loss_functions: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()

    def is_inplace(self, name: str) -> bool:
        """Whether ``Tensor.<name>`` mutates its receiver's data (``add_``, ``__iadd__``...).

        ``detach_`` is not counted: it only cuts the graph (see ``detach_inplace``).
        """
        return name in self.inplace_methods

    def dtype_kind(self, name: str) -> str | None:
        """Kind of a dtype spelled ``float32`` / ``torch.long`` / ``"int64"``: float, int,
        bool, complex, quantized or bits; None when it is not a torch dtype name."""
        if not isinstance(name, str):
            return None
        return self.dtypes.get(name.removeprefix("torch."))

    def canonical_dtype(self, name: str) -> str | None:
        """The canonical dtype name for an alias (``long`` -> ``int64``), or None."""
        if not isinstance(name, str):
            return None
        return self.dtype_canonical.get(name.removeprefix("torch."))

    def is_view(self, name: str) -> bool:
        """Whether the op's result always aliases its input (``view``, ``transpose``, ``T``)."""
        return name in self.view_methods


def from_mapping(data: object) -> TorchApi:
    """Build a :class:`TorchApi` from parsed JSON, skipping (and reporting) bad entries."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        return TorchApi(problems=(f"table is a {type(data).__name__}, not an object",))
    values: dict[str, Any] = {}
    for key in _SET_KEYS:
        values[key] = _names(data, key, problems)
    for key in _STR_MAP_KEYS:
        values[key] = _str_map(data, key, problems)
    values["grad_contexts"] = _grad_contexts(data, problems)
    values["nn_modules"] = _nn_modules(data, problems)
    values["multi_outputs"] = _multi_outputs(data, problems)
    version = data.get("torch_version", "")
    values["torch_version"] = version if isinstance(version, str) else ""
    return TorchApi(problems=tuple(problems), **values)


def _names(data: Mapping[str, Any], key: str, problems: list[str]) -> frozenset[str]:
    raw = data.get(key)
    if raw is None:
        problems.append(f"missing key {key!r}")
        return frozenset()
    if not isinstance(raw, list):
        problems.append(f"{key!r} is not a list")
        return frozenset()
    good = frozenset(item for item in raw if isinstance(item, str))
    if len(good) != len(raw):
        problems.append(f"{key!r} has non-string entries")
    return good


def _str_map(data: Mapping[str, Any], key: str, problems: list[str]) -> Mapping[str, str]:
    raw = data.get(key)
    if raw is None:
        problems.append(f"missing key {key!r}")
        return _EMPTY
    if not isinstance(raw, Mapping):
        problems.append(f"{key!r} is not an object")
        return _EMPTY
    good = {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
    if len(good) != len(raw):
        problems.append(f"{key!r} has non-string entries")
    return MappingProxyType(good)


def _grad_contexts(data: Mapping[str, Any], problems: list[str]) -> Mapping[str, bool | str]:
    raw = data.get("grad_contexts")
    if not isinstance(raw, Mapping):
        problems.append("'grad_contexts' is missing or not an object")
        return _EMPTY
    good = {k: v for k, v in raw.items() if isinstance(k, str) and (isinstance(v, bool) or v == "arg")}
    if len(good) != len(raw):
        problems.append("'grad_contexts' has entries that are neither a bool nor \"arg\"")
    return MappingProxyType(good)


def _nn_modules(data: Mapping[str, Any], problems: list[str]) -> Mapping[str, Mapping[str, Any]]:
    raw = data.get("nn_modules")
    if not isinstance(raw, Mapping):
        problems.append("'nn_modules' is missing or not an object")
        return _EMPTY
    good: dict[str, Mapping[str, Any]] = {}
    for name, info in raw.items():
        if (
            isinstance(name, str)
            and isinstance(info, Mapping)
            and isinstance(info.get("params"), bool)
            and isinstance(info.get("kind"), str)
        ):
            good[name] = MappingProxyType(dict(info))
    if len(good) != len(raw):
        problems.append("'nn_modules' has malformed entries")
    return MappingProxyType(good)


def _multi_outputs(data: Mapping[str, Any], problems: list[str]) -> Mapping[str, tuple[OutputInfo, ...]]:
    raw = data.get("multi_outputs")
    if raw is None:
        problems.append("missing key 'multi_outputs'")
        return _EMPTY
    if not isinstance(raw, Mapping):
        problems.append("'multi_outputs' is not an object")
        return _EMPTY
    good: dict[str, tuple[OutputInfo, ...]] = {}
    bad: list[str] = []
    for name, entry in raw.items():
        outputs = _outputs(entry) if isinstance(name, str) else None
        if outputs is None:
            bad.append(repr(name))
        else:
            good[name] = outputs
    if bad:
        shown = ", ".join(sorted(bad)[:10]) + (", ..." if len(bad) > 10 else "")
        problems.append(f"'multi_outputs' has malformed entries: {shown}")
    return MappingProxyType(good)


def _outputs(entry: object) -> tuple[OutputInfo, ...] | None:
    """An entry's outputs, or None unless it is {"outputs": [two or more valid outputs]}."""
    if not isinstance(entry, Mapping):
        return None
    raw = entry.get("outputs")
    if not isinstance(raw, list) or len(raw) < 2:
        return None
    outputs: list[OutputInfo] = []
    for item in raw:
        if not isinstance(item, Mapping):
            return None
        name, kind, differentiable = item.get("name"), item.get("kind"), item.get("differentiable")
        if not (
            (name is None or isinstance(name, str))
            and (kind is None or isinstance(kind, str))
            and isinstance(differentiable, bool)
        ):
            return None
        outputs.append(OutputInfo(name=name, kind=kind, differentiable=differentiable))
    return tuple(outputs)


def parse(text: str) -> TorchApi:
    """Build a :class:`TorchApi` from the table's JSON text (never raises)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return TorchApi(problems=(f"table is not valid JSON: {exc}",))
    return from_mapping(data)


@functools.lru_cache(maxsize=1)
def load() -> TorchApi:
    """The packaged table, parsed on first use and shared afterwards (never raises)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), _DATA_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        return TorchApi(problems=(f"cannot read {path}: {exc}",))
    return parse(text)
