"""Regression diff between two runs (``residency-guard diff OLD NEW``): what changed in where data goes.

Three comparisons, each a set difference on a key (counts say how many events carried the key):

- destinations: ``(host, country)``;
- transfers: ``(identifier type, destination, country)`` where destination is the registrable domain
  (the host when it has none);
- violations: ``(rule, identifier type, destination)`` for every rule that fired as a violation
  (a rule without types counts under ``-``). In OLD only → fixed; in NEW only → introduced.

A report exported without ``--all`` holds only violations. When either side is such a report, allowed
transfers are unknown on that side, so destinations and transfers are compared over violating events
only (and the result says so) rather than reporting every allowed destination as removed or new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from pydantic import BaseModel, ConfigDict

from ..model import Event
from .report import destination_key
from .sources import Evidence


class _DiffModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DestinationChange(_DiffModel):
    host: str
    country: str
    events: int


class TransferChange(_DiffModel):
    type: str
    destination: str
    country: str
    events: int


class ViolationChange(_DiffModel):
    rule: str
    type: str
    destination: str
    events: int


class SideInfo(_DiffModel):
    source: str
    kind: str
    events: int
    violations: int
    sessions: list[str | None]
    complete: bool


class Changes[T](_DiffModel):
    added: list[T]
    removed: list[T]


class DiffResult(_DiffModel):
    old: SideInfo
    new: SideInfo
    scope: str
    destinations: Changes[DestinationChange]
    transfers: Changes[TransferChange]
    violations_introduced: list[ViolationChange]
    violations_fixed: list[ViolationChange]
    violations_unchanged: int
    notes: list[str]


def destination_keys(events: Iterable[Event]) -> Counter[tuple[str, str]]:
    return Counter((e.destination.host, e.destination.country) for e in events)


def transfer_keys(events: Iterable[Event]) -> Counter[tuple[str, str, str]]:
    return Counter(
        (t, destination_key(e), e.destination.country) for e in events for t in sorted({i.type for i in e.identifiers})
    )


def violation_keys(events: Iterable[Event]) -> Counter[tuple[str, str, str]]:
    keys: Counter[tuple[str, str, str]] = Counter()
    for e in events:
        found = {
            (r.rule, t, destination_key(e)) for r in e.rules if r.outcome == "violation" for t in (r.types or ["-"])
        }
        keys.update(found)
    return keys


def _only_in[K](a: Counter[K], b: Counter[K]) -> list[tuple[K, int]]:
    return sorted((k, n) for k, n in a.items() if k not in b)


def _side(ev: Evidence) -> SideInfo:
    return SideInfo(
        source=str(ev.source),
        kind=ev.kind,
        events=len(ev.events),
        violations=sum(e.verdict == "violation" for e in ev.events),
        sessions=ev.session_ids,
        complete=ev.complete,
    )


def diff_evidence(old: Evidence, new: Evidence) -> DiffResult:
    notes = []
    old_events, new_events = old.events, new.events
    scope = "all events"
    if not (old.complete and new.complete):
        partial = [str(s.source) for s in (old, new) if not s.complete]
        notes.append(
            f"{' and '.join(partial)} {'hold' if len(partial) > 1 else 'holds'} only violations (exported without --all): "
            "destinations and transfers are compared over violating events only"
        )
        scope = "violating events"
        old_events = [e for e in old_events if e.verdict == "violation"]
        new_events = [e for e in new_events if e.verdict == "violation"]
    old_dest, new_dest = destination_keys(old_events), destination_keys(new_events)
    old_tr, new_tr = transfer_keys(old_events), transfer_keys(new_events)
    old_v, new_v = violation_keys(old.events), violation_keys(new.events)
    return DiffResult(
        old=_side(old),
        new=_side(new),
        scope=scope,
        destinations=Changes[DestinationChange](
            added=[DestinationChange(host=h, country=c, events=n) for (h, c), n in _only_in(new_dest, old_dest)],
            removed=[DestinationChange(host=h, country=c, events=n) for (h, c), n in _only_in(old_dest, new_dest)],
        ),
        transfers=Changes[TransferChange](
            added=[
                TransferChange(type=t, destination=d, country=c, events=n) for (t, d, c), n in _only_in(new_tr, old_tr)
            ],
            removed=[
                TransferChange(type=t, destination=d, country=c, events=n) for (t, d, c), n in _only_in(old_tr, new_tr)
            ],
        ),
        violations_introduced=[
            ViolationChange(rule=r, type=t, destination=d, events=n) for (r, t, d), n in _only_in(new_v, old_v)
        ],
        violations_fixed=[
            ViolationChange(rule=r, type=t, destination=d, events=n) for (r, t, d), n in _only_in(old_v, new_v)
        ],
        violations_unchanged=len(old_v.keys() & new_v.keys()),
        notes=notes,
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(result: DiffResult, baselined: Collection[tuple[str, str, str]] = ()) -> str:
    """The diff as text; violations whose (rule, type, destination) is in ``baselined`` are marked so."""
    o, n = result.old, result.new
    lines = [
        f"old: {o.source} ({o.kind}, {_plural(o.events, 'event')}, {_plural(o.violations, 'violation')})",
        f"new: {n.source} ({n.kind}, {_plural(n.events, 'event')}, {_plural(n.violations, 'violation')})",
    ]
    lines += [f"note: {note}" for note in result.notes]

    d = result.destinations
    lines.append(f"\nDestinations ({result.scope}): {len(d.added)} new, {len(d.removed)} removed")
    lines += [f"  + {c.host} ({c.country})  {_plural(c.events, 'event')}" for c in d.added]
    lines += [f"  - {c.host} ({c.country})  {_plural(c.events, 'event')}" for c in d.removed]

    t = result.transfers
    lines.append(
        f"\nTransfers, identifier → destination ({result.scope}): {len(t.added)} new, {len(t.removed)} removed"
    )
    lines += [f"  + {c.type} → {c.destination} ({c.country})  {_plural(c.events, 'event')}" for c in t.added]
    lines += [f"  - {c.type} → {c.destination} ({c.country})  {_plural(c.events, 'event')}" for c in t.removed]

    lines.append(
        f"\nViolations: {len(result.violations_introduced)} introduced, {len(result.violations_fixed)} fixed, "
        f"{result.violations_unchanged} unchanged"
    )
    lines += [
        f"  introduced  {v.rule}: {v.type} → {v.destination}  {_plural(v.events, 'event')}"
        + ("  (baselined)" if (v.rule, v.type, v.destination) in baselined else "")
        for v in result.violations_introduced
    ]
    lines += [f"  fixed       {v.rule}: {v.type} → {v.destination}" for v in result.violations_fixed]
    return "\n".join(lines) + "\n"
