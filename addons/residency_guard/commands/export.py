"""``residency-guard export``: turn an events file into compliance evidence, optionally gating CI.

JSON (default): one report document per guard session (see ``evidence.report``). When the events file
holds several sessions and no ``--session`` is given, each goes to its own file, named after the output
with the session id before the suffix (``report.json`` → ``report.<session_id>.json``).
ECS: Elastic Common Schema NDJSON, one document per event, all selected sessions in one stream.
OCSF: Data Security Findings (class 2006) as JSONL, one per violation event (``evidence.ocsf``).
JUnit: JUnit XML, one testcase per (rule × destination), one testsuite per session (``evidence.junit``).
HTML: one self-contained page per session, like JSON (``evidence.html``): metadata, summary, a world map
of destinations, destination and identifier tables, every violation with where it was found.

With ``--db postgresql://…`` the events come from the fleet database instead (``collect`` fills it),
selected by ``--guard``/``--device``/``--build``/``--since``/``--until``: every guard's events as one
session, ordered by time then event id, so the same formats and gate apply to the whole fleet.

The gate (``--fail-on``, ``--baseline``; see ``evidence.gate``) looks at every event of the selected
sessions, whatever the format.
"""

from __future__ import annotations

import argparse
import re
from functools import partial
from pathlib import Path
from typing import IO

import orjson

from ..errors import ConfigError
from ..evidence.baseline import Baseline
from ..evidence.cli_support import error, note, warnings_to_stderr, write_output
from ..evidence.ecs import ecs_document
from ..evidence.gate import (
    EXIT_INPUT,
    EXIT_STATUS_HELP,
    add_fail_on_argument,
    evaluate_gate,
    load_baseline_option,
    report_gate,
)
from ..evidence.html import load_world_map, render_report_html
from ..evidence.junit import junit_document
from ..evidence.ocsf import ocsf_finding
from ..evidence.report import build_report
from ..evidence.sessions import EventsFile, EvidenceError, Session, load_sessions
from .fleet_source import add_db_arguments, fleet_events_file, source_error

NAME = "export"
FORMATS = ("json", "ecs", "ocsf", "junit", "html")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="export an events file as a compliance report (JSON or HTML), ECS NDJSON, OCSF JSONL or JUnit XML; "
        "optional CI gate",
        description="Export the events a guard recorded as evidence: one JSON report per session "
        "(metadata, summary counts, events), Elastic Common Schema NDJSON (one document per event), "
        "OCSF Data Security Findings (class 2006, JSONL, one per violation), JUnit XML (one testcase "
        "per rule x destination: failure = violation, skipped = baselined, passed = judged clean) or a "
        "self-contained HTML page per session (world map, destination tables, every violation).",
        epilog=EXIT_STATUS_HELP,
    )
    parser.add_argument(
        "events", type=Path, nargs="?", metavar="EVENTS", help="events file (rotated files are read too); or --db"
    )
    parser.add_argument("-o", "--output", default="-", metavar="FILE", help="output file ('-' = stdout, the default)")
    parser.add_argument(
        "--all", action="store_true", help="include every event, not only violations (json and ecs only)"
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="json", help="output format: json, ecs, ocsf, junit, html (default: json)"
    )
    parser.add_argument("--session", metavar="ID", help="export only the session with this id")
    parser.add_argument(
        "--reveal-identifiers",
        action="store_true",
        help="keep full identifier values recorded by a guard run with --reveal-identifiers "
        "(json, ecs, ocsf, html; junit never shows them; default: masked values only)",
    )
    add_fail_on_argument(parser)
    add_db_arguments(parser, what="the events")
    parser.set_defaults(func=run)
    return parser


def _session_output(output: str, session: Session, index: int, fmt: str = "json") -> str:
    path = Path(output)
    label = re.sub(r"[^A-Za-z0-9._-]", "_", session.session_id or f"session{index}")
    return str(path.with_name(f"{path.stem}.{label}{path.suffix or '.' + fmt}"))


def _load(args: argparse.Namespace) -> EventsFile | None:
    """The events file, or the fleet database's selection (one session holding every guard's events)."""
    if (problem := source_error(args, args.events, "either an events file")) is not None:
        error(NAME, problem)
        return None
    with warnings_to_stderr(NAME):
        try:
            return load_sessions(args.events) if args.db is None else fleet_events_file(args)
        except EvidenceError as e:
            error(NAME, str(e))
            return None


