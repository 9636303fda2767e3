"""Stdio transport: one thread reads whole LSP messages and hands each to the event loop at once.

pygls' own stdio reader sends every header line and every body read through a thread
pool and back. Each of those hops has to take the GIL again, and while an analysis
thread is running, each hop waits a full switch interval. On a busy server that added
20-60 ms before a ``didChange`` was even seen. Here a dedicated thread frames complete
messages, so each message costs one hand-over, and the switch interval is shortened so
that hand-over is quick too.

The message loop is our own as well: it answers bodies that are not JSON, or nest too
deeply to decode, with an error for their id (pygls only logs them), see :mod:`.rpc`.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import sys
import threading
from collections.abc import Iterator
from typing import BinaryIO

from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter
from pygls.protocol import JsonRPCProtocol
from pygls.server import JsonRPCServer

from .rpc import handle_body

log = logging.getLogger(__name__)

_CONTENT_LENGTH = re.compile(rb"^Content-Length:[ \t]*(\d+)[ \t]*$", re.IGNORECASE)
# Seconds a thread may hold the GIL while another waits (CPython's default is 5 ms). The
# analysis thread is CPU-bound; the event loop must get in quickly to read and reply.
SWITCH_INTERVAL_S = 0.0005


def take_message(buffer: bytearray) -> bytes | None:
    """Remove and return the first complete message in ``buffer``, normalised for pygls' reader.

    Returns None until the headers and the whole body have arrived. A header block without
    a Content-Length is dropped.
    """
    while True:
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        length = None
        for line in bytes(buffer[:end]).split(b"\r\n"):
            match = _CONTENT_LENGTH.match(line)
            if match:
                length = int(match.group(1))
        if length is None:
            del buffer[: end + 4]
            continue
        if len(buffer) < end + 4 + length:
            return None
        body = bytes(buffer[end + 4 : end + 4 + length])
        del buffer[: end + 4 + length]
        # pygls' loop expects exactly "Content-Length: N\r\n", then "\r\n", then the body.
        return b"Content-Length: %d\r\n\r\n" % length + body


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    """What arrives on ``stream``, as it arrives, until end of input."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        fd = -1
    while True:
        # os.read on the descriptor, not the buffered stream: a thread blocked inside a
        # buffered read holds its lock and aborts the interpreter's shutdown.
        chunk = os.read(fd, 1 << 16) if fd >= 0 else stream.read(1 << 16)
        if not chunk:
            return
        yield chunk


class ThreadedReader:
    """pygls' ``AsyncReader`` over a stream buffer fed whole messages by a reader thread."""

    def __init__(self, stream: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        self._buffer = asyncio.StreamReader(limit=2**20, loop=loop)
        self._loop = loop
        self._thread = threading.Thread(target=self._pump, args=(stream,), name="leaf-stdin", daemon=True)
        self._thread.start()

    def _pump(self, stream: BinaryIO) -> None:
        buffer = bytearray()
        try:
            for chunk in _chunks(stream):
                buffer += chunk
                while (message := take_message(buffer)) is not None:
                    self._loop.call_soon_threadsafe(self._buffer.feed_data, message)
        except (OSError, ValueError):
            log.exception("leaf-lsp: reading stdin failed")
        finally:
            try:
                self._loop.call_soon_threadsafe(self._buffer.feed_eof)
            except RuntimeError:  # the loop already closed
                pass

    async def readline(self) -> bytes:
        """The next header line (b'' at end of input)."""
        return await self._buffer.readline()

    async def readexactly(self, n: int) -> bytes:
        """The next ``n`` bytes (what there is at end of input)."""
        try:
            return await self._buffer.readexactly(n)
        except asyncio.IncompleteReadError as exc:
            return exc.partial


async def message_loop(
    stop: threading.Event, reader: ThreadedReader, protocol: JsonRPCProtocol, server: JsonRPCServer
) -> None:
    """Hand each message body from ``reader`` to ``protocol`` until ``stop`` is set or the input ends."""
    while not stop.is_set():
        header = await reader.readline()
        if not header:
            return
        # take_message normalised the headers to exactly one Content-Length line.
        match = _CONTENT_LENGTH.match(header.rstrip(b"\r\n"))
        if match is None:
            continue
        if await reader.readline() != b"\r\n":
            continue
        length = int(match.group(1))
        body = await reader.readexactly(length)
        if len(body) < length:
            return
        try:
            handle_body(protocol, body)
        except Exception as exc:  # a handler bug must not end the session
            log.exception("leaf-lsp: unable to handle a message")
            server.report_server_error(exc, JsonRpcException)
        # Let a request handler just started take its first step (read the document's
        # state) before the next message, which may be an edit, is handled: positions in a
        # request are in the text as it was when the request was sent.
        await asyncio.sleep(0)


def serve_stdio(server: JsonRPCServer, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """Serve ``server`` over stdio until the client exits or the input ends."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    stop = threading.Event()
    # pygls' shutdown() sets this event; the message loop checks it between messages.
    server._stop_event = stop
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

    async def main() -> None:
        reader = ThreadedReader(stdin or sys.stdin.buffer, asyncio.get_running_loop())
        await message_loop(stop, reader, server.protocol, server)

    try:
        asyncio.run(main())
    except BrokenPipeError:
        log.error("leaf-lsp: the connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()
