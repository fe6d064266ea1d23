"""Saved traffic for ``replay``: mitmproxy flow files and HAR files, as (RequestView, ConnectionFacts),
and the DNS queries of a flow file as (DnsQueryView, ConnectionFacts).

Nothing is resolved: a replay judges the address the capture recorded (a flow's server peer, a HAR
entry's ``serverIPAddress``) or, when there is none, the host alone (an IP-literal host is its own
address). Resolving today would judge where the name points now, not where the phone's data went.
What the capture's own DNS answers told the phone names a later connection that knows only an address,
as it does live (``dnsnames``), by the times the capture recorded: an answer's TTL runs out as it did
for the phone, however fast the replay reads.

HAR bodies are stored decoded (``postData.text``); when the request declared a ``Content-Encoding`` the
body is encoded again so the pipeline sees the request as it was sent, exactly as it does live.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import orjson

from ..dnsnames import ResolvedNames
from ..locate import ip_or_none
from ..model import DnsQueryView, RequestView
from ..pipeline import ConnectionFacts, name_source_of

if TYPE_CHECKING:
    from mitmproxy.flow import Flow

MAX_HAR_BYTES = 512 << 20
"""A HAR is one JSON document read whole; past this it is refused instead of exhausting memory."""


class CaptureError(Exception):
    """A capture file cannot be read (missing, not a flow file or HAR, malformed entry)."""


@dataclass(frozen=True, slots=True)
class CapturedRequest:
    view: RequestView
    conn: ConnectionFacts
    connection_id: str
    """Requests sharing a connection share its connection-level judgement (checked once, as live)."""
    raw_stream: bool = False
    """A payload of a raw TCP/UDP connection: judged as the guard judges those live (see the addon)."""


@dataclass(frozen=True, slots=True)
class CapturedQuery:
    """One question of a DNS query the phone sent: judged by its name (``Inspector.inspect_dns``), as
    live. The resolver it went to is no destination, so there is no connection to check."""

    query: DnsQueryView
    conn: ConnectionFacts


type Captured = CapturedRequest | CapturedQuery


# ----------------------------------------------------------------------------------------- mitmproxy


class RecordedTime:
    """The clock of a replay's ``ResolvedNames``: the time the capture recorded for what is being read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def flow_requests(path: Path) -> Iterator[Captured]:
    """What the phone sent, in recorded order: HTTP requests, its WebSocket messages, its raw TCP and
    UDP payloads and its DNS questions, from a mitmproxy flow file (``mitmdump -w``)."""
    from mitmproxy import io
    from mitmproxy.exceptions import FlowReadException

    clock = RecordedTime()
    names = ResolvedNames(clock=clock)
    try:
        with open(path, "rb") as fh:
            for flow in io.FlowReader(fh).stream():
                yield from _flow_items(flow, names, clock)
    except FlowReadException as e:
        raise CaptureError(f"{path}: not a readable mitmproxy flow file: {e}") from e
    except (ValueError, KeyError, TypeError) as e:
        raise CaptureError(f"{path}: corrupt flow file: {e}") from e


def _flow_items(flow: Flow, names: ResolvedNames, clock: RecordedTime) -> Iterator[Captured]:
    """One flow's items, each named by the DNS answers read before it at the time it was sent; a DNS
    flow's answer is remembered after its questions are judged."""
    from mitmproxy import dns, http, tcp, udp

    from ..flowfacts import (
        dns_connection_facts,
        dns_query_views,
        flow_connection_facts,
        remember_dns_answer,
        request_view,
        stream_connection_facts,
        stream_view,
        websocket_view,
        with_resolved_name,
    )

    connection_id = f"mitm-{flow.server_conn.id}"
    clock.now = flow.timestamp_created
    if isinstance(flow, http.HTTPFlow):
        yield CapturedRequest(request_view(flow), with_resolved_name(flow_connection_facts(flow), names), connection_id)
        for message in flow.websocket.messages if flow.websocket else ():
            if message.from_client:
                clock.now = message.timestamp
                facts = with_resolved_name(flow_connection_facts(flow), names)
                yield CapturedRequest(websocket_view(flow, message), facts, connection_id)
    elif isinstance(flow, (tcp.TCPFlow, udp.UDPFlow)):
        for payload in flow.messages:
            if payload.from_client:
                clock.now = payload.timestamp
                facts = with_resolved_name(stream_connection_facts(flow), names)
                yield CapturedRequest(stream_view(flow, payload, facts.host), facts, connection_id, raw_stream=True)
    elif isinstance(flow, dns.DNSFlow):
        for query in dns_query_views(flow):
            yield CapturedQuery(query, dns_connection_facts(flow, query))
        if flow.response is not None:
            clock.now = flow.response.timestamp or flow.timestamp_created
            remember_dns_answer(flow, names)


