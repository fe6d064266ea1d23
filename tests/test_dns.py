"""DNS pieces in-process: base32 labels, query-name extraction and masking, the query judgement, the
answers a phone received (chain following, per-client memory with TTL and bound) and the addon's DNS
hooks driven with mitmproxy's test flows. The real proxy is in ``test_e2e_dns.py``."""

from __future__ import annotations

import base64
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path

import orjson
import pytest
from mitmproxy import dns
from mitmproxy.net.dns import response_codes
from mitmproxy.net.dns import types as dns_types
from mitmproxy.proxy import mode_specs, server_hooks
from mitmproxy.test import tflow

from guard_harness import REPO, hook_guard, hook_options
from residency_guard.dnsnames import ResolvedName, ResolvedNames
from residency_guard.extract.base32 import base32_bytes
from residency_guard.extract.dnsname import MAX_NAME_LENGTH, extract_dns_query, mask_query_name
from residency_guard.flowfacts import dns_answer
from residency_guard.locate import Locator
from residency_guard.model import DnsQueryView, Hit
from residency_guard.policy import LoadedPolicy, Policy, judge_query

IMEI = "352099001761481"
CN = "127.0.0.3"


# ---------------------------------------------------------------------------------------------- base32


@pytest.mark.parametrize("encode", [base64.b32encode, base64.b32hexencode], ids=["rfc4648", "extended-hex"])
@pytest.mark.parametrize("shape", [str.upper, str.lower, lambda s: s.rstrip("=")], ids=["upper", "lower", "unpadded"])
def test_base32_labels_decode_in_either_alphabet_case_and_padding(encode, shape) -> None:
    assert base32_bytes(shape(encode(IMEI.encode()).decode())) == IMEI.encode()


@pytest.mark.parametrize(
    "label",
    ["short", "cdn-edge-frankfurt", "1234567890123456", "ABCDEFGHIJKLMNOPQ", "abcdefgh1!jklmnop"],
    ids=["too-short", "hyphen", "digits", "impossible-length", "punctuation"],
)
def test_labels_that_are_not_base32_are_not_decoded(label) -> None:
    assert base32_bytes(label) is None


# ---------------------------------------------------------------------------------------------- extract


def _fields(name: str, domain: str | None = "example.cn") -> dict[str, str]:
    extraction = extract_dns_query(DnsQueryView(name, "A", domain))
    assert extraction.complete
    return {f.location: f.value for f in extraction.fields}


def test_every_label_is_a_field_and_encoded_labels_are_decoded() -> None:
    b32 = base64.b32encode(IMEI.encode()).decode().rstrip("=").lower()
    fields = _fields(f"{IMEI}.{b32}.{IMEI.encode().hex()}.example.cn")
    assert fields["qname[0]"] == IMEI
    assert fields["qname[1]|base32"] == IMEI
    assert fields["qname[2]|hex"] == IMEI
    assert fields["qname[3]"] == "example"


def test_labels_under_the_registrable_domain_are_also_read_joined() -> None:
    fields = _fields("3520990.01761481.example.cn")
    assert fields["qname|join"] == IMEI
    assert "qname|join" not in _fields("www.example.cn")  # a single label: nothing to join


def test_a_name_longer_than_dns_allows_is_cut_with_a_note_that_quotes_nothing() -> None:
    name = ".".join([IMEI] * 30)
    extraction = extract_dns_query(DnsQueryView(name, "A", None))
    assert not extraction.complete
    assert all(IMEI not in note for note in extraction.notes)
    assert sum(len(f.value) for f in extraction.fields if "join" not in f.chain) <= MAX_NAME_LENGTH


def test_the_shown_name_masks_exactly_the_labels_that_carried_identifiers() -> None:
    query = DnsQueryView(f"a.{IMEI}.reg.example.cn", "A", "example.cn")
    hit = Hit("imei", IMEI, "qname[1]", ())
    assert mask_query_name(query, [hit]) == "a.{imei}.reg.example.cn"
    joined = Hit("imei", IMEI, "qname", ("join",))
    assert mask_query_name(query, [joined]) == "{imei}.{imei}.{imei}.example.cn"


# ---------------------------------------------------------------------------------------------- judge


def _policy(**fields) -> LoadedPolicy:
    return LoadedPolicy.of(Policy(name="t", default={"allow": ["NO"], "action": "block"}, **fields))


def _destination(name: str):
    return Locator(None).locate(name, None, 53)


