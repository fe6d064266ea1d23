"""``residency-guard replay``: saved traffic judged by the live pipeline gives the events the live guard wrote."""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import httpx
import pytest
from mitmproxy.net.dns import response_codes

from guard_harness import REPO, ZZHC_HEADERS, origin_server, running_guard, write_overlay, zzhc_body
from residency_guard.commands import replay
from residency_guard.eventlog import read_events
from residency_guard.evidence import EXIT_GATE, EXIT_INPUT, EXIT_OK
from residency_guard.evidence.capture import CaptureError, read_capture

CN_HOST, DE_HOST = "127.0.0.4", "127.0.0.5"
OVERLAY = {f"{CN_HOST}/32": "CN", f"{DE_HOST}/32": "DE"}
POLICY = REPO / "policies" / "gdpr-eea.yaml"
IMEI = "352099001761481"


def run_replay(*argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="residency-guard")
    replay.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["replay", *map(str, argv)])
    return args.func(args)


def comparable(event: dict, *, client: bool = True) -> dict:
    """An event without what differs between two judgements of the same request."""
    drop = {"timestamp", "flow_id", "event_id"} | (set() if client else {"client"})
    return {k: v for k, v in event.items() if k not in drop}


def judged(path: Path) -> list[dict]:
    return [e for e in read_events(path) if e["event_type"] in ("transfer", "connection")]


REQUESTS = [
    # (method, host, path, body, headers)
    ("POST", CN_HOST, "/", zzhc_body(), ZZHC_HEADERS),
    ("GET", DE_HOST, f"/v1/activate?imei={IMEI}&model=TA-1046", b"", {}),
    ("GET", CN_HOST, "/static/logo.png", b"", {}),
    (
        "POST",
        CN_HOST,
        "/collect",
        gzip.compress(json.dumps({"device": {"imei": IMEI}}).encode()),
        {"Content-Type": "application/json", "Content-Encoding": "gzip"},
    ),
]


def har_for(requests: list[tuple], ports: dict[str, int]) -> dict:
    entries = []
    for method, host, path, body, headers in requests:
        request = {
            "method": method,
            "url": f"http://{host}:{ports[host]}{path}",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Host", "value": f"{host}:{ports[host]}"}]
            + [{"name": k, "value": v} for k, v in headers.items()],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(body),
        }
        if body:
            text = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
            request["postData"] = {"mimeType": headers.get("Content-Type", ""), "text": text.decode()}
        entries.append(
            {
                "startedDateTime": "2025-03-01T10:00:00.000Z",
                "time": 1,
                "request": request,
                "response": {
                    "status": 200,
                    "statusText": "OK",
                    "httpVersion": "HTTP/1.1",
                    "headers": [],
                    "cookies": [],
                    "content": {"size": 0, "mimeType": ""},
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": 0,
                },
                "cache": {},
                "timings": {"send": 0, "wait": 1, "receive": 0},
                "serverIPAddress": host,
            }
        )
    return {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}}


