"""500 concurrent flows through the guard: every flow with an identifier is recorded exactly once, none
without, every blocked one got 451 and never reached its origin, every other one did."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from guard_harness import CN_HOST, DE_HOST, LAB_OVERLAY, running_guard

pytestmark = pytest.mark.e2e

FLOWS = 500
IMEI = "352099001761481"
MAC = "a4:50:46:1e:2b:3c"


@dataclass
class Origins:
    """Two asyncio origins on one thread. None answers until ``expected`` requests have reached them
    (or ``hold_seconds`` pass): then every forwarded flow is provably in flight through the guard at once."""

    ports: dict[str, int]
    targets: list[str]
    all_arrived_before_any_answer: bool = False


@contextmanager
def gated_origins(hosts: dict[str, str], expected: int, hold_seconds: float = 30.0) -> Iterator[Origins]:
    origins = Origins(ports={}, targets=[])
    ready = threading.Event()
    state: dict = {}

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                length = next(
                    (int(v) for k, _, v in (ln.partition(b":") for ln in lines[1:]) if k.lower() == b"content-length"),
                    0,
                )
                if length:
                    await reader.readexactly(length)
                origins.targets.append(lines[0].split(b" ")[1].decode())
                if len(origins.targets) == expected:
                    origins.all_arrived_before_any_answer = True
                    state["gate"].set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(state["gate"].wait(), hold_seconds)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def serve() -> None:
        state["gate"], state["stop"] = asyncio.Event(), asyncio.Event()
        servers = {}
        for name, host in hosts.items():
            servers[name] = await asyncio.start_server(connection, host, 0, backlog=2048)
            origins.ports[name] = servers[name].sockets[0].getsockname()[1]
        ready.set()
        await state["stop"].wait()
        for server in servers.values():
            server.close()

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield origins
    finally:
        loop.call_soon_threadsafe(state["stop"].set)
        thread.join(10)


def _plan(n: int, ports: dict[str, int]) -> tuple[str, str, dict | None, bool, bool]:
    """Flow ``n``: (method, url, json body, carries an identifier, goes to CN)."""
    to_cn = n % 3 == 0
    with_id = n % 2 == 0
    host = CN_HOST if to_cn else DE_HOST
    base = f"http://{host}:{ports['CN' if to_cn else 'DE']}/c?n={n}"
    if n % 4 == 0:  # identifier in the query
        return "GET", f"{base}&imei={IMEI}", None, with_id, to_cn
    if with_id:  # in a JSON body
        return "POST", base, {"device": {"wifi_mac": MAC}, "seq": n}, True, to_cn
    return "POST", base, {"city": "Oslo", "seq": n}, False, to_cn


async def test_500_concurrent_flows_lose_and_duplicate_no_event(tmp_path):
    blocked = {n for n in range(FLOWS) if _plan(n, {"CN": 0, "DE": 0})[3:] == (True, True)}
    with (
        gated_origins({"CN": CN_HOST, "DE": DE_HOST}, expected=FLOWS - len(blocked)) as origins,
        running_guard(tmp_path, overlay=LAB_OVERLAY) as guard,
    ):
        plans = [_plan(n, origins.ports) for n in range(FLOWS)]
        limits = httpx.Limits(max_connections=FLOWS, max_keepalive_connections=FLOWS)
        async with httpx.AsyncClient(proxy=guard.proxy_url, timeout=90, limits=limits, trust_env=False) as client:
            t0 = time.perf_counter()
            # All 500 start in one burst: the guard deepens mitmproxy's listen backlog for exactly this.
            responses = await asyncio.gather(
                *(client.request(method, url, json=body) for method, url, body, *_ in plans)
            )
            elapsed = time.perf_counter() - t0
        assert origins.all_arrived_before_any_answer, (
            f"only {len(origins.targets)} forwarded flows were in flight together"
        )

        expected_events = {n for n, p in enumerate(plans) if p[3]}
        statuses = {n: r.status_code for n, r in enumerate(responses)}
        assert {n for n, s in statuses.items() if s == 451} == blocked
        assert {n for n, s in statuses.items() if s == 200} == set(range(FLOWS)) - blocked
        assert set(statuses.values()) == {200, 451}

        deadline = time.monotonic() + 15
        while len(guard.events()) < len(expected_events) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        per_flow = Counter(int(parse_qs(urlsplit(e["request"]["url"]).query)["n"][0]) for e in guard.events())
        assert set(per_flow) == expected_events, f"missing {sorted(expected_events - set(per_flow))[:10]}"
        assert max(per_flow.values()) == 1, "duplicated events"
        for e in guard.events():
            n = int(parse_qs(urlsplit(e["request"]["url"]).query)["n"][0])
            assert e["action"] == ("blocked" if n in blocked else "logged")
            assert e["destination"]["country"] == ("CN" if plans[n][4] else "DE")
            assert IMEI not in e["request"]["url"]

        reached = Counter(int(parse_qs(urlsplit(t).query)["n"][0]) for t in origins.targets)
        assert set(reached) == set(range(FLOWS)) - blocked and max(reached.values()) == 1
        assert guard.proc.poll() is None
        print(f"{FLOWS} concurrent flows in {elapsed:.2f} s")
