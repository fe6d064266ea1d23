#!/usr/bin/env python3
"""Proxy overhead of the guard (``make bench``): the same request mix through plain ``mitmdump`` and
through ``residency-guard run --no-dashboard``, interleaved round by round so that drift (thermal, other
load) hits both alike.

Measured: the proxy process's CPU time per request (utime+stime from /proc/<pid>/stat), throughput at
concurrency 32, latency at concurrency 1 per body-size class (guard minus plain), the detector's MB/s on
the development corpus, and the guard's RSS after 1 k and 100 k flows. Targets are printed PASS/FAIL and
everything is written to ``--out`` (JSON). Loopback only: a local asyncio origin on 127.0.0.2 that the
guard's geo overlay maps to DE, so requests with identifiers are judged, logged and recorded (not blocked)
and both proxies forward the same traffic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ORIGIN_HOST = "127.0.0.2"
SIZE_CLASSES = (512, 2048, 8192, 16384, 65536)
LATENCY_TARGET_MAX_SIZE = 16384
# Values of the harness's test phone; never printed.
IDENTIFIERS = {
    "imei": "352099001761481",
    "mac": "a4:50:46:1e:2b:3c",
    "iccid": "89860318640220133897",
    "imsi": "460031234567890",
}
EXTRA_GUARD_ARGS: list[str] = []
TARGETS = {"cpu_ratio": 1.05, "throughput_ratio": 0.95, "added_p50_ms": 0.5, "rss_growth": 0.05}
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------- origin


_REPLY_BODY = b'{"resultCode":"0","resultDesc":"Success"}'
ORIGIN_REPLY = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(_REPLY_BODY),
    _REPLY_BODY,
)


async def _origin_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = _content_length(head)
            if length:
                await reader.readexactly(length)
            writer.write(ORIGIN_REPLY)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def _serve_origin(host: str) -> None:
    server = await asyncio.start_server(_origin_connection, host, 0, limit=1 << 20, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def _content_length(head: bytes) -> int:
    i = head.lower().find(b"\r\ncontent-length:")
    if i < 0:
        return 0
    return int(head[i + 17 : head.index(b"\r\n", i + 2)])


# ---------------------------------------------------------------------------------------- request mix

_WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo"]


@dataclass(frozen=True)
class BenchRequest:
    size_class: int
    kind: str
    with_identifier: bool
    wire: bytes


def _filler_json(rng: random.Random, size: int, ident: tuple[str, str] | None) -> bytes:
    events = []
    doc = {"app": "com.example.weather", "version": "4.2.1", "session": rng.getrandbits(64), "events": events}
    if ident:
        doc["device"] = {ident[0]: ident[1], "model": "TA-1046"}
    while len(json.dumps(doc)) < size:
        events.append({
            "name": rng.choice(_WORDS),
            "ts": 1700000000000 + rng.randrange(10**6),
            "value": round(rng.random() * 100, 3),
            "label": " ".join(rng.choice(_WORDS) for _ in range(4)),
        })  # fmt: skip
    return json.dumps(doc).encode()


def _filler_form(rng: random.Random, size: int, ident: tuple[str, str] | None) -> bytes:
    parts = ["app=com.example.weather", f"v={rng.randrange(100)}"]
    if ident:
        parts.append(f"{ident[0]}={ident[1].replace(':', '%3A')}")
    while sum(len(p) + 1 for p in parts) < size:
        parts.append(f"{rng.choice(_WORDS)}{len(parts)}={'+'.join(rng.choice(_WORDS) for _ in range(3))}")
    return "&".join(parts).encode()


def _filler_text(rng: random.Random, size: int, ident: tuple[str, str] | None) -> bytes:
    lines = []
    n = 0
    while n < size:
        line = (
            f"11-23 10:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d} D {rng.choice(_WORDS)}: "
            + " ".join(rng.choice(_WORDS) for _ in range(8))
        )
        lines.append(line)
        n += len(line) + 1
    if ident:
        lines.insert(len(lines) // 2, f"11-23 10:00:00.000 I PhoneInfo: {ident[0].upper()}: {ident[1]}")
    return "\n".join(lines).encode()


KINDS = {
    "json": ("application/json", _filler_json),
    "form": ("application/x-www-form-urlencoded", _filler_form),
    "plain": ("text/plain; charset=utf-8", _filler_text),
}


def build_mix(port: int, n_per_combo: int, seed: int = 7, sizes: tuple[int, ...] = SIZE_CLASSES) -> list[BenchRequest]:
    """Requests for every (size class, kind, with/without identifier), a third of them with one."""
    rng = random.Random(seed)
    out = []
    authority = f"{ORIGIN_HOST}:{port}"
    for size in sizes:
        for kind, (ctype, make) in KINDS.items():
            for i in range(n_per_combo):
                with_id = i % 3 == 0
                ident = rng.choice(list(IDENTIFIERS.items())) if with_id else None
                body = make(rng, size, ident)
                query = "".join(rng.choice(string.ascii_lowercase) for _ in range(6))
                head = (
                    f"POST http://{authority}/v1/{kind}/collect?n={i}&q={query} HTTP/1.1\r\n"
                    f"Host: {authority}\r\nUser-Agent: bench/1.0 (Linux; Android 13)\r\nAccept: application/json\r\n"
                    f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
                )
                out.append(BenchRequest(size, kind, with_id, head.encode() + body))
    rng.shuffle(out)
    return out


# ---------------------------------------------------------------------------------------- client


@dataclass
class Segment:
    requests: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    cpu_main_s: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    latencies: dict[int, list[float]] = field(default_factory=dict)


async def drive(port: int, requests: list[BenchRequest], concurrency: int, record_latency: bool) -> Segment:
    """Send ``requests`` through the proxy on ``concurrency`` keep-alive connections."""
    seg = Segment()
    queue = iter(requests)

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        try:
            for req in queue:
                t0 = time.perf_counter()
                writer.write(req.wire)
                head = await reader.readuntil(b"\r\n\r\n")
                length = _content_length(head)
                if length:
                    await reader.readexactly(length)
                elapsed = time.perf_counter() - t0
                seg.statuses[int(head[9:12])] += 1
                seg.requests += 1
                if record_latency:
                    seg.latencies.setdefault(req.size_class, []).append(elapsed)
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seg.wall_s = time.perf_counter() - t0
    return seg


def proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)


def descendants(pid: int) -> list[int]:
    """Child processes (recursively): the guard's inspector workers count against its CPU and memory."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def tree_cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in (pid, *descendants(pid)):
        try:
            total += proc_cpu_seconds(p)
        except OSError:
            pass
    return total


