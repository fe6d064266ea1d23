"""The mitmproxy addon: thin hooks around ``pipeline.Inspector``.

Options are declared in ``load`` and parsed into typed state in ``configure`` (a bad policy, profile or
overlay raises ``OptionsError`` there, so the proxy refuses to start). Hooks gather the facts of a flow,
hand them to the inspector, act on the judgement (451, refused connection) and append the event.
They decide nothing themselves.
"""

from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
from mitmproxy import addonmanager, connection, ctx, exceptions, http, tcp, tls, udp, websocket
from mitmproxy.proxy import mode_specs, server_hooks

from . import __version__
from .errors import ConfigError
from .eventlog import EventLogError, EventWriter, render_line
from .limits import Limits
from .locate import ip_or_none
from .model import RequestView, StatsRecord
from .offload import CODED_OFFLOAD_MIN_BYTES, OFFLOAD_MIN_BYTES, InspectionPool, Verdict
from .pipeline import STREAM_BLOCKED, ConnectionFacts, EventSummary, Inspector, stream_payload_recorded, utc_now
from .policy import refuses_name
from .setup import DEFAULT_KEY_FILE, build_guard
from .shipped import DEFAULT_POLICY

log = logging.getLogger("residency_guard")

__all__ = [
    "DEFAULT_KEY_FILE",
    "DEFAULT_POLICY",
    "ResidencyGuard",
    "flow_connection_facts",
    "request_view",
]

DNS_TTL_SECONDS = 60.0
# mitmproxy listens with asyncio's default backlog of 100. A lab AP with a few phones booting at once
# opens more connections than that in a burst; the kernel then drops or (tcp_abort_on_overflow) resets
# them, which looks to QA like the phone's network failing. The kernel caps this at net.core.somaxconn.
LISTEN_BACKLOG = 4096
# Modes in which the original destination address is known when the client connects.
_DESTINATION_KNOWN_MODES = (
    mode_specs.TransparentMode,
    mode_specs.WireGuardMode,
    mode_specs.LocalMode,
    mode_specs.TunMode,
)


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


def default_events_path() -> Path:
    return Path("events") / datetime.now(UTC).strftime("session-%Y%m%dT%H%M%SZ.jsonl")


@dataclass
class Counters:
    flows: int = 0
    inspected: int = 0
    with_identifiers: int = 0
    violations: int = 0
    blocked: int = 0
    partial: int = 0
    errors: int = 0


def request_view(flow: http.HTTPFlow) -> RequestView:
    """The request as the pipeline sees it: raw (still content-encoded) body, headers in order."""
    req = flow.request
    return RequestView(
        method=req.method,
        url=req.pretty_url,
        headers=tuple((k, v) for k, v in req.headers.items(multi=True)),
        body=req.raw_content or b"",
        http_version=req.http_version,
    )


def websocket_view(flow: http.HTTPFlow, message: websocket.WebSocketMessage) -> RequestView:
    """A client WebSocket message as a request: the handshake's URL, the message as the body."""
    kind = "text/plain; charset=utf-8" if message.is_text else "application/octet-stream"
    return RequestView(
        method="WEBSOCKET",
        url=flow.request.pretty_url,
        headers=(("Content-Type", kind),),
        body=message.content,
        http_version=flow.request.http_version,
    )


def stream_view(
    flow: tcp.TCPFlow | udp.UDPFlow, message: tcp.TCPMessage | udp.UDPMessage, name: str | None = None
) -> RequestView:
    """A message the phone sends over raw TCP or UDP (MQTT, a vendor protocol on port 9999, …) as a
    request with no headers: the extractor recognises the payload by its content. ``name`` is the host
    name the connection was asked for, when the flow itself only knows the address."""
    protocol = "UDP" if isinstance(flow, udp.UDPFlow) else "TCP"
    host, port = _stream_destination(flow, name)
    return RequestView(
        method=protocol, url=f"{protocol.lower()}://{_url_host(host)}:{port}/", headers=(), body=message.content
    )


