"""mitmproxy's objects → what the pipeline reads: a ``RequestView`` and its ``ConnectionFacts``.

The one place that knows both sides. The live addon and ``replay`` (``evidence.capture``) build their
views here, so a saved flow is judged from exactly the facts the live guard had.
"""

from __future__ import annotations

from mitmproxy import connection, http, tcp, udp, websocket

from .locate import ip_or_none
from .model import RequestView
from .pipeline import ConnectionFacts

__all__ = [
    "client_connection_facts",
    "connection_facts",
    "flow_connection_facts",
    "peer_ip",
    "replace_request",
    "request_view",
    "stream_connection_facts",
    "stream_view",
    "websocket_view",
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
) -> ConnectionFacts:
    """The facts of one connection from the phone (``client``) to a server."""
    peer = client.peername
    return ConnectionFacts(
        flow_id=flow_id,
        client_ip=peer_ip(peer),
        client_port=peer[1] if peer else None,
        host=host,
        server_ip=server_ip,
        server_port=server_port,
        tls=tls,
        sni=sni,
    )


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
    host = flow.request.pretty_host
    return connection_facts(
        flow.id,
        flow.client_conn,
        host=host,
        # The peer actually connected to; else, in transparent and WireGuard modes, the original
        # destination; else the host, when it is an address.
        server_ip=peer_ip(server.peername) or peer_ip(server.address) or ip_or_none(host),
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
