"""TCP transport: bind loopback only (unless allowed otherwise), then serve exactly one client.

pygls' own ``start_tcp`` binds whatever it is given and hands every connection to the same
protocol object, so a second client would share the first one's session (and its trust).
Here the first connection is served and the listening sockets are closed at once; any other
connection that races in is closed unanswered. The server stops when that client leaves, as
pygls' does.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import threading
from typing import Any

from pygls.io_ import run_async
from pygls.server import JsonRPCServer

log = logging.getLogger(__name__)


class TcpError(Exception):
    """The TCP address cannot be used: unresolvable, not loopback, or not bindable (one line)."""


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (``::ffff:127.0.0.1``)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def listen(host: str, port: int, *, allow_remote: bool = False) -> list[socket.socket]:
    """Listening sockets for every address ``host`` resolves to; raises TcpError.

    Every resolved address must be loopback unless ``allow_remote``: a name such as
    ``localhost`` that also resolves to a public address is refused as a whole.
    """
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise TcpError(
            f"--tcp: cannot resolve host {host!r}: {getattr(error, 'strerror', None) or error}"
        ) from None
    addresses: list[tuple[socket.AddressFamily, Any]] = []
    for info in infos:
        if (info[0], info[4]) not in addresses:
            addresses.append((info[0], info[4]))
    if not allow_remote:
        remote = sorted(
            {str(sockaddr[0]) for _family, sockaddr in addresses if not is_loopback(str(sockaddr[0]))}
        )
        if remote:
            raise TcpError(
                f"--tcp: {host or '(all interfaces)'} is not a loopback address ({', '.join(remote)}); "
                "anyone who can reach it could use the server: use 127.0.0.1 or ::1, "
                "or pass --tcp-allow-remote"
            )
    sockets: list[socket.socket] = []
    try:
        for family, sockaddr in addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            if family == socket.AF_INET6:
                # Each family gets its own socket; a v6 one must not also grab the v4 port.
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(sockaddr)
            sock.listen(8)
            sock.setblocking(False)
    except OSError as error:
        for sock in sockets:
            sock.close()
        raise TcpError(f"--tcp: cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sockets


def serve_tcp(server: JsonRPCServer, sockets: list[socket.socket]) -> None:
    """Serve the first client that connects on ``sockets``, then stop."""
    stop = threading.Event()
    # pygls' shutdown() and exit set this event; the message loop checks it between messages.
    server._stop_event = stop

    async def main() -> None:
        finished = asyncio.Event()
        listeners: list[asyncio.Server] = []
        claimed = False

        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal claimed
            if claimed:
                writer.close()
                return
            claimed = True
            for listener in listeners:
                listener.close()
            log.info("leaf-lsp: client connected from %s", writer.get_extra_info("peername"))
            server.protocol.set_writer(writer)
            try:
                await run_async(
                    stop_event=stop,
                    reader=reader,
                    protocol=server.protocol,
                    logger=log,
                    error_handler=server.report_server_error,
                )
            finally:
                finished.set()

        for sock in sockets:
            listeners.append(await asyncio.start_server(on_connect, sock=sock))
        await finished.wait()

    try:
        asyncio.run(main())
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        for sock in sockets:
            sock.close()
        server.shutdown()
