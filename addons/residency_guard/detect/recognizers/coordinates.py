"""Reading one coordinate out of a field value, and what its precision says."""

from __future__ import annotations

import math
import sys

from .base import Score

PRECISE = Score(0.85, "≥ 3 decimals (~100 m): places a phone")
TOWN = Score(0.45, "2 decimals (~1 km): matched only against a profile's radius")
COARSE = Score(0.30, "fewer decimals: matched only against a profile's radius")

MODULE = sys.modules[__name__]


def confidence(decimals: int) -> float:
    return PRECISE if decimals >= 3 else TOWN if decimals == 2 else COARSE


def decimals(s: str) -> int:
    s = s.strip()
    return len(s.partition(".")[2]) if "." in s else 0


def as_coordinate(s: str, limit: float) -> float | None:
    s = s.strip()
    if not s or len(s) > 24:
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) and -limit <= v <= limit else None
