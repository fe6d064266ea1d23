"""``run --publish``: every judged event of the events file, also published to the fleet's JetStream stream.

The events file stays the source of truth: the guard writes (and, with ``--fsync``, syncs) each event
before anything else happens to it, and the publisher only follows that file, on a thread and event
loop of its own, so a slow or absent server never delays a flow. It publishes a bounded batch at a
time, waits for the server's acknowledgements, and only then advances its offset file; after a crash,
a restart or an outage of any length it re-reads from that offset, and the backlog is replayed. A
message re-sent after a lost ack carries the same ``Nats-Msg-Id`` (the event id), which JetStream
de-duplicates; the collector's primary key catches any duplicate beyond the stream's window.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import orjson
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import PubAck

from .follow import Follower, OffsetFile
from .stream import MSG_ID_HEADER, STREAM, connect, ensure_stream, subject_for

log = logging.getLogger("residency_guard.fleet")

JUDGED = ("transfer", "connection")
ACK_TIMEOUT_S = 10.0
IDLE_POLL_S = 0.1
RETRY_MAX_S = 5.0
RETRY_PAUSE_S = 0.5


@dataclass(frozen=True, slots=True)
class Message:
    event_id: str
    payload: bytes


def message_of(line: bytes) -> Message | None:
    """The message for one line of the events file; None for session and stats records and torn lines.

    The payload is the line exactly as recorded. An event written before event ids existed is keyed by
    the hash of its line, which is as stable: the same line always gets the same id.
    """
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict) or record.get("event_type") not in JUDGED:
        return None
    event_id = record.get("event_id")
    if not isinstance(event_id, str) or not event_id:
        event_id = "sha256-" + hashlib.sha256(line).hexdigest()[:32]
    return Message(event_id, line)


class Publisher:
    """Follows one events file and publishes its events to ``url``; ``start``/``stop`` from any thread."""

    def __init__(self, events: Path, url: str, guard: str, *, batch: int = 500):
        self.events = Path(events)
        self.url = url
        self.subject = subject_for(guard)
        self.follower = Follower(self.events, max_lines=batch)
        self.offsets = OffsetFile.beside(self.events, "publish")
        self.published = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._thread_main, name="residency-guard-publisher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Publish what is already written (for at most ``timeout`` s), then stop; False if it did not finish.

        Whatever is left is still in the events file after the offset, and goes out on the next start.
        """
        self._stopping.set()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _thread_main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        delay = 0.2
        while True:
            nc: NATS | None = None
            try:
                nc = await connect(self.url, f"publisher {self.subject}")
                js = nc.jetstream()
                await ensure_stream(js)
                delay = 0.2
                await self._pump(nc, js)
                return
            except Exception as e:  # the server may be down for minutes: every failure is retried
                if self._stopping.is_set():
                    return
                log.warning("residency-guard: publishing to %s: %s; retrying", self.url, type(e).__name__)
            finally:
                if nc is not None:
                    await _close(nc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)

    async def _pump(self, nc: NATS, js: JetStreamContext) -> None:
        position = self.offsets.load()
        while True:
            lines, after = self.follower.read(position)
            if after == position:
                if self._stopping.is_set():
                    return  # caught up
                await asyncio.sleep(IDLE_POLL_S)
                continue
            messages = [m for m in map(message_of, lines) if m is not None]
            while not await self._publish(nc, js, messages):
                if self._stopping.is_set():
                    return
                await _until_connected(nc, self._stopping)
                await asyncio.sleep(RETRY_PAUSE_S)  # a refusal (not a timeout) must not spin
            self.offsets.save(after)
            self.published += len(messages)
            position = after

    async def _publish(self, nc: NATS, js: JetStreamContext, messages: list[Message]) -> bool:
        """Publish a batch and wait for every ack; False (nothing advanced) on a timeout or refusal."""
        futures: list[asyncio.Future[PubAck]] = []
        try:
            for m in messages:
                headers = {MSG_ID_HEADER: m.event_id}
                futures.append(
                    await js.publish_async(
                        self.subject, m.payload, stream=STREAM, headers=headers, wait_stall=ACK_TIMEOUT_S
                    )
                )
            await asyncio.wait_for(asyncio.gather(*futures), ACK_TIMEOUT_S)
        except Exception as e:
            for f in futures:
                f.cancel()  # frees the client's slot for an ack that will not come; the batch is re-sent
            log.info("residency-guard: batch of %d not acknowledged (%s); resending", len(messages), type(e).__name__)
            return False
        return True


async def _until_connected(nc: NATS, stopping: threading.Event) -> None:
    while not nc.is_connected and not stopping.is_set():
        if nc.is_closed:
            raise ConnectionError("the NATS connection closed")
        await asyncio.sleep(0.2)


async def _close(nc: NATS) -> None:
    try:
        await asyncio.wait_for(nc.close(), 2)
    except Exception:
        pass  # closing a connection to a server that is gone: nothing left to save
