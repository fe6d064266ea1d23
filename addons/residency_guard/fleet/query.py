"""Reading the fleet database back as events: the source ``export``, ``diff`` and the dashboard use with ``--db``.

A query selects by guard (a ``*`` wildcard selects a lab's guards when their names share a prefix:
``lab-a.*``), device profile, firmware build and time range, and returns the stored events validated
against the same ``Event`` model as the events-file reader, ordered by time and then event id (the order
a merge of the guards' files gives), so every export format works on them unchanged.

``EventPoller`` is the dashboard's view: rows as the collectors commit them, polled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from ..model import Event


class FleetQueryError(Exception):
    """The database cannot be read (unreachable, no events table, a row that is not an event)."""


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Which stored events to read; empty tuples select everything."""

    guards: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()
    builds: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    def where(self) -> tuple[sql.Composable, list[Any]]:
        """The WHERE clause (``TRUE`` when unfiltered) and its parameters."""
        clauses: list[sql.Composable] = []
        params: list[Any] = []
        for column, values in (("guard", self.guards), ("device", self.devices), ("build", self.builds)):
            if values:
                # LIKE with every character but '*' escaped: names with '_' or '%' match literally.
                clauses.append(sql.SQL("{} LIKE ANY(%s)").format(sql.Identifier(column)))
                params.append([_like_pattern(v) for v in values])
        if self.since is not None:
            clauses.append(sql.SQL("ts >= %s"))
            params.append(self.since)
        if self.until is not None:
            clauses.append(sql.SQL("ts < %s"))
            params.append(self.until)
        return (sql.SQL(" AND ").join(clauses) if clauses else sql.SQL("TRUE")), params

    def describe(self) -> str:
        parts = [f"{name}={','.join(v)}" for name, v in (("guard", self.guards), ("device", self.devices),
                                                          ("build", self.builds)) if v]  # fmt: skip
        parts += [f"since={self.since.isoformat()}"] if self.since else []
        parts += [f"until={self.until.isoformat()}"] if self.until else []
        return " ".join(parts) or "all events"


def _like_pattern(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def redacted_url(url: str) -> str:
    """The database URL without its password, for messages and report metadata."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def _event(row: Any, where: str) -> Event:
    try:
        return Event.model_validate(row)
    except ValueError as e:  # pydantic's ValidationError is a ValueError
        raise FleetQueryError(f"{where}: stored row is not a valid event: {type(e).__name__}") from None


def read_events(db_url: str, query: EventQuery = EventQuery(), *, batch: int = 2000) -> list[Event]:
    """Every stored event the query selects, oldest first (ties broken by event id)."""
    where, params = query.where()
    # COLLATE "C": ids compared byte by byte, as a merge of the files does, whatever the database's locale.
    statement = sql.SQL('SELECT event_id, event FROM events WHERE {} ORDER BY ts, event_id COLLATE "C"').format(where)
    try:
        with psycopg.connect(db_url, connect_timeout=10) as conn:
            # A named (server-side) cursor streams the rows instead of loading the whole result twice.
            with conn.cursor(name="residency_guard_export") as cur:
                cur.itersize = batch
                cur.execute(statement, params)
                return [_event(event, f"event {event_id}") for event_id, event in cur]
    except psycopg.Error as e:
        raise FleetQueryError(f"{redacted_url(db_url)}: {_message(e)}") from None


def _message(e: psycopg.Error) -> str:
    if isinstance(e, psycopg.errors.UndefinedTable):
        return "no events table: no collector has stored anything in this database yet"
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


# The rows a collector commits are stamped with its transaction's start time, so a row can become visible
# after rows stamped later; re-reading this far back (deduplicated by event id) catches it.
LATE_COMMIT_LOOKBACK = timedelta(seconds=10)


class EventPoller:
    """New stored events since the previous poll, as the dashboard's follower gives them (dicts).

    The cursor is (received_at, event_id); each poll also re-reads the last ``LATE_COMMIT_LOOKBACK`` of
    rows and skips the event ids already returned, so a batch committed late is still shown once.
    ``poll`` is synchronous, bounded by ``max_records`` per call; a database that is down makes it
    return nothing and report once through ``on_warning``.
    """

    def __init__(
        self,
        db_url: str,
        query: EventQuery = EventQuery(),
        *,
        max_records: int = 1000,
        on_warning: Any = None,
    ) -> None:
        self.db_url = db_url
        self.query = query
        self.max_records = max_records
        self.on_warning = on_warning
        self._conn: psycopg.Connection[Any] | None = None
        self._cursor: tuple[datetime, str] | None = None
        self._seen: dict[str, datetime] = {}
        self._failing = False
        self.skipped = 0
        """Stored rows that are not JSON objects (the collector validated them: this would be tampering)."""

    @property
    def waiting(self) -> bool:
        return self._cursor is None

    def poll(self) -> list[dict[str, Any]]:
        try:
            rows = self._fetch()
        except psycopg.Error as e:
            self._disconnect()
            if not self._failing and self.on_warning is not None:
                self.on_warning(f"{redacted_url(self.db_url)}: {_message(e)}")
            self._failing = True
            return []
        self._failing = False
        records = []
        for received_at, event_id, event in rows:
            if event_id in self._seen:
                continue
            self._seen[event_id] = received_at
            if self._cursor is None or (received_at, event_id) > self._cursor:
                self._cursor = (received_at, event_id)
            if isinstance(event, dict):
                records.append(event)
            else:
                self.skipped += 1
        if self._cursor is not None:
            horizon = self._cursor[0] - LATE_COMMIT_LOOKBACK
            self._seen = {i: t for i, t in self._seen.items() if t >= horizon}
        return records

    def _fetch(self) -> Sequence[tuple[datetime, str, Any]]:
        if self._conn is None:
            self._conn = psycopg.connect(self.db_url, autocommit=True, connect_timeout=5)
        where, params = self.query.where()
        if self._cursor is not None:
            where = sql.SQL("{} AND received_at >= %s").format(where)
            params = [*params, self._cursor[0] - LATE_COMMIT_LOOKBACK]
        statement = sql.SQL(
            'SELECT received_at, event_id, event FROM events WHERE {} ORDER BY received_at, event_id COLLATE "C" LIMIT %s'
        ).format(where)
        # Rows already seen come first in the lookback: ask for enough to get past them.
        limit = self.max_records + len(self._seen)
        return self._conn.execute(statement, [*params, limit]).fetchall()

    def _disconnect(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
            self._conn = None

    def close(self) -> None:
        self._disconnect()
