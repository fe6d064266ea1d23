"""The dashboard following a real guard: ``residency-guard run --no-dashboard`` on loopback, a request
with an IMEI sent through it, and the dashboard showing the judged event (masked, even with
``--reveal-identifiers``)."""

from __future__ import annotations

import io
import time

import httpx
import pytest
from rich.console import Console
from textual.widgets import DataTable

from guard_harness import ZZHC_FIELDS, origin_server, running_guard
from residency_guard.dashboard.app import DashboardApp, DetailScreen

pytestmark = pytest.mark.e2e

CN_HOST = "127.0.0.3"
IMEI = ZZHC_FIELDS["IMEI1"]


def text_of(app: DashboardApp, selector: str) -> str:
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(app.screen.query_one(selector).content)
    return console.export_text()


async def test_dashboard_shows_an_imei_sent_through_the_real_guard(tmp_path) -> None:
    with (
        origin_server(CN_HOST) as origin,
        running_guard(tmp_path, overlay={f"{CN_HOST}/32": "CN"}, extra_args=["--reveal-identifiers"]) as guard,
    ):
        app = DashboardApp(guard.events_path, poll_interval=0.05)
        async with app.run_test(size=(140, 42)) as pilot:
            async with httpx.AsyncClient(proxy=guard.proxy_url, timeout=10, trust_env=False) as client:
                response = await client.get(f"{origin.url}/register", params={"imei": IMEI, "model": "TA-1046"})
            assert response.status_code == 451, guard.log()

            table = app.query_one("#feed", DataTable)
            deadline = time.monotonic() + 10
            while table.row_count == 0 and time.monotonic() < deadline:
                await pilot.pause(0.05)
            assert table.row_count == 1, guard.log()
            row = [str(cell) for cell in table.get_row_at(0)]
            assert row[3] == CN_HOST and row[4] == "CN"
            assert "imei" in row[2].split(",")
            assert row[6] == "blocked"

            assert app.state.session is not None and app.state.session.policy.name in text_of(app, "#session")
            assert app.state.totals().violations == 1 and app.state.totals().blocked == 1
            assert "imei" in text_of(app, "#types")
            assert "CN" in text_of(app, "#countries")

            await pilot.press("enter")
            assert isinstance(app.screen, DetailScreen)
            detail = text_of(app, "#detail")
            assert "query.imei" in detail
            assert IMEI not in detail  # the guard revealed it in the file; the dashboard does not
            assert IMEI in guard.events_path.read_text()  # (so the check above means something)
            masked = next(i for i in app.state.feed[-1][1].identifiers if i.type == "imei").masked
            assert masked in detail
        assert origin.received == []  # blocked before it left