@pytest.mark.e2e
def test_replay_of_a_live_capture_gives_the_live_events(tmp_path: Path) -> None:
    capture = tmp_path / "capture.mitm"
    with origin_server(CN_HOST) as cn, origin_server(DE_HOST) as de:
        ports = {CN_HOST: cn.port, DE_HOST: de.port}
        with running_guard(tmp_path, overlay=OVERLAY, extra_args=["--set", f"save_stream_file={capture}"]) as guard:
            with httpx.Client(proxy=guard.proxy_url, timeout=10, trust_env=False) as client:
                statuses = [
                    client.request(m, f"http://{h}:{ports[h]}{p}", content=b, headers=hd).status_code
                    for m, h, p, b, hd in REQUESTS
                ]
            live = guard.wait_for_events(3)
        live = guard.events()  # after shutdown: everything the guard wrote
    assert 451 in statuses and 200 in statuses, statuses  # the capture holds blocked and passed requests
    assert len(live) >= 3, guard.log()
    assert capture.stat().st_size > 0

    events = tmp_path / "replayed.jsonl"
    status = run_replay(
        capture,
        "--policy",
        POLICY,
        "--geo-overlay",
        tmp_path / "overlay.yaml",  # written by running_guard
        "--geodb",
        tmp_path / "empty-geodb",
        "--fingerprint-key",
        tmp_path / "fingerprint.key",
        "--events",
        events,
    )
    assert status == EXIT_OK
    replayed = judged(events)
    assert [comparable(e) for e in replayed] == [comparable(e) for e in live]
    session = next(read_events(events))
    assert session["event_type"] == "session" and session["mode"] == "replay:capture.mitm"
    assert IMEI not in events.read_text()

    # The same requests as a HAR (as a browser or another proxy would export them) judge the same way.
    har = tmp_path / "capture.har"
    har.write_text(json.dumps(har_for(REQUESTS, ports)))
    har_events = tmp_path / "har.jsonl"
    status = run_replay(
        har,
        "--policy",
        POLICY,
        "--geo-overlay",
        tmp_path / "overlay.yaml",
        "--geodb",
        tmp_path / "empty-geodb",
        "--fingerprint-key",
        tmp_path / "fingerprint.key",
        "--events",
        har_events,
        "--fail-on",
        "violation",
    )
    assert status == EXIT_GATE
    assert [comparable(e, client=False) for e in judged(har_events)] == [comparable(e, client=False) for e in live]


def _geo_args(tmp_path: Path) -> list[str | Path]:
    (tmp_path / "empty-geodb").mkdir(exist_ok=True)
    return [
        "--policy",
        POLICY,
        "--geo-overlay",
        write_overlay(tmp_path / "overlay.yaml", OVERLAY),
        "--geodb",
        tmp_path / "empty-geodb",
        "--fingerprint-key",
        tmp_path / "fingerprint.key",
    ]


def test_har_replay_gate_and_events(tmp_path: Path) -> None:
    har = tmp_path / "c.har"
    har.write_text(json.dumps(har_for(REQUESTS, {CN_HOST: 8000, DE_HOST: 8001})))
    out = tmp_path / "e.jsonl"
    assert run_replay(har, *_geo_args(tmp_path), "--events", out, "--fail-on", "block") == EXIT_GATE
    events = judged(out)
    by_host = {(e["destination"]["ip"], e["request"]["url"].split("/")[3].split("?")[0]): e for e in events}
    zzhc = by_host[(CN_HOST, "")]
    assert zzhc["verdict"] == "violation" and zzhc["action"] == "blocked"
    assert zzhc["destination"]["port"] == 8000 and zzhc["destination"]["country"] == "CN"
    assert {"imei", "iccid", "mac"} <= {i["type"] for i in zzhc["identifiers"]}
    # the gzip body HAR stores decoded was re-encoded, and the pipeline decoded it again
    collect = by_host[(CN_HOST, "collect")]
    assert [i["chain"] for i in collect["identifiers"] if i["type"] == "imei"][0].startswith("body|gzip")
    activate = by_host[(DE_HOST, "v1")]
    assert activate["destination"]["country"] == "DE"
    assert not any(e["request"]["url"].endswith("logo.png") for e in events)
    records = list(read_events(out))
    assert records[-1]["event_type"] == "stats" and records[-1]["flows"] == len(REQUESTS)
    assert IMEI not in out.read_text()


def test_har_without_server_address_resolves_nothing(tmp_path: Path) -> None:
    doc = har_for([("GET", "activation.invalid", f"/a?imei={IMEI}", b"", {})], {"activation.invalid": 80})
    del doc["log"]["entries"][0]["serverIPAddress"]
    har = tmp_path / "c.har"
    har.write_text(json.dumps(doc))
    (item,) = list(read_capture(har))
    assert item.conn.server_ip is None and item.conn.host == "activation.invalid" and item.conn.server_port == 80
    out = tmp_path / "e.jsonl"
    assert run_replay(har, *_geo_args(tmp_path), "--events", out) in (EXIT_OK, EXIT_GATE)
    (event,) = judged(out)
    assert event["destination"]["ip"] is None and event["destination"]["country"] == "unknown"


