"""The language server and the CLI's result cache: a file opened as it is on disk shows what
the cache kept at once (then the full analysis, with hover facts, follows), and what the
server analyses is kept for the next session. Entries not signed by this user are never
shown."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from lsp_helpers import diagnostics_for, open_doc, publishes, start
from lsprotocol import types as lsp

from leaf_lsp import cache as cache_module
from leaf_lsp.cache import CACHE_DIR_NAME

HELPERS = "import torch\n\ndef make(n):\n    return torch.zeros(n, requires_grad=True)\n"
USER = "import torch\nfrom .helpers import make\n\nw = make(3)\nw += 1\n"


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The server inherits the environment: the cache on, this user's key in a folder of its own.
    monkeypatch.delenv("LEAF_LSP_NO_CACHE", raising=False)
    monkeypatch.setenv("LEAF_LSP_KEY_DIR", str(tmp_path / "user-cache"))


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "helpers.py").write_text(HELPERS)
    (root / "pkg" / "user.py").write_text(USER)
    return root


async def _entries(root: Path) -> list[Path]:
    """The cache entries, once the server has written them (it keeps results after publishing)."""
    for _ in range(400):
        found = sorted(root.glob(f"{CACHE_DIR_NAME}/*/*.entry"))
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("the server kept no result")


def _rewrite(entry: Path, message: str, sign: bool) -> None:
    signature, head, hints, rendered = entry.read_bytes().split(b"\n", 3)
    data = json.loads(head)
    for diagnostic in data["analysis"]["diagnostics"]:
        diagnostic[3] = message
    payload = json.dumps(data).encode() + b"\n" + hints + b"\n" + rendered
    key = cache_module.signing_key()
    assert key is not None
    entry.write_bytes((cache_module._sign(key, payload) if sign else signature) + b"\n" + payload)


async def _first_and_last(client: Any, uri: str) -> tuple[list[str], list[str]]:
    """The messages of the first and the last publish for the opened file, once the full
    analysis is done: a hover waits for it, and its publish comes before the answer."""
    final = await diagnostics_for(client, uri, version=1)
    await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, 0))
    )
    published = publishes(client, uri)
    first = [d.message for d in published[0].diagnostics]
    last = [d.message for d in published[-1].diagnostics]
    assert final is not None
    return first, last


async def _first_session(root: Path) -> tuple[list[str], list[Path]]:
    """Open the user file in a server of its own: (its messages, the entries it kept)."""
    async with start(root, fake=False) as client:
        uri = open_doc(client, root / "pkg" / "user.py", USER)
        real = [d.message for d in await diagnostics_for(client, uri, version=1)]
        return real, await _entries(root)


async def test_opened_file_shows_the_kept_result_first(tmp_path: Path) -> None:
    root = _project(tmp_path)
    user = root / "pkg" / "user.py"
    real, entries = await _first_session(root)
    assert real and "leaf" in real[0]
    # Marked, so that the next session's first publish tells where it came from.
    for entry in entries:
        _rewrite(entry, "kept earlier", sign=True)
    async with start(root, fake=False) as client:
        uri = open_doc(client, user, USER)
        first, last = await _first_and_last(client, uri)
        assert first == ["kept earlier"]
        assert last == real  # the full analysis follows
        hover = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(3, 0))
        )
        assert hover is not None and "requires grad" in str(hover.contents)


async def test_unsigned_or_stale_entries_are_not_shown(tmp_path: Path) -> None:
    root = _project(tmp_path)
    user = root / "pkg" / "user.py"
    real, entries = await _first_session(root)
    for entry in entries:
        _rewrite(entry, "planted", sign=False)
    async with start(root, fake=False) as client:
        uri = open_doc(client, user, USER)
        first, _ = await _first_and_last(client, uri)
        assert first == real
    # Signed, but its import changed since: not valid any more.
    for entry in await _entries(root):
        _rewrite(entry, "kept earlier", sign=True)
    (root / "pkg" / "helpers.py").write_text(HELPERS.replace("requires_grad=True", "requires_grad=False"))
    async with start(root, fake=False) as client:
        uri = open_doc(client, user, USER)
        first, last = await _first_and_last(client, uri)
        assert first == last and "kept earlier" not in first


async def test_edited_buffer_is_not_kept(tmp_path: Path) -> None:
    root = _project(tmp_path)
    async with start(root, fake=False) as client:
        uri = open_doc(client, root / "pkg" / "user.py", USER + "x = 1\n")  # not the disk text
        await diagnostics_for(client, uri, version=1)
        # Opened after it, as on disk: once its result is kept, the other one's turn has passed.
        helpers = open_doc(client, root / "pkg" / "helpers.py", HELPERS)
        await diagnostics_for(client, helpers, version=1)
        entries = await _entries(root)
    assert [json.loads(e.read_bytes().split(b"\n")[1])["path"] for e in entries] == [
        str(root / "pkg" / "helpers.py")
    ]
