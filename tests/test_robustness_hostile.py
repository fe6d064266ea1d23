"""Hostile requests through the real proxy: each is forwarded, recorded with a note saying what was not
inspected, and a normal request sent while it is being processed completes quickly."""

from __future__ import annotations

import asyncio
import gzip
import time
from functools import cache

import brotli
import httpx
import pytest
import zstandard

pytestmark = pytest.mark.e2e

DE_HOST = "127.0.0.2"
OVERLAY = {f"{DE_HOST}/32": "DE"}
IMEI = "352099001761481"
GIB = 1 << 30
NORMAL_WITHIN_S = 1.0


@cache
def gzip_bomb() -> bytes:
    """1 GiB of zeros as gzip (64 members of 16 MiB, RFC 1952 allows many) gzipped again: ~2 KB."""
    member = gzip.compress(b"\0" * (16 << 20), 9)
    return gzip.compress(member * (GIB // (16 << 20)), 9)


@cache
def zstd_bomb() -> bytes:
    chunk = b"\0" * (1 << 20)
    compressor = zstandard.ZstdCompressor(level=1).compressobj(size=GIB)
    return b"".join(compressor.compress(chunk) for _ in range(GIB // len(chunk))) + compressor.flush()


@cache
def brotli_bomb() -> bytes:
    chunk = b"\0" * (1 << 20)
    compressor = brotli.Compressor(quality=2)
    return b"".join(compressor.process(chunk) for _ in range(GIB // len(chunk))) + compressor.finish()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
    + f"]><lolz><imei>{IMEI}</imei>&lol9;</lolz>"
).encode()


def _hostile_cases() -> dict:
    """name → (method, path, headers, body or a function making it, note fragment)."""
    json = {"Content-Type": "application/json"}
    return {
        "gzip-bomb": ("POST", "/b", {**json, "Content-Encoding": "gzip, gzip"}, gzip_bomb, "decompression bomb"),
        "zstd-bomb": ("POST", "/b", {**json, "Content-Encoding": "zstd"}, zstd_bomb, "decompression bomb"),
        "br-bomb": ("POST", "/b", {**json, "Content-Encoding": "br"}, brotli_bomb, "decompression bomb"),
        # An identifier at the bottom: the walk must go all the way down (a trigger-free nest is not walked).
        "deep-json": ("POST", "/j", json, b"[" * 10_000 + f'"{IMEI}"'.encode() + b"]" * 10_000, "json nested too deeply"),
        "deep-json-object": (
            "POST", "/j", json, b'{"a":' * 10_000 + f'"{IMEI}"'.encode() + b"}" * 10_000, "json nested too deeply",
        ),
        "invalid-utf8": (
            "POST", "/t", {"Content-Type": "text/plain; charset=utf-8"},
            f"IMEI: {IMEI} ".encode() + b"\xff\xfe\xc3\x28\xed\xa0\x80 end", "invalid utf-8",
        ),
        "multipart-unterminated": (
            "POST", "/m", {"Content-Type": "multipart/form-data; boundary=XX"},
            b'--XX\r\nContent-Disposition: form-data; name="imei"\r\n\r\n' + IMEI.encode() + b"\r\n--XX\r\nContent-Disp",
            "multipart",
        ),
        "protobuf-garbage": (
            "POST", "/p", {"Content-Type": "application/x-protobuf"}, b"\x0a\xff\xff\xff\xff\x0f" + bytes(range(256)),
            "protobuf invalid",
        ),
        "billion-laughs": ("POST", "/x", {"Content-Type": "application/xml"}, BILLION_LAUGHS, "entity"),
    }  # fmt: skip


def _events_for(guard, marker: str, timeout: float = 10.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        mine = [e for e in guard.events() if f"n={marker}" in (e.get("request") or {}).get("url", "")]
        if mine or time.monotonic() > deadline:
            return mine
        time.sleep(0.05)


async def _hostile_with_normal_alongside(
    guard, origin, method, target, headers, body
) -> tuple[httpx.Response, float, float]:
    """Send the hostile request; 20 ms later a normal one on another connection. Their durations."""
    async with (
        httpx.AsyncClient(proxy=guard.proxy_url, timeout=30, trust_env=False) as hostile_client,
        httpx.AsyncClient(proxy=guard.proxy_url, timeout=30, trust_env=False) as normal_client,
    ):
        await normal_client.get(origin.url + "/warm")  # connection established before the race

        async def hostile() -> tuple[httpx.Response, float]:
            t0 = time.perf_counter()
            r = await hostile_client.request(method, origin.url + target, headers=headers, content=body)
            return r, time.perf_counter() - t0

        async def normal() -> float:
            await asyncio.sleep(0.02)
            t0 = time.perf_counter()
            r = await normal_client.post(origin.url + "/normal", json={"city": "Oslo"})
            assert r.status_code == 200
            return time.perf_counter() - t0

        (response, hostile_s), normal_s = await asyncio.gather(hostile(), normal())
    return response, hostile_s, normal_s


@pytest.mark.parametrize("case", list(_hostile_cases()))  # bombs are built lazily, not at collection
async def test_hostile_request_is_recorded_and_the_proxy_keeps_serving(guard, origin, case):
    method, path, headers, body, note = _hostile_cases()[case]
    body = body() if callable(body) else body
    target = f"{path}?n={case}"
    received = len(origin.received)
    response, hostile_s, normal_s = await _hostile_with_normal_alongside(guard, origin, method, target, headers, body)
    assert response.status_code == 200, guard.log()[-2000:]
    assert normal_s < NORMAL_WITHIN_S, f"normal request took {normal_s:.2f} s beside {case}"
    assert hostile_s < 5
    forwarded = [r for r in origin.received[received:] if r["path"] == target]
    assert len(forwarded) == 1 and forwarded[0]["body"] == body  # forwarded untouched
    (event,) = _events_for(guard, case)
    assert event["inspection"]["complete"] is False
    assert note in " ".join(event["inspection"]["notes"]).lower()
    assert guard.proc.poll() is None


def test_huge_url_and_headers_are_inspected_to_the_end(guard, origin):
    """Within what mitmproxy and the origin accept (64 KB lines): the identifier at the very end is found."""
    query = "&".join(f"p{i}=v{i}" for i in range(5000)) + f"&imei={IMEI}"
    headers = {f"X-Filler-{i}": "f" * 200 for i in range(60)}
    headers["X-Debug"] = "x" * 40_000 + f" IMEI: {IMEI}"
    assert len(query) > 40_000
    with httpx.Client(proxy=guard.proxy_url, timeout=30, trust_env=False) as client:
        r = client.get(f"{origin.url}/huge?n=huge-url&{query}", headers=headers)
        assert r.status_code == 200
        assert client.get(origin.url + "/after").status_code == 200
    (event,) = _events_for(guard, "huge-url")
    wheres = {i["where"] for i in event["identifiers"] if i["type"] == "imei"}
    assert "query.imei" in wheres
    assert any(w.startswith("header") for w in wheres)
    assert IMEI not in event["request"]["url"]
