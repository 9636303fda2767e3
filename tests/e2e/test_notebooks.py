"""Notebook documents (LSP 3.17 notebook sync) through a real session with the real engine.

The cells of a notebook are one program: a mistake whose parts lie in different cells is
reported in the cell where it happens, an edit of an earlier cell changes a later cell's
diagnostics, and hints, hover and quick fixes are given per cell in the cell's own lines.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import attrs
from lsp_helpers import apply_text_edits, diagnostics_for, edits_of, next_publish, publishes, rng, start
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from leaf_lsp.fixcheck import parses
from leaf_lsp.lsp.actions import FIX_ALL_KIND, PROBE_TITLE

SETUP = (
    "import torch\n"
    "\n"
    "x = torch.linspace(-1, 1, 50).unsqueeze(1)\n"
    "y = 3 * x + 0.5\n"
    "w = torch.zeros(1, 1, requires_grad=True)\n"
    "b = torch.zeros(1, requires_grad=True)\n"
)
LOOP = (
    "for epoch in range(20):\n"
    "    pred = x @ w + b\n"
    "    loss = ((pred - y) ** 2).mean()\n"
    "    loss.backward()\n"
    "    w -= 0.1 * w.grad\n"
    "    b -= 0.1 * b.grad\n"
)


def _capabilities(client: str) -> lsp.ClientCapabilities:
    caps = client_capabilities(client)
    sync = lsp.NotebookDocumentSyncClientCapabilities(dynamic_registration=False)
    return attrs.evolve(caps, notebook_document=lsp.NotebookDocumentClientCapabilities(synchronization=sync))


def _open(client: LanguageClient, folder: Path, cells: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """Open a notebook of (kind, text) cells; returns its URI and the cells' URIs."""
    uri = (folder / "train.ipynb").as_uri()
    cell_uris = [f"vscode-notebook-cell:{folder / 'train.ipynb'}#cell{i}" for i in range(len(cells))]
    client.notebook_document_did_open(
        lsp.DidOpenNotebookDocumentParams(
            notebook_document=lsp.NotebookDocument(
                uri=uri,
                notebook_type="jupyter-notebook",
                version=1,
                cells=[
                    lsp.NotebookCell(
                        kind=lsp.NotebookCellKind.Code if kind == "code" else lsp.NotebookCellKind.Markup,
                        document=cell_uri,
                    )
                    for (kind, _), cell_uri in zip(cells, cell_uris, strict=True)
                ],
            ),
            cell_text_documents=[
                lsp.TextDocumentItem(
                    uri=cell_uri, language_id="python" if kind == "code" else "markdown", version=1, text=text
                )
                for (kind, text), cell_uri in zip(cells, cell_uris, strict=True)
            ],
        )
    )
    return uri, cell_uris


def _edit(client: LanguageClient, uri: str, cell_uri: str, version: int, where: lsp.Range, text: str) -> None:
    client.notebook_document_did_change(
        lsp.DidChangeNotebookDocumentParams(
            notebook_document=lsp.VersionedNotebookDocumentIdentifier(uri=uri, version=version),
            change=lsp.NotebookDocumentChangeEvent(
                cells=lsp.NotebookDocumentCellChanges(
                    text_content=[
                        lsp.NotebookDocumentCellContentChanges(
                            document=lsp.VersionedTextDocumentIdentifier(uri=cell_uri, version=version),
                            changes=[lsp.TextDocumentContentChangePartial(range=where, text=text)],
                        )
                    ]
                )
            ),
        )
    )


async def _pulled(client: LanguageClient, uri: str) -> list[lsp.Diagnostic]:
    report = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
    return list(report.items)


def _codes(diagnostics: list[lsp.Diagnostic]) -> list[tuple[int, str]]:
    return sorted((d.range.start.line, str(d.code)) for d in diagnostics)


async def test_pulled_diagnostics_follow_edits_of_earlier_cells(tmp_path: Path) -> None:
    async with start(tmp_path, fake=False, capabilities=_capabilities("neovim")) as client:
        uri, cells = _open(
            client, tmp_path, [("markdown", "# Fit a line\n"), ("code", SETUP), ("code", LOOP)]
        )
        # The parameters are made in cell 2, the in-place update that raises is in cell 3.
        assert (4, "LEAF102") in _codes(await _pulled(client, cells[2]))
        assert _codes(await _pulled(client, cells[1])) == []
        assert await _pulled(client, cells[0]) == []
        # Cell 2 no longer asks for grad: cell 3's in-place updates are plain tensor updates.
        line = SETUP.splitlines()[4]
        start_col = line.index("requires_grad=True")
        _edit(client, uri, cells[1], 2, rng(4, start_col, 4, start_col + len("requires_grad=True")), "")
        _edit(client, uri, cells[1], 3, rng(5, 0, 5, len(SETUP.splitlines()[5])), "b = torch.zeros(1)")
        assert "LEAF102" not in {code for _, code in _codes(await _pulled(client, cells[2]))}


