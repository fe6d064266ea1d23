"""A position written as one ``"lat,lon"`` string (``59.913868,10.752245``): under a location key, or
precise enough (≥ 4 decimals) to be one without it. Where the phone asks about is dropped by the
enhancer (``enhancer.asks_about_a_place``)."""

from __future__ import annotations

import re
import sys

from ..context import KeyContext
from .base import CandidateRecognizer, Found, Located, ScanContext, Score, Trigger, located

KEYED = Score(0.85, "a lat,lon string with ≥ 3 decimals under a location key")
KEYED_COARSE = Score(0.45, "the same with fewer decimals (a town: matched only against a profile's radius)")
UNKEYED = Score(0.60, "a lat,lon string with ≥ 4 decimals, no key")
UNKEYED_COARSE = Score(0.30, "fewer decimals, no key (matched only against a profile's radius)")

_LATITUDE_THEN_COMMA = r"-?[0-9]{1,2}\.[0-9]{1,12}\s?,\s?"
_LATLON_PAIR = _LATITUDE_THEN_COMMA + r"-?[0-9]{1,3}\.[0-9]{1,12}(?![0-9.])"
_LATLON = re.compile(_LATLON_PAIR, re.ASCII)
_LATLON_SECOND = re.compile(_LATITUDE_THEN_COMMA, re.ASCII)
_SPACE = re.compile(r"\s")


def parse_latlon(raw: str) -> tuple[float, float, int] | None:
    """``"59.9139,10.7522"`` → (lat, lon, fewest decimals); None when out of range or null island."""
    try:
        a, b = (p.strip() for p in raw.split(","))
        lat, lon = float(a), float(b)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    decimals = min(len(a.partition(".")[2]), len(b.partition(".")[2]))
    return lat, lon, decimals


def classify_latlon(raw: str, ctx: KeyContext) -> list[Found]:
    parsed = parse_latlon(raw)
    if parsed is None:
        return []
    decimals = parsed[2]
    value = _SPACE.sub("", raw)
    key = ctx.key or None
    if ctx.says("location"):
        return [("location", value, KEYED if decimals >= 3 else KEYED_COARSE, "context", key)]
    return [("location", value, UNKEYED if decimals >= 4 else UNKEYED_COARSE, "format", key)]


def _weak(found: list[Found], ctx: KeyContext) -> bool:
    return not found or found[0][2] < 0.5 or (found[0][3] == "format" and ctx.negative)


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    start, end = m.span()
    found = classify_latlon(m.group(), s.ctx)
    if _weak(found, s.ctx):
        # "31.8,-9.141563,38.726464": a short number took the first half of the real pair
        second = _LATLON_SECOND.match(text, start)
        if second and (pair := _LATLON.match(text, second.end())):
            start, end = pair.span()
            found = classify_latlon(pair.group(), s.ctx)
    return located(found, start, end)


RECOGNIZER = CandidateRecognizer(
    name="lat,lon string", yields=("location",), module=sys.modules[__name__],
    triggers=(Trigger("latlon", rb"[0-9]\.[0-9]{1,12}[ \t\n\r\f\v]?,[ \t\n\r\f\v]?-?[0-9]{1,3}\.[0-9]", "digit",
                      (b"d,d", b"dw,d", b"ds,d", b"d,wd", b"d,sd", b"dw,wd", b"ds,sd", b"dw,sd", b"ds,wd",
                       b"d,wsd", b"d,ssd", b"dw,wsd", b"ds,ssd", b"dw,ssd", b"ds,wsd")),),
    group="latlon", pattern=rf"(?<![0-9.]){_LATLON_PAIR}", classify=_classify,
)  # fmt: skip
