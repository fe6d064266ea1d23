"""``--db postgresql://…`` and its filters: the fleet database as the source of ``export``, ``diff``, ``dashboard``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..durations import DURATION_HELP, parse_instant
from ..evidence.sessions import EventsFile, EvidenceError, Session

if TYPE_CHECKING:
    from ..fleet.query import EventQuery

# ``fleet.query`` (psycopg) is imported only when --db is given: every command's start-up would pay for it.


def _instant(text: str) -> object:
    try:
        return parse_instant(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def add_db_arguments(parser: argparse.ArgumentParser, *, what: str) -> None:
    group = parser.add_argument_group(
        "fleet database",
        f"read {what} from the fleet's PostgreSQL database (filled by `residency-guard collect`) instead of "
        "an events file; the filters may be repeated (any of the values matches) and '*' is a wildcard, so "
        "'--guard lab-a.*' selects a lab whose guards share a name prefix",
    )
    group.add_argument("--db", metavar="postgresql://…", help="the fleet database (libpq URL)")
    group.add_argument("--guard", action="append", default=[], metavar="NAME", help="guard name (--guard-name)")
    group.add_argument("--device", action="append", default=[], metavar="PROFILE", help="device profile name")
    group.add_argument("--build", action="append", default=[], metavar="BUILD", help="firmware build")
    group.add_argument(
        "--since", type=_instant, metavar="TIME", help=f"events at or after TIME: ISO 8601, or {DURATION_HELP} ago"
    )
    group.add_argument("--until", type=_instant, metavar="TIME", help="events before TIME (same forms as --since)")


def filters_given(args: argparse.Namespace) -> bool:
    return bool(args.guard or args.device or args.build or args.since or args.until)


def source_error(args: argparse.Namespace, file: object, file_words: str) -> str | None:
    """Why the command's source is wrong, or None: exactly one of ``file`` (the command's events file
    argument, named by ``file_words`` in the message) and ``--db``, and the fleet filters only with ``--db``."""
    if (file is None) == (args.db is None):
        return f"give {file_words} or --db postgresql://…"
    if args.db is None and filters_given(args):
        return "--guard, --device, --build, --since and --until select from --db"
    return None


def event_query(args: argparse.Namespace) -> EventQuery:
    from ..fleet.query import EventQuery

    return EventQuery(
        guards=tuple(args.guard),
        devices=tuple(args.device),
        builds=tuple(args.build),
        since=args.since,
        until=args.until,
    )


def fleet_label(args: argparse.Namespace) -> str:
    from ..fleet.query import redacted_url

    return f"{redacted_url(args.db)} ({event_query(args).describe()})"


def fleet_events_file(args: argparse.Namespace) -> EventsFile:
    """The selected events as one session without a session record (guards publish events, not sessions).

    Raises ``EvidenceError`` when the database cannot be read.
    """
    from ..fleet.query import FleetQueryError, read_events

    try:
        events = read_events(args.db, event_query(args))
    except FleetQueryError as e:
        raise EvidenceError(str(e)) from None
    return EventsFile(path=fleet_label(args), sessions=[Session(events=events)], files=[], skipped=[])