async def test_pushed_diagnostics_hints_hover_and_quick_fix_per_cell(tmp_path: Path) -> None:
    async with start(tmp_path, fake=False, capabilities=_capabilities("visual-studio-code")) as client:
        uri, cells = _open(client, tmp_path, [("code", SETUP), ("markdown", "Train:\n"), ("code", LOOP)])
        diagnostics = await diagnostics_for(client, cells[2], version=1)
        assert (4, "LEAF102") in _codes(diagnostics)
        assert publishes(client, uri) == []  # nothing is reported against the notebook itself
        assert (await diagnostics_for(client, cells[0], version=1)) == []

        # Hints, in each cell's own lines.
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=cells[0]), range=rng(0, 0, 6, 0))
        )
        assert [(h.position.line, h.label) for h in hints if h.position.line == 4] == [(4, "leaf · grad")]
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=cells[2]), range=rng(0, 0, 6, 0))
        )
        assert (1, "non-leaf · grad") in [(h.position.line, h.label) for h in hints]

        hover = await client.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=cells[2]),
                position=lsp.Position(1, LOOP.splitlines()[1].index("w")),
            )
        )
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        assert "requires grad" in hover.contents.value, hover.contents.value

        # The quick fix edits cell 3 only, and leaves it parsing.
        diag = next(d for d in diagnostics if d.code == "LEAF102")
        actions = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=cells[2]),
                range=diag.range,
                context=lsp.CodeActionContext(diagnostics=[diag]),
            )
        )
        fix = next(a for a in actions if a.kind == lsp.CodeActionKind.QuickFix and "no_grad" in a.title)
        edits = edits_of(fix, cells[2])
        fixed = apply_text_edits(LOOP, edits)
        assert "with torch.no_grad():" in fixed and parses(fixed)
        assert fix.edit is not None and set((fix.edit.changes or {}).keys()) <= {cells[2]}

        # The probe action and lens run the notebook, not a single cell.
        # (The client structures that action as a Command whose `command` holds the rest.)
        assert any(a.title == PROBE_TITLE and f"'arguments': ['{uri}']" in str(a.command) for a in actions)
        lenses = await client.text_document_code_lens_async(
            lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=cells[0]))
        )
        assert [list(lens.command.arguments or ()) for lens in lenses if lens.command] == [[uri]]
        assert not await client.text_document_code_lens_async(
            lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=cells[2]))
        )

        # Fix all (the Source Action / on save) rewrites cell 3 only, with every safe fix.
        fix_all = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=cells[2]),
                range=rng(0, 0, 0, 0),
                context=lsp.CodeActionContext(diagnostics=[], only=[FIX_ALL_KIND]),
            )
        )
        (whole,) = [a for a in fix_all if isinstance(a, lsp.CodeAction) and a.kind == FIX_ALL_KIND]
        assert apply_text_edits(LOOP, edits_of(whole, cells[2])) == fixed

        # Applying the fix in cell 3 clears its LEAF102 (a new publish for version 2).
        seen = len(publishes(client, cells[2]))
        for number, edit in enumerate(
            sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
        ):
            _edit(client, uri, cells[2], 2 + number, edit.range, edit.new_text)
        await asyncio.sleep(0)
        after = await diagnostics_for(client, cells[2], version=1 + len(edits))
        assert "LEAF102" not in {str(d.code) for d in after}
        assert len(publishes(client, cells[2])) > seen


async def test_magics_and_a_cell_that_does_not_parse(tmp_path: Path) -> None:
    async with start(tmp_path, fake=False, capabilities=_capabilities("neovim")) as client:
        _, cells = _open(
            client,
            tmp_path,
            [
                ("code", "%matplotlib inline\n!pip install torch\n" + SETUP),
                ("code", "def broken(:\n"),
                ("code", LOOP),
            ],
        )
        assert _codes(await _pulled(client, cells[0])) == []
        assert [code for _, code in _codes(await _pulled(client, cells[1]))] == ["LEAF000"]
        assert (4, "LEAF102") in _codes(await _pulled(client, cells[2]))
        uri = (tmp_path / "train.ipynb").as_uri()
        client.notebook_document_did_save(
            lsp.DidSaveNotebookDocumentParams(notebook_document=lsp.NotebookDocumentIdentifier(uri=uri))
        )
        client.notebook_document_did_close(
            lsp.DidCloseNotebookDocumentParams(
                notebook_document=lsp.NotebookDocumentIdentifier(uri=uri),
                cell_text_documents=[lsp.TextDocumentIdentifier(uri=c) for c in cells],
            )
        )
        # Closed: its cells are no longer known.
        assert await _pulled(client, cells[2]) == []


async def test_verify_with_torch_from_a_cell_runs_the_notebook(tmp_path: Path) -> None:
    # Static analysis cannot see through getattr; the run does, in cell 3.
    hidden = 'getattr(w, "add_")(1)\n'
    options = {"trusted": True}
    async with start(
        tmp_path, fake=False, options=options, capabilities=_capabilities("visual-studio-code")
    ) as client:
        uri, cells = _open(
            client,
            tmp_path,
            [("code", "%matplotlib inline\n" + SETUP), ("markdown", "Then:\n"), ("code", hidden)],
        )
        assert await diagnostics_for(client, cells[2], version=1) == []
        seen = len(publishes(client, cells[2]))
        result = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[cells[2]])
        )
        assert result["ok"] is True, result
        assert (result["exception"]["cell"], result["exception"]["line"]) == (3, 1), result
        assert result["exception"]["type"] == "RuntimeError"
        published = await next_publish(client, cells[2], seen)
        assert [(d.range.start.line, d.source) for d in published.diagnostics] == [(0, "leaf-lsp (probe)")]
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=cells[0]), range=rng(0, 0, 7, 0))
        )
        assert (5, "leaf · grad ✓") in [(h.position.line, h.label) for h in hints]
