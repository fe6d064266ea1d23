"""The accept backlog of mitmproxy's listening sockets."""

from __future__ import annotations

import asyncio
import os
import socket

# mitmproxy listens with asyncio's default backlog of 100. A lab AP with a few phones booting at once
# opens more connections than that in a burst; the kernel then drops or (tcp_abort_on_overflow) resets
# them, which looks to QA like the phone's network failing. The kernel caps this at net.core.somaxconn.
LISTEN_BACKLOG = 4096


def deepen_listen_backlog(servers: object) -> int:
    """Raise the accept backlog of every TCP socket mitmproxy listens on; returns how many were raised.

    ``listen()`` on a socket that is already listening only changes its backlog (Linux, BSD). It goes
    through a duplicate descriptor because asyncio's socket wrappers do not expose ``listen``.
    """
    raised = 0
    for instance in servers:  # type: ignore[attr-defined]
        for server in getattr(instance, "_servers", ()):
            if not isinstance(server, asyncio.Server):
                continue
            for sock in server.sockets:
                if sock.type != socket.SOCK_STREAM:
                    continue
                with socket.socket(sock.family, sock.type, sock.proto, fileno=os.dup(sock.fileno())) as dup:
                    dup.listen(LISTEN_BACKLOG)
                raised += 1
    return raised
