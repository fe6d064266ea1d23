"""EventFollower: tail -f of an events file through rotation, truncation and torn lines."""

from __future__ import annotations

import warnings
from pathlib import Path

import orjson
import pytest

from residency_guard.dashboard.follow import EventFollower
from residency_guard.dashboard.sample import event, session_record
from residency_guard.eventlog import EventWriter, TornLineWarning


def flow_ids(records: list[dict]) -> list[str]:
    return [r["flow_id"] for r in records if "flow_id" in r]


def line(n: int) -> bytes:
    return orjson.dumps(event(n=n).model_dump(mode="json")) + b"\n"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "events.jsonl"


def test_reads_existing_then_follows_appends(path: Path) -> None:
    writer = EventWriter(path)
    writer.append(session_record().model_dump(mode="json"))
    writer.append(event(n=1))
    follower = EventFollower(path)
    first = follower.poll()
    assert [r["event_type"] for r in first] == ["session", "transfer"]
    assert follower.poll() == []
    writer.append(event(n=2))
    writer.append(event(n=3))
    assert flow_ids(follower.poll()) == ["flow-000002", "flow-000003"]
    writer.close()
    follower.close()


def test_waits_for_a_file_that_does_not_exist_yet(path: Path) -> None:
    follower = EventFollower(path)
    assert follower.poll() == []
    assert follower.waiting
    writer = EventWriter(path)
    writer.append(event(n=1))
    assert flow_ids(follower.poll()) == ["flow-000001"]
    assert not follower.waiting
    writer.close()


def test_starts_with_rotated_files_oldest_first(path: Path) -> None:
    # Small max_bytes: every event rotates, so the session spans events.jsonl.3 … events.jsonl.
    writer = EventWriter(path, max_bytes=1, keep=10)
    for n in range(1, 5):
        writer.append(event(n=n))
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "events.jsonl",
        "events.jsonl.1",
        "events.jsonl.2",
        "events.jsonl.3",
        "events.jsonl.4",
    ]
    follower = EventFollower(path)
    assert flow_ids(follower.poll()) == [f"flow-{n:06d}" for n in range(1, 5)]
    writer.close()


def test_rotation_between_polls_loses_nothing(path: Path) -> None:
    writer = EventWriter(path, max_bytes=3 * len(line(1)), keep=10)
    follower = EventFollower(path)
    seen: list[str] = []
    for n in range(1, 4):
        writer.append(event(n=n))
        seen += flow_ids(follower.poll())
    # Several rotations before the next poll: the old handle is drained, then .2, .1, then the live file.
    for n in range(4, 15):
        writer.append(event(n=n))
    seen += flow_ids(follower.poll())
    assert seen == [f"flow-{n:06d}" for n in range(1, 15)]
    assert follower.rotations >= 1
    writer.close()


def test_rotation_drains_lines_written_to_the_old_file_after_the_last_poll(path: Path) -> None:
    with open(path, "wb") as f:
        f.write(line(1))
    follower = EventFollower(path)
    assert flow_ids(follower.poll()) == ["flow-000001"]
    with open(path, "ab") as f:
        f.write(line(2))
    path.rename(path.with_name("events.jsonl.1"))
    with open(path, "wb") as f:
        f.write(line(3))
    assert flow_ids(follower.poll()) == ["flow-000002", "flow-000003"]


def test_truncation_restarts_from_the_beginning(path: Path) -> None:
    with open(path, "wb") as f:
        f.write(line(1) + line(2))
    follower = EventFollower(path)
    assert len(follower.poll()) == 2
    with open(path, "r+b") as f:
        f.truncate(0)
    with open(path, "ab") as f:
        f.write(line(3))
    assert flow_ids(follower.poll()) == ["flow-000003"]
    assert follower.truncations == 1


