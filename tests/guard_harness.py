"""Real components for end-to-end tests: local origin servers and the guard as a subprocess.

The guard runs exactly as a user starts it (``residency-guard run --no-dashboard``) on a free loopback
port. Origins listen on distinct loopback addresses (127.0.0.2, 127.0.0.3 …) which a geo overlay maps to
countries, so no traffic leaves the machine.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
GUARD_BIN = Path(sys.executable).parent / "residency-guard"
# Loopback origins stand for servers abroad: the lab overlay maps each address to its country.
CN_HOST, DE_HOST = "127.0.0.3", "127.0.0.2"
LAB_OVERLAY = {f"{CN_HOST}/32": "CN", f"{DE_HOST}/32": "DE"}

ZZHC_FIELDS = {
    "REGVER": "8.0",
    "MEID": "A1000049ABCDEF",
    "MODEL": "TA-1046",
    "SWVER": "00CN_1_34E",
    "SIM1CDMAIMSI": "111111111111111",
    "UETYPE": "1",
    "SIM1ICCID": "89860318640220133897",
    "SIM1LTEIMSI": "460031234567890",
    "SIM1TYPE": "2",
    "MACID": "a4:50:46:1e:2b:3c",
    "OSVER": "Android 8.1.0",
    "ROM": "64G",
    "RAM": "4G",
    "IMEI1": "352099001761481",
    "IMEI2": "352099001761499",
    "SIM1CELLID": "20817153",
    "DATASIM": "1",
    "REGDATE": "2019-02-14 10:31:05",
}


def zzhc_body(fields: dict | None = None) -> bytes:
    """The China Telecom self-registration body: base64 of JSON, wrapped every 76 characters like Android."""
    encoded = base64.encodebytes(json.dumps(fields or ZZHC_FIELDS).encode())  # MIME: newline every 76 chars
    return encoded


ZZHC_HEADERS = {"Content-Type": "application/encrypted-json", "User-Agent": "Dalvik/2.1.0 (Linux; U; Android 8.1.0)"}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def hook_options(tmp_path: Path, policy: str, networks: dict[str, str]) -> dict[str, object]:
    """The options of an in-process guard (``hook_guard``): ``policy`` (a path or a shipped name),
    an overlay of ``networks``, no geo database, events and key under ``tmp_path``."""
    (tmp_path / "geodb").mkdir(exist_ok=True)
    return {
        "guard_policy": policy,
        "guard_geo_overlay": str(write_overlay(tmp_path / "overlay.yaml", networks)),
        "guard_geodb": [str(tmp_path / "geodb")],
        "guard_events": str(tmp_path / "events.jsonl"),
        "guard_fingerprint_key": str(tmp_path / "fingerprint.key"),
    }


@contextmanager
def hook_guard(options: dict[str, object]) -> Iterator:
    """The real addon in ``taddons.context``, as mitmproxy's own addon tests run theirs: no proxy, the
    hooks called by the test. The context is yielded with the addon as ``.guard``."""
    from mitmproxy.test import taddons

    from residency_guard.addon import ResidencyGuard

    guard = ResidencyGuard()
    with taddons.context(guard) as tctx:
        tctx.configure(guard, **options)
        tctx.guard = guard
        yield tctx
        guard.done()


@dataclass
class Origin:
    """An HTTP origin that records every request it receives."""

    host: str
    port: int
    received: list[dict] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def origin_server(host: str) -> Iterator[Origin]:
    origin = Origin(host, 0)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            origin.received.append(
                {"method": self.command, "path": self.path, "body": body, "headers": list(self.headers.items())}
            )
            reply = b'{"resultCode":"0","resultDesc":"Success"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_GET = do_POST = do_PUT = _handle

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    origin.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()


def write_overlay(path: Path, networks: dict[str, str]) -> Path:
    lines = ["networks:"]
    for cidr, country in networks.items():
        lines += [f"  - network: {cidr}", f"    country: {country}", f"    org: test origin {country}"]
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class Guard:
    proc: subprocess.Popen
    port: int
    events_path: Path
    log_path: Path

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def records(self) -> list[dict]:
        if not self.events_path.exists():
            return []
        return [orjson.loads(line) for line in self.events_path.read_bytes().splitlines() if line.strip()]

    def events(self) -> list[dict]:
        return [r for r in self.records() if r.get("event_type") in ("transfer", "connection")]

    def wait_for_events(self, n: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.events()
            if len(events) >= n:
                return events
            time.sleep(0.05)
        return self.events()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def running_guard(
    tmp_path: Path,
    *,
    overlay: dict[str, str] | None = None,
    policy: Path | str = REPO / "policies" / "gdpr-eea.yaml",
    extra_args: list[str] = (),
    geodb: Path | None = None,
    guard_bin: Path = GUARD_BIN,
) -> Iterator[Guard]:
    """Start ``residency-guard run --no-dashboard`` on a free port; stop it afterwards."""
    port = free_port()
    events = tmp_path / "events.jsonl"
    log_path = tmp_path / "guard.log"
    args = [
        str(guard_bin),
        "run",
        "--no-dashboard",
        "--listen-host",
        "127.0.0.1",
        "--listen-port",
        str(port),
        "--policy",
        str(policy),
        "--events",
        str(events),
        "--confdir",
        str(tmp_path / "mitmproxy"),
        "--fingerprint-key",
        str(tmp_path / "fingerprint.key"),
    ]
    if overlay:
        args += ["--geo-overlay", str(write_overlay(tmp_path / "overlay.yaml", overlay))]
    geodb_dir = geodb or (tmp_path / "empty-geodb")
    geodb_dir.mkdir(exist_ok=True)
    args += ["--geodb", str(geodb_dir), *extra_args]
    with _supervised(args, port, events, log_path) as guard:
        yield guard


@contextmanager
def running_mitmdump(tmp_path: Path, capture: Path) -> Iterator[Guard]:
    """Stock ``mitmdump`` (no guard) as a regular proxy writing every flow to ``capture``: the
    capture-first, judge-later workflow of ``residency-guard replay``."""
    port = free_port()
    args = [str(GUARD_BIN.parent / "mitmdump"), "--listen-host", "127.0.0.1", "--listen-port", str(port),
            "--set", f"confdir={tmp_path / 'mitmproxy'}", "-w", str(capture)]  # fmt: skip
    with _supervised(args, port, tmp_path / "no-events.jsonl", tmp_path / "mitmdump.log") as proxy:
        yield proxy


@contextmanager
def running_script_guard(tmp_path: Path, save_to: Path, overlay: dict[str, str] = LAB_OVERLAY) -> Iterator[Guard]:
    """Stock ``mitmdump`` with the addon loaded by ``-s`` (as a mitmweb user loads it), options set with
    ``--set``, every flow written to ``save_to`` (``-w``)."""
    port = free_port()
    events = tmp_path / "events.jsonl"
    geodb = tmp_path / "empty-geodb"
    geodb.mkdir(exist_ok=True)
    settings = {
        "confdir": tmp_path / "mitmproxy",
        "guard_events": events,
        "guard_geo_overlay": write_overlay(tmp_path / "overlay.yaml", overlay),
        "guard_geodb": geodb,
        "guard_fingerprint_key": tmp_path / "fingerprint.key",
    }
    args = [str(GUARD_BIN.parent / "mitmdump"), "-s", str(REPO / "addons" / "residency_guard_addon.py"),
            "--listen-host", "127.0.0.1", "--listen-port", str(port), "-w", str(save_to)]  # fmt: skip
    for name, value in settings.items():
        args += ["--set", f"{name}={value}"]
    with _supervised(args, port, events, tmp_path / "mitmdump.log") as guard:
        yield guard


@contextmanager
def _supervised(args: list[str], port: int, events: Path, log_path: Path) -> Iterator[Guard]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    guard = Guard(proc, port, events, log_path)
    try:
        _wait_listening(guard)
        yield guard
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_listening(guard: Guard, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if guard.proc.poll() is not None:
            raise RuntimeError(f"guard exited with {guard.proc.returncode}:\n{guard.log()}")
        try:
            with socket.create_connection(("127.0.0.1", guard.port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"guard did not listen on {guard.port} within {timeout}s:\n{guard.log()}")


# ------------------------------------------------------------------------------------ raw TCP streams


def mqtt_connect(client_id: str) -> bytes:
    """MQTT 3.1.1 CONNECT with ``client_id`` (IoT modules often use their IMEI)."""
    variable = b"\x00\x04MQTT\x04\x02\x00\x3c"
    payload = len(client_id).to_bytes(2, "big") + client_id.encode()
    return b"\x10" + bytes([len(variable) + len(payload)]) + variable + payload


MQTT_PINGREQ = b"\xc0\x00"


@contextmanager
def _polling(sock: socket.socket, poll) -> Iterator[int]:
    """Call ``poll`` (blocking at most 0.2 s) on a thread until the block ends; yields the socket's port."""
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                poll()
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        sock.close()


