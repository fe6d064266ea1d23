"""The guard's running totals, written as stats records: one method per thing that can happen."""

from __future__ import annotations

from dataclasses import dataclass

from .model import StatsRecord
from .offload import Verdict
from .pipeline import utc_now


@dataclass
class Counters:
    """Exactly the counter fields of ``StatsRecord``."""

    flows: int = 0
    inspected: int = 0
    with_identifiers: int = 0
    violations: int = 0
    blocked: int = 0
    redacted: int = 0
    partial: int = 0
    errors: int = 0

    def arrived(self) -> None:
        """A request, message or connection reached a hook (whatever becomes of it)."""
        self.flows += 1

    def record(self, verdict: Verdict) -> None:
        """An inspection's verdict."""
        self.inspected += 1
        self.with_identifiers += verdict.has_hits
        self.partial += not verdict.complete
        # A repeated uninspectable segment of a raw stream carries no event: not a violation again.
        self.violations += verdict.violation and verdict.line is not None
        self.blocked += verdict.blocked
        self.redacted += verdict.rewritten is not None

    def refused(self) -> None:
        """A connection refused before any payload (a refused destination)."""
        self.flows += 1
        self.violations += 1
        self.blocked += 1

    def uninspected(self) -> None:
        """A connection whose payload could not be seen (the phone rejected the guard's certificate)."""
        self.flows += 1
        self.partial += 1

    def failed(self) -> None:
        """The guard failed on a flow, or could not record its event."""
        self.errors += 1

    def describe(self) -> str:
        """One line, named as in the stats records: ``flows=12 inspected=12 … errors=0``."""
        return " ".join(f"{name}={value}" for name, value in vars(self).items())

    def snapshot(self) -> Counters:
        return Counters(**vars(self))

    def stats_record(self, session_id: str) -> StatsRecord:
        return StatsRecord(timestamp=utc_now(), session_id=session_id, **vars(self))
