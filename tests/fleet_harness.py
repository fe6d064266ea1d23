"""Real fleet engines for the fleet tests: a NATS server (JetStream) and a PostgreSQL cluster on loopback.

The servers are those ``make fleet-deps`` installs; a test that needs one is skipped, saying so, only
where it is not installed. Each test gets a NATS server of its own (the work-queue stream keeps what a
previous test left unacknowledged) and a new database in a cluster shared by the module.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from guard_harness import GUARD_BIN
from residency_guard.eventlog import read_events
from residency_guard.fleet.localservers import NatsServer, PostgresCluster, ServerUnavailable

_databases = itertools.count(1)


@contextmanager
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    try:
        server = NatsServer(tmp_path / "nats-store", log=tmp_path / "nats-server.log").start()
    except ServerUnavailable as e:
        pytest.skip(f"fleet: {e}")
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    try:
        cluster = PostgresCluster().start()
    except ServerUnavailable as e:
        pytest.skip(f"fleet: {e}")
    try:
        yield cluster
    finally:
        cluster.remove()


def fresh_database(cluster: PostgresCluster) -> str:
    """A new, empty database in the cluster; its URL."""
    name = f"fleet_test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return cluster.url.rsplit("/", 1)[0] + "/" + name


def stored_events(db_url: str) -> list[tuple[str, str, dict]]:
    """(event_id, guard, event) of every row of the fleet database."""
    with psycopg.connect(db_url) as conn:
        try:
            return [tuple(r) for r in conn.execute("SELECT event_id, guard, event FROM events").fetchall()]
        except psycopg.errors.UndefinedTable:
            return []


def judged_events(events_file: Path) -> list[dict]:
    """Every transfer/connection event of an events file, rotated files included."""
    return [e for e in read_events(events_file) if e.get("event_type") in ("transfer", "connection")]


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class CollectorProcess:
    """``residency-guard collect`` as a user starts it, in a process of its own (so it can be killed)."""

    def __init__(self, nats_url: str, db_url: str, log: Path):
        self.args = [str(GUARD_BIN), "collect", "--from", nats_url, "--db", db_url, "--batch", "50"]
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> CollectorProcess:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self) -> None:
        """SIGKILL: no chance to ack or clean up, the way a machine loses a process."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode
