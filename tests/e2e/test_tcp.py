"""``leaf-lsp --tcp``: analysis for anyone who connects, code only for a client with the token.

A plain-socket JSON-RPC client drives a real server process, as a remote editor would.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

#: Generous: a probe run imports torch on a possibly loaded machine.
PROBE_WAIT_S = 300.0
START_WAIT_S = 120.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A ``leaf-lsp --tcp`` process; ``port`` is where it listens once ``wait_ready`` returned."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "leaf_lsp", "--tcp", f"127.0.0.1:{self.port}", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )

    def wait_ready(self) -> str:
        """The server's "serving ..." line (it prints it once the socket is bound)."""
        assert self.proc.stderr is not None
        fd = self.proc.stderr.fileno()
        data = b""
        deadline = time.monotonic() + START_WAIT_S
        while b"\n" not in data:
            left = deadline - time.monotonic()
            assert left > 0, f"the server did not say it is serving: {data!r}"
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 4096)
                assert chunk, f"the server exited: {data!r}"
                data += chunk
        line = data.decode().splitlines()[0]
        assert "serving" in line, line
        return line

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)


@pytest.fixture
def serve() -> Iterator[Any]:
    """``serve(*args, token_env=None)`` starts a TCP server; all are killed after the test."""
    servers: list[Server] = []

    def _serve(*args: str, token_env: str | None = None) -> Server:
        env = {k: v for k, v in os.environ.items() if k != "LEAF_LSP_TCP_TOKEN"}
        if token_env is not None:
            env["LEAF_LSP_TCP_TOKEN"] = token_env
        server = Server(list(args), env)
        servers.append(server)
        server.wait_ready()
        return server

    yield _serve
    for server in servers:
        server.stop()


class Client:
    """Just enough JSON-RPC over a socket: requests, notifications, and the server's notifications."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=START_WAIT_S)
        self.buf = b""
        self.next_id = 0
        self.notifications: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def read(self, timeout: float) -> dict[str, Any] | None:
        """The next message, or None when the server closed the connection."""
        self.sock.settimeout(timeout)
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                length = 0
                for line in self.buf[:end].split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if len(self.buf) >= end + 4 + length:
                    body = self.buf[end + 4 : end + 4 + length]
                    self.buf = self.buf[end + 4 + length :]
                    message: dict[str, Any] = json.loads(body)
                    return message
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk

    def request(self, method: str, params: Any, timeout: float = START_WAIT_S) -> dict[str, Any]:
        self.next_id += 1
        msg_id = self.next_id
        self.send({"id": msg_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self.read(max(deadline - time.monotonic(), 0.1))
            assert message is not None, f"connection closed while waiting for {method}"
            if message.get("id") == msg_id and "method" not in message:
                return message
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": None})  # a server request: accept it
            else:
                self.notifications.append(message)

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def start(self, root: Path, options: Any) -> None:
        reply = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": {},
                "initializationOptions": options,
            },
        )
        assert "result" in reply, reply
        self.notify("initialized", {})

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )
        return uri

    def probe(self, uri: str) -> dict[str, Any]:
        return self.request(
            "workspace/executeCommand", {"command": "leaf-lsp.probe", "arguments": [uri]}, PROBE_WAIT_S
        )

    def close(self) -> None:
        self.sock.close()


def _program(tmp_path: Path) -> tuple[Path, Path, str]:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.py"
    text = f"open({str(marker)!r}, 'w').write('ran')\nimport torch\nx = torch.ones(2, requires_grad=True)\nx += 1\n"
    path.write_text(text)
    return path, marker, text


def _wait_for_diagnostics(client: Client, uri: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + START_WAIT_S
    while time.monotonic() < deadline:
        for message in client.notifications:
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return list(message["params"]["diagnostics"])
        message = client.read(max(deadline - time.monotonic(), 0.1))
        assert message is not None
        client.notifications.append(message)
    raise AssertionError("no diagnostics")


def test_without_a_token_tcp_serves_analysis_but_never_runs_code(serve: Any, tmp_path: Path) -> None:
    server = serve()
    path, marker, text = _program(tmp_path)
    client = Client(server.port)
    client.start(tmp_path, {"trusted": True, "tcpToken": "guess"})
    uri = client.open(path, text)
    assert [d["code"] for d in _wait_for_diagnostics(client, uri)] == ["LEAF102"]
    reply = client.probe(uri)
    assert "error" in reply and "token" in reply["error"]["message"], reply
    assert not marker.exists()
    client.close()


@pytest.mark.parametrize(
    "options",
    [{"trusted": True, "tcpToken": "wrong"}, {"trusted": True}, {"trusted": True, "tcpToken": 42}],
    ids=["wrong", "missing", "not-a-string"],
)
def test_a_wrong_token_never_runs_code(serve: Any, tmp_path: Path, options: dict[str, Any]) -> None:
    server = serve(token_env="correct horse")
    path, marker, text = _program(tmp_path)
    client = Client(server.port)
    client.start(tmp_path, options)
    uri = client.open(path, text)
    reply = client.probe(uri)
    assert "error" in reply and "token" in reply["error"]["message"], reply
    assert not marker.exists()
    client.close()


def test_the_right_token_runs_the_probe(serve: Any, tmp_path: Path) -> None:
    server = serve("--tcp-token", "s3cret")
    path, marker, text = _program(tmp_path)
    client = Client(server.port)
    client.start(tmp_path, {"trusted": True, "tcpToken": "s3cret", "probe": {"timeout": 600}})
    uri = client.open(path, text)
    reply = client.probe(uri)
    assert "result" in reply, reply
    assert marker.read_text() == "ran"
    client.close()


def test_a_second_connection_is_not_served(serve: Any, tmp_path: Path) -> None:
    server = serve("--tcp-token", "s3cret")
    first = Client(server.port)
    first.start(tmp_path, {"trusted": True, "tcpToken": "s3cret"})
    # A second client must not share (or hijack) the first one's trusted session.
    try:
        second = Client(server.port)
    except OSError:
        pass  # refused outright: the listening socket is closed
    else:
        second.send({"id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}})
        try:
            assert second.read(30) is None
        except ConnectionResetError:
            pass
        second.close()
    first.close()