def test_a_query_with_identifiers_is_a_cleartext_transfer_to_an_unknown_country() -> None:
    hit = Hit("imei", IMEI, "qname[0]", ())
    destination = _destination(f"{IMEI}.reg.example.cn")
    assert (destination.country, destination.domain) == ("unknown", "example.cn")
    logged = judge_query([hit], destination, _policy())
    assert logged.action == "logged" and [r.rule for r in logged.rules] == ["unknown_country", "cleartext"]
    blocked = judge_query([hit], destination, _policy(unknown_country={"action": "block"}))
    assert blocked.blocked


def test_a_query_with_identifiers_under_a_refused_domain_is_refused_and_a_plain_lookup_is_not() -> None:
    policy = _policy(
        unknown_country={"action": "allow"}, cleartext={"enabled": False}, refuse={"domains": ["example.cn"]}
    )
    destination = _destination(f"{IMEI}.reg.example.cn")
    judgement = judge_query([Hit("imei", IMEI, "qname[0]", ())], destination, policy)
    assert judgement.blocked and [r.rule for r in judgement.rules] == ["refuse"]
    assert not judge_query([], _destination("www.example.cn"), policy).blocked


def test_a_query_name_that_could_not_be_read_fails_closed_where_the_policy_says() -> None:
    """No identifier found, but a label was past a limit: the ``uninspected`` rule decides, as for a
    request, wherever an identifier would have been blocked."""
    destination = _destination("x.reg.example.cn")
    causes = ("decoder:dns",)
    strict = _policy(unknown_country={"action": "block"}, uninspected={"action": "block"})
    judgement = judge_query([], destination, strict, causes)
    assert judgement.blocked and [r.rule for r in judgement.rules] == ["uninspected"]
    assert not judge_query([], destination, _policy(unknown_country={"action": "block"}), causes).blocked
    assert not judge_query([], destination, _policy(uninspected={"action": "block"}), causes).blocked


# ---------------------------------------------------------------------------------------------- answers


def _answer_flow(question: str, answers: list[dns.ResourceRecord], qtype: int = dns_types.A) -> dns.DNSFlow:
    request = tflow.tdnsreq(questions=[dns.Question(question, qtype, 1)])
    return tflow.tdnsflow(req=request, resp=request.succeed(answers))


def test_the_cname_chain_is_followed_from_the_question_to_the_addresses() -> None:
    flow = _answer_flow(
        "metrics.shop.test",
        [
            dns.ResourceRecord.CNAME("metrics.shop.test", "edge.shop.test", ttl=300),
            dns.ResourceRecord.CNAME("edge.shop.test", "t.tracker.test", ttl=300),
            dns.ResourceRecord.A("t.tracker.test", IPv4Address("192.0.2.7"), ttl=30),
            dns.ResourceRecord.A("unrelated.test", IPv4Address("192.0.2.99"), ttl=30),
        ],
    )
    assert dns_answer(flow) == ("metrics.shop.test", ("edge.shop.test", "t.tracker.test"), [("192.0.2.7", 30.0)])


def test_a_cname_loop_and_a_broken_record_end_the_chain() -> None:
    loop = _answer_flow(
        "a.test",
        [dns.ResourceRecord.CNAME("a.test", "b.test"), dns.ResourceRecord.CNAME("b.test", "a.test")],
    )
    assert dns_answer(loop) == ("a.test", ("b.test", "a.test"), [])
    broken = dns.ResourceRecord("a.test", dns_types.A, 1, 60, b"\x01\x02")  # not four bytes
    assert dns_answer(_answer_flow("a.test", [broken])) == ("a.test", (), [])
    bad_alias = dns.ResourceRecord("a.test", dns_types.CNAME, 1, 60, b"\x3f\xff")
    assert dns_answer(_answer_flow("a.test", [bad_alias])) == ("a.test", (), [])


