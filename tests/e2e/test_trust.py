"""Trust fails closed: the probe runs only when the client said, with a JSON ``true``, that the
workspace is trusted, the document is in the probe's scope, and later settings never widen it.

Every program here writes a marker file when it runs, so "refused" means "nothing ran".
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from lsp_helpers import FAKE, _record_publishes, diagnostics_for, open_doc, settle, start
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.slow

#: Generous: on the old code some of these really start the probe (torch import on a busy machine).
PROBE_WAIT_S = 180.0


def _program(marker: Path) -> str:
    return f"open({str(marker)!r}, 'w').write('ran')\n"


async def _probe(client: LanguageClient, command: str, arguments: Any) -> Any:
    return await asyncio.wait_for(
        client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command=command, arguments=arguments)
        ),
        PROBE_WAIT_S,
    )


async def _refused(client: LanguageClient, uri: str, marker: Path, words: str) -> None:
    with pytest.raises(JsonRpcException) as info:
        await _probe(client, "leaf-lsp.probe", [uri])
    assert words in info.value.message
    assert not marker.exists()


async def _send_raw(client: LanguageClient, command: str, arguments: Any) -> Any:
    """executeCommand with ``arguments`` exactly as given, as JSON.

    The typed client would turn a string into a list of its characters before sending it.
    """
    msg_id = f"raw-{uuid.uuid4()}"
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._send_data(
        {
            "jsonrpc": "2.0",
            "id": msg_id,
            "method": lsp.WORKSPACE_EXECUTE_COMMAND,
            "params": {"command": command, "arguments": arguments},
        }
    )
    return await future


@asynccontextmanager
async def start_without_pull(root: Path, options: Any) -> AsyncIterator[LanguageClient]:
    """A client that cannot answer workspace/configuration, so settings arrive as pushes."""
    caps = client_capabilities("visual-studio-code")
    assert caps.workspace is not None
    caps.workspace.configuration = False
    client: LanguageClient = await ClientServerConfig(server_command=FAKE).start()  # type: ignore[assignment]
    _record_publishes(client)
    try:
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=caps,
                root_uri=root.as_uri(),
                workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                initialization_options=options,
            )
        )
        yield client
        await asyncio.wait_for(client.shutdown_session(), 20)
    finally:
        server = client._server
        if server is not None and server.returncode is None:
            try:
                await asyncio.wait_for(server.wait(), 2)
            except asyncio.TimeoutError:
                server.kill()
        await client.stop()


@pytest.mark.parametrize(
    "options",
    [
        None,
        {},
        {"trusted": None},
        {"trusted": "false"},
        {"trusted": "true"},
        {"trusted": 0},
        {"trusted": 1},
        {"trusted": False, "leaf-lsp": {"probe": {"timeout": 60}}},
        {"trusted": True, "leaf-lsp": {"trusted": False}},
    ],
    ids=["absent", "empty", "null", "str-false", "str-true", "zero", "one", "outer-false", "inner-false"],
)
async def test_anything_but_json_true_is_untrusted(tmp_path: Path, options: Any) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.py"
    path.write_text(_program(marker))
    async with start(tmp_path, options=options, configuration={"": {"leaf-lsp": {}}}) as client:
        uri = open_doc(client, path, path.read_text())
        await diagnostics_for(client, uri, version=1)
        await _refused(client, uri, marker, "not trusted")


async def test_pushed_settings_cannot_widen_trust(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.py"
    path.write_text(_program(marker))
    async with start_without_pull(tmp_path, {"trusted": False}) as client:
        uri = open_doc(client, path, path.read_text())
        await diagnostics_for(client, uri, version=1)
        for pushed in ({"leaf-lsp": {"trusted": True}}, {"trusted": True}, {"trusted": True, "leaf-lsp": {}}):
            client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=pushed))
            await settle()
            await _refused(client, uri, marker, "not trusted")


async def test_pushed_settings_can_narrow_trust(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.py"
    path.write_text(_program(marker))
    async with start_without_pull(tmp_path, {"trusted": True}) as client:
        uri = open_doc(client, path, path.read_text())
        await diagnostics_for(client, uri, version=1)
        client.workspace_did_change_configuration(
            lsp.DidChangeConfigurationParams(settings={"leaf-lsp": {"trusted": "yes"}})
        )
        await settle()
        await _refused(client, uri, marker, "not trusted")


async def test_file_outside_the_workspace_is_not_run(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    marker = tmp_path / "ran"
    outside = tmp_path / "elsewhere.py"
    outside.write_text(_program(marker))
    async with start(root, options={"trusted": True}) as client:
        uri = open_doc(client, outside, outside.read_text())
        await diagnostics_for(client, uri, version=1)
        await _refused(client, uri, marker, "probe.scope")


async def test_symlink_out_of_the_workspace_is_not_run(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    marker = tmp_path / "ran"
    outside = tmp_path / "elsewhere.py"
    outside.write_text(_program(marker))
    (root / "link.py").symlink_to(outside)
    async with start(root, options={"trusted": True}) as client:
        uri = open_doc(client, root / "link.py", outside.read_text())
        await diagnostics_for(client, uri, version=1)
        await _refused(client, uri, marker, "probe.scope")


async def test_untitled_buffer_is_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    async with start(tmp_path, options={"trusted": True}) as client:
        uri = "untitled:Untitled-1"
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=_program(marker)
                )
            )
        )
        await diagnostics_for(client, uri, version=1)
        await _refused(client, uri, marker, "probe.scope")


async def test_scope_any_runs_an_untitled_buffer(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    options = {"trusted": True, "probe": {"scope": "any", "timeout": 600}}
    async with start(tmp_path, options=options) as client:
        uri = "untitled:Untitled-1"
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=_program(marker)
                )
            )
        )
        await diagnostics_for(client, uri, version=1)
        result = await _probe(client, "leaf-lsp.probe", [uri])
        assert result["ok"] is True, result
        assert marker.read_text() == "ran"


async def test_bad_scope_setting_warns_and_keeps_the_workspace_scope(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    marker = tmp_path / "ran"
    outside = tmp_path / "elsewhere.py"
    outside.write_text(_program(marker))
    async with start(root, options={"trusted": True, "probe": {"scope": "everywhere"}}) as client:
        uri = open_doc(client, outside, outside.read_text())
        await diagnostics_for(client, uri, version=1)
        warnings = [m.message for m in client.messages if m.type == lsp.MessageType.Warning]
        assert any("probe.scope" in m for m in warnings)
        await _refused(client, uri, marker, "probe.scope")


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        ("leaf-lsp.graph", "FILE"),
        ("leaf-lsp.probe", "FILE"),
        ("leaf-lsp.graph", {"uri": "FILE"}),
        ("leaf-lsp.graph", ["FILE", 5]),
        ("leaf-lsp.graph", ["FILE", "x", "extra"]),
        ("leaf-lsp.probe", ["FILE", "extra"]),
    ],
    ids=["graph-string", "probe-string", "graph-object", "graph-int-name", "graph-three", "probe-two"],
)
async def test_malformed_command_arguments_are_invalid_params(
    tmp_path: Path, command: str, arguments: Any
) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.py"
    path.write_text(_program(marker))
    async with start(tmp_path, options={"trusted": True}) as client:
        uri = open_doc(client, path, path.read_text())
        await diagnostics_for(client, uri, version=1)
        if isinstance(arguments, str):
            raw: Any = uri
        elif isinstance(arguments, dict):
            raw = {"uri": uri}
        else:
            raw = [uri if a == "FILE" else a for a in arguments]
        with pytest.raises(JsonRpcException) as info:
            await asyncio.wait_for(_send_raw(client, command, raw), PROBE_WAIT_S)
        assert info.value.code == -32602, info.value.message  # InvalidParams
        if not isinstance(arguments, list):
            # Not "document not open: f": the array itself is what is wrong.
            assert "must be an array" in info.value.message
        assert not marker.exists()
