"""Evidence from either source a comparison accepts: an events file, or a report ``export`` wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import orjson

from ..model import Event
from .report import Report, ReportMetadata, session_metadata
from .sessions import EventsFile, EvidenceError, load_sessions, validate_record


@dataclass
class Evidence:
    """Events from either an events file or an exported report, for comparisons (``diff``).

    ``complete`` is False when the source holds only violations (a report exported without ``--all``):
    allowed transfers are then unknown, not absent.
    """

    source: Path | str
    """The file, or the fleet database and the query (``diff --db``)."""
    kind: Literal["events", "report"]
    events: list[Event]
    complete: bool
    session_ids: list[str | None]
    metadata: list[ReportMetadata] = field(default_factory=list)
    """Per session: what judged it (policy, geo databases, engine …), for reports that show both sides."""


def _looks_like_events_file(path: Path) -> bool:
    with open(path, "rb") as fh:
        first = fh.readline(1 << 20).strip()
    try:
        obj = orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and "event_type" in obj


def events_evidence(loaded: EventsFile, source: Path | str) -> Evidence:
    """Evidence from events read already: an events file, or the fleet database (``diff --db``)."""
    return Evidence(
        source=source,
        kind="events",
        events=[e for s in loaded.sessions for e in s.events],
        complete=True,
        session_ids=[s.session_id for s in loaded.sessions],
        metadata=[session_metadata(s, loaded, include_all=True) for s in loaded.sessions],
    )


def load_evidence(path: Path) -> Evidence:
    """An events file or a report produced by ``export`` (format json), told apart by content."""
    path = Path(path)
    try:
        is_events = not path.is_file() or _looks_like_events_file(path)
    except OSError as e:
        raise EvidenceError(f"{path}: cannot read: {e.strerror or e}") from e
    if is_events:
        return events_evidence(load_sessions(path), path)
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as e:
        raise EvidenceError(f"{path}: neither an events file nor a JSON report: {e}") from e
    if not isinstance(data, dict) or "report_version" not in data:
        raise EvidenceError(f"{path}: neither an events file nor a residency-guard report")
    report = validate_record(Report, data, str(path))
    return Evidence(
        source=path,
        kind="report",
        events=list(report.events),
        complete=report.metadata.events_included == "all",
        session_ids=[report.metadata.session_id],
        metadata=[report.metadata],
    )