def test_bad_captures_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _geo_args(tmp_path)
    assert run_replay(tmp_path / "missing.har", *args, "--events", tmp_path / "a.jsonl") == EXIT_INPUT
    assert "no such capture file" in capsys.readouterr().err

    garbage = tmp_path / "garbage.mitm"
    garbage.write_bytes(b"\x00\x01 definitely not tnetstring" * 50)
    assert run_replay(garbage, *args, "--events", tmp_path / "b.jsonl") == EXIT_INPUT
    assert "flow file" in capsys.readouterr().err

    broken = tmp_path / "broken.har"
    doc = har_for(REQUESTS[:2], {CN_HOST: 1, DE_HOST: 2})
    del doc["log"]["entries"][1]["request"]["url"]
    broken.write_text(json.dumps(doc))
    out = tmp_path / "c.jsonl"
    assert run_replay(broken, *args, "--events", out) == EXIT_INPUT
    assert "log.entries[1]: malformed entry" in capsys.readouterr().err
    assert len(judged(out)) == 1  # what was judged before the bad entry is kept

    not_har = tmp_path / "x.har"
    not_har.write_text('{"log": {"entries": 3}}')
    with pytest.raises(CaptureError, match="no log.entries list"):
        list(read_capture(not_har))

    assert (
        run_replay(
            broken,
            *args[:-2],
            "--fingerprint-key",
            tmp_path / "k",
            "--policy",
            tmp_path / "nope.yaml",
            "--events",
            tmp_path / "d.jsonl",
        )
        == EXIT_INPUT
    )
    with pytest.raises(SystemExit) as exc:
        run_replay(broken)  # --events is required
    assert exc.value.code == EXIT_INPUT


def test_replay_of_raw_tcp_judges_as_the_live_guard_does(tmp_path: Path) -> None:
    """Captured with stock mitmdump, judged later: the payload with the IMEI to CN is blocked and the
    rest of that connection never judged (live it is never forwarded); heartbeats to DE make one
    partial-inspection event, not one each."""
    import time

    from guard_harness import MQTT_PINGREQ, mqtt_connect, running_mitmdump, send_segments, tcp_sink, tcp_tunnel

    capture = tmp_path / "capture.mitm"
    with tcp_sink(CN_HOST) as (cn_port, cn_received), tcp_sink(DE_HOST) as (de_port, de_received):
        with running_mitmdump(tmp_path, capture) as proxy:
            for host, port in ((CN_HOST, cn_port), (DE_HOST, de_port)):
                with tcp_tunnel(proxy.port, host, port) as sock:
                    send_segments(sock, mqtt_connect(IMEI), MQTT_PINGREQ, MQTT_PINGREQ)
            time.sleep(0.5)
    assert cn_received == de_received == [mqtt_connect(IMEI) + 2 * MQTT_PINGREQ]  # stock mitmdump forwards all

    events = tmp_path / "replayed.jsonl"
    assert run_replay(capture, *_geo_args(tmp_path), "--events", events) == EXIT_OK
    got = [(e["request"]["method"], e["destination"]["country"], e["action"], [i["type"] for i in e["identifiers"]],
            e["inspection"]["complete"]) for e in judged(events)]  # fmt: skip
    assert got == [
        ("TCP", "CN", "blocked", ["imei"], False),
        ("TCP", "DE", "logged", ["imei"], False),
        ("TCP", "DE", "logged", [], False),
    ]
    stats = [e for e in read_events(events) if e["event_type"] == "stats"][-1]
    assert (stats["flows"], stats["inspected"], stats["blocked"]) == (4, 4, 1)