# ----------------------------------------------------------------------------------------------- HAR


def looks_like_har(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(4096).lstrip()
    return head.startswith(b"{") and b'"log"' in head


def har_requests(path: Path) -> Iterator[CapturedRequest]:
    """Requests of a HAR 1.2 file, in entry order; a malformed entry is an error naming its index."""
    if path.stat().st_size > MAX_HAR_BYTES:
        raise CaptureError(f"{path}: HAR larger than {MAX_HAR_BYTES >> 20} MiB")
    try:
        doc = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as e:
        raise CaptureError(f"{path}: not valid JSON: {e}") from e
    entries = doc.get("log", {}).get("entries") if isinstance(doc, dict) and isinstance(doc.get("log"), dict) else None
    if not isinstance(entries, list):
        raise CaptureError(f"{path}: not a HAR file (no log.entries list)")
    for index, entry in enumerate(entries):
        try:
            yield _har_entry(entry, index)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise CaptureError(f"{path}: log.entries[{index}]: malformed entry ({type(e).__name__}: {e})") from e


def _har_entry(entry: dict[str, Any], index: int) -> CapturedRequest:
    request = entry["request"]
    url = request["url"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"unsupported URL {url[:80]!r}")
    headers = tuple((str(h["name"]), str(h["value"])) for h in request.get("headers", []))
    view = RequestView(
        method=str(request["method"]),
        url=url,
        headers=headers,
        body=_har_body(request.get("postData"), headers),
        http_version=request.get("httpVersion") or None,
    )
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    server_ip = ip_or_none(entry.get("serverIPAddress")) or ip_or_none(host)
    tls = parts.scheme == "https"
    connection = entry.get("connection")
    sni = host if tls and ip_or_none(host) is None else None
    return CapturedRequest(
        view=view,
        conn=ConnectionFacts(
            flow_id=f"har-{index}",
            client_ip=None,
            client_port=None,
            host=host,
            server_ip=server_ip,
            server_port=port,
            tls=tls,
            sni=sni,
            name_source=name_source_of(host, sni),
        ),
        connection_id=f"har-conn-{connection}" if connection else f"har-{host}-{server_ip}-{port}",
    )


def _har_body(post: dict[str, Any] | None, headers: tuple[tuple[str, str], ...]) -> bytes:
    if not post:
        return b""
    text = post.get("text")
    if text is None and post.get("params"):
        return urlencode([(p["name"], p.get("value", "")) for p in post["params"]]).encode()
    if not isinstance(text, str):
        return b""
    if post.get("encoding") == "base64":  # not in HAR 1.2, but written by some exporters for binary bodies
        return base64.b64decode(text)
    body = text.encode("utf-8", "surrogateescape")
    coding = next((v for k, v in headers if k.lower() == "content-encoding"), None)
    if coding and coding.strip().lower() not in ("identity", ""):
        from mitmproxy.net import encoding

        try:
            body = encoding.encode(body, coding.strip().lower())
        except ValueError:
            pass  # unknown coding: the pipeline will note it cannot decode, as it would live
    return body


def read_capture(path: Path) -> Iterator[Captured]:
    """Requests (and a flow file's DNS questions) of a HAR or mitmproxy flow file, told apart by content."""
    path = Path(path)
    try:
        har = looks_like_har(path)
    except FileNotFoundError as e:
        raise CaptureError(f"{path}: no such capture file") from e
    except OSError as e:
        raise CaptureError(f"{path}: cannot read: {e.strerror or e}") from e
    return har_requests(path) if har else flow_requests(path)
