"""Volume counters shared by the fleet: ``run --db`` counts each volume rule's subjects in PostgreSQL.

Each guard upserts (rule, subject, first_seen, last_seen) into ``volume_subjects`` and reads back, per
rule, the number of subjects seen within the rule's window — by every guard. All of it happens on a
thread of its own, every ``refresh_s`` seconds: a flow is judged from memory with the last count read,
plus the subjects this guard added since (not yet in that count), so it never waits for the database,
and a database that is down leaves the guard judging with what it knew last (logged once).

The estimate errs upwards only: a subject the fleet counted already but this guard sees for the first
time is counted again by that first request; the next exchange asks the database about it, and from
then on it is known to be in the count.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime
from typing import Any

import psycopg

from . import store
from .query import redacted_url

log = logging.getLogger("residency_guard.fleet")

UPSERT = (
    "INSERT INTO volume_subjects (rule, subject, first_seen, last_seen, guard) VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT (rule, subject) DO UPDATE SET last_seen = GREATEST(volume_subjects.last_seen, EXCLUDED.last_seen)"
)
COUNT = "SELECT count(*) FROM volume_subjects WHERE rule = %s AND last_seen >= %s"
KNOWN = "SELECT subject FROM volume_subjects WHERE rule = %s AND subject = ANY(%s) AND last_seen >= %s"
MAX_LOOKUPS = 10_000
"""Subjects asked about per exchange, for whether the fleet counted them already (a bound per refresh)."""
MAX_CONFIRMED = 2_000_000
"""Subjects remembered per rule as already in the fleet count (a bound on memory)."""


class FleetCounts:
    counted_by = "fleet count"

    def __init__(self, db_url: str, guard: str, *, refresh_s: float = 2.0) -> None:
        self.db_url = db_url
        self.guard = guard
        self.refresh_s = refresh_s
        self._lock = threading.Lock()
        self._known: dict[str, int] = {}
        self._confirmed: dict[str, set[str]] = {}
        self._pending: dict[str, dict[str, float]] = {}
        self._windows: dict[str, float] = {}
        self._lookups: dict[str, set[str]] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.refreshed = threading.Event()
        """Set after each successful exchange with the database (tests wait on it)."""
        self._thread = threading.Thread(target=self._main, name="residency-guard-volume", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------------------------- the flow side

    def watch(self, key: str, window_s: float) -> None:
        with self._lock:
            self._windows[key] = window_s
        self._wake.set()

    def count_with(self, key: str, subject: str, window_s: float, now: float) -> int:
        with self._lock:
            confirmed = self._confirmed.get(key, set())
            pending = self._pending.get(key, {})
            added = {s for s in pending if s not in confirmed}
            if subject not in confirmed:
                added.add(subject)
                lookups = self._lookups.setdefault(key, set())
                if len(lookups) < MAX_LOOKUPS:
                    lookups.add(subject)  # the next exchange asks whether another guard counted it
            return self._known.get(key, 0) + len(added)

    def record(self, key: str, subject: str, now: float) -> None:
        with self._lock:
            self._pending.setdefault(key, {})[subject] = now
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(5)

    # ---------------------------------------------------------------------------------- the thread

    def _main(self) -> None:
        failing = False
        conn: psycopg.Connection[Any] | None = None
        while not self._stop.is_set():
            try:
                if conn is None:
                    asyncio.run(self._migrate())
                    conn = psycopg.connect(self.db_url, autocommit=True, connect_timeout=5)
                self._exchange(conn)
                if failing:
                    log.info("residency-guard: volume counters: database reachable again")
                failing = False
                self.refreshed.set()
            except psycopg.Error as e:
                if not failing:
                    log.warning(
                        "residency-guard: volume counters: %s: %s; judging with the last counts",
                        redacted_url(self.db_url), type(e).__name__,
                    )  # fmt: skip
                failing = True
                if conn is not None:
                    conn.close()
                    conn = None
            self._wake.wait(self.refresh_s)
            self._wake.clear()
        if conn is not None:
            try:
                self._exchange(conn)  # what was counted last reaches the fleet
            except psycopg.Error:
                pass
            conn.close()

    async def _migrate(self) -> None:
        async with await psycopg.AsyncConnection.connect(self.db_url, autocommit=True, connect_timeout=5) as conn:
            await store.migrate(conn)

    def _exchange(self, conn: psycopg.Connection[Any]) -> None:
        """Upsert what this guard counted since the last time, then read every rule's fleet count."""
        with self._lock:
            pending = {k: dict(v) for k, v in self._pending.items() if v}
            windows = dict(self._windows)
            lookups, self._lookups = self._lookups, {}
        rows = [(k, s, _at(t), _at(t), self.guard) for k, subjects in pending.items() for s, t in subjects.items()]
        if rows:
            with conn.transaction(), conn.cursor() as cur:
                cur.executemany(UPSERT, rows)
        now = datetime.now(UTC).timestamp()
        counts = {k: conn.execute(COUNT, (k, _at(now - w))).fetchone() for k, w in windows.items()}
        known = {
            k: {row[0] for row in conn.execute(KNOWN, (k, list(subjects), _at(now - windows.get(k, 0.0))))}
            for k, subjects in lookups.items()
            if subjects
        }
        with self._lock:
            for key, subjects in pending.items():
                confirmed = self._confirmed.setdefault(key, set())
                if len(confirmed) < MAX_CONFIRMED:
                    confirmed.update(subjects)
                still = self._pending.get(key, {})
                for s, t in subjects.items():
                    if still.get(s) == t:
                        del still[s]
            for key, found in known.items():
                confirmed = self._confirmed.setdefault(key, set())
                if len(confirmed) < MAX_CONFIRMED:
                    confirmed.update(found)
            for key, row in counts.items():
                self._known[key] = int(row[0]) if row else 0


def _at(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