def test_replay_of_websocket_messages_gives_the_live_events(tmp_path: Path) -> None:
    import asyncio

    import websockets

    capture = tmp_path / "capture.mitm"

    async def scenario(proxy_url: str) -> None:
        async def ack(ws):
            async for _ in ws:
                await ws.send("ack")

        async with websockets.serve(ack, CN_HOST, 0) as server:
            port = server.sockets[0].getsockname()[1]
            async with websockets.connect(f"ws://{CN_HOST}:{port}/telemetry", proxy=proxy_url) as ws:
                await ws.send(json.dumps({"type": "register", "device": {"imei": IMEI}}))
                await ws.send(json.dumps({"type": "ping", "seq": 2}))
                await asyncio.wait_for(ws.recv(), 5)

    with running_guard(tmp_path, overlay=OVERLAY, extra_args=["--set", f"save_stream_file={capture}"]) as guard:
        asyncio.run(scenario(guard.proxy_url))
        guard.wait_for_events(1)
    live = guard.events()
    assert [e["request"]["method"] for e in live] == ["WEBSOCKET"]

    events = tmp_path / "replayed.jsonl"
    assert run_replay(capture, *_geo_args(tmp_path), "--events", events) == EXIT_OK
    assert [comparable(e) for e in judged(events)] == [comparable(e) for e in live]


def test_replay_gate_expressions_and_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    har = tmp_path / "c.har"
    har.write_text(json.dumps(har_for(REQUESTS, {CN_HOST: 8000, DE_HOST: 8001})))
    args = [*_geo_args(tmp_path), "--events", tmp_path / "e.jsonl"]
    assert run_replay(har, *args, "--fail-on", "rule:transfer.device+country:CN") == EXIT_GATE
    assert run_replay(har, *args, "--fail-on", "rule:transfer.device+country:DE") == EXIT_OK
    baseline = tmp_path / "b.yaml"
    baseline.write_text(
        "accepted:\n"
        "  - {rule: transfer.device, country: CN, justification: 'lab run, known ZZHC upload'}\n"
        "  - {rule: refuse, country: RU, justification: 'never seen'}\n"
    )
    capsys.readouterr()
    status = run_replay(har, *args, "--fail-on", "rule:transfer.device", "--baseline", baseline)
    assert status == EXIT_OK
    err = capsys.readouterr().err
    assert "baselined: transfer.device: imei → 127.0.0.4 (CN)" in err
    assert "warning: baseline entry #2 (refuse: any type → country RU) matched no finding" in err
    assert IMEI not in err


# ----------------------------------------------------------------------------------------------- DNS

DNS_POLICY = """\
name: dns-test
country_groups:
  EEA: {countries: [DE, NO]}
default: {allow: [EEA], action: block}
cleartext: {action: log}
unknown_country: {action: block}
"""
PHONE = ("10.66.0.23", 40000)
T0 = 1_740_823_200.0  # 2025-03-01 10:00 UTC: the capture's own clock, not the replay's


def _dns_policy(tmp_path: Path) -> Path:
    policy = tmp_path / "dns-test.yaml"
    policy.write_text(DNS_POLICY)
    return policy


def _dns_args(tmp_path: Path) -> list[str | Path]:
    args = _geo_args(tmp_path)
    args[1] = _dns_policy(tmp_path)
    return args


def dns_flow(*names: str, answers: list | None = None, at: float = T0, client: tuple[str, int] = PHONE):
    """A DNS flow as mitmdump saves it: the phone's query and, when ``answers`` is given, the response."""
    from mitmproxy import dns
    from mitmproxy.net.dns import types
    from mitmproxy.test import tflow

    query = dns.DNSMessage(
        id=7, query=True, op_code=0, authoritative_answer=False, truncation=False, recursion_desired=True,
        recursion_available=False, reserved=0, response_code=0,
        questions=[dns.Question(name, types.A, 1) for name in names], answers=[], authorities=[], additionals=[],
        timestamp=at,
    )  # fmt: skip
    response = False
    if answers is not None:
        response = query.succeed(answers)
        response.timestamp = at + 0.02
    flow = tflow.tdnsflow(req=query, resp=response)
    flow.client_conn.peername = client
    return flow


