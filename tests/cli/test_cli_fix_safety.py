"""``--fix`` writes files back without damaging them or what is around them.

Symlinks stay symlinks, hard links stay linked, owner and mode stay, read-only files and
files saved by someone else meanwhile are left alone, long names work, and the file's
encoding (coding cookie, BOM) and line breaks are kept. Mostly against the fake engine
(``Variable(`` -> ``torch.tensor(``, a safe fix); the line-break test uses the real one.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp import cli

OLD = "import torch\nv = Variable(torch.ones(1))\n"
NEW = "import torch\nv = torch.tensor(torch.ones(1))\n"

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file semantics")


@posix_only
@pytest.mark.usefixtures("fake_engine")
def test_symlink_is_written_through(run: Any, write: Any, tmp_path: Path) -> None:
    real = write("real.py", OLD)
    link = tmp_path / "link.py"
    link.symlink_to("real.py")
    code, _, err = run("--check", "--fix", "link.py")
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == "real.py"
    assert real.read_text() == NEW


@posix_only
@pytest.mark.usefixtures("fake_engine")
def test_hard_links_stay_one_file(run: Any, write: Any, tmp_path: Path) -> None:
    path = write("a.py", OLD)
    other = tmp_path / "b.txt"
    os.link(path, other)
    inode = path.stat().st_ino
    code, _, err = run("--check", "--fix", "a.py")
    assert code == 0, err
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert other.read_text() == NEW


@posix_only
@pytest.mark.usefixtures("fake_engine")
def test_mode_with_setuid_and_sticky_bits_is_kept(run: Any, write: Any) -> None:
    path = write("a.py", OLD)
    try:
        os.chmod(path, 0o4751 | stat.S_ISVTX)
    except OSError:  # some systems refuse the sticky bit on a file
        os.chmod(path, 0o4751)
    before = path.stat().st_mode
    code, _, err = run("--check", "--fix", "a.py")
    assert code == 0, err
    assert path.read_text() == NEW
    assert path.stat().st_mode == before


@posix_only
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
@pytest.mark.usefixtures("fake_engine")
def test_owner_and_group_are_kept(run: Any, write: Any) -> None:
    path = write("a.py", OLD)
    os.chown(path, 12345, 23456)
    code, _, err = run("--check", "--fix", "a.py")
    assert code == 0, err
    assert path.read_text() == NEW
    assert (path.stat().st_uid, path.stat().st_gid) == (12345, 23456)


@posix_only
@pytest.mark.usefixtures("fake_engine")
def test_read_only_file_is_not_fixed(run: Any, write: Any) -> None:
    path = write("a.py", OLD)
    os.chmod(path, 0o444)  # root could still write it: the mode decides
    code, out, err = run("--check", "--fix", "a.py")
    assert code == 1
    assert "a.py: read-only, not fixed" in err
    assert "a.py:2:5: LEAF302 [*]" in out
    assert path.read_bytes() == OLD.encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.usefixtures("fake_engine")
def test_file_changed_during_the_fix_is_not_overwritten(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("a.py", OLD + "x = 1\n" * 20_000)
    real_fix_all = cli.fix_all

    def fix_all_then_someone_saves(*args: Any, **kwargs: Any) -> Any:
        # Runs between the CLI's read and its write, every time: no race to win or lose.
        result = real_fix_all(*args, **kwargs)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("added_meanwhile = 1\n")
        return result

    monkeypatch.setattr(cli, "fix_all", fix_all_then_someone_saves)
    code, _, err = run("--check", "--fix", "a.py")
    assert code == 1
    assert "a.py: changed on disk while fixing, not written" in err
    text = path.read_text()
    assert text.startswith(OLD) and text.endswith("added_meanwhile = 1\n")


@pytest.mark.usefixtures("fake_engine")
def test_file_replaced_during_the_fix_is_not_overwritten(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write("a.py", OLD)
    real_fix_all = cli.fix_all

    def fix_all_then_an_editor_saves(*args: Any, **kwargs: Any) -> Any:
        result = real_fix_all(*args, **kwargs)
        saved = tmp_path / "saved.tmp"
        saved.write_text(OLD + "# edited\n")
        os.replace(saved, path)  # how editors save: a new file renamed over the old one
        return result

    monkeypatch.setattr(cli, "fix_all", fix_all_then_an_editor_saves)
    code, _, err = run("--check", "--fix", "a.py")
    assert code == 1 and "changed on disk" in err
    assert path.read_text() == OLD + "# edited\n"


@pytest.mark.usefixtures("fake_engine")
def test_long_file_name_can_be_fixed(run: Any, write: Any) -> None:
    name = "m" * 237 + ".py"  # 240 characters; most file systems allow 255
    path = write(name, OLD)
    code, _, err = run("--check", "--fix", name)
    assert code == 0, err
    assert path.read_text() == NEW


@pytest.mark.usefixtures("fake_engine")
def test_latin1_file_stays_latin1(run: Any, write: Any) -> None:
    source = "# -*- coding: latin-1 -*-\nimport torch\nv = Variable(torch.ones(1))  # caf\xe9\n"
    path = write("a.py", source.encode("latin-1"))
    code, _, err = run("--check", "--fix", "a.py")
    assert code == 0, err
    assert path.read_bytes() == source.replace("Variable(", "torch.tensor(").encode("latin-1")


@pytest.mark.usefixtures("fake_engine")
def test_latin1_from_stdin_comes_back_latin1(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    source = "# coding: latin-1\nv = Variable(1)  # \xe9\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source.encode("latin-1"))))
    cli.main(["--check", "--fix", "-"])
    out = capsysbinary.readouterr().out
    assert out.startswith(source.replace("Variable(", "torch.tensor(").encode("latin-1"))


@pytest.mark.usefixtures("fake_engine")
def test_bom_and_missing_final_newline_are_kept(run: Any, write: Any) -> None:
    path = write("a.py", b"\xef\xbb\xbf" + OLD.rstrip("\n").encode())
    code, _, err = run("--check", "--fix", "a.py")
    assert code == 0, err
    assert path.read_bytes() == b"\xef\xbb\xbf" + NEW.rstrip("\n").encode()


def test_crlf_file_keeps_crlf_with_the_real_engine(run: Any, write: Any) -> None:
    source = "import torch\r\nw = torch.zeros(1, requires_grad=True)\r\nw += 1\r\nprint(w)\r\n"
    path = write("a.py", source.encode())
    code, _, err = run("--check", "--fix", "a.py")
    assert code in (0, 1), err
    data = path.read_bytes()
    assert b"with torch.no_grad():\r\n    w += 1\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
