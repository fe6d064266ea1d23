"""EXTRACT stage cost on typical request sizes.

The bounds are loose on purpose (shared CI machines are noisy): they catch a complexity regression
(a quadratic loop, a decoder tried on every value), not a few percent. Run with ``-s`` to see figures.
"""

from __future__ import annotations

import base64
import json
import statistics
import time

from residency_guard.extract import extract_request
from residency_guard.model import Field, RequestView


def _p50_ms(fn, rounds: int = 200) -> float:
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def _dense_16k_json() -> bytes:
    events = []
    while len(json.dumps({"events": events})) < 16_000:
        i = len(events)
        events.append(
            {
                "id": i, "name": f"item-{i}", "deviceId": "352099001761481", "lat": 59.91273, "lon": 10.74609,
                "tags": ["alpha", "beta"],
                "meta": {"ts": 1700000000 + i, "sdk": "analytics-3.2.1", "session": "f3c1e0a2-5b9d-4c1e-9a7f-0c2b3d4e5f60"},
            }
        )  # fmt: skip
    return json.dumps({"events": events}).encode()


def test_16k_json_extraction_time():
    body = _dense_16k_json()
    request = RequestView(
        "POST", "https://api.example.test/v1/events?app=com.example&v=3",
        (("Content-Type", "application/json"), ("User-Agent", "okhttp/4.9")), body,
    )  # fmt: skip
    n = len(extract_request(request).fields)
    assert n > 600
    p50 = _p50_ms(lambda: extract_request(request))
    # what building the same number of Field records alone costs on this machine
    floor = _p50_ms(lambda: [Field("body", ("json:$.a",), "v", "k") for _ in range(n)])
    print(f"\n16 KB JSON ({len(body)} B, {n} fields): p50 {p50:.3f} ms; {n} Field() alone {floor:.3f} ms")
    assert p50 < 10 * floor + 2.0


def test_zzhc_extraction_time():
    payload = {"REGVER": "8.0", "IMEI1": "352099001761481", "SIM1ICCID": "89860318640220133897", "MACID": "a4:50:46:1e:2b:3c"}
    body = base64.encodebytes(json.dumps(payload).encode())
    request = RequestView("POST", "http://zzhc.vnet.cn/", (("Content-Type", "application/encrypted-json"),), body)
    p50 = _p50_ms(lambda: extract_request(request))
    print(f"\nZZHC request: p50 {p50:.3f} ms")
    assert p50 < 2.0
