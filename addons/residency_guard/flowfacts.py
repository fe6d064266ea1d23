"""mitmproxy's objects → what the pipeline reads: a ``RequestView`` and its ``ConnectionFacts``.

The one place that knows both sides. The live addon and ``replay`` (``evidence.capture``) build their
views here, so a saved flow is judged from exactly the facts the live guard had.
"""

from __future__ import annotations

import dataclasses
import struct

from mitmproxy import connection, dns, http, tcp, udp, websocket
from mitmproxy.net.dns import response_codes
from mitmproxy.net.dns import types as dns_types

from .dnsnames import ResolvedNames
from .locate import ip_or_none, registrable_domain
from .model import DnsQueryView, NameSource, RequestView
from .pipeline import ConnectionFacts, name_source_of

__all__ = [
    "client_connection_facts",
    "connection_facts",
    "dns_answer",
    "dns_connection_facts",
    "dns_query_views",
    "flow_connection_facts",
    "peer_ip",
    "remember_dns_answer",
    "replace_request",
    "request_view",
    "stream_connection_facts",
    "stream_view",
    "websocket_view",
    "with_resolved_name",
]


def peer_ip(address: connection.Address | None) -> str | None:
    return ip_or_none(str(address[0])) if address else None


def connection_facts(
    flow_id: str,
    client: connection.Client,
    *,
    host: str,
    server_ip: str | None,
    server_port: int,
    tls: bool,
    sni: str | None,
    name_source: NameSource | None = None,
) -> ConnectionFacts:
    """The facts of one connection from the phone (``client``) to a server; ``name_source`` says where
    ``host`` came from (by default: the SNI when it is the SNI, an address, else the request's host)."""
    peer = client.peername
    if name_source is None:
        name_source = name_source_of(host, sni)
    return ConnectionFacts(
        flow_id=flow_id,
        client_ip=peer_ip(peer),
        client_port=peer[1] if peer else None,
        host=host,
        server_ip=server_ip,
        server_port=server_port,
        tls=tls,
        sni=sni,
        name_source=name_source,
    )


def with_resolved_name(facts: ConnectionFacts, names: ResolvedNames) -> ConnectionFacts:
    """The facts named by the phone's own DNS answer when they know only the address."""
    if facts.name_source != "address":
        return facts
    resolved = names.name_for(facts.client_ip, facts.server_ip or ip_or_none(facts.host))
    if resolved is None:
        return facts
    return dataclasses.replace(facts, host=resolved.name, name_source="dns", cnames=resolved.cnames)


def dns_query_views(flow: dns.DNSFlow) -> list[DnsQueryView]:
    """Each question of a DNS query (resolvers send one; a hostile client may send more)."""
    return [
        DnsQueryView(name=q.name, qtype=dns_types.to_str(q.type), domain=registrable_domain(q.name))
        for q in flow.request.questions
    ]


def dns_connection_facts(flow: dns.DNSFlow, query: DnsQueryView) -> ConnectionFacts:
    """A DNS query as a connection to the queried name: the resolver it is sent to is no destination."""
    return connection_facts(
        flow.id, flow.client_conn, host=query.name.rstrip("."), server_ip=None, server_port=53, tls=False,
        sni=None, name_source="host",
    )  # fmt: skip


def dns_answer(flow: dns.DNSFlow) -> tuple[str, tuple[str, ...], list[tuple[str, float]]] | None:
    """(name asked for, CNAME chain, [(address, TTL)]) of a DNS response for one A/AAAA question; None
    for anything else. The chain is followed from the question's name, record by record, so records
    the answer holds for other names (a resolver's extras, a spoofing attempt) name nothing."""
    response = flow.response
    question = flow.request.question
    if response is None or question is None or response.response_code != response_codes.NOERROR:
        return None
    if question.type not in (dns_types.A, dns_types.AAAA):
        return None
    by_name: dict[str, list[dns.ResourceRecord]] = {}
    for record in response.answers:
        by_name.setdefault(record.name.rstrip(".").lower(), []).append(record)
    current = question.name.rstrip(".").lower()
    chain: list[str] = []
    for _ in range(len(response.answers) + 1):
        records = by_name.get(current, [])
        alias = next((a for r in records if r.type == dns_types.CNAME and (a := _alias(r))), None)
        if alias is None or alias in chain:
            break
        current = alias
        chain.append(current)
    addresses = [
        (address, float(r.ttl))
        for r in by_name.get(current, [])
        if r.type in (dns_types.A, dns_types.AAAA) and (address := ip_or_none(_record_address(r))) is not None
    ]
    return question.name, tuple(chain), addresses


