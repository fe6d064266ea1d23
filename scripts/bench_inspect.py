#!/usr/bin/env python3
"""In-process cost of inspecting one request: ``Inspector.inspect`` as the guard builds it.

Builds the inspector with ``setup.build_guard`` (default GDPR policy, an empty geo database directory,
a throw-away fingerprint key) and times ``inspect(view, conn)`` on realistic bodies — JSON telemetry,
form posts and plain log text of 0.5 to 64 KB — with and without one identifier (an IMEI under the key
``imei`` and a MAC). Prints mean and median µs per request, µs per KB, and how the time splits between
extract and detect. No network, no proxy: this is the part of the guard's CPU cost that grows with the
body. Identifier values are never printed.

    .venv/bin/python scripts/bench_inspect.py [--sizes 0.5,2,8,16,64] [--kinds json,form,plain] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent

from residency_guard.extract import extract_request  # noqa: E402
from residency_guard.model import RequestView  # noqa: E402
from residency_guard.pipeline import ConnectionFacts  # noqa: E402
from residency_guard.setup import build_guard  # noqa: E402

# A valid (Luhn) IMEI and a universally administered MAC from test data: never printed.
_IMEI = "352099001761481"
_MAC = "a4:50:46:0f:1e:2d"

_WORDS = (
    "home",
    "settings",
    "feed",
    "profile",
    "search",
    "checkout",
    "player",
    "onboarding",
    "login",
    "cart",
    "tap",
    "scroll",
    "view",
    "open",
    "close",
    "impression",
    "click",
    "error",
    "success",
    "retry",
)
_SCREENS = ("MainActivity", "FeedFragment", "SettingsActivity", "PlayerView", "SearchFragment")


def _event(rng: random.Random, n: int) -> dict:
    """One analytics event as mobile SDKs batch them: names, timestamps, ids, counters, a nested object."""
    return {
        "event": rng.choice(_WORDS) + "_" + rng.choice(_WORDS),
        "ts": 1_700_000_000_000 + rng.randrange(10**9),
        "seq": n,
        "session_id": f"{rng.getrandbits(128):032x}",
        "screen": rng.choice(_SCREENS),
        "duration_ms": rng.randrange(5000),
        "success": rng.random() < 0.9,
        "value": round(rng.uniform(0, 100), 2),
        "label": " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(1, 5))),
        "params": {
            "item": rng.choice(_WORDS),
            "position": rng.randrange(50),
            "source": rng.choice(("organic", "push", "deeplink")),
        },
    }


def json_body(size: int, rng: random.Random, identifier: bool) -> bytes:
    doc: dict = {
        "app": {"id": "com.example.app", "version": "3.14.2", "build": 31402},
        "os": {"name": "Android", "version": "14", "sdk": 34},
        "locale": "nb_NO",
        "events": [],
    }
    if identifier:
        doc["device"] = {"model": "Pixel 8", "imei": _IMEI, "mac": _MAC}
    n = 0
    while len(json.dumps(doc)) < size:
        doc["events"].append(_event(rng, n))
        n += 1
    return json.dumps(doc).encode()


def form_body(size: int, rng: random.Random, identifier: bool) -> bytes:
    pairs: list[tuple[str, str]] = [("app", "com.example.app"), ("v", "3.14.2"), ("os", "android")]
    if identifier:
        pairs += [("imei", _IMEI), ("mac", _MAC)]
    n = 0
    while len(urlencode(pairs)) < size:
        e = _event(rng, n)
        pairs += [(f"e{n}_{k}", str(v)) for k, v in e.items() if not isinstance(v, dict)]
        n += 1
    return urlencode(pairs).encode()


def plain_body(size: int, rng: random.Random, identifier: bool) -> bytes:
    lines = []
    if identifier:
        lines.append(f"03-20 10:11:12.345  2345  2345 D PhoneInfo: IMEI: {_IMEI} wlan0 mac {_MAC}")
    total = sum(len(line) + 1 for line in lines)
    while total < size:
        line = (
            f"03-20 10:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}  "
            f"{rng.randrange(1000, 30000)}  {rng.randrange(1000, 30000)} {rng.choice('DIWE')} "
            f"{rng.choice(_SCREENS)}: {rng.choice(_WORDS)} {' '.join(rng.choice(_WORDS) for _ in range(6))} "
            f"took {rng.randrange(500)} ms"
        )
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines).encode()


BUILDERS = {
    "json": (json_body, "application/json; charset=utf-8"),
    "form": (form_body, "application/x-www-form-urlencoded"),
    "plain": (plain_body, "text/plain; charset=utf-8"),
}


def request_view(kind: str, size: int, identifier: bool) -> RequestView:
    build, content_type = BUILDERS[kind]
    body = build(size, random.Random(size), identifier)
    headers = (
        ("Host", "api.example.com"),
        ("User-Agent", "okhttp/4.12.0 (Linux; Android 14; Pixel 8)"),
        ("Content-Type", content_type),
        ("Accept", "application/json"),
        ("Accept-Encoding", "gzip"),
        ("X-Request-Id", "5d0e6c2a-9b7f-4e1d-8a3c-0f1e2d3c4b5a"),
        ("Authorization", "Bearer 7f3a9c2e1b4d5f60718293a4b5c6d7e8"),
        ("Content-Length", str(len(body))),
    )
    return RequestView(
        "POST", "https://api.example.com/v1/batch?app=com.example.app&sdk=7.2.0", headers, body, "HTTP/1.1"
    )


def _time(fn, rounds: int, budget_s: float) -> list[float]:
    fn()  # warm caches (regexes, key contexts, phone metadata)
    out: list[float] = []
    deadline = time.perf_counter() + budget_s
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
        if time.perf_counter() > deadline and len(out) >= 5:
            break
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="0.5,2,8,16,64", help="body sizes in KB (comma-separated)")
    ap.add_argument("--kinds", default="json,form,plain", help=f"body kinds among {','.join(BUILDERS)}")
    ap.add_argument("--rounds", type=int, default=200, help="timed runs per case (fewer when a case exceeds --budget)")
    ap.add_argument("--budget", type=float, default=2.0, help="seconds per case at most")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        geodb = Path(tmp) / "geodb"
        geodb.mkdir()
        guard = build_guard(
            policy=ROOT / "policies" / "gdpr-eea.yaml", geodb=[geodb], fingerprint_key=Path(tmp) / "key"
        )
        inspector = guard.inspector
        conn = ConnectionFacts(
            "bench", "10.0.0.2", 40000, "api.example.com", "192.0.2.10", 443, True, "api.example.com"
        )
        rows = []
        print(
            f"{'case':<18} {'fields':>6} {'hits':>4} {'mean µs':>9} {'p50 µs':>9} {'µs/KB':>7} {'extract':>8} {'detect':>8}"
        )
        for kind in args.kinds.split(","):
            for size_kb in (float(s) for s in args.sizes.split(",")):
                for identifier in (False, True):
                    view = request_view(kind, int(size_kb * 1024), identifier)
                    extraction = extract_request(view, inspector.limits)
                    hits = inspector.detector.detect(extraction.fields, conn.client_ip)
                    if identifier and not {"imei", "mac"} <= {h.type for h in hits}:
                        print(
                            f"warning: {kind} {size_kb} KB: the injected identifiers were not all found",
                            file=sys.stderr,
                        )
                    whole = _time(lambda view=view: inspector.inspect(view, conn), args.rounds, args.budget)
                    ext = _time(lambda view=view: extract_request(view, inspector.limits), args.rounds, args.budget / 2)
                    det = _time(
                        lambda extraction=extraction: inspector.detector.detect(extraction.fields, conn.client_ip),
                        args.rounds,
                        args.budget / 2,
                    )
                    kb = len(view.body) / 1024
                    mean, p50 = statistics.fmean(whole) * 1e6, statistics.median(whole) * 1e6
                    e50, d50 = statistics.median(ext) * 1e6, statistics.median(det) * 1e6
                    name = f"{kind} {size_kb:g}KB{' +id' if identifier else ''}"
                    print(
                        f"{name:<18} {len(extraction.fields):>6} {len(hits):>4} {mean:>9.0f} {p50:>9.0f} {p50 / kb:>7.1f} {e50:>8.0f} {d50:>8.0f}"
                    )
                    rows.append(
                        {
                            "kind": kind,
                            "size_kb": size_kb,
                            "identifier": identifier,
                            "body_bytes": len(view.body),
                            "fields": len(extraction.fields),
                            "hits": len(hits),
                            "mean_us": mean,
                            "p50_us": p50,
                            "extract_p50_us": e50,
                            "detect_p50_us": d50,
                        }
                    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