@contextmanager
def tcp_sink(host: str) -> Iterator[tuple[int, list[bytes]]]:
    """A TCP server that keeps every byte each connection sends; yields (port, bytes per connection)."""
    received: list[bytes] = []
    server = socket.create_server((host, 0))

    def drain(conn: socket.socket, index: int) -> None:
        with conn:
            while chunk := conn.recv(65536):
                received[index] += chunk

    def accept() -> None:
        conn, _ = server.accept()
        conn.settimeout(None)
        received.append(b"")
        threading.Thread(target=drain, args=(conn, len(received) - 1), daemon=True).start()

    with _polling(server, accept) as port:
        yield port, received


@contextmanager
def udp_sink(host: str) -> Iterator[tuple[int, list[bytes]]]:
    """A UDP server that keeps every datagram; yields (port, datagrams)."""
    received: list[bytes] = []
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    with _polling(sock, lambda: received.append(sock.recv(65536))) as port:
        yield port, received


def tcp_tunnel(proxy_port: int, host: str, port: int) -> socket.socket:
    """A CONNECT tunnel through the proxy; mitmproxy relays a payload that is neither TLS nor HTTP as raw TCP."""
    sock = socket.create_connection(("127.0.0.1", proxy_port), timeout=10)
    sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1024)
    assert head.startswith(b"HTTP/1.1 200"), head
    return sock