def _select(args: argparse.Namespace) -> tuple[EventsFile, list[Session]] | None:
    loaded = _load(args)
    if loaded is None:
        return None
    sessions = loaded.sessions or [Session()]
    if not loaded.sessions:
        note(NAME, f"{loaded.path}: no records; exporting an empty session")
    if args.session is not None:
        sessions = [s for s in sessions if s.session_id == args.session]
        if not sessions:
            known = ", ".join(str(s.session_id) for s in loaded.sessions) or "none"
            error(NAME, f"{loaded.path}: no session {args.session!r} (sessions: {known})")
            return None
    return loaded, sessions


def run(args: argparse.Namespace) -> int:
    try:
        baseline = load_baseline_option(args.baseline)
    except ConfigError as e:
        error(NAME, str(e))
        return EXIT_INPUT
    selected = _select(args)
    if selected is None:
        return EXIT_INPUT
    loaded, sessions = selected
    if args.all and args.format in ("ocsf", "junit", "html"):
        note(NAME, f"--all has no effect on --format {args.format}")
    try:
        if not _write(args, loaded, sessions, baseline):
            return EXIT_INPUT
    except OSError as e:
        error(NAME, f"cannot write {args.output}: {e.strerror or e}")
        return EXIT_INPUT
    events = [e for s in sessions for e in s.events]
    violations = sum(e.verdict == "violation" for e in events)
    blocked = sum(e.action == "blocked" for e in events)
    redacted = sum(e.action == "redacted" for e in events)
    if args.output != "-":
        shown = f", {redacted} redacted" if redacted else ""
        note(NAME, f"{len(events)} events, {violations} violations, {blocked} blocked{shown} → {args.output}")
    return report_gate(NAME, evaluate_gate(events, args.fail_on, baseline), args.fail_on)


def _write(args: argparse.Namespace, loaded: EventsFile, sessions: list[Session], baseline: Baseline | None) -> bool:
    """Write the export; False (after an error message) when the arguments do not allow it."""
    if args.format == "ecs":
        write_output(args.output, lambda fh: _write_ecs(fh, sessions, args))
    elif args.format == "ocsf":
        write_output(args.output, lambda fh: _write_ocsf(fh, sessions, args))
    elif args.format == "junit":
        write_output(args.output, partial(_write_junit, sessions=sessions, baseline=baseline))
    elif len(sessions) == 1:
        write_output(args.output, partial(_write_report, session=sessions[0], loaded=loaded, args=args))
    elif args.output == "-":
        error(NAME, f"{loaded.path} holds {len(sessions)} sessions: give -o FILE (one file each) or --session ID")
        return False
    else:
        for index, session in enumerate(sessions, start=1):
            target = _session_output(args.output, session, index, args.format)
            write_output(target, partial(_write_report, session=session, loaded=loaded, args=args))
            note(NAME, f"wrote {target}")
    return True


def _write_report(fh: IO[bytes], session: Session, loaded: EventsFile, args: argparse.Namespace) -> None:
    """One session as a JSON report, or as an HTML page (``--format html``)."""
    if args.format == "html":
        # The page's destination table and map show clean destinations too, so it needs every event.
        report = build_report(session, loaded, include_all=True, reveal_identifiers=args.reveal_identifiers)
        world = load_world_map()
        if world is None:
            note(NAME, "the world map is not installed (make worldmap): the HTML report carries a note instead")
        fh.write(render_report_html(report, world).encode("utf-8"))
        return
    report = build_report(session, loaded, include_all=args.all, reveal_identifiers=args.reveal_identifiers)
    fh.write(orjson.dumps(report.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n")


def _write_ecs(fh: IO[bytes], sessions: list[Session], args: argparse.Namespace) -> None:
    for session in sessions:
        for event in session.events:
            if args.all or event.verdict == "violation":
                doc = ecs_document(event, session.record, reveal_identifiers=args.reveal_identifiers)
                fh.write(orjson.dumps(doc) + b"\n")


def _write_ocsf(fh: IO[bytes], sessions: list[Session], args: argparse.Namespace) -> None:
    for session in sessions:
        for event in session.events:
            if event.verdict == "violation":
                doc = ocsf_finding(event, session.record, reveal_identifiers=args.reveal_identifiers)
                fh.write(orjson.dumps(doc) + b"\n")


def _write_junit(fh: IO[bytes], sessions: list[Session], baseline: Baseline | None) -> None:
    fh.write(junit_document(sessions, baseline))