def remember_dns_answer(flow: dns.DNSFlow, names: ResolvedNames) -> None:
    """Remember which addresses the phone was given for a name (``dnsnames``), if it was given any."""
    client = peer_ip(flow.client_conn.peername)
    if client is None or flow.response is None:
        return
    answer = dns_answer(flow)
    if answer is not None:
        names.remember(client, *answer)


def _alias(record: dns.ResourceRecord) -> str | None:
    try:
        return record.domain_name.rstrip(".").lower() or None
    except (ValueError, struct.error):  # a hostile answer: not a name (UnicodeError is a ValueError)
        return None


def _record_address(record: dns.ResourceRecord) -> str:
    try:
        return str(record.ipv4_address if record.type == dns_types.A else record.ipv6_address)
    except ValueError:  # a hostile answer whose data is not an address of the record's size
        return ""


def request_view(flow: http.HTTPFlow) -> RequestView:
    """The request as the pipeline sees it, as it will be forwarded: raw (still content-encoded) body,
    headers and trailers in order.

    ``pretty_url`` names the host by the Host header (``:authority`` in HTTP/2), which is what the
    destination reads, rather than the address connected to; mitmproxy keeps a fragment sent in the
    request target in ``path`` and forwards it, so it is in the URL too.
    """
    req = flow.request
    return RequestView(
        method=req.method,
        url=req.pretty_url,
        headers=tuple((k, v) for k, v in req.headers.items(multi=True)),
        body=req.raw_content or b"",
        http_version=req.http_version,
        trailers=tuple((k, v) for k, v in req.trailers.items(multi=True)) if req.trailers else (),
    )


def replace_request(flow: http.HTTPFlow, view: RequestView) -> None:
    """Forward ``view`` (a rewritten ``request_view``) instead of the request received: its path and
    query, headers and raw body. Scheme, host and port stay: the destination is what was judged."""
    req = flow.request
    scheme_end = view.url.find("://", 0, 32)
    start = 0 if scheme_end < 0 else view.url.find("/", scheme_end + 3)
    if start >= 0 and view.url != req.pretty_url:
        req.path = view.url[start:]
    req.headers = http.Headers(
        [(k.encode("utf-8", "surrogateescape"), v.encode("utf-8", "surrogateescape")) for k, v in view.headers]
    )
    req.raw_content = view.body


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


def flow_connection_facts(flow: http.HTTPFlow) -> ConnectionFacts:
    """What a flow says about its connection; ``server_ip`` is None when only a host name is known."""
    server = flow.server_conn
    # mitmproxy connects to request.host (the request line's authority, the CONNECT target, or the
    # original destination), never to the Host header: a Host header naming another server must not
    # choose what is judged. The Host header names the destination only when request.host is an address.
    connected_to = flow.request.host
    connected_ip = ip_or_none(connected_to)
    host = flow.request.pretty_host if connected_ip else connected_to
    return connection_facts(
        flow.id,
        flow.client_conn,
        host=host,
        # The peer actually connected to; else, in transparent and WireGuard modes, the original
        # destination; else the address the request line names.
        server_ip=peer_ip(server.peername) or peer_ip(server.address) or connected_ip,
        server_port=flow.request.port,
        tls=flow.request.scheme == "https",
        sni=server.sni,
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
    server = flow.server_conn
    host, port = _stream_destination(flow, name)
    return connection_facts(
        flow.id,
        flow.client_conn,
        host=host,
        server_ip=peer_ip(server.peername) or peer_ip(server.address) or ip_or_none(host),
        server_port=port,
        tls=server.tls,
        sni=server.sni,
    )


def client_connection_facts(client: connection.Client) -> ConnectionFacts | None:
    """Where a phone's connection goes, known when it connects in transparent and WireGuard modes
    (the original destination is the socket's local address); None when it is not an address."""
    ip = peer_ip(client.sockname) if client.sockname else None
    if ip is None:
        return None
    return connection_facts(
        f"conn-{client.id[:13]}", client, host=ip, server_ip=ip, server_port=int(client.sockname[1]), tls=False,
        sni=None,
    )  # fmt: skip


def _stream_destination(flow: tcp.TCPFlow | udp.UDPFlow, name: str | None) -> tuple[str, int]:
    server = flow.server_conn
    address = server.address or server.peername or ("unknown", 0)
    return server.sni or name or str(address[0]), int(address[1])


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
