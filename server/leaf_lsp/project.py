"""Cross-file resolution of the user's own modules, for the adapters to hand to the engine.

The engine is pure; it asks ``settings.resolver.resolve(module, level, from_path)`` for the
path and text of a user module it sees imported. :class:`JediResolver` answers from the
file layout (the only answer for a relative import), then for absolute names with jedi's
import resolution (it never infers into torch: only ``import`` statements of non-library
modules are resolved), restricted to files inside the project root, and caches answers per
file version (path, mtime, size). Open editor buffers override the disk through ``overlay``.
Only regular files up to :data:`MAX_BYTES` are read (see :mod:`leaf_lsp.safefile`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .digests import bytes_hash, text_hash
from .realpaths import RealPaths
from .safefile import is_regular_file, read_bytes, read_text

MAX_BYTES = 2_000_000
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))


class ProjectResolver(Protocol):
    """What the engine needs to follow imports of the user's own modules."""

    def resolve(self, module: str, level: int, from_path: str) -> tuple[str, str] | None:
        """The (path, source) of ``module`` imported from ``from_path``, if it is the user's."""
        ...


class JediResolver:
    """Resolves user imports with jedi, within ``root``; thread-safe, cached."""

    def __init__(self, root: str | os.PathLike[str], overlay: dict[str, str] | None = None) -> None:
        self.root = Path(root).resolve()
        self.overlay = overlay if overlay is not None else {}
        #: :meth:`resolution_key` -> path.
        self._paths: dict[tuple[str, str, str], str | None] = {}
        self._texts: dict[str, tuple[tuple[float, int], str]] = {}
        self._lock = threading.Lock()
        self._project = None
        #: jedi's answers by absolute module name: where it looks does not depend on the
        #: importing file's folder once the file layout (tried first) found nothing.
        self._jedi: dict[str, str | None] = {}
        self._root = str(self.root)
        self._folders: dict[str, str] = {}
        self._import_roots: dict[str, str] = {}
        #: What the file layout held when last asked: the same candidates are looked at
        #: for thousands of imports (forgotten with the rest on :meth:`invalidate`).
        self._layout: dict[str, bool] = {}
        self._real = RealPaths()
        self._root_memo: dict[str, str] = {}

    def invalidate(self, path: str | None = None) -> None:
        """Forget cached answers (all, or those involving ``path``)."""
        with self._lock:
            # Folders may have become packages (or stopped being ones).
            self._import_roots.clear()
            self._layout.clear()
            self._real = RealPaths()
            self._root_memo.clear()
            if path is None:
                self._paths.clear()
                self._texts.clear()
                self._jedi.clear()
                self._folders.clear()
                return
            resolved = str(Path(path).resolve())
            self._texts.pop(resolved, None)
            # A new or moved file can change what jedi finds for any absolute name.
            self._jedi.clear()
            for key, value in list(self._paths.items()):
                if value == resolved:
                    del self._paths[key]

    def resolution_key(self, module: str, level: int, from_path: str) -> tuple[str, str, str]:
        """What :meth:`resolve`'s answer depends on: the same for all importers with the same key.

        For an absolute import the importing file's real folder and ``module``; for a
        relative one the folder it starts from, ``module`` and the import root.
        """
        directory = self._folder(from_path)
        if level:
            # A relative import names the same file from every folder below its base (the
            # hundreds of `from ...modeling_utils import` of a package): answered once.
            for _ in range(level - 1):
                directory = os.path.dirname(directory)
            return (directory, module, self._import_root(from_path))
        return (directory, module, "")

    def resolve(self, module: str, level: int, from_path: str) -> tuple[str, str] | None:
        path = self.locate(module, level, from_path)
        if path is None:
            return None
        text = self._read(path)
        return None if text is None else (path, text)

    def digest_of(self, path: str) -> str | None:
        """The digest (``text_hash``) of the text :meth:`resolve` would give for ``path``, if
        it would read the file; that of a file that is not valid UTF-8 matches no text's. A
        file is hashed from its bytes: never decoded."""
        if path in self.overlay:
            text = self._read(path)
            return None if text is None else text_hash(text)
        data = read_bytes(path, MAX_BYTES)
        # A valid UTF-8 file's text encodes back to its bytes (how read_text decodes it).
        return None if data is None else bytes_hash(data)

    def locate(self, module: str, level: int, from_path: str) -> str | None:
        """The path :meth:`resolve` reads for ``module`` (not read here)."""
        key = self.resolution_key(module, level, from_path)
        with self._lock:
            cached = key in self._paths
            path = self._paths.get(key)
        if not cached:
            path = self._locate(module, level, from_path)
            with self._lock:
                self._paths[key] = path
        return path

    def _folder(self, from_path: str) -> str:
        """The real folder of ``from_path`` (asked for every import of every file: kept)."""
        folder = self._folders.get(from_path)
        if folder is None:
            folder = self._folders[from_path] = os.path.dirname(self._realpath(from_path))
        return folder

    def _realpath(self, path: str) -> str:
        """The real path of ``path`` (a package's thousands of files and imports lie in a few
        hundred folders: each is resolved once)."""
        return str(self._real.of(Path(path)))

    def _import_root(self, from_path: str) -> str:
        folder = self._folder(from_path)
        top = self._import_roots.get(folder)
        if top is None:
            top = self._import_roots[folder] = _import_root_of(folder, self._root_memo)
        return top

    def _locate(self, module: str, level: int, from_path: str) -> str | None:
        path = self._by_filesystem(module, level, from_path)
        if path is None and not level:
            # A relative import names a file next to this one or nothing: only absolute
            # names can live elsewhere on the path (an editable install, a src layout).
            path = self._by_jedi(module, from_path)
        return None if path is None else self._accept(path, from_path)

    def resolves_by_layout(
        self, module: str, level: int, from_path: str, listing: FolderListing | None = None
    ) -> bool:
        """Whether the file layout alone (no jedi) now finds a readable project module
        ``module``: what tells that an import which resolved to nothing would now resolve.

        The disk is looked at afresh, or through ``listing`` (folders listed once, for a
        run that asks thousands of times and during which files do not change)."""
        path = self._by_filesystem(module, level, from_path, listing.is_file if listing else os.path.isfile)
        accepted = None if path is None else self._accept(path, from_path)
        return accepted is not None and self._read(accepted) is not None

    def _accept(self, path: str, from_path: str) -> str | None:
        """``path`` made real, if it is a regular file of the project (not an installed one)."""
        resolved = self._realpath(path)
        if "site-packages" in resolved.split(os.sep):
            return None
        if not (_within(resolved, self._root) or _within(resolved, self._import_root(from_path))):
            return None
        if not is_regular_file(resolved):  # a FIFO or device named like a module
            return None
        return resolved

    def _by_filesystem(
        self, module: str, level: int, from_path: str, is_file: Callable[[str], bool] | None = None
    ) -> str | None:
        """Plain package layout first: cheap and exact for most projects (``is_file``: how to
        look at the disk afresh, rather than at what it held when last asked)."""
        if not module:
            return None
        base = self._folder(from_path)
        for _ in range(max(0, level - 1)):
            base = os.path.dirname(base)
        # An absolute import of the file's own package resolves from the top of its package
        # tree, wherever the command runs from.
        candidates = (
            [base]
            if level
            else [base, self._import_root(from_path), self._root, os.path.join(self._root, "src")]
        )
        relative = os.path.join(*module.split("."))
        for start in candidates:
            target = os.path.join(start, relative)
            for option in (target + ".py", os.path.join(target, "__init__.py")):
                present = None if is_file is not None else self._layout.get(option)
                if present is None:
                    # What the disk holds now is what the next question remembers.
                    present = self._layout[option] = (is_file or os.path.isfile)(option)
                if present:
                    return option
        return None

    def _by_jedi(self, module: str, from_path: str) -> str | None:
        """Where jedi, with the project's environment, finds the absolute module ``module``.

        Never for the standard library (never the user's), and once per name and run: the
        same missing optional dependency is imported by hundreds of files.
        """
        top = module.partition(".")[0]
        if top in _STDLIB:
            return None
        with self._lock:
            if module in self._jedi:
                return self._jedi[module]
            # A package jedi could not find has no submodules it could find.
            if self._jedi.get(top, "") is None:
                return None
        nearby = self._near(top, from_path)
        found = None if not nearby and _not_the_users(top) else self._ask_jedi(module, from_path)
        with self._lock:
            self._jedi[module] = found
        return found

    def _near(self, top: str, from_path: str) -> bool:
        """Whether a module or package ``top`` lies in a folder from the top of ``from_path``'s
        package tree up to the root: jedi looks there too (its "smart" sys.path), the file
        layout does not. Folders inside the package tree do not count: Python never imports
        from them by an absolute name (``import bitsandbytes`` in a package's
        ``quantizers/bitsandbytes/`` folder is the library, not that folder)."""
        folder = self._import_root(from_path)
        while True:
            if os.path.exists(os.path.join(folder, top + ".py")) or os.path.isdir(os.path.join(folder, top)):
                return True
            parent = os.path.dirname(folder)
            if not _within(folder, self._root) or folder == self._root or parent == folder:
                return False
            folder = parent

    def _ask_jedi(self, module: str, from_path: str) -> str | None:
        try:
            import jedi
        except ImportError:
            return None
        statement = f"import {module}"
        try:
            if self._project is None:
                self._project = jedi.Project(str(self.root))
            script = jedi.Script(statement, path=from_path, project=self._project)
            names = script.goto(1, len(statement), follow_imports=True)
        except Exception:  # noqa: BLE001 - jedi failing only loses cross-file facts
            return None
        for name in names:
            if name.module_path is not None:
                return str(name.module_path)
        return None

    def _read(self, path: str) -> str | None:
        if path in self.overlay:
            buffer = self.overlay[path]
            # An open buffer can be any size: the same limit as for the disk.
            return buffer if len(buffer) <= MAX_BYTES else None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        version = (stat.st_mtime, stat.st_size)
        with self._lock:
            cached = self._texts.get(path)
        if cached is not None and cached[0] == version:
            return cached[1]
        text = read_text(path, MAX_BYTES)
        if text is None:
            return None
        with self._lock:
            self._texts[path] = (version, text)
        return text


