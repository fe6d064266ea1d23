"""DashboardState: counters, rates, types, countries, bounded feed, filters, masking."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from rich.console import Console

from residency_guard.dashboard.render import clean, country_bar, detail_view, feed_row
from residency_guard.dashboard.sample import (
    SAMPLE_VALUES,
    event,
    session_record,
    stats_record,
)
from residency_guard.dashboard.state import (
    DashboardState,
    FeedFilter,
    SlidingRate,
    Tally,
)

T0 = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def dump(*records) -> list[dict]:
    return [r.model_dump(mode="json") for r in records]


def rendered(renderable) -> str:
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_counters_derive_from_events_without_stats() -> None:
    state = DashboardState()
    state.ingest(
        dump(
            session_record(T0),
            event(n=1, types=("imei", "imsi"), country="CN", violation=True, blocked=True),
            event(n=2, types=("imei",), country="NO", violation=False),
            event(n=3, types=("ad_id",), country="US", violation=True, complete=False),
        )
    )
    totals = state.totals()
    assert totals.source == "events"
    assert (totals.flows, totals.with_identifiers, totals.violations, totals.blocked, totals.partial) == (3, 3, 2, 1, 1)
    assert state.type_rows() == [
        ("imei", "device", 2, 1),
        ("ad_id", "online", 1, 1),
        ("imsi", "subscriber", 1, 1),
    ]
    countries = dict(state.country_rows())
    assert countries["CN"] == Tally(events=1, violations=1, blocked=1)
    assert countries["NO"].violation_share == 0.0


def test_stats_records_back_the_totals_and_events_since_the_last_one_count_too() -> None:
    state = DashboardState()
    state.ingest(
        dump(
            session_record(T0),
            event(n=1, at=T0),
            stats_record(T0, flows=50, inspected=48, with_identifiers=1, violations=1, blocked=0, partial=2, errors=1),
            event(n=2, at=T0 + timedelta(seconds=1)),
            event(n=3, at=T0 + timedelta(seconds=1)),
        )
    )
    totals = state.totals()
    assert totals.source == "stats"
    assert (totals.flows, totals.inspected, totals.errors, totals.partial) == (50, 48, 1, 2)
    assert totals.violations == 3  # two judged after the stats record was written


def test_stats_of_another_session_are_ignored_and_a_new_session_resets() -> None:
    state = DashboardState()
    state.ingest(dump(session_record(T0), event(n=1), stats_record(T0, session_id="other", flows=999)))
    assert state.stats is None
    state.ingest(dump(session_record(T0, session_id="s-0002"), event(n=2, country="RU")))
    assert state.session.session_id == "s-0002"
    assert state.events == 1
    assert [c for c, _ in state.country_rows()] == ["RU"]


def test_rates_over_a_sliding_window() -> None:
    state = DashboardState(rate_window=10)
    now = T0.timestamp()
    records = [event(n=n, at=T0 - timedelta(seconds=n % 20), violation=n % 2 == 0) for n in range(40)]
    records += [
        stats_record(T0 - timedelta(seconds=8), flows=100),
        stats_record(T0, flows=180),
    ]
    state.ingest(dump(*records))
    rates = state.rates(now)
    # seconds 0..9 back are in the window: n % 20 in 0..9 → 20 events, half of them violations
    assert rates["events"] == 2.0
    assert rates["violations"] == 1.0
    assert rates["flows"] == 10.0
    assert state.rates(now + 60)["events"] == 0.0


def test_sliding_rate_memory_is_bounded_by_the_window() -> None:
    rate = SlidingRate(window=5)
    for t in range(100_000, 101_000):
        rate.add(t)
        rate.add(t - 500)  # stragglers far in the past are dropped
    assert len(rate._counts) <= 5
    assert rate.rate(101_000) == 4 / 5


def test_feed_is_a_bounded_ring_newest_first() -> None:
    state = DashboardState(feed_size=50)
    for start in range(0, 1000, 100):
        state.ingest(dump(*(event(n=n) for n in range(start, start + 100))))
    assert len(state.feed) == 50
    recent = [e.flow_id for _, e in state.recent()]
    assert recent[0] == "flow-000999" and recent[-1] == "flow-000950"
    assert state.events == 1000  # aggregates still count everything


def test_filters() -> None:
    state = DashboardState()
    state.ingest(
        dump(
            event(n=1, types=("imei",), country="CN", violation=True, blocked=True),
            event(n=2, types=("imsi",), country="CN", violation=True),
            event(n=3, types=("imei",), country="NO", violation=False),
        )
    )

    def ids(flt: FeedFilter) -> list[int]:
        return [int(e.flow_id[-1]) for _, e in state.recent(flt)]

    assert ids(FeedFilter()) == [3, 2, 1]
    assert ids(FeedFilter(type="imei")) == [3, 1]
    assert ids(FeedFilter(country="CN")) == [2, 1]
    assert ids(FeedFilter(verdict="violation")) == [2, 1]
    assert ids(FeedFilter(verdict="blocked")) == [1]
    assert ids(FeedFilter(verdict="allowed")) == [3]
    assert ids(FeedFilter(type="imei", country="CN")) == [1]
    assert list(state.recent(FeedFilter(), limit=2)) == list(state.recent())[:2]


def test_revealed_values_are_dropped_and_scrubbed() -> None:
    imei = SAMPLE_VALUES["imei"]
    revealed = event(n=1, types=("imei",), reveal=True).model_dump(mode="json")
    revealed["request"]["url"] = f"http://zzhc.vnet.cn/reg?imei={imei}"
    revealed["inspection"]["notes"] = [f"value {imei} seen twice"]
    assert revealed["identifiers"][0]["value"] == imei
    state = DashboardState()
    state.ingest([revealed])
    ((_, kept),) = state.recent()
    assert kept.identifiers[0].value is None
    text = rendered(detail_view(kept)) + "".join(str(c) for c in feed_row(kept))
    assert imei not in text
    assert kept.identifiers[0].masked in text


def test_invalid_records_are_counted_not_raised() -> None:
    state = DashboardState()
    good = event(n=1).model_dump(mode="json")
    bad_dest = dict(good, destination="nowhere")
    state.ingest([{"event_type": "mystery"}, bad_dest, {"event_type": "stats"}, {"no": "type"}, good])
    assert state.invalid == 4
    assert state.events == 1


def test_hostile_text_is_shown_literally() -> None:
    hostile = event(n=1, host="[red]evil\x1b[2J.example\u202e").model_dump(mode="json")
    state = DashboardState()
    state.ingest([hostile])
    ((_, kept),) = state.recent()
    host_cell = feed_row(kept)[3]
    assert "\x1b" not in host_cell.plain and "\u202e" not in host_cell.plain
    assert host_cell.plain.startswith("[red]evil\\x1b[2J")
    assert clean("x" * 500, 10) == "x" * 9 + "…"


def test_country_bar_splits_violation_share() -> None:
    bar = country_bar(Tally(events=10, violations=5), largest=10, width=10)
    assert bar.plain == "█" * 10
    red = next(span for span in bar.spans if span.style == "red")
    assert red.end - red.start == 5
    half = country_bar(Tally(events=5, violations=0), largest=10, width=10)
    assert half.plain == "█" * 5 + " " * 5


def test_session_line_names_policy_profiles_and_geo_database() -> None:
    from residency_guard.dashboard.render import session_line

    text = session_line(session_record(T0), "/x/events.jsonl", "PAUSED (3 new)").plain
    assert text.startswith("PAUSED (3 new)")
    assert "gdpr-eea" in text and "nokia-7-plus-no" in text and "DBIP-Country-Lite 2026-11-01" in text
    bare = session_record(T0).model_copy(update={"geodb": []})
    assert "geo no database" in session_line(bare, "e.jsonl", "").plain
    assert "no session record yet" in session_line(None, "e.jsonl", "").plain
