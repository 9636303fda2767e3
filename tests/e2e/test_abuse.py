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


def _limited_memory() -> None:
    # Reading /dev/zero without a limit would take all memory: on the old code this made
    # the read fail fast (MemoryError) instead of taking the machine down.
    import resource

    limit = 4 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class RawServer:
    """The fake-engine server as a subprocess, spoken to in raw JSON-RPC."""

    def __init__(self, command: list[str] | None = None, limit_memory: bool = False) -> None:
        self.proc = subprocess.Popen(
            command or FAKE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_limited_memory if limit_memory else None,
        )
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()
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
        """Write messages (dicts, or raw bodies) in one go (from any thread)."""
        stdin = self.proc.stdin
        assert stdin is not None
        data = b"".join(frame(m) for m in messages)
        with self._lock:
            stdin.write(data)
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


# -- files the server must not read, documents it must not analyse ---------------------


def test_special_files_are_never_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    zero_link = tmp_path / "zero.py"
    zero_link.symlink_to("/dev/zero")
    server = RawServer(limit_memory=True)
    try:
        server.initialize()
        uri = (tmp_path / "a.py").as_uri()
        server.send(
            did_open("file:///dev/zero", "x = 1\n"),
            did_open(fifo.as_uri(), "y = 2\n"),
            did_open(zero_link.as_uri(), "z = 3\n"),
            did_open(uri, BUGGY),
            hover(30, uri, 1, 0),
        )
        assert server.wait_for(30).get("result") is not None
        for special in ("file:///dev/zero", fifo.as_uri(), zero_link.as_uri()):
            server.send(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didClose",
                    "params": {"textDocument": {"uri": special}},
                }
            )
        server.send(hover(31, uri, 1, 0))
        assert server.wait_for(31).get("result") is not None
        errors = [
            m for m in server.received if m.get("method") == "window/showMessage" and m["params"]["type"] == 1
        ]
        assert not errors, errors
        assert "MemoryError" not in server.stderr and "Traceback" not in server.stderr, server.stderr[-3000:]
        assert server.finish() == 0
    finally:
        server.kill()


def test_reading_files_stops_at_special_files_and_the_size_limit(tmp_path: Path) -> None:
    import os

    from leaf_lsp.safefile import read_bytes, read_text

    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    big = tmp_path / "big.py"
    big.write_bytes(b"#" * 2000)
    assert read_bytes(fifo) is None  # would block forever if it were opened for reading
    assert read_bytes("/dev/zero") is None
    assert read_bytes(tmp_path) is None
    assert read_bytes(tmp_path / "missing.py") is None
    assert read_bytes(big, max_bytes=1999) is None
    assert read_bytes(big, max_bytes=2000) == b"#" * 2000
    (tmp_path / "crlf.py").write_bytes(b"a = 1\r\n\xc3\xa9\r\n")
    assert read_text(tmp_path / "crlf.py") == "a = 1\r\n\u00e9\r\n"
    (tmp_path / "latin1.py").write_bytes(b"\xe9\n")
    assert read_text(tmp_path / "latin1.py") is None


async def test_documents_over_the_size_limit_get_one_information_diagnostic(tmp_path: Path) -> None:
    from lsp_helpers import diagnostics_for, open_doc, start
    from lsprotocol import types as lsp

    # Just over the default limit of 5 MiB, with a bug at the end the analysis would find.
    filler = ("#" + "x" * 98 + "\n") * 53_000
    text = filler + BUGGY
    assert 5 * 1024 * 1024 < len(text) < 6 * 1024 * 1024
    async with start(tmp_path) as client:
        uri = open_doc(client, tmp_path / "big.py", text)
        diagnostics = await diagnostics_for(client, uri, version=1, timeout=HANG_S)
        assert len(diagnostics) == 1, diagnostics
        (skipped,) = diagnostics
        assert skipped.severity == lsp.DiagnosticSeverity.Information
        assert skipped.range.start.line == 0 and skipped.range.end.line == 0
        assert "maxFileSizeKb" in skipped.message and "5120 KiB" in skipped.message
        hover_at_bug = lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(53_001, 0)
        )
        assert await client.text_document_hover_async(hover_at_bug) is None
        small = open_doc(client, tmp_path / "small.py", BUGGY)
        assert [d.code for d in await diagnostics_for(client, small, version=1)] == ["LEAF102"]
    async with start(tmp_path, options={"maxFileSizeKb": 8000}) as client:
        uri = open_doc(client, tmp_path / "big.py", text)
        diagnostics = await diagnostics_for(client, uri, version=1, timeout=HANG_S)
        assert [(d.code, d.range.start.line) for d in diagnostics] == [("LEAF102", 53_002)]


# -- requests while the user types -----------------------------------------------------