def stream_connection_facts(flow: tcp.TCPFlow | udp.UDPFlow, name: str | None = None) -> ConnectionFacts:
    server, client = flow.server_conn, flow.client_conn.peername
    host, port = _stream_destination(flow, name)
    return ConnectionFacts(
        flow_id=flow.id,
        client_ip=_peer_ip(client),
        client_port=client[1] if client else None,
        host=host,
        server_ip=_peer_ip(server.peername) or _peer_ip(server.address) or ip_or_none(host),
        server_port=port,
        tls=server.tls,
        sni=server.sni,
    )


def _stream_destination(flow: tcp.TCPFlow | udp.UDPFlow, name: str | None) -> tuple[str, int]:
    server = flow.server_conn
    address = server.address or server.peername or ("unknown", 0)
    return server.sni or name or str(address[0]), int(address[1])


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def flow_connection_facts(flow: http.HTTPFlow) -> ConnectionFacts:
    """What a flow says about its connection; ``server_ip`` is None when only a host name is known.

    The peer actually connected to wins; in transparent and WireGuard modes the server address is the
    original destination IP; a host that is an IP literal is its own address.
    """
    server = flow.server_conn
    host = flow.request.pretty_host
    # The peer actually connected to; else, in transparent and WireGuard modes, the original
    # destination; else the host, when it is an address.
    ip = _peer_ip(server.peername) or _peer_ip(server.address) or ip_or_none(host)
    client = flow.client_conn.peername
    return ConnectionFacts(
        flow_id=flow.id,
        client_ip=_peer_ip(client),
        client_port=client[1] if client else None,
        host=host,
        server_ip=ip,
        server_port=flow.request.port,
        tls=flow.request.scheme == "https",
        sni=server.sni,
    )


def _peer_ip(address: connection.Address | None) -> str | None:
    return ip_or_none(str(address[0])) if address else None


