#!/usr/bin/env python3
"""Render docs/report-zzhc.png: the HTML report of the ZZHC demo session, as headless Chromium shows it.

The session is the dashboard's demo (``residency_guard.dashboard.sample.write_demo_session``: the
activation client sending IMEI, IMSI and ICCID to zzhc.vnet.cn in China, as in the Nokia case), exported
with ``residency-guard export --format html``. Needs Chromium (``make browser-deps``) and the world map
(``make worldmap``). Usage:

    .venv/bin/python scripts/report_screenshot.py [--out docs/report-zzhc.png] [--html report.html]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from residency_guard.cli import main as cli_main
from residency_guard.dashboard.sample import write_demo_session

ROOT = Path(__file__).resolve().parent.parent
# A fixed start time keeps the page (and so the picture) the same between runs.
START = datetime(2026, 11, 23, 9, 41, 0, tzinfo=UTC)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report-zzhc.png")
    parser.add_argument("--html", type=Path, help="also keep the HTML page here")
    parser.add_argument("--size", default="1400,1000", help="window size WIDTH,HEIGHT (default: 1400,1000)")
    args = parser.parse_args(argv)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("error: chromium not found (make browser-deps)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        events = write_demo_session(Path(tmp) / "events.jsonl", events=60, start=START)
        page = args.html or Path(tmp) / "report.html"
        if cli_main(["export", str(events), "--format", "html", "-o", str(page)]) != 0:
            return 1
        cmd = [browser, *FLAGS, f"--user-data-dir={tmp}/profile", f"--screenshot={args.out.resolve()}"]
        done = subprocess.run(
            [*cmd, f"--window-size={args.size}", page.resolve().as_uri()], capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