def test_positions_follow_the_edits_made_since_an_analysis() -> None:
    from leaf_lsp.lsp.history import EditHistory

    history = EditHistory()
    # Revision 1: "abcdef" -> "abXYcdef" (insert at 2); revision 2: delete "d" (offset 5).
    history.record(1, 2, 2, 2)
    history.record(2, 5, 6, 0)
    assert history.forward(0, 0, 2) == 0
    assert history.forward(2, 0, 2) == 4  # "c" moved right by the insertion
    assert history.forward(2, 0, 2, end=True) == 2  # an end touching the insertion stays
    assert history.forward(3, 0, 2) is None  # "d" was deleted
    assert history.forward(4, 0, 2) == 5  # "e"
    assert history.backward(2, 2, 0) is None  # "X" is new
    assert history.backward(4, 2, 0) == 2
    assert history.backward(5, 2, 0) == 4
    assert history.forward(2, 1, 2) == 2 and history.backward(5, 2, 1) == 6
    history.forget_until(1)
    assert history.forward(0, 0, 2) is None  # those edits are gone
    assert history.forward(6, 1, 2) == 5
    small = EditHistory(limit=2)
    for revision in range(1, 5):
        small.record(revision, 0, 0, 1)
    assert small.forward(0, 0, 4) is None and small.forward(0, 2, 4) == 2


def test_requests_are_answered_from_the_last_analysis_while_edits_arrive(tmp_path: Path) -> None:
    # Each analysis takes 1.5 s (fake engine), so while edits keep coming no new one can
    # finish: every answer below comes from the analysis of version 1. Raw JSON-RPC, so
    # that each request is on the wire right after its edit.
    server = RawServer()
    typing: threading.Thread | None = None
    stop = threading.Event()
    try:
        server.initialize({"workspace": {"workspaceEdit": {"documentChanges": True}}})
        uri = (tmp_path / "typing.py").as_uri()
        server.send(did_open(uri, "# SLOW_ANALYSIS\n" + BUGGY), hover("first", uri, 2, 0))
        first = server.wait_for("first")["result"]
        assert first is not None and "earlier version" not in first["contents"]["value"]

        version = 1

        def edit() -> dict[str, Any]:
            nonlocal version
            version += 1
            # A comment line at the top: everything the analysis knows moves down a line.
            return {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": 0, "character": 0},
                                "end": {"line": 0, "character": 0},
                            },
                            "text": "#\n",
                        }
                    ],
                },
            }

        shifts = []
        for number in range(5):
            change = edit()
            shift = version - 1
            shifts.append((shift, version))
            line = 2 + shift
            server.send(
                change,
                hover(f"hover-{number}", uri, line, 0),
                {
                    "jsonrpc": "2.0",
                    "id": f"hints-{number}",
                    "method": "textDocument/inlayHint",
                    "params": {
                        "textDocument": {"uri": uri},
                        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 100, "character": 0}},
                    },
                },
                {
                    "jsonrpc": "2.0",
                    "id": f"actions-{number}",
                    "method": "textDocument/codeAction",
                    "params": {
                        "textDocument": {"uri": uri},
                        "range": {
                            "start": {"line": line + 1, "character": 0},
                            "end": {"line": line + 1, "character": 0},
                        },
                        "context": {"diagnostics": [], "only": ["quickfix"]},
                    },
                },
            )

        def keep_typing() -> None:
            # Until every answer is in (bounded, for the old code that waited for a pause).
            for _ in range(200):
                if stop.wait(0.05):
                    return
                server.send(edit())

        typing = threading.Thread(target=keep_typing, daemon=True)
        typing.start()
        for number, (shift, requested) in enumerate(shifts):
            line = 2 + shift
            result = server.wait_for(f"hover-{number}")["result"]
            assert result is not None
            assert "earlier version" in result["contents"]["value"]
            assert result["range"]["start"]["line"] == line
            hints = server.wait_for(f"hints-{number}")["result"]
            assert [(h["position"]["line"], h["label"]) for h in hints] == [(line, "leaf · grad")]
            actions = server.wait_for(f"actions-{number}")["result"]
            fixes = [a for a in actions if a["title"].startswith("Use an out-of-place update")]
            assert len(fixes) == 1, actions
            (document_edit,) = fixes[0]["edit"]["documentChanges"]
            # For the text the request was made for, so the editor can apply it.
            assert document_edit["textDocument"] == {"uri": uri, "version": requested}
            edits = document_edit["edits"]
            assert edits and all(e["range"]["start"]["line"] == line + 1 for e in edits)
        # Everything was answered while the edits were still coming.
        assert typing.is_alive()
    finally:
        stop.set()
        if typing is not None:
            typing.join()
        server.kill()
