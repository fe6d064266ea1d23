"""``residency-guard collect``: the fleet's events from NATS JetStream into PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "collect",
        help="store the fleet's published events in PostgreSQL",
        description="A durable consumer of the events guards publish with `run --publish`: each event is "
        "written into PostgreSQL (migrating the schema first) and acknowledged only after the commit. Several "
        "collectors may run against the same stream and database; each event is stored once.",
    )
    p.add_argument("--from", dest="source", required=True, metavar="nats://HOST:PORT", help="the NATS server")
    p.add_argument("--db", required=True, metavar="postgresql://…", help="the PostgreSQL database (libpq URL)")
    p.add_argument("--batch", type=int, default=500, help="events fetched and committed together (default 500)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.source.startswith(("nats://", "tls://")):
        print("residency-guard: collect --from takes a nats:// URL", file=sys.stderr)
        return 2
    if args.batch < 1:
        print("residency-guard: --batch must be at least 1", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return asyncio.run(_collect(args))


async def _collect(args: argparse.Namespace) -> int:
    from ..fleet.collector import Collector

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    collector = Collector(args.source, args.db, batch=args.batch)
    print(f"residency-guard: collecting {args.source} → {_without_password(args.db)}", file=sys.stderr)
    await collector.run(stop)
    s = collector.stats
    print(f"residency-guard: collector stopped: {s.stored} stored, {s.rejected} rejected", file=sys.stderr)
    return 0


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
