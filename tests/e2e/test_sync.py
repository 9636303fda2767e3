"""Document sync and diagnostics publishing, with the fake engine (adapter behaviour only)."""

from __future__ import annotations

from pathlib import Path

from lsp_helpers import change, diagnostics_for, open_doc, publishes, rng, settle, start
from lsprotocol import types as lsp

BUGGY = "import torch\nx = torch.ones(3, requires_grad=True)\nx += 1\n"


async def test_open_change_close(tmp_path: Path) -> None:
    async with start(tmp_path) as client:
        uri = open_doc(client, tmp_path / "a.py", BUGGY)
        diags = await diagnostics_for(client, uri, version=1)
        assert [(d.code, d.range) for d in diags] == [("LEAF102", rng(2, 0, 2, 6))]
        d = diags[0]
        assert d.source == "leaf-lsp"
        assert d.severity == lsp.DiagnosticSeverity.Error
        assert d.code_description is not None
        assert d.code_description.href.endswith("docs/rules.md#leaf102")
        assert d.data["fix"]["safe"] is True
        assert d.data["fix"]["edits"][0]["new_text"] == "x = x + 1"

        # Insert a line at the top: the diagnostic moves down, tagged with version 2.
        change(client, uri, 2, [(rng(0, 0, 0, 0), "# header\n")])
        diags = await diagnostics_for(client, uri, version=2)
        assert [(d.code, d.range.start.line) for d in diags] == [("LEAF102", 3)]

        # Fix the bug by hand: diagnostics go away.
        change(client, uri, 3, [(rng(3, 0, 3, 6), "x = x + 1")])
        assert await diagnostics_for(client, uri, version=3) == []

        client.text_document_did_close(
            lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        await settle(0.3)
        last = publishes(client, uri)[-1]
        assert list(last.diagnostics) == [] and last.version is None


async def test_burst_of_edits_publishes_only_final_text(tmp_path: Path) -> None:
    async with start(tmp_path) as client:
        uri = open_doc(client, tmp_path / "b.py", "import torch\nx = torch.ones(3, requires_grad=True)\n")
        await diagnostics_for(client, uri, version=1)
        # 1,000 single-character edits that end with `x += 1` on line 3.
        text = "x += 1\n" * 143
        version = 1
        line, col = 2, 0
        for ch in text[:1000]:
            version += 1
            change(client, uri, version, [(rng(line, col, line, col), ch)])
            if ch == "\n":
                line, col = line + 1, 0
            else:
                col += 1
        final = await diagnostics_for(client, uri, version=version)
        await settle()
        seen = [p.version for p in publishes(client, uri)]
        # Debounced: far fewer analyses than edits, versions only increase, the last is final.
        assert len(seen) < 50
        assert seen == sorted(seen) and seen[-1] == version
        # 1000 chars = 142 lines `x += 1\n` and a last `x += 1`: one LEAF102 per line.
        assert sorted((d.range.start.line, d.code) for d in final) == [(n, "LEAF102") for n in range(2, 145)]


async def test_syntax_error_mid_typing_then_fixed(tmp_path: Path) -> None:
    async with start(tmp_path) as client:
        uri = open_doc(client, tmp_path / "c.py", BUGGY)
        await diagnostics_for(client, uri, version=1)
        change(client, uri, 2, [(rng(3, 0, 3, 0), "y = (x *\n")])
        diags = await diagnostics_for(client, uri, version=2)
        assert [d.code for d in diags] == ["LEAF000"]
        assert diags[0].code_description is None
        change(client, uri, 3, [(rng(3, 8, 3, 8), " 2)")])
        diags = await diagnostics_for(client, uri, version=3)
        assert [(d.code, d.range.start.line) for d in diags] == [("LEAF102", 2)]


async def test_full_document_change_and_crlf(tmp_path: Path) -> None:
    async with start(tmp_path) as client:
        uri = open_doc(client, tmp_path / "d.py", "import torch\r\n")
        assert await diagnostics_for(client, uri, version=1) == []
        change(client, uri, 2, [(None, BUGGY.replace("\n", "\r\n"))])
        diags = await diagnostics_for(client, uri, version=2)
        assert [(d.code, d.range) for d in diags] == [("LEAF102", rng(2, 0, 2, 6))]


async def test_pull_diagnostics_for_neovim(tmp_path: Path) -> None:
    # Neovim 0.11 declares textDocument.diagnostic: the server answers pulls and does not push.
    async with start(tmp_path, client="neovim") as client:
        uri = open_doc(client, tmp_path / "e.py", BUGGY)
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
        assert [(d.code, d.range.start.line) for d in report.items] == [("LEAF102", 2)]
        again = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id
            )
        )
        assert isinstance(again, lsp.RelatedUnchangedDocumentDiagnosticReport)
        change(client, uri, 2, [(rng(2, 0, 2, 6), "x = x + 1")])
        third = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id
            )
        )
        assert isinstance(third, lsp.RelatedFullDocumentDiagnosticReport) and list(third.items) == []
        assert publishes(client, uri) == []


async def test_lint_run_on_save_reports_the_saved_text(tmp_path: Path) -> None:
    path = tmp_path / "s.py"
    clean = "import torch\nx = torch.ones(2)\n"
    async with start(tmp_path, fake=False, options={"lint": {"run": "onSave"}}) as client:
        uri = open_doc(client, path, clean)
        assert await diagnostics_for(client, uri, version=1) == []
        # A bug typed but not saved: diagnostics stay those of the saved text ...
        bad = "import torch\nw = torch.ones(2, requires_grad=True)\nw.add_(1)\n"
        change(client, uri, 2, [(None, bad)])
        await settle()
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng(0, 0, 5, 0))
        )
        assert [h.position.line for h in hints] == [1]  # ... while hints follow the text
        assert all(list(p.diagnostics) == [] for p in publishes(client, uri))
        client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        diags = await diagnostics_for(client, uri, version=2)
        assert [d.code for d in diags] == ["LEAF102"]
