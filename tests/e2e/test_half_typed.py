"""Half-typed code keeps the rest of the file: an unclosed bracket in one function leaves the
diagnostics and hints of the others in place, and LEAF000 only at the broken statement."""

from __future__ import annotations

from pathlib import Path

from lsp_helpers import change, diagnostics_for, open_doc, rng, start
from lsprotocol import types as lsp

TEXT = """\
import torch


def first():
    w = torch.randn(3, requires_grad=True)
    y = w * 2
    y.sum().backward()
    return y.grad


def second(x):
    z = torch.relu(x)
    return z


class Model:
    def step(self):
        v = torch.randn(3, requires_grad=True)
        u = v * 2
        u.sum().backward()
        return u.grad
"""


def _shape(diagnostics: list[lsp.Diagnostic]) -> list[tuple[int, int, str, str]]:
    return [(d.range.start.line, d.range.start.character, str(d.code), d.message) for d in diagnostics]


async def _hints(client: object, uri: str) -> list[tuple[int, int, str]]:
    params = lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng(0, 0, 30, 0))
    hints = await client.text_document_inlay_hint_async(params)  # type: ignore[attr-defined]
    return [(h.position.line, h.position.character, str(h.label)) for h in hints]


async def test_unclosed_bracket_keeps_other_functions(tmp_path: Path) -> None:
    path = tmp_path / "half.py"
    async with start(tmp_path, fake=False) as client:
        uri = open_doc(client, path, TEXT)
        before = _shape(await diagnostics_for(client, uri, version=1))
        hints_before = await _hints(client, uri)
        assert [(line, code) for line, _, code, _ in before] == [(7, "LEAF201"), (20, "LEAF201")]
        assert (4, 5, "leaf · grad") in hints_before and (18, 9, "non-leaf · grad") in hints_before

        # Delete the ")" of `torch.relu(x)`: the line is half-typed.
        change(client, uri, 2, [(rng(11, 20, 11, 21), "")])
        during = _shape(await diagnostics_for(client, uri, version=2))
        broken = [d for d in during if d[2] == "LEAF000"]
        assert [(line, code) for line, _, code, _ in broken] == [(11, "LEAF000")]
        assert [d for d in during if d[2] != "LEAF000"] == before
        hints_during = await _hints(client, uri)
        assert [h for h in hints_before if h[0] != 11] == [h for h in hints_during if h[0] != 11]

        change(client, uri, 3, [(rng(11, 20, 11, 20), ")")])
        assert _shape(await diagnostics_for(client, uri, version=3)) == before
        assert await _hints(client, uri) == hints_before
