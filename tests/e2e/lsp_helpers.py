"""Helpers for the end-to-end language-server tests (pytest-lsp over stdio).

``start(...)`` launches a server subprocess and initialises a session as a real client
would (capabilities replayed from VS Code, Neovim or Emacs). ``fake=True`` runs the server
with the pattern-based fake engine (``fake_engine.py``) so adapter behaviour is tested
independently of the inference; ``fake=False`` runs the real engine.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

HERE = Path(__file__).resolve().parent
CORPUS = Path(__file__).resolve().parents[1] / "corpus_public"
REAL = [sys.executable, "-m", "leaf_lsp.lsp"]
FAKE = [sys.executable, str(HERE / "fake_server.py")]


@asynccontextmanager
async def start(
    root: Path,
    *,
    client: str = "visual-studio-code",
    fake: bool = True,
    options: Any = None,
    configuration: dict[str, Any] | None = None,
    capabilities: lsp.ClientCapabilities | None = None,
) -> AsyncIterator[LanguageClient]:
    """A client connected to a fresh server whose workspace is ``root`` (``capabilities``: instead of ``client``'s)."""
    config = ClientServerConfig(server_command=FAKE if fake else REAL)
    lsp_client: LanguageClient = await config.start()  # type: ignore[assignment]
    _record_publishes(lsp_client)
    if configuration is not None:
        lsp_client.set_configuration(configuration)
    try:
        await lsp_client.initialize_session(
            lsp.InitializeParams(
                capabilities=capabilities or client_capabilities(client),
                root_uri=root.as_uri(),
                workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                initialization_options=options,
            )
        )
        yield lsp_client
        await asyncio.wait_for(lsp_client.shutdown_session(), 20)
    finally:
        server = lsp_client._server
        if server is not None and server.returncode is None:
            # A failed test skips the shutdown handshake; do not wait for an exit forever.
            try:
                await asyncio.wait_for(server.wait(), 2)
            except asyncio.TimeoutError:
                server.kill()
        await lsp_client.stop()


def open_doc(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    """Send didOpen for ``path`` with ``text`` (the file need not exist); returns its URI."""
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
        )
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, edits: list[tuple[lsp.Range | None, str]]) -> None:
    """Send didChange with incremental (range) or full (None) edits."""
    changes: list[lsp.TextDocumentContentChangeEvent] = []
    for rng, text in edits:
        if rng is None:
            changes.append(lsp.TextDocumentContentChangeWholeDocument(text=text))
        else:
            changes.append(lsp.TextDocumentContentChangePartial(range=rng, text=text))
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=changes,
        )
    )


def rng(line: int, char: int, end_line: int, end_char: int) -> lsp.Range:
    """Shorthand for an LSP range."""
    return lsp.Range(lsp.Position(line, char), lsp.Position(end_line, end_char))


def _record_publishes(client: LanguageClient) -> None:
    """Keep every publishDiagnostics (with its version), not just the latest list per URI."""
    published: list[lsp.PublishDiagnosticsParams] = []
    client.published = published  # type: ignore[attr-defined]

    def on_publish(params: lsp.PublishDiagnosticsParams) -> None:
        published.append(params)
        client.diagnostics[params.uri] = params.diagnostics

    client.protocol.fm.features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish


def publishes(client: LanguageClient, uri: str) -> list[lsp.PublishDiagnosticsParams]:
    """Every publishDiagnostics received for ``uri`` so far, in order."""
    return [p for p in client.published if p.uri == uri]  # type: ignore[attr-defined]


async def diagnostics_for(
    client: LanguageClient, uri: str, version: int | None = None, timeout: float = 20.0
) -> list[lsp.Diagnostic]:
    """Wait until diagnostics for ``uri`` (at ``version`` when given) have been published."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for params in reversed(publishes(client, uri)):
            if version is None or params.version == version:
                return list(params.diagnostics)
        await asyncio.sleep(0.02)
    raise TimeoutError(f"no diagnostics for {uri} version {version}")


async def settle(seconds: float = 0.6) -> None:
    """Give the server time to publish anything still pending (debounce is 150 ms)."""
    await asyncio.sleep(seconds)


def line_col(diagnostic: lsp.Diagnostic) -> tuple[int, str]:
    """(1-based line, code) of a diagnostic, the corpus' expect format."""
    return diagnostic.range.start.line + 1, str(diagnostic.code)


def apply_text_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions) to ``text`` the way an editor does."""
    from leaf_lsp.lsp.text import UTF16, LineIndex

    index = LineIndex(text)
    spans = []
    for edit in edits:
        start = index.offset(edit.range.start.line, edit.range.start.character, UTF16)
        end = index.offset(edit.range.end.line, edit.range.end.character, UTF16)
        spans.append((start, end, edit.new_text))
    for start, end, new_text in sorted(spans, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def edits_of(action: lsp.CodeAction, uri: str) -> list[lsp.TextEdit]:
    """The text edits a code action makes to ``uri`` (changes or documentChanges)."""
    edit = action.edit
    assert edit is not None, action.title
    if edit.document_changes:
        out: list[lsp.TextEdit] = []
        for change in edit.document_changes:
            assert isinstance(change, lsp.TextDocumentEdit)
            if change.text_document.uri == uri:
                out.extend(e for e in change.edits if isinstance(e, lsp.TextEdit))
        return out
    assert edit.changes is not None
    return list(edit.changes.get(uri, []))


async def next_publish(
    client: LanguageClient, uri: str, after: int, timeout: float = 20.0
) -> lsp.PublishDiagnosticsParams:
    """The first publish for ``uri`` after the first ``after`` ones."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        seen = publishes(client, uri)
        if len(seen) > after:
            return seen[after]
        await asyncio.sleep(0.02)
    raise TimeoutError(f"no new diagnostics for {uri}")
