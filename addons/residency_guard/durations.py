"""Spans of time as people write them in policies and on the command line: ``365d``, ``12h``, ``30m``.

One parser for a volume rule's window and a fleet query's ``--since 7d``, so both read the same way.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(r"^\s*(\d{1,9})\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400}
DURATION_HELP = "a number and a unit: s, m, h, d or w (e.g. 365d, 12h)"


def parse_duration(text: str) -> timedelta:
    """``365d`` → 365 days; ValueError (saying what is accepted) for anything else, or zero."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not a duration: {DURATION_HELP}")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError("a duration must be longer than zero")
    return timedelta(seconds=seconds)


def parse_instant(text: str, now: datetime | None = None) -> datetime:
    """An RFC 3339 / ISO 8601 time (UTC when it has no offset), or a duration meaning that long ago."""
    try:
        return (now or datetime.now(UTC)) - parse_duration(text)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a time: give an ISO 8601 time (2025-03-01T10:00:00Z) or {DURATION_HELP}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
