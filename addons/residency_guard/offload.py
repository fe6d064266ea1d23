"""Inspection in worker processes, so that large bodies neither stall the proxy nor add latency.

mitmproxy relays every flow on one event loop. Extraction and detection are CPU work (about 1 ms per
256 KB of benign body, more where identifiers are), and threads would not help (the GIL). Workers are separate processes
that build the same Inspector from the same configuration files (``setup.build_guard``), take a request
view and connection facts, and return the judgement and the event as plain data.

The addon uses them two ways:
- a flow whose destination could be blocked waits for its judgement (the loop keeps serving others);
- a flow whose destination can never be blocked (``policy.may_block`` is false) is forwarded at once
  and judged afterwards: the event is the same, it just is not on the request's critical path. Only
  ``max_pending`` such flows may wait for a worker; past that a flow waits for its verdict, which
  bounds memory and what must be drained at exit.

Workers start with ``spawn`` (mitmproxy's process has threads; ``fork`` would copy their locks).
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from .eventlog import render_line
from .model import RequestView
from .pipeline import ConnectionFacts, EventSummary, Inspection, Inspector

OFFLOAD_MIN_BYTES = 256 * 1024
"""Bodies this large go to a worker. The hand-over costs the proxy process 0.15-0.25 ms of CPU (pickling,
the executor's threads) whatever the size; inspecting in place costs about that at 64 KB and ~1 ms at
256 KB (``make bench``, and ``scripts/bench_proxy.py`` with ``--guard-arg``): smaller bodies are cheaper
to inspect than to hand over, and stall the loop for less than a millisecond."""
CODED_OFFLOAD_MIN_BYTES = 32 * 1024
"""A body with a content coding (gzip, br, zstd…) this large goes to a worker too: it may decode to up to
``Limits.max_ratio`` times its size."""

_worker_inspector: Inspector | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the addon needs of an inspection; small and cheap to pickle (a worker sends it back).

    The event travels as its rendered line: unpickling a pydantic model in the proxy would cost more
    than writing the bytes.
    """

    blocked: bool
    violation: bool
    has_hits: bool
    complete: bool
    line: bytes | None
    summary: EventSummary | None
    rewritten: RequestView | None = None
    """The request to forward in place of the one received (its identifiers redacted)."""

    @classmethod
    def of(cls, inspection: Inspection) -> Verdict:
        return cls(
            blocked=inspection.judgement.blocked,
            violation=inspection.judgement.verdict == "violation",
            has_hits=bool(inspection.hits),
            complete=inspection.extraction.complete,
            line=render_line(inspection.event) if inspection.event is not None else None,
            summary=EventSummary.of(inspection.event) if inspection.event is not None else None,
            rewritten=inspection.rewritten,
        )


def _init_worker(setup_kwargs: dict[str, Any]) -> None:
    global _worker_inspector
    from .setup import build_guard

    _worker_inspector = build_guard(**setup_kwargs).inspector


def _inspect_in_worker(view: RequestView, conn: ConnectionFacts) -> Verdict:
    assert _worker_inspector is not None, "worker not initialised"
    return Verdict.of(_worker_inspector.inspect(view, conn))


class InspectionPool:
    """A small pool of inspector processes built from the guard's configuration."""

    PENDING_PER_WORKER = 16
    """Flows judged after forwarding that may wait for a worker at once, per worker."""

    def __init__(self, workers: int, setup_kwargs: dict[str, Any]):
        self.workers = workers
        self.max_pending = workers * self.PENDING_PER_WORKER
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(setup_kwargs,),
        )
        # Start the workers now (imports and configuration take a second), not on the first big body.
        self._executor.submit(_noop).result()

    def submit(self, view: RequestView, conn: ConnectionFacts) -> Future[Verdict]:
        return self._executor.submit(_inspect_in_worker, view, conn)

    async def inspect(self, view: RequestView, conn: ConnectionFacts) -> Verdict:
        return await asyncio.wrap_future(self.submit(view, conn))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=False)


def _noop() -> None:
    return None