def http_flow(host: str, port: int, *, at: float, client: tuple[str, int] = PHONE):
    """A plain-HTTP POST of the ZZHC registration to an IP-literal host, no SNI, as mitmdump saves it."""
    from mitmproxy import http
    from mitmproxy.test import tflow, tutils

    headers = http.Headers(host=f"{host}:{port}", **{k.replace("-", "_"): v for k, v in ZZHC_HEADERS.items()})
    request = tutils.treq(host=host, port=port, method=b"POST", path=b"/", headers=headers, content=zzhc_body(),
                          timestamp_start=at, timestamp_end=at + 0.01)  # fmt: skip
    flow = tflow.tflow(req=request, resp=True)
    flow.timestamp_created = at
    flow.client_conn.peername = client
    flow.server_conn.address = flow.server_conn.peername = (host, port)
    flow.server_conn.sni = None
    return flow


def write_flows(path: Path, *flows) -> Path:
    from mitmproxy import io

    with open(path, "wb") as fh:
        writer = io.FlowWriter(fh)
        for flow in flows:
            writer.add(flow)
    return path


def zzhc_answer(ttl: int = 60):
    from ipaddress import IPv4Address

    from mitmproxy import dns

    return [dns.ResourceRecord.A("zzhc.vnet.cn", IPv4Address(CN_HOST), ttl=ttl)]


@pytest.mark.e2e
def test_replay_of_a_live_dns_capture_gives_the_live_events_and_stats(tmp_path: Path) -> None:
    """A guard in regular and reverse:dns mode saves its flows; replaying them gives the events it wrote
    (the refused query with the IMEI in its name, the IP-literal request named by the phone's answer)
    and the same counts. The only resolver is the test's own, on loopback."""
    from guard_harness import dns_query, dns_upstream, free_port

    capture = tmp_path / "capture.mitm"
    dns_port = free_port()
    with (
        dns_upstream("127.0.0.1", {"zzhc.vnet.cn": [("A", CN_HOST)]}) as upstream,
        origin_server(CN_HOST) as origin,
    ):
        mode = f"reverse:dns://127.0.0.1:{upstream.port}@{dns_port}"
        extra = ["--mode", "regular", "--mode", mode, "--set", f"save_stream_file={capture}"]
        with running_guard(tmp_path, overlay=OVERLAY, policy=_dns_policy(tmp_path), extra_args=extra) as guard:
            for _ in range(60):  # the DNS listener may come up after the HTTP one the harness waits for
                try:
                    answer = dns_query(dns_port, "zzhc.vnet.cn", timeout=0.3)
                    break
                except TimeoutError:
                    continue
            assert [str(r.ipv4_address) for r in answer.answers] == [CN_HOST]
            assert dns_query(dns_port, f"{IMEI}.reg.vnet.cn").response_code == response_codes.REFUSED
            with httpx.Client(proxy=guard.proxy_url, timeout=10, trust_env=False) as client:
                url = f"http://{CN_HOST}:{origin.port}/"
                assert client.post(url, content=zzhc_body(), headers=ZZHC_HEADERS).status_code == 451
            guard.wait_for_events(2)
        records = guard.records()
    assert all(IMEI not in name for name in upstream.asked) and origin.received == []
    live = [r for r in records if r["event_type"] in ("transfer", "connection")]
    got = [(e["request"]["method"], e["destination"]["name_source"]) for e in live]
    assert got == [("QUERY", "host"), ("POST", "dns")]

    events = tmp_path / "replayed.jsonl"
    assert run_replay(capture, *_dns_args(tmp_path), "--events", events) == EXIT_OK
    replayed = judged(events)
    assert [comparable(e) for e in replayed] == [comparable(e) for e in live]
    query, post = replayed
    assert (query["verdict"], query["action"]) == ("violation", "blocked")
    assert query["destination"]["host"] == "{imei}.reg.vnet.cn"
    assert [i["type"] for i in query["identifiers"]] == ["imei"]
    assert (post["destination"]["host"], post["destination"]["name_source"]) == ("zzhc.vnet.cn", "dns")
    assert IMEI not in events.read_text()
    counts = ("flows", "inspected", "with_identifiers", "violations", "blocked", "partial", "errors")
    live_stats = [r for r in records if r["event_type"] == "stats"][-1]
    replay_stats = [r for r in read_events(events) if r["event_type"] == "stats"][-1]
    assert [replay_stats[c] for c in counts] == [live_stats[c] for c in counts]
    assert replay_stats["flows"] >= 3  # every question asked, and the request


