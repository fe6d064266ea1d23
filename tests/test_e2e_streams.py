"""Raw TCP and UDP through the real guard: protocols mitmproxy does not parse (MQTT, vendor registration
on port 9999) are judged like request bodies; a blocked payload never reaches the server."""

from __future__ import annotations

import socket
import time

import pytest

from guard_harness import (
    CN_HOST,
    DE_HOST,
    LAB_OVERLAY,
    MQTT_PINGREQ,
    free_port,
    mqtt_connect,
    running_guard,
    send_segments,
    tcp_sink,
    tcp_tunnel,
    udp_sink,
)

pytestmark = pytest.mark.e2e

IMEI = "352099001761481"


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_mqtt_connect_with_imei_to_china_is_dropped_with_the_rest_of_the_stream(guard):
    with tcp_sink(CN_HOST) as (port, received):
        before = len(guard.events())
        with tcp_tunnel(guard.port, CN_HOST, port) as sock:
            send_segments(sock, mqtt_connect(IMEI), MQTT_PINGREQ, b"hello")
        wait_until(lambda: len(guard.events()) > before)
        time.sleep(0.5)
        assert received and set(received) == {b""}, received  # the server got the connection, no byte
    events = guard.events()[before:]
    assert len(events) == 1, events
    e = events[0]
    assert (e["request"]["method"], e["request"]["url"], e["action"]) == ("TCP", f"tcp://{CN_HOST}:{port}/", "blocked")
    assert e["destination"]["country"] == "CN" and e["tls"] is False
    assert [(i["type"], i["masked"]) for i in e["identifiers"]] == [("imei", "35209900******1")]
    assert IMEI not in guard.events_path.read_text()


def test_mqtt_to_germany_passes_and_heartbeats_make_one_partial_event(guard):
    with tcp_sink(DE_HOST) as (port, received):
        before = len(guard.events())
        connect = mqtt_connect(IMEI)
        with tcp_tunnel(guard.port, DE_HOST, port) as sock:
            send_segments(sock, connect, MQTT_PINGREQ, MQTT_PINGREQ, MQTT_PINGREQ)
        wait_until(lambda: received and received[0] == connect + 3 * MQTT_PINGREQ)
        assert received == [connect + 3 * MQTT_PINGREQ]
    wait_until(lambda: len(guard.events()) >= before + 2)
    time.sleep(0.5)
    events = guard.events()[before:]
    assert [(e["action"], [i["type"] for i in e["identifiers"]]) for e in events] == [
        ("logged", ["imei"]),
        ("logged", []),
    ]
    assert events[0]["destination"]["country"] == "DE"
    assert any("cleartext" == r["rule"] for r in events[0]["rules"])
    assert events[1]["inspection"]["complete"] is False and events[1]["inspection"]["notes"]


def test_vendor_text_protocol_on_port_9999(guard):
    with tcp_sink(CN_HOST) as (port, received):
        before = len(guard.events())
        with tcp_tunnel(guard.port, CN_HOST, port) as sock:
            send_segments(sock, b"hello\r\n", f"##LOGIN,IMEI:{IMEI},ICCID:8947019999000000014;\r\n".encode())
        wait_until(lambda: len(guard.events()) > before)
        time.sleep(0.3)
        assert received == [b"hello\r\n"]  # forwarded up to the identifiers, nothing from them on
    e = guard.events()[-1]
    assert e["action"] == "blocked" and {i["type"] for i in e["identifiers"]} == {"imei", "iccid"}


@pytest.mark.parametrize(("host", "action"), [(CN_HOST, "blocked"), (DE_HOST, "logged")])
def test_udp_datagram_with_identifiers(tmp_path, host, action):
    udp_port = free_port()
    datagram = f"REG;imei={IMEI};fw=1.0.3".encode()
    with udp_sink(host) as (origin_port, received):
        mode = f"reverse:udp://{host}:{origin_port}@127.0.0.1:{udp_port}"
        with running_guard(tmp_path, overlay=LAB_OVERLAY, extra_args=["--mode", "regular", "--mode", mode]) as guard:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
                client.sendto(datagram, ("127.0.0.1", udp_port))
                client.sendto(b"PING", ("127.0.0.1", udp_port))
            events = guard.wait_for_events(1)
            time.sleep(0.5)
    assert [(e["request"]["method"], e["action"]) for e in events] == [("UDP", action)]
    assert [i["type"] for i in events[0]["identifiers"]] == ["imei"]
    if action == "blocked":
        # mitmproxy sends a datagram for every one received; the guard can only empty them
        assert all(d == b"" for d in received), received
    else:
        assert received == [datagram, b"PING"]


def test_a_tunnel_opened_by_name_keeps_the_name(guard):
    """The guard pins a name to the address it resolved and judged; the event still says the name."""
    with tcp_sink("127.0.0.1") as (port, received):
        before = len(guard.events())
        with tcp_tunnel(guard.port, "localhost", port) as sock:
            send_segments(sock, f"##LOGIN,IMEI:{IMEI};\r\n".encode())
        wait_until(lambda: len(guard.events()) > before)
    e = guard.events()[-1]
    assert (e["request"]["url"], e["destination"]["host"], e["destination"]["ip"]) == (
        f"tcp://localhost:{port}/",
        "localhost",
        "127.0.0.1",
    )
