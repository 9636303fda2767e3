"""The server with the real engine, checked against the corpus' documented run-time truth."""

from __future__ import annotations

import json
from pathlib import Path

from lsp_helpers import (
    CORPUS,
    apply_text_edits,
    change,
    diagnostics_for,
    edits_of,
    line_col,
    open_doc,
    rng,
    start,
)
from lsprotocol import types as lsp

from leaf_lsp.fixcheck import parses


def _copy(name: str, tmp_path: Path) -> tuple[Path, str]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, text


async def test_corpus_diagnostics_match_expectations(tmp_path: Path) -> None:
    cases = sorted(CORPUS.glob("*.expect.json"))
    assert cases, "the shared corpus is missing"
    mismatches: list[str] = []
    async with start(tmp_path, fake=False) as client:
        uris = {}
        for expect in cases:
            name = expect.name.replace(".expect.json", ".py")
            path, text = _copy(name, tmp_path)
            uris[name] = (open_doc(client, path, text), expect)
        for name, (uri, expect) in uris.items():
            want = {(d["line"], d["code"]) for d in json.loads(expect.read_text())["diagnostics"]}
            got = {line_col(d) for d in await diagnostics_for(client, uri, version=1, timeout=60)}
            if got != want:
                mismatches.append(f"{name}: expected {sorted(want)}, got {sorted(got)}")
    assert not mismatches, "\n".join(mismatches)


async def test_inplace_on_leaf_fix_applies_and_clears(tmp_path: Path) -> None:
    path, text = _copy("011_augassign_bias_correction.py", tmp_path)
    async with start(tmp_path, fake=False) as client:
        uri = open_doc(client, path, text)
        diags = await diagnostics_for(client, uri, version=1)
        assert [(d.code, d.range) for d in diags] == [("LEAF102", rng(4, 0, 4, 6))]
        assert diags[0].code_description is not None
        assert diags[0].code_description.href.endswith("#leaf102")
        result = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=rng(4, 2, 4, 2),
                context=lsp.CodeActionContext(diagnostics=diags, only=[lsp.CodeActionKind.QuickFix]),
            )
        )
        actions = [a for a in result or [] if isinstance(a, lsp.CodeAction)]
        fix = next(a for a in actions if a.is_preferred)
        fixed = apply_text_edits(text, edits_of(fix, uri))
        assert parses(fixed) and fixed != text
        change(client, uri, 2, [(None, fixed)])
        assert "LEAF102" not in {d.code for d in await diagnostics_for(client, uri, version=2)}


async def test_hints_hover_and_fix_all_on_intermediate_grad(tmp_path: Path) -> None:
    path, text = _copy("034_intermediate_grad_none.py", tmp_path)
    async with start(tmp_path, fake=False) as client:
        uri = open_doc(client, path, text)
        diags = await diagnostics_for(client, uri, version=1)
        assert [(d.code, d.range) for d in diags] == [("LEAF201", rng(7, 6, 7, 12))]
        doc = lsp.TextDocumentIdentifier(uri=uri)
        # Lines 4-5 (1-based) only: `b` and `c`, both non-leaf; `a` on line 3 is outside.
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=doc, range=rng(3, 0, 5, 0))
        )
        assert [(h.position.line, h.position.character, h.label) for h in hints] == [
            (3, 1, "non-leaf · grad"),
            (4, 1, "non-leaf · grad"),
        ]
        hover = await client.text_document_hover_async(
            lsp.HoverParams(text_document=doc, position=lsp.Position(7, 6))
        )
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        value = hover.contents.value
        assert "is_leaf: `False`" in value and "requires_grad: `True`" in value
        assert "line 4:" in value  # the reason chain names where b became a non-leaf
        assert "LEAF201" in value and "retain_grad" in value

        result = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=doc,
                range=rng(0, 0, 0, 0),
                context=lsp.CodeActionContext([], only=["source.fixAll"]),
            )
        )
        actions = [a for a in result or [] if isinstance(a, lsp.CodeAction)]
        assert [a.kind for a in actions] == ["source.fixAll.leaf-lsp"]
        fixed = apply_text_edits(text, edits_of(actions[0], uri))
        assert parses(fixed) and "retain_grad()" in fixed
        change(client, uri, 2, [(None, fixed)])
        assert await diagnostics_for(client, uri, version=2) == []


async def test_real_engine_survives_deep_nesting_and_garbage(tmp_path: Path) -> None:
    async with start(tmp_path, fake=False) as client:
        deep = (
            "import torch\nx = "
            + "(" * 3000
            + "1"
            + ")" * 3000
            + "\n"
            + "y = "
            + "[" * 150
            + "]" * 150
            + "\n"
        )
        uri = open_doc(client, tmp_path / "deep.py", deep)
        await diagnostics_for(client, uri, version=1, timeout=60)
        garbage = "\x00\udcff def (:\n\tclass\n" * 50
        uri2 = open_doc(client, tmp_path / "garbage.py", garbage)
        diags = await diagnostics_for(client, uri2, version=1, timeout=60)
        assert [d.code for d in diags] == ["LEAF000"]
        path, text = _copy("011_augassign_bias_correction.py", tmp_path)
        uri3 = open_doc(client, path, text)
        assert [d.code for d in await diagnostics_for(client, uri3, version=1)] == ["LEAF102"]


async def test_line_separator_inside_a_string_keeps_columns(tmp_path: Path) -> None:
    text = 'import torch\nx = torch.tensor([1.0], requires_grad=True)\ns = "\u2028"; x += 1\n'
    async with start(tmp_path, fake=False) as client:
        uri = open_doc(client, tmp_path / "sep.py", text)
        diags = await diagnostics_for(client, uri, version=1)
        assert [(d.code, d.range) for d in diags] == [("LEAF102", rng(2, 9, 2, 15))]