def tree_rss_bytes(pid: int) -> int:
    total = 0
    for p in (pid, *descendants(pid)):
        try:
            total += proc_rss_bytes(p)
        except (OSError, RuntimeError):
            pass
    return total


def proc_rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


async def measured(
    pid: int, port: int, requests: list[BenchRequest], concurrency: int, record_latency: bool
) -> Segment:
    cpu0, main0 = tree_cpu_seconds(pid), proc_cpu_seconds(pid)
    seg = await drive(port, requests, concurrency, record_latency)
    await asyncio.sleep(0.05)  # let the proxy finish logging the last flows into this segment's CPU
    seg.cpu_s = tree_cpu_seconds(pid) - cpu0
    seg.cpu_main_s = proc_cpu_seconds(pid) - main0
    return seg


# ---------------------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Proxy:
    name: str
    proc: subprocess.Popen
    port: int
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_proxy(name: str, work: Path, guard: bool) -> Proxy:
    port = _free_port()
    log = work / f"{name}.log"
    common = ["--listen-host", "127.0.0.1", "--listen-port", str(port)]
    if guard:
        overlay = work / "overlay.yaml"
        overlay.write_text(f"networks:\n  - network: {ORIGIN_HOST}/32\n    country: DE\n    org: bench origin\n")
        args = [
            str(BIN / "residency-guard"), "run", "--no-dashboard", *common,
            "--confdir", str(work / f"{name}-conf"),
            "--policy", str(ROOT / "policies" / "gdpr-eea.yaml"),
            "--geo-overlay", str(overlay),
            "--events", str(work / f"{name}-events.jsonl"),
            "--fingerprint-key", str(work / "fingerprint.key"), *EXTRA_GUARD_ARGS,
        ]  # fmt: skip
    else:
        args = [str(BIN / "mitmdump"), "-q", *common, "--set", f"confdir={work / f'{name}-conf'}"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(args, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return Proxy(name, proc, port, log)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{name} did not listen within 60 s")


def start_origin() -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve-origin", ORIGIN_HOST], stdout=subprocess.PIPE, start_new_session=True
    )
    port = int(proc.stdout.readline())
    return proc, port


# ---------------------------------------------------------------------------------------- phases


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def interleaved(plain: Proxy, guard: Proxy, mix: list[BenchRequest], rounds: int) -> dict:
    totals = {p.name: {"c1": Segment(), "c32": Segment()} for p in (plain, guard)}
    for p in (plain, guard):  # warm-up, not counted: CA certificates, regex caches, first connections
        await drive(p.port, mix[:200], 8, False)
    for r in range(rounds):
        order = (plain, guard) if r % 2 == 0 else (guard, plain)
        for p in order:
            for conc, key in ((1, "c1"), (32, "c32")):
                seg = await measured(p.proc.pid, p.port, mix, conc, key == "c1")
                tot = totals[p.name][key]
                tot.requests += seg.requests
                tot.wall_s += seg.wall_s
                tot.cpu_s += seg.cpu_s
                tot.cpu_main_s += seg.cpu_main_s
                tot.statuses.update(seg.statuses)
                for k, v in seg.latencies.items():
                    tot.latencies.setdefault(k, []).extend(v)
        g, pl = totals[guard.name], totals[plain.name]
        print(
            f"  round {r + 1}/{rounds}: cpu/request plain {1e3 * (pl['c1'].cpu_s + pl['c32'].cpu_s) / (pl['c1'].requests + pl['c32'].requests):.3f} ms, "
            f"guard {1e3 * (g['c1'].cpu_s + g['c32'].cpu_s) / (g['c1'].requests + g['c32'].requests):.3f} ms (cumulative)",
            flush=True,
        )
    out: dict = {}
    for name, segs in totals.items():
        reqs = segs["c1"].requests + segs["c32"].requests
        cpu = segs["c1"].cpu_s + segs["c32"].cpu_s
        out[name] = {
            "requests": reqs,
            "statuses": dict(segs["c1"].statuses + segs["c32"].statuses),
            "cpu_ms_per_request": 1e3 * cpu / reqs,
            "cpu_ms_per_request_proxy_process": 1e3 * (segs["c1"].cpu_main_s + segs["c32"].cpu_main_s) / reqs,
            "cpu_ms_per_request_c1": 1e3 * segs["c1"].cpu_s / segs["c1"].requests,
            "cpu_ms_per_request_c32": 1e3 * segs["c32"].cpu_s / segs["c32"].requests,
            "throughput_c32_rps": segs["c32"].requests / segs["c32"].wall_s,
            "latency_ms": {
                str(size): {"p50": 1e3 * _pct(v, 0.5), "p99": 1e3 * _pct(v, 0.99), "n": len(v)}
                for size, v in sorted(segs["c1"].latencies.items())
            },
        }
    return out


async def rss_growth(work: Path, origin_port: int, flows: int, concurrency: int = 32, guard: bool = True) -> dict:
    name = "guard-rss" if guard else "plain-rss"
    proxy = start_proxy(name, work, guard=guard)
    try:
        mix = build_mix(origin_port, 12, seed=11, sizes=(512, 2048))
        pid = proxy.proc.pid
        done = 0
        samples: dict[str, tuple[int, int]] = {}

        async def run_until(target: int) -> None:
            nonlocal done
            while done < target:
                batch = (mix * (1 + (target - done) // len(mix)))[: min(target - done, 20_000)]
                seg = await drive(proxy.port, batch, concurrency, False)
                if set(seg.statuses) != {200}:
                    raise RuntimeError(f"unexpected statuses in the RSS run: {dict(seg.statuses)}")
                done += seg.requests
                if target > 1000:
                    print(f"  {name}: {done} flows, RSS {proc_rss_bytes(pid) / 2**20:.1f} MiB", flush=True)

        t0 = time.perf_counter()
        await run_until(1000)
        await asyncio.sleep(0.5)
        samples["1k"] = (proc_rss_bytes(pid), tree_rss_bytes(pid))
        await run_until(flows)
        await asyncio.sleep(0.5)
        samples["final"] = (proc_rss_bytes(pid), tree_rss_bytes(pid))
        elapsed = time.perf_counter() - t0
        events_file = work / f"{name}-events.jsonl"
        events = (
            sum(1 for line in events_file.open("rb") if b'"event_type":"transfer"' in line)
            if events_file.exists()
            else 0
        )
        (main1k, tree1k), (main_end, tree_end) = samples["1k"], samples["final"]
        growth_main = (main_end - main1k) / main1k
        growth_tree = (tree_end - tree1k) / tree1k
        return {
            "flows": done,
            "rss_mib_after_1k": main1k / 2**20,
            "rss_mib_after_all": main_end / 2**20,
            "tree_rss_mib_after_1k": tree1k / 2**20,
            "tree_rss_mib_after_all": tree_end / 2**20,
            # Judged on the larger: the workers' steady memory must not dilute the proxy's growth.
            "growth": max(growth_main, growth_tree),
            "growth_proxy_process": growth_main,
            "events_recorded": events,
            "wall_s": elapsed,
        }
    finally:
        proxy.stop()


def detector_throughput() -> dict:
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_detect
    from residency_guard.detect import Detector
    from residency_guard.profile import load_profile

    records = bench_detect.load_corpus()
    bench_detect.evaluate(records[:40], Detector(), with_profile=False)
    out = {}
    for name, detector, with_profile in (
        ("no_profile", Detector(), False),
        ("with_profile", Detector([load_profile(bench_detect.CORPUS_PROFILE)]), True),
    ):
        rep = bench_detect.evaluate(records, detector, with_profile=with_profile)
        out[name] = {
            "requests": rep.requests,
            "raw_mb_per_s_extract_and_detect": rep.raw_bytes / 1e6 / (rep.extract_s + rep.detect_s),
            "detect_mb_per_s_of_field_text": rep.field_bytes / 1e6 / rep.detect_s,
            "ms_per_request": 1e3 * (rep.extract_s + rep.detect_s) / rep.requests,
        }
    return out


# ---------------------------------------------------------------------------------------- report


def verdicts(result: dict) -> dict:
    plain, guard = result["proxy"]["plain"], result["proxy"]["guard"]
    cpu_ratio = guard["cpu_ms_per_request"] / plain["cpu_ms_per_request"]
    tput_ratio = guard["throughput_c32_rps"] / plain["throughput_c32_rps"]
    added = {}
    for size, lat in guard["latency_ms"].items():
        base = plain["latency_ms"][size]
        added[size] = {"p50": lat["p50"] - base["p50"], "p99": lat["p99"] - base["p99"]}
    worst_p50 = max(v["p50"] for s, v in added.items() if int(s) <= LATENCY_TARGET_MAX_SIZE)
    out = {
        "cpu_ratio": {"value": cpu_ratio, "target": f"<= {TARGETS['cpu_ratio']}", "pass": cpu_ratio <= TARGETS["cpu_ratio"]},
        "throughput_ratio": {
            "value": tput_ratio, "target": f">= {TARGETS['throughput_ratio']}", "pass": tput_ratio >= TARGETS["throughput_ratio"],
        },
        "added_p50_ms_up_to_16k": {
            "value": worst_p50, "target": f"<= {TARGETS['added_p50_ms']}", "pass": worst_p50 <= TARGETS["added_p50_ms"],
        },
    }  # fmt: skip
    result["added_latency_ms"] = added
    if "rss" in result:
        g = result["rss"]["growth"]
        out["rss_growth_1k_to_all"] = {
            "value": g,
            "target": f"<= {TARGETS['rss_growth']}",
            "pass": g <= TARGETS["rss_growth"],
        }
    return out


def print_report(result: dict) -> None:
    plain, guard = result["proxy"]["plain"], result["proxy"]["guard"]
    print("\n== proxy overhead (same mix, interleaved rounds)")
    print(f"{'':<28}{'plain':>12}{'guard':>12}")
    print(f"{'requests':<28}{plain['requests']:>12}{guard['requests']:>12}")
    print(f"{'CPU ms/request (all)':<28}{plain['cpu_ms_per_request']:>12.3f}{guard['cpu_ms_per_request']:>12.3f}")
    print(
        f"{'  of which proxy process':<28}{plain['cpu_ms_per_request_proxy_process']:>12.3f}"
        f"{guard['cpu_ms_per_request_proxy_process']:>12.3f}   (the rest: inspector workers)"
    )
    print(f"{'CPU ms/request (c=1)':<28}{plain['cpu_ms_per_request_c1']:>12.3f}{guard['cpu_ms_per_request_c1']:>12.3f}")
    print(
        f"{'CPU ms/request (c=32)':<28}{plain['cpu_ms_per_request_c32']:>12.3f}{guard['cpu_ms_per_request_c32']:>12.3f}"
    )
    print(f"{'throughput c=32 (req/s)':<28}{plain['throughput_c32_rps']:>12.1f}{guard['throughput_c32_rps']:>12.1f}")
    print(f"statuses: plain {plain['statuses']}, guard {guard['statuses']}")
    print("\n== latency at concurrency 1 (ms)")
    print(
        f"{'body size':>10}{'plain p50':>11}{'guard p50':>11}{'added p50':>11}{'plain p99':>11}{'guard p99':>11}{'added p99':>11}"
    )
    for size, add in result["added_latency_ms"].items():
        p, g = plain["latency_ms"][size], guard["latency_ms"][size]
        print(
            f"{size:>10}{p['p50']:>11.3f}{g['p50']:>11.3f}{add['p50']:>11.3f}{p['p99']:>11.3f}{g['p99']:>11.3f}{add['p99']:>11.3f}"
        )
    print("\n== detector on the development corpus (extract + detect, in process)")
    for name, d in result["detector"].items():
        print(
            f"{name:<14} {d['raw_mb_per_s_extract_and_detect']:.2f} MB/s raw request bytes, "
            f"{d['detect_mb_per_s_of_field_text']:.2f} MB/s field text (detect alone), {d['ms_per_request']:.3f} ms/request"
        )
    if "rss" in result:
        r = result["rss"]
        print(
            f"\n== guard RSS: {r['rss_mib_after_1k']:.1f} MiB after 1 000 flows, {r['rss_mib_after_all']:.1f} MiB after "
            f"{r['flows']} flows ({100 * r['growth_proxy_process']:+.1f} %; with workers "
            f"{r['tree_rss_mib_after_1k']:.1f} → {r['tree_rss_mib_after_all']:.1f} MiB), "
            f"{r['events_recorded']} events recorded, {r['wall_s']:.0f} s"
        )
    if "rss_plain" in result:
        r = result["rss_plain"]
        print(
            f"== plain mitmdump RSS (baseline): {r['rss_mib_after_1k']:.1f} MiB after 1 000 flows, "
            f"{r['rss_mib_after_all']:.1f} MiB after {r['flows']} flows ({100 * r['growth_proxy_process']:+.1f} %)"
        )
    print("\n== targets")
    for name, v in result["targets"].items():
        print(f"{'PASS' if v['pass'] else 'FAIL'}  {name:<26} {v['value']:.4g} (target {v['target']})")


async def amain(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-proxy-") as tmp:
        work = Path(tmp)
        origin, origin_port = start_origin()
        plain = guard = None
        try:
            plain = start_proxy("plain", work, guard=False)
            guard = start_proxy("guard", work, guard=True)
            mix = build_mix(origin_port, args.per_combo)
            print(
                f"bench: {len(mix)} requests per segment ({len(SIZE_CLASSES)} sizes x {len(KINDS)} kinds, "
                f"{sum(r.with_identifier for r in mix)} with an identifier), {args.rounds} rounds x (c=1, c=32) per proxy",
                flush=True,
            )
            proxy = await interleaved(plain, guard, mix, args.rounds)
            guard_events = sum(
                1 for line in (work / "guard-events.jsonl").open("rb") if b'"event_type":"transfer"' in line
            )
            guard.stop()
            plain.stop()
            result: dict = {
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
                "mix": {"requests_per_segment": len(mix), "rounds": args.rounds, "size_classes": list(SIZE_CLASSES),
                        "kinds": list(KINDS), "with_identifier": sum(r.with_identifier for r in mix)},
                "proxy": proxy,
                "guard_transfer_events": guard_events,
            }  # fmt: skip
            result["detector"] = detector_throughput()
            if args.rss_flows:
                print(f"\nbench: RSS run, {args.rss_flows} flows through a fresh guard", flush=True)
                result["rss"] = await rss_growth(work, origin_port, args.rss_flows)
                if args.rss_baseline:
                    print(f"\nbench: RSS run, {args.rss_flows} flows through plain mitmdump (baseline)", flush=True)
                    result["rss_plain"] = await rss_growth(work, origin_port, args.rss_flows, guard=False)
        finally:
            for p in (plain, guard):
                if p is not None:
                    p.stop()
            origin.terminate()
            origin.wait(5)
    result["targets"] = verdicts(result)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    ap.add_argument("--rounds", type=int, default=4, help="interleaved rounds per proxy (default 4)")
    ap.add_argument("--per-combo", type=int, default=6, help="requests per (size, kind) in one segment (default 6)")
    ap.add_argument(
        "--no-rss-baseline",
        dest="rss_baseline",
        action="store_false",
        help="skip the same RSS run through plain mitmdump (shown for comparison)",
    )
    ap.add_argument("--rss-flows", type=int, default=100_000, help="flows for the RSS run (0: skip; default 100000)")
    ap.add_argument(
        "--guard-arg", action="append", default=[], metavar="ARG",
        help="extra argument for the guard's command line, repeatable (--guard-arg=--engine --guard-arg=python)",
    )  # fmt: skip
    ap.add_argument("--serve-origin", metavar="HOST", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    EXTRA_GUARD_ARGS.extend(args.guard_arg)
    if args.serve_origin:
        try:
            asyncio.run(_serve_origin(args.serve_origin))
        except KeyboardInterrupt:
            pass
        return 0
    result = asyncio.run(amain(args))
    print_report(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
