"""The events file: one JSON object per line, appended and flushed per event.

Writers render with structlog's JSON renderer (orjson underneath) so a line is written with a single
``write`` call and flushed before ``append`` returns: once judged, an event is in the kernel's page cache
and survives a crash of the guard. Readers skip a torn last line (a crash mid-write) with a warning
instead of failing.

Rotation: when a file grows past ``max_bytes`` it is renamed ``<name>.1`` (older ones shift to ``.2`` …)
and a new file is started under the original name. ``session_files`` lists a session's files oldest first.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson
import structlog

from .model import Event


class EventLogError(Exception):
    """The events file cannot be written: events would be lost."""


class TornLineWarning(UserWarning):
    """A line of an events file is not a complete JSON object (usually a crash mid-write)."""


def _orjson_dumps(obj: Any, **_: Any) -> bytes:
    return orjson.dumps(obj)


class EventWriter:
    """Appends events to a JSON-lines file; thread-safe; raises EventLogError when it cannot write."""

    def __init__(self, path: Path, *, max_bytes: int | None = None, keep: int = 10, fsync: bool = False):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.keep = keep
        self.fsync = fsync
        self._lock = threading.Lock()
        self._file: IO[bytes] | None = None
        self._render = structlog.processors.JSONRenderer(serializer=_orjson_dumps)
        self._open()

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "ab")
        except OSError as e:
            raise EventLogError(f"cannot open events file {self.path}: {e.strerror or e}") from e

    def append(self, event: Event | dict[str, Any]) -> None:
        record = event.model_dump(mode="json") if isinstance(event, Event) else event
        line = self._render(None, "", record)
        data = (line if isinstance(line, bytes) else line.encode()) + b"\n"
        with self._lock:
            if self._file is None:
                raise EventLogError(f"events file {self.path} is closed")
            try:
                self._file.write(data)
                self._file.flush()
                if self.fsync:
                    os.fsync(self._file.fileno())
            except OSError as e:
                raise EventLogError(f"cannot write events file {self.path}: {e.strerror or e}") from e
            if self.max_bytes and self._file.tell() >= self.max_bytes:
                self._rotate()

    def _rotate(self) -> None:
        assert self._file is not None
        self._file.close()
        for n in range(self.keep - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{n + 1}"))
        self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        self._open()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def session_files(path: Path) -> list[Path]:
    """The files of one session, oldest first: ``events.jsonl.N`` … ``events.jsonl.1``, ``events.jsonl``."""
    path = Path(path)
    rotated = []
    for p in path.parent.glob(path.name + ".*"):
        suffix = p.name[len(path.name) + 1 :]
        if suffix.isdigit():
            rotated.append((int(suffix), p))
    files = [p for _, p in sorted(rotated, reverse=True)]
    if path.exists():
        files.append(path)
    return files


def parse_line(line: bytes, source: str = "events") -> dict[str, Any] | None:
    """One line → event dict, or None (with a TornLineWarning) when it is not a complete JSON object."""
    line = line.strip()
    if not line:
        return None
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        warnings.warn(f"{source}: skipped an incomplete line ({len(line)} bytes)", TornLineWarning, stacklevel=2)
        return None
    if not isinstance(obj, dict):
        warnings.warn(f"{source}: skipped a line that is not a JSON object", TornLineWarning, stacklevel=2)
        return None
    return obj


def read_events(path: Path, *, rotated: bool = True) -> Iterator[dict[str, Any]]:
    """Every event of a session (rotated files included), oldest first, torn lines skipped."""
    files = session_files(path) if rotated else [Path(path)]
    for f in files:
        with open(f, "rb") as fh:
            for line in fh:
                event = parse_line(line, str(f))
                if event is not None:
                    yield event
