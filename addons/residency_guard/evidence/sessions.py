"""Reading evidence: an events file split into sessions, or an exported report, validated record by record.

An events file may hold several sessions (a guard restarted on the same file appends a new ``session``
record) and may be rotated (``eventlog.session_files``). Records before any session record (the header
was in a rotated file since dropped) form a session without metadata. A session record repeating the
current ``session_id`` (written at the top of each rotated file) continues that session.

Torn lines are skipped with a warning and listed; a complete record that does not match its model is an
input error (``EvidenceError`` naming file, line and field): silently dropping it could hide a violation.
Records of an unknown ``event_type`` (a newer guard) are skipped with a warning and listed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson
from pydantic import BaseModel, ValidationError

from ..eventlog import EventsReader, FileDigest
from ..model import Event, SessionRecord, StatsRecord

if TYPE_CHECKING:
    from .report import ReportMetadata


class EvidenceError(Exception):
    """An events file or report cannot be used as evidence (missing, unreadable, invalid record)."""


class UnknownRecordWarning(UserWarning):
    """An events-file record of an ``event_type`` this version does not know; skipped."""


@dataclass
class Session:
    """One guard run: its session record (None when lost to rotation), events and last stats."""

    record: SessionRecord | None = None
    events: list[Event] = field(default_factory=list)
    stats: StatsRecord | None = None

    @property
    def session_id(self) -> str | None:
        return self.record.session_id if self.record else None


@dataclass
class EventsFile:
    """Everything read from one events file (with its rotated predecessors)."""

    path: Path
    sessions: list[Session]
    files: list[FileDigest]
    skipped: list[str]


def _validate[M: BaseModel](model: type[M], data: dict[str, Any], where: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(record)"
        more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
        raise EvidenceError(f"{where}: invalid {model.__name__} record: {loc}: {first['msg']}{more}") from None


def load_sessions(path: Path) -> EventsFile:
    """Read and validate an events file; raises EvidenceError when it is missing or holds invalid records."""
    path = Path(path)
    if path.is_dir():
        raise EvidenceError(f"{path}: is a directory, not an events file")
    reader = EventsReader(path)
    sessions: list[Session] = []
    current: Session | None = None
    try:
        for rec in reader:
            where = f"{rec.source}:{rec.line}"
            kind = rec.data.get("event_type", "transfer")
            if kind == "session":
                header = _validate(SessionRecord, rec.data, where)
                if current is not None and current.session_id == header.session_id:
                    continue
                current = Session(record=header)
                sessions.append(current)
            elif kind in ("transfer", "connection"):
                if current is None:
                    current = Session()
                    sessions.append(current)
                current.events.append(_validate(Event, rec.data, where))
            elif kind == "stats":
                stats = _validate(StatsRecord, rec.data, where)
                owner = next((s for s in reversed(sessions) if s.session_id == stats.session_id), current)
                if owner is None:
                    owner = current = Session()
                    sessions.append(current)
                owner.stats = stats
            else:
                warnings.warn(
                    f"{where}: skipped a record of unknown event_type {kind!r}", UnknownRecordWarning, stacklevel=2
                )
                reader.skipped.append(where)
    except FileNotFoundError as e:
        raise EvidenceError(f"{path}: no such events file") from e
    except OSError as e:
        raise EvidenceError(f"{path}: cannot read: {e.strerror or e}") from e
    return EventsFile(path=path, sessions=sessions, files=reader.digests, skipped=reader.skipped)


@dataclass
class Evidence:
    """Events from either an events file or an exported report, for comparisons (``diff``).

    ``complete`` is False when the source holds only violations (a report exported without ``--all``):
    allowed transfers are then unknown, not absent.
    """

    source: Path
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


def load_evidence(path: Path) -> Evidence:
    """An events file or a report produced by ``export`` (format json), told apart by content."""
    from .report import Report, session_metadata  # report imports this module

    path = Path(path)
    try:
        is_events = not path.is_file() or _looks_like_events_file(path)
    except OSError as e:
        raise EvidenceError(f"{path}: cannot read: {e.strerror or e}") from e
    if is_events:
        loaded = load_sessions(path)
        return Evidence(
            source=path,
            kind="events",
            events=[e for s in loaded.sessions for e in s.events],
            complete=True,
            session_ids=[s.session_id for s in loaded.sessions],
            metadata=[session_metadata(s, loaded, include_all=True) for s in loaded.sessions],
        )
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as e:
        raise EvidenceError(f"{path}: neither an events file nor a JSON report: {e}") from e
    if not isinstance(data, dict) or "report_version" not in data:
        raise EvidenceError(f"{path}: neither an events file nor a residency-guard report")
    report = _validate(Report, data, str(path))
    return Evidence(
        source=path,
        kind="report",
        events=list(report.events),
        complete=report.metadata.events_included == "all",
        session_ids=[report.metadata.session_id],
        metadata=[report.metadata],
    )
