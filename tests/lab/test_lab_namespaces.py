"""The lab access point, end to end, in network namespaces: a "phone" whose traffic the AP's own firewall
rules (scripts/lab-ap.sh rules) redirect to the guard running in transparent mode, in front of origin
servers that the geo overlay places in China (192.0.2.10) and Germany (198.51.100.10). The phone's DNS
(port 53, to any address) goes to the guard's ``reverse:dns`` listener, which forwards what it lets
through to the lab's resolver on the AP's loopback (``guard_harness.dns_upstream``, answering from a
fixed table), as ``lab-ap.sh up`` sets it up with dnsmasq.

Needs root, iproute2 and nft (or iptables); skipped with the reason otherwise. Nothing leaves the machine:
the namespaces have no route to the host and use documentation ranges only, and the resolver answers
from its table alone (it forwards nothing, and no name in it is answered with a public address).
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import netns_lab as nl
import pytest
from mitmproxy.net.dns import response_codes

from guard_harness import DnsUpstream, dns_query, dns_upstream

REASON = nl.why_lab_cannot_run()
pytestmark = [pytest.mark.lab, pytest.mark.skipif(REASON is not None, reason=REASON or "")]

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
BIN = Path(sys.executable).parent
# One port per proxy so each can run while another is still up; the AP rules are re-applied to point at
# the proxy a test talks to (which also checks that `lab-ap.sh rules` replaces its own rules cleanly).
MITMDUMP_PORT, GDPR_PORT, STRICT_PORT, GDPR_DNS_NAMES_PORT = 8070, 8080, 8081, 8082
# Each guard's DNS listener (its reverse:dns mode), where the AP sends the phone's port 53
GDPR_DNS_PORT, STRICT_DNS_PORT, GDPR_DNS_NAMES_DNS_PORT = nl.DEFAULT_GUARD_DNS_PORT, 8054, 8055
POLICIES = nl.REPO / "policies"

IMEI, ICCID, IMSI, MAC = "352099001761481", "89860318640220133897", "460031234567890", "a4:50:46:1e:2b:3c"
ZZHC_BODY = {
    "REGVER": "8.0",
    "MODEL": "TA-1046",
    "SWVER": "00CN_1_34E",
    "UETYPE": "1",
    "SIM1ICCID": ICCID,
    "SIM1LTEIMSI": IMSI,
    "SIM1TYPE": "2",
    "MACID": MAC,
    "OSVER": "Android 8.1.0",
    "IMEI1": IMEI,
    "SIM1CELLID": "20817153",
    "REGDATE": "2019-02-14 10:31:05",
}
ZZHC_NAME = "zzhc.vnet.cn"
# The lab resolver's whole table: only the lab's own origin addresses, every other name NXDOMAIN
RESOLVER_TABLE = {ZZHC_NAME: [("A", nl.CN_ORIGIN)]}


def android_base64(data: bytes) -> bytes:
    """Base64 the way android.util.Base64.DEFAULT writes it: a newline after every 76 characters."""
    return base64.encodebytes(data)


# ------------------------------------------------------------------------------------------ client side


@dataclass
class Reply:
    status: int
    body: bytes
    issuer: str | None = None


def http_exchange(
    ip: str, port: int, request: bytes, *, tls: ssl.SSLContext | None = None, sni: str | None = None
) -> Reply:
    sock = socket.create_connection((ip, port), timeout=10)
    issuer = None
    try:
        if tls is not None:
            sock = tls.wrap_socket(sock, server_hostname=sni)
            issuer = dict(x[0] for x in sock.getpeercert()["issuer"]).get("commonName")
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    finally:
        sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return Reply(status=int(head.split(b" ", 2)[1]), body=body, issuer=issuer)


def build_request(method: str, host: str, path: str, body: bytes = b"", content_type: str | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close", "User-Agent: lab-phone"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def tcp_send(ip: str, port: int, *payloads: bytes) -> None:
    """Raw TCP, one segment per payload, then close (a vendor registration client)."""
    with socket.create_connection((ip, port), timeout=10) as sock:
        for payload in payloads:
            sock.sendall(payload)
            time.sleep(0.3)


def no_sni_untrusting_tls() -> ssl.SSLContext:
    """A pinned-style client: sends no SNI (it connects to an address it resolved itself) and trusts
    only the system store, so it rejects the guard's certificate."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False  # no name to check against; the chain is still verified
    return ctx


