"""The mitmproxy addon: thin hooks around ``pipeline.Inspector``.

Options are declared in ``load`` and parsed into typed state in ``configure`` (a bad policy, profile or
overlay raises ``OptionsError`` there, so the proxy refuses to start, and a bad live change leaves the
running guard as it was). Hooks gather the facts of a flow (``flowfacts``), hand them to the inspector,
act on the judgement (451, refused connection) and append the event. They decide nothing themselves.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import socket
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from mitmproxy import addonmanager, command, connection, ctx, dns, exceptions, hooks, http, tcp, tls, udp
from mitmproxy.flow import Flow
from mitmproxy.net.dns import response_codes
from mitmproxy.proxy import mode_specs, server_hooks

from . import __version__
from .counters import Counters
from .dnsnames import ResolvedNames
from .errors import ConfigError
from .eventlog import EventLogError, EventWriter, render_line
from .flowfacts import (
    client_connection_facts,
    connection_facts,
    dns_connection_facts,
    dns_query_views,
    flow_connection_facts,
    peer_ip,
    remember_dns_answer,
    replace_request,
    request_view,
    stream_connection_facts,
    stream_view,
    websocket_view,
    with_resolved_name,
)
from .flowmarks import RECENT_EVENTS, annotate, describe_recent
from .limits import Limits
from .listening import deepen_listen_backlog
from .locate import ip_or_none
from .memory import release_free_memory
from .model import RequestView
from .offload import CODED_OFFLOAD_MIN_BYTES, OFFLOAD_MIN_BYTES, InspectionPool, Verdict
from .pipeline import STREAM_BLOCKED, ConnectionFacts, EventSummary, Inspector, stream_payload_recorded
from .policy import refuses_name
from .resolve import PinnedResolver
from .responses import block_response, error_response
from .setup import DEFAULT_KEY_FILE, GuardSetup, build_guard
from .shipped import DEFAULT_POLICY
from .volume import VolumeCounts

log = logging.getLogger("residency_guard")

__all__ = ["DEFAULT_KEY_FILE", "DEFAULT_POLICY", "ResidencyGuard", "default_events_path"]

# Modes in which the original destination address is known when the client connects.
_DESTINATION_KNOWN_MODES = (
    mode_specs.TransparentMode,
    mode_specs.WireGuardMode,
    mode_specs.LocalMode,
    mode_specs.TunMode,
)
# The name server WireGuard mode gives the phone; mitmproxy answers it (dns_request sees every query).
_WIREGUARD_RESOLVER = ("10.0.0.53", 53)
_LIMIT_OPTIONS = {
    "guard_max_body_bytes": "max_body_bytes",
    "guard_max_decoded_bytes": "max_decoded_bytes",
    "guard_max_depth": "max_depth",
    "guard_max_items": "max_items",
}
# The events file is reopened only when one of these changes; the inspector when its arguments do.
WRITER_OPTIONS = frozenset({"guard_events", "guard_events_max_bytes", "guard_fsync"})


def _command[F: Callable[..., object]](name: str) -> Callable[[F], F]:
    """``mitmproxy.command.command``, which is not annotated, with its type: it returns the function."""
    return cast(Callable[[F], F], command.command(name))


def default_events_path() -> Path:
    return Path("events") / datetime.now(UTC).strftime("session-%Y%m%dT%H%M%SZ.jsonl")


class ResidencyGuard:
    def __init__(self) -> None:
        self.inspector: Inspector | None = None
        self.writer: EventWriter | None = None
        self.session_id = uuid.uuid4().hex[:16]
        self.counters = Counters()
        self._stats_written: Counters | None = None
        self._stats_task: asyncio.Task[None] | None = None
        self.resolver = PinnedResolver()
        self.names = ResolvedNames()
        self.setup: GuardSetup | None = None
        self._setup_kwargs: dict[str, Any] = {}
        self._writer_options: tuple[object, ...] = ()
        self._pool_workers = 0
        self.on_error = "pass"
        self.pool: InspectionPool | None = None
        self.offload_min_bytes = OFFLOAD_MIN_BYTES
        self._pending: dict[Future[Verdict], http.HTTPFlow] = {}
        self.warnings: list[str] = []
        self.mark_flows = True
        self.recent: deque[EventSummary] = deque(maxlen=RECENT_EVENTS)
        # One key for the fakes of redacted identifiers per guard process, shared with its workers, so
        # a value gets the same fake whichever process inspects it.
        self._redaction_key = os.urandom(32)
        self.volume_counts: VolumeCounts | None = None
        self._volume_db: str | None = None

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
            "guard_mark_flows",
            bool,
            True,
            "Mark and comment the flows the guard judges (mitmweb, mitmproxy console, saved flow files).",
        )
        loader.add_option(
            "guard_reveal_identifiers", bool, False, "Write full identifier values into events (default: masked only)."
        )
        loader.add_option("guard_fingerprint_key", str, str(DEFAULT_KEY_FILE), "Key file for identifier fingerprints.")
        loader.add_option("guard_name", str, socket.gethostname(), "Name of this guard, recorded in every event.")
        loader.add_option(
            "guard_db", str, "", "Fleet database (postgresql://…) keeping the volume rules' counters (default: local)."
        )
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
        changed = {name for name in updated if name.startswith("guard_")}
        if not changed:
            return
        opts = ctx.options
        if opts.guard_on_error not in ("pass", "block"):
            raise exceptions.OptionsError(f"guard_on_error must be 'pass' or 'block', not {opts.guard_on_error!r}")
        if opts.guard_engine not in ("auto", "native", "python"):
            raise exceptions.OptionsError(f"guard_engine: {opts.guard_engine!r} is not one of auto, native, python")
        first = self.setup is None
        # Everything that can fail is built before anything is replaced, so a refused change leaves the
        # running guard as it was. mitmproxy then rolls the options back, calling ``configure`` with the
        # values already in force: comparing with them keeps that from rebuilding anything.
        setup_kwargs = {**self._setup_arguments(opts), "redaction_key": self._redaction_key}
        db_changed = opts.guard_db != self._volume_db
        rebuild = first or setup_kwargs != self._setup_kwargs or db_changed
        setup = self._build_setup(setup_kwargs, self._volume_counts(opts) if db_changed else None) if rebuild else None
        writer_options = tuple(getattr(opts, name) for name in sorted(WRITER_OPTIONS))
        writer = self._open_writer(opts) if first or writer_options != self._writer_options else None
        if setup is not None:
            self._setup_kwargs = setup_kwargs
            self._use_setup(setup, new_session=not first)
        if setup is not None or opts.guard_workers != self._pool_workers:
            self._restart_pool(opts.guard_workers)
        self.offload_min_bytes = opts.guard_offload_min_bytes
        self.on_error = opts.guard_on_error
        self.mark_flows = opts.guard_mark_flows
        if writer is not None:
            if self.writer is not None:
                self.writer.close()
            self.writer, self._writer_options = writer, writer_options
        if setup is not None or writer is not None:
            self._write_session_record(",".join(opts.mode))
        if first:
            self._judge_dns_before_it_is_resolved()

    @staticmethod
    def _setup_arguments(opts: Any) -> dict[str, Any]:
        """``build_guard``'s arguments from the options (a worker process builds its guard from them too)."""
        limits = Limits(
            **{field: getattr(opts, option) for option, field in _LIMIT_OPTIONS.items()},
            max_seconds=opts.guard_max_ms / 1000,
        )
        kwargs: dict[str, Any] = dict(
            policy=opts.guard_policy,
            profiles=list(opts.guard_profiles),
            geodb=list(opts.guard_geodb),
            geo_overlay=opts.guard_geo_overlay or None,
            fingerprint_key=opts.guard_fingerprint_key,
            limits=limits,
            reveal_identifiers=opts.guard_reveal_identifiers,
            engine=opts.guard_engine,
            guard_name=opts.guard_name or None,
        )
        return kwargs

    def _volume_counts(self, opts: Any) -> VolumeCounts | None:
        """The fleet's volume counters when ``guard_db`` names the fleet database (else counted locally)."""
        if self.volume_counts is not None:
            self.volume_counts.close()
        self.volume_counts, self._volume_db = None, opts.guard_db
        if opts.guard_db:
            from .fleet.volume import FleetCounts

            self.volume_counts = FleetCounts(opts.guard_db, opts.guard_name or socket.gethostname())
        return self.volume_counts

    def _build_setup(self, kwargs: dict[str, Any], volume_counts: VolumeCounts | None = None) -> GuardSetup:
        try:
            return build_guard(**kwargs, volume_counts=volume_counts or self.volume_counts)
        except ConfigError as e:
            raise exceptions.OptionsError(str(e)) from None

    def _use_setup(self, setup: GuardSetup, new_session: bool) -> None:
        # Events judged under a new configuration belong to a new session: readers keep the first
        # session record of a session id, which would otherwise describe a policy no longer in force.
        if new_session:
            self.session_id = uuid.uuid4().hex[:16]
        self.setup, self.inspector = setup, setup.inspector
        self.warnings = list(setup.warnings)
        for w in setup.warnings:
            log.warning(w)
        log.info(
            "residency-guard %s: policy %s, %d profile(s)", __version__, setup.inspector.policy.name,
            len(setup.profiles),
        )  # fmt: skip
        if (volume := setup.inspector.volume) is not None:
            log.info("residency-guard: %d volume rule(s), %s", len(volume.scopes), volume.counts.counted_by)

    def _restart_pool(self, workers: int) -> None:
        if self.pool is not None:
            self.pool.close()
        self.pool = InspectionPool(workers, self._setup_kwargs) if workers > 0 else None
        self._pool_workers = workers

    @staticmethod
    def _open_writer(opts: Any) -> EventWriter:
        events_path = Path(opts.guard_events) if opts.guard_events else default_events_path()
        try:
            writer = EventWriter(events_path, max_bytes=opts.guard_events_max_bytes or None, fsync=opts.guard_fsync)
        except EventLogError as e:
            raise exceptions.OptionsError(str(e)) from None
        log.info("residency-guard: events → %s", events_path)
        return writer

    def _write_session_record(self, mode: str) -> None:
        assert self.setup is not None and self.writer is not None
        try:
            self.writer.append(self.setup.session_record(self.session_id, mode))
        except EventLogError as e:
            raise exceptions.OptionsError(str(e)) from None

    # ------------------------------------------------------------------------------------ lifecycle

    def _judge_dns_before_it_is_resolved(self) -> None:
        """mitmproxy's own resolver answers queries in dns and WireGuard modes in its ``dns_request``;
        added after it (``residency-guard run`` adds the guard after mitmproxy's defaults), the guard
        would see every query already answered, its name already sent upstream. It is moved behind
        the guard; loaded as a script (``-s``) the guard already comes first."""
        addons = ctx.master.addons
        chain, resolver = addons.chain, addons.get("dnsresolver")
        if resolver in chain and self in chain and chain.index(resolver) < chain.index(self):
            chain.remove(resolver)
            chain.insert(chain.index(self) + 1, resolver)

    def running(self) -> None:
        self._judge_dns_before_it_is_resolved()
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
        try:
            self.writer.append(self.counters.stats_record(self.session_id))
            self._stats_written = self.counters.snapshot()
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
        if self.volume_counts is not None:
            self.volume_counts.close()

    # ------------------------------------------------------------------------------------ commands

    @_command("residency.stats")
    def show_stats(self) -> str:
        """The guard's counters since its session started (``:residency.stats`` in the console)."""
        return self.counters.describe()

    @_command("residency.events")
    def show_events(self, count: int) -> str:
        """The last ``count`` events the guard recorded, oldest first; identifier types only, no values."""
        return describe_recent(list(self.recent)[-count:] if count > 0 else [])

    # ------------------------------------------------------------------------------------ hooks

    async def requestheaders(self, flow: http.HTTPFlow) -> None:
        """mitmproxy's ``stream_large_bodies`` marks a large body (known by its Content-Length) to be sent
        on as it arrives, before ``request`` could judge it: a flow whose judgement could block it is
        buffered instead. A chunked body only found large later is streamed by mitmproxy without a hook
        (README: do not set the option with a fail-closed policy)."""
        if self.inspector is None or not flow.request.stream:
            return
        try:
            blockable = self.inspector.may_block(await self._connection_facts(flow))
        except Exception:
            blockable = True  # cannot tell: hold it, ``request`` judges it (or fails) with the body in hand
        if blockable:
            flow.request.stream = False

    async def request(self, flow: http.HTTPFlow) -> None:
        if self.inspector is None or flow.response is not None or flow.error is not None:
            return
        self.counters.arrived()
        view = request_view(flow)
        try:
            conn = await self._connection_facts(flow)
            offloaded = self._offloaded(view)
            if offloaded and self.pool is not None:
                # Forwarded now when the verdict cannot change that, unless the workers are behind:
                # then the flow waits, so a backlog can neither grow without bound nor be lost at exit.
                if len(self._pending) < self.pool.max_pending and not self.inspector.may_block(conn):
                    self._judge_later(flow, view, conn)
                    return
            verdict = await self._verdict(view, conn, offloaded)
        except Exception:
            self._failed(flow, "inspection failed")
            return
        self._apply(verdict, flow)

    def _apply(self, verdict: Verdict, flow: http.HTTPFlow | None, judged: Flow | None = None) -> bool:
        """Count, record and act on a verdict; ``flow`` is None when it was already forwarded or is not
        an HTTP request. ``judged`` (default: ``flow``) is the flow to mark with the verdict. False when
        the event could not be recorded and ``--on-error block`` refuses the traffic (an HTTP flow has
        its 503 by then; a message must be dropped by the caller)."""
        self.counters.record(verdict)
        summary = verdict.summary
        judged = judged if judged is not None else flow
        if summary is not None and judged is not None and self.mark_flows:
            annotate(judged, summary, verdict.complete)
        if verdict.line is not None and summary is not None and not self._record(verdict.line, summary, flow):
            return False
        if verdict.blocked and flow is not None:
            flow.response = block_response(summary)
        elif verdict.rewritten is not None and flow is not None:
            replace_request(flow, verdict.rewritten)
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
        # Volume rules count in this process: a worker's counters would see only its share of the flows.
        if self.pool is None or self.inspector.volume is not None:
            return False
        size = len(view.body)
        return size >= self.offload_min_bytes or (
            size >= CODED_OFFLOAD_MIN_BYTES and bool(view.header("content-encoding"))
        )

    def _refuses_message(self, verdict: Verdict, judged: Flow) -> bool:
        """Count and record a verdict on a message (WebSocket, raw stream) of ``judged``; True when the
        message must not be forwarded: it is blocked, or its event could not be written under
        ``--on-error block``."""
        recorded = self._apply(verdict, None, judged)
        return verdict.blocked or not recorded

    def _judge_later(self, judged: http.HTTPFlow, view: RequestView, conn: ConnectionFacts) -> None:
        assert self.pool is not None
        future = self.pool.submit(view, conn)
        self._pending[future] = judged
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(self._judged_later, f))

    def _judged_later(self, future: Future[Verdict]) -> None:
        judged = self._pending.pop(future, None)
        if judged is None:  # already handled at shutdown
            return
        try:
            verdict = future.result()
        except Exception:
            self.counters.failed()
            log.error(
                "residency-guard: inspection failed for flow %s (judged after forwarding)\n%s",
                judged.id,
                traceback.format_exc(),
            )
            return
        self._apply(verdict, None, judged)
        if verdict.summary is not None and self.mark_flows:
            # Outside a hook: mitmweb and the console redraw a changed flow only when told.
            ctx.master.addons.trigger(hooks.UpdateHook([judged]))

    async def websocket_message(self, flow: http.HTTPFlow) -> None:
        """A message the phone sends over a WebSocket is judged like a request body; a blocked one is
        dropped (never forwarded) and the connection goes on."""
        if self.inspector is None or flow.websocket is None:
            return
        message = flow.websocket.messages[-1]
        if not message.from_client:
            return
        self.counters.arrived()
        try:
            conn = await self._connection_facts(flow)
            verdict = await self._verdict(websocket_view(flow, message), conn)
        except Exception:
            self.counters.failed()
            log.error(
                "residency-guard: inspection failed for a WebSocket message of flow %s\n%s",
                flow.id,
                traceback.format_exc(),
            )
            if self.on_error == "block":
                message.drop()
            return
        if self._refuses_message(verdict, flow):
            message.drop()
        elif verdict.rewritten is not None:
            message.content = verdict.rewritten.body

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
        self.counters.arrived()
        name = self.resolver.name_of(flow.server_conn.id)
        try:
            conn = await self._with_address(self._named(stream_connection_facts(flow, name)))
            verdict = await self._verdict(stream_view(flow, message, conn.host), conn)
        except Exception:
            self.counters.failed()
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
        if self._refuses_message(verdict, flow):
            flow.metadata[STREAM_BLOCKED] = True
            message.content = b""
        elif verdict.rewritten is not None:
            message.content = verdict.rewritten.body

    def client_connected(self, client: connection.Client) -> None:
        """Transparent and WireGuard modes know the destination as soon as the phone connects: refuse
        a refused destination before any upstream connection or TLS handshake is made."""
        if self.inspector is None or not isinstance(client.proxy_mode, _DESTINATION_KNOWN_MODES):
            return
        if _asks_a_resolver(client):
            return
        conn = client_connection_facts(client)
        if conn is not None and (reason := self._refusal(self._named(conn))):
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
        if self.inspector is None or data.server.address is None or _asks_a_resolver(data.client):
            return
        host, port = str(data.server.address[0]), int(data.server.address[1])
        ip = ip_or_none(host)
        if ip is None:
            ip = await self.resolver.resolve(host, port)
            if ip is not None:
                data.server.address = (ip, port)
                self.resolver.pin(data.server.id, host)
        conn = connection_facts(
            f"conn-{data.server.id[:13]}", data.client, host=data.server.sni or host, server_ip=ip,
            server_port=port, tls=data.server.tls, sni=data.server.sni,
        )  # fmt: skip
        if reason := self._refusal(self._named(conn)):
            data.server.error = reason

    def _refusal(self, conn: ConnectionFacts) -> str | None:
        """The reason to refuse this connection (and its event, recorded), or None to let it be made."""
        assert self.inspector is not None
        try:
            destination, rule = self.inspector.check_connection(conn)
        except Exception:
            self.counters.failed()
            log.error("residency-guard: connection check failed for %s\n%s", conn.host, traceback.format_exc())
            if self.on_error == "block":
                return "residency-guard: internal error while judging this connection (on-error=block)"
            return None
        if rule is None:
            return None
        self.counters.refused()
        event = self.inspector.connection_event(
            conn, destination, rule, ["connection refused before any payload was sent"]
        )
        self._record(render_line(event), EventSummary.of(event), None)
        return f"residency-guard: {rule.reason}"

    def server_disconnected(self, data: server_hooks.ServerConnectionHookData) -> None:
        self.resolver.forget(data.server.id)

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
            conn = connection_facts(
                f"conn-{client.id[:13]}", client, host=sni or host,
                server_ip=peer_ip(server.peername) or ip_or_none(host) or self.resolver.cached(host),
                server_port=port, tls=True, sni=sni,
            )  # fmt: skip
            conn = self._named(conn)
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
            self.counters.failed()
            log.error("residency-guard: recording a failed TLS handshake failed\n%s", traceback.format_exc())
            return
        self.counters.uninspected()
        self._record(render_line(event), EventSummary.of(event), None)

    async def dns_request(self, flow: dns.DNSFlow) -> None:
        """A DNS query the phone sends (dns and reverse:dns modes, WireGuard mode's resolver): its name
        is judged like a request body (``Inspector.inspect_dns``). A blocked query is answered REFUSED
        and never forwarded: REFUSED says a policy declined it, where NXDOMAIN would assert that the
        name does not exist (and be cached as such by the phone)."""
        if self.inspector is None or flow.response is not None or flow.error is not None:
            return
        refused = False
        for query in dns_query_views(flow):
            self.counters.arrived()
            try:
                verdict = Verdict.of(self.inspector.inspect_dns(query, dns_connection_facts(flow, query)))
            except Exception:
                self.counters.failed()
                log.error("residency-guard: inspection failed for DNS query %s\n%s", flow.id, traceback.format_exc())
                refused = refused or self.on_error == "block"
                continue
            refused = self._refuses_message(verdict, flow) or refused
        if refused:
            flow.response = flow.request.fail(response_codes.REFUSED)

    def dns_response(self, flow: dns.DNSFlow) -> None:
        """Remember which addresses the phone was given for a name, so that a connection to one of them
        is recorded under that name (``dnsnames``)."""
        try:
            remember_dns_answer(flow, self.names)
        except Exception:
            log.error("residency-guard: reading DNS answer %s failed\n%s", flow.id, traceback.format_exc())

    # ------------------------------------------------------------------------------------ helpers

    def _named(self, facts: ConnectionFacts) -> ConnectionFacts:
        """``facts`` named by the phone's own DNS answer when they know only the address."""
        return with_resolved_name(facts, self.names)

    async def _connection_facts(self, flow: http.HTTPFlow) -> ConnectionFacts:
        return await self._with_address(self._named(flow_connection_facts(flow)))

    async def _with_address(self, facts: ConnectionFacts) -> ConnectionFacts:
        """The facts with the address ``server_connect`` will pin, when only the host name was known."""
        if facts.server_ip is not None:
            return facts
        return dataclasses.replace(facts, server_ip=await self.resolver.resolve(facts.host, facts.server_port))

    def _record(self, line: bytes, summary: EventSummary, flow: http.HTTPFlow | None) -> bool:
        """Append the event and log it; False when it could not be written and ``--on-error block``
        refuses the traffic (``flow``, when given, is answered 503)."""
        assert self.writer is not None
        try:
            self.writer.append_line(line)
        except EventLogError as e:
            self.counters.failed()
            log.error("residency-guard: EVENT NOT RECORDED (flow %s): %s", summary.flow_id, e)
            if self.on_error == "block":
                if flow is not None:
                    flow.response = error_response(
                        flow.id, "the guard cannot record events; traffic refused (on-error=block)"
                    )
                return False
        self.recent.append(summary)
        _log_event(summary)
        return True

    def _failed(self, flow: http.HTTPFlow, what: str) -> None:
        self.counters.failed()
        log.error("residency-guard: %s for flow %s\n%s", what, flow.id, traceback.format_exc())
        if self.on_error == "block":
            flow.response = error_response(flow.id, f"residency-guard: {what}; refused (on-error=block)")


def _asks_a_resolver(client: connection.Client) -> bool:
    """Whether the phone's connection carries DNS to its resolver: infrastructure, not a destination
    (each query is judged by its name in ``dns_request``)."""
    mode = client.proxy_mode
    if isinstance(mode, mode_specs.DnsMode):
        return True
    if isinstance(mode, mode_specs.ReverseMode):
        return mode.scheme == "dns"
    return isinstance(mode, mode_specs.WireGuardMode) and client.sockname == _WIREGUARD_RESOLVER


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
