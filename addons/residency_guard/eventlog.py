"""The events file: one JSON object per line, appended and flushed per event.

Durability policy (what survives what):

- **Guard crash** (exception, ``kill -9``, OOM): every event ``append`` returned for is on disk. The file
  is opened unbuffered and each line goes to the kernel with ``write(2)`` before ``append`` returns, so
  nothing waits in a userspace buffer. This is the default.
- **Power loss / kernel panic**: pass ``fsync=True`` to ``EventWriter`` (``os.fsync`` after every line,
  and of the directory after a rotation or creation). Costs a disk flush per event; use it on hardware you
  expect to lose, not on a laptop lab.
- **Disk full, read-only or vanished file**: ``append`` raises ``EventLogError``; the caller decides
  (the guard's ``--on-error``). A line cut short by such a failure is terminated before the next append,
  so one failure never corrupts the following event.
- **Torn last line** (crash or power loss mid-write): every reader (``read_events``, ``EventsReader``,
  export, diff, dashboard) skips a line that is not a complete JSON object with a ``TornLineWarning``.
  A writer that reopens a file ending in a torn line first ends that line, so the next event starts on a
  line of its own.

Lines are rendered with structlog's JSON renderer (orjson underneath) and written with one ``write``
call in ``O_APPEND`` mode, so concurrent appenders never interleave within a line.

Rotation: when a file grows past ``max_bytes`` it is renamed ``<name>.1`` (older ones shift to ``.2`` …,
and the oldest beyond ``keep`` is dropped: retention is bounded by design) and a new file is started
under the original name. The new file starts with a copy of the session's ``session`` record, so every
file still says what judged its events even after the first one has been rotated away; readers merge
repeated session records with the same ``session_id``. ``session_files`` lists a session's files oldest
first and ``read_events`` follows them in that order.
"""

from __future__ import annotations

import hashlib
import os
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import structlog

from .model import Event


class EventLogError(Exception):
    """The events file cannot be written: events would be lost."""


class TornLineWarning(UserWarning):
    """A line of an events file is not a complete JSON object (usually a crash mid-write)."""


def _orjson_dumps(obj: Any, **_: Any) -> bytes:
    return orjson.dumps(obj)


_render_json = structlog.processors.JSONRenderer(serializer=_orjson_dumps)


def render_line(record: Any) -> bytes:
    """One record (an Event, SessionRecord, StatsRecord or a plain dict) as the line the file holds.

    Separate from writing so that an inspector worker can render an event and the proxy only writes it.
    """
    if hasattr(record, "model_dump"):
        record = record.model_dump(mode="json")
    line = _render_json(None, "", record)
    return (line if isinstance(line, bytes) else line.encode()) + b"\n"


class EventWriter:
    """Appends events to a JSON-lines file; thread-safe; raises EventLogError when it cannot write."""

    def __init__(self, path: Path, *, max_bytes: int | None = None, keep: int = 10, fsync: bool = False):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.keep = max(1, keep)
        self.fsync = fsync
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._size = 0
        # True while the file may end in the middle of a line (a torn line left by a crash, or our own
        # write cut short): the next append ends that line first.
        self._needs_newline = False
        self._session_line: bytes | None = None
        self._open()

    def _open(self) -> None:
        created = not self.path.exists()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._size = os.fstat(self._fd).st_size
            self._needs_newline = self._size > 0 and not _ends_with_newline(self.path)
            if created and self.fsync:
                _fsync_dir(self.path.parent)
        except OSError as e:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            raise EventLogError(f"cannot open events file {self.path}: {e.strerror or e}") from e

    def append(self, event: Event | Any) -> None:
        """Write one record (an Event, SessionRecord, StatsRecord or a plain dict) as one line."""
        event_type = getattr(event, "event_type", None) or (
            event.get("event_type") if isinstance(event, dict) else None
        )
        self.append_line(render_line(event), session=event_type == "session")

    def append_line(self, data: bytes, *, session: bool = False) -> None:
        """Write a line made by ``render_line``; ``session`` marks the session record (copied on rotation)."""
        with self._lock:
            if self._fd is None:
                raise EventLogError(f"events file {self.path} is closed")
            if session:
                self._session_line = data
            self._write(data)
            if self.max_bytes and self._size >= self.max_bytes:
                self._rotate()

    def _write(self, data: bytes) -> None:
        assert self._fd is not None
        if self._needs_newline:
            data = b"\n" + data
        self._needs_newline = True
        try:
            view = memoryview(data)
            while view:
                n = os.write(self._fd, view)
                self._size += n
                view = view[n:]
            if self.fsync:
                os.fsync(self._fd)
        except OSError as e:
            raise EventLogError(f"cannot write events file {self.path}: {e.strerror or e}") from e
        self._needs_newline = False

    def _rotate(self) -> None:
        assert self._fd is not None
        os.close(self._fd)
        self._fd = None
        try:
            for n in range(self.keep - 1, 0, -1):
                older = self.path.with_name(f"{self.path.name}.{n}")
                if older.exists():
                    older.replace(self.path.with_name(f"{self.path.name}.{n + 1}"))
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        except OSError as e:
            raise EventLogError(f"cannot rotate events file {self.path}: {e.strerror or e}") from e
        finally:
            self._open()
        if self.fsync:
            _fsync_dir(self.path.parent)
        if self._session_line is not None:
            self._write(self._session_line)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> EventWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ends_with_newline(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"
    except OSError:
        return True  # unreadable (write-only): cannot tell, and an extra blank line would be harmless too


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on directories; the file itself was synced
    finally:
        os.close(fd)


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


@dataclass(frozen=True, slots=True)
class Record:
    """One parsed line of an events file, with where it came from (for error messages)."""

    source: Path
    line: int
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FileDigest:
    """A file as it was read: evidence that a report was built from these exact bytes."""

    path: Path
    sha256: str
    bytes: int


@dataclass
class EventsReader:
    """Iterates the records of an events file (rotated files first), counting the lines it skipped.

    ``skipped`` lists ``"file:line"`` of every torn or non-object line; each also raises a TornLineWarning.
    ``digests`` holds the SHA-256 of each file's bytes as they were read (a live file may grow later).
    """

    path: Path
    rotated: bool = True
    missing_ok: bool = False
    skipped: list[str] = field(default_factory=list)
    digests: list[FileDigest] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        if self.rotated:
            return session_files(self.path)
        return [Path(self.path)] if Path(self.path).exists() else []

    def __iter__(self) -> Iterator[Record]:
        files = self.files
        if not files and not self.missing_ok:
            raise FileNotFoundError(f"no events file at {self.path}")
        for f in files:
            digest = hashlib.sha256()
            size = 0
            with open(f, "rb") as fh:
                for number, raw in enumerate(fh, start=1):
                    digest.update(raw)
                    size += len(raw)
                    if not raw.strip():
                        continue
                    data = parse_line(raw, f"{f}:{number}")
                    if data is None:
                        self.skipped.append(f"{f}:{number}")
                        continue
                    yield Record(f, number, data)
            self.digests.append(FileDigest(f, digest.hexdigest(), size))


def read_events(path: Path, *, rotated: bool = True) -> Iterator[dict[str, Any]]:
    """Every event of a session (rotated files included), oldest first, torn lines skipped.

    A missing file yields nothing when ``rotated`` (a session that has not written yet); without
    ``rotated`` it raises FileNotFoundError.
    """
    for record in EventsReader(Path(path), rotated=rotated, missing_ok=rotated):
        yield record.data
