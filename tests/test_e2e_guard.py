"""End to end: the real guard (mitmproxy) on loopback, real HTTP clients, local origins mapped to countries."""

from __future__ import annotations

import gzip
import subprocess
import sys

import httpx
import orjson
import pytest

from guard_harness import (
    CN_HOST,
    GUARD_BIN,
    LAB_OVERLAY,
    REPO,
    ZZHC_FIELDS,
    ZZHC_HEADERS,
    running_guard,
    zzhc_body,
)

pytestmark = pytest.mark.e2e


def _client(guard) -> httpx.Client:
    return httpx.Client(proxy=guard.proxy_url, timeout=10, trust_env=False)


def _new_events(guard, before: int, n: int = 1) -> list[dict]:
    events = guard.wait_for_events(before + n)
    assert len(events) >= before + n, guard.log()
    return events[before:]


def test_zzhc_to_china_is_blocked_before_the_origin(guard, origins):
    cn = origins["CN"]
    before = len(guard.events())
    with _client(guard) as client:
        r = client.post(cn.url + "/", content=zzhc_body(), headers=ZZHC_HEADERS)
    assert r.status_code == 451
    answer = r.json()
    assert answer["destination"]["country"] == "CN"
    assert any(rule["rule"].startswith("transfer.") for rule in answer["rules"])
    assert cn.received == []  # the request never reached the server

    (event,) = _new_events(guard, before)
    assert event["verdict"] == "violation" and event["action"] == "blocked"
    assert event["destination"]["country"] == "CN"
    assert event["destination"]["ip"] == CN_HOST
    assert event["destination"]["geo_source"] == "overlay"
    assert event["tls"] is False
    types = {i["type"] for i in event["identifiers"]}
    assert {"imei", "iccid", "imsi", "mac"} <= types
    imei = next(i for i in event["identifiers"] if i["type"] == "imei")
    assert imei["chain"].startswith("body|base64|json:$.IMEI")
    rules = {r["rule"] for r in event["rules"]}
    assert {"transfer.device", "transfer.subscriber", "cleartext"} <= rules
    # Full values never reach disk.
    raw = guard.events_path.read_text()
    for value in (ZZHC_FIELDS["IMEI1"], ZZHC_FIELDS["SIM1ICCID"], ZZHC_FIELDS["SIM1LTEIMSI"], "1e:2b:3c"):
        assert value not in raw


def test_zzhc_to_germany_passes_and_is_recorded_with_the_cleartext_rule(guard, origins):
    de = origins["DE"]
    before = len(guard.events())
    with _client(guard) as client:
        r = client.post(de.url + "/", content=zzhc_body(), headers=ZZHC_HEADERS)
    assert r.status_code == 200
    assert r.json()["resultDesc"] == "Success"
    assert len(de.received) >= 1 and de.received[-1]["body"] == zzhc_body()

    (event,) = _new_events(guard, before)
    assert event["destination"]["country"] == "DE"
    assert event["action"] == "logged"
    # Allowed by destination; flagged only because it went over plain HTTP.
    assert [r["rule"] for r in event["rules"]] == ["cleartext"]
    assert event["rules"][0]["action"] == "log"
    assert event["verdict"] == "violation"
    assert {"imei", "iccid", "imsi", "mac"} <= {i["type"] for i in event["identifiers"]}


def test_identifiers_in_the_query_are_masked_in_the_recorded_url(guard, origins):
    before = len(guard.events())
    with _client(guard) as client:
        r = client.get(origins["DE"].url + "/check", params={"imei": "352099001761481", "v": "3"})
    assert r.status_code == 200
    (event,) = _new_events(guard, before)
    assert "352099001761481" not in event["request"]["url"]
    assert "/check?" in event["request"]["url"]
    (ident,) = [i for i in event["identifiers"] if i["type"] == "imei"]
    assert ident["where"] == "query.imei"
    assert ident["masked"] != "352099001761481" and ident["masked"].startswith("35209900")


def test_request_without_identifiers_yields_no_event(guard, origins):
    with _client(guard) as client:
        before = len(guard.events())
        r = client.post(origins["CN"].url + "/weather", json={"city": "Oslo", "units": "metric"})
        assert r.status_code == 200
        # A request with identifiers afterwards proves the guard had time to record the first one.
        client.get(origins["DE"].url + "/", params={"imei": "352099001761481"})
    events = _new_events(guard, before)
    assert [e["request"]["url"].split("?")[0] for e in events] == [origins["DE"].url + "/"]


