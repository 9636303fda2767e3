"""What the editor's probe hands to the child: the buffer in the bytes Python expects (PEP 263
coding cookies), and a clear "the tool's environment" error when the copy cannot be written."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from lsp_helpers import change, diagnostics_for, open_doc, rng, start
from lsprotocol import types as lsp

from leaf_lsp.lsp.documents import Document
from leaf_lsp.lsp.probe_command import ProbeEnvironmentError, _program_path, source_bytes

#: Generous: the probe child imports torch on a possibly loaded machine.
PROBE_WAIT_S = 300.0
LATIN1 = (
    "# -*- coding: latin-1 -*-\n"
    "MARK = {marker!r}\n"
    "open(MARK, 'w', encoding='utf-8').write('caf\u00e9 \u00bd')\n"
)


def test_source_bytes_follow_the_coding_cookie() -> None:
    text = "# -*- coding: latin-1 -*-\ns = 'caf\u00e9'\n"
    assert source_bytes(text) == text.encode("latin-1")
    second_line = "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\ns = '\u20ac'\n"
    assert source_bytes(second_line) == second_line.encode("cp1252")
    assert source_bytes("s = 'caf\u00e9'\n") == "s = 'caf\u00e9'\n".encode()
    # A cookie after code does not count (PEP 263: lines 1-2, line 1 a comment or blank).
    late = "x = 1\n# coding: latin-1\ns = '\u00e9'\n"
    assert source_bytes(late) == late.encode()


def test_source_bytes_keep_lines_when_the_cookie_cannot_hold_the_text() -> None:
    text = "# -*- coding: latin-1 -*-\ns = '\u20ac'\n"  # the euro sign is not in latin-1
    data = source_bytes(text)
    assert data.decode("utf-8") == "# -*- coding: utf-8 -*-\ns = '\u20ac'\n"


def test_unwritable_buffer_copy_is_the_tools_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_dir = tmp_path / "tmpfile"
    not_a_dir.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(not_a_dir))
    path = tmp_path / "prog.py"
    path.write_text("x = 1\n")
    doc = Document(uri=path.as_uri(), path=str(path), text="x = 2\n", version=1, language_id="python")
    with pytest.raises(ProbeEnvironmentError) as info:
        _program_path(doc)
    assert "environment" in str(info.value) and "not of your program" in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize("edited", [False, True], ids=["as-saved", "unsaved-edit"])
async def test_latin1_file_is_run_as_python_decodes_it(tmp_path: Path, edited: bool) -> None:
    marker = tmp_path / "out.txt"
    path = tmp_path / "latin.py"
    text = LATIN1.format(marker=str(marker))
    path.write_bytes(text.encode("latin-1"))
    async with start(tmp_path, options={"trusted": True, "probe": {"timeout": 600}}) as client:
        uri = open_doc(client, path, text)
        await diagnostics_for(client, uri, version=1)
        if edited:
            change(client, uri, 2, [(rng(3, 0, 3, 0), "# an unsaved comment: \u00e9\n")])
            await diagnostics_for(client, uri, version=2)
        result = await asyncio.wait_for(
            client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[uri])
            ),
            PROBE_WAIT_S,
        )
        assert result["ok"] is True, result
        assert marker.read_text(encoding="utf-8") == "caf\u00e9 \u00bd"