class FolderListing:
    """Which files folders hold, each folder listed once: ``os.path.isfile`` for thousands of
    paths in a few hundred folders, for a run during which files do not change."""

    def __init__(self) -> None:
        self._folders: dict[str, dict[str, bool]] = {}

    def is_file(self, path: str) -> bool:
        """Whether ``path`` is a file (or a link to one), as ``os.path.isfile`` says."""
        folder, name = os.path.split(path)
        names = self._folders.get(folder)
        if names is None:
            names = self._folders[folder] = _listed(folder)
        return names.get(name, False)


def _listed(folder: str) -> dict[str, bool]:
    """Name -> whether it is a file, for the entries of ``folder`` (none if it cannot be listed)."""
    found: dict[str, bool] = {}
    try:
        with os.scandir(folder or ".") as entries:
            for entry in entries:
                try:
                    found[entry.name] = entry.is_file()
                except OSError:
                    found[entry.name] = False
    except (OSError, ValueError):
        pass
    return found


def _not_the_users(top: str) -> bool:
    """Whether the top-level package ``top`` is surely no user module outside the file layout:
    installed nowhere, or installed as a library (what jedi would find is then refused too).

    Answered by this interpreter's import system (it finds editable installs too), which is
    the environment jedi uses unless another virtual environment is active. Starting jedi
    costs more than the rest of checking a file, and most of what reaches this point is an
    optional dependency (``flash_attn``) that is not installed.
    """
    active = os.environ.get("VIRTUAL_ENV")
    if active and os.path.realpath(active) != os.path.realpath(sys.prefix):
        return False
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError, AttributeError):
        return False
    if spec is None:
        return True
    origin = spec.origin or ""
    return "site-packages" in origin.split(os.sep) or origin in ("built-in", "frozen")


