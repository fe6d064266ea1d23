"""How a judged flow stands out in mitmweb and mitmproxy console: its mark, its comment, its metadata.

A violation is marked (``flow.marked``, an emoji shortcode both UIs render; ``~marked`` filters them)
and every flow with an event is commented with one line that starts with ``COMMENT_PREFIX``
(``~comment residency-guard`` filters them). The same summary goes into
``flow.metadata[METADATA_KEY]`` as plain values, so scripts can read it and a flow file keeps it.

Built from the ``EventSummary`` only: types, destination, verdict and rules, never an identifier
value, so nothing here needs masking. A WebSocket or raw TCP/UDP flow is judged message by message:
the flow shows its most severe event so far and how many it had.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from .pipeline import EventSummary

BLOCKED_MARK = ":no_entry:"
VIOLATION_MARK = ":warning:"
METADATA_KEY = "residency_guard"
COMMENT_PREFIX = "residency-guard: "
RECENT_EVENTS = 200
"""Event summaries the addon keeps for ``residency.events`` (the events file has them all)."""


class MarkableFlow(Protocol):
    """What of a mitmproxy flow is written here (any ``mitmproxy.flow.Flow``; a stand-in in tests)."""

    marked: str
    comment: str
    metadata: dict[str, Any]


def severity(verdict: str, action: str) -> int:
    """0 allowed, 1 violation logged, 2 blocked: which of a flow's events the flow shows."""
    if action == "blocked":
        return 2
    return int(verdict == "violation")


_MARKS = ("", VIOLATION_MARK, BLOCKED_MARK)


def describe(summary: EventSummary, complete: bool = True) -> str:
    """One line saying what the guard decided, e.g.
    ``BLOCKED violation: imei,imsi → CN (zzhc.example) · rules transfer.device (block), cleartext (log)``.
    The rules' reasons are left to the metadata and the event: a comment is read in a list."""
    types = ",".join(summary.types) or "no identifiers"
    parts = [f"{summary.action.upper()} {summary.verdict}: {types} → {summary.country} ({summary.host})"]
    if not complete:
        parts.append("partially inspected")
    if summary.rules:
        parts.append("rules " + ", ".join(f"{rule} ({action})" for rule, action, _ in summary.rules))
    return " · ".join(parts)


def describe_recent(summaries: Iterable[EventSummary]) -> str:
    """One ``describe`` line per event, each after the first 8 characters of its flow id, oldest first."""
    return "\n".join(f"{s.flow_id[:8]} {describe(s)}" for s in summaries) or "no events yet"


def summary_metadata(summary: EventSummary, complete: bool = True, events: int = 1) -> dict[str, Any]:
    """The summary as plain values (lists, not tuples: a flow file gives lists back), with its
    ``describe`` line as ``text``."""
    return {
        "flow_id": summary.flow_id,
        "event_type": summary.event_type,
        "policy": summary.policy,
        "verdict": summary.verdict,
        "action": summary.action,
        "types": list(summary.types),
        "host": summary.host,
        "country": summary.country,
        "rules": [{"rule": rule, "action": action, "reason": reason} for rule, action, reason in summary.rules],
        "complete": complete,
        "text": describe(summary, complete),
        "events": events,
    }


def annotate(flow: MarkableFlow, summary: EventSummary, complete: bool = True) -> None:
    """Mark, comment and tag ``flow`` with one more of its events.

    The flow keeps showing its most severe event (the latest of equal ones). A mark or comment lines
    the user set are kept: the guard only replaces its own.
    """
    shown = flow.metadata.get(METADATA_KEY)
    if not isinstance(shown, dict) or _severity_of(shown) <= severity(summary.verdict, summary.action):
        events = _events_of(shown) + 1
        shown = flow.metadata[METADATA_KEY] = summary_metadata(summary, complete, events)
        mark = _MARKS[severity(summary.verdict, summary.action)]
        if mark and flow.marked in _MARKS:
            flow.marked = mark
    else:
        shown["events"] = _events_of(shown) + 1
    line = COMMENT_PREFIX + str(shown.get("text"))
    if shown["events"] > 1:
        line += f" ({shown['events']} events on this flow)"
    kept = [existing for existing in flow.comment.splitlines() if not existing.startswith(COMMENT_PREFIX)]
    flow.comment = "\n".join([*kept, line])


def _events_of(shown: object) -> int:
    """Events already shown on the flow. Metadata can come from a flow file someone edited (mitmweb
    replays a loaded flow with it): anything but a count is taken as none."""
    events = shown.get("events") if isinstance(shown, dict) else None
    return events if isinstance(events, int) and events > 0 else 0


def _severity_of(shown: dict[str, Any]) -> int:
    return severity(str(shown.get("verdict")), str(shown.get("action")))
