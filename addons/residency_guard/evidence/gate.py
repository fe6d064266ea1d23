"""The CI gate shared by ``export``, ``replay`` and ``diff``, and the exit statuses of evidence commands.

Exit statuses (documented in each command's ``--help``):

- ``0`` — done, and the gate (if any) found nothing of what it names;
- ``2`` — usage or input error: bad arguments, a missing or unreadable file, an invalid record;
- ``3`` — the gate tripped: the session has what ``--fail-on`` names (``violation``: any event judged a
  violation, blocked or not; ``block``: any event whose request was blocked). ``diff --fail-on
  introduced`` trips on violations present in NEW but not in OLD.

The gate always looks at every event of the session, not only at the events a report includes.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from ..model import Event

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_GATE = 3

FAIL_ON_CHOICES = ("violation", "block", "none")

EXIT_STATUS_HELP = (
    "exit status: 0 done and clean; 2 usage or input error (missing file, invalid record); "
    "3 the gate tripped (--fail-on found what it names)"
)


def gate_tripped(events: Iterable[Event], fail_on: str) -> bool:
    """True when any event has what ``fail_on`` names."""
    if fail_on == "none":
        return False
    if fail_on == "violation":
        return any(e.verdict == "violation" for e in events)
    if fail_on == "block":
        return any(e.action == "blocked" for e in events)
    raise ValueError(f"unknown --fail-on value {fail_on!r}; expected one of {', '.join(FAIL_ON_CHOICES)}")


def add_fail_on_argument(parser: argparse.ArgumentParser, default: str = "none") -> None:
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default=default,
        help=f"exit 3 when the session has any event judged a violation, or any blocked request (default: {default})",
    )
