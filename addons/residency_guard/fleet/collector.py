"""``collect``: the fleet's events from the JetStream stream into PostgreSQL, acknowledged after commit.

One durable pull consumer shared by every collector (a work queue: each message goes to one of them).
A batch is validated against the event model, inserted in one transaction, and only then acknowledged;
a collector killed before its ack leaves the batch to be redelivered (after ``ACK_WAIT_S``) to whichever
collector asks next, and the event id primary key makes the second insert a no-op. A message that is
not an event is terminated (never redelivered) and counted, its content never logged.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import nats.errors
import orjson
import psycopg
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig
from pydantic import ValidationError

from ..model import Event
from . import store
from .stream import MSG_ID_HEADER, STREAM, SUBJECT_PREFIX, SUBJECTS, connect, ensure_stream

log = logging.getLogger("residency_guard.fleet")

DURABLE = "collectors"
# How long a delivered, unacknowledged message waits before it is offered again: longer than a batch
# insert takes, short enough that a killed collector's batch is not stuck for long.
ACK_WAIT_S = 10.0
MAX_ACK_PENDING = 20_000
RETRY_MAX_S = 5.0


@dataclass
class CollectorStats:
    stored: int = 0
    """Events inserted (or already there: a redelivery)."""
    rejected: int = 0
    """Messages that were not valid events, terminated."""
    batches: int = 0


@dataclass
class Collector:
    nats_url: str
    db_url: str
    batch: int = 500
    durable: str = DURABLE
    stats: CollectorStats = field(default_factory=CollectorStats)

    async def run(self, stop: asyncio.Event, grace: float = 5.0) -> None:
        """Collect until ``stop`` is set, riding out restarts of the NATS server and the database.

        Once stopped, a batch being stored has ``grace`` seconds to finish; after that (or while waiting
        for a server that is down, where connecting never gives up) the work is cancelled: an insert cut
        short rolls back unacknowledged, and the batch is redelivered.
        """
        work = asyncio.create_task(self._collect(stop))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        try:
            await asyncio.wait_for(work, grace)
        except TimeoutError:
            pass  # wait_for cancelled it

    async def _collect(self, stop: asyncio.Event) -> None:
        delay = 0.2
        while not stop.is_set():
            nc: NATS | None = None
            db: psycopg.AsyncConnection[Any] | None = None
            try:
                db = await psycopg.AsyncConnection.connect(self.db_url, autocommit=True)
                if applied := await store.migrate(db):
                    log.info("residency-guard: collector: applied migrations %s", applied)
                nc = await connect(self.nats_url, "collector")
                js = nc.jetstream()
                await ensure_stream(js)
                config = ConsumerConfig(
                    durable_name=self.durable,
                    ack_policy=AckPolicy.EXPLICIT,
                    ack_wait=ACK_WAIT_S,
                    max_ack_pending=MAX_ACK_PENDING,
                )
                sub = await js.pull_subscribe(SUBJECTS, durable=self.durable, stream=STREAM, config=config)
                delay = 0.2
                while not stop.is_set():
                    try:
                        msgs = await sub.fetch(self.batch, timeout=1.0)
                    except nats.errors.TimeoutError:
                        continue
                    await self._store(db, nc, msgs)
            except (TimeoutError, OSError, psycopg.Error, nats.errors.Error) as e:
                log.warning("residency-guard: collector: %s; retrying", type(e).__name__)
            finally:
                if nc is not None:
                    await _quietly(nc.close())
                if db is not None:
                    await _quietly(db.close())
            if not stop.is_set():
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)

    async def _store(self, db: psycopg.AsyncConnection[Any], nc: NATS, msgs: list[Msg]) -> None:
        rows, good, bad = [], [], []
        for msg in msgs:
            row = _row(msg)
            if row is None:
                bad.append(msg)
            else:
                rows.append(row)
                good.append(msg)
        if rows:
            await store.insert(db, rows)  # committed: from here the database holds them
        for msg in good:
            await msg.ack()
        for msg in bad:
            await msg.term()
        await nc.flush(timeout=5)
        self.stats.stored += len(good)
        self.stats.rejected += len(bad)
        self.stats.batches += 1
        if bad:
            log.warning("residency-guard: collector: dropped %d message(s) that are not events", len(bad))


def _row(msg: Msg) -> tuple[Any, ...] | None:
    try:
        raw = orjson.loads(msg.data)
        event = Event.model_validate(raw)
    except (orjson.JSONDecodeError, ValidationError, ValueError):
        return None
    event_id = event.event_id or (msg.headers or {}).get(MSG_ID_HEADER)
    if not event_id:
        return None
    guard = msg.subject.removeprefix(SUBJECT_PREFIX + ".")
    return store.row_of(event, event_id, guard, raw)


async def _quietly(closing: Any) -> None:
    try:
        await asyncio.wait_for(closing, 2)
    except Exception:
        pass  # the peer is gone already
