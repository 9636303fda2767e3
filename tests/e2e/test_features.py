"""Inlay hints, hover and code actions through a real LSP session, with the fake engine."""

from __future__ import annotations

from pathlib import Path

from lsp_helpers import apply_text_edits, diagnostics_for, edits_of, open_doc, rng, start
from lsprotocol import types as lsp

from leaf_lsp.fixcheck import parses


def _doc(tmp_path: Path) -> tuple[Path, str]:
    text = (
        "import torch\n"
        "\n"
        "w = torch.zeros(3)\n"
        "ä = torch.ones(3, requires_grad=True)\n"
        "b = ä * 2\n"
        "print('😋'); ä += 1\n"
        "    \n"
        "錯誤 = b * w  # 😋\n"
        "print(b.grad)\n"
    )
    return tmp_path / "feat.py", text


async def test_inlay_hints_for_a_range_not_starting_at_line_0(tmp_path: Path) -> None:
    path, text = _doc(tmp_path)
    async with start(tmp_path) as client:
        uri = open_doc(client, path, text)
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng(3, 0, 8, 0))
        )
        got = [(h.position.line, h.position.character, h.label) for h in hints]
        # Full-document positions, after each target name (錯誤 is two UTF-16 units).
        assert got == [(3, 1, "leaf · grad"), (4, 1, "non-leaf · grad"), (7, 2, "non-leaf · grad")]
        tooltip = hints[1].tooltip
        assert isinstance(tooltip, lsp.MarkupContent)
        assert "line 5: computed from `ä`" in tooltip.value

        # A range that excludes line 3 and starts mid-file.
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng(4, 0, 4, 20))
        )
        assert [(h.position.line, h.label) for h in hints] == [(4, "non-leaf · grad")]


async def test_inlay_hint_settings(tmp_path: Path) -> None:
    path, text = _doc(tmp_path)
    options = {"inlayHints": {"verbosity": "minimal"}}
    async with start(tmp_path, options=options) as client:
        uri = open_doc(client, path, text)
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng(0, 0, 9, 0))
        )
        # Minimal: only the tensors that require grad.
        assert [(h.position.line, h.label) for h in hints] == [(3, "grad"), (4, "grad"), (7, "grad")]
    options = {"inlayHints": {"enabled": False}}
    async with start(tmp_path, options=options) as client:
        uri = open_doc(client, path, text)
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng(0, 0, 9, 0))
        )
        assert not hints


async def test_diagnostic_ranges_in_utf16(tmp_path: Path) -> None:
    path, text = _doc(tmp_path)
    async with start(tmp_path) as client:
        uri = open_doc(client, path, text)
        diags = await diagnostics_for(client, uri, version=1)
        by_code = {d.code: d.range for d in diags}
        # `print('😋'); ä += 1`: the emoji is 2 UTF-16 units, so `ä` starts at 13, not 12.
        assert by_code["LEAF102"] == rng(5, 13, 5, 19)
        assert by_code["LEAF201"] == rng(8, 6, 8, 12)


async def test_hover_shows_facts_reason_and_fix(tmp_path: Path) -> None:
    path, text = _doc(tmp_path)
    async with start(tmp_path) as client:
        uri = open_doc(client, path, text)
        hover = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(4, 0))
        )
        assert hover is not None
        assert isinstance(hover.contents, lsp.MarkupContent)
        value = hover.contents.value
        assert "is_leaf: `False`" in value and "requires_grad: `True`" in value
        assert "line 5: computed from `ä`" in value
        assert hover.range == rng(4, 0, 4, 1)

        # On the statement with LEAF102: the message and the fix title.
        hover = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(5, 14))
        )
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        assert "LEAF102" in hover.contents.value and "Use an out-of-place update" in hover.contents.value

        # Nothing known: no hover.
        hover = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(1, 0))
        )
        assert hover is None


async def test_hover_on_noqa_code_shows_rule_docs(tmp_path: Path) -> None:
    from leaf_lsp.rules.base import all_rules

    code = all_rules()[0].code
    text = f"import torch\nx = 1  # noqa: {code}\n"
    async with start(tmp_path) as client:
        uri = open_doc(client, tmp_path / "n.py", text)
        col = text.splitlines()[1].index(code) + 2
        hover = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(1, col))
        )
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        assert code in hover.contents.value and "## What it does" in hover.contents.value


