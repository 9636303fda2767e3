"""Import statements: library names become references, the user's own modules are followed
(through ``settings.resolver``) and interpreted once into private copies (:mod:`.foreign`).
"""

# The methods here are typed with `self: Interpreter` (the class that mixes them in), which
# mypy reports as [misc] "erased type of self"; the bodies are still checked against it.
# mypy: disable-error-code="misc"

from __future__ import annotations

import ast
import dataclasses
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from ..parse import SourceText
from .facts import NN, TORCH
from .foreign import MISSING, Dependency, Entry, ForeignCache, clone, text_hash
from .graph import resume_run, start_run
from .result import Inference
from .state import (
    Ctx,
    Scope,
)
from .values import (
    UNKNOWN,
    LazyName,
    RefValue,
    Value,
    foreign_serials,
)

if TYPE_CHECKING:
    from .core import Interpreter


class ImportsMixin:
    """Import statements and the user's modules they bring in (mixed into :class:`~.core.Interpreter`)."""

    def stmt_Import(self: Interpreter, stmt: ast.Import, scope: Scope, ctx: Ctx) -> None:
        importer = self._importer(ctx)
        for alias in stmt.names:
            if alias.asname:
                scope.vars[alias.asname] = self._import_value(alias.name, 0, importer)
                self._note_alias(alias.asname, alias.name)
            else:
                top = alias.name.split(".")[0]
                scope.vars[top] = self._import_value(top, 0, importer)
                self._note_alias(top, top)
            self.result.imported_modules.append(alias.name)

    def stmt_ImportFrom(self: Interpreter, stmt: ast.ImportFrom, scope: Scope, ctx: Ctx) -> None:
        module = stmt.module or ""
        if stmt.level == 0:
            self.result.imported_modules.append(module)
        for alias in stmt.names:
            if alias.name == "*":
                continue
            bound = alias.asname or alias.name
            if stmt.level == 0 and is_library(module):
                qual = f"{module}.{alias.name}"
                scope.vars[bound] = RefValue(qual)
                self._note_alias(bound, qual)
            elif self.cross_depth == 1:
                # A kept module's import: most are never read by any importer.
                scope.vars[bound] = LazyName(_LazyImport(self, module, stmt.level, alias.name))
            else:
                scope.vars[bound] = self._foreign_name(module, stmt.level, alias.name, self._importer(ctx))

    def _importer(self: Interpreter, ctx: Ctx) -> str:
        """The file the running code is from: an import in another module's function, run
        for a call from this file, names modules from that module's place, not this file's."""
        func = ctx.func
        if func is not None and isinstance(func.scope, Scope):
            return func.scope.interp.path
        return self.path

    def _note_alias(self: Interpreter, bound: str, qual: str) -> None:
        if qual == TORCH and self.result.torch_alias is None:
            self.result.torch_alias = bound
        if qual == NN and self.result.nn_alias is None:
            self.result.nn_alias = bound

    def _import_value(self: Interpreter, name: str, level: int, importer: str | None = None) -> Value:
        if is_library(name):
            return RefValue(name)
        scope = self._foreign_scope(name, level, importer)
        if scope is None:
            return UNKNOWN
        return RefValue("<user>." + name)

    def _foreign_name(
        self: Interpreter, module: str, level: int, name: str, importer: str | None = None
    ) -> Value:
        scope = self._foreign_scope(module, level, importer)
        if scope is None:
            return UNKNOWN
        return scope.vars.get(name, UNKNOWN)

    def _foreign_scope(
        self: Interpreter, module: str, level: int, importer: str | None = None
    ) -> Scope | None:
        """The definitions of the user's module ``module`` imported from ``importer`` (this
        file unless named): this analysis' own copy."""
        resolver = self.settings.resolver
        if resolver is None or self.cross_depth >= 2:
            return None
        importer = importer or self.path
        key = self._foreign_key(module, level, importer)
        if key in self._foreign_cache:
            return self._foreign_cache[key]
        self._foreign_cache[key] = None  # guards import cycles
        start = len(self.dependencies)
        try:
            return self._follow(module, level, key, importer)
        finally:
            # What following it made this analysis depend on (a lazy import of it hands
            # them to the analysis that reads it).
            self._foreign_deps[key] = tuple(self.dependencies[start:])

    def _foreign_key(self: Interpreter, module: str, level: int, importer: str) -> str:
        """The name under which this analysis keeps ``module`` imported from ``importer``."""
        return f"{level}:{module}" if importer == self.path else f"{level}:{module}:{importer}"

    def _follow(self: Interpreter, module: str, level: int, key: str, importer: str) -> Scope | None:
        resolver = self.settings.resolver
        assert resolver is not None
        try:
            found = resolver.resolve(module, level, importer)
        except Exception:  # noqa: BLE001 - a resolver failure only loses cross-file facts
            found = None
        if found is None:
            # Remembered too: the answer changes when such a module appears.
            self.dependencies.append(((module, level, importer), MISSING))
            return None
        other_path, other_source = found
        digest = text_hash(other_source)
        self.dependencies.append(((module, level, importer), digest))
        cache_key = (other_path, digest, self.cross_depth + 1, str(getattr(resolver, "root", "")))
        entry = FOREIGN.get(cache_key, self._still_resolves)
        if entry is None:
            entry = self._interpret_foreign(other_path, other_source)
            if entry is None:
                return None
            FOREIGN.put(cache_key, entry)
        self.dependencies.extend(entry.dependencies)
        # Values are mutable: what this file does to them must not reach the kept entry.
        scope = clone(entry.scope, Scope, self.dependencies.extend)
        assert isinstance(scope, Scope)
        self._foreign_cache[key] = scope
        return scope

    def _still_resolves(self: Interpreter, dependency: Dependency) -> bool:
        (module, level, importer), digest = dependency
        resolver = self.settings.resolver
        try:
            found = resolver.resolve(module, level, importer) if resolver is not None else None
        except Exception:  # noqa: BLE001 - treated as changed: the entry is rebuilt
            return False
        if digest == MISSING:
            return found is None
        return found is not None and text_hash(found[1]) == digest

    def _interpret_foreign(self: Interpreter, other_path: str, other_source: str) -> Entry | None:
        # Imported here: the driver imports this module (its interpreter is made of these mixins).
        from .core import Interpreter

        tree = _foreign_tree(other_path, other_source)
        if tree is None:
            return None
        settings = dataclasses.replace(self.settings, parse_cache=None, hints=False)
        other = Interpreter(tree, SourceText(other_source), other_path, settings, self.cross_depth + 1)
        ctx = Ctx(record=False)
        # Only definitions and imports: running another module's script code is not ours to do.
        body: list[ast.stmt] = [
            s
            for s in tree.body
            if isinstance(
                s,
                (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign),
            )
        ]
        # Its graph nodes belong to a run of their own, whichever file imports it first.
        previous = start_run()
        try:
            other.exec_block(body, other.module_scope, ctx)
        finally:
            resume_run(previous)
        # Kept for the process, and reached from its scope only as the home of its code (path,
        # text): what it recorded and cached while running goes.
        other.result = Inference(tree=tree, text=other.text, path=other_path)
        other._call_cache.clear()
        other._hints.clear()
        other._exprs.clear()
        other._prototypes.clear()
        return Entry(other.module_scope, tuple(other.dependencies), other.later_dependencies)


