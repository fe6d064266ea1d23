"""DNS through the real guard: query names judged like payloads, answers naming later connections.

The guard runs in regular mode plus ``reverse:dns://`` to a resolver of the test's own on loopback
(``guard_harness.dns_upstream``). Reverse mode forwards every query to that address and nowhere else
(mitmproxy resolves itself only in ``dns`` and WireGuard modes), and every name asked here is answered
from the test's table with addresses on loopback, which no public resolver would give: each answered
query is also checked to have reached the local upstream. No query can leave the machine.
"""

from __future__ import annotations

import base64
import http.client
import time
from collections.abc import Iterator

import pytest
from mitmproxy.net.dns import response_codes

from guard_harness import (
    CN_HOST,
    DE_HOST,
    LAB_OVERLAY,
    ZZHC_HEADERS,
    Guard,
    dns_query,
    dns_upstream,
    free_port,
    mqtt_connect,
    origin_server,
    running_guard,
    send_segments,
    tcp_sink,
    tcp_tunnel,
    zzhc_body,
)

pytestmark = pytest.mark.e2e

IMEI = "352099001761481"
TRACKER_HOST = "127.0.0.5"  # unmapped: its country is unknown
POLICY = """\
name: dns-test
country_groups:
  EEA: {countries: [DE, NO]}
default: {allow: [EEA], action: block}
cleartext: {action: log}
unknown_country: {action: block}
refuse: {domains: [tracker.test]}
"""
TABLE = {
    "zzhc.vnet.cn": [("A", CN_HOST)],
    "mirror.lab.test": [("A", DE_HOST)],
    "metrics.shop.test": [("CNAME", "edge.shop.test"), ("CNAME", "t.tracker.test"), ("A", TRACKER_HOST)],
}


class DnsGuard:
    def __init__(self, guard: Guard, dns_port: int, upstream) -> None:
        self.guard, self.dns_port, self.upstream = guard, dns_port, upstream

    def ask(self, name: str):
        return dns_query(self.dns_port, name)


@pytest.fixture(scope="module")
def dns_guard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DnsGuard]:
    tmp = tmp_path_factory.mktemp("dns-guard")
    policy = tmp / "dns-test.yaml"
    policy.write_text(POLICY)
    dns_port = free_port()
    with dns_upstream("127.0.0.1", TABLE) as upstream:
        mode = f"reverse:dns://127.0.0.1:{upstream.port}@{dns_port}"
        extra = ["--mode", "regular", "--mode", mode]
        with running_guard(tmp, overlay=LAB_OVERLAY, policy=policy, extra_args=extra) as guard:
            _wait_for_dns(dns_port)
            yield DnsGuard(guard, dns_port, upstream)


