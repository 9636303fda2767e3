"""Other modules' definitions, interpreted once and never changed by the files that import them.

When a file imports one of the user's own modules, the interpreter runs that module's
definitions (imports, functions, classes, assignments) into a scope of abstract values.
Doing that for every importing file is slow, so the result is kept for the process, keyed
by the module's path and text. But abstract values are mutable (freezing a module,
an in-place update on a tensor), so an importing analysis never sees the kept scope itself:
it gets a private deep copy (:func:`clone`). Whatever one file does to another module's
values therefore stays in that file's analysis, and a file's answer does not depend on
which files were analysed before it.

An entry also remembers the modules its own interpretation imported (with their text
hashes), and is only reused while each of them still resolves to the same text.
"""

from __future__ import annotations

import ast
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ..digests import text_hash
from .graph import Node, Obj
from .values import UNKNOWN, Value

T = TypeVar("T")

__all__ = ["Dependency", "Entry", "ForeignCache", "clone", "text_hash"]

#: A module the interpretation of another one imported: (module, level, importer path),
#: and the hash of the text it resolved to.
Dependency = tuple[tuple[str, int, str], str]


@dataclass(frozen=True)
class Entry:
    """One module's interpreted definitions; ``scope`` is only ever read through :func:`clone`."""

    scope: object
    dependencies: tuple[Dependency, ...]


class ForeignCache:
    """Interpreted modules by (path, text hash, depth, resolver root); bounded, thread-safe."""

    def __init__(self, size: int = 64) -> None:
        self._entries: OrderedDict[tuple[str, str, int, str], Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(
        self, key: tuple[str, str, int, str], still_resolves: Callable[[Dependency], bool]
    ) -> Entry | None:
        """The entry for ``key`` if each of its dependencies still resolves to the same text."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is None:
            return None
        if not all(still_resolves(dependency) for dependency in entry.dependencies):
            with self._lock:
                self._entries.pop(key, None)
            return None
        return entry

    def put(self, key: tuple[str, str, int, str], entry: Entry) -> None:
        """Keep ``entry`` (evicting the least recently used beyond the size limit)."""
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


def clone(root: T, copied: tuple[type, ...]) -> T:
    """A deep copy of the abstract values reachable from ``root``.

    Values, storage identities (:class:`Obj`), graph nodes and the instances of ``copied``
    (the interpreter's scopes) are copied, sharing preserved (two names bound to one tensor
    stay bound to one copy). Syntax trees, strings and other immutable data are shared, as
    is the ``UNKNOWN`` singleton.
    """
    kinds = (Value, Obj, Node, *copied)
    memo: dict[int, object] = {}

    def copy(value: object) -> object:
        if value is None or value is UNKNOWN or isinstance(value, (str, int, float, bytes, ast.AST)):
            return value
        key = id(value)
        if key in memo:
            return memo[key]
        if isinstance(value, list):
            items: list[object] = []
            memo[key] = items
            items.extend(copy(item) for item in value)
            return items
        if isinstance(value, dict):
            table: dict[object, object] = {}
            memo[key] = table
            for name, item in value.items():
                table[name] = copy(item)
            return table
        if isinstance(value, tuple):
            result = tuple(copy(item) for item in value)
            memo[key] = result
            return result
        if not isinstance(value, kinds):
            return value
        duplicate = object.__new__(type(value))
        memo[key] = duplicate
        for name in _slots(type(value)):
            if hasattr(value, name):
                object.__setattr__(duplicate, name, copy(getattr(value, name)))
        state = getattr(value, "__dict__", None)
        if state is not None:
            for name, item in state.items():
                duplicate.__dict__[name] = copy(item)
        return duplicate

    result: T = copy(root)  # type: ignore[assignment]
    return result


_SLOTS: dict[type, tuple[str, ...]] = {}


def _slots(cls: type) -> tuple[str, ...]:
    # Asked for every copied object: walking the class's MRO each time was most of a copy.
    known = _SLOTS.get(cls)
    if known is not None:
        return known
    names: list[str] = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names.extend((slots,) if isinstance(slots, str) else slots)
    known = _SLOTS[cls] = tuple(name for name in names if name not in ("__dict__", "__weakref__"))
    return known
