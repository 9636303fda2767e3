"""Results kept between runs, like ruff's cache: a file whose text, settings and imported
modules are unchanged is not analysed again.

One JSON file per (checked file, settings) under ``<cache dir>/<format>-<tool>/``, where
``<tool>`` is a digest of leaf-lsp's own code and data (any other version or edit of the
tool starts afresh). An entry holds the file's text hash and the hash of each user module
its answer depends on (:attr:`Analysis.dependencies`); it is used only while all of them
still match, so it is invalidated exactly when one of them changes.

Nothing read back is trusted: an entry that does not decode to exactly the expected shape
(corrupt, truncated, written by something else) is a miss, never an error, and JSON is
never executable. Writes go to a temporary file renamed into place, so concurrent runs
never see a half-written entry. The folder is bounded (:data:`MAX_ENTRIES`,
:data:`MAX_BYTES`); the oldest entries go first.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .digests import text_hash
from .model import Analysis, Diagnostic, Edit, Fix, Hint, InternalError, ReasonStep, Span
from .safefile import read_bytes

if TYPE_CHECKING:
    from .settings import Settings

#: The folder name used when the configuration names none (next to the project's files).
CACHE_DIR_NAME = ".leaf_lsp_cache"
#: Environment variable that turns the cache off (any value but empty or ``0``), as ``--no-cache``.
NO_CACHE_ENV = "LEAF_LSP_NO_CACHE"
FORMAT = 1
MAX_ENTRIES = 20_000
MAX_BYTES = 256 * 1024 * 1024
#: An entry larger than this is not read (no real one comes near; a planted one could).
MAX_ENTRY_BYTES = 64 * 1024 * 1024
#: Tool versions whose folders are kept (a newer and an older checkout used side by side).
KEEP_TOOLS = 2

#: (module, level, importer path, text hash): see :attr:`Analysis.dependencies`.
Dependency = tuple[str, int, str, str]
_SEVERITIES = ("error", "warning", "information")
_TAGS = ("deprecated", "unnecessary")


def disabled_by_environment() -> bool:
    """Whether ``LEAF_LSP_NO_CACHE`` turns the cache off."""
    return os.environ.get(NO_CACHE_ENV, "") not in ("", "0")


@functools.lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """A digest of this leaf-lsp: its version and the bytes of its code and data files.

    A changed rule or engine changes the answers, so entries of any other build are never
    read (a version number alone misses a development checkout's edits).
    """
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix not in (".py", ".json") or "__pycache__" in path.parts:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def settings_key(settings: Settings, hints: bool | None = None) -> str:
    """The part of ``settings`` that decides an analysis' answer, as a stable string."""
    return json.dumps(
        [
            list(settings.select),
            list(settings.ignore),
            [[pattern, list(codes)] for pattern, codes in settings.per_file_ignores],
            list(settings.exclude),
            [list(item) for item in settings.severity],
            settings.hints if hints is None else hints,
            # Which files count as the project's own decides which imports are followed.
            str(getattr(settings.resolver, "root", "")),
        ]
    )


class ResultCache:
    """The entries of one cache folder, for this build of leaf-lsp."""

    def __init__(self, folder: Path) -> None:
        self.root = folder
        self.folder = folder / f"{FORMAT}-{tool_fingerprint()[:20]}"
        self.wrote = False
        self._writable = True

    def get(
        self, path: str, text: str, settings: Settings, still_valid: Callable[[Dependency], bool]
    ) -> Analysis | None:
        """The kept analysis of ``path`` for this ``text`` and ``settings``, if still valid.

        A run without hints can use an entry made with them (the diagnostics are the same;
        the hints are dropped).
        """
        digest = text_hash(text)
        keys = [settings_key(settings)]
        if not settings.hints:
            keys.append(settings_key(settings, hints=True))
        for key in keys:
            analysis = self._read(path, digest, key, still_valid, settings.hints)
            if analysis is not None:
                return analysis
        return None

    def put(self, path: str, text: str, settings: Settings, analysis: Analysis) -> None:
        """Keep ``analysis`` of ``path`` (never a cancelled one); failures are ignored."""
        if analysis.cancelled or not self._writable:
            return
        key = settings_key(settings)
        entry = {
            "format": FORMAT,
            "tool": tool_fingerprint(),
            "path": path,
            "text": text_hash(text),
            "settings": key,
            "analysis": encode(analysis),
        }
        try:
            self._ensure_folder()
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(entry, out, separators=(",", ":"))
                os.replace(temporary, self._entry_path(path, key))
            except BaseException:
                _remove(Path(temporary))
                raise
        except (OSError, ValueError):
            # A read-only or full disk: the run goes on without keeping results.
            self._writable = False
            return
        self.wrote = True

    def prune(self) -> None:
        """Keep the folder within its bounds, the oldest entries (and tool builds) going first."""
        try:
            siblings = [p for p in self.root.iterdir() if p.is_dir() and p != self.folder]
        except OSError:
            siblings = []
        builds = sorted(siblings, key=_mtime, reverse=True)
        for stale in builds[KEEP_TOOLS - 1 :]:
            _remove_tree(stale)
        try:
            entries = [(e.stat().st_mtime, e.stat().st_size, Path(e.path)) for e in os.scandir(self.folder)]
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        if len(entries) <= MAX_ENTRIES and total <= MAX_BYTES:
            return
        entries.sort()
        count = len(entries)
        for _, size, path in entries:
            if count <= MAX_ENTRIES * 0.9 and total <= MAX_BYTES * 0.9:
                break
            _remove(path)
            count -= 1
            total -= size

    def _read(
        self, path: str, digest: str, key: str, still_valid: Callable[[Dependency], bool], hints: bool
    ) -> Analysis | None:
        data = read_bytes(self._entry_path(path, key), MAX_ENTRY_BYTES)
        if data is None:
            return None
        try:
            entry = json.loads(data)
        except (ValueError, RecursionError):
            return None
        if not isinstance(entry, dict):
            return None
        if (
            entry.get("format") != FORMAT
            or entry.get("tool") != tool_fingerprint()
            or entry.get("path") != path
            or entry.get("text") != digest
            or entry.get("settings") != key
        ):
            return None
        try:
            analysis = decode(entry["analysis"], path, hints)
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        if not all(still_valid(dependency) for dependency in analysis.dependencies):
            return None
        return analysis

    def _entry_path(self, path: str, key: str) -> Path:
        name = hashlib.blake2b(f"{path}\0{key}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return self.folder / f"{name}.json"

    def _ensure_folder(self) -> None:
        if self.folder.is_dir():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        # Like ruff's and pytest's caches: never committed, never backed up.
        for name, content in (
            (".gitignore", "# Created by leaf-lsp automatically.\n*\n"),
            ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# Created by leaf-lsp.\n"),
        ):
            marker = self.root / name
            if not marker.exists():
                marker.write_text(content, encoding="utf-8")


# --- encoding: plain JSON lists, checked field by field on the way back -------------------


def encode(analysis: Analysis) -> dict[str, object]:
    """``analysis`` as JSON-ready data (hover facts are not kept: no report shows them)."""
    return {
        "diagnostics": [_encode_diagnostic(d) for d in analysis.diagnostics],
        "hints": [_encode_hint(h) for h in analysis.hints],
        "syntax_error": analysis.syntax_error,
        "imports": list(analysis.imports),
        "internal_errors": [[e.path, e.line, e.statement, e.error] for e in analysis.internal_errors],
        "dependencies": [list(d) for d in analysis.dependencies],
    }


def decode(data: object, path: str, hints: bool = True) -> Analysis:
    """The analysis :func:`encode` made (without its hints unless ``hints``); raises
    ``TypeError``/``ValueError`` on anything else."""
    table = _dict(data)
    kept_hints = _list(table["hints"])
    return Analysis(
        path=path,
        diagnostics=[_decode_diagnostic(d) for d in _list(table["diagnostics"])],
        hints=[_decode_hint(h) for h in kept_hints] if hints else [],
        syntax_error=_bool(table["syntax_error"]),
        imports=tuple(_str(name) for name in _list(table["imports"])),
        internal_errors=[
            InternalError(_str(e[0]), _int(e[1]), _str(e[2]), _str(e[3]))
            for e in (_sized(item, 4) for item in _list(table["internal_errors"]))
        ],
        dependencies=tuple(
            (_str(d[0]), _int(d[1]), _str(d[2]), _str(d[3]))
            for d in (_sized(item, 4) for item in _list(table["dependencies"]))
        ),
    )


def _encode_span(span: Span) -> list[int]:
    return [span.line, span.col, span.end_line, span.end_col]


def _decode_span(data: object) -> Span:
    items = _sized(data, 4)
    return Span(_int(items[0]), _int(items[1]), _int(items[2]), _int(items[3]))


def _encode_diagnostic(d: Diagnostic) -> list[object]:
    fix = None
    if d.fix is not None:
        fix = [d.fix.title, [[_encode_span(e.span), e.new_text] for e in d.fix.edits], d.fix.safe]
    return [d.code, d.name, d.severity, d.message, _encode_span(d.span), fix, list(d.tags), d.source]


def _decode_diagnostic(data: object) -> Diagnostic:
    items = _sized(data, 8)
    severity = _str(items[2])
    if severity not in _SEVERITIES:
        raise ValueError(severity)
    tags = tuple(_str(tag) for tag in _list(items[6]))
    if any(tag not in _TAGS for tag in tags):
        raise ValueError(tags)
    fix = None
    if items[5] is not None:
        title, edits, safe = _sized(items[5], 3)
        fix = Fix(
            _str(title),
            tuple(Edit(_decode_span(e[0]), _str(e[1])) for e in (_sized(i, 2) for i in _list(edits))),
            _bool(safe),
        )
    return Diagnostic(
        code=_str(items[0]),
        name=_str(items[1]),
        severity=severity,  # type: ignore[arg-type]
        message=_str(items[3]),
        span=_decode_span(items[4]),
        fix=fix,
        tags=tags,  # type: ignore[arg-type]
        source=_str(items[7]),
    )


def _encode_hint(h: Hint) -> list[object]:
    return [
        h.name,
        h.line,
        _encode_span(h.span),
        h.is_leaf,
        h.requires_grad,
        [[step.line, step.text] for step in h.reason],
        h.verified,
        h.runtime,
    ]


def _decode_hint(data: object) -> Hint:
    items = _sized(data, 8)
    return Hint(
        name=_str(items[0]),
        line=_int(items[1]),
        span=_decode_span(items[2]),
        is_leaf=_tri(items[3]),
        requires_grad=_tri(items[4]),
        reason=tuple(
            ReasonStep(_int(s[0]), _str(s[1])) for s in (_sized(step, 2) for step in _list(items[5]))
        ),
        verified=_tri(items[6]),
        runtime=_str(items[7]),
    )


def _dict(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise TypeError("expected an object")
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _sized(value: object, size: int) -> list[object]:
    items = _list(value)
    if len(items) != size:
        raise ValueError(f"expected {size} items")
    return items


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected a boolean")
    return value


def _tri(value: object) -> bool | None:
    return None if value is None else _bool(value)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _remove_tree(folder: Path) -> None:
    try:
        for entry in os.scandir(folder):
            _remove(Path(entry.path))
        folder.rmdir()
    except OSError:
        pass