def test_a_query_name_carrying_an_imei_is_a_violation_recorded_masked(tmp_path: Path) -> None:
    capture = write_flows(tmp_path / "c.mitm", dns_flow(f"{IMEI}.reg.vnet.cn", answers=[]))
    events = tmp_path / "e.jsonl"
    assert run_replay(capture, *_dns_args(tmp_path), "--events", events, "--fail-on", "violation") == EXIT_GATE
    (event,) = judged(events)
    assert (event["event_type"], event["verdict"], event["action"]) == ("transfer", "violation", "blocked")
    assert (event["request"]["scheme"], event["request"]["method"]) == ("dns", "QUERY")
    assert event["destination"]["host"] == "{imei}.reg.vnet.cn" and event["destination"]["country"] == "unknown"
    assert [(i["type"], i["chain"]) for i in event["identifiers"]] == [("imei", "qname[0]")]
    assert event["client"]["ip"] == PHONE[0]
    assert IMEI not in events.read_text()
    stats = list(read_events(events))[-1]
    counts = ("flows", "inspected", "with_identifiers", "violations", "blocked", "partial", "errors")
    assert [stats[c] for c in counts] == [1, 1, 1, 1, 1, 0, 0]


ANSWERED = dns_flow("zzhc.vnet.cn", answers=zzhc_answer(ttl=60), at=T0)


@pytest.mark.parametrize(
    ("flows", "named"),
    [
        ((ANSWERED, http_flow(CN_HOST, 8000, at=T0 + 1)), ("zzhc.vnet.cn", "dns")),
        ((http_flow(CN_HOST, 8000, at=T0 + 1),), (CN_HOST, "address")),
        # the answer's TTL ran out by the capture's clock, not by the replay's
        ((ANSWERED, http_flow(CN_HOST, 8000, at=T0 + 61)), (CN_HOST, "address")),
        # saved when it ended, after the answer, but sent before the phone asked
        ((ANSWERED, http_flow(CN_HOST, 8000, at=T0 - 1)), (CN_HOST, "address")),
        # another phone asked
        ((ANSWERED, http_flow(CN_HOST, 8000, at=T0 + 1, client=("10.66.0.24", 40000))), (CN_HOST, "address")),
    ],
    ids=["answered", "not-asked", "expired", "sent-before-the-answer", "other-client"],
)
def test_a_replayed_answer_names_a_later_connection_to_its_address(tmp_path: Path, flows, named) -> None:
    capture = write_flows(tmp_path / "c.mitm", *flows)
    events = tmp_path / "e.jsonl"
    assert run_replay(capture, *_dns_args(tmp_path), "--events", events) == EXIT_OK
    (event,) = judged(events)
    destination = event["destination"]
    assert event["request"]["method"] == "POST" and event["action"] == "blocked"
    assert (destination["host"], destination["name_source"]) == named
    assert (destination["ip"], destination["country"]) == (CN_HOST, "CN")
    if named[1] == "dns":
        assert destination["domain"] == "vnet.cn"