def test_aaaa_answers_count_and_other_questions_and_failures_name_nothing() -> None:
    v6 = _answer_flow("v6.test", [dns.ResourceRecord.AAAA("v6.test", IPv6Address("2001:db8::7"))], dns_types.AAAA)
    assert dns_answer(v6) == ("v6.test", (), [("2001:db8::7", float(dns.ResourceRecord.DEFAULT_TTL))])
    txt = _answer_flow("t.test", [dns.ResourceRecord.TXT("t.test", "hello")], dns_types.TXT)
    assert dns_answer(txt) is None
    failed = tflow.tdnsflow()
    failed.response = failed.request.fail(response_codes.NXDOMAIN)
    assert dns_answer(failed) is None


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_name_is_remembered_per_client_for_its_ttl() -> None:
    clock = _Clock()
    names = ResolvedNames(min_ttl=5, clock=clock)
    names.remember("10.66.0.23", "zzhc.vnet.cn", (), [("202.102.3.1", 60)])
    assert names.name_for("10.66.0.23", "202.102.3.1") == ResolvedName("zzhc.vnet.cn")
    assert names.name_for("10.66.0.24", "202.102.3.1") is None  # another phone never asked
    clock.now += 59
    assert names.name_for("10.66.0.23", "202.102.3.1") is not None
    clock.now += 2
    assert names.name_for("10.66.0.23", "202.102.3.1") is None
    assert len(names) == 0  # an expired entry is dropped when met


def test_a_zero_ttl_still_names_the_connection_that_follows_and_the_latest_answer_wins() -> None:
    clock = _Clock()
    names = ResolvedNames(min_ttl=10, max_ttl=100, clock=clock)
    names.remember("c", "first.test", (), [("192.0.2.1", 0)])
    clock.now += 9
    assert names.name_for("c", "192.0.2.1") == ResolvedName("first.test")
    names.remember("c", "Second.Test.", ("cdn.test.",), [("192.0.2.1", 10**9)])
    assert names.name_for("c", "192.0.2.1") == ResolvedName("second.test", ("cdn.test",))
    clock.now += 101  # capped at max_ttl
    assert names.name_for("c", "192.0.2.1") is None


def test_an_answer_names_nothing_sent_before_it() -> None:
    """A replay's clock reads the capture's times, and a flow file holds a connection from when it
    ended: an answer read first must not name a connection the phone made before it asked."""
    clock = _Clock()
    clock.now = 1000.0
    names = ResolvedNames(clock=clock)
    names.remember("c", "later.test", (), [("192.0.2.1", 60)])
    clock.now = 999.0
    assert names.name_for("c", "192.0.2.1") is None
    clock.now = 1000.0
    assert names.name_for("c", "192.0.2.1") == ResolvedName("later.test")


def test_the_memory_is_bounded_and_forgets_the_oldest_answers_first() -> None:
    names = ResolvedNames(max_names=3)
    for i in range(5):
        names.remember("c", f"n{i}.test", (), [(f"192.0.2.{i}", 60)])
    assert len(names) == 3
    assert [names.name_for("c", f"192.0.2.{i}") is not None for i in range(5)] == [False, False, True, True, True]


# ---------------------------------------------------------------------------------------------- hooks


@pytest.fixture
def tctx(tmp_path: Path):
    with hook_guard(hook_options(tmp_path, str(REPO / "policies" / "lab-strict.yaml"), {f"{CN}/32": "NO"})) as tctx:
        yield tctx


def _events(tctx) -> list[dict]:
    lines = Path(tctx.options.guard_events).read_bytes().splitlines()
    return [r for r in map(orjson.loads, lines) if r["event_type"] in ("transfer", "connection")]


def _query(*names: str) -> dns.DNSFlow:
    return tflow.tdnsflow(req=tflow.tdnsreq(questions=[dns.Question(n, dns_types.A, 1) for n in names]))


async def test_an_identifier_in_any_question_refuses_the_whole_query(tctx) -> None:
    flow = _query("www.example.test", f"{IMEI}.example.test")
    await tctx.guard.dns_request(flow)
    assert flow.response is not None and flow.response.response_code == response_codes.REFUSED
    [event] = _events(tctx)
    assert event["destination"]["host"] == "{imei}.example.test"


@pytest.mark.parametrize(
    ("domains", "action"), [("", "logged"), ("domains:\n  - {domain: vnet.cn, country: CN}\n", "blocked")]
)
async def test_a_query_to_a_domain_the_overlay_places_is_judged_in_its_country(tctx, tmp_path, domains, action) -> None:
    """gdpr-eea logs identifiers to an unknown country and blocks them to CN: a query name's country is
    unknown unless the lab's overlay says where the domain is."""
    overlay = tmp_path / "named.yaml"
    overlay.write_text(f"networks:\n  - {{network: {CN}/32, country: NO}}\n{domains}")
    policy = str(REPO / "policies" / "gdpr-eea.yaml")
    tctx.configure(tctx.guard, guard_policy=policy, guard_geo_overlay=str(overlay))
    flow = _query(f"{IMEI}.reg.zzhc.vnet.cn")
    await tctx.guard.dns_request(flow)
    [event] = _events(tctx)
    assert event["action"] == action
    assert (flow.response is not None) == (action == "blocked")
    assert event["destination"]["country"] == ("CN" if domains else "unknown")


