"""The compliance report: one JSON document per guard session (``residency-guard export``).

A report says what judged the traffic (policy name and hash, device profiles, geo databases and their
build dates, tool version), when (first and last event), from which bytes (source files with SHA-256),
what was found (summary counts over *every* event of the session) and the events themselves (violations
only by default, all with ``--all``). Identifier values are masked: a full ``value`` recorded by a guard
run with ``--reveal-identifiers`` is removed unless the export is asked to reveal them too.

The JSON Schema of this model is published as ``schemas/report.schema.json`` (``make schemas``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .. import __version__
from ..model import Event, GeoDatabaseInfo, PolicyInfo, StatsRecord

if TYPE_CHECKING:
    from .sessions import EventsFile, Session

REPORT_VERSION: Literal[1] = 1


class _ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceFile(_ReportModel):
    path: str
    sha256: str = Field(description="SHA-256 of the file's bytes as read for this report")
    bytes: int


class ReportMetadata(_ReportModel):
    session_id: str | None = Field(description="None when the session record was lost to rotation")
    tool_version: str | None = Field(description="version of the guard that recorded the events")
    mode: str | None = Field(description="proxy mode of the guard (regular, transparent, replay …)")
    engine: str | None = Field(default=None, description="trigger engine that ran: hyperscan or python")
    started: str | None = Field(description="when the guard session started (its session record)")
    policy: PolicyInfo | None
    profiles: list[str] = Field(description="device profiles loaded by the guard")
    geodb: list[GeoDatabaseInfo]
    geodb_build_dates: list[str] = Field(description="distinct build dates of the geo databases")
    geo_overlay: str | None
    first_event: str | None = Field(description="timestamp of the earliest event of the session")
    last_event: str | None = Field(description="timestamp of the latest event of the session")
    generated_at: str = Field(description="RFC 3339 UTC time the report was generated")
    generator: str = Field(description="tool and version that generated the report")
    source_files: list[SourceFile] = Field(description="events files read, oldest first")
    skipped_lines: list[str] = Field(
        default_factory=list, description="'file:line' of torn or unknown records that were skipped"
    )
    events_included: Literal["violations", "all"]
    identifier_values: Literal["masked", "revealed"]


class ReportSummary(_ReportModel):
    """Counts over every event of the session, whatever ``events_included`` says."""

    events: int
    violations: int
    blocked: int
    redacted: int = Field(default=0, description="events whose identifiers were replaced by fakes in flight")
    partially_inspected: int
    by_verdict: dict[str, int]
    by_action: dict[str, int]
    by_type: dict[str, int] = Field(description="events carrying each identifier type")
    by_category: dict[str, int] = Field(description="events carrying each identifier category")
    by_country: dict[str, int] = Field(description="events per destination country")
    by_host: dict[str, int]
    by_domain: dict[str, int] = Field(description="events per registrable domain (the host when none)")
    by_rule: dict[str, int] = Field(description="violations per policy rule")
    by_exception: dict[str, int] = Field(description="transfers allowed by each named policy exception")
    guard_stats: StatsRecord | None = Field(description="the guard's last cumulative counters, if recorded")


class Report(_ReportModel):
    """residency-guard compliance report for one guard session."""

    model_config = ConfigDict(title="residency-guard report")

    report_version: Literal[1] = REPORT_VERSION
    metadata: ReportMetadata
    summary: ReportSummary
    events: list[Event]


def destination_key(event: Event) -> str:
    """The registrable domain, or the host when it has none (IP literals, single-label names)."""
    return event.destination.domain or event.destination.host


def _counts(values: Iterable[str]) -> dict[str, int]:
    counter = Counter(values)
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _parse_time(ts: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(ts)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def time_span(events: Iterable[Event]) -> tuple[str | None, str | None]:
    """First and last event timestamps (compared as times, not strings); unparsable ones are ignored."""
    timed = [(t, e.timestamp) for e in events if (t := _parse_time(e.timestamp)) is not None]
    if not timed:
        return None, None
    return min(timed)[1], max(timed)[1]


def summarize(events: list[Event], stats: StatsRecord | None = None) -> ReportSummary:
    return ReportSummary(
        events=len(events),
        violations=sum(e.verdict == "violation" for e in events),
        blocked=sum(e.action == "blocked" for e in events),
        redacted=sum(e.action == "redacted" for e in events),
        partially_inspected=sum(not e.inspection.complete for e in events),
        by_verdict=_counts(e.verdict for e in events),
        by_action=_counts(e.action for e in events),
        by_type=_counts(t for e in events for t in sorted({i.type for i in e.identifiers})),
        by_category=_counts(c for e in events for c in sorted({i.category for i in e.identifiers})),
        by_country=_counts(e.destination.country for e in events),
        by_host=_counts(e.destination.host for e in events),
        by_domain=_counts(destination_key(e) for e in events),
        by_rule=_counts(r.rule for e in events for r in e.rules if r.outcome == "violation"),
        by_exception=_counts(r.rule for e in events for r in e.rules if r.outcome == "exception"),
        guard_stats=stats,
    )


def mask_event(event: Event) -> Event:
    """The event without full identifier values (masked forms and fingerprints stay)."""
    if all(i.value is None for i in event.identifiers):
        return event
    return event.model_copy(update={"identifiers": [i.model_copy(update={"value": None}) for i in event.identifiers]})


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def session_metadata(
    session: Session,
    source: EventsFile,
    *,
    include_all: bool = False,
    reveal_identifiers: bool = False,
    generated_at: str | None = None,
) -> ReportMetadata:
    """What judged the session's events, when, and from which files (the report's ``metadata``)."""
    record = session.record
    first, last = time_span(session.events)
    geodb = list(record.geodb) if record else []
    return ReportMetadata(
        session_id=session.session_id,
        tool_version=record.tool_version if record else None,
        mode=record.mode if record else None,
        engine=record.engine if record else None,
        started=record.timestamp if record else None,
        policy=record.policy if record else None,
        profiles=list(record.profiles) if record else [],
        geodb=geodb,
        geodb_build_dates=sorted({g.build_date for g in geodb if g.build_date}),
        geo_overlay=record.geo_overlay if record else None,
        first_event=first,
        last_event=last,
        generated_at=generated_at or utc_now(),
        generator=f"residency-guard {__version__}",
        source_files=[SourceFile(path=str(f.path), sha256=f.sha256, bytes=f.bytes) for f in source.files],
        skipped_lines=list(source.skipped),
        events_included="all" if include_all else "violations",
        identifier_values="revealed" if reveal_identifiers else "masked",
    )


def build_report(
    session: Session,
    source: EventsFile,
    *,
    include_all: bool = False,
    reveal_identifiers: bool = False,
    generated_at: str | None = None,
) -> Report:
    selected = session.events if include_all else [e for e in session.events if e.verdict == "violation"]
    if not reveal_identifiers:
        selected = [mask_event(e) for e in selected]
    metadata = session_metadata(
        session, source, include_all=include_all, reveal_identifiers=reveal_identifiers, generated_at=generated_at
    )
    return Report(metadata=metadata, summary=summarize(session.events, session.stats), events=selected)


def report_json_schema() -> dict[str, Any]:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def render_schema(schema: dict[str, Any]) -> str:
    """Stable text of a schema (sorted keys, two-space indent, final newline) so diffs stay readable."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
