"""Results kept between runs, like ruff's cache: a file whose text, settings and imported
modules are unchanged is not analysed again.

One file per (checked file, settings) under ``<cache dir>/<format>-<tool>/``, where
``<tool>`` is a digest of leaf-lsp's own code and data (any other version or edit of the
tool starts afresh). An entry holds the hash of the file's bytes and the hash of each user module
its answer depends on (:attr:`Analysis.dependencies`); it is used only while all of them
still match, so it is invalidated exactly when one of them changes.

Nothing read back is trusted unless this user's leaf-lsp wrote it: each entry carries a
keyed digest (:func:`signing_key`, a random key kept in the user's own cache folder,
never in the project), so a corrupt, truncated, planted or foreign entry (a cache folder
committed to a repository, another tool's file) is a miss, never an error and never an
answer. JSON is never executable. Writes go to a temporary file renamed into place, so
concurrent runs never see a half-written entry. The folder is bounded
(:data:`MAX_ENTRIES`, :data:`MAX_BYTES`); the oldest entries go first.

An entry is four lines: the keyed digests of the other three (one each), the header and
diagnostics, the hints, and the hints as the JSON report writes them; a run checks and
parses only the sections it reads (a text run never touches the hints).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from . import __version__
from .digests import text_hash
from .model import Analysis, Diagnostic, Edit, Fix, Hint, InternalError, ReasonStep, Span
from .project import FolderListing
from .safefile import read_bytes
from .samecode import same_code

if TYPE_CHECKING:
    from .settings import Settings

#: The folder name used when the configuration names none (next to the project's files).
CACHE_DIR_NAME = ".leaf_lsp_cache"
#: Environment variable that turns the cache off (any value but empty or ``0``), as ``--no-cache``.
NO_CACHE_ENV = "LEAF_LSP_NO_CACHE"
FORMAT = 3
MAX_ENTRIES = 20_000
MAX_BYTES = 256 * 1024 * 1024
#: An entry larger than this is not read (no real one comes near; a planted one could).
MAX_ENTRY_BYTES = 64 * 1024 * 1024
#: The subfolder of kept module texts (see :meth:`ResultCache.keep_texts`).
TEXTS = "texts"
#: Tool versions whose folders are kept (a newer and an older checkout used side by side).
KEEP_TOOLS = 2

#: (module, level, importer path, text hash): see :attr:`Analysis.dependencies`.
Dependency = tuple[str, int, str, str]
#: How an entry's hints are read: decoded, as the JSON report's text, or not at all.
HintsRead = Literal["objects", "rendered", "none"]
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


#: The environment variable naming the folder of the signing key (default: the user's cache).
KEY_DIR_ENV = "LEAF_LSP_KEY_DIR"


def key_folder() -> Path:
    """Where the signing key lives: ``$LEAF_LSP_KEY_DIR``, else the user's cache folder."""
    environ = os.environ
    return _key_folder(
        environ.get(KEY_DIR_ENV),
        environ.get("LOCALAPPDATA"),
        environ.get("XDG_CACHE_HOME"),
        environ.get("HOME"),
        environ.get("USERPROFILE"),
    )


@functools.lru_cache(maxsize=8)
def _key_folder(named: str | None, local: str | None, xdg: str | None, *home: str | None) -> Path:
    """:func:`key_folder` for these values of the variables it reads (asked once per file)."""
    if named:
        return Path(named)
    if sys.platform == "win32":
        base = local or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = xdg or str(Path.home() / ".cache")
    return Path(base) / "leaf-lsp"


def signing_key() -> bytes | None:
    """This user's key for signing cache entries, created on first use; None if it can be
    neither read nor made (then nothing is kept or read: trust defaults to no)."""
    path = key_folder() / "cache-key"
    known = _KEYS.get(path)
    if known is None:
        known = _read_key(path) or _make_key(path)
        if known is not None:
            _KEYS[path] = known
    return known


_KEYS: dict[Path, bytes] = {}


