"""The CLI's other modes and its process-level behaviour: serve, usage errors, ``python -m``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp import __version__, cli


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Install a fake ``leaf_lsp.lsp.server`` whose ``serve`` records its ``tcp`` argument."""
    calls: list[Any] = []
    module = types.ModuleType("leaf_lsp.lsp.server")
    module.serve = lambda tcp=None, **_options: calls.append(tcp)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leaf_lsp.lsp.server", module)
    return calls


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], None),
        (["--stdio"], None),
        (["--tcp", "127.0.0.1:2087"], ("127.0.0.1", 2087)),
        (["--tcp", "[::1]:9000"], ("::1", 9000)),
    ],
)
def test_serve_modes(served: list[Any], argv: list[str], expected: Any) -> None:
    assert cli.main(argv) == 0
    assert served == [expected]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tcp", "localhost"], "HOST:PORT"),
        (["--tcp", "localhost:http"], "number"),
        (["--tcp", "localhost:70000"], "between"),
        (["--stdio", "--tcp", "h:1"], "one of"),
        (["--format", "json"], "--format"),
        (["--fix-only"], "unrecognized"),
        (["--check", "--stdio"], "cannot be combined"),
        (["--show-hints"], "--show-hints"),
        (["--check", "--format", "xml"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    served: list[Any], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err
    assert served == []


def test_missing_server_module_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "leaf_lsp.lsp.server", None)
    assert cli.main([]) == 2
    assert "language server" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"leaf-lsp {__version__}\n"


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    assert "--check" in capsys.readouterr().out


def test_check_does_not_import_pygls_or_torch(tmp_path: Path) -> None:
    """--check must start fast: the LSP stack and torch stay unloaded."""
    (tmp_path / "a.bin").write_bytes(b"\x00\x01")
    code = (
        "import sys\nfrom leaf_lsp.cli import main\n"
        f"rc = main(['--check', '--format', 'json', {str(tmp_path / 'a.bin')!r}])\n"
        "loaded = [m for m in ('pygls', 'torch', 'lsprotocol', 'jedi') if m in sys.modules]\n"
        "print(loaded, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "[]"


def _leaf_lsp(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "leaf_lsp", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_python_dash_m_version(tmp_path: Path) -> None:
    proc = _leaf_lsp("--version", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, f"leaf-lsp {__version__}\n")


def test_python_dash_m_missing_path(tmp_path: Path) -> None:
    proc = _leaf_lsp("--check", "does-not-exist.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "does-not-exist.py" in proc.stderr
    assert proc.stdout == ""


def test_python_dash_m_binary_file_only(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"\x00\xff\xfe")
    proc = _leaf_lsp("--check", "--format", "github", "blob.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error file=blob.py,line=1,col=1,")
    assert "title=LEAF000 unreadable-file::binary file" in proc.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "leaf-lsp"
    if not script.exists():
        pytest.skip("leaf-lsp console script not installed next to this interpreter")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == f"leaf-lsp {__version__}"


def test_pre_commit_hook_entry_runs(tmp_path: Path) -> None:
    """The hook's entry, with file names appended as pre-commit does, is a working check."""
    hooks = (Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml").read_text()
    fields = dict(
        line.strip().lstrip("- ").split(": ", 1)
        for line in hooks.splitlines()
        if ": " in line and not line.startswith("#")
    )
    assert fields["id"] == "leaf-lsp"
    assert fields["language"] == "python"
    assert fields["types"] == "[python]"
    program, *flags = fields["entry"].split()
    assert program == "leaf-lsp"
    (tmp_path / "blob.py").write_bytes(b"\x00")
    proc = _leaf_lsp(*flags, "blob.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert "LEAF000" in proc.stdout


def _frame(payload: dict[str, Any]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(stream: Any) -> dict[str, Any]:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("server closed stdout")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


@pytest.mark.parametrize("argv", [[], ["--stdio"]])
def test_no_arguments_serve_lsp_over_stdio(argv: list[str], tmp_path: Path) -> None:
    """The console entry point really is the language server: initialize, shutdown, exit."""
    pytest.importorskip("pygls")
    proc = subprocess.Popen(
        [sys.executable, "-m", "leaf_lsp", *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        init: dict[str, Any] = {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}
        proc.stdin.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init}))
        proc.stdin.flush()
        reply = _read_message(proc.stdout)
        while "id" not in reply:  # skip notifications such as window/logMessage
            reply = _read_message(proc.stdout)
        assert reply["id"] == 1
        assert "capabilities" in reply["result"]
        proc.stdin.write(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        proc.stdin.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        proc.stdin.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.flush()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
