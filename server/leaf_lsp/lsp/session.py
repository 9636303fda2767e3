"""Per-connection state of the server: client capabilities, settings, documents, publishing.

``server.py`` only routes LSP messages here. The session decides which settings apply to
a document (editor settings, overridden by the workspace's ``[tool.leaf-lsp]``), publishes
results (push, or refresh requests for clients that pull), and re-analyses open documents
when their context changes (settings, pyproject.toml, a file they import).
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from ..config import ConfigResolver, read_table
from ..safefile import read_bytes
from ..settings import Settings
from .config import (
    ClientSettings,
    merge_engine_settings,
    parse_client_settings,
    presented_token,
    stated_trust,
)
from .convert import to_diagnostic
from .documents import Analyzer, Document, Snapshot
from .notebooks import Notebooks
from .text import UTF8, UTF16, UTF32

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

SECTION = "leaf-lsp"


def _get(obj: Any, *names: str) -> Any:
    """Walk optional attributes of lsprotocol capability objects (None when any is missing)."""
    for name in names:
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def uri_to_path(uri: str) -> str:
    """Filesystem path of a ``file:`` URI; other schemes keep the URI as the path."""
    try:
        path = to_fs_path(uri)
    except Exception:  # malformed URIs must not break anything
        path = None
    return path or uri


def module_names(path: str, roots: list[Path]) -> set[str]:
    """Dotted names under which ``path`` may be imported (relative to each root and its parents)."""
    p = Path(path)
    if p.suffix not in (".py", ".pyi"):
        return set()
    parts = list(p.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    names: set[str] = set()
    # Every suffix of the path is a candidate (src layouts, tests dirs on sys.path...);
    # import matching below requires an exact dotted match, so this stays precise enough.
    for i in range(len(parts)):
        tail = parts[i:]
        if tail and all(part.isidentifier() for part in tail):
            names.add(".".join(tail))
    return names


def _same_as_disk(doc: Document, max_bytes: int) -> bool:
    # The path comes from the client: it may be /dev/zero, a FIFO, or a huge file. Only a
    # regular file within the size limit is read (a buffer over the limit is never "the same").
    if len(doc.text) > max_bytes:
        return False
    data = read_bytes(doc.path, max_bytes)
    if data is None:
        return False
    try:
        return data.decode("utf-8") == doc.text
    except UnicodeDecodeError:
        return False


def _resolved(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError, ValueError):
        return path


NO_TCP_TOKEN = (
    "leaf-lsp: this server listens on TCP without a token (--tcp-token or LEAF_LSP_TCP_TOKEN), "
    "so it never runs code: static analysis only."
)
WRONG_TCP_TOKEN = (
    "leaf-lsp: the client did not present this server's TCP token (initializationOptions "
    "`tcpToken`), so code is never run on this connection: static analysis only."
)


def tcp_refusal(expected: str, presented: str | None) -> str | None:
    """Why a TCP connection may not run code (None when ``presented`` matches ``expected``)."""
    if not expected:
        return NO_TCP_TOKEN
    if presented is None or not hmac.compare_digest(
        presented.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    ):
        return WRONG_TCP_TOKEN
    return None


class Session:
    """State shared by all handlers of one server."""

    def __init__(self, server: LanguageServer) -> None:
        self.server = server
        self.analyzer = Analyzer(self.settings_for, self._on_result, kept_for=self._kept_for, keep=self._keep)
        self.notebooks = Notebooks(self)
        self.client = ClientSettings()
        self.configs = ConfigResolver()
        self.encoding: str = UTF16
        self.push_diagnostics = True
        self.inlay_refresh = False
        self.diagnostic_refresh = False
        self.code_lens_refresh = False
        self.document_changes = False
        self.config_pull = False
        self.watch_dynamic = False
        self.config_dynamic = False
        self.work_done_progress = False
        self.roots: list[Path] = []
        self.pending_problems: list[str] = []
        #: Set by ``serve`` for TCP: None over stdio; over TCP the token clients must present
        #: ("" when none was configured: then no TCP client may run code).
        self.tcp_token: str | None = None
        #: Why this connection may never run code whatever the settings say (TCP without the
        #: right token), or None.
        self.transport_refusal: str | None = None
        #: Cancellation events of running commands, by JSON-RPC request id.
        self.cancel_events: dict[Any, threading.Event] = {}
        #: Set from initializationOptions ``clientShowsProbeOutcome`` (the VS Code extension).
        self.client_shows_probe_outcome = False
        #: The analysis of each document's text as last opened or saved (``lint.run`` onSave).
        self.saved: dict[str, Snapshot] = {}
        self._save_pending: set[str] = set()
        self._resolvers: dict[str, Any] = {}
        #: The result caches (the CLI's, see :mod:`leaf_lsp.cache`) by folder.
        self._caches: dict[Path, Any] = {}
        self._caches_lock = threading.Lock()
        #: Open buffers by resolved path: what cross-file resolution reads instead of the disk.
        self.overlay: dict[str, str] = {}
        self._warned: set[str] = set()
        #: Raw ``[tool.leaf-lsp]`` tables by pyproject path (re-read when a pyproject changes).
        self._tables: dict[Path, Any] = {}

    @property
    def client(self) -> ClientSettings:
        """The editor's settings (setting them also sets the analyzer's size limit)."""
        return self._client

    @client.setter
    def client(self, value: ClientSettings) -> None:
        self._client = value
        self.analyzer.max_bytes = value.max_file_size_kb * 1024

    # -- initialisation ---------------------------------------------------------------

    def initialize(self, params: lsp.InitializeParams) -> None:
        """Read client capabilities, workspace roots and initializationOptions."""
        caps = params.capabilities
        self.push_diagnostics = _get(caps, "text_document", "diagnostic") is None
        self.inlay_refresh = bool(_get(caps, "workspace", "inlay_hint", "refresh_support"))
        self.diagnostic_refresh = bool(_get(caps, "workspace", "diagnostics", "refresh_support"))
        self.code_lens_refresh = bool(_get(caps, "workspace", "code_lens", "refresh_support"))
        self.document_changes = bool(_get(caps, "workspace", "workspace_edit", "document_changes"))
        self.config_pull = bool(_get(caps, "workspace", "configuration"))
        self.watch_dynamic = bool(_get(caps, "workspace", "did_change_watched_files", "dynamic_registration"))
        self.config_dynamic = bool(
            _get(caps, "workspace", "did_change_configuration", "dynamic_registration")
        )
        self.work_done_progress = bool(_get(caps, "window", "work_done_progress"))
        roots: list[Path] = []
        for folder in params.workspace_folders or []:
            roots.append(Path(uri_to_path(folder.uri)))
        if not roots and params.root_uri:
            roots.append(Path(uri_to_path(params.root_uri)))
        elif not roots and params.root_path:
            roots.append(Path(params.root_path))
        self.roots = roots
        options = params.initialization_options
        # The VS Code extension shows Verify's outcome itself (with buttons): no second message.
        self.client_shows_probe_outcome = (
            isinstance(options, dict) and options.get("clientShowsProbeOutcome") is True
        )
        if options is not None:
            self.client, problems = parse_client_settings(options)
            self.pending_problems.extend(problems)
        if self.tcp_token is not None:
            self.transport_refusal = tcp_refusal(self.tcp_token, presented_token(options))

    def registrations(self) -> list[lsp.Registration]:
        """Dynamic registrations to request after ``initialized`` (what the client allows)."""
        registrations: list[lsp.Registration] = []
        if self.watch_dynamic:
            watchers = [
                lsp.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
                lsp.FileSystemWatcher(glob_pattern="**/*.py"),
            ]
            registrations.append(
                lsp.Registration(
                    id="leaf-lsp-watch",
                    method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                )
            )
        if self.config_dynamic:
            registrations.append(
                lsp.Registration(id="leaf-lsp-config", method=lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
            )
        return registrations

    def folders_changed(self, added: list[str], removed: list[str]) -> None:
        """Workspace folders were added or removed (multi-root)."""
        gone = set(removed)
        self.roots = [r for r in self.roots if str(r) not in gone] + [Path(p) for p in added]
        self.project_changed()

    def set_encoding(self, encoding: str | None) -> None:
        """Use the position encoding pygls negotiated."""
        value = getattr(encoding, "value", encoding)
        self.encoding = value if value in (UTF8, UTF16, UTF32) else UTF16

    # -- settings ---------------------------------------------------------------------

    def settings_for(self, doc: Document) -> Settings:
        """Engine settings for ``doc``: editor settings, then its pyproject's ``[tool.leaf-lsp]``."""
        table = None
        if doc.path != doc.uri:
            try:
                source = self.configs.for_file(Path(doc.path)).source
            except (OSError, ValueError):
                source = None
            if source is not None:
                if source not in self._tables:
                    self._tables[source], problems = read_table(source)
                    for problem in problems:
                        self._warn_once(problem)
                table = self._tables[source]
        settings, problems = merge_engine_settings(self.client.engine, table)
        for problem in problems:
            self._warn_once(problem)
        resolver = self._resolver_for(doc)
        if resolver is not None:
            settings = dataclasses.replace(settings, resolver=resolver)
        return settings

    # -- the result cache (shared with the CLI) ------------------------------------------

    def _result_cache(self, doc: Document) -> Any:
        """The result cache of ``doc``'s project, as the CLI finds it; None for a buffer
        without a file, or with the cache turned off (``LEAF_LSP_NO_CACHE``)."""
        from ..cache import ResultCache, cache_folder, disabled_by_environment
        from ..project import project_root

        if doc.path == doc.uri or disabled_by_environment():
            return None
        path = Path(doc.path)
        config = self.configs.for_file(path)
        folder = cache_folder(config.cache_dir, config.root or project_root(path))
        with self._caches_lock:
            cache = self._caches.get(folder)
            if cache is None:
                cache = self._caches[folder] = ResultCache(folder)
                cache.prune()
        return cache

    def _kept_for(self, doc: Document, text: str, settings: Settings) -> Any:
        """What the result cache kept for ``text`` of ``doc`` with ``settings``, if still valid
        (run in the analysis thread: it reads files)."""
        from ..cache import dependency_check

        cache = self._result_cache(doc)
        if cache is None:
            return None
        return cache.get(doc.path, _saved_digest(text), settings, dependency_check(settings.resolver, cache))

    def _keep(self, doc: Document, text: str, settings: Settings, analysis: Any) -> None:
        """Keep ``analysis`` for the next session (and the CLI), if ``text`` is the file's
        text on disk: an unsaved buffer is nobody's next start."""
        cache = self._result_cache(doc)
        if (
            cache is None
            or analysis.cancelled
            or text != doc.text
            or not _same_as_disk(doc, self.analyzer.max_bytes)
        ):
            return
        cache.put(doc.path, _saved_digest(text), settings, analysis)

    def _warn_once(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        self.show(f"leaf-lsp: {message}", lsp.MessageType.Warning)

    def _resolver_for(self, doc: Document) -> Any:
        """The cross-file resolver for the folder that holds ``doc`` (open buffers override the disk)."""
        if doc.path == doc.uri:
            return None
        root = self.root_of(doc.path) or Path(doc.path).parent
        key = str(root)
        if key not in self._resolvers:
            try:
                from ..project import JediResolver

                self._resolvers[key] = JediResolver(root, overlay=self.overlay)
            except Exception:  # a broken resolver only costs cross-file precision
                log.exception("leaf-lsp: cannot create a project resolver for %s", root)
                self._resolvers[key] = None
        return self._resolvers[key]

    def buffer_changed(self, doc: Document, closed: bool = False, opened: bool = False) -> None:
        """Keep the resolvers' view of open buffers current and re-analyse importers of ``doc``."""
        if doc.path == doc.uri:
            return
        key = _resolved(doc.path)
        if closed:
            self.overlay.pop(key, None)
        else:
            self.overlay[key] = doc.text
        if (opened or closed) and _same_as_disk(doc, self.analyzer.max_bytes):
            # Opening or closing an unmodified file changes nothing importers can see.
            return
        for resolver in self._resolvers.values():
            invalidate = getattr(resolver, "invalidate", None)
            if invalidate is not None:
                invalidate(doc.path)
        self.reanalyze_dependents(doc.path)

    def in_workspace(self, path: str) -> bool:
        """True when ``path`` (symlinks resolved) lies inside one of the workspace folders."""
        target = Path(_resolved(path))
        for root in self.roots:
            try:
                target.relative_to(_resolved(str(root)))
            except ValueError:
                continue
            return True
        return False

    def root_of(self, path: str) -> Path | None:
        """The workspace folder holding ``path`` (the deepest one), if any."""
        best: Path | None = None
        for root in self.roots:
            try:
                Path(path).relative_to(root)
            except ValueError:
                continue
            if best is None or len(root.parts) > len(best.parts):
                best = root
        return best

    def apply_client_settings(self, data: Any) -> None:
        """New editor settings: validate, warn about problems, re-analyse everything."""
        client, problems = parse_client_settings(data)
        # Trust comes from initializationOptions (the editor's workspace trust). Later settings
        # can only narrow it: a pushed or pulled `trusted: true` never widens it, and settings
        # that do not mention trust keep what was granted.
        stated = stated_trust(data)
        trusted = self.client.trusted and stated is not False
        self.client = dataclasses.replace(client, trusted=trusted)
        for problem in problems:
            self.show(f"leaf-lsp: {problem}", lsp.MessageType.Warning)
        self.reanalyze_all()

    def project_changed(self) -> None:
        """A pyproject.toml changed: forget cached configuration and resolvers."""
        self.configs = ConfigResolver()
        self._tables.clear()
        self._resolvers.clear()
        self._warned.clear()
        self.reanalyze_all()

    def reanalyze_all(self) -> None:
        """Re-analyse every open document."""
        for doc in list(self.analyzer.docs.values()):
            self.analyzer.reanalyze(doc)

    def file_changed(self, path: str) -> None:
        """A file changed on disk (saved or watched): drop cached reads, re-analyse importers."""
        for resolver in self._resolvers.values():
            invalidate = getattr(resolver, "invalidate", None)
            if invalidate is not None:
                invalidate(path)
        self.reanalyze_dependents(path)

    def reanalyze_dependents(self, path: str) -> None:
        """Re-analyse open documents that import the module at ``path``."""
        names = module_names(path, self.roots)
        if not names:
            return
        for doc in list(self.analyzer.docs.values()):
            if doc.path == path:
                continue
            snap = doc.effective
            if snap is None:
                continue
            if any(imported in names for imported in snap.analysis.imports):
                self.analyzer.reanalyze(doc)

    # -- output -----------------------------------------------------------------------

    def show(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        """window/showMessage."""
        self.server.window_show_message(lsp.ShowMessageParams(type=kind, message=message))

    def lsp_diagnostics(self, snap: Snapshot) -> list[lsp.Diagnostic]:
        """The snapshot's diagnostics in LSP form."""
        return [to_diagnostic(snap.index, d, self.encoding) for d in snap.analysis.diagnostics]

    def reported(self, doc: Document, snap: Snapshot) -> Snapshot:
        """The snapshot whose diagnostics are reported: with ``lint.run`` onSave, the saved text's.

        A Verify's merged result is always reported: the user asked for it.
        """
        if self.client.lint_run != "onSave" or doc.probe is snap:
            return snap
        return self.saved.get(doc.uri, snap)

    def document_saved(self, doc: Document) -> None:
        """``doc`` was saved: with ``lint.run`` onSave, its diagnostics are now those of this text."""
        if self.client.lint_run != "onSave":
            return
        current = doc.current
        if current is None:
            self._save_pending.add(doc.uri)  # the analysis of the saved text is on its way
            return
        self.saved[doc.uri] = current
        self.publish(doc)
        self.refresh()

    def forget_saved(self, uri: str) -> None:
        """A closed document keeps no saved diagnostics."""
        self.saved.pop(uri, None)
        self._save_pending.discard(uri)

    def publish(self, doc: Document) -> None:
        """Push the document's current diagnostics (push-mode clients only)."""
        if self.notebooks.publish(doc):
            return
        snap = doc.effective
        if snap is None or doc.closed or not self.push_diagnostics:
            return
        snap = self.reported(doc, snap)
        self.server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=doc.uri, diagnostics=self.lsp_diagnostics(snap), version=snap.version
            )
        )

    def clear(self, uri: str) -> None:
        """Remove a closed document's diagnostics from the client."""
        if self.push_diagnostics:
            self.server.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def refresh(self, diagnostics: bool = True) -> None:
        """Ask the client to re-request what it pulls (inlay hints, and pulled diagnostics)."""
        if self.inlay_refresh:
            self.server.workspace_inlay_hint_refresh(None)
        if diagnostics and not self.push_diagnostics and self.diagnostic_refresh:
            self.server.workspace_diagnostic_refresh(None)

    def _on_result(self, doc: Document, snap: Snapshot) -> None:
        # Kept only when asked for: a snapshot holds a whole analysis.
        if self.client.lint_run == "onSave" and (doc.uri not in self.saved or doc.uri in self._save_pending):
            self.saved[doc.uri] = snap  # the text as opened, or as just saved
            self._save_pending.discard(doc.uri)
        self.publish(doc)
        # Pulling clients re-pull diagnostics after their own edits; they need a refresh
        # only when the result changed without an edit (settings, an imported file), or
        # in a notebook, where an edit of one cell changes what the others report.
        self.refresh(diagnostics=doc.context_changed or doc.uri in self.notebooks.by_uri)
        doc.context_changed = False


def _saved_digest(text: str) -> str:
    """The digest of ``text`` saved as a UTF-8 file, what the result cache keys on (the
    command line reads the files; a file saved another way, with a byte-order mark, is then
    a miss)."""
    from ..digests import bytes_hash

    return bytes_hash(text.encode("utf-8", "surrogatepass"))
