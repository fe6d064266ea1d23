"""``residency-guard replay CAPTURE``: judge saved traffic with the same pipeline as the live guard.

Reads a mitmproxy flow file (``mitmdump -w``, or ``residency-guard run --set save_stream_file=F``) or a
HAR file, runs every request through ``pipeline.Inspector`` (extract → detect → locate → judge, the
code the proxy runs) and writes the events file a live session would have written: a ``session``
record (mode ``replay``), one event per judged request, a final ``stats`` record. Nothing is sent
anywhere and no name is resolved (see ``evidence.capture``). A flow file's DNS queries are judged by
their names (``Inspector.inspect_dns``), and their answers name the later connections to an address
they gave, as live.

Connection-level refusals are checked once per recorded connection, before its first request when it
was TLS (the live guard refuses at connect time, before any request is read) and after a plain-HTTP
request that was not blocked (live, the request hook runs before the upstream connection is made).
"""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..eventlog import EventLogError, EventWriter
from ..evidence.cli_support import error, note
from ..evidence.gate import (
    EXIT_INPUT,
    EXIT_STATUS_HELP,
    add_fail_on_argument,
    evaluate_gate,
    load_baseline_option,
    report_gate,
)
from ..model import Event, SessionRecord, StatsCounts, StatsRecord

if TYPE_CHECKING:
    from ..evidence.capture import CapturedRequest
    from ..pipeline import Inspection, Inspector

NAME = "replay"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="judge a saved capture (mitmproxy flows or HAR) with the live pipeline; optional CI gate",
        description="Replay a mitmproxy flow file or a HAR through the guard's pipeline and write an events file.",
        epilog=EXIT_STATUS_HELP,
    )
    parser.add_argument("capture", type=Path, metavar="CAPTURE", help="mitmproxy flow file or HAR file")
    parser.add_argument(
        "--policy",
        type=Path,
        default=None,
        help="residency policy: a YAML file or a shipped policy name (default: the guard's, gdpr-eea)",
    )
    parser.add_argument(
        "--profile", type=Path, action="append", default=[], help="device profile YAML; may be repeated"
    )
    parser.add_argument(
        "--geodb", type=Path, action="append", default=[], help=".mmdb file or directory; may be repeated"
    )
    parser.add_argument("--geo-overlay", type=Path, default=None, help="lab networks → country YAML, consulted first")
    parser.add_argument("--events", type=Path, required=True, help="events file to write (appended to if it exists)")
    parser.add_argument(
        "--fingerprint-key",
        type=Path,
        default=None,
        help="key file for identifier fingerprints (default: the guard's, ~/.residency-guard/fingerprint.key); "
        "use the live guard's key to get comparable fingerprints",
    )
    parser.add_argument("--reveal-identifiers", action="store_true", help="write full identifier values into events")
    add_fail_on_argument(parser)
    parser.set_defaults(func=run)
    return parser


def build_inspector(args: argparse.Namespace) -> tuple[Inspector, SessionRecord]:
    """The inspector and session record the live guard would build from the same options."""
    from ..setup import build_guard
    from ..shipped import DEFAULT_POLICY

    setup = build_guard(
        policy=args.policy or DEFAULT_POLICY,
        profiles=args.profile,
        geodb=args.geodb,
        geo_overlay=args.geo_overlay,
        fingerprint_key=args.fingerprint_key,
        reveal_identifiers=args.reveal_identifiers,
    )
    for w in setup.warnings:
        note(NAME, f"warning: {w}")
    return setup.inspector, setup.session_record(uuid.uuid4().hex[:16], f"replay:{args.capture.name}")


def replay(
    capture: Path, inspector: Inspector, writer: EventWriter, session: SessionRecord
) -> tuple[list[Event], StatsRecord]:
    """Judge every request and DNS question of ``capture``; append events to ``writer``; returns them and
    the final stats."""
    from ..evidence.capture import CapturedQuery, read_capture
    from ..pipeline import STREAM_BLOCKED, stream_payload_recorded, utc_now

    events: list[Event] = []
    counters = StatsCounts(
        flows=0, inspected=0, with_identifiers=0, violations=0, blocked=0, redacted=0, partial=0, errors=0
    )
    checked: dict[str, bool] = {}  # connection id → refused

    def check_connection(item: CapturedRequest) -> bool:
        if item.connection_id in checked:
            return checked[item.connection_id]
        destination, rule = inspector.check_connection(item.conn)
        refused = rule is not None
        checked[item.connection_id] = refused
        if refused:
            counters["flows"] += 1
            counters["violations"] += 1
            counters["blocked"] += 1
            event = inspector.connection_event(
                item.conn, destination, rule, ["connection refused before any payload was sent"]
            )
            writer.append(event)
            events.append(event)
        return refused

    def record(result: Inspection, stream: dict[str, object] | None) -> bool:
        """Count an inspection as the live guard does and append its event; True when it is blocked."""
        counters["inspected"] += 1
        counters["with_identifiers"] += bool(result.hits)
        counters["partial"] += not result.extraction.complete
        complete = result.extraction.complete
        if result.event is not None and (
            stream is None or stream_payload_recorded(stream, bool(result.hits), complete)
        ):
            counters["violations"] += result.judgement.verdict == "violation"
            writer.append(result.event)
            events.append(result.event)
        counters["blocked"] += result.judgement.blocked
        counters["redacted"] += result.rewritten is not None
        return result.judgement.blocked

    streams: dict[str, dict[str, object]] = {}  # raw TCP/UDP connection id → what it remembers between payloads

    for item in read_capture(capture):
        if isinstance(item, CapturedQuery):  # judged by its name; the resolver is no connection to check
            counters["flows"] += 1
            record(inspector.inspect_dns(item.query, item.conn), None)
            continue
        # TLS and raw streams connect upstream before the first payload, so a refusal comes first.
        if (item.conn.tls or item.raw_stream) and check_connection(item):
            continue
        stream = streams.setdefault(item.connection_id, {}) if item.raw_stream else None
        if stream is not None and stream.get(STREAM_BLOCKED):
            continue  # live, nothing after a blocked payload is forwarded
        counters["flows"] += 1
        if record(inspector.inspect(item.view, item.conn), stream):
            if stream is not None:
                stream[STREAM_BLOCKED] = True
        elif not item.conn.tls:
            check_connection(item)
    stats = StatsRecord(timestamp=utc_now(), session_id=session.session_id, **counters)
    writer.append(stats)
    return events, stats


def run(args: argparse.Namespace) -> int:
    from ..evidence.capture import CaptureError

    try:
        baseline = load_baseline_option(args.baseline)
        inspector, session = build_inspector(args)
    except ConfigError as e:
        error(NAME, str(e))
        return EXIT_INPUT
    try:
        writer = EventWriter(args.events)
    except EventLogError as e:
        error(NAME, str(e))
        return EXIT_INPUT
    try:
        writer.append(session)
        events, stats = replay(args.capture, inspector, writer, session)
    except CaptureError as e:
        error(NAME, str(e))
        return EXIT_INPUT
    except EventLogError as e:
        error(NAME, str(e))
        return EXIT_INPUT
    finally:
        writer.close()
    note(
        NAME,
        f"{stats.flows} requests, {len(events)} events, {stats.violations} violations, {stats.blocked} blocked, "
        f"{stats.redacted} redacted "
        f"→ {args.events}",
    )
    return report_gate(NAME, evaluate_gate(events, args.fail_on, baseline), args.fail_on)