def resolve_from_phone(topology: Topology, name: str, resolver_ip: str = nl.AP_WIFI_ADDR):
    """The phone's DNS query for ``name`` to ``resolver_ip``:53 (the AP redirects it, whatever the address)."""
    return topology.from_phone(lambda: dns_query(53, name, host=resolver_ip))


def udp_probe(ip: str, port: int) -> bytes | str:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(3)
    try:
        sock.connect((ip, port))
        sock.send(b"probe")
        return sock.recv(512)
    except ConnectionRefusedError:
        return "refused"
    except TimeoutError:
        return "timeout"
    finally:
        sock.close()


# ------------------------------------------------------------------------------------------ fixtures


@dataclass
class Topology:
    lab: nl.Lab
    root: Path
    origin_log: Path
    resolver: DnsUpstream
    ruleset: str
    redirect_port: int

    redirect: str = "web"
    dns_port: int = nl.DEFAULT_GUARD_DNS_PORT

    def redirect_to(self, port: int, redirect: str = "web", dns_port: int = nl.DEFAULT_GUARD_DNS_PORT) -> None:
        if (port, redirect, dns_port) != (self.redirect_port, self.redirect, self.dns_port):
            self.ruleset = self.lab.apply_ap_rules(port, self.root / "ap-state", redirect=redirect, dns_port=dns_port)
            self.redirect_port, self.redirect, self.dns_port = port, redirect, dns_port

    def redirect_to_guard(self, guard: Guard, redirect: str = "web") -> None:
        self.redirect_to(guard.port, redirect, guard.dns_port or nl.DEFAULT_GUARD_DNS_PORT)

    def origin_records(self, event: str, local: str | None = None) -> list[dict]:
        records = [json.loads(line) for line in self.origin_log.read_text().splitlines() if line.strip()]
        return [r for r in records if r["event"] == event and (local is None or r["local"] == local)]

    def from_phone(self, fn):
        return nl.in_netns(self.lab.phone, fn)


@pytest.fixture(scope="module")
def topology(tmp_path_factory) -> Iterator[Topology]:
    nl.remove_leftovers()
    root = tmp_path_factory.mktemp("lab")
    lab = nl.Lab.build()
    origin = None
    resolver_stack = ExitStack()
    try:
        ruleset = lab.apply_ap_rules(GDPR_PORT, root / "ap-state", dns_port=GDPR_DNS_PORT)
        # The lab resolver's socket is bound inside the ap namespace (by in_netns' thread) and stays there
        # whichever thread serves it. It answers from its table and forwards nothing, and the ap
        # namespace has no route to the host: no query can leave the machine.
        resolver = nl.in_netns(
            lab.ap,
            lambda: resolver_stack.enter_context(dns_upstream(nl.RESOLVER_ADDR, RESOLVER_TABLE, port=nl.RESOLVER_PORT)),
        )
        origin_log = root / "origin.jsonl"
        origin = lab.spawn(
            lab.server,
            [
                sys.executable, str(FIXTURES / "origin.py"), "--bind", nl.CN_ORIGIN, "--bind", nl.DE_ORIGIN,
                "--log", str(origin_log), "--cert-dir", str(root), "--ready", str(root / "origin.ready"),
            ],
            root / "origin.out",
        )  # fmt: skip
        nl.wait_for(lambda: (root / "origin.ready").exists(), 30, "origin servers", origin)
        yield Topology(
            lab=lab, root=root, origin_log=origin_log, resolver=resolver, ruleset=ruleset,
            redirect_port=GDPR_PORT, dns_port=GDPR_DNS_PORT,
        )  # fmt: skip
    finally:
        if origin is not None:
            nl.stop(origin)
        resolver_stack.close()
        lab.destroy()