#: Files whose folder is the root of a project, when no package tree says otherwise.
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


def import_root(path: str | os.PathLike[str], memo: dict[str, str] | None = None) -> Path:
    """The folder that absolute imports of ``path``'s package resolve from.

    The parent of the topmost folder, going up from ``path``'s own, that is a package
    (holds ``__init__.py``); ``path``'s folder when that is no package. ``memo`` (folder ->
    answer) lets a run over many files of one tree look at each folder once.
    """
    return Path(_import_root_of(os.path.dirname(os.path.realpath(path)), {} if memo is None else memo))


def _import_root_of(start: str, memo: dict[str, str]) -> str:
    """:func:`import_root` of the files in the real folder ``start``."""
    seen = []
    folder = start
    while folder not in memo:
        seen.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder or not os.path.isfile(os.path.join(folder, "__init__.py")):
            memo[folder] = folder
            break
        folder = parent
    top = memo[folder]
    for item in seen:
        memo[item] = top
    return top


@dataclass
class RootMemo:
    """What :func:`project_root` found, per folder, for a run over many files of one tree."""

    #: Folder -> its import root (see :func:`import_root`).
    import_roots: dict[str, str] = field(default_factory=dict)
    #: Import root -> project root.
    project_roots: dict[str, str] = field(default_factory=dict)


def project_root(path: str | os.PathLike[str], memo: RootMemo | None = None) -> Path:
    """The root of the project holding ``path``, judged from the file's location alone.

    The nearest folder at or above the top of the file's package tree with a
    ``pyproject.toml``, ``setup.cfg``, ``setup.py`` or ``.git``; else the import root.
    """
    memo = RootMemo() if memo is None else memo
    top = import_root(path, memo.import_roots)
    found = memo.project_roots.get(str(top))
    if found is None:
        found = str(top)
        for folder in (top, *top.parents):
            if any(_exists(folder / marker) for marker in PROJECT_MARKERS):
                found = str(folder)
                break
        memo.project_roots[str(top)] = found
    return Path(found)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
