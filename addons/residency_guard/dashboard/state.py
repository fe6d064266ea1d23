"""What the dashboard knows: counters, rates, identifier types, countries and a ring of recent events.

Pure and synchronous (no Textual, no I/O) so it is tested on its own. Memory is bounded whatever the
length of the session: aggregates are counters keyed by identifier type and country, and only the last
``feed_size`` events are kept whole.

Records come from ``EventFollower.poll()`` as dicts. Judged events are validated against ``model.Event``;
a record that does not validate is counted in ``invalid`` and otherwise ignored, so a hostile or newer
file cannot crash the dashboard. Events written with ``--reveal-identifiers`` carry full identifier
values: those values are dropped on ingest (and scrubbed from any other text of the event), so the
dashboard never holds, let alone shows, more than the masked form.
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError

from ..model import CATEGORY_OF, Event, SessionRecord, StatsRecord

VerdictFilter = Literal["all", "violation", "blocked", "allowed"]
VERDICT_FILTERS: tuple[VerdictFilter, ...] = ("all", "violation", "blocked", "allowed")
MIN_REVEALED_LENGTH = 4  # shorter revealed values would scrub innocent text without hiding anything


@dataclass(frozen=True, slots=True)
class FeedFilter:
    """Which events the feed shows; None / "all" means no restriction."""

    type: str | None = None
    country: str | None = None
    verdict: VerdictFilter = "all"

    def matches(self, event: Event) -> bool:
        if self.verdict == "violation" and event.verdict != "violation":
            return False
        if self.verdict == "blocked" and event.action != "blocked":
            return False
        if self.verdict == "allowed" and event.verdict != "allowed":
            return False
        if self.country is not None and event.destination.country != self.country:
            return False
        if self.type is not None and all(i.type != self.type for i in event.identifiers):
            return False
        return True

    @property
    def active(self) -> bool:
        return self.type is not None or self.country is not None or self.verdict != "all"

    def describe(self) -> str:
        return f"type={self.type or 'all'}  country={self.country or 'all'}  verdict={self.verdict}"


@dataclass(frozen=True, slots=True)
class Totals:
    """Session counters. ``source`` says whether guard stats records back them or only events do."""

    flows: int
    inspected: int
    with_identifiers: int
    violations: int
    blocked: int
    partial: int
    errors: int
    source: Literal["stats", "events"]


@dataclass(slots=True)
class Tally:
    events: int = 0
    violations: int = 0
    blocked: int = 0

    @property
    def violation_share(self) -> float:
        return self.violations / self.events if self.events else 0.0


class SlidingRate:
    """Events per second over the last ``window`` seconds, from per-second counts (bounded memory).

    Only seconds within ``window`` of the newest one seen are kept, so a backlog of old events or a
    hostile spread of timestamps cannot grow it.
    """

    def __init__(self, window: float = 10.0) -> None:
        self.window = max(1, int(window))
        self._counts: dict[int, float] = {}
        self._latest: int | None = None

    def add(self, t: float, n: float = 1.0) -> None:
        second = math.floor(t)
        if self._latest is not None and second <= self._latest - self.window:
            return
        self._counts[second] = self._counts.get(second, 0.0) + n
        if self._latest is None or second > self._latest:
            self._latest = second
            horizon = second - self.window
            for old in [k for k in self._counts if k <= horizon]:
                del self._counts[old]

    def rate(self, now: float) -> float:
        second = math.floor(now)
        horizon = second - self.window
        return sum(c for k, c in self._counts.items() if horizon < k <= second) / self.window


def parse_time(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


def conceal(event: Event) -> Event:
    """The event without full identifier values, and with any revealed value scrubbed from its text."""
    revealed = [(i.value, i.masked) for i in event.identifiers if i.value]
    if not revealed:
        return event
    data = event.model_dump(mode="python")
    for ident in data["identifiers"]:
        ident["value"] = None
    secrets = [(v, m) for v, m in revealed if len(v) >= MIN_REVEALED_LENGTH]
    secrets.sort(key=lambda vm: len(vm[0]), reverse=True)

    def scrub(obj: Any) -> Any:
        if isinstance(obj, str):
            for value, masked in secrets:
                if value in obj:
                    obj = obj.replace(value, masked)
            return obj
        if isinstance(obj, dict):
            return {k: scrub(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [scrub(v) for v in obj]
        return obj

    return Event.model_validate(scrub(data))


@dataclass
class DashboardState:
    feed_size: int = 500
    rate_window: float = 10.0
    session: SessionRecord | None = None
    stats: StatsRecord | None = None
    events: int = 0
    transfers: int = 0
    with_identifiers: int = 0
    violations: int = 0
    blocked: int = 0
    partial: int = 0
    invalid: int = 0
    sessions_seen: int = 0
    types: Counter[str] = field(default_factory=Counter)
    type_violations: Counter[str] = field(default_factory=Counter)
    countries: dict[str, Tally] = field(default_factory=dict)
    feed: deque[tuple[int, Event]] = field(init=False)
    seq: int = 0

    def __post_init__(self) -> None:
        self.feed = deque(maxlen=self.feed_size)
        self._event_rate = SlidingRate(self.rate_window)
        self._violation_rate = SlidingRate(self.rate_window)
        self._blocked_rate = SlidingRate(self.rate_window)
        self._stats_points: deque[tuple[float, int]] = deque()  # (time, flows) within the window

    # -------------------------------------------------------------------------------------- ingest

    def ingest(self, records: Iterable[dict[str, Any]], *, now: float | None = None) -> list[tuple[int, Event]]:
        """Take records in file order; returns the judged events accepted, as (sequence, event)."""
        accepted: list[tuple[int, Event]] = []
        for record in records:
            kind = record.get("event_type")
            if kind in ("transfer", "connection"):
                event = self._event(record)
                if event is not None:
                    self.seq += 1
                    accepted.append((self.seq, event))
                    self._count(event, now)
            elif kind == "stats":
                self._stats(record)
            elif kind == "session":
                self._session(record)
            else:
                self.invalid += 1
        if len(accepted) > self.feed_size:
            accepted = accepted[-self.feed_size :]
        self.feed.extend(accepted)
        return accepted

    def _event(self, record: dict[str, Any]) -> Event | None:
        try:
            return conceal(Event.model_validate(record))
        except ValidationError:
            self.invalid += 1
            return None

    def _count(self, event: Event, now: float | None) -> None:
        self.events += 1
        if event.event_type == "transfer":
            self.transfers += 1
        if event.identifiers:
            self.with_identifiers += 1
        violation = event.verdict == "violation"
        blocked = event.action == "blocked"
        self.violations += violation
        self.blocked += blocked
        self.partial += not event.inspection.complete
        kinds = {i.type for i in event.identifiers}
        self.types.update(kinds)
        if violation:
            self.type_violations.update(kinds)
        tally = self.countries.get(event.destination.country)
        if tally is None:
            tally = self.countries[event.destination.country] = Tally()
        tally.events += 1
        tally.violations += violation
        tally.blocked += blocked
        t = parse_time(event.timestamp)
        if t is None:
            t = now if now is not None else time.time()
        self._event_rate.add(t)
        if violation:
            self._violation_rate.add(t)
        if blocked:
            self._blocked_rate.add(t)

    def _stats(self, record: dict[str, Any]) -> None:
        try:
            stats = StatsRecord.model_validate(record)
        except ValidationError:
            self.invalid += 1
            return
        if self.session is not None and stats.session_id != self.session.session_id:
            return  # another guard writing to the same file: not this session's counters
        self.stats = stats
        t = parse_time(stats.timestamp)
        if t is not None:
            self._stats_points.append((t, stats.flows))
            while len(self._stats_points) > 2 and self._stats_points[1][0] <= t - self.rate_window:
                self._stats_points.popleft()

    def _session(self, record: dict[str, Any]) -> None:
        try:
            session = SessionRecord.model_validate(record)
        except ValidationError:
            self.invalid += 1
            return
        if self.session is not None and session.session_id != self.session.session_id:
            self._reset()
        self.session = session
        self.sessions_seen += 1

    def _reset(self) -> None:
        """A new guard session began in the same file: its counters start from zero."""
        fresh = DashboardState(feed_size=self.feed_size, rate_window=self.rate_window)
        invalid, sessions_seen, seq = self.invalid, self.sessions_seen, self.seq
        self.__dict__.update(fresh.__dict__)
        self.invalid, self.sessions_seen, self.seq = invalid, sessions_seen, seq

    # -------------------------------------------------------------------------------------- read

    def totals(self) -> Totals:
        s = self.stats
        if s is None:
            return Totals(
                flows=self.events,
                inspected=self.transfers,
                with_identifiers=self.with_identifiers,
                violations=self.violations,
                blocked=self.blocked,
                partial=self.partial,
                errors=0,
                source="events",
            )
        # Stats are written periodically: events judged since the last one are already counted here.
        return Totals(
            flows=max(s.flows, self.events),
            inspected=max(s.inspected, self.transfers),
            with_identifiers=max(s.with_identifiers, self.with_identifiers),
            violations=max(s.violations, self.violations),
            blocked=max(s.blocked, self.blocked),
            partial=max(s.partial, self.partial),
            errors=s.errors,
            source="stats",
        )

    def rates(self, now: float | None = None) -> dict[str, float | None]:
        """Per-second rates over the sliding window ending ``now``; ``flows`` is None without stats."""
        now = time.time() if now is None else now
        flows: float | None = None
        points = [p for p in self._stats_points if p[0] > now - 2 * self.rate_window]
        if len(points) >= 2 and points[-1][0] > points[0][0]:
            flows = max(0.0, (points[-1][1] - points[0][1]) / (points[-1][0] - points[0][0]))
        return {
            "events": self._event_rate.rate(now),
            "violations": self._violation_rate.rate(now),
            "blocked": self._blocked_rate.rate(now),
            "flows": flows,
        }

    def type_rows(self) -> list[tuple[str, str, int, int]]:
        """(type, category, events carrying it, of which violations), most frequent first."""
        return [
            (t, CATEGORY_OF.get(t, "?"), n, self.type_violations[t])
            for t, n in sorted(self.types.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def country_rows(self) -> list[tuple[str, Tally]]:
        return sorted(self.countries.items(), key=lambda kv: (-kv[1].events, kv[0]))

    def recent(self, flt: FeedFilter | None = None, limit: int | None = None) -> Iterator[tuple[int, Event]]:
        """Events of the ring, newest first, that pass the filter."""
        n = 0
        for seq, event in reversed(self.feed):
            if limit is not None and n >= limit:
                return
            if flt is None or flt.matches(event):
                n += 1
                yield seq, event

    def find(self, seq: int) -> Event | None:
        for s, event in reversed(self.feed):
            if s == seq:
                return event
        return None