@dataclass
class Guard:
    port: int
    confdir: Path
    events: Path
    output: Path
    dns_port: int | None = None
    """Its reverse:dns listener, if it has one."""

    @property
    def ca(self) -> Path:
        return self.confdir / "mitmproxy-ca-cert.pem"

    def records(self) -> list[dict]:
        if not self.events.exists():
            return []
        out = []
        for line in self.events.read_text().splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line still being written
        return [r for r in out if r.get("event_type") in ("transfer", "connection")]

    def wait_event(self, predicate, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.records():
                if predicate(record):
                    return record
            time.sleep(0.05)
        raise AssertionError(
            f"no matching event within {timeout}s; events: {self.records()}\n"
            f"guard output:\n{self.output.read_text()[-3000:]}"
        )


def start_guard(
    topology: Topology,
    name: str,
    port: int,
    argv: list[str],
    confdir: Path,
    events: Path,
    dns_port: int | None = None,
) -> Iterator[Guard]:
    output = topology.root / f"{name}.out"
    proc = topology.lab.spawn(topology.lab.ap, argv, output)
    guard = Guard(port=port, confdir=confdir, events=events, output=output, dns_port=dns_port)

    def ready() -> bool:
        dns_ready = dns_port is None or nl.listening(proc.pid, dns_port, "udp")
        return nl.listening(proc.pid, port) and dns_ready and guard.ca.exists()

    try:
        try:
            nl.wait_for(ready, 30, name, proc)
        except (RuntimeError, TimeoutError) as e:
            raise AssertionError(f"{e}\n{output.read_text()[-3000:]}") from None
        yield guard
    finally:
        nl.stop(proc)


def guard_argv(topology: Topology, policy: str, port: int, confdir: Path, events: Path, dns_port: int) -> list[str]:
    """The guard as ``lab-ap.sh up`` says to start it: transparent, and reverse:dns to the lab resolver."""
    empty_geodb = topology.root / "empty-geodb"
    empty_geodb.mkdir(exist_ok=True)
    return [
        str(BIN / "residency-guard"), "run",
        "--mode", "transparent",
        "--mode", f"reverse:dns://{nl.RESOLVER_ADDR}:{nl.RESOLVER_PORT}@{dns_port}",
        # nft's redirect sends the phone's connections (and its DNS) to the address of the interface
        # they came in on: both modes listen there
        "--listen-host", nl.AP_WIFI_ADDR, "--listen-port", str(port),
        "--no-dashboard",
        "--policy", str(POLICIES / policy),
        "--geo-overlay", str(FIXTURES / "geo-overlay.yaml"),
        "--geodb", str(empty_geodb),
        "--events", str(events),
        "--confdir", str(confdir),
        "--fingerprint-key", str(topology.root / "fingerprint.key"),
        # the origins use self-signed certificates
        "--set", "ssl_insecure=true",
    ]  # fmt: skip


def guard_process(
    topology: Topology, name: str, policy: str, port: int, dns_port: int, where: Path | None = None
) -> Iterator[Guard]:
    """A guard whose configuration and event log are in ``where`` (default: the lab's own directory)."""
    where = where or topology.root
    confdir, events = where / f"{name}-conf", where / f"{name}-events.jsonl"
    argv = guard_argv(topology, policy, port, confdir, events, dns_port)
    yield from start_guard(topology, f"guard-{name}", port, argv, confdir, events, dns_port)


@pytest.fixture(scope="module")
def gdpr_guard_process(topology) -> Iterator[Guard]:
    yield from guard_process(topology, "gdpr", "gdpr-eea.yaml", GDPR_PORT, GDPR_DNS_PORT)


@pytest.fixture
def gdpr_guard(topology, gdpr_guard_process) -> Guard:
    topology.redirect_to_guard(gdpr_guard_process)
    return gdpr_guard_process


@pytest.fixture(scope="module")
def gdpr_names_guard_process(topology) -> Iterator[Guard]:
    yield from guard_process(topology, "gdpr-names", "gdpr-eea.yaml", GDPR_DNS_NAMES_PORT, GDPR_DNS_NAMES_DNS_PORT)


@pytest.fixture
def gdpr_names_guard(topology, gdpr_names_guard_process) -> Guard:
    """``gdpr_guard``'s twin for the tests that resolve names through it: a name the phone resolved stays
    remembered (for the answer's TTL) and names every later address-only connection to that address,
    which would change what ``gdpr_guard``'s other tests see (they connect to the bare addresses)."""
    topology.redirect_to_guard(gdpr_names_guard_process)
    return gdpr_names_guard_process


@pytest.fixture
def strict_guard(topology, tmp_path) -> Iterator[Guard]:
    """A fresh guard for each test, with its own event log: it remembers nothing another test resolved."""
    for guard in guard_process(topology, "strict", "lab-strict.yaml", STRICT_PORT, STRICT_DNS_PORT, tmp_path):
        topology.redirect_to_guard(guard)
        yield guard


# ------------------------------------------------------------------------------------------ the AP rules


def test_access_point_rules_in_place(topology):
    rules, lab, port, dns_port = topology.ruleset, topology.lab, topology.redirect_port, topology.dns_port
    if nl.default_backend() == "nft":
        assert f'iifname "{lab.wifi_if}"' in rules
        assert f"redirect to :{port}" in rules
        assert f"th dport 53 redirect to :{dns_port}" in rules
        assert f'oifname "{lab.uplink_if}" masquerade' in rules
    else:
        assert f"-i {lab.wifi_if}" in rules and f"--to-ports {port}" in rules
        assert f"--dport 53 -j REDIRECT --to-ports {dns_port}" in rules
        assert f"-o {lab.uplink_if} -j MASQUERADE" in rules


def test_quic_is_rejected_and_other_udp_is_forwarded_through_nat(topology):
    # UDP/443 answered with port-unreachable by the AP (the origin does listen there: it would echo)
    assert topology.from_phone(lambda: udp_probe(nl.DE_ORIGIN, 443)) == "refused"
    # UDP elsewhere is routed, and the origin sees the AP's uplink address: the masquerade rule works
    assert topology.from_phone(lambda: udp_probe(nl.DE_ORIGIN, 4433)) == f"{nl.AP_UPLINK_ADDR} probe".encode()


def test_plain_mitmdump_sees_redirected_http_and_https(topology):
    """The topology and rules alone, with stock mitmdump: both ports reach the transparent proxy."""
    confdir = topology.root / "mitmdump-conf"
    argv = [
        str(BIN / "mitmdump"), "--mode", "transparent", "--listen-host", nl.AP_WIFI_ADDR,
        "--listen-port", str(MITMDUMP_PORT), "--set", f"confdir={confdir}", "--set", "ssl_insecure=true",
    ]  # fmt: skip
    for _guard in start_guard(topology, "mitmdump", MITMDUMP_PORT, argv, confdir, topology.root / "unused.jsonl"):
        topology.redirect_to(MITMDUMP_PORT)
        plain = topology.from_phone(
            lambda: http_exchange(nl.DE_ORIGIN, 80, build_request("GET", "plain.example.de", "/mitmdump-plain"))
        )
        ctx = ssl.create_default_context(cafile=str(confdir / "mitmproxy-ca-cert.pem"))
        secure = topology.from_phone(
            lambda ctx=ctx: http_exchange(
                nl.DE_ORIGIN,
                443,
                build_request("GET", "tls.example.de", "/mitmdump-tls"),
                tls=ctx,
                sni="tls.example.de",
            )
        )
    assert plain.status == 200 and secure.status == 200
    assert secure.issuer == "mitmproxy"  # the phone talked to the proxy, not to the origin
    seen = {r["path"]: r for r in topology.origin_records("request", nl.DE_ORIGIN)}
    # the proxy, not the phone, connected to the origin: it sits in the ap namespace
    assert seen["/mitmdump-plain"]["peer"] == nl.AP_UPLINK_ADDR
    assert seen["/mitmdump-tls"]["tls"] is True


# ------------------------------------------------------------------------------------------ the guard


def test_zzhc_registration_to_china_is_blocked_before_the_origin(topology, gdpr_guard):
    body = android_base64(json.dumps(ZZHC_BODY).encode())
    assert b"\n" in body.rstrip(b"\n")  # wrapped like Android's encoder
    request = build_request("POST", "zzhc.vnet.cn", "/", body, "application/encrypted-json")

    reply = topology.from_phone(lambda: http_exchange(nl.CN_ORIGIN, 80, request))

    assert reply.status == 451
    assert IMEI.encode() not in reply.body  # the explanation masks identifiers too
    event = gdpr_guard.wait_event(lambda r: r["destination"]["ip"] == nl.CN_ORIGIN and r["event_type"] == "transfer")
    assert event["verdict"] == "violation"
    assert event["action"] == "blocked"
    assert event["tls"] is False
    assert event["destination"]["country"] == "CN"
    assert event["destination"]["geo_source"] == "overlay"
    assert event["client"]["ip"] == nl.PHONE_ADDR  # transparent mode keeps the phone's own address
    assert {"imei", "iccid", "imsi", "mac"} <= {i["type"] for i in event["identifiers"]}
    text = gdpr_guard.events.read_text()
    for secret in (IMEI, ICCID, IMSI):
        assert secret not in text
    assert topology.origin_records("request", nl.CN_ORIGIN) == []


def test_https_with_identifiers_to_germany_passes_and_is_recorded(topology, gdpr_guard):
    ctx = ssl.create_default_context(cafile=str(gdpr_guard.ca))
    payload = json.dumps({"imei": IMEI, "model": "TA-1046"}).encode()
    request = build_request("POST", "api.example.de", "/v1/register", payload, "application/json")

    reply = topology.from_phone(lambda: http_exchange(nl.DE_ORIGIN, 443, request, tls=ctx, sni="api.example.de"))

    assert reply.status == 200
    assert json.loads(reply.body) == {"resultCode": "0", "resultDesc": "Success"}
    assert reply.issuer == "mitmproxy"
    event = gdpr_guard.wait_event(lambda r: r["destination"]["ip"] == nl.DE_ORIGIN and r["event_type"] == "transfer")
    assert event["verdict"] == "allowed"
    assert event["action"] == "logged"
    assert event["tls"] is True
    assert event["destination"]["country"] == "DE"
    assert "imei" in {i["type"] for i in event["identifiers"]}
    (arrived,) = [r for r in topology.origin_records("request", nl.DE_ORIGIN) if r["path"] == "/v1/register"]
    assert arrived["tls"] is True and arrived["body_bytes"] == len(payload)


def test_https_from_a_client_not_trusting_the_ca_is_recorded_as_not_inspected(topology, gdpr_guard):
    # gdpr-eea judges payloads, not connections: the handshake is let through to the certificate check,
    # which a pinned app (here: a client with only the system store) refuses
    untrusting = ssl.create_default_context()
    request = build_request("POST", "open.example.cn", "/collect", b"{}", "application/json")

    with pytest.raises(ssl.SSLCertVerificationError):
        topology.from_phone(lambda: http_exchange(nl.CN_ORIGIN, 443, request, tls=untrusting, sni="open.example.cn"))

    event = gdpr_guard.wait_event(
        lambda r: r["event_type"] == "connection" and r["destination"].get("sni") == "open.example.cn"
    )
    assert event["destination"]["ip"] == nl.CN_ORIGIN
    assert event["destination"]["country"] == "CN"
    assert event["inspection"]["complete"] is False
    assert any("not inspected" in note for note in event["inspection"]["notes"])
    assert [r for r in topology.origin_records("request", nl.CN_ORIGIN) if r["path"] == "/collect"] == []


def test_strict_policy_refuses_the_connection_to_china_before_any_handshake(topology, strict_guard):
    accepted_before = len(topology.origin_records("accept", nl.CN_ORIGIN))
    untrusting = ssl.create_default_context()
    request = build_request("GET", "open.example.cn", "/strict", b"")

    with pytest.raises((ssl.SSLError, ConnectionError)) as failure:
        topology.from_phone(lambda: http_exchange(nl.CN_ORIGIN, 443, request, tls=untrusting, sni="open.example.cn"))
    # refused, not "certificate not trusted": the guard never got as far as presenting one
    assert not isinstance(failure.value, ssl.SSLCertVerificationError)

    event = strict_guard.wait_event(lambda r: r["destination"]["ip"] == nl.CN_ORIGIN)
    assert event["event_type"] == "connection"
    assert event["action"] == "blocked"
    assert event["verdict"] == "violation"
    assert event["destination"]["country"] == "CN"
    # not a single TCP connection reached the origin
    assert len(topology.origin_records("accept", nl.CN_ORIGIN)) == accepted_before


@pytest.mark.skipif(
    nl.shutil.which("iptables") is None or nl.default_backend() != "nft",
    reason="needs both nft (the default backend) and iptables to compare them",
)
def test_raw_tcp_registration_is_judged_when_every_port_is_redirected(topology, gdpr_guard):
    """`lab-ap.sh --redirect all`: a vendor protocol on port 9999 reaches the guard as raw TCP. To China
    the login with the IMEI is blocked (the origin gets the connection, not one byte of it); to Germany
    it passes and is recorded."""
    topology.redirect_to_guard(gdpr_guard, redirect="all")
    login = f"##LOGIN,IMEI:{IMEI},ICCID:{ICCID};\r\n".encode()
    for origin in (nl.CN_ORIGIN, nl.DE_ORIGIN):
        topology.from_phone(lambda origin=origin: tcp_send(origin, 9999, login, b"##HEARTBEAT;\r\n"))

    def raw_tcp_to(origin: str):
        return lambda r: r["destination"]["ip"] == origin and (r["request"] or {}).get("method") == "TCP"

    blocked, logged = gdpr_guard.wait_event(raw_tcp_to(nl.CN_ORIGIN)), gdpr_guard.wait_event(raw_tcp_to(nl.DE_ORIGIN))
    assert (blocked["action"], blocked["destination"]["country"]) == ("blocked", "CN")
    assert (logged["action"], logged["destination"]["country"]) == ("logged", "DE")
    assert blocked["client"]["ip"] == logged["client"]["ip"] == nl.PHONE_ADDR
    for event in (blocked, logged):
        assert event["request"]["url"] == f"tcp://{event['destination']['ip']}:9999/"
        assert {"imei", "iccid"} <= {i["type"] for i in event["identifiers"]}

    def received(origin: str) -> list[bytes]:
        return [bytes.fromhex(r["data"]) for r in topology.origin_records("tcp", origin) if r["port"] == 9999]

    nl.wait_for(lambda: received(nl.CN_ORIGIN) and received(nl.DE_ORIGIN), 10, "raw TCP origins")
    assert received(nl.CN_ORIGIN) == [b""]
    assert received(nl.DE_ORIGIN) == [login + b"##HEARTBEAT;\r\n"]
    assert IMEI not in gdpr_guard.events.read_text()


def test_iptables_backend_gives_the_same_interception(topology, gdpr_guard):
    lab, state = topology.lab, topology.root / "ap-state"
    lab.remove_ap_rules(state, "nft")
    try:
        saved = lab.apply_ap_rules(gdpr_guard.port, state, "iptables", dns_port=topology.dns_port)
        assert f"--to-ports {gdpr_guard.port}" in saved
        assert topology.from_phone(lambda: udp_probe(nl.DE_ORIGIN, 443)) == "refused"
        assert topology.from_phone(lambda: udp_probe(nl.DE_ORIGIN, 4433)) == f"{nl.AP_UPLINK_ADDR} probe".encode()
        request = build_request("GET", "telemetry.example.de", f"/ping?imei={IMEI}")
        reply = topology.from_phone(lambda: http_exchange(nl.DE_ORIGIN, 80, request))
        assert reply.status == 200
        event = gdpr_guard.wait_event(
            lambda r: r["request"] is not None and r["request"]["url"].startswith("http://telemetry.example.de/ping")
        )
        assert event["client"]["ip"] == nl.PHONE_ADDR
        assert IMEI not in event["request"]["url"]
    finally:
        lab.remove_ap_rules(state, "iptables")
        leftover = nl.sh("ip", "netns", "exec", lab.ap, "iptables-save").stdout
        topology.ruleset = lab.apply_ap_rules(
            topology.redirect_port, state, redirect=topology.redirect, dns_port=topology.dns_port
        )
    assert "RG_AP" not in leftover


# ------------------------------------------------------------------------------------------ the phone's DNS


def test_a_connection_without_sni_is_refused_under_the_name_the_phone_resolved(topology, strict_guard):
    """A pinned client that connects to the address it resolved and sends no SNI: the connection alone
    names no host, but the phone's lookup through the guard a moment before does."""
    answer = resolve_from_phone(topology, ZZHC_NAME)
    assert answer.response_code == response_codes.NOERROR
    assert [str(r.ipv4_address) for r in answer.answers] == [nl.CN_ORIGIN]
    assert ZZHC_NAME in topology.resolver.asked  # answered by the lab resolver, through the guard
    accepted_before = len(topology.origin_records("accept", nl.CN_ORIGIN))
    request = build_request("GET", nl.CN_ORIGIN, "/no-sni", b"")

    with pytest.raises((ssl.SSLError, ConnectionError)) as failure:
        topology.from_phone(lambda: http_exchange(nl.CN_ORIGIN, 443, request, tls=no_sni_untrusting_tls()))
    assert not isinstance(failure.value, ssl.SSLCertVerificationError)  # refused before any certificate

    event = strict_guard.wait_event(lambda r: r["destination"]["ip"] == nl.CN_ORIGIN)
    assert (event["event_type"], event["action"], event["verdict"]) == ("connection", "blocked", "violation")
    destination = event["destination"]
    assert (destination["host"], destination["name_source"]) == (ZZHC_NAME, "dns")
    assert (destination["domain"], destination["country"]) == ("vnet.cn", "CN")
    assert destination.get("sni") is None
    assert event["client"]["ip"] == nl.PHONE_ADDR
    assert len(topology.origin_records("accept", nl.CN_ORIGIN)) == accepted_before


def test_a_query_carrying_the_imei_is_refused_before_any_resolver_sees_it(topology, strict_guard):
    """Port 53 to any address reaches the guard: here a resolver the phone has hard-coded (the DE origin's
    address, where nothing serves DNS). A name carrying the IMEI is answered REFUSED by the guard
    (lab-strict: the country of a query's destination is unknown) and never forwarded."""
    benign = resolve_from_phone(topology, ZZHC_NAME, resolver_ip=nl.DE_ORIGIN)
    assert [str(r.ipv4_address) for r in benign.answers] == [nl.CN_ORIGIN]  # redirected, whatever the address
    name = f"{IMEI}.reg.{ZZHC_NAME}"

    answer = resolve_from_phone(topology, name, resolver_ip=nl.DE_ORIGIN)

    assert answer.response_code == response_codes.REFUSED and answer.answers == []
    assert all(IMEI not in asked for asked in topology.resolver.asked)
    event = strict_guard.wait_event(lambda r: (r["request"] or {}).get("scheme") == "dns")
    assert (event["event_type"], event["action"], event["verdict"]) == ("transfer", "blocked", "violation")
    assert event["request"]["method"] == "QUERY"
    assert event["destination"]["host"] == "{imei}.reg.zzhc.vnet.cn"  # the label that carried it, masked
    [imei] = event["identifiers"]
    assert (imei["type"], imei["value"]) == ("imei", None)
    assert imei["masked"].startswith(IMEI[:8]) and "*" in imei["masked"]  # shown masked, not in full
    assert "unknown_country" in {r["rule"] for r in event["rules"]}
    assert event["client"]["ip"] == nl.PHONE_ADDR
    assert IMEI not in strict_guard.events.read_text()
    assert IMEI not in strict_guard.output.read_text()  # the guard's own log masks it too


def test_a_pinned_handshake_without_sni_is_recorded_under_the_name_the_phone_resolved(topology, gdpr_names_guard):
    """gdpr-eea lets the handshake through; the pinned client rejects the guard's certificate, and the
    not-inspected event names the host the phone looked up. An address it never looked up stays one."""
    resolve_from_phone(topology, ZZHC_NAME)
    for origin in (nl.CN_ORIGIN, nl.DE_ORIGIN):
        request = build_request("POST", origin, "/pinned-no-sni", b"{}", "application/json")
        with pytest.raises(ssl.SSLCertVerificationError):
            topology.from_phone(lambda o=origin, r=request: http_exchange(o, 443, r, tls=no_sni_untrusting_tls()))

    def not_inspected_to(origin: str):
        return lambda r: r["event_type"] == "connection" and r["destination"]["ip"] == origin

    named, unnamed = (
        gdpr_names_guard.wait_event(not_inspected_to(nl.CN_ORIGIN)),
        gdpr_names_guard.wait_event(not_inspected_to(nl.DE_ORIGIN)),
    )
    assert (named["destination"]["host"], named["destination"]["name_source"]) == (ZZHC_NAME, "dns")
    assert (named["destination"]["domain"], named["destination"]["country"]) == ("vnet.cn", "CN")
    assert named["inspection"]["complete"] is False
    assert any("not inspected" in note for note in named["inspection"]["notes"])
    assert (unnamed["destination"]["host"], unnamed["destination"]["name_source"]) == (nl.DE_ORIGIN, "address")
    assert [r for r in topology.origin_records("request") if r["path"] == "/pinned-no-sni"] == []


def test_an_ip_literal_registration_is_blocked_under_the_name_the_phone_resolved(topology, gdpr_names_guard):
    """ZZHC-style: plain HTTP to the address, Host the address too; the event names the host looked up."""
    resolve_from_phone(topology, ZZHC_NAME)
    body = android_base64(json.dumps(ZZHC_BODY).encode())
    request = build_request("POST", nl.CN_ORIGIN, "/ip-literal", body, "application/encrypted-json")

    reply = topology.from_phone(lambda: http_exchange(nl.CN_ORIGIN, 80, request))

    assert reply.status == 451
    event = gdpr_names_guard.wait_event(
        lambda r: r["event_type"] == "transfer" and (r["request"] or {}).get("url", "").endswith("/ip-literal")
    )
    destination = event["destination"]
    assert (destination["host"], destination["name_source"], destination["ip"]) == (ZZHC_NAME, "dns", nl.CN_ORIGIN)
    assert (destination["domain"], destination["country"], event["action"]) == ("vnet.cn", "CN", "blocked")
    assert {"imei", "iccid", "imsi"} <= {i["type"] for i in event["identifiers"]}
    assert IMEI not in gdpr_names_guard.events.read_text()
    assert [r for r in topology.origin_records("request", nl.CN_ORIGIN) if r["path"] == "/ip-literal"] == []
