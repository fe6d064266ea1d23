"""Reading an events file as it grows, from a saved position, across rotations.

The publisher's only view of the guard: it never touches a flow, it reads what ``eventlog`` wrote. A
position is (inode, byte offset) rather than (name, offset) because rotation renames files: the file
being read when ``events.jsonl`` became ``events.jsonl.1`` is found again by its inode, finished, and the
follower moves on to the next file. The position is kept in a small file beside the events file
(``<events>.publish-offset``), replaced atomically, and advanced only once what it covers is safe
elsewhere, so a restarted publisher resumes exactly where the last acknowledged batch ended.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import orjson

from ..eventlog import session_files


@dataclass(frozen=True, slots=True)
class Position:
    inode: int | None
    """The file the offset is in; None before anything was read (start at the oldest file)."""
    offset: int


START = Position(None, 0)


class OffsetFile:
    """The saved position of one follower: JSON in a file of its own, written atomically and fsync'd."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @classmethod
    def beside(cls, events: Path, purpose: str) -> OffsetFile:
        events = Path(events)
        return cls(events.with_name(f"{events.name}.{purpose}-offset"))

    def load(self) -> Position:
        try:
            data = orjson.loads(self.path.read_bytes())
            inode, offset = data["inode"], data["offset"]
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            return START  # none yet (or unreadable): from the start; the event id keeps a re-send harmless
        if not (inode is None or isinstance(inode, int)) or not isinstance(offset, int) or offset < 0:
            return START
        return Position(inode, offset)

    def save(self, position: Position) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(orjson.dumps({"inode": position.inode, "offset": position.offset}))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)


class Follower:
    """Complete lines of an events file and its rotated predecessors, oldest first, from a position."""

    def __init__(self, events: Path, *, max_lines: int = 500, max_bytes: int = 4 << 20):
        self.events = Path(events)
        self.max_lines = max_lines
        self.max_bytes = max_bytes

    def read(self, position: Position) -> tuple[list[bytes], Position]:
        """Up to ``max_lines`` lines (or about ``max_bytes``) after ``position``, and the position after them.

        A last line still being written (no newline yet) is left for the next call, except at the end of
        a rotated file, which nothing will append to any more.
        """
        files = self._files()
        index = next((i for i, (inode, _) in enumerate(files) if inode == position.inode), None)
        if index is None:
            # Never read, or the file was rotated away beyond retention: from the oldest file kept.
            index, position = 0, START
        lines: list[bytes] = []
        for i in range(index, len(files)):
            inode, path = files[i]
            offset = position.offset if inode == position.inode else 0
            last = i == len(files) - 1
            offset, finished = self._read_file(path, inode, offset, last, lines)
            position = Position(inode, offset)
            if not finished or len(lines) >= self.max_lines:
                break
        return lines, position

    def _files(self) -> list[tuple[int, Path]]:
        found = []
        for path in session_files(self.events):
            try:
                found.append((os.stat(path).st_ino, path))
            except OSError:
                continue  # rotated between listing and stat: seen under its new name next time
        return found

    def _read_file(self, path: Path, inode: int, offset: int, last: bool, lines: list[bytes]) -> tuple[int, bool]:
        """Append the file's lines from ``offset``; (offset reached, whether the file was read to its end)."""
        try:
            fh = open(path, "rb")
        except OSError:
            return offset, False
        with fh:
            if os.fstat(fh.fileno()).st_ino != inode:
                return offset, False  # renamed under us: the next call lists the files again
            fh.seek(offset)
            taken = 0
            while len(lines) < self.max_lines and taken < self.max_bytes:
                line = fh.readline()
                if not line:
                    return offset, not last
                if not line.endswith(b"\n") and last:
                    return offset, False  # being written: wait for its newline
                offset += len(line)
                taken += len(line)
                if line.strip():
                    lines.append(line.rstrip(b"\n"))
            return offset, False
