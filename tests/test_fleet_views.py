"""Fleet views: ``export``, ``diff`` and the dashboard reading the fleet database (``--db``) on real engines.

Three guards' events files go through the real publisher, NATS JetStream and ``residency-guard collect``
into PostgreSQL; what the database gives back must be what the guards recorded, in the order a merge of
their files gives (time, then event id).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest

from _evidence_samples import event, session, write_events
from fleet_harness import CollectorProcess, fresh_database, nats_server, postgres_cluster, stored_events, wait_until
from residency_guard.commands import dashboard, diff, export
from residency_guard.evidence import EXIT_INPUT, EXIT_OK
from residency_guard.fleet.localservers import PostgresCluster
from residency_guard.fleet.publisher import Publisher
from residency_guard.fleet.query import EventPoller, EventQuery
from residency_guard.model import Event, new_event_id

pytestmark = pytest.mark.fleet

GUARDS = ("lab-a.ap1", "lab-a.ap2", "lab-b.ap1")
# Only fields the session record gives: the database holds events, guards publish no session records.
SESSION_FIELDS = (("observer", "version"), ("residency_guard", "session_id"), ("residency_guard", "policy"))


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    with postgres_cluster() as c:
        yield c


def guard_events(guard: str, index: int) -> list[Event]:
    """Ten events of one guard; minutes shared between guards, so the order needs the event id too."""
    out = []
    for i in range(10):
        violation = i % 3 != 0
        out.append(
            event(
                ts=f"2025-03-01T10:{i:02d}:{index // 2:02d}Z",
                flow_id=f"{guard}-{i}",
                verdict="violation" if violation else "allowed",
                action="blocked" if violation and i % 4 == 1 else "logged",
                country="CN" if violation else "DE",
                host="zzhc.vnet.cn" if violation else "api.example.de",
                types=("imei", "mac") if i % 2 else ("imei",),
            ).model_copy(
                update={
                    "guard": guard,
                    "event_id": new_event_id(),
                    "device": "nokia7plus-no" if i % 2 else "pixel8-de",
                }
            )
        )
    return out


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory, cluster: PostgresCluster) -> tuple[str, dict[str, Path]]:
    """(database URL, events file per guard) once the collector stored every guard's events."""
    tmp = tmp_path_factory.mktemp("fleet-views")
    db = fresh_database(cluster)
    files = {
        g: write_events(tmp / f"{g}.jsonl", [session(f"s-{g}"), *guard_events(g, i)]) for i, g in enumerate(GUARDS)
    }
    with nats_server(tmp) as ns:
        collector = CollectorProcess(ns.url, db, tmp / "collector.log").start()
        publishers = [Publisher(path, ns.url, g) for g, path in files.items()]
        try:
            for p in publishers:
                p.start()
            wait_until(lambda: len(stored_events(db)) >= 10 * len(GUARDS), 30, "every guard's events stored")
        finally:
            for p in publishers:
                p.stop()
            collector.stop()
    return db, files


def run(command: Any, *argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="residency-guard")
    command.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([command.NAME if hasattr(command, "NAME") else "dashboard", *map(str, argv)])
    result: int = args.func(args)
    return result


