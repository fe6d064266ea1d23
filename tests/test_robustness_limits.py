"""Per-request work limits, through the real proxy: each exceeded limit leaves an incomplete event whose
note names the limit, and the request still reaches its (allowed) destination."""

from __future__ import annotations

import base64

import httpx
import orjson
import pytest

from guard_harness import running_guard

pytestmark = pytest.mark.e2e

DE_HOST = "127.0.0.2"
OVERLAY = {f"{DE_HOST}/32": "DE"}
LIMITS = {
    "guard_max_body_bytes": 4096,
    "guard_max_decoded_bytes": 2048,
    "guard_max_depth": 3,
    "guard_max_items": 50,
}


def _set_args(tmp_path, options: dict) -> list[str]:
    # guard_events goes in the same --set batch: the first configure then already writes to the test's file.
    args = ["--set", f"guard_events={tmp_path / 'events.jsonl'}"]
    for name, value in options.items():
        args += ["--set", f"{name}={value}"]
    return args


@pytest.fixture(scope="module")
def limited_guard(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits")
    with running_guard(tmp, overlay=OVERLAY, extra_args=_set_args(tmp, LIMITS)) as g:
        yield g


@pytest.fixture(scope="module")
def hurried_guard(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("budget")
    with running_guard(tmp, overlay=OVERLAY, extra_args=_set_args(tmp, {"guard_max_ms": 1})) as g:
        yield g


def _send(guard, origin, marker: str, body: bytes, content_type: str = "application/json") -> dict:
    """POST through the guard; the origin must get it; returns the event recorded for it."""
    before = len(origin.received)
    with httpx.Client(proxy=guard.proxy_url, timeout=10, trust_env=False) as client:
        r = client.post(f"{origin.url}/up?n={marker}", content=body, headers={"Content-Type": content_type})
    assert r.status_code == 200, guard.log()
    assert len(origin.received) == before + 1
    assert origin.received[-1]["body"] == body  # the limit bounds inspection, never what is forwarded
    for _ in range(100):
        mine = [e for e in guard.events() if f"n={marker}" in (e.get("request") or {}).get("url", "")]
        if mine:
            break
        guard.wait_for_events(len(guard.events()) + 1, timeout=0.1)
    assert len(mine) == 1, guard.log()
    return mine[0]


def _notes(event: dict, cause: str) -> str:
    """The event's notes, after checking it is incomplete and its causes name ``cause``, the limit."""
    assert event["inspection"]["complete"] is False
    assert cause in event["inspection"]["causes"], event["inspection"]
    # DE is allowed for every identifier: the uninspected rule has nothing to say there.
    assert "uninspected" not in [r["rule"] for r in event["rules"]]
    return " | ".join(event["inspection"]["notes"])


def test_body_larger_than_max_body_bytes(limited_guard, origin):
    body = orjson.dumps({"log": "x" * 8000})
    notes = _notes(_send(limited_guard, origin, "body", body), "limit:max_body_bytes")
    assert f"truncated at 4096 bytes of {len(body)}" in notes


def test_decoding_beyond_max_decoded_bytes(limited_guard, origin):
    inner = ("event " * 500).encode()  # 3000 bytes of text once decoded
    body = orjson.dumps({"payload": base64.b64encode(inner).decode()})
    assert len(body) < 4096
    notes = _notes(_send(limited_guard, origin, "decoded", body), "limit:max_decoded_bytes")
    assert "decoded-size limit (2048 bytes) reached" in notes


def test_encodings_nested_deeper_than_max_depth(limited_guard, origin):
    value = orjson.dumps({"imei": "352099001761481"})
    for _ in range(5):
        value = base64.b64encode(value)
    body = orjson.dumps({"blob": value.decode()})
    assert len(body) < 2048  # within the body and decoded-size limits
    notes = _notes(_send(limited_guard, origin, "depth", body), "limit:max_depth")
    assert "decoding depth limit (3) reached" in notes


def test_more_values_than_max_items(limited_guard, origin):
    # The IMEI makes the document worth walking; its 200 siblings are all emitted (siblings decide verdicts).
    body = orjson.dumps({"imei": "352099001761481", **{f"k{i}": i for i in range(200)}})
    assert len(body) < 4096
    notes = _notes(_send(limited_guard, origin, "items", body), "limit:max_items")
    assert "field limit (50) reached" in notes


def test_inspection_longer_than_max_ms(hurried_guard, origin):
    body = orjson.dumps(
        [{"name": f"item{i}", "mac": f"a4:50:46:0f:{i >> 8:02x}:{i & 255:02x}", "n": i} for i in range(5000)]
    )
    notes = _notes(_send(hurried_guard, origin, "budget", body), "limit:max_seconds")
    assert "time budget (0.001 s) exceeded" in notes


def test_a_large_body_without_a_trigger_is_judged_complete_without_a_walk(hurried_guard, origin):
    """5000 objects that would take ~15 ms to walk hold nothing a detector could report: the trigger
    scan says so in well under the 1 ms budget, so the request is complete and leaves no event."""
    before = len(hurried_guard.events())
    body = orjson.dumps([{"name": f"item{i}", "value": f"v{i}", "n": i} for i in range(5000)])
    with httpx.Client(proxy=hurried_guard.proxy_url, timeout=10, trust_env=False) as client:
        assert (
            client.post(
                f"{origin.url}/bulk?n=bulk", content=body, headers={"Content-Type": "application/json"}
            ).status_code
            == 200
        )
        client.get(f"{origin.url}/id", params={"imei": "352099001761481", "n": "after-bulk"})
    events = hurried_guard.wait_for_events(before + 1)
    assert [e["request"]["url"].rsplit("n=", 1)[-1] for e in events[before:]] == ["after-bulk"]


def test_within_limits_no_event_and_guard_still_serving(limited_guard, origin):
    before = len(limited_guard.events())
    with httpx.Client(proxy=limited_guard.proxy_url, timeout=10, trust_env=False) as client:
        assert client.post(f"{origin.url}/ok", json={"city": "Oslo"}).status_code == 200
        r = client.get(f"{origin.url}/id", params={"imei": "352099001761481", "n": "after"})
        assert r.status_code == 200
    events = limited_guard.wait_for_events(before + 1)
    assert [e["request"]["url"].rsplit("?", 1)[-1].split("&")[-1] for e in events[before:]] == ["n=after"]
    assert events[-1]["inspection"]["complete"] is True