#: Guards what kept modules share between analyses (their lazy imports, their syntax trees):
#: the language server analyses on a thread, and every analysis reads the same kept modules.
_LOCK = threading.RLock()


class _LazyImport:
    """``from module import name`` in a kept module, run when an analysis first reads ``name``.

    The value is kept: every importer reads the same one, as if imported at once. What it
    brought in joins the kept module's dependencies (:attr:`Entry.later`), so the module is
    interpreted afresh once one of them changes; each analysis that reads it is told what it
    depends on.
    """

    __slots__ = ("interp", "module", "level", "name", "value", "dependencies")

    def __init__(self, interp: Interpreter, module: str, level: int, name: str) -> None:
        self.interp = interp
        self.module = module
        self.level = level
        self.name = name
        self.value: Value | None = None
        self.dependencies: tuple[Dependency, ...] = ()

    def __call__(self) -> tuple[Value, tuple[Dependency, ...]]:
        interp = self.interp
        with _LOCK:
            if self.value is None:
                # Interpreted now, mid-way through some analysis: what it makes existed before.
                with foreign_serials():
                    self.value = interp._foreign_name(self.module, self.level, self.name)
                key = interp._foreign_key(self.module, self.level, interp.path)
                self.dependencies = interp._foreign_deps.get(key, ())
                interp.later_dependencies.extend(self.dependencies)
            return self.value, self.dependencies


