"""The live terminal dashboard (Textual) over a guard's events file.

Embedding contract (used by ``residency-guard run`` to show the dashboard while the guard runs in the
same process and event loop)::

    app = DashboardApp(events_path, background=master.run, shutdown=master.shutdown)
    await app.run_async()          # or: await run_dashboard(events_path, background=…, shutdown=…)

* ``background`` — a coroutine *factory* (called once, on mount); the app runs the coroutine as a worker
  on its own event loop. When it ends the app exits by itself (``return_code`` 0, or 1 if it raised;
  the exception is kept in ``background_error`` and re-raised by ``run_dashboard``).
* ``shutdown`` — called (once) when the user quits while ``background`` still runs; it may return an
  awaitable. The app then waits up to ``shutdown_timeout`` seconds for ``background`` to finish before
  cancelling it. Without ``shutdown`` the worker is cancelled.
* The app only reads ``events_path`` (following it through rotation and truncation, see ``follow``);
  the guard writes it. The file may not exist yet when the app starts. ``source`` replaces the file by
  another ``RecordSource`` (``dashboard --db``: the fleet database, polled), made with the app's warning
  callback; ``events_path`` then only labels it.

Display: totals and rates, identifier types, destination countries with bars, a feed of recent events
(newest first, capped at ``table_rows``), and a session line with policy, profiles and geo database.
Keys: ``t`` / ``c`` / ``v`` cycle the type / country / verdict filter, ``x`` clears them, Enter opens
the selected event, ``p`` pauses the display (reading goes on), ``?`` help, ``q`` quit.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState

from ..model import Event
from . import render
from .follow import EventFollower, RecordSource
from .state import VERDICT_FILTERS, DashboardState, FeedFilter

BackgroundFactory = Callable[[], Coroutine[Any, Any, Any]]
Shutdown = Callable[[], Awaitable[Any] | Any]

HELP_TEXT = """\
[b]residency-guard dashboard[/b]

  [b]t[/b]        cycle the identifier-type filter (types seen so far)
  [b]c[/b]        cycle the country filter (busiest first)
  [b]v[/b]        cycle the verdict filter: all → violation → blocked → allowed
  [b]x[/b]        clear all filters
  [b]↑ ↓[/b]      move in the feed (the feed stays on the row you chose)
  [b]Enter[/b]    details of the selected event (identifiers, destination, rules)
  [b]p[/b]        pause / resume the display (events are still read)
  [b]?[/b]        this help
  [b]q[/b]        quit (stops the guard when it runs in this process)

