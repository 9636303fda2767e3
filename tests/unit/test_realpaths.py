"""RealPaths gives the same answers as ``Path.resolve`` while resolving each folder once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from leaf_lsp.realpaths import RealPaths


def _tree(tmp_path: Path) -> Path:
    real = tmp_path / "real" / "pkg"
    real.mkdir(parents=True)
    (real / "a.py").write_text("x = 1\n")
    (real / "b.py").write_text("y = 2\n")
    (tmp_path / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    (real / "alias.py").symlink_to(real / "a.py")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "c.py").symlink_to(real / "b.py")
    return real


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_answers_match_resolve(tmp_path: Path) -> None:
    _tree(tmp_path)
    memo = RealPaths()
    cases = [
        tmp_path / "real" / "pkg" / "a.py",
        tmp_path / "linked" / "pkg" / "a.py",
        tmp_path / "linked" / "pkg" / "b.py",
        tmp_path / "linked" / "pkg" / "alias.py",
        tmp_path / "other" / "c.py",
        tmp_path / "linked" / "pkg" / ".." / "pkg" / "b.py",
        tmp_path / "linked" / "pkg" / "missing.py",
        tmp_path / "nowhere" / "x.py",
    ]
    for path in cases * 2:  # the second round answers from the memo
        assert memo.of(path) == path.resolve(), path


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path / "linked")
    memo = RealPaths()
    for text in ("pkg/a.py", "pkg/alias.py", "./pkg/b.py", "pkg/../pkg/a.py"):
        assert memo.of(Path(text)) == Path(text).resolve(), text


def test_link_loop_falls_back_to_absolute(tmp_path: Path) -> None:
    loop = tmp_path / "loop.py"
    try:
        loop.symlink_to(loop)
    except (OSError, NotImplementedError):
        pytest.skip("needs symbolic links")
    try:
        expected = loop.resolve()
    except (OSError, RuntimeError):
        expected = loop.absolute()
    assert RealPaths().of(loop) == expected
