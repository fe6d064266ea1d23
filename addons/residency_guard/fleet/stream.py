"""The JetStream side every fleet component agrees on: stream, subjects, and how to connect.

The stream is a work queue: a message is removed once a collector acknowledged it (the database holds
the evidence from then on; the guard's JSONL keeps it too), so the server's storage stays bounded by
what has not been collected yet. Several collectors share one durable pull consumer.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

log = logging.getLogger("residency_guard.fleet")

STREAM = "RESIDENCY_EVENTS"
SUBJECT_PREFIX = "residency.events"
SUBJECTS = f"{SUBJECT_PREFIX}.>"
# A publisher that lost an ack re-sends the message; JetStream drops it when the same Nats-Msg-Id
# arrived within this window. An hour covers an outage of minutes with margin; beyond it the database's
# primary key (the event id) still keeps the event once.
DUPLICATE_WINDOW_S = 3600.0
MSG_ID_HEADER = "Nats-Msg-Id"

_NOT_A_SUBJECT_TOKEN = re.compile(r"[^A-Za-z0-9_-]")


def subject_for(guard: str) -> str:
    """``residency.events.<guard>``, the guard name made one subject token (host names have dots)."""
    return f"{SUBJECT_PREFIX}.{_NOT_A_SUBJECT_TOKEN.sub('_', guard) or '_'}"


def stream_config() -> StreamConfig:
    return StreamConfig(
        name=STREAM,
        subjects=[SUBJECTS],
        retention=RetentionPolicy.WORK_QUEUE,
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW_S,
    )


async def ensure_stream(js: JetStreamContext) -> None:
    """Create the stream unless it exists (publishers and collectors both call this; either may start first)."""
    try:
        await js.stream_info(STREAM)
    except NotFoundError:
        await js.add_stream(stream_config())


async def connect(url: str, name: str) -> NATS:
    """A connection that reconnects by itself, forever, and logs its state changes once each."""
    connection: list[NATS] = []

    async def on_error(e: Exception) -> None:
        log.debug("nats %s: %s", name, e)

    async def on_disconnected() -> None:
        if connection and connection[0].is_closed:
            return  # closed on purpose
        log.warning("residency-guard: %s: disconnected from the NATS server; will reconnect", name)

    async def on_reconnected() -> None:
        log.warning("residency-guard: %s: reconnected to the NATS server", name)

    options: dict[str, Any] = dict(
        servers=[url],
        name=name,
        connect_timeout=2,
        reconnect_time_wait=0.5,
        max_reconnect_attempts=-1,
        allow_reconnect=True,
        error_cb=on_error,
        disconnected_cb=on_disconnected,
        reconnected_cb=on_reconnected,
    )
    nc = await nats.connect(**options)
    connection.append(nc)
    return nc