async def test_identifiers_in_names_from_a_dns_answer_are_masked_in_later_events(tctx) -> None:
    """gdpr-eea logs a query carrying the IMEI (its country is unknown), so the phone gets its answer,
    and a tracker's CNAME echoes the serial back: the later request's event shows both names masked."""
    tctx.configure(tctx.guard, guard_policy=str(REPO / "policies" / "gdpr-eea.yaml"))
    asked, alias = f"{IMEI}.reg.zzhc.vnet.cn", f"{IMEI}.edge.tracker.test"
    answer = _answer_flow(
        asked, [dns.ResourceRecord.CNAME(asked, alias), dns.ResourceRecord.A(alias, IPv4Address(CN), ttl=60)]
    )
    answer.client_conn.peername = ("10.66.0.23", 5353)
    tctx.guard.dns_response(answer)
    flow = tflow.tflow()
    flow.request.host, flow.request.port, flow.request.path = CN, 80, "/reg"
    flow.request.query["imei"] = IMEI
    flow.client_conn.peername = ("10.66.0.23", 40000)
    flow.server_conn.peername = (CN, 80)
    await tctx.guard.request(flow)
    [event] = _events(tctx)
    destination = event["destination"]
    assert destination["name_source"] == "dns"
    assert destination["host"] == "{imei}.reg.zzhc.vnet.cn"
    assert destination["cnames"] == ["{imei}.edge.tracker.test"]
    assert IMEI not in Path(tctx.options.guard_events).read_text()


async def test_a_hostile_query_name_is_judged_without_crashing(tctx) -> None:
    """lab-strict fails closed: a name cut at its limit is refused although nothing was found in it."""
    flow = _query("." * 300 + "x" * 2000, "\u00e9" * 100)
    await tctx.guard.dns_request(flow)
    assert flow.response is not None and flow.response.response_code == response_codes.REFUSED
    events = _events(tctx)
    assert events and all(not e["inspection"]["complete"] for e in events)
    assert any(r["rule"] == "uninspected" for e in events for r in e["rules"])


async def test_a_connection_to_a_resolved_address_is_judged_under_its_name(tctx) -> None:
    """lab-strict refuses unknown countries; CN (the test address) is mapped to NO, so only the name
    can refuse it: refuse.domains given live."""
    tctx.configure(tctx.guard, guard_policy=str(_refusing_policy(Path(tctx.options.guard_events).parent)))
    answer = _answer_flow("zzhc.vnet.cn", [dns.ResourceRecord.A("zzhc.vnet.cn", IPv4Address(CN))])
    answer.client_conn.peername = ("10.66.0.23", 5353)
    tctx.guard.dns_response(answer)
    server = tflow.tserver_conn()
    server.address, server.sni, server.tls = (CN, 80), None, False
    client = tflow.tclient_conn()
    client.peername = ("10.66.0.23", 40000)
    data = server_hooks.ServerConnectionHookData(server=server, client=client)
    await tctx.guard.server_connect(data)
    assert data.server.error and "refused" in data.server.error
    [event] = _events(tctx)
    assert (event["destination"]["host"], event["destination"]["name_source"]) == ("zzhc.vnet.cn", "dns")


def _refusing_policy(where: Path) -> Path:
    path = where / "refusing.yaml"
    path.write_text("name: refusing\ndefault: {allow: [NO], action: block}\nrefuse: {domains: [vnet.cn]}\n")
    return path


async def test_dns_to_the_resolver_is_no_destination(tctx) -> None:
    """lab-strict refuses every unknown country, the loopback resolver's too: its DNS must still flow."""
    client = tflow.tclient_conn()
    client.proxy_mode = mode_specs.ProxyMode.parse("reverse:dns://127.0.0.1:5353")
    server = tflow.tserver_conn()
    server.address = ("127.0.0.1", 5353)
    data = server_hooks.ServerConnectionHookData(server=server, client=client)
    await tctx.guard.server_connect(data)
    assert data.server.error is None
    wireguard = tflow.tclient_conn()
    wireguard.proxy_mode = mode_specs.ProxyMode.parse("wireguard")
    wireguard.sockname = ("10.0.0.53", 53)
    tctx.guard.client_connected(wireguard)
    assert wireguard.error is None
    assert _events(tctx) == []