class ResidencyGuard:
    def __init__(self) -> None:
        self.inspector: Inspector | None = None
        self.writer: EventWriter | None = None
        self.session_id = uuid.uuid4().hex[:16]
        self.counters = Counters()
        self._stats_written: Counters | None = None
        self._stats_task: asyncio.Task[None] | None = None
        self._dns: dict[str, tuple[str | None, float]] = {}
        # server connection id → the host name it was asked for, before server_connect pinned the address
        self._server_names: dict[str, str] = {}
        self.on_error = "pass"
        self.pool: InspectionPool | None = None
        self.offload_min_bytes = OFFLOAD_MIN_BYTES
        self._pending: dict[Future[Verdict], str] = {}
        self.warnings: list[str] = []

    # ------------------------------------------------------------------------------------ options

    def load(self, loader: addonmanager.Loader) -> None:
        loader.add_option("guard_policy", str, str(DEFAULT_POLICY), "Residency policy (YAML).")
        loader.add_option("guard_profiles", Sequence[str], [], "Device profile YAML files (known identifier values).")
        loader.add_option(
            "guard_geodb",
            Sequence[str],
            [],
            "MaxMind-format .mmdb files or directories (default: $RESIDENCY_GUARD_GEODB, the checkout's geodb/, or ~/.residency-guard/geodb).",
        )
        loader.add_option(
            "guard_geo_overlay", str, "", "Geo overlay YAML: lab networks mapped to countries, consulted first."
        )
        loader.add_option("guard_events", str, "", "Events file (JSON lines); default events/session-<time>.jsonl.")
        loader.add_option("guard_events_max_bytes", int, 0, "Rotate the events file past this size (0: never).")
        loader.add_option(
            "guard_engine", str, "auto",
            "Trigger engine: auto (Hyperscan when its wheel imports, else Python), native or python; same hits.",
        )  # fmt: skip
        loader.add_option(
            "guard_fsync", bool, False, "fsync the events file after every event (power-loss safe, slower)."
        )
        loader.add_option(
            "guard_on_error",
            str,
            "pass",
            "What to do with a flow when the guard fails on it or cannot record it: pass or block.",
            choices=("pass", "block"),
        )
        loader.add_option(
            "guard_reveal_identifiers", bool, False, "Write full identifier values into events (default: masked only)."
        )
        loader.add_option("guard_fingerprint_key", str, str(DEFAULT_KEY_FILE), "Key file for identifier fingerprints.")
        # Integers, not floats: mitmproxy's --set cannot parse float options.
        loader.add_option(
            "guard_stats_interval_ms", int, 2000, "Milliseconds between stats records in the events file."
        )
        loader.add_option(
            "guard_workers",
            int,
            0,
            "Inspector processes for large bodies (0: inspect everything in the proxy process).",
        )
        loader.add_option(
            "guard_offload_min_bytes",
            int,
            OFFLOAD_MIN_BYTES,
            "Bodies at least this large are inspected by a worker process (with guard_workers > 0).",
        )
        defaults = Limits()
        loader.add_option("guard_max_body_bytes", int, defaults.max_body_bytes, "Raw body bytes inspected per request.")
        loader.add_option(
            "guard_max_decoded_bytes", int, defaults.max_decoded_bytes, "Bytes produced by decoding per request."
        )
        loader.add_option("guard_max_depth", int, defaults.max_depth, "Nested decoding steps per value.")
        loader.add_option("guard_max_items", int, defaults.max_items, "Values extracted per request.")
        loader.add_option(
            "guard_max_ms", int, round(defaults.max_seconds * 1000), "Inspection time budget per request (ms)."
        )

    def configure(self, updated: set[str]) -> None:
        # mitmdump -s passes every option on the first call; residency-guard run sets the guard_* ones
        # in one update after mitmproxy's own. Building on an unrelated update would open a stray
        # events file with default settings.
        if not any(name.startswith("guard_") for name in updated):
            return
        opts = ctx.options
        if opts.guard_on_error not in ("pass", "block"):
            raise exceptions.OptionsError(f"guard_on_error must be 'pass' or 'block', not {opts.guard_on_error!r}")
        limits = Limits(
            max_body_bytes=opts.guard_max_body_bytes,
            max_decoded_bytes=opts.guard_max_decoded_bytes,
            max_depth=opts.guard_max_depth,
            max_items=opts.guard_max_items,
            max_seconds=opts.guard_max_ms / 1000,
        )
        setup_kwargs = dict(
            policy=opts.guard_policy,
            profiles=list(opts.guard_profiles),
            geodb=list(opts.guard_geodb),
            geo_overlay=opts.guard_geo_overlay or None,
            fingerprint_key=opts.guard_fingerprint_key,
            limits=limits,
            reveal_identifiers=opts.guard_reveal_identifiers,
            engine=opts.guard_engine,
        )
        if opts.guard_engine not in ("auto", "native", "python"):
            raise exceptions.OptionsError(f"guard_engine: {opts.guard_engine!r} is not one of auto, native, python")
        try:
            setup = build_guard(**setup_kwargs)
        except ConfigError as e:
            raise exceptions.OptionsError(str(e)) from None
        if self.pool is not None:
            self.pool.close()
        self.pool = InspectionPool(opts.guard_workers, setup_kwargs) if opts.guard_workers > 0 else None
        self.offload_min_bytes = opts.guard_offload_min_bytes
        for w in setup.warnings:
            log.warning(w)
        self.warnings = list(setup.warnings)
        self.inspector = setup.inspector
        self.on_error = opts.guard_on_error
        events_path = Path(opts.guard_events) if opts.guard_events else default_events_path()
        if self.writer is not None:
            self.writer.close()
        try:
            self.writer = EventWriter(
                events_path, max_bytes=opts.guard_events_max_bytes or None, fsync=opts.guard_fsync
            )
            self.writer.append(setup.session_record(self.session_id, ",".join(opts.mode)))
        except EventLogError as e:
            raise exceptions.OptionsError(str(e)) from None
        log.info(
            "residency-guard %s: policy %s, %d profile(s), events → %s",
            __version__,
            setup.inspector.policy.name,
            len(setup.profiles),
            events_path,
        )

    # ------------------------------------------------------------------------------------ lifecycle

    def running(self) -> None:
        if self._stats_task is None:
            self._stats_task = asyncio.get_running_loop().create_task(self._write_stats_periodically())
        if (proxyserver := ctx.master.addons.get("proxyserver")) is not None:
            # Servers are already listening when ``running`` fires; ``changed`` covers a later --mode change.
            deepen_listen_backlog(proxyserver.servers)
            proxyserver.servers.changed.connect(self._on_servers_changed)

    async def _on_servers_changed(self) -> None:
        if (proxyserver := ctx.master.addons.get("proxyserver")) is not None:
            deepen_listen_backlog(proxyserver.servers)

    async def _write_stats_periodically(self) -> None:
        while True:
            await asyncio.sleep(max(100, ctx.options.guard_stats_interval_ms) / 1000)
            self._write_stats()
            release_free_memory()

    def _write_stats(self) -> None:
        if self.writer is None or self._stats_written == self.counters:
            return
        c = self.counters
        try:
            # Counters has exactly the counter fields of StatsRecord.
            self.writer.append(StatsRecord(timestamp=utc_now(), session_id=self.session_id, **vars(c)))
            self._stats_written = Counters(**vars(c))
        except EventLogError as e:
            log.error("residency-guard: %s", e)

    def done(self) -> None:
        if self._stats_task is not None:
            self._stats_task.cancel()
        # Flows forwarded before their judgement: wait for it, so no judged event is lost at exit.
        for future in list(self._pending):
            try:
                future.result(timeout=30)
            except Exception:
                pass
            self._judged_later(future)
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        self._write_stats()
        if self.writer is not None:
            self.writer.close()

    # ------------------------------------------------------------------------------------ hooks

    async def request(self, flow: http.HTTPFlow) -> None:
        if self.inspector is None or flow.response is not None or flow.error is not None:
            return
        self.counters.flows += 1
        view = request_view(flow)
        try:
            conn = await self._connection_facts(flow)
            offloaded = self._offloaded(view)
            if offloaded and self.pool is not None:
                # Forwarded now when the verdict cannot change that, unless the workers are behind:
                # then the flow waits, so a backlog can neither grow without bound nor be lost at exit.
                if len(self._pending) < self.pool.max_pending and not self.inspector.may_block(conn):
                    self._judge_later(flow.id, view, conn)
                    return
            verdict = await self._verdict(view, conn, offloaded)
        except Exception:
            self._failed(flow, "inspection failed")
            return
        self._apply(verdict, flow)

    def _apply(self, verdict: Verdict, flow: http.HTTPFlow | None) -> bool:
        """Count, record and act on a verdict; ``flow`` is None when it was already forwarded or is not
        an HTTP request. False when the event could not be recorded and ``--on-error block`` refuses
        the traffic (an HTTP flow has its 503 by then; a message must be dropped by the caller)."""
        c = self.counters
        c.inspected += 1
        c.with_identifiers += verdict.has_hits
        c.partial += not verdict.complete
        summary = verdict.summary
        if verdict.line is not None and summary is not None:
            c.violations += verdict.violation
            if not self._record(verdict.line, summary, flow):
                return False
        if verdict.blocked and flow is not None:
            c.blocked += 1
            flow.response = block_response(summary)
        return True

    async def _verdict(self, view: RequestView, conn: ConnectionFacts, offloaded: bool | None = None) -> Verdict:
        """Inspect in a worker when the body is worth the hand-over (``offloaded``, asked if not given), else here."""
        assert self.inspector is not None
        if offloaded is None:
            offloaded = self._offloaded(view)
        if offloaded and self.pool is not None:
            return await self.pool.inspect(view, conn)
        return Verdict.of(self.inspector.inspect(view, conn))

    def _offloaded(self, view: RequestView) -> bool:
        assert self.inspector is not None
        # Every body this large goes, without a trigger scan first: the scan would cost the proxy about
        # what inspecting a benign body costs, the hand-over a fraction of it (make bench). A content-coded
        # body goes sooner: what it decodes to, not its size on the wire, is what inspecting it costs.
        if self.pool is None:
            return False
        size = len(view.body)
        return size >= self.offload_min_bytes or (
            size >= CODED_OFFLOAD_MIN_BYTES and bool(view.header("content-encoding"))
        )

    def _refuses_message(self, verdict: Verdict) -> bool:
        """Count and record a verdict on a message (WebSocket, raw stream); True when the message must
        not be forwarded: it is blocked, or its event could not be written under ``--on-error block``."""
        recorded = self._apply(verdict, None)
        if verdict.blocked:
            self.counters.blocked += 1
        return verdict.blocked or not recorded

    def _judge_later(self, flow_id: str, view: RequestView, conn: ConnectionFacts) -> None:
        assert self.pool is not None
        future = self.pool.submit(view, conn)
        self._pending[future] = flow_id
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(self._judged_later, f))

    def _judged_later(self, future: Future[Verdict]) -> None:
        flow_id = self._pending.pop(future, None)
        if flow_id is None:  # already handled at shutdown
            return
        try:
            verdict = future.result()
        except Exception:
            self.counters.errors += 1
            log.error(
                "residency-guard: inspection failed for flow %s (judged after forwarding)\n%s",
                flow_id,
                traceback.format_exc(),
            )
            return
        self._apply(verdict, None)

    async def websocket_message(self, flow: http.HTTPFlow) -> None:
        """A message the phone sends over a WebSocket is judged like a request body; a blocked one is
        dropped (never forwarded) and the connection goes on."""
        if self.inspector is None or flow.websocket is None:
            return
        message = flow.websocket.messages[-1]
        if not message.from_client:
            return
        self.counters.flows += 1
        try:
            conn = await self._connection_facts(flow)
            verdict = await self._verdict(websocket_view(flow, message), conn)
        except Exception:
            self.counters.errors += 1
            log.error(
                "residency-guard: inspection failed for a WebSocket message of flow %s\n%s",
                flow.id,
                traceback.format_exc(),
            )
            if self.on_error == "block":
                message.drop()
            return
        if self._refuses_message(verdict):
            message.drop()

    async def tcp_message(self, flow: tcp.TCPFlow) -> None:
        """Raw TCP (a protocol mitmproxy does not parse: MQTT, vendor registration on port 9999, …)."""
        await self._stream_message(flow)

    async def udp_message(self, flow: udp.UDPFlow) -> None:
        """UDP datagrams other than DNS and QUIC (WireGuard mode, reverse:udp)."""
        await self._stream_message(flow)

    async def _stream_message(self, flow: tcp.TCPFlow | udp.UDPFlow) -> None:
        """A payload the phone sends on a raw stream is judged like a request body. A blocked one is not
        forwarded, and neither is anything the phone sends on that connection afterwards: the server
        would only get a protocol stream with a hole in it.

        Each segment is judged as it arrives, so an identifier split across two segments is not seen.
        A blocked UDP datagram still leaves as an empty one: mitmproxy sends one datagram per datagram
        received, and an addon can only change its content.
        A binary segment without identifiers is recorded as partially inspected once per connection,
        not for every heartbeat.
        """
        if self.inspector is None:
            return
        message = flow.messages[-1]
        if not message.from_client:
            return
        if flow.metadata.get(STREAM_BLOCKED):
            message.content = b""
            return
        self.counters.flows += 1
        name = self._server_names.get(flow.server_conn.id)
        try:
            conn = stream_connection_facts(flow, name)
            if conn.server_ip is None:
                conn = dataclasses.replace(conn, server_ip=await self._resolve(conn.host, conn.server_port))
            verdict = await self._verdict(stream_view(flow, message, name), conn)
        except Exception:
            self.counters.errors += 1
            log.error(
                "residency-guard: inspection failed for a %s message of flow %s\n%s",
                type(message).__name__,
                flow.id,
                traceback.format_exc(),
            )
            if self.on_error == "block":
                flow.metadata[STREAM_BLOCKED] = True
                message.content = b""
            return
        if not stream_payload_recorded(flow.metadata, verdict.has_hits, verdict.complete):
            verdict = dataclasses.replace(verdict, line=None, summary=None)
        if self._refuses_message(verdict):
            flow.metadata[STREAM_BLOCKED] = True
            message.content = b""

    def client_connected(self, client: connection.Client) -> None:
        """Transparent and WireGuard modes know the destination as soon as the phone connects: refuse
        a refused destination before any upstream connection or TLS handshake is made."""
        if self.inspector is None or not isinstance(client.proxy_mode, _DESTINATION_KNOWN_MODES):
            return
        if not client.sockname:
            return
        ip, port = _peer_ip(client.sockname), int(client.sockname[1])
        if ip is None:
            return
        conn = ConnectionFacts(
            flow_id=f"conn-{client.id[:13]}",
            client_ip=_peer_ip(client.peername),
            client_port=client.peername[1] if client.peername else None,
            host=ip,
            server_ip=ip,
            server_port=port,
            tls=False,
            sni=None,
        )
        if reason := self._refusal(conn):
            client.error = reason

    def tls_clienthello(self, data: tls.ClientHelloData) -> None:
        """A destination refused by name (SNI): make mitmproxy connect upstream first, so that
        ``server_connect`` refuses it before the phone's handshake completes."""
        if self.inspector is None or not data.client_hello.sni:
            return
        if refuses_name(data.client_hello.sni, self.inspector.policy):
            data.establish_server_tls_first = True

    async def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        """Pin the address we judged (regular mode), and refuse destinations the policy refuses outright."""
        if self.inspector is None or data.server.address is None:
            return
        host, port = str(data.server.address[0]), int(data.server.address[1])
        ip = ip_or_none(host)
        if ip is None:
            ip = await self._resolve(host, port)
            if ip is not None:
                data.server.address = (ip, port)
                self._server_names[data.server.id] = host
        conn = ConnectionFacts(
            flow_id=f"conn-{data.server.id[:13]}",
            client_ip=_peer_ip(data.client.peername),
            client_port=data.client.peername[1] if data.client.peername else None,
            host=data.server.sni or host,
            server_ip=ip,
            server_port=port,
            tls=data.server.tls,
            sni=data.server.sni,
        )
        if reason := self._refusal(conn):
            data.server.error = reason

    def _refusal(self, conn: ConnectionFacts) -> str | None:
        """The reason to refuse this connection (and its event, recorded), or None to let it be made."""
        assert self.inspector is not None
        try:
            destination, rule = self.inspector.check_connection(conn)
        except Exception:
            self.counters.errors += 1
            log.error("residency-guard: connection check failed for %s\n%s", conn.host, traceback.format_exc())
            if self.on_error == "block":
                return "residency-guard: internal error while judging this connection (on-error=block)"
            return None
        if rule is None:
            return None
        self.counters.flows += 1
        self.counters.violations += 1
        self.counters.blocked += 1
        event = self.inspector.connection_event(
            conn, destination, rule, ["connection refused before any payload was sent"]
        )
        self._record(render_line(event), EventSummary.of(event), None)
        return f"residency-guard: {rule.reason}"

    def server_disconnected(self, data: server_hooks.ServerConnectionHookData) -> None:
        self._server_names.pop(data.server.id, None)

    server_connect_error = server_disconnected  # a connection that never opened is never disconnected

    def tls_failed_client(self, data: tls.TlsData) -> None:
        """The phone rejected our certificate (pinning, CA not trusted): record what is known."""
        if self.inspector is None:
            return
        server = data.context.server
        client = data.context.client
        if server.address is None:
            return
        try:
            host, port = str(server.address[0]), int(server.address[1])
            sni = client.sni or server.sni
            conn = ConnectionFacts(
                flow_id=f"conn-{client.id[:13]}",
                client_ip=_peer_ip(client.peername),
                client_port=client.peername[1] if client.peername else None,
                host=sni or host,
                server_ip=_peer_ip(server.peername) or ip_or_none(host) or self._cached_ip(host),
                server_port=port,
                tls=True,
                sni=sni,
            )
            destination = self.inspector.locate(conn)
            reason = client.error or "handshake failed"
            event = self.inspector.connection_event(
                conn,
                destination,
                None,
                [
                    f"payload not inspected: the client rejected the guard's TLS certificate ({reason}); pinning or CA not trusted"
                ],
            )
        except Exception:
            self.counters.errors += 1
            log.error("residency-guard: recording a failed TLS handshake failed\n%s", traceback.format_exc())
            return
        self.counters.flows += 1
        self.counters.partial += 1
        self._record(render_line(event), EventSummary.of(event), None)

    # ------------------------------------------------------------------------------------ helpers

    async def _connection_facts(self, flow: http.HTTPFlow) -> ConnectionFacts:
        facts = flow_connection_facts(flow)
        if facts.server_ip is None:
            facts = dataclasses.replace(facts, server_ip=await self._resolve(facts.host, facts.server_port))
        return facts

    def _cached_ip(self, host: str) -> str | None:
        cached = self._dns.get(host)
        return cached[0] if cached else None

    async def _resolve(self, host: str, port: int) -> str | None:
        """Resolve once per TTL, so the address judged in ``request`` is the one ``server_connect`` pins."""
        cached = self._dns.get(host)
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
        if len(self._dns) > 4096:
            self._dns.clear()
        self._dns[host] = (ip, now + DNS_TTL_SECONDS)
        return ip

    def _record(self, line: bytes, summary: EventSummary, flow: http.HTTPFlow | None) -> bool:
        """Append the event and log it; False when it could not be written and ``--on-error block``
        refuses the traffic (``flow``, when given, is answered 503)."""
        assert self.writer is not None
        try:
            self.writer.append_line(line)
        except EventLogError as e:
            self.counters.errors += 1
            log.error("residency-guard: EVENT NOT RECORDED (flow %s): %s", summary.flow_id, e)
            if self.on_error == "block":
                if flow is not None:
                    flow.response = error_response(
                        flow.id, "the guard cannot record events; traffic refused (on-error=block)"
                    )
                return False
        _log_event(summary)
        return True

    def _failed(self, flow: http.HTTPFlow, what: str) -> None:
        self.counters.errors += 1
        log.error("residency-guard: %s for flow %s\n%s", what, flow.id, traceback.format_exc())
        if self.on_error == "block":
            flow.response = error_response(flow.id, f"residency-guard: {what}; refused (on-error=block)")


