"""Open documents: text and versions, debounced analysis off the event loop, result cache.

One :class:`Document` per open URI. :class:`Analyzer` runs :func:`leaf_lsp.engine.analyze`
in a thread pool, debounced per URI. Only the newest version is ever analysed: a new
change cancels the pending (not yet started) run, at most one run per document is in
flight, and a result for a version that is no longer current, or for a closed document,
is dropped instead of published.

While edits keep arriving, the last complete analysis stays available with the edits
made since (:class:`~leaf_lsp.lsp.history.EditHistory`), so requests are answered from
it instead of waiting for the typing to stop. Documents larger than
:attr:`Analyzer.max_bytes` are not analysed: one information diagnostic says so.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..engine import analyze, collect_if_due
from ..model import Analysis, Diagnostic, Span
from ..parse import ParseCache
from ..safefile import DEFAULT_MAX_BYTES
from ..settings import Settings
from .history import EditHistory
from .text import LineIndex

log = logging.getLogger(__name__)

DEBOUNCE_S = 0.15
PARSE_CACHES = 8


class DocumentClosed(Exception):
    """The document was closed while a request waited for its analysis."""


@dataclass(frozen=True)
class Change:
    """One content change: ``rng`` is (start_line, start_units, end_line, end_units) or None for full text."""

    text: str
    rng: tuple[int, int, int, int] | None = None


@dataclass
class Snapshot:
    """An analysis together with the exact text (and its line index) it was computed for."""

    version: int
    index: LineIndex
    analysis: Analysis
    #: The document's epoch when the run started (bumped by edits and by invalidation).
    epoch: int = 0
    #: The document's revision (count of edits) of ``index.text``, to map positions.
    revision: int = 0
    #: Not analysed: the document is over the size limit.
    skipped: bool = False
    #: Read from the result cache: its diagnostics and hints, without hover facts (the
    #: analysis that has them follows).
    kept: bool = False


@dataclass
class Document:
    """One open text document."""

    uri: str
    path: str
    text: str
    version: int
    language_id: str = "python"
    closed: bool = False
    epoch: int = 0
    #: Set when the document is re-analysed because its context (not its text) changed.
    context_changed: bool = False
    #: Changed since it was opened (an edited document keeps its parse tree between runs).
    edited: bool = False
    snapshot: Snapshot | None = None
    #: The probe-merged analysis, kept until the document changes.
    probe: Snapshot | None = None
    #: Bumped by every edit; the edit history is keyed by it.
    revision: int = 0
    history: EditHistory = field(default_factory=EditHistory)
    #: The newest complete analysis of any version (what stale requests are answered from).
    last_full: Snapshot | None = None
    #: An edit arrived less than the debounce delay ago; the next analysis has not started.
    debouncing: bool = False
    _index: LineIndex | None = None
    task: asyncio.Task[None] | None = None
    running: asyncio.Future[tuple[Analysis, LineIndex]] | None = None
    updated: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def index(self) -> LineIndex:
        """Line index of the current text (built lazily once per version)."""
        if self._index is None or self._index.text is not self.text:
            self._index = LineIndex(self.text)
        return self._index

    def adopt_index(self, index: LineIndex) -> None:
        """Use ``index`` (built off the event loop) if it is for the current text."""
        if index.text is self.text:
            self._index = index

    def apply(self, changes: list[Change], version: int, encoding: str) -> None:
        """Apply content changes in order (ranges in ``encoding`` units, clamped)."""
        self.revision += 1
        for change in changes:
            if change.rng is None:
                self.history.record(self.revision, 0, len(self.text), len(change.text))
                self.text = change.text
            else:
                index = self.index
                start = index.offset(change.rng[0], change.rng[1], encoding)
                end = index.offset(change.rng[2], change.rng[3], encoding)
                if end < start:
                    start, end = end, start
                self.history.record(self.revision, start, end, len(change.text))
                self.text = self.text[:start] + change.text + self.text[end:]
            self._index = None
        self.version = version
        self.epoch += 1
        self.probe = None
        self.edited = True

    def invalidate(self) -> None:
        """Mark the cached analysis stale (settings or a dependency changed)."""
        self.epoch += 1

    @property
    def current(self) -> Snapshot | None:
        """The freshest complete snapshot for the current version (probe-merged when there is one)."""
        for snap in (self.probe, self.snapshot):
            if snap is not None and snap.version == self.version and snap.epoch == self.epoch:
                return snap
        return None

    @property
    def effective(self) -> Snapshot | None:
        """The latest snapshot, current or not (probe-merged when there is one)."""
        return self.probe or self.snapshot

    def keep_full(self, snapshot: Snapshot) -> None:
        """``snapshot`` is complete: answer stale requests from it, forget older edits."""
        self.last_full = snapshot
        self.history.forget_until(snapshot.revision)

    def wake(self) -> None:
        """Wake every request waiting for this document to change state."""
        self.updated.set()
        self.updated = asyncio.Event()


SettingsFor = Callable[[Document], Settings]
OnResult = Callable[[Document, Snapshot], Awaitable[None] | None]
#: The kept analysis of a document's text, if the result cache has one still valid.
KeptFor = Callable[[Document, str, Settings], Analysis | None]
#: Keep an analysis of a document's text in the result cache.
Keep = Callable[[Document, str, Settings, Analysis], None]


def analyze_safe(text: str, path: str, settings: Settings) -> Analysis:
    """The engine, with a last-resort guard so one bad file never takes the server down."""
    try:
        return analyze(text, path, settings)
    except Exception:  # the engine promises not to raise; keep serving if it does
        log.exception("leaf-lsp: analysis of %s failed", path)
        return Analysis(path=path)


def utf8_size(text: str, limit: int) -> int:
    """The UTF-8 size of ``text``, exact when it matters for a comparison with ``limit``."""
    # A character takes 1 to 4 bytes: only encode when the count of characters cannot decide.
    if len(text) > limit or len(text) * 4 <= limit:
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def skipped_analysis(path: str, size: int, limit: int) -> Analysis:
    """What a document over the size limit gets instead of an analysis."""
    message = (
        f"leaf-lsp did not analyse this file: it is {size // 1024} KiB, over the limit of "
        f"{limit // 1024} KiB (setting `maxFileSizeKb`)."
    )
    diagnostic = Diagnostic("LEAF000", "file-too-large", "information", message, Span(1, 0, 1, 0))
    return Analysis(path=path, diagnostics=[diagnostic])


def _first_line(text: str) -> str:
    # A skipped document only needs its first line indexed (the diagnostic is there).
    ends = [i for i in (text.find("\n", 0, 1 << 16), text.find("\r", 0, 1 << 16)) if i >= 0]
    return text[: min(ends)] if ends else text[: 1 << 16]


def _kept_indexed(
    kept_for: KeptFor, doc: Document, text: str, settings: Settings
) -> tuple[Analysis, LineIndex] | None:
    try:
        found = kept_for(doc, text, settings)
    except Exception:  # a cache that fails is only a slower start
        log.exception("leaf-lsp: reading the result cache for %s", doc.path)
        return None
    return None if found is None else (found, LineIndex(text))


def _keep_safe(keep: Keep, doc: Document, text: str, settings: Settings, analysis: Analysis) -> None:
    try:
        keep(doc, text, settings, analysis)
    except Exception:  # noqa: BLE001 - keeping a result is never worth an error
        log.exception("leaf-lsp: keeping the result of %s", doc.path)


def _analyze_indexed(text: str, path: str, settings: Settings) -> tuple[Analysis, LineIndex]:
    if not gc.isenabled():
        # Analyses queued back to back (a hundred files opened at once) get no collection
        # after publishing in between: what the last one left is collected here.
        collect_if_due(True)
    # The line index of a big file takes milliseconds: build it in the worker too.
    return analyze_safe(text, path, settings), LineIndex(text)


class Analyzer:
    """Debounced, latest-version-only analysis of open documents."""

    def __init__(
        self,
        settings_for: SettingsFor,
        on_result: OnResult,
        debounce: float = DEBOUNCE_S,
        workers: int = 1,
        kept_for: KeptFor | None = None,
        keep: Keep | None = None,
    ) -> None:
        self.settings_for = settings_for
        self.on_result = on_result
        self.kept_for = kept_for
        self.keep = keep
        #: Called when a full analysis only added hints to already-published diagnostics.
        self.debounce = debounce
        #: Documents larger than this (UTF-8 bytes) are not analysed.
        self.max_bytes = DEFAULT_MAX_BYTES
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="leaf-analyze")
        self.docs: dict[str, Document] = {}
        #: Counts engine runs (the benchmark and tests read it).
        self.runs = 0
        #: Parse trees of the documents analysed last, so an edit re-parses only what it
        #: touched. A few documents only: a tree takes many times the memory of its text.
        self._parse_caches: OrderedDict[str, ParseCache] = OrderedDict()

    def _parse_cache(self, doc: Document) -> ParseCache | None:
        # Only for documents being edited: opening many files at once must not keep all
        # their trees alive at the same time.
        if not doc.edited:
            return None
        cache = self._parse_caches.pop(doc.uri, None) or ParseCache()
        self._parse_caches[doc.uri] = cache
        while len(self._parse_caches) > PARSE_CACHES:
            self._parse_caches.popitem(last=False)
        return cache

    def get(self, uri: str) -> Document | None:
        """The open document at ``uri``."""
        return self.docs.get(uri)

    def open(self, doc: Document) -> None:
        """Start tracking ``doc`` and analyse it right away (no debounce on open)."""
        old = self.docs.get(doc.uri)
        if old is not None:
            self._close(old)
        self.docs[doc.uri] = doc
        self.schedule(doc, delay=0.0)

    def close(self, uri: str) -> Document | None:
        """Stop tracking ``uri``; pending results for it are dropped."""
        doc = self.docs.pop(uri, None)
        if doc is not None:
            self._close(doc)
        return doc

    def _close(self, doc: Document) -> None:
        doc.closed = True
        self._parse_caches.pop(doc.uri, None)
        if doc.task is not None and not doc.task.done():
            doc.task.cancel()
        doc.updated.set()

    def reanalyze(self, doc: Document) -> None:
        """Analyse ``doc`` again now (its text did not change, its context did)."""
        doc.invalidate()
        doc.probe = None
        doc.context_changed = True
        self.schedule(doc, delay=0.0)

    def schedule(self, doc: Document, delay: float | None = None) -> None:
        """(Re)start the debounce timer of ``doc``; an older pending run is cancelled."""
        if doc.closed:
            return
        if doc.task is not None and not doc.task.done():
            doc.task.cancel()
        wait = self.debounce if delay is None else delay
        doc.debouncing = wait > 0
        doc.task = asyncio.ensure_future(self._run(doc, wait))
        # Requests waiting for this document re-check: they may answer from the last analysis.
        doc.wake()

    async def _run(self, doc: Document, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        doc.debouncing = False
        # One run per document at a time: wait for the one in flight (it will be dropped
        # if stale) rather than piling threads up behind a burst of edits.
        while doc.running is not None and not doc.running.done():
            await asyncio.wait([doc.running])
        if doc.closed:
            return
        version, epoch, text, revision = doc.version, doc.epoch, doc.text, doc.revision
        limit = self.max_bytes
        size = utf8_size(text, limit)
        if size > limit:
            snapshot = Snapshot(
                version=version,
                index=LineIndex(_first_line(text)),
                analysis=skipped_analysis(doc.path, size, limit),
                epoch=epoch,
                revision=revision,
                skipped=True,
            )
            await self._publish(doc, snapshot)
            return
        try:
            settings = self.settings_for(doc)
        except Exception:  # bad configuration must not stop analysis
            log.exception("leaf-lsp: settings for %s", doc.uri)
            settings = Settings()
        loop = asyncio.get_running_loop()

        # One pass gives diagnostics, hints and hover facts together: a diagnostics-only pass
        # interprets every function too (that is what makes its answer the full pass's), so
        # a second pass would only repeat the work. A newer edit stops a run in flight
        # instead of waiting for it to finish.
        def stale() -> bool:
            return doc.closed or doc.epoch != epoch or doc.version != version

        if self.kept_for is not None and doc.snapshot is None and not doc.edited:
            # Just opened: what the result cache kept for this text is shown at once (a
            # package file takes a second to analyse); the full analysis follows.
            kept = await loop.run_in_executor(
                self.executor, _kept_indexed, self.kept_for, doc, text, settings
            )
            if kept is not None and not stale() and self.docs.get(doc.uri) is doc:
                analysis, built = kept
                doc.adopt_index(built)
                await self._publish(doc, Snapshot(version, built, analysis, epoch, revision, kept=True))
        settings = dataclasses.replace(settings, cancelled=stale, parse_cache=self._parse_cache(doc))
        future = loop.run_in_executor(self.executor, _analyze_indexed, text, doc.path, settings)
        doc.running = future
        self.runs += 1
        # Shield: a newer edit cancels this task, but the thread finishes regardless and
        # the next run waits for it above.
        analysis, built = await asyncio.shield(future)
        doc.adopt_index(built)
        if analysis.cancelled or doc.closed or doc.epoch != epoch or self.docs.get(doc.uri) is not doc:
            return
        await self._publish(
            doc, Snapshot(version=version, index=built, analysis=analysis, epoch=epoch, revision=revision)
        )
        if self.keep is not None and not doc.edited:
            self.executor.submit(_keep_safe, self.keep, doc, text, settings, analysis)
        if not gc.isenabled():
            # The server keeps automatic collection off (see serve): collected here, once the
            # result is out, rather than by whichever allocation comes first after an analysis.
            self.executor.submit(collect_if_due, True)

    async def _publish(self, doc: Document, snapshot: Snapshot) -> None:
        """Make ``snapshot`` the document's, wake the requests waiting for it and hand it on.
        A result read from the cache is not complete: stale requests keep the last full one."""
        doc.snapshot = snapshot
        if not snapshot.kept:
            doc.keep_full(snapshot)
        doc.wake()
        result = self.on_result(doc, snapshot)
        if result is not None:
            await result

    async def wait_current(self, doc: Document, hurry: bool = False) -> Snapshot:
        """The snapshot for the document's current version, waiting for it if needed.

        ``hurry``: the client asked for exactly this (a diagnostic pull, which the editor
        debounces itself): start the analysis now rather than after the push debounce.
        """
        while True:
            if doc.closed:
                raise DocumentClosed(doc.uri)
            snap = doc.current
            if snap is not None:
                return snap
            if hurry and doc.debouncing:
                self.schedule(doc, delay=0.0)
            elif doc.task is None or doc.task.done():
                # Nothing pending (e.g. the run was cancelled by a settings change): start one.
                self.schedule(doc, delay=0.0)
            await doc.updated.wait()

    async def wait_usable(self, doc: Document, facts: bool = False) -> Snapshot:
        """A complete snapshot to answer a request about ``doc`` from, waiting only when it must.

        That is the current version's, or while edits are still arriving (the next analysis
        has not even started) the last complete one, for an older text: the caller maps
        positions with ``doc.history`` and says the answer is for an earlier version.
        Without any complete analysis yet, this waits like :meth:`wait_current`. With
        ``facts``, a result read from the cache (no hover facts) is not usable.
        """
        while True:
            if doc.closed:
                raise DocumentClosed(doc.uri)
            snap = doc.current
            if snap is not None and not (facts and snap.kept):
                return snap
            if doc.debouncing and doc.last_full is not None:
                return doc.last_full
            if doc.task is None or doc.task.done():
                self.schedule(doc, delay=0.0)
            await doc.updated.wait()

    def publish_probe(self, doc: Document, snapshot: Snapshot) -> None:
        """Keep a probe-merged snapshot for ``doc`` (only if it is still current)."""
        if doc.closed or snapshot.version != doc.version or snapshot.epoch != doc.epoch:
            return
        # Same version and epoch: the same text as now. Set in place: the caller checks
        # ``doc.probe is snapshot`` to know it was kept.
        snapshot.revision = doc.revision
        doc.probe = snapshot
        doc.keep_full(snapshot)
        doc.wake()

    def shutdown(self) -> None:
        """Stop the worker threads (pending runs are abandoned)."""
        self.executor.shutdown(wait=False, cancel_futures=True)
