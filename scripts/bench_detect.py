#!/usr/bin/env python3
"""Detector quality and speed on the labelled development corpus (``make bench-detect``).

Runs the addon's inspection path (extract_request gated by the detector's trigger scan, then Detector)
over tests/corpus/requests.jsonl twice — without a device profile and with the corpus phone's profile —
and prints per-type precision / recall / F1 (a request counts once per identifier type), the benign
false-flag rate (benign requests with any hit) and throughput, overall and on benign requests alone;
then the detector alone on 1 MB values, and extract + detect on benign bodies of ``make bench``'s mix
by size (the corpus's requests are small, ~300 bytes, so its MB/s is mostly per-request cost).
Identifier values are never printed.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "requests.jsonl"
CORPUS_PROFILE = ROOT / "tests" / "corpus" / "corpus-phone.yaml"

from residency_guard.detect import Detector  # noqa: E402
from residency_guard.limits import DEFAULT_LIMITS  # noqa: E402
from residency_guard.model import RequestView  # noqa: E402
from residency_guard.profile import load_profile  # noqa: E402


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def request_view(rec: dict) -> RequestView:
    body = base64.b64decode(rec["body"]) if rec["body_encoding"] == "base64" else rec["body"].encode("utf-8")
    headers = rec["headers"]
    pairs = headers.items() if isinstance(headers, dict) else headers  # an object, or [name, value] pairs
    return RequestView(rec["method"], rec["url"], tuple((k, v) for k, v in pairs), body)


@dataclass
class Report:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    benign: int = 0
    benign_flagged: int = 0
    requests: int = 0
    raw_bytes: int = 0
    benign_bytes: int = 0
    benign_s: float = 0.0
    field_bytes: int = 0
    extract_s: float = 0.0
    detect_s: float = 0.0
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_flags: list[tuple[str, str, str]] = field(default_factory=list)

    def prf(self, t: str | None = None) -> tuple[float, float, float]:
        tp = self.tp[t] if t else sum(self.tp.values())
        fp = self.fp[t] if t else sum(self.fp.values())
        fn = self.fn[t] if t else sum(self.fn.values())
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    @property
    def false_flag_rate(self) -> float:
        return self.benign_flagged / self.benign if self.benign else 0.0

    @property
    def types(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))


def evaluate(records: list[dict], detector: Detector, with_profile: bool, extract=None) -> Report:
    if extract is None:
        from residency_guard.extract import extract_request as extract
    rep = Report()
    for rec in records:
        view = request_view(rec)
        rep.requests += 1
        size = len(view.url) + sum(len(k) + len(v) + 4 for k, v in view.headers) + len(view.body)
        rep.raw_bytes += size
        t0 = time.perf_counter()
        extraction = extract(view, DEFAULT_LIMITS, detector.triggers)
        t1 = time.perf_counter()
        hits = detector.detect(extraction.fields, client_ip=rec.get("client_ip"))
        t2 = time.perf_counter()
        rep.extract_s += t1 - t0
        rep.detect_s += t2 - t1
        rep.field_bytes += sum(len(f.value) for f in extraction.fields)
        found = {h.type for h in hits}
        expected = set(rec["expect_profile"] if with_profile else rec["expect"])
        for t in found & expected:
            rep.tp[t] += 1
        for t in found - expected:
            rep.fp[t] += 1
            rep.false_flags.append((rec["id"], t, ",".join(sorted({h.location for h in hits if h.type == t}))))
        for t in expected - found:
            rep.fn[t] += 1
            rep.misses.append((rec["id"], t))
        if rec["label"] == "benign":
            rep.benign_bytes += size
            rep.benign_s += t2 - t0
            rep.benign += 1
            rep.benign_flagged += bool(hits)
    return rep


def print_report(title: str, rep: Report, verbose: bool) -> None:
    print(f"\n== {title}")
    print(f"{'type':<12} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7} {'f1':>6}")
    for t in rep.types:
        p, r, f = rep.prf(t)
        print(f"{t:<12} {rep.tp[t]:>4} {rep.fp[t]:>4} {rep.fn[t]:>4} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    p, r, f = rep.prf()
    print(
        f"{'overall':<12} {sum(rep.tp.values()):>4} {sum(rep.fp.values()):>4} {sum(rep.fn.values()):>4} {p:>9.3f} {r:>7.3f} {f:>6.3f}"
    )
    print(f"benign false-flag rate: {rep.benign_flagged}/{rep.benign} = {rep.false_flag_rate:.2%}")
    mb = rep.raw_bytes / 1e6
    total = rep.extract_s + rep.detect_s
    print(
        f"throughput: {mb / total:.2f} MB/s raw request bytes (extract+detect, {rep.requests} requests, {mb:.2f} MB, "
        f"{1000 * total / rep.requests:.2f} ms/request); detect alone {rep.field_bytes / 1e6 / rep.detect_s:.2f} MB/s of field text"
    )
    if rep.benign_s:
        print(
            f"benign requests: {rep.benign_bytes / 1e6 / rep.benign_s:.2f} MB/s ({rep.benign} requests, "
            f"{1000 * rep.benign_s / rep.benign:.3f} ms/request)"
        )
    if verbose:
        for rid, t in rep.misses:
            print(f"  miss        {rid} {t}")
        for rid, t, where in rep.false_flags:
            print(f"  false flag  {rid} {t} at {where}")


def bulk_throughput(detector: Detector) -> list[tuple[str, float]]:
    """Detector MB/s on large single values (logcat-like text with identifiers, hex, digits, JSON-ish)."""
    from residency_guard.model import Field

    line = (
        "03-20 10:11:12.345  2345  2345 D PhoneInfo: state=IDLE signal=-85 IMEI: 352099001761481 "
        "mac a4:50:46:0f:1e:2d ts=1700000000123 build 00WW_3_22C\n"
    )
    samples = {
        "logcat text": line * (1_000_000 // len(line)),
        "hex": "0123456789abcdef" * 62_500,
        "digits": "1234567890" * 100_000,
        "json-ish": '{"k":"v","n":12345678,"u":"5d0e6c2a-9b7f-4e1d-8a3c-0f1e2d3c4b5a"},' * 14_000,
    }
    out = []
    for name, text in samples.items():
        t0 = time.perf_counter()
        detector.detect([Field("body", (), text, None)])
        out.append((name, len(text) / 1e6 / (time.perf_counter() - t0)))
    return out


def benign_body_throughput(
    detector: Detector, sizes: tuple[int, ...] = (2048, 16384, 262144)
) -> list[tuple[str, int, float]]:
    """Extract + detect MB/s on benign bodies of ``make bench``'s mix (an analytics JSON batch, a form,
    log text) by size: where the per-request cost stops mattering and the per-byte rate shows."""
    import random

    from bench_proxy import KINDS
    from residency_guard.extract import extract_request

    out = []
    for kind, (content_type, make) in KINDS.items():
        for size in sizes:
            body = make(random.Random(size), size, None)
            view = RequestView("POST", "http://bench.example/v1/collect", (("Content-Type", content_type),), body)
            n = max(3, 2_000_000 // size)
            t0 = time.perf_counter()
            for _ in range(n):
                detector.detect(extract_request(view, DEFAULT_LIMITS, detector.triggers).fields)
            out.append((kind, size, n * len(body) / 1e6 / (time.perf_counter() - t0)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--profile", type=Path, default=CORPUS_PROFILE)
    ap.add_argument("-v", "--verbose", action="store_true", help="list request ids of misses and false flags")
    args = ap.parse_args(argv)
    try:
        from residency_guard.extract import extract_request  # noqa: F401
    except ImportError as e:
        print(f"bench-detect: the extract stage is not available ({e})", file=sys.stderr)
        return 2
    records = load_corpus(args.corpus)
    n_id = sum(r["label"] == "identifier" for r in records)
    print(
        f"corpus: {args.corpus.relative_to(ROOT) if args.corpus.is_relative_to(ROOT) else args.corpus}: "
        f"{len(records)} requests ({n_id} with identifiers, {len(records) - n_id} benign)"
    )
    evaluate(records[:40], Detector(), with_profile=False)  # warm caches (phone metadata, regexes) before timing
    plain = evaluate(records, Detector(), with_profile=False)
    print_report("format/context detectors, no device profile", plain, args.verbose)
    profiled = evaluate(records, Detector([load_profile(args.profile)]), with_profile=True)
    print_report(f"with device profile {args.profile.name}", profiled, args.verbose)
    print("\n== detector alone on 1 MB values (with the profile's automaton)")
    for name, mbps in bulk_throughput(Detector([load_profile(args.profile)])):
        print(f"{name:<12} {mbps:7.2f} MB/s")
    print("\n== benign bodies of make bench's mix, extract + detect, no profile")
    for kind, size, mbps in benign_body_throughput(Detector()):
        print(f"{kind:<6} {size // 1024:>4} KiB {mbps:7.1f} MB/s")
    ok = all(rep.prf()[1] >= 0.99 and rep.false_flag_rate <= 0.005 for rep in (plain, profiled))
    print(f"\ntargets (recall >= 0.99, benign false-flag rate <= 0.5 %): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
