"""The fleet on real engines: guards publish to NATS JetStream, collectors store into PostgreSQL.

Nothing is mocked: ``nats-server -js`` and a PostgreSQL cluster run on loopback (``fleet_harness``), the
guard is a real ``residency-guard run --publish`` in front of a loopback origin, the collector the real
``residency-guard collect`` in a process of its own. The claim under test is the issue's: whatever
is killed or restarted mid-stream, every event of every guard's events file ends up in the database
exactly once.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import orjson
import psycopg
import pytest

from _evidence_samples import event, session
from fleet_harness import (
    CollectorProcess,
    fresh_database,
    judged_events,
    nats_server,
    postgres_cluster,
    stored_events,
    wait_until,
)
from guard_harness import LAB_OVERLAY, ZZHC_HEADERS, running_guard, zzhc_body
from residency_guard.eventlog import EventWriter
from residency_guard.fleet import store
from residency_guard.fleet.collector import Collector
from residency_guard.fleet.follow import START, Follower, OffsetFile
from residency_guard.fleet.localservers import PostgresCluster
from residency_guard.fleet.publisher import Publisher, message_of
from residency_guard.fleet.stream import subject_for
from residency_guard.model import new_event_id

pytestmark = pytest.mark.fleet

UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    with postgres_cluster() as c:
        yield c


def canonical(events: list[dict]) -> Counter[bytes]:
    """A multiset of events, independent of key order (JSONB does not keep it)."""
    return Counter(orjson.dumps(e, option=orjson.OPT_SORT_KEYS) for e in events)


def write_events(path: Path, guard: str, n: int, *, pace: float = 0.0, max_bytes: int | None = None) -> None:
    """``n`` events through the real event log; every tenth without an event id, as older guards wrote."""
    with EventWriter(path, max_bytes=max_bytes) as writer:
        writer.append(session(f"s-{guard}"))
        for i in range(n):
            update = {"guard": guard} | ({} if i % 10 == 9 else {"event_id": new_event_id()})
            writer.append(event(flow_id=f"{guard}-{i}").model_copy(update=update))
            time.sleep(pace)


# ------------------------------------------------------------------------------ following the file


def test_follower_reads_every_line_once_across_rotations_and_waits_for_a_line_being_written(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    follower = Follower(path, max_lines=7)
    write_events(path, "g", 60, max_bytes=8_000)  # rotates several times
    assert len(list(tmp_path.glob("events.jsonl.*"))) >= 3
    position, lines = START, []
    for _ in range(100):
        batch, position = follower.read(position)
        assert len(batch) <= 7
        lines += batch
        if not batch:
            break
    judged = [orjson.loads(line) for line in lines if orjson.loads(line)["event_type"] == "transfer"]
    assert [e["flow_id"] for e in judged] == [f"g-{i}" for i in range(60)]

    with open(path, "ab") as fh:
        fh.write(b'{"event_type": "transfer", "half')  # the guard is writing this line
    assert follower.read(position) == ([], position)
    with open(path, "ab") as fh:
        fh.write(b'": 1}\n')
    assert follower.read(position)[0] == [b'{"event_type": "transfer", "half": 1}']


def test_offset_file_survives_garbage_and_old_events_get_a_stable_id(tmp_path: Path) -> None:
    offsets = OffsetFile.beside(tmp_path / "events.jsonl", "publish")
    assert offsets.load() == START
    offsets.path.write_bytes(b"\x00not json")
    assert offsets.load() == START
    line = orjson.dumps(event().model_dump(mode="json"))
    first, again = message_of(line), message_of(line)
    assert first is not None and again is not None and first.event_id == again.event_id
    assert message_of(orjson.dumps(session().model_dump(mode="json"))) is None
    assert message_of(b'{"event_type": "transfer", "tor') is None
    assert subject_for("lab-a.example.org") == "residency.events.lab-a_example_org"


# ------------------------------------------------------------------------------ the database


def test_migrations_are_versioned_and_applied_once(cluster: PostgresCluster) -> None:
    db = fresh_database(cluster)

    async def twice() -> tuple[list[int], list[int]]:
        async with await psycopg.AsyncConnection.connect(db, autocommit=True) as conn:
            return await store.migrate(conn), await store.migrate(conn)

    first, second = asyncio.run(twice())
    assert first == [m.version for m in store.migrations()] and first[0] == 1
    assert second == []
    with psycopg.connect(db) as conn:
        applied = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
        assert applied == [(1, "events"), (2, "volume")]
        indexed = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")}
    assert {"events_pkey", "events_ts", "events_guard_ts", "events_types"} <= indexed


def test_a_message_that_is_not_an_event_is_dropped_and_the_collector_goes_on(
    tmp_path: Path, cluster: PostgresCluster
) -> None:
    db = fresh_database(cluster)
    path = tmp_path / "events.jsonl"
    with nats_server(tmp_path) as ns:

        async def scenario() -> Collector:
            nc = await nats.connect(ns.url)
            js = nc.jetstream()
            collector = Collector(ns.url, db, batch=10)
            stop = asyncio.Event()
            task = asyncio.create_task(collector.run(stop))
            await asyncio.sleep(1.0)  # the collector created the stream
            await js.publish(subject_for("hostile"), b"\xff\xfe not an event")
            await js.publish(subject_for("hostile"), b'{"event_type": "transfer", "flow_id": 3}')
            await nc.close()
            write_events(path, "g", 5)
            publisher = Publisher(path, ns.url, "g")
            publisher.start()
            for _ in range(100):
                if collector.stats.stored >= 5:
                    break
                await asyncio.sleep(0.1)
            publisher.stop()
            stop.set()
            await task
            return collector

        collector = asyncio.run(scenario())
    assert collector.stats.rejected == 2
    assert canonical([e for _, _, e in stored_events(db)]) == canonical(judged_events(path))


def test_a_publisher_started_during_an_outage_replays_its_backlog_once_the_server_is_up(
    tmp_path: Path, cluster: PostgresCluster
) -> None:
    db = fresh_database(cluster)
    path = tmp_path / "events.jsonl"
    write_events(path, "g", 300)
    with nats_server(tmp_path) as ns:
        ns.stop()  # down before the guard starts publishing
        publisher = Publisher(path, ns.url, "g")
        publisher.start()
        time.sleep(1.5)
        assert publisher.published == 0
        ns.start()
        collector = CollectorProcess(ns.url, db, tmp_path / "collector.log").start()
        try:
            wait_until(lambda: len(stored_events(db)) >= 300, 30, "the backlog in the database")
            assert publisher.stop()
            again = Publisher(path, ns.url, "g")  # a restarted guard: resumes at the saved offset
            again.start()
            time.sleep(0.5)
            assert again.stop() and again.published == 0
        finally:
            collector.stop()
    assert canonical([e for _, _, e in stored_events(db)]) == canonical(judged_events(path))


# ------------------------------------------------------------------------------ the whole fleet


def test_three_guards_while_the_collector_is_killed_and_the_server_restarted_store_every_event_once(
    tmp_path: Path, cluster: PostgresCluster, origins
) -> None:
    db = fresh_database(cluster)
    files = {name: tmp_path / f"{name}.jsonl" for name in ("lab-b", "lab-c")}
    with nats_server(tmp_path) as ns:
        collector = CollectorProcess(ns.url, db, tmp_path / "collector.log").start()
        try:
            guard_args = ["--publish", ns.url, "--guard-name", "lab-a.example"]
            (tmp_path / "guard-a").mkdir()
            with running_guard(tmp_path / "guard-a", overlay=LAB_OVERLAY, extra_args=guard_args) as guard:
                publishers = [Publisher(path, ns.url, name) for name, path in files.items()]
                for p in publishers:
                    p.start()
                writers = [
                    threading.Thread(
                        target=write_events, args=(path, name, 400), kwargs={"pace": 0.012, "max_bytes": 60_000}
                    )
                    for name, path in files.items()
                ]

                def phone() -> None:
                    with httpx.Client(proxy=guard.proxy_url, timeout=10, trust_env=False) as client:
                        for _ in range(20):
                            assert (
                                client.post(origins["CN"].url, content=zzhc_body(), headers=ZZHC_HEADERS).status_code
                                == 451
                            )
                            time.sleep(0.25)

                busy = [*writers, threading.Thread(target=phone)]
                for t in busy:
                    t.start()
                time.sleep(1.5)
                collector.kill()
                time.sleep(1.0)
                ns.restart(down_for=1.5)
                time.sleep(0.5)
                collector.start()
                for t in busy:
                    t.join(30)
                expected = judged_events(guard.events_path) + [e for p in files.values() for e in judged_events(p)]
                assert len(expected) == 20 + 2 * 400
                wait_until(lambda: len(stored_events(db)) >= len(expected), 40, "every event in the database")
                time.sleep(1.0)  # anything redelivered late would show up as an extra row now
                for p in publishers:
                    assert p.stop()
        finally:
            status = collector.stop()
        assert status == 0

    rows = stored_events(db)
    assert len(rows) == len(expected)
    assert canonical([e for _, _, e in rows]) == canonical(expected)
    assert {g for _, g, _ in rows} == {"lab-a.example", "lab-b", "lab-c"}
    live = judged_events(guard.events_path)
    assert all(UUID7.match(e["event_id"]) and e["guard"] == "lab-a.example" for e in live)
    assert {e["event_id"] for e in live} <= {i for i, _, _ in rows}
    assert len(list(tmp_path.glob("lab-b.jsonl.*"))) >= 1  # the publishers followed rotations
