"""The events file loses nothing: flush per event, torn lines, rotation, unwritable paths, full disks."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import orjson
import pytest

from _evidence_samples import event, session, standard_session, write_events
from residency_guard import eventlog
from residency_guard.eventlog import (
    EventLogError,
    EventsReader,
    EventWriter,
    TornLineWarning,
    parse_line,
    read_events,
    session_files,
)
from residency_guard.model import Event


def test_each_event_is_on_disk_before_append_returns(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    writer = EventWriter(path)
    writer.append(event(flow_id="a"))
    # Read with a separate handle while the writer is still open: nothing may wait in a buffer.
    assert [e["flow_id"] for e in read_events(path)] == ["a"]
    writer.append(event(flow_id="b"))
    assert [e["flow_id"] for e in read_events(path)] == ["a", "b"]
    writer.close()
    assert Event.model_validate(next(read_events(path))) == event(flow_id="a")


def test_events_survive_a_killed_guard(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from _evidence_samples import event
        from residency_guard.eventlog import EventWriter
        w = EventWriter({str(path)!r})
        for i in range(50):
            w.append(event(flow_id=f"f{{i}}"))
        os.kill(os.getpid(), 9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert proc.returncode == -9
    assert [e["flow_id"] for e in read_events(path)] == [f"f{i}" for i in range(50)]


def test_torn_last_line_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = write_events(tmp_path / "events.jsonl", standard_session())
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"timestamp": "2025-03-01T10:09:00Z", "event_type": "trans')
    with pytest.warns(TornLineWarning, match="incomplete line"):
        records = list(read_events(path))
    assert len(records) == len(standard_session())
    reader = EventsReader(path)
    with pytest.warns(TornLineWarning):
        assert len(list(reader)) == len(standard_session())
    assert reader.skipped == [f"{path}:{len(standard_session()) + 1}"]


def test_writer_reopening_after_a_torn_line_keeps_the_next_event_whole(tmp_path: Path) -> None:
    path = write_events(tmp_path / "events.jsonl", [event(flow_id="before")])
    with open(path, "ab") as fh:
        fh.write(b'{"flow_id": "torn", "ti')
    write_events(path, [event(flow_id="after")])
    with pytest.warns(TornLineWarning):
        assert [e["flow_id"] for e in read_events(path)] == ["before", "after"]


def test_a_write_cut_short_does_not_corrupt_the_next_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.jsonl"
    writer = EventWriter(path)
    writer.append(event(flow_id="one"))
    real_write = os.write
    calls = {"n": 0}

    def disk_fills_mid_line(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data[:40]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(eventlog.os, "write", disk_fills_mid_line)
    with pytest.raises(EventLogError, match="No space left"):
        writer.append(event(flow_id="two"))
    monkeypatch.setattr(eventlog.os, "write", real_write)
    writer.append(event(flow_id="three"))
    writer.close()
    with pytest.warns(TornLineWarning):
        assert [e["flow_id"] for e in read_events(path)] == ["one", "three"]


def test_full_disk_raises_event_log_error() -> None:
    if not Path("/dev/full").exists():
        pytest.fail("/dev/full is needed to simulate a full disk")
    writer = EventWriter(Path("/dev/full"))
    with pytest.raises(EventLogError, match="cannot write events file /dev/full"):
        writer.append(event())
    writer.close()


def test_unwritable_path_raises_event_log_error(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "plain-file"
    not_a_dir.write_text("x")
    with pytest.raises(EventLogError, match="cannot open events file"):
        EventWriter(not_a_dir / "events.jsonl")
    directory = tmp_path / "a-directory"
    directory.mkdir()
    with pytest.raises(EventLogError, match="cannot open events file"):
        EventWriter(directory)


def test_append_after_close_raises(tmp_path: Path) -> None:
    writer = EventWriter(tmp_path / "e.jsonl")
    writer.close()
    with pytest.raises(EventLogError, match="closed"):
        writer.append(event())


def test_rotation_is_followed_by_readers_oldest_first(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    records = [session("rot")] + [event(flow_id=f"f{i:03d}") for i in range(40)]
    write_events(path, records, max_bytes=4000)
    files = session_files(path)
    assert len(files) > 3
    assert files[-1] == path
    assert [f.name for f in files[:-1]] == [f"events.jsonl.{n}" for n in range(len(files) - 1, 0, -1)]
    flows = [e["flow_id"] for e in read_events(path) if e["event_type"] == "transfer"]
    assert flows == [f"f{i:03d}" for i in range(40)]
    # Every file says what judged its events, even once the first file is gone.
    for f in files:
        first = orjson.loads(f.read_bytes().splitlines()[0])
        assert first["event_type"] == "session" and first["session_id"] == "rot"
    current = [e["flow_id"] for e in read_events(path, rotated=False) if "flow_id" in e]
    assert current == flows[len(flows) - len(current) :]


def test_rotation_keeps_a_bounded_number_of_files(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    write_events(path, [event(flow_id=f"f{i}") for i in range(60)], max_bytes=2000, keep=3)
    assert [f.name for f in session_files(path)] == [
        "events.jsonl.3",
        "events.jsonl.2",
        "events.jsonl.1",
        "events.jsonl",
    ]


def test_fsync_option_syncs_every_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(eventlog.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    writer = EventWriter(tmp_path / "e.jsonl", fsync=True)
    before = len(synced)  # creating the file syncs its directory
    for i in range(3):
        writer.append(event(flow_id=str(i)))
    writer.close()
    assert len(synced) - before == 3
    unsynced = EventWriter(tmp_path / "f.jsonl")
    count = len(synced)
    unsynced.append(event())
    unsynced.close()
    assert len(synced) == count


def test_concurrent_appends_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    writer = EventWriter(path)

    def worker(n: int) -> None:
        for i in range(100):
            writer.append(event(flow_id=f"{n}-{i}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a single torn line would fail here
        flows = [e["flow_id"] for e in read_events(path)]
    assert sorted(flows) == sorted(f"{n}-{i}" for n in range(6) for i in range(100))


@pytest.mark.parametrize("line", [b"[1, 2]", b"\xff\xfe garbage", b"{" * 5000, b'"a string"'])
def test_hostile_lines_are_skipped_not_fatal(line: bytes) -> None:
    with pytest.warns(TornLineWarning):
        assert parse_line(line) is None


def test_missing_file(tmp_path: Path) -> None:
    assert list(read_events(tmp_path / "none.jsonl")) == []
    with pytest.raises(FileNotFoundError):
        list(read_events(tmp_path / "none.jsonl", rotated=False))
    with pytest.raises(FileNotFoundError):
        list(EventsReader(tmp_path / "none.jsonl"))
