"""A hostile or broken client: every request is answered, nothing accumulates, exit is clean.

Most of these drive the server over raw JSON-RPC (malformed input cannot be sent with a
typed client). A request is known to be unanswered, without waiting for a timeout, when
the answer to a later request arrives first: the server handles messages in order.
"""

from __future__ import annotations

import asyncio
import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

from lsp_helpers import FAKE

#: Only a guard against a hung server; no test depends on how fast it is.
HANG_S = 60

CAPS_WITH_PULLS: dict[str, Any] = {
    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}}
}


def frame(message: dict[str, Any] | bytes) -> bytes:
    """One LSP message on the wire."""
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    """The fake-engine server as a subprocess, spoken to in raw JSON-RPC."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.proc = subprocess.Popen(
            command or FAKE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.received: list[dict[str, Any]] = []
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            line = out.readline()
            if not line:
                self._queue.put(None)
                return
            while line.strip():
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
                line = out.readline()
            assert length is not None
            self._queue.put(json.loads(out.read(length)))

    def _drain_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for line in err:
            self._stderr.append(line)

    @property
    def stderr(self) -> str:
        """What the server logged so far."""
        return b"".join(self._stderr).decode(errors="replace")

    def send(self, *messages: dict[str, Any] | bytes) -> None:
        """Write messages (dicts, or raw bodies) in one go."""
        stdin = self.proc.stdin
        assert stdin is not None
        stdin.write(b"".join(frame(m) for m in messages))
        stdin.flush()

    def wait_for(self, msg_id: Any) -> dict[str, Any]:
        """The response to request ``msg_id`` (everything received meanwhile is kept)."""
        for message in self.received:
            if message.get("id") == msg_id and "method" not in message:
                return message
        while True:
            try:
                message = self._queue.get(timeout=HANG_S)
            except queue.Empty:
                raise AssertionError(f"no answer to {msg_id!r}; log:\n{self.stderr[-3000:]}") from None
            if message is None:
                raise AssertionError(f"server ended before answering {msg_id!r}:\n{self.stderr[-3000:]}")
            self.received.append(message)
            if message.get("id") == msg_id and "method" not in message:
                return message

    def answer(self, msg_id: Any) -> dict[str, Any] | None:
        """The response to ``msg_id`` among those received so far, if any."""
        for message in self.received:
            if message.get("id") == msg_id and "method" not in message:
                return message
        return None

    def initialize(self, capabilities: dict[str, Any] | None = None) -> None:
        """The initialize handshake."""
        self.send(
            {
                "jsonrpc": "2.0",
                "id": "init",
                "method": "initialize",
                "params": {"capabilities": capabilities or {}},
            }
        )
        assert "result" in self.wait_for("init")
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def finish(self) -> int:
        """Shut down and exit; the exit code."""
        self.send({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}, {"jsonrpc": "2.0", "method": "exit"})
        return self.wait_exit()

    def wait_exit(self) -> int:
        """Wait for the process to end (its output fully read); its exit code."""
        code = self.proc.wait(timeout=HANG_S)
        while True:
            try:
                message = self._queue.get(timeout=HANG_S)
            except queue.Empty:
                break
            if message is None:
                break
            self.received.append(message)
        return code

    def kill(self) -> None:
        """Stop the process if it is still running."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def hover(msg_id: Any, uri: str, line: int, character: int) -> dict[str, Any]:
    """A hover request (with positions as given, valid or not)."""
    return {
        "jsonrpc": "2.0",
        "id": msg_id,
        "method": "textDocument/hover",
        "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
    }


def did_open(uri: str, text: str) -> dict[str, Any]:
    """A didOpen notification."""
    return {
        "jsonrpc": "2.0",
        "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    }


def error_code(response: dict[str, Any] | None) -> int | None:
    """The error code of a response (None for a result, or no response)."""
    if response is None or "error" not in response:
        return None
    return int(response["error"]["code"])


BUGGY = "import torch\nx = torch.ones(3, requires_grad=True)\nx += 1\n"


def test_requests_with_invalid_params_are_answered_and_bad_notifications_dropped(tmp_path: Path) -> None:
    server = RawServer()
    try:
        server.initialize()
        uri = (tmp_path / "a.py").as_uri()
        bad_change = {
            "jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    {
                        "range": {"start": {"line": -1, "character": 0}, "end": {"line": 0, "character": 0}},
                        "text": "x",
                    }
                ],
            },
        }
        server.send(
            did_open(uri, BUGGY),
            hover(1, uri, -1, 0),
            hover(2, uri, 2**31, 0),
            hover(3, uri, 0, -5),
            {"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {"position": "nowhere"}},
            bad_change,
            {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 42}},
            hover(5, uri, 1, 0),
        )
        good = server.wait_for(5)
        assert "result" in good and good["result"] is not None, good
        for msg_id in (1, 2, 3, 4):
            assert error_code(server.answer(msg_id)) == -32602, (msg_id, server.received)
        assert server.finish() == 0
    finally:
        server.kill()


