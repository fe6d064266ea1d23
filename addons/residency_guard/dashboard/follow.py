"""Follow a guard's events file like ``tail -f``, from the start of the session, through rotation.

``EventFollower.poll()`` is synchronous and never blocks on the writer: it reads what the kernel has,
returns the complete records, and keeps the bytes of an unfinished last line until its newline arrives.
The dashboard calls it on a timer; tests call it directly.

What it survives:

* **rotation** (``EventWriter`` renames ``events.jsonl`` → ``events.jsonl.1`` and starts a new file): the
  file at the path changes inode. The old handle is drained to its end first, then any newer rotated
  files that appeared meanwhile (a fast writer can rotate more than once between two polls), then the new
  file from byte 0. Nothing written is skipped.
* **truncation** (the file at the same inode shrinks, e.g. ``copytruncate``): reading restarts at 0.
* **torn lines** (a crash mid-write): a line that is not a JSON object is skipped with a warning. When a
  restarted writer appended its next record right after the torn bytes, that record is recovered from
  the end of the joined line. An unfinished line left behind by rotation is dropped with a warning.
* **hostile input**: a line longer than ``max_line_bytes`` is dropped with a warning; reading is bounded
  per poll by ``max_records`` and ``chunk_bytes`` so a huge backlog streams through several polls.

The path may not exist yet (the dashboard started before the guard): ``poll()`` returns nothing until it
appears.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, Self

import orjson

from ..eventlog import TornLineWarning, session_files

RECORD_START = b'{"'
MAX_RECOVERY_ATTEMPTS = 32
MAX_PATH_CHANGES_PER_POLL = 8


class RecordSource(Protocol):
    """What the dashboard reads records from: ``EventFollower`` (a file), or the fleet database's poller."""

    max_records: int
    skipped: int

    @property
    def waiting(self) -> bool: ...

    def poll(self) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


def _warn(message: str) -> None:
    warnings.warn(message, TornLineWarning, stacklevel=3)


@dataclass
class _Source:
    """One open file being read: the handle keeps reading the same inode whatever it is renamed to."""

    handle: IO[bytes]
    name: str
    inode: tuple[int, int]

    def close(self) -> None:
        self.handle.close()


