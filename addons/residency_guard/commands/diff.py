"""``residency-guard diff OLD NEW``: compare two runs (events files or exported JSON reports).

Readable text by default, ``--format json`` (or ``--json``) for machines, ``--format html`` for a
self-contained page (``evidence.html``) with both sides' session metadata; ``-o FILE`` writes to a file. With ``--fail-on introduced`` it gates a regression
run: exit 3 when NEW has a violation (rule + identifier type + destination) that OLD did not.
``--fail-on`` takes the expressions of ``export`` (``evidence.gate``) over NEW's findings, plus the
atom ``introduced`` (``introduced+country:CN``: a violation new in NEW, to China). ``--baseline``
accepts findings of NEW: they are marked ``baselined`` in the text and do not trip the gate.

With ``--db postgresql://…`` (and its filters) NEW is the fleet database's selection instead of a file:
a lab's baseline run against what every guard saw since, say, ``--since 7d``.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import IO

import orjson

from ..errors import ConfigError
from ..evidence.cli_support import error, warnings_to_stderr, write_output
from ..evidence.diff import DiffResult, diff_evidence, render_text, violation_keys
from ..evidence.gate import (
    EXIT_INPUT,
    FAIL_ON_HELP,
    GateContext,
    GateResult,
    add_baseline_argument,
    evaluate_gate,
    fail_on_type,
    load_baseline_option,
    parse_fail_on,
    report_gate,
)
from ..evidence.html import render_diff_html
from ..evidence.sessions import EvidenceError
from ..evidence.sources import Evidence, events_evidence, load_evidence
from .fleet_source import add_db_arguments, fleet_events_file, fleet_label, source_error

NAME = "diff"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="compare two runs: new/removed destinations and transfers, violations fixed and introduced",
        description="Compare two events files or exported reports (residency-guard export, JSON format).",
        epilog="exit status: 0 done; 2 usage or input error (bad --fail-on expression, invalid baseline); "
        "3 the gate tripped: with --fail-on introduced, NEW has violations OLD did not (and no baseline "
        "entry accepts them), or a baseline entry expired",
    )
    parser.add_argument("old", type=Path, metavar="OLD", help="baseline events file or report")
    parser.add_argument(
        "new",
        type=Path,
        nargs="?",
        metavar="NEW",
        help="events file or report to compare; or --db (the fleet's events)",
    )
    parser.add_argument(
        "--format", choices=("text", "json", "html"), default=None, help="output format (default: text)"
    )
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument("-o", "--output", default="-", metavar="FILE", help="output file ('-' = stdout, the default)")
    parser.add_argument(
        "--fail-on",
        type=fail_on_type(("introduced", "violation", "block")),
        default=parse_fail_on("none"),
        metavar="EXPR",
        help=f"'introduced': exit 3 when NEW has violations OLD did not; or an expression over NEW's "
        f"findings, where 'introduced' is one more atom: {FAIL_ON_HELP} (default: none)",
    )
    add_baseline_argument(parser)
    add_db_arguments(parser, what="NEW")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        baseline = load_baseline_option(args.baseline)
    except ConfigError as e:
        error(NAME, str(e))
        return EXIT_INPUT
    if (problem := source_error(args, args.new, "NEW (an events file or report)")) is not None:
        error(NAME, problem)
        return EXIT_INPUT
    with warnings_to_stderr(NAME):
        try:
            old = load_evidence(args.old)
            new = (
                load_evidence(args.new)
                if args.db is None
                else events_evidence(fleet_events_file(args), fleet_label(args))
            )
        except EvidenceError as e:
            error(NAME, str(e))
            return EXIT_INPUT
    fmt = args.format or ("json" if args.json else "text")
    if args.json and fmt != "json":
        error(NAME, f"--json contradicts --format {fmt}")
        return EXIT_INPUT
    result = diff_evidence(old, new)
    gate = evaluate_gate(new.events, args.fail_on, baseline, context=GateContext(old_keys=violation_keys(old.events)))
    try:
        write_output(args.output, partial(_write, fmt=fmt, result=result, gate=gate, sides=(old, new)))
    except OSError as e:
        error(NAME, f"cannot write {args.output}: {e.strerror or e}")
        return EXIT_INPUT
    return report_gate(NAME, gate, args.fail_on)


def _write(fh: IO[bytes], fmt: str, result: DiffResult, gate: GateResult, sides: tuple[Evidence, Evidence]) -> None:
    baselined = {f.key for f, _ in gate.baselined}
    if fmt == "json":
        fh.write(orjson.dumps(result.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n")
    elif fmt == "html":
        old, new = sides
        fh.write(render_diff_html(result, old.metadata, new.metadata, baselined=baselined).encode("utf-8"))
    else:
        fh.write(render_text(result, baselined=baselined).encode("utf-8"))