#: Syntax trees of other modules by (path, text hash): a module imported both by the checked
#: file and by one of its imports is interpreted at two depths, from one parse.
_TREES: OrderedDict[tuple[str, str], ast.Module | None] = OrderedDict()
_TREES_KEPT = 32


def _foreign_tree(path: str, source: str) -> ast.Module | None:
    from ..parse import parse

    key = (path, text_hash(source))
    with _LOCK:
        if key in _TREES:
            _TREES.move_to_end(key)
            return _TREES[key]
    tree, _ = parse(source, path)
    with _LOCK:
        _TREES[key] = tree
        while len(_TREES) > _TREES_KEPT:
            _TREES.popitem(last=False)
    return tree


def is_library(module: str) -> bool:
    top = module.split(".")[0]
    return top in LIBRARIES


LIBRARIES = frozenset(
    {
        "torch",
        "numpy",
        "math",
        "os",
        "sys",
        "typing",
        "collections",
        "functools",
        "itertools",
        "dataclasses",
        "warnings",
        "random",
        "time",
        "json",
        "re",
        "logging",
        "abc",
        "copy",
        "enum",
        "pathlib",
        "inspect",
        "contextlib",
        "__future__",
        "torchvision",
        "torchaudio",
        "transformers",
        "timm",
        "einops",
        "scipy",
        "pandas",
        "sklearn",
        "matplotlib",
        "tqdm",
        "PIL",
        "jax",
        "tensorflow",
        "lightning",
        "pytorch_lightning",
        "accelerate",
        "safetensors",
        "huggingface_hub",
        "packaging",
        "argparse",
        "types",
        "operator",
        "string",
        "importlib",
        "threading",
        "multiprocessing",
        "subprocess",
        "shutil",
        "glob",
        "pickle",
        "io",
        "tempfile",
        "unittest",
        "pytest",
        "traceback",
        "weakref",
        "numbers",
        "datetime",
        "hashlib",
        "struct",
        "heapq",
        "bisect",
        "queue",
        "socket",
        "ctypes",
        "platform",
        "signal",
        "textwrap",
        "pprint",
        "uuid",
        "csv",
        "zipfile",
        "tarfile",
        "gzip",
        "urllib",
        "http",
        "email",
        "base64",
        "decimal",
        "fractions",
        "statistics",
        "array",
        "gc",
        "atexit",
        "builtins",
        "codecs",
        "locale",
        "secrets",
        "select",
        "selectors",
        "ssl",
        "timeit",
        "cProfile",
        "profile",
        "pdb",
        "ast",
        "dis",
        "tokenize",
        "keyword",
        "token",
        "xml",
        "html",
        "sqlite3",
        "zlib",
        "lzma",
        "bz2",
        "mmap",
        "opt_einsum",
        "triton",
        "apex",
        "deepspeed",
        "fairscale",
        "torchmetrics",
        "wandb",
        "tensorboard",
        "yaml",
        "omegaconf",
        "hydra",
        "regex",
        "sentencepiece",
        "tokenizers",
        "datasets",
        "onnx",
        "onnxruntime",
        "cv2",
        "skimage",
        "h5py",
        "requests",
        "attr",
        "attrs",
        "pydantic",
        "rich",
        "click",
        "typer",
        "fire",
    }
)


FOREIGN = ForeignCache(256)