def merge_key(e: dict[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(e["timestamp"].replace("Z", "+00:00")), e["event_id"]


def without_session_fields(doc: dict[str, Any]) -> dict[str, Any]:
    doc = orjson.loads(orjson.dumps(doc))
    for outer, inner in SESSION_FIELDS:
        doc.get(outer, {}).pop(inner, None)
    return doc


def test_the_fleet_json_export_is_the_guards_exports_merged_by_time_then_id(
    fleet: tuple[str, dict[str, Path]], tmp_path: Path
) -> None:
    db, files = fleet
    merged = []
    for guard, path in files.items():
        assert run(export, path, "--all", "-o", tmp_path / f"{guard}.json") == EXIT_OK
        merged += orjson.loads((tmp_path / f"{guard}.json").read_bytes())["events"]
    merged.sort(key=merge_key)

    assert run(export, "--db", db, "--all", "-o", tmp_path / "fleet.json") == EXIT_OK
    report = orjson.loads((tmp_path / "fleet.json").read_bytes())
    assert len(report["events"]) == 30
    assert report["events"] == merged
    assert report["summary"]["violations"] == sum(e["verdict"] == "violation" for e in merged)
    assert report["metadata"]["session_id"] is None and report["metadata"]["source_files"] == []


def test_the_fleet_ecs_export_is_the_guards_ecs_exports_merged(
    fleet: tuple[str, dict[str, Path]], tmp_path: Path
) -> None:
    db, files = fleet
    keyed = []
    for guard, path in files.items():
        out = tmp_path / f"{guard}.ndjson"
        assert run(export, path, "--all", "--format", "ecs", "-o", out) == EXIT_OK
        recorded = [orjson.loads(line) for line in path.read_bytes().splitlines()][1:]  # after the session
        documents = [orjson.loads(line) for line in out.read_bytes().splitlines()]
        assert len(documents) == len(recorded) == 10
        keyed += [(merge_key(e), d) for e, d in zip(recorded, documents, strict=True)]
    keyed.sort(key=lambda kd: kd[0])

    assert run(export, "--db", db, "--all", "--format", "ecs", "-o", tmp_path / "fleet.ndjson") == EXIT_OK
    fleet_docs = [orjson.loads(line) for line in (tmp_path / "fleet.ndjson").read_bytes().splitlines()]
    assert [without_session_fields(d) for d in fleet_docs] == [without_session_fields(d) for _, d in keyed]
    assert {d["residency_guard"]["policy"]["name"] for d in fleet_docs} == {"gdpr-eea"}


def test_filters_select_a_lab_a_device_and_a_time_range(fleet: tuple[str, dict[str, Path]], tmp_path: Path) -> None:
    db, files = fleet
    out = tmp_path / "lab-a.json"
    assert run(export, "--db", db, "--all", "--guard", "lab-a.*", "--device", "pixel8-de", "-o", out) == EXIT_OK
    events = orjson.loads(out.read_bytes())["events"]
    assert {(e["guard"], e["device"]) for e in events} == {("lab-a.ap1", "pixel8-de"), ("lab-a.ap2", "pixel8-de")}
    assert len(events) == 10

    window = ("--since", "2025-03-01T10:02:00Z", "--until", "2025-03-01T10:04:00Z")
    assert run(export, "--db", db, "--all", *window, "-o", out) == EXIT_OK
    minutes = sorted(e["timestamp"][14:16] for e in orjson.loads(out.read_bytes())["events"])
    assert minutes == ["02", "02", "02", "03", "03", "03"]

    assert run(export, "--db", db, "--build", "b-1", "--all", "-o", out) == EXIT_OK  # no event names a build yet
    assert orjson.loads(out.read_bytes())["events"] == []


def test_source_arguments_are_checked(fleet: tuple[str, dict[str, Path]], tmp_path: Path, capsys) -> None:
    db, files = fleet
    path = files["lab-b.ap1"]
    assert run(export, path, "--db", db) == EXIT_INPUT
    assert run(export, path, "--guard", "x") == EXIT_INPUT
    assert run(export) == EXIT_INPUT
    assert run(export, "--db", db.replace("/fleet_test", "/no_such_db"), "-o", tmp_path / "x.json") == EXIT_INPUT
    assert "no_such_db" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(export, "--db", db, "--since", "yesterday")


def test_diff_compares_a_guards_file_with_the_fleet(fleet: tuple[str, dict[str, Path]], tmp_path: Path) -> None:
    db, files = fleet
    out = tmp_path / "diff.json"
    same = ("--db", db, "--guard", "lab-b.ap1", "--format", "json", "-o", out)
    assert run(diff, files["lab-b.ap1"], *same, "--fail-on", "introduced") == EXIT_OK
    result = orjson.loads(out.read_bytes())
    assert result["violations_introduced"] == [] and result["violations_fixed"] == []
    assert result["new"]["events"] == 10 and result["new"]["source"].startswith("postgresql://")

    # The whole fleet against one guard's run: the same rules and destinations, nothing introduced.
    assert run(diff, files["lab-b.ap1"], "--db", db, "--format", "json", "-o", out) == EXIT_OK
    assert orjson.loads(out.read_bytes())["new"]["events"] == 30
    assert run(diff, files["lab-b.ap1"], files["lab-a.ap1"], "--db", db) == EXIT_INPUT


def test_the_dashboard_poller_returns_new_rows_once_including_a_late_commit(
    fleet: tuple[str, dict[str, Path]], cluster: PostgresCluster
) -> None:
    db, _ = fleet
    poller = EventPoller(db, EventQuery(guards=("lab-b.*",)), max_records=4)
    try:
        got = []
        while batch := poller.poll():
            assert len(batch) <= 4
            got += batch
        assert len(got) == 10 and {e["guard"] for e in got} == {"lab-b.ap1"}
        assert poller.poll() == []

        late = event(flow_id="late").model_copy(update={"guard": "lab-b.ap1", "event_id": new_event_id()})
        other = event(flow_id="other").model_copy(update={"guard": "lab-a.ap1", "event_id": new_event_id()})
        with psycopg.connect(db, autocommit=True) as conn:
            (newest,) = conn.execute("SELECT max(received_at) FROM events WHERE guard = 'lab-b.ap1'").fetchone()
            for e in (late, other):
                conn.execute(
                    "INSERT INTO events (event_id, ts, guard, event_type, country, verdict, action, policy, types,"
                    " event, received_at) VALUES (%s, %s, %s, 'transfer', 'CN', 'violation', 'logged', 'p', '{}',"
                    " %s, %s - interval '3 seconds')",
                    (e.event_id, e.timestamp, e.guard, orjson.dumps(e.model_dump(mode="json")).decode(), newest),
                )
        # Committed after the rows read so far, but stamped 3 s before the newest (a long transaction).
        assert [e["flow_id"] for e in poller.poll()] == ["late"]
        assert poller.poll() == []
    finally:
        poller.close()


def test_the_dashboard_refuses_both_sources_and_neither(tmp_path: Path) -> None:
    assert run(dashboard, "--events", tmp_path / "e.jsonl", "--db", "postgresql://127.0.0.1/x") == 2
    assert run(dashboard) == 2
    assert run(dashboard, "--events", tmp_path / "e.jsonl", "--guard", "g") == 2
