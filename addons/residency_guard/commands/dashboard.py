"""``residency-guard dashboard``: the live terminal view of a guard's events file, or of the fleet database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .fleet_source import add_db_arguments, event_query, fleet_label, source_error


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "dashboard",
        help="live terminal dashboard of an events file",
        description=(
            "Follow a guard's events file (JSON lines, rotated files included) and show totals, rates, "
            "identifier types, destination countries and recent events. Identifiers are shown masked."
        ),
    )
    parser.add_argument("--events", type=Path, metavar="FILE", help="events file to follow (or --db)")
    parser.add_argument(
        "--feed-size", type=int, default=500, metavar="N", help="recent events kept for the feed (default 500)"
    )
    parser.add_argument(
        "--poll-interval", type=float, default=0.2, metavar="SECONDS", help="how often the file is read (default 0.2)"
    )
    add_db_arguments(parser, what="the events, polled for new rows,")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    if (problem := source_error(args, args.events, "either --events FILE")) is not None:
        print(f"residency-guard dashboard: {problem}", file=sys.stderr)
        return 2
    if args.feed_size < 1 or args.poll_interval <= 0:
        print("residency-guard dashboard: --feed-size and --poll-interval must be positive", file=sys.stderr)
        return 2
    if args.db is not None:
        return _run_on_database(args)
    from ..dashboard.app import DashboardApp

    path: Path = args.events
    if path.exists() and not path.is_file():
        print(f"residency-guard dashboard: {path} is not a file", file=sys.stderr)
        return 2
    if not path.parent.is_dir():
        print(f"residency-guard dashboard: directory {path.parent} does not exist", file=sys.stderr)
        return 2
    app = DashboardApp(path, feed_size=args.feed_size, table_rows=args.feed_size, poll_interval=args.poll_interval)
    return app.run() or 0


def _run_on_database(args: argparse.Namespace) -> int:
    from ..dashboard.app import DashboardApp
    from ..fleet.query import EventPoller

    query = event_query(args)
    app = DashboardApp(
        fleet_label(args),
        source=lambda warn: EventPoller(args.db, query, on_warning=warn),
        feed_size=args.feed_size,
        table_rows=args.feed_size,
        poll_interval=max(args.poll_interval, 1.0),  # a query per poll: once a second is plenty
    )
    return app.run() or 0
