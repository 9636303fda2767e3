"""``leaf-lsp --tcp``: loopback only unless allowed, and a one-line error (exit 2) for an address
that cannot be used, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from leaf_lsp import cli

#: A server that starts must bind within this (it imports pygls first on a loaded machine).
START_WAIT_S = 120.0


def _leaf_lsp(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LEAF_LSP_TCP_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "leaf_lsp", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=START_WAIT_S,
        env=env,
    )


def _one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("leaf-lsp: error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_busy_port_is_a_one_line_error(busy_port: int) -> None:
    _one_line_error(_leaf_lsp("--tcp", f"127.0.0.1:{busy_port}"), "cannot listen", str(busy_port))


def test_unresolvable_host_is_a_one_line_error() -> None:
    _one_line_error(_leaf_lsp("--tcp", "no-such-host.invalid:2087"), "cannot resolve", "no-such-host.invalid")


@pytest.mark.parametrize("host", ["0.0.0.0", "[::]", "10.1.2.3"])
def test_non_loopback_host_is_refused(host: str) -> None:
    _one_line_error(_leaf_lsp("--tcp", f"{host}:2087"), "not a loopback address", "--tcp-allow-remote")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tcp-token", "x"], "only apply with --tcp"),
        (["--tcp-allow-remote"], "only apply with --tcp"),
        (["--tcp", "127.0.0.1:2087", "--tcp-token", ""], "must not be empty"),
    ],
)
def test_tcp_option_usage_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    calls: list[Any] = []
    import types

    module = types.ModuleType("leaf_lsp.lsp.server")
    module.serve = lambda tcp=None, **options: calls.append((tcp, options))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leaf_lsp.lsp.server", module)
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err
    assert calls == []


@pytest.mark.parametrize(
    ("argv", "env", "token", "remote"),
    [
        (["--tcp", "127.0.0.1:2087"], None, None, False),
        (["--tcp", "127.0.0.1:2087"], "from-env", "from-env", False),
        (["--tcp", "127.0.0.1:2087", "--tcp-token", "flag"], "from-env", "flag", False),
        (["--tcp", "0.0.0.0:2087", "--tcp-allow-remote"], None, None, True),
    ],
)
def test_token_and_remote_reach_the_server(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], env: str | None, token: str | None, remote: bool
) -> None:
    import types

    calls: list[Any] = []
    module = types.ModuleType("leaf_lsp.lsp.server")
    module.serve = lambda tcp=None, **options: calls.append(options)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leaf_lsp.lsp.server", module)
    if env is None:
        monkeypatch.delenv("LEAF_LSP_TCP_TOKEN", raising=False)
    else:
        monkeypatch.setenv("LEAF_LSP_TCP_TOKEN", env)
    assert cli.main(argv) == 0
    assert calls == [{"token": token, "allow_remote": remote}]


def test_allow_remote_binds_all_interfaces() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if k != "LEAF_LSP_TCP_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "leaf_lsp", "--tcp", f"0.0.0.0:{port}", "--tcp-allow-remote"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "serving" in line and "0.0.0.0" in line and "never runs code" in line, line
    finally:
        proc.kill()
        proc.wait(30)
