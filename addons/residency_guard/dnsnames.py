"""Which name a phone looked up for an address: the DNS answers it received, remembered per client.

In transparent and WireGuard modes a connection arrives as an address alone; a pinned TLS connection
without SNI, a raw TCP/UDP payload or an IP-literal request then names no host. But the phone looked
the name up a moment before, through the guard: ``dns_response`` remembers each answer's addresses
under (client, address), and the connection's event names the host (``name_source: dns``) with the
answer's CNAME chain, so ``refuse.domains`` applies to the name and a cloaked tracker shows its real
domain.

Bounded and TTL-respecting: an entry lives as long as the answer's TTL (at least ``MIN_TTL_SECONDS``:
a TTL of 0 still means the phone connects right after it asked; at most ``MAX_TTL_SECONDS``), and the
least recently answered entries go first beyond ``MAX_NAMES``. When several names resolve to one
address (a CDN), the latest answer to that client wins: it is the name the phone is about to use.

The clock is injectable: ``replay`` reads the times a capture recorded, and a flow file holds a flow
from when it ended, so an answer may be read before a connection made earlier. An answer names only
what came after it (live, with a monotonic clock, everything does).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MAX_NAMES = 8192
"""(client, address) entries kept; a phone resolves a few hundred names an hour."""
MIN_TTL_SECONDS = 10.0
MAX_TTL_SECONDS = 86_400.0
MAX_CNAMES = 16
"""CNAME chain links kept per answer (resolvers give up after about 8–16)."""


@dataclass(frozen=True, slots=True)
class ResolvedName:
    name: str
    """The name the phone asked for."""
    cnames: tuple[str, ...] = ()
    """The aliases the answer went through, in order: the last is the canonical name."""


class ResolvedNames:
    def __init__(
        self,
        max_names: int = MAX_NAMES,
        min_ttl: float = MIN_TTL_SECONDS,
        max_ttl: float = MAX_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_names = max_names
        self.min_ttl = min_ttl
        self.max_ttl = max_ttl
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], tuple[ResolvedName, float, float]] = OrderedDict()
        """(client, address) → (name, answered at, expires at)."""

    def remember(
        self, client_ip: str, name: str, cnames: Iterable[str], addresses: Iterable[tuple[str, float]]
    ) -> None:
        """``client_ip`` was told that ``name`` (through ``cnames``) has these (address, TTL seconds)."""
        resolved = ResolvedName(name.rstrip(".").lower(), tuple(c.rstrip(".").lower() for c in cnames)[:MAX_CNAMES])
        now = self._clock()
        for ip, ttl in addresses:
            key = (client_ip, ip)
            self._entries.pop(key, None)
            self._entries[key] = (resolved, now, now + min(max(ttl, self.min_ttl), self.max_ttl))
            while len(self._entries) > self.max_names:
                self._entries.popitem(last=False)

    def name_for(self, client_ip: str | None, ip: str | None) -> ResolvedName | None:
        """The name ``client_ip`` last resolved to ``ip``, once answered and while the answer is valid."""
        if client_ip is None or ip is None:
            return None
        entry = self._entries.get((client_ip, ip))
        if entry is None:
            return None
        resolved, answered_at, expires_at = entry
        now = self._clock()
        if expires_at <= now:
            del self._entries[(client_ip, ip)]
            return None
        return resolved if answered_at <= now else None

    def __len__(self) -> int:
        return len(self._entries)