async def _actions(client, uri: str, r: lsp.Range, only: list[str] | None = None) -> list[lsp.CodeAction]:  # type: ignore[no-untyped-def]
    diags = client.diagnostics.get(uri, [])
    result = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=r,
            context=lsp.CodeActionContext(diagnostics=list(diags), only=only),
        )
    )
    # lsprotocol structures any action that carries a command as a plain Command (its
    # union hook checks for the "command" key), so normalise those back for the tests.
    out: list[lsp.CodeAction] = []
    for item in result or []:
        if isinstance(item, lsp.Command):
            item = lsp.CodeAction(title=item.title, command=item)
        out.append(item)
    return out


async def test_quick_fix_and_disable_for_line(tmp_path: Path) -> None:
    path, text = _doc(tmp_path)
    async with start(tmp_path) as client:
        uri = open_doc(client, path, text)
        await diagnostics_for(client, uri, version=1)
        actions = await _actions(client, uri, rng(5, 14, 5, 14))
        titles = [a.title for a in actions]
        assert "Use an out-of-place update (LEAF102)" in titles
        assert "Disable LEAF102 for this line" in titles
        assert "Verify with torch" in titles
        fix = next(a for a in actions if a.title.startswith("Use an out-of-place"))
        assert fix.kind == lsp.CodeActionKind.QuickFix and fix.is_preferred is True
        assert fix.diagnostics and fix.diagnostics[0].code == "LEAF102"
        fixed = apply_text_edits(text, edits_of(fix, uri))
        assert "print('😋'); ä = ä + 1\n" in fixed and parses(fixed)
        disable = next(a for a in actions if a.title.startswith("Disable"))
        disabled = apply_text_edits(text, edits_of(disable, uri))
        assert "print('😋'); ä += 1  # noqa: LEAF102\n" in disabled and parses(disabled)

        # Apply the fix in the "editor" and re-check: the diagnostic is gone.
        from lsp_helpers import change

        change(client, uri, 2, [(None, fixed)])
        diags = await diagnostics_for(client, uri, version=2)
        assert "LEAF102" not in {d.code for d in diags}

        # Only quick fixes asked for: no source actions.
        only = await _actions(client, uri, rng(8, 7, 8, 7), only=[lsp.CodeActionKind.QuickFix])
        assert [a.title for a in only] == ["Disable LEAF201 for this line"]


async def test_unsafe_fix_is_not_preferred_and_fix_all_skips_it(tmp_path: Path) -> None:
    text = (
        "import torch\n"
        "from torch.autograd import Variable\n"
        "a = torch.ones(2, requires_grad=True)\n"
        "b = torch.ones(2, requires_grad=True)\n"
        "v = Variable(a)\n"
        "a += 1\n"
        "b += 2\n"
    )
    async with start(tmp_path) as client:
        uri = open_doc(client, tmp_path / "fa.py", text)
        diags = await diagnostics_for(client, uri, version=1)
        assert sorted(d.code for d in diags) == ["LEAF102", "LEAF102", "LEAF301"]
        deprecated = next(d for d in diags if d.code == "LEAF301")
        assert list(deprecated.tags or []) == [lsp.DiagnosticTag.Deprecated]
        actions = await _actions(client, uri, rng(4, 5, 4, 5))
        unsafe = next(a for a in actions if "Variable wrapper" in a.title)
        assert not unsafe.is_preferred

        actions = await _actions(client, uri, rng(0, 0, 0, 0), only=["source.fixAll"])
        assert [a.kind for a in actions] == ["source.fixAll.leaf-lsp"]
        fixed = apply_text_edits(text, edits_of(actions[0], uri))
        assert fixed == text.replace("a += 1", "a = a + 1").replace("b += 2", "b = b + 2")
        assert parses(fixed)


async def test_code_lens_offers_verify(tmp_path: Path) -> None:
    path, text = _doc(tmp_path)
    async with start(tmp_path) as client:
        uri = open_doc(client, path, text)
        lenses = await client.text_document_code_lens_async(
            lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        assert lenses is not None and len(lenses) == 1
        assert lenses[0].range.start.line == 0
        assert lenses[0].command is not None
        assert lenses[0].command.command == "leaf-lsp.probe" and list(lenses[0].command.arguments or []) == [
            uri
        ]