def test_partial_last_line_waits_for_its_newline(path: Path) -> None:
    data = line(1)
    with open(path, "wb") as f:
        f.write(data[:40])
    follower = EventFollower(path, on_warning=pytest.fail)
    assert follower.poll() == []
    with open(path, "ab") as f:
        f.write(data[40:-1])
    assert follower.poll() == []
    with open(path, "ab") as f:
        f.write(b"\n" + line(2)[:10])
    assert flow_ids(follower.poll()) == ["flow-000001"]
    assert follower.skipped == 0


def test_torn_line_followed_by_a_complete_line_is_skipped_and_the_next_record_recovered(path: Path) -> None:
    # A guard crashed mid-write; the restarted guard appended its session record right after the torn bytes.
    with open(path, "wb") as f:
        f.write(line(1) + line(2)[:50])
    follower = EventFollower(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert flow_ids(follower.poll()) == ["flow-000001"]
        with open(path, "ab") as f:
            f.write(orjson.dumps(session_record(session_id="s-0002").model_dump(mode="json")) + b"\n" + line(3))
        records = follower.poll()
    assert [r["event_type"] for r in records] == ["session", "transfer"]
    assert records[0]["session_id"] == "s-0002"
    assert follower.skipped == 1
    assert any(issubclass(w.category, TornLineWarning) for w in caught)


def test_torn_line_left_at_rotation_is_dropped_with_a_warning(path: Path) -> None:
    with open(path, "wb") as f:
        f.write(line(1) + line(2)[:30])
    messages: list[str] = []
    follower = EventFollower(path, on_warning=messages.append)
    assert flow_ids(follower.poll()) == ["flow-000001"]
    path.rename(path.with_name("events.jsonl.1"))
    with open(path, "wb") as f:
        f.write(line(3))
    assert flow_ids(follower.poll()) == ["flow-000003"]
    assert follower.skipped == 1
    assert "incomplete last line" in messages[0]


def test_garbage_and_non_objects_are_skipped(path: Path) -> None:
    with open(path, "wb") as f:
        f.write(b"\x00\xff not json\n[1,2]\n\n" + line(1) + b'{"a": {"b": \n')
    messages: list[str] = []
    follower = EventFollower(path, on_warning=messages.append)
    assert flow_ids(follower.poll()) == ["flow-000001"]
    with open(path, "ab") as f:
        f.write(line(2))
    assert flow_ids(follower.poll()) == ["flow-000002"]
    assert follower.skipped == 3


def test_oversized_line_is_dropped_without_buffering_it_all(path: Path) -> None:
    with open(path, "wb") as f:
        f.write(b'{"x":"' + b"a" * 50_000)
    follower = EventFollower(path, max_line_bytes=4000, chunk_bytes=256, on_warning=lambda m: None)
    assert follower.poll() == []
    assert len(follower._partial) <= 4000
    with open(path, "ab") as f:
        f.write(b"a" * 3000 + b'"}\n' + line(1))
    assert flow_ids(follower.poll()) == ["flow-000001"]
    assert follower.skipped == 1


def test_backlog_streams_through_several_polls(path: Path) -> None:
    writer = EventWriter(path, max_bytes=20 * len(line(1)))
    for n in range(1, 101):
        writer.append(event(n=n))
    follower = EventFollower(path, max_records=30)
    batches = []
    while batch := follower.poll():
        assert len(batch) <= 30
        batches.append(batch)
    assert len(batches) >= 4
    assert [r["flow_id"] for b in batches for r in b] == [f"flow-{n:06d}" for n in range(1, 101)]
    writer.close()


def test_from_end_skips_history(path: Path) -> None:
    with open(path, "wb") as f:
        f.write(line(1))
    follower = EventFollower(path, from_start=False)
    assert follower.poll() == []
    with open(path, "ab") as f:
        f.write(line(2))
    assert flow_ids(follower.poll()) == ["flow-000002"]


def test_unreadable_file_is_reported_not_raised(path: Path) -> None:
    path.mkdir()  # a directory where the file should be
    messages: list[str] = []
    follower = EventFollower(path, on_warning=messages.append)
    assert follower.poll() == []
    assert "cannot open" in messages[0]
