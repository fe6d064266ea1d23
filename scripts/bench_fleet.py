"""Fleet throughput: publish → collect events/s, and the time to drain a backlog after an outage.

Real engines on loopback (``residency_guard.fleet.localservers``): a NATS server with JetStream and a
PostgreSQL cluster with fsync on. Events are written through the real event log, published by the real
``Publisher`` and stored by ``residency-guard collect`` in its own process.

1. live: the publisher and collector running, ``--events`` events written; events/s from the first write
   until the last is in the database.
2. outage: the NATS server down while ``--backlog`` events are written; then the server is started and
   the time until the last event is in the database is the drain time.

Not a test: run by hand (``python scripts/bench_fleet.py``), figures printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from residency_guard.eventlog import EventWriter
from residency_guard.fleet.localservers import NatsServer, PostgresCluster
from residency_guard.fleet.publisher import Publisher
from residency_guard.model import new_event_id

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _evidence_samples import event  # noqa: E402  (realistic events, as the evidence tests build them)

GUARD_BIN = Path(sys.executable).parent / "residency-guard"


def write(path: Path, n: int, guard: str) -> None:
    template = event()
    with EventWriter(path) as writer:
        for i in range(n):
            writer.append(template.model_copy(update={"event_id": new_event_id(), "guard": guard, "flow_id": str(i)}))


def count(db: str) -> int:
    try:
        with psycopg.connect(db) as conn:
            row = conn.execute("SELECT count(*) FROM events").fetchone()
            return int(row[0]) if row else 0
    except psycopg.errors.UndefinedTable:
        return 0


def until_stored(db: str, n: int, timeout: float = 900) -> float:
    start = time.monotonic()
    while count(db) < n:
        if time.monotonic() - start > timeout:
            raise SystemExit(f"bench-fleet: only {count(db)} of {n} events stored after {timeout}s")
        time.sleep(0.2)
    return time.monotonic()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--backlog", type=int, default=100_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="residency-guard-bench-fleet-"))
    nats_server = NatsServer(work / "nats").start()
    cluster = PostgresCluster(durable=True).start()
    collector = subprocess.Popen(
        [str(GUARD_BIN), "collect", "--from", nats_server.url, "--db", cluster.url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict[str, float | int] = {}
    try:
        live = work / "live.jsonl"
        publisher = Publisher(live, nats_server.url, "bench-live")
        publisher.start()
        start = time.monotonic()
        write(live, args.events, "bench-live")
        written = time.monotonic()
        done = until_stored(cluster.url, args.events)
        publisher.stop()
        results |= {"live_events": args.events, "live_write_s": round(written - start, 2)}
        results["live_events_per_s"] = round(args.events / (done - start))

        nats_server.stop()
        outage = work / "outage.jsonl"
        publisher = Publisher(outage, nats_server.url, "bench-outage")
        publisher.start()
        write(outage, args.backlog, "bench-outage")
        restart = time.monotonic()
        nats_server.start()
        done = until_stored(cluster.url, args.events + args.backlog)
        publisher.stop()
        results |= {"backlog_events": args.backlog, "backlog_drain_s": round(done - restart, 1)}
        results["backlog_events_per_s"] = round(args.backlog / (done - restart))
    finally:
        collector.terminate()
        collector.wait(30)
        nats_server.stop()
        cluster.remove()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