@pytest.mark.parametrize(
    ("body", "headers", "note_fragment"),
    [
        (b"\x1f\x8b\x08\x00garbage-not-gzip", {"Content-Encoding": "gzip", "Content-Type": "application/json"}, "gzip"),
        (b'{"imei": "3520990017614', {"Content-Type": "application/json"}, "json"),
        # One character of the ZZHC base64 corrupted: the phone says base64-JSON, the body is not base64.
        (zzhc_body()[:50] + b"*" + zzhc_body()[51:], {"Content-Type": "application/encrypted-json"}, "base64"),
    ],
    ids=["bad-gzip", "truncated-json", "invalid-base64"],
)
def test_malformed_bodies_pass_and_are_recorded_as_not_fully_inspected(guard, origins, body, headers, note_fragment):
    de = origins["DE"]
    before_received = len(de.received)
    before = len(guard.events())
    with _client(guard) as client:
        r = client.post(de.url + "/upload", content=body, headers=headers)
        assert r.status_code == 200
        assert len(de.received) == before_received + 1
        # The proxy keeps serving.
        assert client.get(de.url + "/health").status_code == 200
    (event,) = _new_events(guard, before)
    assert event["inspection"]["complete"] is False
    assert event["inspection"]["notes"]
    assert note_fragment in " ".join(event["inspection"]["notes"]).lower()