Identifier values are only ever shown masked.
Press Escape or ? to close."""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Static { width: 74; height: auto; padding: 1 2; border: thick $accent; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        yield Static(HELP_TEXT, id="help")


class DetailScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss", "Close"),
        Binding("up", "scroll('up')", show=False),
        Binding("down", "scroll('down')", show=False),
    ]
    DEFAULT_CSS = """
    DetailScreen { align: center middle; }
    DetailScreen > VerticalScroll { width: 95%; height: 90%; border: thick $accent; background: $surface; padding: 0 1; }
    """

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.scroll_up() if direction == "up" else scroll.scroll_down()

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Event detail · identifiers masked"
            scroll.border_subtitle = "Esc to close · ↑↓ scroll"
            yield Static(render.detail_view(self.event), id="detail")


class DashboardApp(App[int]):
    TITLE = "residency-guard"
    CSS = """
    #session { height: 1; padding: 0 1; background: $boost; }
    #panels { height: 12; }
    #panels > Static { border: round $primary-darken-2; padding: 0 1; height: 100%; }
    #totals { width: 44; }
    #types { width: 1fr; }
    #countries { width: 1fr; }
    #filters { height: 1; padding: 0 1; }
    #feed { height: 1fr; border: round $primary-darken-2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "cycle_type", "Type"),
        Binding("c", "cycle_country", "Country"),
        Binding("v", "cycle_verdict", "Verdict"),
        Binding("x", "clear_filters", "Clear filters"),
        Binding("p", "toggle_pause", "Pause"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        events_path: Path | str,
        background: BackgroundFactory | None = None,
        shutdown: Shutdown | None = None,
        *,
        source: Callable[[Callable[[str], None]], RecordSource] | None = None,
        title: str = "residency-guard",
        poll_interval: float = 0.2,
        feed_size: int = 500,
        table_rows: int = 500,
        batch_records: int = 1000,
        shutdown_timeout: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.events_path = events_path
        self.title = title
        self.poll_interval = poll_interval
        self.table_rows = min(table_rows, feed_size)  # every row shown can still be opened
        self.shutdown_timeout = shutdown_timeout
        self.clock = clock  # "now" for the rates; a fixed one makes screenshots reproducible
        self.state = DashboardState(feed_size=feed_size)
        self.follower: RecordSource = (
            source(self._on_follow_warning)
            if source is not None
            else EventFollower(Path(events_path), max_records=batch_records, on_warning=self._on_follow_warning)
        )
        self.filter = FeedFilter()
        self.paused = False
        self.pending = 0  # events accepted while paused
        self.warnings: list[str] = []
        self.background_error: BaseException | None = None
        self._background_fn = background
        self._shutdown_fn = shutdown
        self._shutdown_called = False
        self._worker: Worker[Any] | None = None
        self._feed_dirty = True
        self._polling = False
        self._shown: deque[int] = deque()  # sequence numbers in the table, oldest first

    # -------------------------------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        # Kept as attributes: the timer updates them even while a modal screen is on top, or during exit.
        self.session_bar = Static(id="session")
        self.totals_box = Static(id="totals")
        self.types_box = Static(id="types")
        self.countries_box = Static(id="countries")
        self.filter_bar = Static(id="filters")
        self.feed_table: DataTable[Any] = DataTable(id="feed", cursor_type="row", zebra_stripes=True)
        yield Header()
        yield self.session_bar
        with Horizontal(id="panels"):
            yield self.totals_box
            yield self.types_box
            yield self.countries_box
        yield self.filter_bar
        yield self.feed_table
        yield Footer()

    def on_mount(self) -> None:
        self.totals_box.border_title = "Totals · rates (10 s)"
        self.types_box.border_title = "Identifier types"
        self.countries_box.border_title = "Destinations"
        table = self.feed_table
        for column in render.FEED_COLUMNS:
            table.add_column(column, key=column)
        table.focus()
        self.poll_now()
        self.set_interval(self.poll_interval, self.poll_now)
        if self._background_fn is not None:
            self._worker = self.run_worker(self._run_background(), name="guard", exit_on_error=False)

    # -------------------------------------------------------------------------------------- follow

    def _on_follow_warning(self, message: str) -> None:
        self.warnings.append(message)
        del self.warnings[:-20]

    def poll_now(self) -> int:
        """Read what the file has, update the state, refresh the screen; returns events accepted."""
        if self._polling:
            return 0
        self._polling = True
        try:
            records = self.follower.poll()
            accepted = self.state.ingest(records) if records else []
            if accepted:
                if self.paused:
                    self.pending += len(accepted)
                elif not self._feed_dirty:
                    self._add_to_feed(accepted)
            if not self.paused:
                self.refresh_panels()
            if len(records) >= self.follower.max_records:
                self.set_timer(0.01, self.poll_now)  # backlog: keep draining, but let the UI breathe
            return len(accepted)
        finally:
            self._polling = False

    # -------------------------------------------------------------------------------------- render

    def refresh_panels(self) -> None:
        state = self.state
        if state.session is not None:
            self.sub_title = render.clean(f"policy {state.session.policy.name}", 80)
        status = []
        if self.paused:
            status.append(f"PAUSED ({self.pending} new)")
        if self.follower.waiting:
            status.append("waiting for the events file")
        if self.follower.skipped:
            status.append(f"{self.follower.skipped} unreadable line(s) skipped")
        if state.invalid:
            status.append(f"{state.invalid} invalid record(s)")
        self.session_bar.update(render.session_line(state.session, str(self.events_path), "  ".join(status)))
        self.totals_box.update(render.totals_panel(state.totals(), state.rates(self.clock())), layout=False)
        self.types_box.update(render.types_panel(state), layout=False)
        self.countries_box.update(render.countries_panel(state), layout=False)
        self.filter_bar.update(self._filter_line())
        if self._feed_dirty:
            self._rebuild_feed()

    def _filter_line(self) -> render.Text:
        text = render.Text()
        text.append("Feed filter: ", style="dim")
        text.append(render.clean(self.filter.describe(), 120), style="bold" if self.filter.active else "")
        text.append("   t type · c country · v verdict · x clear · Enter details · ? help", style="dim")
        return text

    def _selected_key(self, table: DataTable[Any]) -> str | None:
        """The row the user moved onto (not the top one, which means "follow the newest")."""
        if table.row_count and table.cursor_row > 0:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None

    def _restore_cursor(self, table: DataTable[Any], key: str | None) -> None:
        if key is None:
            return
        if key in table.rows:  # it may have fallen out of the ring: then stay where the table put us
            table.move_cursor(row=table.get_row_index(key), animate=False)

    def _rebuild_feed(self) -> None:
        """Refill the table from the ring (filter change, resume): the expensive path."""
        self._feed_dirty = False
        table = self.feed_table
        selected = self._selected_key(table)
        table.clear()
        rows = list(self.state.recent(self.filter, limit=self.table_rows))
        self._shown = deque(seq for seq, _ in reversed(rows))
        for seq, event in rows:
            table.add_row(*render.feed_row(event, seq), key=str(seq))
        self._restore_cursor(table, selected)
        self._feed_title(table)

    def _add_to_feed(self, accepted: list[tuple[int, Event]]) -> None:
        """Add only the new rows, drop the oldest beyond the cap, re-sort: a tick costs O(new rows)."""
        new = [(seq, e) for seq, e in accepted if self.filter.matches(e)]
        if not new:
            return
        if len(new) >= self.table_rows:
            self._feed_dirty = True
            return
        table = self.feed_table
        selected = self._selected_key(table)
        for seq, event in new:
            table.add_row(*render.feed_row(event, seq), key=str(seq))
            self._shown.append(seq)
        while len(self._shown) > self.table_rows:
            table.remove_row(str(self._shown.popleft()))
        table.sort("time", key=lambda cell: getattr(cell, "seq", 0), reverse=True)
        self._restore_cursor(table, selected)
        self._feed_title(table)

    def _feed_title(self, table: DataTable[Any]) -> None:
        table.border_title = f"Events, newest first ({table.row_count} shown)"

    # -------------------------------------------------------------------------------------- actions

    def _set_filter(self, **changes: Any) -> None:
        self.filter = dataclasses.replace(self.filter, **changes)
        self._feed_dirty = True
        self.refresh_panels()

    @staticmethod
    def _next(options: list[Any], current: Any) -> Any:
        try:
            return options[(options.index(current) + 1) % len(options)]
        except ValueError:
            return options[0]

    def action_cycle_type(self) -> None:
        options: list[str | None] = [None, *(t for t, *_ in self.state.type_rows())]
        self._set_filter(type=self._next(options, self.filter.type))

    def action_cycle_country(self) -> None:
        options: list[str | None] = [None, *(c for c, _ in self.state.country_rows())]
        self._set_filter(country=self._next(options, self.filter.country))

    def action_cycle_verdict(self) -> None:
        self._set_filter(verdict=self._next(list(VERDICT_FILTERS), self.filter.verdict))

    def action_clear_filters(self) -> None:
        self._set_filter(type=None, country=None, verdict="all")

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        if not self.paused:
            self.pending = 0
            self._feed_dirty = True
        self.refresh_panels()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    @on(DataTable.RowSelected, "#feed")
    def open_detail(self, message: DataTable.RowSelected) -> None:
        key = message.row_key.value
        event = self.state.find(int(key)) if key is not None else None
        if event is None:
            self.notify("That event is no longer kept (only the most recent are).", severity="warning")
            return
        self.push_screen(DetailScreen(event))

    # -------------------------------------------------------------------------------------- lifecycle

    async def _run_background(self) -> None:
        assert self._background_fn is not None
        try:
            await self._background_fn()
        except Exception as e:  # noqa: BLE001 - kept, shown as exit status 1 and re-raised by run_dashboard
            self.background_error = e
        if self.is_running and not self._shutdown_called:
            self.poll_now()  # the guard's last events
            self.exit(1 if self.background_error else 0, return_code=1 if self.background_error else 0)

    @property
    def background_running(self) -> bool:
        return self._worker is not None and self._worker.state in (WorkerState.PENDING, WorkerState.RUNNING)

    async def _stop_background(self) -> None:
        if not self.background_running or self._worker is None:
            return
        if self._shutdown_fn is not None and not self._shutdown_called:
            self._shutdown_called = True
            result = self._shutdown_fn()
            if inspect.isawaitable(result):
                await result
        else:
            self._shutdown_called = True
            self._worker.cancel()
        try:
            await asyncio.wait_for(self._worker.wait(), self.shutdown_timeout)
        except (TimeoutError, WorkerFailed, WorkerCancelled):  # the app must close all the same
            self._worker.cancel()

    async def action_quit(self) -> None:
        await self._stop_background()
        self.exit(0)

    async def on_unmount(self) -> None:
        await self._stop_background()
        self.follower.close()


async def run_dashboard(
    events_path: Path,
    *,
    background: BackgroundFactory | None = None,
    shutdown: Shutdown | None = None,
    title: str = "residency-guard",
) -> int:
    """Run the dashboard until the user quits or ``background`` ends; returns the exit status.

    If ``background`` raised, its exception is re-raised here once the terminal is restored.
    """
    app = DashboardApp(events_path, background, shutdown, title=title)
    await app.run_async()
    if app.background_error is not None:
        raise app.background_error
    return app.return_code or 0
