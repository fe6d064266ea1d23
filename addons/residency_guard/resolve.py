"""Which address a host name is judged at, and which name an address was asked for.

In regular mode the phone names its destination and mitmproxy resolves it when it connects. The guard
resolves first (``request`` judges the address's country) and ``server_connect`` pins the connection to
that same address, so the server judged is the server reached. The name is remembered per server
connection, so a raw TCP payload on it is recorded with the host the phone asked for.
"""

from __future__ import annotations

import asyncio
import time

from .locate import ip_or_none

DNS_TTL_SECONDS = 60.0
MAX_CACHED_NAMES = 4096


class PinnedResolver:
    def __init__(self, ttl: float = DNS_TTL_SECONDS, max_names: int = MAX_CACHED_NAMES) -> None:
        self.ttl = ttl
        self.max_names = max_names
        self._addresses: dict[str, tuple[str | None, float]] = {}
        self._server_names: dict[str, str] = {}

    async def resolve(self, host: str, port: int) -> str | None:
        """The address of ``host``, looked up once per TTL; None when it does not resolve."""
        cached = self._addresses.get(host)
        now = time.monotonic()
        if cached and cached[1] > now:
            return cached[0]
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, proto=6)
        except OSError:
            return None
        if not infos:
            return None
        ip = ip_or_none(str(infos[0][4][0]))
        if len(self._addresses) >= self.max_names:
            self._addresses.clear()
        self._addresses[host] = (ip, now + self.ttl)
        return ip

    def cached(self, host: str) -> str | None:
        """The address last resolved for ``host``, without a lookup (expired or not)."""
        entry = self._addresses.get(host)
        return entry[0] if entry else None

    def pin(self, server_id: str, host: str) -> None:
        """Server connection ``server_id`` was asked for ``host`` and now goes to its resolved address."""
        self._server_names[server_id] = host

    def name_of(self, server_id: str) -> str | None:
        return self._server_names.get(server_id)

    def forget(self, server_id: str) -> None:
        self._server_names.pop(server_id, None)
