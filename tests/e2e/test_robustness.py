"""Bad input and hostile timing: the server answers or errors cleanly and keeps serving."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsp_helpers import change, diagnostics_for, open_doc, rng, start
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

BUGGY = "import torch\nx = torch.ones(3, requires_grad=True)\nx += 1\n"


async def _alive(client: LanguageClient, tmp_path: Path) -> None:
    """The server still analyses and answers."""
    uri = open_doc(client, tmp_path / "alive.py", BUGGY)
    assert [d.code for d in await diagnostics_for(client, uri, version=1)] == ["LEAF102"]
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(1, 0))
    )
    assert hover is not None


async def test_cancelled_hover_gets_request_cancelled(tmp_path: Path) -> None:
    async with start(tmp_path) as client:
        # The fake engine takes 1.5 s on this text, so the hover waits for the analysis.
        uri = open_doc(client, tmp_path / "slow.py", "# SLOW_ANALYSIS\n" + BUGGY)
        params = lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(2, 0)
        )
        future = asyncio.ensure_future(
            client.protocol.send_request_async(lsp.TEXT_DOCUMENT_HOVER, params, msg_id="hover-1")
        )
        await asyncio.sleep(0.1)
        client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="hover-1"))
        with pytest.raises(JsonRpcRequestCancelled):
            await asyncio.wait_for(future, 10)
        # The same request, not cancelled, is answered once the analysis is done.
        hover = await client.text_document_hover_async(params)
        assert hover is not None
        await _alive(client, tmp_path)


async def test_unknown_documents_and_out_of_range_positions(tmp_path: Path) -> None:
    async with start(tmp_path) as client:
        missing = lsp.TextDocumentIdentifier(uri=(tmp_path / "never-opened.py").as_uri())
        far = lsp.Position(10_000, 10_000)
        assert (
            await client.text_document_hover_async(lsp.HoverParams(text_document=missing, position=far))
            is None
        )
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=missing, range=lsp.Range(far, far))
        )
        assert not hints
        uri = open_doc(client, tmp_path / "a.py", BUGGY)
        await diagnostics_for(client, uri, version=1)
        doc = lsp.TextDocumentIdentifier(uri=uri)
        assert (
            await client.text_document_hover_async(lsp.HoverParams(text_document=doc, position=far)) is None
        )
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=doc, range=rng(5, 0, 10_000, 0))
        )
        assert not hints
        actions = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=doc, range=lsp.Range(far, far), context=lsp.CodeActionContext([])
            )
        )
        assert all("LEAF102" not in a.title for a in actions or [])
        # A change for a document that is not open, and one with a range past the end.
        change(client, (tmp_path / "ghost.py").as_uri(), 5, [(rng(0, 0, 0, 0), "x")])
        change(client, uri, 2, [(rng(999, 3, 1000, 0), "\ny = 1\n")])
        diags = await diagnostics_for(client, uri, version=2)
        assert [d.code for d in diags] == ["LEAF102"]
        await _alive(client, tmp_path)


async def test_non_utf8_content_and_lone_surrogates(tmp_path: Path) -> None:
    async with start(tmp_path) as client:
        # JSON can carry lone surrogates (\\udcff), e.g. a file decoded with surrogateescape.
        text = "import torch\ns = '\udcff'\nx = torch.ones(3, requires_grad=True)\nx += 1\n"
        uri = open_doc(client, tmp_path / "bad.py", text)
        diags = await diagnostics_for(client, uri, version=1)
        assert all(d.range.start.line < 5 for d in diags)
        hover = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(1, 5))
        )
        del hover  # any answer is fine; an error response is not
        # A pyproject.toml that is not UTF-8 is reported, not fatal.
        (tmp_path / "pyproject.toml").write_bytes(b"[tool.leaf-lsp]\nignore = ['\xff\xfe']\n")
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(
                changes=[
                    lsp.FileEvent(uri=(tmp_path / "pyproject.toml").as_uri(), type=lsp.FileChangeType.Changed)
                ]
            )
        )
        await _alive(client, tmp_path)


async def test_huge_file_and_deep_nesting(tmp_path: Path) -> None:
    # Over the default size limit (5 MiB): raise it, this measures the adapter on a big file.
    async with start(tmp_path, options={"maxFileSizeKb": 20_000}) as client:
        # About 10 MB: mostly long comment lines, so the (slow, pure-Python) fake engine
        # stays quick and the test measures the adapter, not the analysis.
        big = "import torch\n" + ("#" + "x" * 98 + "\n") * 100_000 + "w = torch.zeros(3)\n" * 1000
        assert len(big) > 10_000_000
        uri = open_doc(client, tmp_path / "big.py", big)
        await diagnostics_for(client, uri, version=1, timeout=120)
        change(client, uri, 2, [(rng(1, 0, 1, 0), "v = torch.ones(1, requires_grad=True)\nv += 1\n")])
        diags = await diagnostics_for(client, uri, version=2, timeout=120)
        assert [(d.code, d.range.start.line) for d in diags] == [("LEAF102", 2)]
        deep = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n" + "y = [" * 3000 + "]" * 3000 + "\n"
        uri2 = open_doc(client, tmp_path / "deep.py", deep)
        await diagnostics_for(client, uri2, version=1, timeout=60)
        await _alive(client, tmp_path)


async def test_malformed_command_arguments(tmp_path: Path) -> None:
    async with start(tmp_path) as client:
        for args in ([], [42], ["file:///not/open.py"]):
            with pytest.raises(JsonRpcException):
                await client.workspace_execute_command_async(
                    lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=args)
                )
        await _alive(client, tmp_path)
