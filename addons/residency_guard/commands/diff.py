"""``residency-guard diff OLD NEW``: compare two runs (events files or exported JSON reports).

Readable text by default, ``--json`` for machines. With ``--fail-on introduced`` it gates a regression
run: exit 3 when NEW has a violation (rule + identifier type + destination) that OLD did not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from ..evidence.cli_support import error, warnings_to_stderr
from ..evidence.diff import diff_evidence, render_text
from ..evidence.gate import EXIT_GATE, EXIT_INPUT, EXIT_OK
from ..evidence.sessions import EvidenceError, load_evidence

NAME = "diff"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="compare two runs: new/removed destinations and transfers, violations fixed and introduced",
        description="Compare two events files or exported reports (residency-guard export, JSON format).",
        epilog="exit status: 0 done; 2 usage or input error; 3 with --fail-on introduced, when NEW has "
        "violations OLD did not",
    )
    parser.add_argument("old", type=Path, metavar="OLD", help="baseline events file or report")
    parser.add_argument("new", type=Path, metavar="NEW", help="events file or report to compare")
    parser.add_argument("--json", action="store_true", help="print the differences as JSON")
    parser.add_argument(
        "--fail-on",
        choices=("introduced", "none"),
        default="none",
        help="exit 3 when NEW introduces violations (default: none)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    with warnings_to_stderr(NAME):
        try:
            old = load_evidence(args.old)
            new = load_evidence(args.new)
        except EvidenceError as e:
            error(NAME, str(e))
            return EXIT_INPUT
    result = diff_evidence(old, new)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(result.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n")
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(render_text(result))
        sys.stdout.flush()
    if args.fail_on == "introduced" and result.violations_introduced:
        return EXIT_GATE
    return EXIT_OK
