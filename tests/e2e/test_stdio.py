"""The stdio transport: message framing, the reader thread, and a clean exit."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from leaf_lsp.lsp.stdio import ThreadedReader, take_message


def frame(payload: dict[str, object], extra_header: bytes = b"") -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n" % len(body) + extra_header + b"\r\n" + body


def test_take_message_waits_for_the_whole_body_and_keeps_the_rest() -> None:
    first, second = (
        frame({"a": 1}),
        frame({"b": 2}, b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"),
    )
    buffer = bytearray(first + second[:10])
    assert take_message(buffer) == first
    assert take_message(buffer) is None
    buffer += second[10:]
    message = take_message(buffer)
    assert message is not None and message.endswith(b'{"b": 2}')
    # Extra headers are dropped: pygls' loop reads exactly one header line and a blank one.
    assert message.startswith(b"Content-Length: 8\r\n\r\n")
    assert buffer == b""


def test_take_message_skips_a_header_block_without_a_length() -> None:
    buffer = bytearray(b"X-Junk: 1\r\n\r\ncontent-length: 2\r\n\r\nhi")
    assert take_message(buffer) == b"Content-Length: 2\r\n\r\nhi"


def test_reader_thread_delivers_messages_written_in_pieces() -> None:
    async def scenario() -> list[bytes]:
        read_fd, write_fd = os.pipe()
        reader = ThreadedReader(os.fdopen(read_fd, "rb", buffering=0), asyncio.get_running_loop())
        data = frame({"id": 1}) + frame({"id": 2})
        for i in range(0, len(data), 7):
            os.write(write_fd, data[i : i + 7])
            await asyncio.sleep(0)
        os.close(write_fd)
        got = []
        for _ in range(2):
            header = await reader.readline()
            assert header.startswith(b"Content-Length: ")
            assert await reader.readline() == b"\r\n"
            got.append(await reader.readexactly(int(header.split()[1])))
        assert await reader.readline() == b""  # end of input
        return got

    assert asyncio.run(scenario()) == [b'{"id": 1}', b'{"id": 2}']


def _server() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "leaf_lsp.lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_server_exits_cleanly_after_shutdown_and_exit() -> None:
    server = _server()
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    out, err = server.communicate(b"".join(frame(m) for m in messages), timeout=60)
    assert server.returncode == 0, err.decode(errors="replace")
    assert b"Fatal Python error" not in err
    responses = [json.loads(part.split(b"\r\n\r\n", 1)[1]) for part in out.split(b"Content-Length")[1:]]
    assert any(r.get("id") == 1 and "capabilities" in r.get("result", {}) for r in responses)


def test_server_stops_when_its_input_ends() -> None:
    server = _server()
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    _, err = server.communicate(frame(initialize), timeout=60)
    assert server.returncode is not None
    assert b"Fatal Python error" not in err