def _identity(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


class EventFollower:
    """Reads the records of one events file (and its rotated predecessors) incrementally.

    ``poll()`` returns the new records (dicts, oldest first) since the previous call. ``skipped`` counts
    lines dropped as torn, oversized or not a JSON object; ``on_warning`` receives a message for each (by
    default a ``TornLineWarning`` is issued).
    """

    def __init__(
        self,
        path: Path,
        *,
        from_start: bool = True,
        max_records: int = 5000,
        chunk_bytes: int = 1 << 20,
        max_line_bytes: int = 4 << 20,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.from_start = from_start
        self.max_records = max_records
        self.chunk_bytes = chunk_bytes
        self.max_line_bytes = max_line_bytes
        self.on_warning = on_warning or _warn
        self.skipped = 0
        self.rotations = 0
        self.truncations = 0
        self._started = False
        self._backlog: list[_Source] = []  # rotated files not yet read, oldest first
        self._live: _Source | None = None  # the handle on the file at ``path``
        self._partial = bytearray()
        self._discarding = False  # inside an oversized line: drop bytes up to the next newline

    # -------------------------------------------------------------------------------------- public

    @property
    def waiting(self) -> bool:
        """True while the events file does not exist yet."""
        return self._live is None and not self._backlog

    def poll(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        if not self._started:
            self._start()
        path_changes = 0
        while len(records) < self.max_records:
            if self._backlog:
                source = self._backlog[0]
                if self._read_available(source, records):
                    self._finish_source(source)
                    self._backlog.pop(0)
                continue
            if self._live is None:
                self._live = self._open(self.path, at_end=False)
                if self._live is None:
                    break
            if not self._read_available(self._live, records):
                break  # record cap reached: the rest comes with the next poll
            # At the end of what the live handle has: has the path moved on to another file, or shrunk?
            if path_changes >= MAX_PATH_CHANGES_PER_POLL or not self._path_changed():
                break
            path_changes += 1
        return records

    def close(self) -> None:
        for source in self._backlog:
            source.close()
        self._backlog.clear()
        if self._live is not None:
            self._live.close()
            self._live = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------------------------------- opening

    def _start(self) -> None:
        self._started = True
        if not self.from_start:
            self._live = self._open(self.path, at_end=True)
            return
        # Open every file of the session now: the handles then follow their inodes through later renames.
        for p in session_files(self.path):
            if p == self.path:
                self._live = self._open(p, at_end=False)
            else:
                source = self._open(p, at_end=False)
                if source is not None:
                    self._backlog.append(source)

    def _open(self, path: Path, *, at_end: bool) -> _Source | None:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - held open across polls to follow the inode
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as e:
            self.on_warning(f"{path}: cannot open ({e.strerror or e})")
            return None
        if at_end:
            handle.seek(0, os.SEEK_END)
        return _Source(handle, str(path), _identity(os.fstat(handle.fileno())))

    # -------------------------------------------------------------------------------------- following

    def _path_changed(self) -> bool:
        """Handle a rotation or truncation of the live file; True when there is something new to read."""
        assert self._live is not None
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return False  # mid-rotation (renamed, new file not created yet): look again next poll
        except OSError as e:
            self.on_warning(f"{self.path}: cannot stat ({e.strerror or e})")
            return False
        if _identity(st) != self._live.inode:
            self._rotated()
            return True
        if st.st_size < self._live.handle.tell():
            self._truncated()
            return True
        return False

    def _rotated(self) -> None:
        assert self._live is not None
        old = self._live
        # The writer may have rotated again since it renamed our file: the rotated files newer than ours
        # come before the new live file. If ours is not among them (deleted, or moved elsewhere) what came
        # between cannot be told apart from older files, so only the new live file is read.
        newer: list[Path] = []
        for p in reversed(session_files(self.path)):
            if p == self.path:
                continue
            try:
                if _identity(os.stat(p)) == old.inode:
                    break
            except OSError:
                continue
            newer.append(p)
        else:
            newer = []
        self.rotations += 1
        self._live = None
        # The old handle goes first: the writer may have appended to it after our last read.
        self._backlog.append(old)
        for p in reversed(newer):
            source = self._open(p, at_end=False)
            if source is not None:
                self._backlog.append(source)

    def _truncated(self) -> None:
        assert self._live is not None
        self.truncations += 1
        if self._partial or self._discarding:
            self._skip(f"{self._live.name}: dropped an unfinished line (file truncated)")
        self._partial.clear()
        self._discarding = False
        self._live.handle.seek(0)

    def _finish_source(self, source: _Source) -> None:
        """The source ends here: whatever is buffered can never complete."""
        if self._partial:
            self._skip(f"{source.name}: skipped an incomplete last line ({len(self._partial)} bytes)")
            self._partial.clear()
        self._discarding = False
        source.close()

    # -------------------------------------------------------------------------------------- reading

    def _read_available(self, source: _Source, records: list[dict[str, Any]]) -> bool:
        """Read complete lines into ``records``; True when the source's end was reached."""
        while len(records) < self.max_records:
            try:
                chunk = source.handle.read(self.chunk_bytes)
            except OSError as e:
                self.on_warning(f"{source.name}: read failed ({e.strerror or e})")
                return True
            if not chunk:
                return True
            consumed = self._split(chunk, source.name, records)
            if consumed < len(chunk):
                # Record cap reached mid-chunk (always right after a newline): read the rest next poll.
                source.handle.seek(consumed - len(chunk), os.SEEK_CUR)
                return False
        return False

    def _split(self, chunk: bytes, name: str, records: list[dict[str, Any]]) -> int:
        """Parse the complete lines of ``chunk``; returns how many bytes were consumed."""
        start = 0
        while True:
            if len(records) >= self.max_records:
                return start
            nl = chunk.find(b"\n", start)
            if nl < 0:
                self._buffer(chunk[start:], name)
                return len(chunk)
            if self._discarding:
                self._discarding = False
            elif self._partial:
                self._partial += chunk[start:nl]
                line = bytes(self._partial)
                self._partial.clear()
                if len(line) > self.max_line_bytes:
                    self._skip(f"{name}: skipped a line longer than {self.max_line_bytes} bytes")
                else:
                    self._parse(line, name, records)
            elif nl - start > self.max_line_bytes:
                self._skip(f"{name}: skipped a line longer than {self.max_line_bytes} bytes")
            else:
                self._parse(chunk[start:nl], name, records)
            start = nl + 1

    def _buffer(self, tail: bytes, name: str) -> None:
        if self._discarding or not tail:
            return
        if len(self._partial) + len(tail) > self.max_line_bytes:
            self._skip(f"{name}: skipped a line longer than {self.max_line_bytes} bytes")
            self._partial.clear()
            self._discarding = True
            return
        self._partial += tail

    def _parse(self, line: bytes, name: str, records: list[dict[str, Any]]) -> None:
        line = line.strip()
        if not line:
            return
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            recovered = _recover_tail(line)
            self._skip(f"{name}: skipped an incomplete line ({len(line)} bytes)")
            if recovered is not None:
                records.append(recovered)
            return
        if isinstance(obj, dict):
            records.append(obj)
        else:
            self._skip(f"{name}: skipped a line that is not a JSON object")

    def _skip(self, message: str) -> None:
        self.skipped += 1
        self.on_warning(message)


def _recover_tail(line: bytes) -> dict[str, Any] | None:
    """The record a restarted writer appended after torn bytes, if the line ends with a whole one.

    Tries the record starts from the left so the longest complete object wins; bounded so a hostile
    line costs at most a few parses.
    """
    pos = line.find(RECORD_START, 1)
    attempts = 0
    while pos > 0 and attempts < MAX_RECOVERY_ATTEMPTS:
        attempts += 1
        try:
            obj = orjson.loads(line[pos:])
        except orjson.JSONDecodeError:
            pos = line.find(RECORD_START, pos + 1)
            continue
        if isinstance(obj, dict) and isinstance(obj.get("event_type"), str):
            return obj
        return None
    return None