def test_undecodable_messages_are_answered_when_their_id_can_be_found(tmp_path: Path) -> None:
    server = RawServer()
    try:
        server.initialize()
        deep = (
            b'{"jsonrpc": "2.0", "id": 10, "method": "textDocument/hover", "params": '
            + b"[" * 20_000
            + b"]" * 20_000
            + b"}"
        )
        deep_dicts = (
            b'{"jsonrpc": "2.0", "method": "x/y", "params": '
            + b'{"a": ' * 20_000
            + b"1"
            + b"}" * 20_000
            + b', "id": "deep"}'
        )
        not_json = b'{"jsonrpc": "2.0", "id": 11, "method": "textDocument/hover", "params": {'
        not_utf8 = b'{"jsonrpc": "2.0", "id": 12, "method": "textDocument/hover", "params": "\xff\xfe"}'
        nested_id = b'{"jsonrpc": "2.0", "method": "client/registerCapability", "params": {"id": 13}, '
        no_version = {"id": 14, "method": "textDocument/hover", "params": {}}
        server.send(deep, deep_dicts, not_json, not_utf8, nested_id, no_version, b"[1, 2, 3]", b"null")
        server.send(hover(15, (tmp_path / "none.py").as_uri(), 0, 0))
        assert server.wait_for(15).get("result", "missing") is None
        assert error_code(server.answer(10)) == -32600
        assert error_code(server.answer("deep")) == -32600
        assert error_code(server.answer(11)) == -32700
        assert error_code(server.answer(12)) == -32700
        assert error_code(server.answer(14)) == -32600
        # An "id" inside params is not the message's: nothing is sent to id 13.
        assert server.answer(13) is None
        assert server.finish() == 0
    finally:
        server.kill()


def test_requests_after_shutdown_get_invalid_request(tmp_path: Path) -> None:
    server = RawServer()
    try:
        server.initialize()
        uri = (tmp_path / "a.py").as_uri()
        server.send(did_open(uri, BUGGY), {"jsonrpc": "2.0", "id": "down", "method": "shutdown"})
        assert server.wait_for("down").get("result", "missing") is None
        server.send(
            hover(20, uri, 1, 0),
            {"jsonrpc": "2.0", "id": 21, "method": "shutdown"},
            {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}},
            {"jsonrpc": "2.0", "method": "exit"},
        )
        assert server.wait_exit() == 0
        assert error_code(server.answer(20)) == -32600
        assert error_code(server.answer(21)) == -32600
    finally:
        server.kill()


def test_exit_without_shutdown_exits_1_quietly_right_after_initialized() -> None:
    # With these capabilities ``initialized`` is still waiting for the client's answers
    # (registration, configuration) when ``exit`` arrives.
    server = RawServer()
    try:
        server.initialize(CAPS_WITH_PULLS)
        server.send({"jsonrpc": "2.0", "method": "exit"})
        assert server.wait_exit() == 1
        assert "CancelledError" not in server.stderr and "Traceback" not in server.stderr, server.stderr
    finally:
        server.kill()
    server = RawServer()
    try:
        server.initialize(CAPS_WITH_PULLS)
        assert server.finish() == 0
        assert "CancelledError" not in server.stderr and "Traceback" not in server.stderr, server.stderr
    finally:
        server.kill()


class _Sink:
    """A writer that keeps what the server sends."""

    def __init__(self) -> None:
        self.data: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.data.append(data)

    def close(self) -> None:
        pass


def test_notifications_leave_nothing_in_the_pending_request_table(tmp_path: Path) -> None:
    from leaf_lsp.lsp.server import create_server

    async def scenario() -> tuple[int, int, int]:
        server = create_server()
        protocol = server.protocol
        protocol.set_writer(_Sink())

        def send(message: dict[str, Any]) -> None:
            protocol.handle_message(json.loads(json.dumps(message), object_hook=protocol.structure_message))

        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        await asyncio.sleep(0)
        baseline = len(protocol._request_futures)
        uri = (tmp_path / "typing.py").as_uri()
        send(did_open(uri, "import torch\n"))
        edits = 3000
        for version in range(2, edits + 2):
            send(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didChange",
                    "params": {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [
                            {
                                "range": {
                                    "start": {"line": 1, "character": 0},
                                    "end": {"line": 1, "character": 0},
                                },
                                "text": "x",
                            }
                        ],
                    },
                }
            )
            send(
                {"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}}
            )
            if version % 50 == 0:
                await asyncio.sleep(0)
        send({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
        send({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {"settings": {}}})
        # Let every callback and the (cancelled) analyses run out.
        for _ in range(20):
            await asyncio.sleep(0.01)
        after = len(protocol._request_futures)
        server.session.analyzer.shutdown()
        return baseline, after, edits

    baseline, after, edits = asyncio.run(scenario())
    # Before: one finished future per notification stayed there for good (edits * 2 + 3).
    assert after <= baseline + 2, (baseline, after, edits)
