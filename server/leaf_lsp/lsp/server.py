"""LSP handlers: each routes one message to the session, the analyzer and the pure builders.

Start with :func:`serve` (stdio, or TCP when given ``(host, port)``).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import os
import sys
import threading
from collections.abc import Generator
from concurrent.futures import Future
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .. import __version__
from .actions import (
    FIX_ALL_KIND,
    GRAPH_COMMAND,
    PROBE_COMMAND,
    PROBE_KIND,
    PROBE_TITLE,
    _wanted,
    code_actions,
    fix_all_action,
    fix_all_text,
)
from .config import parse_client_settings
from .convert import changes_of, from_position, to_range
from .documents import Document, DocumentClosed, Snapshot
from .hover import hover_at
from .inlay import inlay_hints
from .probe_command import graph_response, run_probe, summary
from .rpc import INVALID_PARAMS, INVALID_REQUEST, Rejected, describe_error, message_id, reply_error
from .session import SECTION, Session, tcp_refusal, uri_to_path
from .stale import View, view_of
from .stdio import SWITCH_INTERVAL_S, serve_stdio
from .tcp import TcpError, listen, serve_tcp

log = logging.getLogger(__name__)


class LeafProtocol(LanguageServerProtocol):
    """pygls' protocol, with document sync handed entirely to our own store.

    pygls' workspace splits lines with ``str.splitlines`` (form feeds, U+2028 ... count as
    line breaks there, not in LSP) and would apply every edit a second time; our
    :class:`~leaf_lsp.lsp.documents.Document` follows the LSP rules. Cancellation of a
    running command also reaches the session so the probe can be stopped.

    Every request is answered, also one whose params fail validation (InvalidParams) or
    one sent after ``shutdown`` (InvalidRequest), and no notification leaves anything
    behind in pygls' table of pending requests.
    """

    _server: LeafServer

    def _user(self, method: str, params: Any) -> Generator[Any, Any, None]:
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        """didOpen without pygls' workspace copy."""
        yield from self._user(lsp.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: lsp.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """didChange without pygls' workspace copy."""
        yield from self._user(lsp.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: lsp.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """didClose without pygls' workspace copy."""
        yield from self._user(lsp.TEXT_DOCUMENT_DID_CLOSE, params)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: executeCommand requests whose ``arguments`` was not an array, by id (type name).
        self._malformed_arguments: dict[Any, str] = {}

    def _mark_malformed_arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        """Note executeCommand ``arguments`` that are not an array before they are structured.

        The converter turns a string into a tuple of its characters (a URI would reach the
        command as ``"f", "i", ...``), so the check has to look at the raw JSON.
        """
        if isinstance(data, dict) and data.get("method") == lsp.WORKSPACE_EXECUTE_COMMAND and "id" in data:
            params = data.get("params")
            if isinstance(params, dict) and params.get("arguments") is not None:
                if not isinstance(params["arguments"], list):
                    self._malformed_arguments[data["id"]] = type(params["arguments"]).__name__
                    data = {**data, "params": {**params, "arguments": None}}
        return data

    @lsp_method(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
    def lsp_notebook_document__did_open(
        self, params: lsp.DidOpenNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        """notebookDocument/didOpen without pygls' workspace copy (see the class docstring)."""
        yield from self._user(lsp.NOTEBOOK_DOCUMENT_DID_OPEN, params)

    @lsp_method(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def lsp_notebook_document__did_change(
        self, params: lsp.DidChangeNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        """notebookDocument/didChange without pygls' workspace copy."""
        yield from self._user(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE, params)

    @lsp_method(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def lsp_notebook_document__did_close(
        self, params: lsp.DidCloseNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        """notebookDocument/didClose without pygls' workspace copy."""
        yield from self._user(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE, params)

    @lsp_method(lsp.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(self, params: lsp.ExecuteCommandParams) -> Generator[Any, Any, Any]:
        """executeCommand, refusing ``arguments`` that were not a JSON array."""
        kind = self._malformed_arguments.pop(self.msg_id, None)
        if kind is not None:
            raise JsonRpcInvalidParams(f"`arguments` of {params.command} must be an array, not a {kind}")
        return (yield from super().lsp_workspace__execute_command(params))

    @lsp_method(lsp.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        """Stop serving: exit code 0 after ``shutdown``, 1 without (as LSP says)."""
        self._server.exit_code = 0 if self._shutdown else 1
        handler = self.fm.features.get(lsp.EXIT)
        if handler is not None:
            yield handler, args, None
        # The message loop ends at this event; pygls' own exit raised SystemExit from
        # inside a callback instead, which left pending tasks to die noisily.
        stop = self._server._stop_event
        if stop is not None:
            stop.set()

    @lsp_method(lsp.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        """pygls' shutdown: cancel what is pending (over a copy: cancelling removes entries)."""
        handler = self.fm.features.get(lsp.SHUTDOWN)
        if handler is not None:
            yield handler, args, None
        current = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current and not future.done():
                future.cancel()
        self._shutdown = True

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        super()._handle_cancel_notification(msg_id)
        event = self._server.session.cancel_events.get(msg_id)
        if event is not None:
            event.set()

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        # pygls files the future of every notification (and of every step of a built-in
        # handler) under a fresh id and only ever removes those of requests: one finished
        # future per didChange, forever. Drop each entry once its future is done.
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(functools.partial(self._forget, msg_id))

    def _forget(self, msg_id: Any, future: Future[Any]) -> None:
        if self._request_futures.get(msg_id) is future:
            del self._request_futures[msg_id]

    def _run_generator(
        self,
        future: Future[Any] | None,
        *,
        gen: Generator[Any, Any, Any],
        result_future: Future[Any],
    ) -> None:
        if future is not None and future.cancelled():
            # The handler a built-in one waited for was cancelled (by shutdown, or by the
            # event loop closing on exit): end quietly instead of raising CancelledError
            # out of a callback.
            gen.close()
            if not result_future.done():
                result_future.cancel()
            return
        super()._run_generator(future, gen=gen, result_future=result_future)

    def structure_message(self, data: dict[str, Any]) -> Any:
        """pygls' structuring, with a message that fails validation marked :class:`Rejected`."""
        if not isinstance(data, dict) or "jsonrpc" not in data:
            return data
        data = self._mark_malformed_arguments(data)
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            method = data.get("method")
            # Only a request can be answered; a response with a bad result is just dropped.
            msg_id = message_id(data.get("id")) if isinstance(method, str) else None
            why = describe_error(exc.__cause__ or exc)
            if isinstance(exc, JsonRpcInvalidParams):
                code, text = INVALID_PARAMS, f"invalid params for {method}: {why}"
            else:
                code, text = INVALID_REQUEST, f"invalid request {method}: {why}"
            return Rejected(
                id=msg_id, method=method if isinstance(method, str) else None, code=code, message=text
            )

    def handle_message(self, message: Any) -> None:
        """Route one decoded message; answer every request that cannot be served with an error."""
        if isinstance(message, Rejected):
            if message.id is not None:
                reply_error(self, message.id, message.code, message.message)
            else:
                log.warning("leaf-lsp: dropped a message: %s", message.message)
            return
        method = getattr(message, "method", None)
        msg_id = getattr(message, "id", None)
        if getattr(message, "jsonrpc", None) != self.VERSION:
            # A dict (no "jsonrpc" member), a list (a batch), a scalar, or another version.
            if isinstance(message, dict):
                method, msg_id = message.get("method"), message_id(message.get("id"))
            if isinstance(method, str) and msg_id is not None:
                reply_error(self, msg_id, INVALID_REQUEST, "not a JSON-RPC 2.0 request")
            else:
                log.warning("leaf-lsp: dropped a message that is not JSON-RPC 2.0")
            return
        if self._shutdown and method is not None and method != lsp.EXIT:
            if msg_id is not None:
                reply_error(self, msg_id, INVALID_REQUEST, "the server is shutting down")
            else:
                log.info("leaf-lsp: ignored %s after shutdown", method)
            return
        super().handle_message(message)


#: Jupyter notebooks' Python cells are synced as notebooks (LSP 3.17), so they are analysed together.
NOTEBOOK_SYNC = lsp.NotebookDocumentSyncOptions(
    notebook_selector=[
        lsp.NotebookDocumentFilterWithCells(
            notebook="jupyter-notebook", cells=[lsp.NotebookCellLanguage(language="python")]
        )
    ],
    save=True,
)


class LeafServer(LanguageServer):
    """The leaf-lsp language server."""

    def __init__(self) -> None:
        super().__init__(
            "leaf-lsp", __version__, protocol_cls=LeafProtocol, notebook_document_sync=NOTEBOOK_SYNC
        )
        self.session = Session(self)
        #: Set by ``exit``: 0 after ``shutdown``, 1 without.
        self.exit_code: int | None = None


async def _snapshot(ls: LeafServer, uri: str, hurry: bool = False) -> tuple[Document, Snapshot] | None:
    """The current analysis of ``uri`` (waiting for it), or None for unknown/closed documents."""
    doc = ls.session.analyzer.get(uri)
    if doc is None:
        return None
    try:
        return doc, await ls.session.analyzer.wait_current(doc, hurry)
    except DocumentClosed:
        return None


def create_server() -> LeafServer:
    """A server with every handler registered."""
    server = LeafServer()
    session = server.session

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: LeafServer, params: lsp.InitializeParams) -> None:
        session.initialize(params)
        # pygls has negotiated the encoding by now; set it before any document arrives.
        session.set_encoding(ls.workspace.position_encoding)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: LeafServer, params: lsp.InitializedParams) -> None:
        for problem in session.pending_problems:
            session.show(f"leaf-lsp: {problem}", lsp.MessageType.Warning)
        session.pending_problems.clear()
        registrations = session.registrations()
        if registrations:
            try:
                await asyncio.wait_for(
                    ls.client_register_capability_async(lsp.RegistrationParams(registrations=registrations)),
                    10,
                )
            except Exception:  # an old client without dynamic registration still works
                log.info("leaf-lsp: dynamic registration refused")
        await _pull_configuration(ls)

    async def _pull_configuration(ls: LeafServer) -> None:
        if not session.config_pull:
            return
        try:
            result = await asyncio.wait_for(
                ls.workspace_configuration_async(
                    lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=SECTION)])
                ),
                10,
            )
        except Exception:
            log.info("leaf-lsp: workspace/configuration failed; keeping the current settings")
            return
        if result and isinstance(result[0], dict) and result[0]:
            session.apply_client_settings(result[0])

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: LeafServer, params: Any) -> None:
        session.analyzer.shutdown()

    @server.feature(lsp.EXIT)
    def exit_(ls: LeafServer, params: Any) -> None:
        session.analyzer.shutdown()
        # An analysis thread still busy with a huge file would keep the process alive
        # after exit; give the loop a moment to end cleanly, then leave regardless.
        timer = threading.Timer(3.0, os._exit, args=(ls.exit_code or 0,))
        timer.daemon = True
        timer.start()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LeafServer, params: lsp.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        doc = Document(
            uri=item.uri,
            path=uri_to_path(item.uri),
            text=item.text,
            version=item.version,
            language_id=item.language_id,
        )
        session.analyzer.open(doc)
        session.buffer_changed(doc, opened=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LeafServer, params: lsp.DidChangeTextDocumentParams) -> None:
        doc = session.analyzer.get(params.text_document.uri)
        if doc is None:
            return
        doc.apply(changes_of(params.content_changes), params.text_document.version, session.encoding)
        session.analyzer.schedule(doc)
        session.buffer_changed(doc)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LeafServer, params: lsp.DidSaveTextDocumentParams) -> None:
        doc = session.analyzer.get(params.text_document.uri)
        session.file_changed(doc.path if doc is not None else uri_to_path(params.text_document.uri))
        if doc is not None:
            session.document_saved(doc)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LeafServer, params: lsp.DidCloseTextDocumentParams) -> None:
        doc = session.analyzer.close(params.text_document.uri)
        session.forget_saved(params.text_document.uri)
        if doc is not None:
            session.clear(params.text_document.uri)
            session.buffer_changed(doc, closed=True)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_did_open(ls: LeafServer, params: lsp.DidOpenNotebookDocumentParams) -> None:
        session.notebooks.open(params)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_did_change(ls: LeafServer, params: lsp.DidChangeNotebookDocumentParams) -> None:
        session.notebooks.change(params)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_did_save(ls: LeafServer, params: lsp.DidSaveNotebookDocumentParams) -> None:
        # As for a saved file: cached reads of it are dropped (its cells are analysed from the buffer).
        session.file_changed(uri_to_path(params.notebook_document.uri))

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_did_close(ls: LeafServer, params: lsp.DidCloseNotebookDocumentParams) -> None:
        session.notebooks.close(params)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: LeafServer, params: lsp.DidChangeConfigurationParams) -> None:
        if session.config_pull:
            await _pull_configuration(ls)
            return
        data = params.settings
        if isinstance(data, dict) and SECTION in data:
            data = data[SECTION]
        if data is not None:
            session.apply_client_settings(data)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: LeafServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        project = False
        for event in params.changes:
            path = uri_to_path(event.uri)
            if path.endswith("pyproject.toml"):
                project = True
            elif path.endswith((".py", ".pyi")):
                session.file_changed(path)
        if project:
            session.project_changed()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(ls: LeafServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
        session.folders_changed(
            [uri_to_path(f.uri) for f in params.event.added],
            [uri_to_path(f.uri) for f in params.event.removed],
        )

    @server.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        lsp.DiagnosticOptions(
            identifier="leaf-lsp", inter_file_dependencies=True, workspace_diagnostics=False
        ),
    )
    async def diagnostic(
        ls: LeafServer, params: lsp.DocumentDiagnosticParams
    ) -> lsp.DocumentDiagnosticReport:
        if session.notebooks.is_cell(params.text_document.uri):
            items = await session.notebooks.diagnostics(params.text_document.uri)
            return lsp.RelatedFullDocumentDiagnosticReport(items=items)
        # The editor debounces its pulls itself: no second debounce before answering.
        found = await _snapshot(ls, params.text_document.uri, hurry=True)
        if found is None:
            return lsp.RelatedFullDocumentDiagnosticReport(items=[])
        doc, snap = found
        snap = session.reported(doc, snap)
        # Both analysis phases of one version give the same diagnostics: one result id.
        result_id = f"{snap.version}.{snap.epoch}"
        if params.previous_result_id == result_id:
            return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return lsp.RelatedFullDocumentDiagnosticReport(
            items=session.lsp_diagnostics(snap), result_id=result_id
        )

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    async def inlay_hint(ls: LeafServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        if session.notebooks.is_cell(params.text_document.uri):
            return await session.notebooks.inlay_hints(params)
        view = await view_of(session.analyzer, params.text_document.uri, session.encoding)
        if view is None:
            return []
        snap = view.snap
        if view.positions is None:
            start, end = params.range.start, params.range.end
        else:
            # Positions move with the edits: take every hint, keep those now in the range.
            start, end = lsp.Position(0, 0), lsp.Position(*snap.index.end_position(session.encoding))
        hints = inlay_hints(
            snap.analysis.hints, snap.index, session.encoding, session.client.inlay_hints, start, end
        )
        return view.hints_to_new(hints, params.range.start, params.range.end)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def hover(ls: LeafServer, params: lsp.HoverParams) -> lsp.Hover | None:
        if session.notebooks.is_cell(params.text_document.uri):
            return await session.notebooks.hover(params)
        view = await view_of(session.analyzer, params.text_document.uri, session.encoding, facts=True)
        if view is None:
            return None
        snap = view.snap
        position = view.to_old(params.position)
        if position is None:  # typed since the analysis: nothing known there yet
            return None
        line, col = from_position(snap.index, position, session.encoding)
        found = hover_at(snap.analysis, snap.index.line(line - 1), line, col)
        if found is None:
            return None
        text, span = found
        rng = to_range(snap.index, span, session.encoding) if span is not None else None
        if rng is not None:
            rng = view.range_to_new(rng)
            if rng is None:  # the expression was edited since: its facts may not hold
                return None
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=view.note(text)), range=rng
        )

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND, PROBE_KIND], resolve_provider=False
        ),
    )
    async def code_action(ls: LeafServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        if session.notebooks.is_cell(uri):
            return await session.notebooks.code_actions(params)
        only = list(params.context.only) if params.context.only else None
        view: View | None
        if only and _wanted(FIX_ALL_KIND, only):
            # Fix-all rewrites the whole text: only from an analysis of the current one.
            found = await _snapshot(ls, uri)
            view = (
                None
                if found is None
                else View(doc=found[0], snap=found[1], stale=False, positions=None, version=found[1].version)
            )
        else:
            view = await view_of(session.analyzer, uri, session.encoding)
        if view is None:
            return []
        doc, snap = view.doc, view.snap
        rng = view.range_to_old(params.range)
        if rng is None:
            return []
        actions = view.actions_to_new(
            code_actions(
                uri,
                snap.version,
                snap.analysis,
                snap.index,
                session.encoding,
                rng,
                only,
                session.document_changes,
            ),
            uri,
        )
        has_safe_fix = any(d.fix is not None and d.fix.safe for d in snap.analysis.diagnostics)
        # Fix-all re-analyses until stable, so only when asked for by kind (Source Action
        # menu, codeActionsOnSave), never on every cursor move (only=None).
        if has_safe_fix and only and _wanted(FIX_ALL_KIND, only):
            text = snap.index.text
            settings = session.settings_for(doc)
            loop = asyncio.get_running_loop()
            new_text = await loop.run_in_executor(
                session.analyzer.executor, fix_all_text, text, doc.path, settings
            )
            action = fix_all_action(
                uri, snap.version, text, new_text, snap.index, session.encoding, session.document_changes
            )
            if action is not None:
                actions.append(action)
        return actions

    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    def code_lens(ls: LeafServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens]:
        uri = params.text_document.uri
        if session.notebooks.is_cell(uri):
            return session.notebooks.code_lens(uri)
        if session.analyzer.get(uri) is None:
            return []
        top = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
        return [
            lsp.CodeLens(
                range=top, command=lsp.Command(title=PROBE_TITLE, command=PROBE_COMMAND, arguments=[uri])
            )
        ]

    @server.command(PROBE_COMMAND)
    async def probe(ls: LeafServer, *args: Any) -> dict[str, Any]:
        if len(args) != 1:
            raise JsonRpcInvalidParams("expected [uri]")
        # A cell's "Verify with torch" runs its whole notebook.
        notebook = session.notebooks.notebook_of(args[0]) if isinstance(args[0], str) else None
        uri = notebook.uri if notebook is not None else args[0]
        result, told = await run_probe(session, (uri, *args[1:]), ls.protocol.msg_id)
        return session.notebooks.probe_summary(uri, summary(result, told))

    @server.command(GRAPH_COMMAND)
    async def graph(ls: LeafServer, *args: Any) -> dict[str, str | None]:
        if len(args) > 2 or (len(args) == 2 and args[1] is not None and not isinstance(args[1], str)):
            raise JsonRpcInvalidParams("expected [uri] or [uri, variable name]")
        name = args[1] if len(args) == 2 and args[1] is not None else ""
        notebook = session.notebooks.notebook_of(args[0]) if args and isinstance(args[0], str) else None
        target = (notebook.uri,) if notebook is not None else tuple(args[:1])
        result, _ = await run_probe(session, target, ls.protocol.msg_id, graph=name)
        return graph_response(result)

    return server


def serve(
    tcp: tuple[str, int] | None = None, *, token: str | None = None, allow_remote: bool = False
) -> None:
    """Run the language server on stdio, or on TCP when ``tcp`` is ``(host, port)``.

    Over TCP only loopback addresses are bound unless ``allow_remote``, one client is served, and
    code runs only for a client that presents ``token`` (none without one). Raises
    :class:`~leaf_lsp.lsp.tcp.TcpError` when the address cannot be resolved or bound.
    """
    server = create_server()
    # An analysis allocates millions of objects: automatic collection would then traverse
    # them all on the first allocation after it, before the result is published. The
    # analyzer collects after publishing instead (see Analyzer).
    gc.disable()
    if tcp is None:
        serve_stdio(server)
    else:
        sockets = listen(tcp[0], tcp[1], allow_remote=allow_remote)
        where = ", ".join(_address(sock.getsockname()) for sock in sockets)
        runs = (
            "the probe runs only for a client presenting the token"
            if token
            else "no token (--tcp-token or $LEAF_LSP_TCP_TOKEN), so the probe never runs code"
        )
        # stderr is free in TCP mode; say where we listen and whether code can ever run.
        print(f"leaf-lsp: serving one LSP client on {where}; {runs}", file=sys.stderr, flush=True)
        server.session.tcp_token = token or ""
        # Refused until an initialize request presents the token (a client may skip initialize).
        server.session.transport_refusal = tcp_refusal(token or "", None)
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        serve_tcp(server, sockets)
    if server.exit_code:
        # ``exit`` without ``shutdown``: LSP asks for exit code 1.
        raise SystemExit(server.exit_code)


def _address(sockname: Any) -> str:
    host, port = str(sockname[0]), int(sockname[1])
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


__all__ = ["LeafServer", "TcpError", "create_server", "parse_client_settings", "serve"]
