"""Volume rules at work: each judged request adds its subject to the counters of the rules it falls under.

The decision is the policy's (``policy.judge_volume``, pure); this module keeps the state it needs: for
each rule, the distinct subjects seen within its window. ``LocalCounts`` keeps them in this process
(a guard without ``--db``: the count is this guard's alone, and events say "counted locally");
``fleet.volume.FleetCounts`` shares them through the fleet database. Either answers from memory, so a
flow never waits for a counter.

A subject is a device, named by the keyed fingerprint (the one events carry) of the most stable
identifier the request holds: the IMEI before the MAC before the advertising ID, and so on. A phone
that sends its IMEI in one request and only its advertising ID in another is counted twice: counts err
towards the threshold, never away from it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

from .masking import Fingerprinter
from .model import Destination, Hit, Judgement, RuleHit
from .policy import LoadedPolicy, VolumeScope, judge_volume, uninspected_hit, volume_scopes, with_rules

# Most stable first: hardware identifiers, then the SIM, then resettable and shared ones.
SUBJECT_PREFERENCE = (
    "imei", "meid", "serial", "android_id", "mac", "iccid", "imsi", "ad_id", "wifi_bssid", "phone", "email",
    "cell_id", "location",
)  # fmt: skip
_RANK = {t: i for i, t in enumerate(SUBJECT_PREFERENCE)}
UNREAD_SUBJECT = "unread"
"""The device an unread part of a request might name: one not counted yet (no fingerprint is this)."""


def subject_of(hits: Sequence[Hit], fingerprinter: Fingerprinter) -> str | None:
    """The fingerprint naming the device a request is about, or None without identifiers."""
    if not hits:
        return None
    best = min(hits, key=lambda h: (_RANK.get(h.type, len(_RANK)), h.type, h.value))
    return fingerprinter.fingerprint(best.type, best.value)


class VolumeCounts(Protocol):
    """Distinct subjects per rule key within a window; answered from memory, without waiting."""

    counted_by: str
    """How the count was made, for the evidence: 'counted locally by this guard' or the fleet's."""

    def watch(self, key: str, window_s: float) -> None:
        """Keep the count of ``key`` over ``window_s`` (before any request needs it)."""
        ...

    def count_with(self, key: str, subject: str, window_s: float, now: float) -> int:
        """The distinct subjects seen within ``window_s`` before ``now``, ``subject`` included."""
        ...

    def record(self, key: str, subject: str, now: float) -> None: ...

    def close(self) -> None: ...


class LocalCounts:
    """Subjects in memory, per rule, oldest sighting first; those out of every window are dropped.

    ``max_subjects`` bounds memory per rule (a hostile stream of made-up identifiers): past it the
    oldest subject is forgotten, which can only lower a count that is far above any threshold.
    """

    counted_by = "counted locally by this guard"

    def __init__(self, max_subjects: int = 2_000_000) -> None:
        self.max_subjects = max_subjects
        self._seen: dict[str, OrderedDict[str, float]] = {}
        self._windows: dict[str, float] = {}

    def watch(self, key: str, window_s: float) -> None:
        self._windows[key] = window_s

    def count_with(self, key: str, subject: str, window_s: float, now: float) -> int:
        self._windows[key] = window_s
        seen = self._expire(key, now)
        return len(seen) + (subject not in seen)

    def record(self, key: str, subject: str, now: float) -> None:
        seen = self._seen.setdefault(key, OrderedDict())
        seen[subject] = now
        seen.move_to_end(subject)
        while len(seen) > self.max_subjects:
            seen.popitem(last=False)

    def _expire(self, key: str, now: float) -> OrderedDict[str, float]:
        seen = self._seen.setdefault(key, OrderedDict())
        horizon = now - self._windows.get(key, float("inf"))
        while seen:
            oldest, at = next(iter(seen.items()))
            if at >= horizon:
                break
            del seen[oldest]
        return seen

    def close(self) -> None:
        self._seen.clear()


class VolumeJudge:
    """Adds the volume rules' verdicts to a request's judgement, and counts the request once sent."""

    def __init__(
        self,
        policy: LoadedPolicy,
        counts: VolumeCounts,
        fingerprinter: Fingerprinter,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.policy = policy
        self.scopes = volume_scopes(policy)
        self.counts = counts
        self.fingerprinter = fingerprinter
        self.clock = clock
        for scope in self.scopes:
            counts.watch(scope.key, scope.rule.window_seconds)

    def may_block(self, destination: Destination) -> bool:
        """Whether a volume rule could block a request to ``destination`` (then it is judged first)."""
        return any(s.rule.action == "block" and destination.country in s.countries for s in self.scopes)

    def apply(
        self, judgement: Judgement, hits: Sequence[Hit], destination: Destination, uninspected: Sequence[str] = ()
    ) -> Judgement:
        """``judgement`` with the volume rules' hits; ``uninspected`` (the request's fail-closed causes)
        adds the ``uninspected`` rule where a volume rule, at its threshold, would block a new device."""
        now = self.clock()
        if uninspected and not any(r.rule == "uninspected" for r in judgement.rules):
            judgement = with_rules(judgement, self._unread(uninspected, destination, now))
        applicable: list[tuple[VolumeScope, tuple[str, ...]]] = [
            (scope, types) for scope in self.scopes if (types := scope.counts(hits, destination))
        ]
        subject = subject_of(hits, self.fingerprinter)
        if not applicable or subject is None:
            return judgement
        fired: list[RuleHit] = []
        for scope, types in applicable:
            count = self.counts.count_with(scope.key, subject, scope.rule.window_seconds, now)
            if (hit := judge_volume(scope, types, count, self.counts.counted_by)) is not None:
                fired.append(hit)
        result = with_rules(judgement, fired)
        if not result.blocked:  # what was not sent is not part of the volume
            for scope, _ in applicable:
                self.counts.record(scope.key, subject, now)
        return result

    def _unread(self, causes: Sequence[str], destination: Destination, now: float) -> list[RuleHit]:
        """Failing closed under a volume rule: the unread part may name a device not counted yet, which
        a blocking rule past its threshold would block; below it, an identifier would only be logged."""
        for scope in self.scopes:
            if scope.rule.action != "block" or destination.country not in scope.countries:
                continue
            count = self.counts.count_with(scope.key, UNREAD_SUBJECT, scope.rule.window_seconds, now)
            if judge_volume(scope, (), count, self.counts.counted_by) is not None:
                return [uninspected_hit(causes, self.policy)]
        return []

    def close(self) -> None:
        self.counts.close()