def test_a_cname_chain_of_a_replayed_answer_is_recorded(tmp_path: Path) -> None:
    from mitmproxy import dns

    chain = [dns.ResourceRecord.CNAME("zzhc.vnet.cn", "edge.vnet.cn"), *zzhc_answer()]
    chain[1] = dns.ResourceRecord.A("edge.vnet.cn", chain[1].ipv4_address)
    capture = write_flows(
        tmp_path / "c.mitm", dns_flow("zzhc.vnet.cn", answers=chain), http_flow(CN_HOST, 80, at=T0 + 1)
    )
    events = tmp_path / "e.jsonl"
    run_replay(capture, *_dns_args(tmp_path), "--events", events)
    (event,) = judged(events)
    assert (event["destination"]["host"], event["destination"]["cnames"]) == ("zzhc.vnet.cn", ["edge.vnet.cn"])


def test_odd_dns_flows_are_replayed_without_crashing(tmp_path: Path) -> None:
    """No response (the query timed out), an error, no question at all, many questions in one query,
    and an answer whose A record is not an address: each question judged once, nothing named wrongly."""
    from mitmproxy import dns
    from mitmproxy.net.dns import types
    from mitmproxy.test import tflow

    unanswered = dns_flow(f"{IMEI}.reg.vnet.cn")
    failed = dns_flow("mirror.lab.test")
    failed.error = tflow.terr("timed out")
    empty = dns_flow()
    many = dns_flow(*[f"n{i}.shop.test" for i in range(40)], f"{IMEI}.x.shop.test", answers=zzhc_answer())
    bogus = dns_flow("zzhc.vnet.cn", answers=[dns.ResourceRecord("zzhc.vnet.cn", types.A, 1, 60, b"\x01")])
    capture = write_flows(
        tmp_path / "c.mitm", unanswered, failed, empty, many, bogus, http_flow(CN_HOST, 8000, at=T0 + 1)
    )
    events = tmp_path / "e.jsonl"
    assert run_replay(capture, *_dns_args(tmp_path), "--events", events) == EXIT_OK
    got = [(e["request"]["method"], e["destination"]["host"], e["destination"]["name_source"]) for e in judged(events)]
    assert got == [
        ("QUERY", "{imei}.reg.vnet.cn", "host"),
        ("QUERY", "{imei}.x.shop.test", "host"),
        ("POST", CN_HOST, "address"),  # neither the many-question answer nor the bogus one names it
    ]
    stats = list(read_events(events))[-1]
    questions = 1 + 1 + 0 + 41 + 1
    assert (stats["flows"], stats["inspected"]) == (questions + 1, questions + 1)
    assert (stats["violations"], stats["blocked"], stats["errors"]) == (3, 3, 0)


def test_a_raw_tcp_payload_is_named_by_the_answer_valid_when_it_was_sent(tmp_path: Path) -> None:
    """As live, each payload is named when it is sent: the URL and destination carry the name while the
    answer is valid, the address once its TTL has run out on the capture's clock."""
    from ipaddress import IPv4Address

    from mitmproxy import dns, tcp
    from mitmproxy.test import tflow

    from guard_harness import mqtt_connect

    answer = [dns.ResourceRecord.A("mirror.lab.test", IPv4Address(DE_HOST), ttl=60)]
    stream = tflow.ttcpflow(messages=[tcp.TCPMessage(True, mqtt_connect(IMEI), T0 + 1),
                                      tcp.TCPMessage(True, mqtt_connect(IMEI), T0 + 90)])  # fmt: skip
    stream.timestamp_created = T0 + 1
    stream.client_conn.peername = PHONE
    stream.server_conn.address = stream.server_conn.peername = (DE_HOST, 1883)
    stream.server_conn.sni, stream.server_conn.tls = None, False
    capture = write_flows(tmp_path / "c.mitm", dns_flow("mirror.lab.test", answers=answer), stream)
    events = tmp_path / "e.jsonl"
    assert run_replay(capture, *_dns_args(tmp_path), "--events", events) == EXIT_OK
    got = [(e["request"]["url"], e["destination"]["name_source"], e["action"]) for e in judged(events)]
    assert got == [
        ("tcp://mirror.lab.test:1883/", "dns", "logged"),
        (f"tcp://{DE_HOST}:1883/", "address", "logged"),
    ]
