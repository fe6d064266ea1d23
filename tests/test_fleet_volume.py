"""A volume rule counted by the fleet: two real guards share one PostgreSQL database (``run --db``).

The policy counts distinct devices sending device identifiers to CN, threshold 2, action block. Guard A
sees two phones; guard B, which never saw them, blocks the third phone it sees — because the count is
the fleet's — and still lets the first two through (the volume does not grow by a device it has).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import psycopg
import pytest

from fleet_harness import fresh_database, postgres_cluster, wait_until
from guard_harness import LAB_OVERLAY, ZZHC_FIELDS, ZZHC_HEADERS, running_guard, zzhc_body
from residency_guard.fleet.localservers import PostgresCluster

pytestmark = pytest.mark.fleet

POLICY = """
name: tiny-bulk
default: {deny: [CN], action: log}
volume:
  - name: devices-to-cn
    categories: [device]
    countries: [CN]
    window: 365d
    threshold: 2
    action: block
    legal_basis: test threshold
"""
IMEIS = ("352099001761481", "490154203237518", "356938035643809")


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    with postgres_cluster() as c:
        yield c


def send(proxy_url: str, url: str, imei: str) -> int:
    body = zzhc_body({**ZZHC_FIELDS, "IMEI1": imei, "IMEI2": imei})
    with httpx.Client(proxy=proxy_url, timeout=10, trust_env=False) as client:
        return client.post(url, content=body, headers=ZZHC_HEADERS).status_code


def subjects(db: str) -> int:
    with psycopg.connect(db) as conn:
        try:
            return conn.execute("SELECT count(*) FROM volume_subjects").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def test_the_guard_that_sees_the_third_device_blocks_across_two_guards(
    tmp_path: Path, cluster: PostgresCluster, origins
) -> None:
    db = fresh_database(cluster)
    policy = tmp_path / "tiny-bulk.yaml"
    policy.write_text(POLICY)
    key = tmp_path / "fleet.key"
    key.write_bytes(os.urandom(32))  # one key for the fleet: the same phone gets the same fingerprint
    url = origins["CN"].url
    dirs = [tmp_path / "a", tmp_path / "b"]
    for d in dirs:
        d.mkdir()
    common = ["--db", db, "--fingerprint-key", str(key)]
    with (
        running_guard(dirs[0], overlay=LAB_OVERLAY, policy=policy, extra_args=[*common, "--guard-name", "a"]) as a,
        running_guard(dirs[1], overlay=LAB_OVERLAY, policy=policy, extra_args=[*common, "--guard-name", "b"]) as b,
    ):
        assert [send(a.proxy_url, url, i) for i in IMEIS[:2]] == [200, 200]
        wait_until(lambda: subjects(db) == 2, 15, "guard a's two devices in the fleet counters")
        time.sleep(2.5)  # guard b reads the fleet's counts every 2 s: until then it judges with what it knew
        assert send(b.proxy_url, url, IMEIS[2]) == 451
        # A device the fleet counted, new to guard b: its first request errs towards the threshold; then
        # b has asked the database, knows the fleet counted it, and the volume stays at two.
        send(b.proxy_url, url, IMEIS[0])
        time.sleep(2.5)
        assert send(b.proxy_url, url, IMEIS[0]) == 200
        assert send(a.proxy_url, url, IMEIS[2]) == 451  # a blocks it too, though b never sent it
    assert subjects(db) == 2

    events_b = [orjson.loads(line) for line in (dirs[1] / "events.jsonl").read_bytes().splitlines()]
    blocked = [e for e in events_b if e.get("action") == "blocked"]
    assert 1 <= len(blocked) <= 2
    rule = next(r for r in blocked[0]["rules"] if r["rule"] == "volume.devices-to-cn")
    assert "3 distinct devices in 365d, fleet count" in rule["reason"] and rule["legal_basis"] == "test threshold"
