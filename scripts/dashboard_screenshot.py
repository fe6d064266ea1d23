#!/usr/bin/env python3
"""Render docs/dashboard.svg: the dashboard over a sample events file, as a terminal would show it.

The sample session is built by ``residency_guard.dashboard.sample`` (Event models written with
EventWriter, identifiers masked), so the screenshot shows what a real session looks like. Usage:

    .venv/bin/python scripts/dashboard_screenshot.py [--out docs/dashboard.svg] [--detail]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from residency_guard.dashboard.app import DashboardApp
from residency_guard.dashboard.sample import write_demo_session

ROOT = Path(__file__).resolve().parent.parent
# A fixed start time keeps the SVG stable between runs (times are shown in the local zone).
START = datetime(2026, 11, 23, 9, 41, 0, tzinfo=UTC)
EVENTS = 480
INTERVAL = 0.25


async def render(out: Path, *, detail: bool, size: tuple[int, int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        events = write_demo_session(Path(tmp) / "events.jsonl", events=EVENTS, start=START, interval=INTERVAL)
        now = (START + timedelta(seconds=EVENTS * INTERVAL + 0.5)).timestamp()
        app = DashboardApp(events, clock=lambda: now)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            app.refresh_panels()
            await pilot.press("down")
            if detail:
                await pilot.press("enter")
            await pilot.pause()
            out.parent.mkdir(parents=True, exist_ok=True)
            app.save_screenshot(filename=out.name, path=str(out.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.svg")
    parser.add_argument("--detail", action="store_true", help="show the detail view of the selected event")
    parser.add_argument("--width", type=int, default=140)
    parser.add_argument("--height", type=int, default=42)
    args = parser.parse_args()
    asyncio.run(render(args.out, detail=args.detail, size=(args.width, args.height)))
    print(args.out)


if __name__ == "__main__":
    main()