def send_segments(sock: socket.socket, *payloads: bytes, gap: float = 0.3) -> None:
    """One TCP segment per payload (a pause between them): mitmproxy hands each over as one message."""
    for payload in payloads:
        sock.sendall(payload)
        time.sleep(gap)


# ------------------------------------------------------------------------------------ DNS


@dataclass
class DnsUpstream:
    """A resolver on loopback that answers from a table and keeps every name it was asked."""

    port: int
    asked: list[str] = field(default_factory=list)


DnsAnswer = list[tuple[str, str]]
"""An answer as (record type, value) links: [("CNAME", "t.tracker.test"), ("A", "127.0.0.5")]."""


@contextmanager
def dns_upstream(host: str, table: dict[str, DnsAnswer], ttl: int = 60, port: int = 0) -> Iterator[DnsUpstream]:
    """A UDP DNS server on ``host`` answering A queries from ``table`` (NXDOMAIN for other names),
    built with mitmproxy's own DNS message code: the only resolver the guard is given in the tests."""
    from ipaddress import IPv4Address

    from mitmproxy import dns
    from mitmproxy.net.dns import response_codes

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    upstream = DnsUpstream(sock.getsockname()[1])

    def answer() -> None:
        data, peer = sock.recvfrom(65535)
        query = dns.DNSMessage.unpack(data)
        name = query.questions[0].name
        upstream.asked.append(name)
        links = table.get(name.lower())
        if links is None:
            sock.sendto(query.fail(response_codes.NXDOMAIN).packed, peer)
            return
        records, owner = [], name
        for kind, value in links:
            if kind == "CNAME":
                records.append(dns.ResourceRecord.CNAME(owner, value, ttl=ttl))
                owner = value
            else:
                records.append(dns.ResourceRecord.A(owner, IPv4Address(value), ttl=ttl))
        sock.sendto(query.succeed(records).packed, peer)

    with _polling(sock, answer):
        yield upstream


def dns_query(port: int, name: str, host: str = "127.0.0.1", timeout: float = 5.0):
    """Ask ``host:port`` (the guard's DNS listener) for the A records of ``name``; the parsed answer."""
    import random

    from mitmproxy import dns

    message = dns.DNSMessage(
        id=random.randint(0, 65535), query=True, op_code=0, authoritative_answer=False, truncation=False,
        recursion_desired=True, recursion_available=False, reserved=0, response_code=0,
        questions=[dns.Question(name, 1, 1)], answers=[], authorities=[], additionals=[],
    )  # fmt: skip
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(message.packed, (host, port))
        return dns.DNSMessage.unpack(sock.recv(65535))


def free_udp_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]
