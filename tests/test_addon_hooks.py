"""The addon's decisions, hook by hook, in-process: ``taddons.context`` and ``tflow`` as mitmproxy's own
addon tests do. No proxy is started; the guard is the real one (real policy, overlay, detector, events
file), only the flows are made up. The end-to-end tests through a real mitmdump stay the reference.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from mitmproxy import exceptions, http, tcp, udp, websocket
from mitmproxy.proxy import server_hooks
from mitmproxy.test import tflow

from guard_harness import REPO, ZZHC_FIELDS, hook_guard, hook_options, mqtt_connect, zzhc_body
from residency_guard.eventlog import EventLogError
from residency_guard.pipeline import STREAM_BLOCKED

CN, DE = "127.0.0.3", "127.0.0.2"
IMEI = ZZHC_FIELDS["IMEI1"]


@pytest.fixture
def options(tmp_path: Path) -> dict[str, object]:
    return hook_options(tmp_path, str(REPO / "policies" / "gdpr-eea.yaml"), {f"{CN}/32": "CN", f"{DE}/32": "DE"})


@pytest.fixture
def tctx(options: dict[str, object]):
    with hook_guard(options) as tctx:
        yield tctx


def _records(tctx, kind: str | None = None) -> list[dict]:
    path = Path(tctx.options.guard_events)
    records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    return [r for r in records if kind is None or r["event_type"] == kind]


def _post(ip: str, body: bytes = b"", host: str = "zzhc.example") -> http.HTTPFlow:
    flow = tflow.tflow()
    flow.request.host, flow.request.port, flow.request.path = host, 80, "/reg"
    flow.request.method = "POST"
    flow.request.headers["Content-Type"] = "application/json"
    flow.request.content = body
    flow.server_conn.peername = (ip, 80)
    return flow


# ------------------------------------------------------------------------------------------- requests


async def test_identifiers_to_a_blocked_country_get_451_and_an_event_on_disk(tctx) -> None:
    flow = _post(CN, zzhc_body())
    await tctx.guard.request(flow)
    assert flow.response is not None and flow.response.status_code == 451
    reply = orjson.loads(flow.response.content)
    assert reply["destination"]["country"] == "CN" and "imei" in reply["identifier_types"]
    assert IMEI not in flow.response.text
    (event,) = _records(tctx, "transfer")
    assert (event["action"], event["verdict"], event["flow_id"]) == ("blocked", "violation", flow.id)
    assert IMEI not in Path(tctx.options.guard_events).read_text()
    c = tctx.guard.counters
    assert (c.flows, c.inspected, c.with_identifiers, c.violations, c.blocked) == (1, 1, 1, 1, 1)


async def test_a_redacted_request_is_forwarded_rewritten_and_counted_as_redacted(tctx, tmp_path: Path) -> None:
    policy = tmp_path / "redact.yaml"
    policy.write_text(
        "name: redact-test\ncountry_groups:\n  EEA: {countries: [DE, NO]}\n"
        "default: {allow: [EEA], action: log}\ncategories:\n  device: {allow: [EEA], action: redact}\n"
        "cleartext: {action: log}\n"
    )
    tctx.configure(tctx.guard, guard_policy=str(policy))
    flow = _post(CN, b'{"imei": "%s"}' % IMEI.encode())
    await tctx.guard.request(flow)
    assert flow.response is None and IMEI not in flow.request.text
    (event,) = _records(tctx, "transfer")
    assert event["action"] == "redacted"
    c = tctx.guard.counters
    assert (c.violations, c.blocked, c.redacted) == (1, 0, 1)
    assert "redacted=1" in c.describe()


async def test_identifiers_to_an_allowed_country_are_forwarded_and_logged(tctx) -> None:
    flow = _post(DE, zzhc_body())
    await tctx.guard.request(flow)
    assert flow.response is None
    (event,) = _records(tctx, "transfer")
    assert (event["action"], event["destination"]["country"]) == ("logged", "DE")
    assert tctx.guard.counters.blocked == 0


async def test_a_benign_request_leaves_no_event(tctx) -> None:
    flow = _post(CN, b'{"weather": "sunny", "temperature": 21}')
    await tctx.guard.request(flow)
    assert flow.response is None
    assert _records(tctx, "transfer") == []
    assert (tctx.guard.counters.inspected, tctx.guard.counters.with_identifiers) == (1, 0)


async def test_a_flow_already_answered_is_not_judged(tctx) -> None:
    flow = _post(CN, zzhc_body())
    flow.response = http.Response.make(204)
    await tctx.guard.request(flow)
    assert flow.response.status_code == 204 and tctx.guard.counters.flows == 0


# ------------------------------------------------------------------------------------------- on-error


def _broken_inspector(tctx, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("detector bug")

    monkeypatch.setattr(tctx.guard.inspector, "inspect", fail)


@pytest.mark.parametrize(("on_error", "status"), [("pass", None), ("block", 503)])
async def test_inspection_failure_follows_on_error(tctx, monkeypatch, on_error: str, status: int | None) -> None:
    tctx.configure(tctx.guard, guard_on_error=on_error)
    _broken_inspector(tctx, monkeypatch)
    flow = _post(CN, zzhc_body())
    await tctx.guard.request(flow)
    assert (flow.response.status_code if flow.response else None) == status
    assert tctx.guard.counters.errors == 1


@pytest.mark.parametrize(("on_error", "status"), [("pass", 451), ("block", 503)])
async def test_an_event_that_cannot_be_written(tctx, monkeypatch, on_error: str, status: int) -> None:
    """``pass``: the block still happens (the judgement stands) and the loss is counted; ``block``:
    nothing goes through that the guard cannot account for."""
    tctx.configure(tctx.guard, guard_on_error=on_error)

    def full(line: bytes) -> None:
        raise EventLogError("disk full")

    monkeypatch.setattr(tctx.guard.writer, "append_line", full)
    flow = _post(CN, zzhc_body())
    await tctx.guard.request(flow)
    assert flow.response is not None and flow.response.status_code == status
    assert tctx.guard.counters.errors == 1


# ------------------------------------------------------------------------------------------- connections


async def test_a_refused_destination_is_refused_at_connect_with_its_event(options, tmp_path) -> None:
    with hook_guard(options | {"guard_policy": "lab-strict"}) as tctx:
        guard = tctx.guard
        server = tflow.tserver_conn()
        server.address, server.sni = ("198.51.100.7", 443), None
        data = server_hooks.ServerConnectionHookData(server=server, client=tflow.tclient_conn())
        await guard.server_connect(data)
        assert data.server.error is not None and "lab's country" in data.server.error
        (event,) = [r for r in _records(tctx) if r["event_type"] == "connection"]
        assert event["action"] == "blocked"
        c = guard.counters
        assert (c.flows, c.violations, c.blocked, c.inspected) == (1, 1, 1, 0)


async def test_an_allowed_destination_is_connected_to(tctx) -> None:
    server = tflow.tserver_conn()
    server.address = (DE, 443)
    data = server_hooks.ServerConnectionHookData(server=server, client=tflow.tclient_conn())
    await tctx.guard.server_connect(data)
    assert data.server.error is None
    assert _records(tctx, "connection") == []


# ------------------------------------------------------------------------------------------- messages


def _websocket_flow(ip: str, content: bytes) -> http.HTTPFlow:
    flow = tflow.twebsocketflow(messages=False)
    flow.server_conn.peername = (ip, 80)
    flow.websocket.messages.append(websocket.WebSocketMessage(1, True, content))
    return flow


async def test_a_websocket_message_with_identifiers_to_cn_is_dropped_and_the_socket_goes_on(tctx) -> None:
    flow = _websocket_flow(CN, orjson.dumps({"imei": IMEI}))
    await tctx.guard.websocket_message(flow)
    assert flow.websocket.messages[-1].dropped
    flow.websocket.messages.append(websocket.WebSocketMessage(1, True, b'{"ping": 1}'))
    await tctx.guard.websocket_message(flow)
    assert not flow.websocket.messages[-1].dropped
    (event,) = _records(tctx, "transfer")
    assert event["action"] == "blocked"


async def test_server_websocket_messages_are_not_judged(tctx) -> None:
    flow = _websocket_flow(CN, b"")
    flow.websocket.messages[-1] = websocket.WebSocketMessage(1, False, orjson.dumps({"imei": IMEI}))
    await tctx.guard.websocket_message(flow)
    assert not flow.websocket.messages[-1].dropped and tctx.guard.counters.flows == 0


@pytest.mark.parametrize("make", [tflow.ttcpflow, tflow.tudpflow], ids=["tcp", "udp"])
async def test_a_blocked_stream_payload_is_blanked_with_the_rest_of_the_stream(tctx, make) -> None:
    message_type = tcp.TCPMessage if make is tflow.ttcpflow else udp.UDPMessage
    flow = make(messages=[message_type(True, mqtt_connect(IMEI))])
    flow.server_conn.peername = flow.server_conn.address = (CN, 1883)
    flow.server_conn.sni = None
    await tctx.guard.tcp_message(flow) if make is tflow.ttcpflow else await tctx.guard.udp_message(flow)
    assert flow.messages[-1].content == b"" and flow.metadata.get(STREAM_BLOCKED)
    flow.messages.append(message_type(True, b"\xc0\x00"))
    await tctx.guard.tcp_message(flow) if make is tflow.ttcpflow else await tctx.guard.udp_message(flow)
    assert flow.messages[-1].content == b""
    (event,) = _records(tctx, "transfer")
    assert event["action"] == "blocked" and event["request"]["method"] == make.__name__[1:4].upper()


async def test_a_stream_payload_to_an_allowed_country_is_forwarded(tctx) -> None:
    flow = tflow.ttcpflow(messages=[tcp.TCPMessage(True, mqtt_connect(IMEI))])
    flow.server_conn.peername = flow.server_conn.address = (DE, 1883)
    await tctx.guard.tcp_message(flow)
    assert flow.messages[-1].content == mqtt_connect(IMEI)
    assert not flow.metadata.get(STREAM_BLOCKED)


# ------------------------------------------------------------------------------------------- uninspected


@pytest.fixture
def strict_tctx(options: dict[str, object], tmp_path: Path):
    """The guard under gdpr-eea with ``uninspected: {action: block}`` and a 1 KiB body limit."""
    policy = tmp_path / "fail-closed.yaml"
    text = (REPO / "policies" / "gdpr-eea.yaml").read_text().replace("name: gdpr-eea\n", "name: fail-closed\n", 1)
    policy.write_text(text + "uninspected:\n  action: block\n")
    with hook_guard(options | {"guard_policy": str(policy), "guard_max_body_bytes": 1024}) as tctx:
        yield tctx


def _padded(identifier: str = IMEI) -> bytes:
    """A JSON body whose identifier sits past the 1 KiB limit."""
    return orjson.dumps({"pad": "x" * 4000, "imei": identifier})


async def test_a_request_past_a_limit_to_cn_is_answered_451_naming_the_limit(strict_tctx) -> None:
    flow = _post(CN, _padded())
    await strict_tctx.guard.request(flow)
    assert flow.response is not None and flow.response.status_code == 451
    reply = orjson.loads(flow.response.content)
    assert reply["uninspected"] == {
        "message": "blocked because the request could not be fully inspected",
        "causes": ["limit:max_body_bytes", "decoder:json"],  # the cut also leaves the JSON unparsable
    }
    assert [r["rule"] for r in reply["rules"]] == ["uninspected"]
    assert IMEI not in flow.response.text
    (event,) = _records(strict_tctx, "transfer")
    assert (event["verdict"], event["action"], event["identifiers"]) == ("violation", "blocked", [])
    assert event["inspection"]["causes"] == ["limit:max_body_bytes", "decoder:json"]
    (rule,) = event["rules"]
    assert (rule["rule"], rule["action"]) == ("uninspected", "block") and "limit:max_body_bytes" in rule["reason"]


async def test_an_unknown_content_encoding_to_cn_is_blocked_under_fail_closed(strict_tctx) -> None:
    flow = _post(CN, b"\x00\x01compressed-somehow")
    flow.request.headers["Content-Encoding"] = "x-vendor"
    await strict_tctx.guard.request(flow)
    assert flow.response is not None and flow.response.status_code == 451
    assert "encoding:unknown" in orjson.loads(flow.response.content)["uninspected"]["causes"]


async def test_a_request_past_a_limit_to_an_allowed_country_is_forwarded_under_fail_closed(strict_tctx) -> None:
    flow = _post(DE, _padded())
    await strict_tctx.guard.request(flow)
    assert flow.response is None
    (event,) = _records(strict_tctx, "transfer")
    assert event["inspection"]["complete"] is False and event["rules"] == [] and event["action"] == "logged"


async def test_a_fully_inspected_benign_request_to_cn_is_forwarded_under_fail_closed(strict_tctx) -> None:
    flow = _post(CN, b'{"weather": "sunny"}')
    await strict_tctx.guard.request(flow)
    assert flow.response is None and _records(strict_tctx, "transfer") == []


async def test_past_a_limit_to_cn_is_forwarded_and_recorded_under_the_default_policy(tctx) -> None:
    tctx.configure(tctx.guard, guard_max_body_bytes=1024)
    flow = _post(CN, _padded())
    await tctx.guard.request(flow)
    assert flow.response is None
    (event,) = _records(tctx, "transfer")
    assert [(r["rule"], r["action"]) for r in event["rules"]] == [("uninspected", "log")]
    assert (event["verdict"], event["action"]) == ("violation", "logged")


async def test_a_websocket_message_past_a_limit_is_dropped_under_fail_closed(strict_tctx) -> None:
    flow = _websocket_flow(CN, _padded())
    await strict_tctx.guard.websocket_message(flow)
    assert flow.websocket.messages[-1].dropped
    allowed = _websocket_flow(DE, _padded())
    await strict_tctx.guard.websocket_message(allowed)
    assert not allowed.websocket.messages[-1].dropped


async def test_an_undecodable_stream_payload_is_blanked_under_fail_closed_only(strict_tctx, tctx) -> None:
    payload = bytes(range(256)) * 2  # binary that no decoder reads: its printable runs are all that is seen
    for guard_ctx, blanked in ((strict_tctx, True), (tctx, False)):
        flow = tflow.ttcpflow(messages=[tcp.TCPMessage(True, payload)])
        flow.server_conn.peername = flow.server_conn.address = (CN, 9999)
        flow.server_conn.sni = None
        await guard_ctx.guard.tcp_message(flow)
        assert (flow.messages[-1].content == b"") is blanked
        assert bool(flow.metadata.get(STREAM_BLOCKED)) is blanked


@pytest.mark.parametrize(("ip", "streamed"), [(CN, False), (DE, True)], ids=["blockable", "allowed"])
async def test_a_body_mitmproxy_would_stream_is_held_when_its_destination_is_blockable(tctx, ip, streamed) -> None:
    flow = _post(ip, _padded())
    flow.request.stream = True  # what stream_large_bodies does before requestheaders
    await tctx.guard.requestheaders(flow)
    assert bool(flow.request.stream) is streamed


# ------------------------------------------------------------------------------------------- configure


def test_configure_rebuilds_only_what_a_changed_option_touches(tctx, tmp_path) -> None:
    guard = tctx.guard
    inspector, writer, session = guard.inspector, guard.writer, guard.session_id
    tctx.configure(guard, guard_on_error="block", guard_offload_min_bytes=1 << 20)
    assert (guard.inspector, guard.writer, guard.session_id) == (inspector, writer, session)
    assert (guard.on_error, guard.offload_min_bytes) == ("block", 1 << 20)

    tctx.configure(guard, guard_policy="lab-strict")
    assert guard.inspector is not inspector and guard.writer is writer
    assert guard.session_id != session
    sessions = _records(tctx, "session")
    assert [s["policy"]["name"] for s in sessions] == ["gdpr-eea", "lab-strict"]

    events = tmp_path / "other-events.jsonl"
    inspector = guard.inspector
    tctx.configure(guard, guard_events=str(events))
    assert guard.inspector is inspector and guard.writer is not writer
    assert orjson.loads(events.read_bytes().splitlines()[0])["policy"]["name"] == "lab-strict"


def test_a_broken_live_change_is_refused_and_the_guard_keeps_running(tctx, tmp_path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\ncategories: [\n")
    guard = tctx.guard
    inspector, session = guard.inspector, guard.session_id
    with pytest.raises(exceptions.OptionsError, match="broken.yaml"):
        tctx.configure(guard, guard_policy=str(broken))
    assert (guard.inspector, guard.session_id) == (inspector, session)
    assert tctx.options.guard_policy.endswith("gdpr-eea.yaml")  # rolled back


def test_an_unrelated_option_builds_nothing(tctx) -> None:
    inspector, writer = tctx.guard.inspector, tctx.guard.writer
    tctx.configure(tctx.guard, showhost=True)
    assert (tctx.guard.inspector, tctx.guard.writer) == (inspector, writer)
    assert len(_records(tctx, "session")) == 1


def test_request_view_carries_trailers_fragment_and_the_host_header():
    """What mitmproxy forwards is what the view holds: HTTP/2 trailers, a fragment kept in the path,
    the host the Host header names (tests/test_e2e_guard.py checks the wire for HTTP/1)."""
    from residency_guard.flowfacts import request_view

    flow = tflow.tflow()
    flow.request.path = "/reg#imei=352099001761481"
    flow.request.headers["Host"] = "352099001761481.zzhc.example"
    flow.request.trailers = http.Headers([(b"X-Imei", b"352099001761481")])
    view = request_view(flow)
    assert view.trailers == (("X-Imei", "352099001761481"),)
    assert view.url.endswith("/reg#imei=352099001761481")
    assert "//352099001761481.zzhc.example" in view.url
    assert request_view(tflow.tflow()).trailers == ()


@pytest.mark.parametrize(
    ("request_host", "host_header", "expect_host", "expect_ip"),
    [
        ("cn.zzhc.example", "mirror.example.de", "cn.zzhc.example", None),  # absolute form / CONNECT target
        ("192.0.2.10", "zzhc.vnet.cn", "zzhc.vnet.cn", "192.0.2.10"),  # transparent: the original destination
    ],
)
def test_the_destination_is_what_mitmproxy_connects_to_not_the_host_header(
    request_host: str, host_header: str, expect_host: str, expect_ip: str | None
) -> None:
    """mitmproxy connects to ``request.host``; the Host header only names an address it is given."""
    from residency_guard.flowfacts import flow_connection_facts

    flow = tflow.tflow()
    flow.request.host = request_host
    flow.request.headers["Host"] = host_header
    flow.server_conn.address = flow.server_conn.peername = None
    facts = flow_connection_facts(flow)
    assert (facts.host, facts.server_ip) == (expect_host, expect_ip)
