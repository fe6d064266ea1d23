"""The Textual dashboard driven with Pilot, over real events files written with EventWriter."""

from __future__ import annotations

import asyncio
import io
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, Static

from residency_guard.dashboard.app import DashboardApp, DetailScreen, HelpScreen
from residency_guard.dashboard.sample import (
    SAMPLE_VALUES,
    demo_traffic,
    event,
    session_record,
    stats_record,
    write_demo_session,
)
from residency_guard.eventlog import EventWriter

SIZE = (140, 42)


def text_of(app: DashboardApp, selector: str) -> str:
    content = app.screen.query_one(selector, Static).content
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(content)
    return console.export_text()


def feed(app: DashboardApp) -> DataTable:
    return app.query_one("#feed", DataTable)


def feed_hosts(app: DashboardApp) -> list[str]:
    table = feed(app)
    return [str(table.get_row_at(i)[3]) for i in range(table.row_count)]


async def until(pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


def append_bytes(path: Path, data: bytes) -> None:
    with open(path, "ab") as f:
        f.write(data)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "events.jsonl"


async def test_panels_show_counts_session_and_feed(path: Path) -> None:
    write_demo_session(path, events=60)
    app = DashboardApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        totals = text_of(app, "#totals")
        assert "240" in totals  # flows from the stats records (4 per judged event)
        assert "from stats" in totals
        assert "violations" in totals and str(app.state.totals().violations) in totals
        types = text_of(app, "#types")
        assert "imei" in types and "cell_id" in types
        countries = text_of(app, "#countries")
        for country in ("CN", "SG", "US", "RU", "NO", "DE"):
            assert country in countries
        assert "█" in countries
        session = text_of(app, "#session")
        assert "gdpr-eea" in session and "nokia-7-plus-no" in session
        assert "DBIP-Country-Lite 2026-11-01" in session
        assert feed(app).row_count == 60
        assert feed_hosts(app)[0] == demo_traffic(60)[0]  # the newest first
        assert feed_hosts(app)[-1] == demo_traffic(1)[0]
        assert app.sub_title == "policy gdpr-eea"


async def test_filters_cycle_with_keys(path: Path) -> None:
    writer = EventWriter(path)
    writer.append(event(n=1, types=("imei",), country="CN", host="a.example", violation=True, blocked=True))
    writer.append(event(n=2, types=("imsi",), country="CN", host="b.example", violation=True))
    writer.append(event(n=3, types=("imei",), country="NO", host="c.example", violation=False))
    writer.append(event(n=4, types=("imei", "mac"), country="NO", host="d.example", violation=False))
    writer.close()
    app = DashboardApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert feed_hosts(app) == ["d.example", "c.example", "b.example", "a.example"]
        await pilot.press("v")
        assert app.filter.verdict == "violation"
        assert feed_hosts(app) == ["b.example", "a.example"]
        await pilot.press("v")
        assert feed_hosts(app) == ["a.example"]
        await pilot.press("v", "v")  # allowed, then back to all
        assert app.filter.verdict == "all"
        await pilot.press("t")  # most frequent type first
        assert app.filter.type == "imei"
        assert feed_hosts(app) == ["d.example", "c.example", "a.example"]
        await pilot.press("c")  # busiest country first: CN and NO tie at 2, alphabetical
        assert app.filter.country == "CN"
        assert feed_hosts(app) == ["a.example"]
        assert "type=imei" in text_of(app, "#filters") and "country=CN" in text_of(app, "#filters")
        await pilot.press("x")
        assert feed(app).row_count == 4


async def test_enter_opens_the_detail_view_with_masked_identifiers_only(path: Path) -> None:
    writer = EventWriter(path)
    writer.append(session_record())
    writer.append(event(n=1, types=("imei", "imsi"), reveal=True, blocked=True, complete=False))
    writer.close()
    app = DashboardApp(path, poll_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        detail = text_of(app, "#detail")
        for expected in (
            "imei",
            "imsi",
            "body|base64|json:$.IMEI1",
            "format",
            "1.00",
            "49•••••••••••18",
            "zzhc.vnet.cn",
            "203.0.113.10",
            "CN",
            "eea-device-ids-stay-in-adequate-countries",
            "no adequacy decision",
            "GDPR Art. 44-46",
            "partial",
            "first 1 MiB inspected",
        ):
            assert expected in detail, expected
        assert SAMPLE_VALUES["imei"] not in detail and SAMPLE_VALUES["imsi"] not in detail
        writer = EventWriter(path)  # events keep arriving while the detail view is open
        writer.append(event(n=2, host="while-open.example"))
        writer.close()
        await until(pilot, lambda: app.state.events == 2)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailScreen)
        assert feed_hosts(app)[0] == "while-open.example"


async def test_live_following_appends_newest_first(path: Path) -> None:
    writer = EventWriter(path)
    writer.append(session_record())
    app = DashboardApp(path, poll_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert feed(app).row_count == 0
        writer.append(event(n=1, host="first.example"))
        await until(pilot, lambda: feed(app).row_count == 1)
        writer.append(event(n=2, host="second.example"))
        await until(pilot, lambda: feed(app).row_count == 2)
        assert feed_hosts(app) == ["second.example", "first.example"]
        assert app.state.totals().violations == 2
    writer.close()


async def test_keeps_the_chosen_row_under_the_cursor_as_events_arrive(path: Path) -> None:
    writer = EventWriter(path)
    for n in range(1, 4):
        writer.append(event(n=n, host=f"h{n}.example"))
    app = DashboardApp(path, poll_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down")
        assert feed_hosts(app)[feed(app).cursor_row] == "h2.example"
        writer.append(event(n=4, host="h4.example"))
        await until(pilot, lambda: feed(app).row_count == 4)
        assert feed_hosts(app)[feed(app).cursor_row] == "h2.example"
    writer.close()


async def test_follows_rotation_and_truncation(path: Path) -> None:
    writer = EventWriter(path, max_bytes=4000, keep=50)
    writer.append(session_record())
    app = DashboardApp(path, poll_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in range(1, 31):
            writer.append(event(n=n))
        await until(pilot, lambda: app.state.events == 30)
        assert app.follower.rotations >= 1
        assert len(list(path.parent.glob("events.jsonl.*"))) >= 5
        writer.close()
        os.truncate(path, 0)
        writer = EventWriter(path)
        writer.append(event(n=99, host="after-truncation.example"))
        await until(pilot, lambda: app.state.events == 31)
        assert feed_hosts(app)[0] == "after-truncation.example"
        assert app.follower.truncations == 1
        assert sorted({r[0] for r in [e.flow_id for _, e in app.state.feed]}) == ["f"]
        assert len({e.flow_id for _, e in app.state.feed}) == 31  # nothing read twice
    writer.close()


async def test_torn_last_line_waits_then_is_skipped_when_it_never_completes(path: Path) -> None:
    writer = EventWriter(path)
    writer.append(session_record())
    writer.close()
    line = event(n=1).model_dump_json().encode()
    append_bytes(path, line[:70])
    app = DashboardApp(path, poll_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert feed(app).row_count == 0
        append_bytes(path, line[70:] + b"\n")
        await until(pilot, lambda: feed(app).row_count == 1)
        # A crash mid-write, then a restarted guard's next event.
        append_bytes(path, line[:40] + event(n=2, host="after-crash.example").model_dump_json().encode() + b"\n")
        await until(pilot, lambda: feed(app).row_count == 2)
        assert feed_hosts(app)[0] == "after-crash.example"
        assert "1 unreadable line(s) skipped" in text_of(app, "#session")


async def test_pause_freezes_the_display_but_keeps_reading(path: Path) -> None:
    writer = EventWriter(path)
    writer.append(event(n=1))
    app = DashboardApp(path, poll_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        for n in range(2, 6):
            writer.append(event(n=n))
        await until(pilot, lambda: app.state.events == 5)
        assert feed(app).row_count == 1
        await pilot.press("p")  # resume refreshes at once
        assert feed(app).row_count == 5
        await pilot.press("p")
        writer.append(event(n=6))
        await until(pilot, lambda: app.pending == 1)
        app.refresh_panels()
        assert "PAUSED (1 new)" in text_of(app, "#session")
    writer.close()


async def test_help_and_quit(path: Path) -> None:
    app = DashboardApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "waiting for the events file" in text_of(app, "#session")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_memory_bound_and_table_cap_under_load(path: Path) -> None:
    """200 events/s for 2 s: every event counted, ring and table capped, ticks stay short."""
    writer = EventWriter(path)
    writer.append(session_record())
    app = DashboardApp(path, poll_interval=0.2, feed_size=150, table_rows=100)
    tick_times: list[float] = []
    original = app.poll_now

    def timed_poll() -> int:
        start = time.perf_counter()
        try:
            return original()
        finally:
            tick_times.append(time.perf_counter() - start)

    app.poll_now = timed_poll  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        n = 0
        for _ in range(20):  # 20 × 20 events every 0.1 s = 200/s
            for _ in range(20):
                n += 1
                writer.append(event(n=n, at=datetime.now(UTC), violation=n % 3 == 0))
            await pilot.pause(0.1)
        writer.append(
            stats_record(
                flows=1000, inspected=900, with_identifiers=n, violations=n // 3, blocked=0, partial=0, errors=0
            )
        )
        await until(pilot, lambda: app.state.events == 400 and app.state.stats is not None)
        await pilot.pause(0.3)
        assert len(app.state.feed) == 150
        assert feed(app).row_count == 100
        assert app.state.rates()["events"] > 0
        assert "1,000" in text_of(app, "#totals")
        ticks = sorted(tick_times)
        p90 = ticks[int(len(ticks) * 0.9)]
        assert p90 < 0.1, ticks[-5:]  # a tick with ~40 new events must not stall the UI
    writer.close()


async def test_background_runs_and_is_shut_down_on_quit(path: Path) -> None:
    stop = asyncio.Event()
    calls: list[str] = []

    async def guard() -> None:
        writer = EventWriter(path)
        writer.append(session_record())
        writer.append(event(n=1, host="from-background.example"))
        await stop.wait()
        calls.append("guard finished")
        writer.close()

    def shutdown() -> None:
        calls.append("shutdown")
        stop.set()

    app = DashboardApp(path, background=guard, shutdown=shutdown, poll_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: feed(app).row_count == 1)
        assert feed_hosts(app) == ["from-background.example"]
        assert app.background_running
        await pilot.press("q")
        await pilot.pause()
    assert calls == ["shutdown", "guard finished"]
    assert app.return_code == 0


async def test_app_exits_when_the_background_ends(path: Path) -> None:
    async def guard() -> None:
        writer = EventWriter(path)
        writer.append(event(n=1))
        writer.close()

    app = DashboardApp(path, background=guard, poll_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.is_running)
    assert app.return_code == 0
    assert app.state.events == 1  # the last events were read before exiting


async def test_background_failure_is_kept_and_exits_nonzero(path: Path) -> None:
    async def guard() -> None:
        raise OSError("address already in use")

    app = DashboardApp(path, background=guard, poll_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.is_running)
    assert app.return_code == 1
    assert isinstance(app.background_error, OSError)
