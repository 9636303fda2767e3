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
from dataclasses import dataclass, field
from typing import TypeVar

from ..digests import text_hash
from .graph import Node, Obj
from .values import UNKNOWN, LazyName, Value

T = TypeVar("T")

__all__ = ["MISSING", "Dependency", "Entry", "ForeignCache", "clone", "text_hash"]

#: A module the interpretation of another one imported: (module, level, importer path),
#: and the hash of the text it resolved to (:data:`MISSING` when it resolved to nothing).
Dependency = tuple[tuple[str, int, str], str]
MISSING = ""


@dataclass(frozen=True)
class Entry:
    """One module's interpreted definitions; ``scope`` is only ever read through :func:`clone`."""

    scope: object
    dependencies: tuple[Dependency, ...]
    #: What its lazy imports (:class:`LazyName`) brought in since, as they were first read:
    #: the entry holds their values, so it is only valid while they are.
    later: list[Dependency] = field(default_factory=list)


class ForeignCache:
    """Interpreted modules by (path, text hash, depth, resolver root); bounded, thread-safe."""

    def __init__(self, size: int = 64) -> None:
        self._entries: OrderedDict[tuple[str, str, int, str], Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size
        #: Entries dropped so far: a dropped module's values are cycles (scopes and their
        #: interpreter), freed only by a full collection (see ``engine.analyze``).
        self.evicted = 0

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
        if not all(still_resolves(dependency) for dependency in (*entry.dependencies, *entry.later)):
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
                self.evicted += 1

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


def clone(root: T, scope_type: type, note: Callable[[tuple[Dependency, ...]], None] | None = None) -> T:
    """This analysis' own copy of the abstract values reachable from ``root``, made as reached.

    Values, storage identities (:class:`Obj`), graph nodes and scopes (instances of
    ``scope_type``) are copied, sharing preserved (two names bound to one tensor stay bound
    to one copy). Syntax trees, strings and other immutable data are shared, as is the
    ``UNKNOWN`` singleton. A scope's variables are copied one by one when first read
    (:class:`LazyVars`): an importer uses a few names of a module, whose functions reach the
    whole module through their globals. A variable the kept module imports lazily
    (:class:`LazyName`) is interpreted when first read, and ``note`` gets the modules that
    reading it made this analysis depend on.
    """
    copied: T = Copier(scope_type, note).copy(root)  # type: ignore[assignment]
    return copied


class Copier:
    """Copies the values of kept modules into one analysis; one memo keeps sharing intact."""

    __slots__ = ("memo", "kinds", "scope_type", "note")

    def __init__(
        self, scope_type: type, note: Callable[[tuple[Dependency, ...]], None] | None = None
    ) -> None:
        # Keyed by id(): the originals stay alive as long as the copies' LazyVars hold them.
        self.memo: dict[int, object] = {}
        self.kinds = (Value, Obj, Node, scope_type)
        self.scope_type = scope_type
        self.note = note

    def copy(self, value: object) -> object:
        """The copy of ``value`` in this analysis (the same copy each time it is reached)."""
        if value is None or value is UNKNOWN or isinstance(value, (str, int, float, bytes, ast.AST)):
            return value
        memo = self.memo
        key = id(value)
        if key in memo:
            return memo[key]
        copy = self.copy
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
            items = [copy(item) for item in value]
            # A named tuple (a reason step) stays one.
            result = tuple(items) if type(value) is tuple else type(value)._make(items)  # type: ignore[attr-defined]
            memo[key] = result
            return result
        if not isinstance(value, self.kinds):
            return value
        duplicate = object.__new__(type(value))
        memo[key] = duplicate
        scope = isinstance(value, self.scope_type)
        for name in _slots(type(value)):
            if hasattr(value, name):
                original = getattr(value, name)
                if scope and name == "vars":
                    object.__setattr__(duplicate, name, LazyVars(original, self))
                else:
                    object.__setattr__(duplicate, name, copy(original))
        state = getattr(value, "__dict__", None)
        if state is not None:
            for name, item in state.items():
                duplicate.__dict__[name] = copy(item)
        return duplicate


_MISSING = object()


class LazyVars(dict):
    """A copied scope's variables: each is copied from the kept scope's when first read.

    Reads, writes and deletions behave as on a plain dict holding every copied variable;
    iterating (or anything that sees them all) copies the rest first.
    """

    __slots__ = ("_source", "_copier", "_gone")

    def __init__(self, source: dict[str, object], copier: Copier) -> None:
        super().__init__()
        self._source = source
        self._copier = copier
        self._gone: set[str] = set()

    def _fetch(self, name: object) -> object:
        value = dict.get(self, name, _MISSING)
        if value is not _MISSING:
            return value
        source = self._source
        if name in self._gone or name not in source:
            return _MISSING
        original = source[name]
        if original.__class__ is LazyName:
            original, dependencies = original.resolve()
            if self._copier.note is not None:
                self._copier.note(dependencies)
        value = self._copier.copy(original)
        dict.__setitem__(self, name, value)
        return value

    def _everything(self) -> None:
        for name in list(self._source):
            self._fetch(name)

    def get(self, name: object, default: object = None) -> object:
        value = self._fetch(name)
        return default if value is _MISSING else value

    def __getitem__(self, name: object) -> object:
        value = self._fetch(name)
        if value is _MISSING:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, name) or (name not in self._gone and name in self._source)

    def __setitem__(self, name: object, value: object) -> None:
        self._gone.discard(name)
        dict.__setitem__(self, name, value)

    def __delitem__(self, name: object) -> None:
        self[name]  # noqa: B018 - raises KeyError when absent, as a dict does
        dict.__delitem__(self, name)
        self._gone.add(name)  # type: ignore[arg-type]

    def pop(self, name: object, *default: object) -> object:
        if name in self:
            value = self[name]
            del self[name]
            return value
        if default:
            return default[0]
        raise KeyError(name)

    def setdefault(self, name: object, default: object = None) -> object:
        value = self._fetch(name)
        if value is _MISSING:
            self[name] = default
            return default
        return value

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._everything()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._everything()
        return dict.__len__(self)

    def keys(self):  # type: ignore[no-untyped-def]
        self._everything()
        return dict.keys(self)

    def values(self):  # type: ignore[no-untyped-def]
        self._everything()
        return dict.values(self)

    def items(self):  # type: ignore[no-untyped-def]
        self._everything()
        return dict.items(self)

    def copy(self) -> dict[object, object]:
        self._everything()
        return dict(dict.items(self))

    def __eq__(self, other: object) -> bool:
        self._everything()
        return dict.__eq__(self, other)

    __hash__ = None

    def __repr__(self) -> str:
        self._everything()
        return dict.__repr__(self)


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