def _wait_for_dns(port: int, timeout: float = 20.0) -> None:
    """The DNS listener may come up after the HTTP one the harness waits for: ask until it answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            dns_query(port, "mirror.lab.test", timeout=0.3)
            return
        except TimeoutError:
            if time.monotonic() > deadline:
                raise


def new_events(guard: Guard, before: int, n: int = 1) -> list[dict]:
    return guard.wait_for_events(before + n)[before:]


@pytest.mark.parametrize(
    ("label", "chain"),
    [
        (IMEI, "qname[0]"),
        (base64.b32encode(IMEI.encode()).decode().rstrip("=").lower(), "qname[0]|base32"),
        (IMEI.encode().hex(), "qname[0]|hex"),
    ],
    ids=["plain", "base32", "hex"],
)
def test_a_query_carrying_an_imei_is_refused_recorded_and_never_forwarded(dns_guard: DnsGuard, label, chain):
    guard = dns_guard.guard
    before = len(guard.events())
    name = f"{label}.reg.vnet.cn"
    answer = dns_guard.ask(name)
    assert answer.response_code == response_codes.REFUSED and answer.answers == []
    assert name not in dns_guard.upstream.asked
    [event] = new_events(guard, before)
    assert (event["event_type"], event["action"], event["verdict"]) == ("transfer", "blocked", "violation")
    assert event["request"]["scheme"] == "dns" and event["request"]["method"] == "QUERY"
    assert event["destination"]["host"] == "{imei}.reg.vnet.cn"
    assert (event["destination"]["domain"], event["destination"]["country"]) == ("vnet.cn", "unknown")
    assert [(i["type"], i["chain"]) for i in event["identifiers"]] == [("imei", chain)]
    assert "unknown_country" in {r["rule"] for r in event["rules"]}
    text = guard.events_path.read_text()
    assert IMEI not in text and label not in text


def test_a_benign_query_is_answered_by_the_local_upstream_and_not_recorded(dns_guard: DnsGuard):
    before = len(dns_guard.guard.events())
    answer = dns_guard.ask("mirror.lab.test")
    assert answer.response_code == response_codes.NOERROR
    assert [str(r.ipv4_address) for r in answer.answers] == [DE_HOST]
    assert "mirror.lab.test" in dns_guard.upstream.asked
    time.sleep(0.3)
    assert len(dns_guard.guard.events()) == before


def test_an_ip_literal_request_to_a_resolved_address_is_recorded_under_its_name(dns_guard: DnsGuard):
    guard = dns_guard.guard
    assert [str(r.ipv4_address) for r in dns_guard.ask("zzhc.vnet.cn").answers] == [CN_HOST]
    assert "zzhc.vnet.cn" in dns_guard.upstream.asked
    with origin_server(CN_HOST) as origin:
        before = len(guard.events())
        conn = http.client.HTTPConnection("127.0.0.1", guard.port, timeout=10)
        conn.request("POST", f"http://{CN_HOST}:{origin.port}/", body=zzhc_body(), headers=ZZHC_HEADERS)
        assert conn.getresponse().status == 451
        assert origin.received == []
    [event] = new_events(guard, before)
    destination = event["destination"]
    assert (destination["host"], destination["name_source"], destination["ip"]) == ("zzhc.vnet.cn", "dns", CN_HOST)
    assert (destination["domain"], destination["country"], event["action"]) == ("vnet.cn", "CN", "blocked")


def test_a_raw_tcp_payload_to_a_resolved_address_is_recorded_under_its_name(dns_guard: DnsGuard):
    guard = dns_guard.guard
    dns_guard.ask("zzhc.vnet.cn")
    with tcp_sink(CN_HOST) as (port, _received):
        before = len(guard.events())
        with tcp_tunnel(guard.port, CN_HOST, port) as sock:
            send_segments(sock, mqtt_connect(IMEI))
        [event] = new_events(guard, before)
    assert event["request"]["url"] == f"tcp://zzhc.vnet.cn:{port}/"
    assert (event["destination"]["host"], event["destination"]["name_source"]) == ("zzhc.vnet.cn", "dns")
    assert event["action"] == "blocked"


def test_an_address_nobody_resolved_is_recorded_as_an_address(dns_guard: DnsGuard):
    guard = dns_guard.guard
    with origin_server("127.0.0.6") as origin:
        before = len(guard.events())
        conn = http.client.HTTPConnection("127.0.0.1", guard.port, timeout=10)
        conn.request("POST", f"http://127.0.0.6:{origin.port}/", body=zzhc_body(), headers=ZZHC_HEADERS)
        conn.getresponse().read()
    [event] = new_events(guard, before)
    assert (event["destination"]["host"], event["destination"]["name_source"]) == ("127.0.0.6", "address")


def test_a_cloaked_tracker_is_refused_by_its_cname_and_the_chain_recorded(dns_guard: DnsGuard):
    guard = dns_guard.guard
    answer = dns_guard.ask("metrics.shop.test")
    assert [str(r.ipv4_address) for r in answer.answers if r.type == 1] == [TRACKER_HOST]
    assert "metrics.shop.test" in dns_guard.upstream.asked
    with origin_server(TRACKER_HOST) as origin:
        before = len(guard.events())
        conn = http.client.HTTPConnection("127.0.0.1", guard.port, timeout=10)
        conn.request("GET", f"http://{TRACKER_HOST}:{origin.port}/pixel")
        assert conn.getresponse().status == 502
        assert origin.received == []
    [event] = new_events(guard, before)
    assert (event["event_type"], event["action"]) == ("connection", "blocked")
    destination = event["destination"]
    assert (destination["host"], destination["name_source"]) == ("metrics.shop.test", "dns")
    assert destination["cnames"] == ["edge.shop.test", "t.tracker.test"]
    assert [r["rule"] for r in event["rules"]] == ["refuse"]


def test_in_dns_mode_the_guard_judges_a_query_before_mitmproxy_resolves_it(tmp_path):
    """``--mode dns@PORT``: mitmproxy resolves A queries itself, with ``dns_name_servers`` (addresses
    only, port 53): here a resolver of the test's own on a loopback address, the only one given, and
    the hosts file off. The guard must judge first, or the IMEI would already have gone upstream."""
    resolver_ip = "127.0.0.77"
    try:
        upstream_cm = dns_upstream(resolver_ip, TABLE, port=53)
        upstream = upstream_cm.__enter__()
    except OSError as e:
        pytest.skip(f"cannot listen on {resolver_ip}:53 here ({e.strerror})")
    try:
        policy = tmp_path / "dns-test.yaml"
        policy.write_text(POLICY)
        dns_port = free_port()
        extra = ["--mode", "regular", "--mode", f"dns@{dns_port}", "--set", f"dns_name_servers={resolver_ip}",
                 "--set", "dns_use_hosts_file=false"]  # fmt: skip
        with running_guard(tmp_path, overlay=LAB_OVERLAY, policy=policy, extra_args=extra) as guard:
            _wait_for_dns(dns_port)
            answer = dns_query(dns_port, f"{IMEI}.reg.vnet.cn")
            assert answer.response_code == response_codes.REFUSED
            assert upstream.asked and all(IMEI not in name for name in upstream.asked)
            assert [str(r.ipv4_address) for r in dns_query(dns_port, "zzhc.vnet.cn").answers] == [CN_HOST]
            [event] = guard.wait_for_events(1)
            assert (event["request"]["scheme"], event["action"]) == ("dns", "blocked")
    finally:
        upstream_cm.__exit__(None, None, None)
