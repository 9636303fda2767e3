"""Settings: initializationOptions, workspace/configuration, pyproject.toml, bad values."""

from __future__ import annotations

from pathlib import Path

from lsp_helpers import diagnostics_for, next_publish, open_doc, publishes, start
from lsprotocol import types as lsp

BUGGY = "import torch\nx = torch.ones(3, requires_grad=True)\nx += 1\n"


async def test_initialization_options_select_rules(tmp_path: Path) -> None:
    async with start(tmp_path, options={"ignore": ["LEAF102"]}) as client:
        uri = open_doc(client, tmp_path / "a.py", BUGGY)
        assert await diagnostics_for(client, uri, version=1) == []


async def test_configuration_change_reanalyses_open_documents(tmp_path: Path) -> None:
    async with start(tmp_path, configuration={"": {"leaf-lsp": {}}}) as client:
        uri = open_doc(client, tmp_path / "a.py", BUGGY)
        diags = await diagnostics_for(client, uri, version=1)
        assert [d.severity for d in diags] == [lsp.DiagnosticSeverity.Error]
        count = len(publishes(client, uri))
        client.set_configuration({"severity": {"LEAF102": "information"}}, section="leaf-lsp")
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
        params = await next_publish(client, uri, count)
        assert [(d.code, d.severity) for d in params.diagnostics] == [
            ("LEAF102", lsp.DiagnosticSeverity.Information)
        ]


async def test_pushed_configuration_without_pull_support(tmp_path: Path) -> None:
    # Emacs 29's capabilities: configuration pull is declared, so use a settings push that
    # names the section; the server must accept both shapes.
    async with start(tmp_path, client="emacs", configuration={"": {}}) as client:
        uri = open_doc(client, tmp_path / "a.py", BUGGY)
        assert [d.code for d in await diagnostics_for(client, uri, version=1)] == ["LEAF102"]
        count = len(publishes(client, uri))
        client.set_configuration({"ignore": ["LEAF1"]}, section="leaf-lsp")
        client.workspace_did_change_configuration(
            lsp.DidChangeConfigurationParams(settings={"leaf-lsp": {"ignore": ["LEAF1"]}})
        )
        params = await next_publish(client, uri, count)
        assert list(params.diagnostics) == []


async def test_invalid_settings_warn_and_fall_back_to_defaults(tmp_path: Path) -> None:
    options = {"select": 5, "inlayHints": "yes", "probe": {"timeout": -3}, "severity": {"LEAF102": "fatal"}}
    async with start(tmp_path, options=options) as client:
        uri = open_doc(client, tmp_path / "a.py", BUGGY)
        diags = await diagnostics_for(client, uri, version=1)
        assert [(d.code, d.severity) for d in diags] == [("LEAF102", lsp.DiagnosticSeverity.Error)]
        warnings = [m.message for m in client.messages if m.type == lsp.MessageType.Warning]
        assert any("`select`" in m for m in warnings)
        assert any("inlayHints" in m for m in warnings)
        assert any("probe.timeout" in m for m in warnings)
        assert any("severity" in m for m in warnings)


async def test_pyproject_settings_win_and_are_watched(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.leaf-lsp]\nignore = ["LEAF102"]\n')
    async with start(tmp_path, options={"select": ["LEAF"]}) as client:
        uri = open_doc(client, tmp_path / "pkg" / "a.py", BUGGY)
        assert await diagnostics_for(client, uri, version=1) == []
        count = len(publishes(client, uri))
        pyproject.write_text("[tool.leaf-lsp]\nignore = []\n")
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(
                changes=[lsp.FileEvent(uri=pyproject.as_uri(), type=lsp.FileChangeType.Changed)]
            )
        )
        params = await next_publish(client, uri, count)
        assert [d.code for d in params.diagnostics] == ["LEAF102"]


async def test_file_outside_any_workspace_folder(tmp_path: Path) -> None:
    inside = tmp_path / "ws"
    inside.mkdir()
    async with start(inside) as client:
        uri = open_doc(client, tmp_path / "elsewhere.py", BUGGY)
        assert [d.code for d in await diagnostics_for(client, uri, version=1)] == ["LEAF102"]
        untitled = "untitled:Untitled-1"
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(uri=untitled, language_id="python", version=1, text=BUGGY)
            )
        )
        assert [d.code for d in await diagnostics_for(client, untitled, version=1)] == ["LEAF102"]
