"""Reading an events file: split into sessions, validated record by record (reports: ``sources``).

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
from typing import Any

from pydantic import BaseModel, ValidationError

from ..eventlog import EventsReader, FileDigest
from ..model import Event, SessionRecord, StatsRecord


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

    path: Path | str
    """The file, or the fleet database and the query that selected the events (``--db``)."""
    sessions: list[Session]
    files: list[FileDigest]
    skipped: list[str]


def validate_record[M: BaseModel](model: type[M], data: dict[str, Any], where: str) -> M:
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
                header = validate_record(SessionRecord, rec.data, where)
                if current is not None and current.session_id == header.session_id:
                    continue
                current = Session(record=header)
                sessions.append(current)
            elif kind in ("transfer", "connection"):
                if current is None:
                    current = Session()
                    sessions.append(current)
                current.events.append(validate_record(Event, rec.data, where))
            elif kind == "stats":
                stats = validate_record(StatsRecord, rec.data, where)
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