def _make_key(path: Path) -> bytes | None:
    """A new key at ``path``, published whole (written aside, then linked into place), so
    that a concurrent run reads either no key or the complete one; the first one wins."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # (here: a run that only reads entries never needs it)

        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-key-")
    except (OSError, RuntimeError):
        return None
    try:
        with os.fdopen(handle, "wb") as out:
            import secrets

            out.write(secrets.token_hex(32).encode())
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another run made one meanwhile: that one is the key
        except OSError:
            # No hard links here (some network or FAT drives): renamed instead, unless a
            # key appeared meanwhile (a run racing this one at worst rewrites its entries).
            if not path.exists():
                os.replace(temporary, path)
    except OSError:
        return None
    finally:
        _remove(Path(temporary))
    return _read_key(path)


def _read_key(path: Path) -> bytes | None:
    data = read_bytes(path, 1024)
    if data is None or len(data.strip()) < 32:
        return None
    return data.strip()


def _sign(key: bytes, payload: bytes) -> bytes:
    """The signature line of an entry whose sections (header, hints, rendered hints) are
    ``payload``: one keyed digest per section, so that a run checks only what it reads (a
    text run never reads the hints). The hints' digests cover the header's, so sections of
    two entries cannot be put together."""
    head, _, rest = payload.partition(b"\n")
    hints, _, rendered = rest.partition(b"\n")
    sealed_head = _mac(key, b"head", head)
    return b" ".join(
        (
            sealed_head,
            _mac(key, sealed_head + b"hints", hints),
            _mac(key, sealed_head + b"rendered", rendered),
        )
    )


def _mac(key: bytes, label: bytes, section: bytes) -> bytes:
    # HMAC-SHA-256: CPUs compute SHA-256 in hardware; a JSON run reads megabytes of hints.
    return hmac.new(key, label + b"\0" + section, "sha256").hexdigest()[:32].encode()


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
        self._texts_kept: set[str] = set()
        self._signing: bytes | None = None

    def _key(self) -> bytes | None:
        """:func:`signing_key`, once found (asked for every entry read or written)."""
        if self._signing is None:
            self._signing = signing_key()
        return self._signing

    def get(
        self, path: str, digest: str, settings: Settings, still_valid: Callable[[Dependency], bool]
    ) -> Analysis | None:
        """The kept analysis of ``path`` whose bytes have the digest ``digest`` (see
        :func:`bytes_hash`: a run that changes nothing never decodes them) for ``settings``,
        if still valid.

        A run without hints can use an entry made with them (the diagnostics are the same;
        the hints are dropped).
        """
        found = self._lookup(path, digest, settings, still_valid, "objects" if settings.hints else "none")
        return None if found is None else found[0]

    def get_rendered(
        self, path: str, digest: str, settings: Settings, still_valid: Callable[[Dependency], bool]
    ) -> tuple[Analysis, str] | None:
        """As :meth:`get` for a JSON report: the analysis without its hints, and the hints
        as :func:`leaf_lsp.report.encode_hints` wrote them (never decoded one by one)."""
        found = self._lookup(path, digest, settings, still_valid, "rendered")
        if found is None or found[1] is None:
            return None
        return found[0], found[1]

    def _lookup(
        self,
        path: str,
        digest: str,
        settings: Settings,
        still_valid: Callable[[Dependency], bool],
        hints: HintsRead,
    ) -> tuple[Analysis, str | None] | None:
        keys = [settings_key(settings)]
        if not settings.hints:
            keys.append(settings_key(settings, hints=True))
        for key in keys:
            found = self._read(path, digest, key, still_valid, hints)
            if found is not None:
                return found
        return None

    def _keep_texts(self, analysis: Analysis, resolver: Any) -> None:
        """Keep the text of each module ``analysis`` depends on (once per text), as
        ``resolver`` finds it now, so that a later run can tell an edit of comments only
        (:meth:`kept_text`)."""
        for module, level, importer, digest in analysis.dependencies:
            if not digest or digest in self._texts_kept or not _hex(digest):
                continue
            self._texts_kept.add(digest)
            target = self.folder / TEXTS / f"{digest}.py"
            if target.exists():
                continue
            try:
                found = resolver.resolve(module, level, importer)
            except Exception:  # noqa: BLE001 - the text is then not kept: only speed is at stake
                continue
            if found is None or text_hash(found[1]) != digest:
                continue
            if not _write_atomically(target, found[1].encode("utf-8", "surrogatepass")):
                return

    def kept_text(self, digest: str) -> str | None:
        """The module text of hash ``digest`` kept by :meth:`put`, if it is intact."""
        if not _hex(digest):
            return None
        data = read_bytes(self.folder / TEXTS / f"{digest}.py", MAX_ENTRY_BYTES)
        if data is None:
            return None
        try:
            text = data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None
        # Checked against its name: a damaged or planted file is no old version.
        return text if text_hash(text) == digest else None

    def put(self, path: str, digest: str, settings: Settings, analysis: Analysis) -> None:
        """Keep ``analysis`` of ``path`` whose bytes have the digest ``digest`` (never a
        cancelled analysis), and the texts of the modules it depends on as
        ``settings.resolver`` finds them; failures are ignored."""
        signing = self._key()
        if analysis.cancelled or not self._writable or signing is None:
            return
        key = settings_key(settings)
        head = {
            "format": FORMAT,
            "tool": tool_fingerprint(),
            "path": path,
            "text": digest,
            "settings": key,
            "analysis": encode(analysis, hints=False),
        }
        from .report import encode_hints

        # Compact JSON holds no raw newline, so the sections split exactly; the last one
        # (the hints as the JSON report writes them) is the rest of the entry.
        payload = b"\n".join(
            [
                json.dumps(head, separators=(",", ":")).encode(),
                json.dumps([_encode_hint(h) for h in analysis.hints], separators=(",", ":")).encode(),
                encode_hints(analysis.hints).encode("utf-8", "surrogatepass"),
            ]
        )
        try:
            self._ensure_folder()
        except OSError:
            self._writable = False
            return
        if not _write_atomically(self._entry_path(path, key), _sign(signing, payload) + b"\n" + payload):
            # A read-only or full disk: the run goes on without keeping results.
            self._writable = False
            return
        if settings.resolver is not None:
            self._keep_texts(analysis, settings.resolver)
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
        _bound(self.folder, MAX_ENTRIES, MAX_BYTES)
        _bound(self.folder / TEXTS, MAX_ENTRIES, MAX_BYTES)

    def _read(
        self, path: str, digest: str, key: str, still_valid: Callable[[Dependency], bool], hints: HintsRead
    ) -> tuple[Analysis, str | None] | None:
        """The entry's analysis if it is signed, matches and is still valid; its hints as
        ``hints`` says: "objects" (decoded), "rendered" (the report's text) or "none"."""
        signing = self._key()
        if signing is None:
            return None
        data = read_bytes(self._entry_path(path, key), MAX_ENTRY_BYTES)
        if data is None:
            return None
        signature, _, payload = data.partition(b"\n")
        head_line, _, rest = payload.partition(b"\n")
        hints_line, _, rendered = rest.partition(b"\n")
        seals = signature.split(b" ")
        # Each section read is checked; one that is not written by this user's leaf-lsp, or
        # damaged since, makes the entry a miss.
        if len(seals) != 3 or not hmac.compare_digest(seals[0], _mac(signing, b"head", head_line)):
            return None
        if hints == "objects" and not hmac.compare_digest(
            seals[1], _mac(signing, seals[0] + b"hints", hints_line)
        ):
            return None
        if hints == "rendered" and not hmac.compare_digest(
            seals[2], _mac(signing, seals[0] + b"rendered", rendered)
        ):
            return None
        try:
            entry = json.loads(head_line)
            if (
                entry["format"] != FORMAT
                or entry["tool"] != tool_fingerprint()
                or entry["path"] != path
                or entry["text"] != digest
                or entry["settings"] != key
            ):
                return None
            analysis = decode(entry["analysis"], path)
            if not all(still_valid(dependency) for dependency in analysis.dependencies):
                return None
            if hints == "objects":
                analysis.hints = [_decode_hint(h) for h in json.loads(hints_line)]
            elif hints == "rendered":
                return analysis, rendered.decode("utf-8", "surrogatepass")
        except (KeyError, IndexError, TypeError, ValueError, RecursionError):
            return None
        return analysis, None

    def _entry_path(self, path: str, key: str) -> Path:
        name = hashlib.blake2b(f"{path}\0{key}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return self.folder / f"{name}.entry"

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


def dependency_check(
    resolver: Any, cache: ResultCache, digests: dict[str, str | None] | None = None
) -> Callable[[Dependency], bool]:
    """Whether a dependency of a kept result still holds with ``resolver``: it resolves to a
    text of the same hash, or to the same code (:func:`same_code`) as the text ``cache`` kept
    of that hash. Answers are remembered: make one per run (files do not change under it).
    ``digests`` (real path -> :func:`bytes_hash` of the file) are hashes the caller made.
    """

    #: Keyed by what the resolution depends on (the resolver's key), not by the importer:
    #: hundreds of files import the same modules.
    answers: dict[tuple[object, ...], bool] = {}
    unchanged_code: dict[tuple[str, str], bool] = {}
    by_layout = getattr(resolver, "resolves_by_layout", None)
    resolution_key = getattr(resolver, "resolution_key", None)
    locate = getattr(resolver, "locate", None)
    digest_of = getattr(resolver, "digest_of", None)
    #: Digests by path: many imports name the same file; the caller may know some already.
    hashes: dict[str, str | None] = {} if digests is None else digests

    def digest_found(module: str, level: int, importer: str) -> str | None:
        """The digest of the text ``module`` resolves to (None: none, or not known this way)."""
        if locate is None or digest_of is None:
            return None
        path = locate(module, level, importer)
        if path is None:
            return None
        if path not in hashes:
            hashes[path] = digest_of(path)
        return hashes[path]

    listing = FolderListing()

    def unchanged(digest: str, text: str) -> bool:
        """Whether ``text`` is the text of hash ``digest``, or the same code: an edit of
        comments or blank lines only (asked once per pair of texts: hundreds of files import
        the same module)."""
        pair = (digest, text_hash(text))
        if pair[0] == pair[1]:
            return True
        same = unchanged_code.get(pair)
        if same is None:
            old = cache.kept_text(digest)
            same = unchanged_code[pair] = old is not None and same_code(old, text)
        return same

    #: The same dependency is in hundreds of entries (every file imports the base modules).
    seen: dict[tuple[str, int, str, str], bool] = {}

    def check(dependency: tuple[str, int, str, str]) -> bool:
        known = seen.get(dependency)
        if known is None:
            known = seen[dependency] = resolved_alike(dependency)
        return known

    def resolved_alike(dependency: tuple[str, int, str, str]) -> bool:
        module, level, importer, digest = dependency
        try:
            key = (*resolution_key(module, level, importer), level, digest) if resolution_key else dependency
        except Exception:  # noqa: BLE001 - asked below, where a failure counts as a change
            key = dependency
        answer = answers.get(key)
        if answer is None:
            try:
                if resolver is None:
                    answer = False
                elif not digest:
                    # An import that resolved to nothing: still nothing in the file layout
                    # (jedi, slow to start, is not asked again on a run that changes nothing).
                    answer = not by_layout(module, level, importer, listing) if by_layout else None
                    if answer is None:
                        answer = resolver.resolve(module, level, importer) is None
                elif digest_found(module, level, importer) == digest:
                    answer = True
                else:
                    # Read only now: most dependencies are told unchanged from their bytes.
                    found = resolver.resolve(module, level, importer)
                    answer = found is not None and unchanged(digest, found[1])
            except Exception:  # noqa: BLE001 - treated as changed: the file is analysed again
                answer = False
            answers[key] = answer
        return answer

    return check


# --- encoding: plain JSON lists, checked field by field on the way back -------------------


def encode(analysis: Analysis, hints: bool = True) -> dict[str, object]:
    """``analysis`` as JSON-ready data (hover facts are not kept: no report shows them;
    the hints only with ``hints``: entries keep them on a line of their own)."""
    data: dict[str, object] = {
        "diagnostics": [_encode_diagnostic(d) for d in analysis.diagnostics],
        "syntax_error": analysis.syntax_error,
        "imports": list(analysis.imports),
        "internal_errors": [[e.path, e.line, e.statement, e.error] for e in analysis.internal_errors],
        "dependencies": [list(d) for d in analysis.dependencies],
    }
    if hints:
        data["hints"] = [_encode_hint(h) for h in analysis.hints]
    return data


def decode(data: object, path: str, hints: bool = True) -> Analysis:
    """The analysis :func:`encode` made (with its hints if it kept them and ``hints``);
    raises ``TypeError``/``ValueError``/``KeyError`` on anything else.

    Diagnostics are checked field by field; hints and dependencies, thousands per entry
    and only ever read from signed entries, are taken as they are.
    """
    table = _dict(data)
    kept_hints = _list(table["hints"]) if hints and "hints" in table else []
    return Analysis(
        path=path,
        diagnostics=[_decode_diagnostic(d) for d in _list(table["diagnostics"])],
        hints=[_decode_hint(h) for h in kept_hints],
        syntax_error=_bool(table["syntax_error"]),
        imports=tuple(_str(name) for name in _list(table["imports"])),
        internal_errors=[
            InternalError(_str(e[0]), _int(e[1]), _str(e[2]), _str(e[3]))
            for e in (_sized(item, 4) for item in _list(table["internal_errors"]))
        ],
        dependencies=_dependencies(_list(table["dependencies"])),
    )


def _dependencies(data: list[Any]) -> tuple[Dependency, ...]:
    # Tens of thousands per run, from signed entries only: converted in C, not one by one.
    return cast("tuple[Dependency, ...]", tuple(map(tuple, data)))


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


def _decode_hint(data: Any) -> Hint:
    # Signed entries only (see the module docstring): a wrong shape still only raises.
    name, line, span, is_leaf, requires_grad, reason, verified, runtime = data
    return Hint(
        name=name,
        line=line,
        span=Span(*span),
        is_leaf=is_leaf,
        requires_grad=requires_grad,
        reason=tuple(map(ReasonStep._make, reason)),
        verified=verified,
        runtime=runtime,
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


def cache_folder(cache_dir: Path | None, project: Path) -> Path:
    """The result cache folder: ``cache-dir`` when configured, else ``.leaf_lsp_cache`` in
    ``project`` (the configuration's folder or the project root found from the file)."""
    return cache_dir or project / CACHE_DIR_NAME


def _write_atomically(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` through a temporary file renamed into place (a reader
    never sees half of it); False when the disk refuses."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        import tempfile

        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError:
        _remove(Path(temporary))
        return False
    except BaseException:
        _remove(Path(temporary))
        raise
    return True


def _bound(folder: Path, max_entries: int, max_bytes: int) -> None:
    """Remove the oldest files of ``folder`` until it is within both bounds (with room)."""
    try:
        entries = [
            (e.stat().st_mtime, e.stat().st_size, Path(e.path)) for e in os.scandir(folder) if e.is_file()
        ]
    except OSError:
        return
    total = sum(size for _, size, _ in entries)
    if len(entries) <= max_entries and total <= max_bytes:
        return
    entries.sort()
    count = len(entries)
    for _, size, path in entries:
        if count <= max_entries * 0.9 and total <= max_bytes * 0.9:
            break
        _remove(path)
        count -= 1
        total -= size


def _hex(digest: str) -> bool:
    return 0 < len(digest) <= 64 and all(c in "0123456789abcdef" for c in digest)


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
            if entry.is_dir(follow_symlinks=False):
                _remove_tree(Path(entry.path))  # the kept texts
            else:
                _remove(Path(entry.path))
        folder.rmdir()
    except OSError:
        pass