def _glibc_malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_malloc_trim = _glibc_malloc_trim()


def release_free_memory() -> None:
    """Hand freed heap pages back to the OS.

    Per-flow buffers leave glibc's heap fragmented: the Python heap stays flat over 100 000 flows
    (tracemalloc), yet RSS creeps up unless free pages are trimmed now and then.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


def block_response(summary: EventSummary | None) -> http.Response:
    """HTTP 451 naming the rule; the request never reaches the server. No identifier values."""
    body: dict[str, object] = {"error": "blocked by residency-guard"}
    if summary is not None:
        body.update(
            policy=summary.policy,
            flow_id=summary.flow_id,
            destination={"host": summary.host, "country": summary.country},
            identifier_types=list(summary.types),
            rules=[{"rule": rule, "reason": reason} for rule, action, reason in summary.rules if action == "block"],
        )
    return http.Response.make(451, orjson.dumps(body), {"Content-Type": "application/json"})


def error_response(flow_id: str, message: str) -> http.Response:
    return http.Response.make(
        503, orjson.dumps({"error": message, "flow_id": flow_id}), {"Content-Type": "application/json"}
    )


def _log_event(summary: EventSummary) -> None:
    level = logging.WARNING if summary.verdict == "violation" else logging.INFO
    if not log.isEnabledFor(level):
        return
    rules = ",".join(rule for rule, _, _ in summary.rules) or "-"
    log.log(
        level,
        "%s %s %s → %s (%s) [%s] rules=%s",
        summary.action.upper(),
        summary.event_type,
        ",".join(summary.types) or "-",
        summary.host,
        summary.country,
        summary.verdict,
        rules,
    )