def test_gzip_json_with_identifiers_is_decoded(guard, origins):
    before = len(guard.events())
    body = gzip.compress(orjson.dumps({"device": {"imei": "352099001761481", "wifi_mac": "A4-50-46-1E-2B-3C"}}))
    with _client(guard) as client:
        r = client.post(
            origins["CN"].url + "/collect",
            content=body,
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
    assert r.status_code == 451
    (event,) = _new_events(guard, before)
    chains = {i["type"]: i["chain"] for i in event["identifiers"]}
    assert chains["imei"] == "body|gzip|json:$.device.imei"
    assert "mac" in chains


def test_listen_backlog_is_deepened_beyond_asyncio_default(guard):
    """mitmproxy's listener would accept only 100 pending connections; a burst beyond that is reset."""
    from residency_guard.listening import LISTEN_BACKLOG

    somaxconn = int(open("/proc/sys/net/core/somaxconn").read())
    out = subprocess.run(["ss", "-ltnH", f"sport = :{guard.port}"], capture_output=True, text=True, check=True).stdout
    backlogs = {int(line.split()[2]) for line in out.splitlines()}  # Send-Q of a listener is its backlog
    assert backlogs == {min(LISTEN_BACKLOG, somaxconn)}, out


def test_broken_policy_is_refused_at_start_with_file_field_and_reason(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ndefault:\n  allow: [EEA]\n  action: drop\n")
    proc = subprocess.run(
        [str(GUARD_BIN), "run", "--no-dashboard", "--policy", str(bad), "--listen-port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert str(bad) in proc.stderr
    assert "default.action" in proc.stderr
    assert ":4:" in proc.stderr  # the line of the faulty field


def test_mitmdump_script_entry_loads_the_same_addon(tmp_path, origins):
    """People running their own mitmproxy load the addon with -s and set options with --set."""
    from guard_harness import free_port, write_overlay

    port = free_port()
    events = tmp_path / "events.jsonl"
    overlay = write_overlay(tmp_path / "overlay.yaml", LAB_OVERLAY)
    (tmp_path / "geodb").mkdir()
    mitmdump = REPO / ".venv" / "bin" / "mitmdump" if (REPO / ".venv").exists() else None
    mitmdump = str(mitmdump) if mitmdump and mitmdump.exists() else str(GUARD_BIN.parent / "mitmdump")
    proc = subprocess.Popen(
        [
            mitmdump,
            "-q",
            "-s",
            str(REPO / "addons" / "residency_guard_addon.py"),
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            str(port),
            "--set",
            f"confdir={tmp_path / 'mitmproxy'}",
            "--set",
            f"guard_events={events}",
            "--set",
            f"guard_geo_overlay={overlay}",
            "--set",
            f"guard_geodb={tmp_path / 'geodb'}",
            "--set",
            f"guard_fingerprint_key={tmp_path / 'key'}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        import socket
        import time

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.05)
        with httpx.Client(proxy=f"http://127.0.0.1:{port}", timeout=10, trust_env=False) as client:
            r = client.post(origins["CN"].url + "/", content=zzhc_body(), headers=ZZHC_HEADERS)
        assert r.status_code == 451
        records = [orjson.loads(line) for line in events.read_bytes().splitlines()]
        assert records[0]["event_type"] == "session"
        transfers = [r for r in records if r["event_type"] == "transfer"]
        assert transfers and transfers[0]["action"] == "blocked"
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))


def test_worker_processes_judge_the_same_and_lose_nothing_at_exit(tmp_path, origins):
    """Bodies inspected in worker processes: blocked ones wait for the verdict; the others are
    forwarded first and judged after, and the guard waits for those verdicts before it exits."""
    cn, de = origins["CN"], origins["DE"]
    extra = ["--workers", "1", "--set", "guard_offload_min_bytes=0"]
    with running_guard(tmp_path, overlay=LAB_OVERLAY, extra_args=extra) as g:
        with _client(g) as client:
            blocked = client.post(cn.url + "/", content=zzhc_body(), headers=ZZHC_HEADERS)
            forwarded = [
                client.post(de.url + f"/batch/{n}", json={"n": n, "imei": "352099001761481"}) for n in range(20)
            ]
        assert blocked.status_code == 451
        assert [r.status_code for r in forwarded] == [200] * 20
        # Stop at once: some verdicts of forwarded flows may still be pending in the worker.
        g.proc.terminate()
        g.proc.wait(30)
        events = g.events()
        stats = [r for r in g.records() if r["event_type"] == "stats"]
    assert len(events) == 21, g.log()
    (cn_event,) = [e for e in events if e["destination"]["country"] == "CN"]
    assert cn_event["action"] == "blocked"
    assert {"imei", "iccid", "imsi", "mac"} <= {i["type"] for i in cn_event["identifiers"]}
    de_paths = sorted(e["request"]["url"].rsplit("/", 1)[1] for e in events if e["destination"]["country"] == "DE")
    assert de_paths == sorted(str(n) for n in range(20))
    assert all(e["action"] == "logged" for e in events if e["destination"]["country"] == "DE")
    assert stats and stats[-1]["with_identifiers"] == 21 and stats[-1]["blocked"] == 1


def test_refuse_by_name_stops_https_before_any_payload(tmp_path):
    """A policy's refuse.domains stops a TLS connection by its name (CONNECT host / SNI) before the
    phone sends a byte of payload, and records a connection event."""
    policy = tmp_path / "refuse-name.yaml"
    policy.write_text(
        "name: refuse-name\n"
        "default: {allow: [DE], action: log}\n"
        "unknown_country: {action: log}\n"
        "refuse:\n  domains: [localhost]\n  reason: test refusal by name\n"
    )
    import socket as socket_mod

    with running_guard(tmp_path, policy=policy) as g:
        # A TLS origin that would accept anything: it must never see the connection.
        server = socket_mod.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.5)
        port = server.getsockname()[1]
        try:
            with httpx.Client(proxy=g.proxy_url, timeout=10, trust_env=False, verify=False) as client:
                with pytest.raises((httpx.ProxyError, httpx.ConnectError, httpx.RemoteProtocolError)):
                    client.get(f"https://localhost:{port}/register", params={"imei": "352099001761481"})
            with pytest.raises(TimeoutError):
                server.accept()  # the guard never connected upstream
        finally:
            server.close()
        events = g.wait_for_events(1)
    (event,) = events
    assert event["event_type"] == "connection"
    assert (event["verdict"], event["action"]) == ("violation", "blocked")
    assert event["rules"][0]["rule"] == "refuse" and "test refusal by name" in event["rules"][0]["reason"]
    assert event["destination"]["host"] == "localhost"


def test_websocket_messages_are_judged_and_a_blocked_one_is_dropped(tmp_path):
    """SDKs push telemetry over WebSockets: a message with identifiers to CN is dropped, the
    connection goes on, and both messages are recorded or forwarded as judged."""
    import asyncio

    import websockets

    received: list[str] = []

    async def scenario(proxy_url: str) -> list[str]:
        async def echo(ws):
            async for msg in ws:
                received.append(msg)
                await ws.send(f"ack:{len(received)}")

        async with websockets.serve(echo, CN_HOST, 0) as server:
            port = server.sockets[0].getsockname()[1]
            async with websockets.connect(f"ws://{CN_HOST}:{port}/telemetry", proxy=proxy_url) as ws:
                await ws.send(orjson.dumps({"type": "register", "device": {"imei": "352099001761481"}}).decode())
                await ws.send(orjson.dumps({"type": "ping", "seq": 2}).decode())
                return [await asyncio.wait_for(ws.recv(), 5)]

    with running_guard(tmp_path, overlay=LAB_OVERLAY) as g:
        replies = asyncio.run(scenario(g.proxy_url))
        events = g.wait_for_events(1)
    # The identifier-bearing message never reached the server; the next one did, on the same connection.
    assert received == ['{"type":"ping","seq":2}']
    assert replies == ["ack:1"]
    (event,) = events
    assert event["request"]["method"] == "WEBSOCKET"
    assert (event["verdict"], event["action"], event["destination"]["country"]) == ("violation", "blocked", "CN")
    (imei,) = [i for i in event["identifiers"] if i["type"] == "imei"]
    assert imei["chain"] == "body|json:$.device.imei"


def test_identifiers_in_the_method_and_host_labels_are_caught_and_masked(guard, origins):
    """The method token and the Host header's labels reach the origin as sent, so they are inspected;
    the event shows them masked (method, URL, destination host)."""
    imei = "352099001761481"
    before = len(guard.events())
    with _client(guard) as client:
        client.request(f"X{imei}", origins["DE"].url + "/parts", headers={"Host": f"{imei}.zzhc.example"})
    (event,) = _new_events(guard, before)
    assert event["verdict"] == "violation"
    assert {i["where"] for i in event["identifiers"] if i["type"] == "imei"} == {"method", "host.label[0]"}
    assert imei not in orjson.dumps(event).decode()
    assert event["destination"]["host"].endswith(".zzhc.example")


def test_a_host_header_naming_another_host_does_not_hide_the_destination(guard, origins):
    """An absolute-form request to the CN address with a Host header naming an unresolvable host: the
    guard must still judge the CN address it forwards to, not the name in the Host header."""
    before = len(guard.events())
    with _client(guard) as client:
        r = client.get(origins["CN"].url + "/spoofed-host", params={"imei": "352099001761481"},
                       headers={"Host": "cdn.zzhc.example"})  # fmt: skip
    (event,) = _new_events(guard, before)
    assert event["destination"]["country"] == "CN"
    assert r.status_code == 451


def test_proxy_authorization_reaches_the_origin_so_it_is_inspected(guard, origins):
    """mitmproxy consumes Proxy-Authorization only when its proxyauth option is set (this guard runs
    without it): otherwise the header is forwarded to the destination, and read like any other."""
    imei = "352099001761481"
    before = len(guard.events())
    with _client(guard) as client:
        r = client.get(origins["DE"].url + "/proxy-auth", headers={"Proxy-Authorization": f"Bearer {imei}"})
    assert r.status_code == 200
    (received,) = [rec for rec in origins["DE"].received if rec["path"] == "/proxy-auth"]
    assert ("Proxy-Authorization", f"Bearer {imei}") in received["headers"]
    (event,) = _new_events(guard, before)
    assert [i["where"] for i in event["identifiers"]] == ["header.proxy-authorization"]


def test_http1_request_trailers_never_reach_the_origin(guard, origins):
    """Why HTTP/1 trailers need no place of their own: mitmproxy 12.2 refuses a request with HTTP/1
    trailers ("not implemented") without forwarding it. (It also drops HTTP/1 chunk extensions when it
    reads the body: ``parts-chunk-extension-imei`` in tests/test_evasion.py checks the wire. HTTP/2
    trailers are kept by mitmproxy; they are ``trailer.<name>`` fields.)"""
    import socket

    authority = f"{CN_HOST}:{origins['CN'].port}"
    head = f"POST http://{authority}/trailer HTTP/1.1\r\nHost: {authority}\r\nTransfer-Encoding: chunked\r\n\r\n"
    with socket.create_connection(("127.0.0.1", guard.port), timeout=5) as sock:
        sock.sendall(head.encode() + b"5\r\nhello\r\n0\r\nX-Imei: 352099001761481\r\n\r\n")
        try:
            sock.recv(4096)
        except TimeoutError:
            pass
    # a control through the same proxy, surely forwarded: the origin has had time to see the first
    with _client(guard) as client:
        assert client.get(origins["CN"].url + "/after-trailer").status_code == 200
    paths = [rec["path"] for rec in origins["CN"].received]
    assert "/after-trailer" in paths and "/trailer" not in paths
