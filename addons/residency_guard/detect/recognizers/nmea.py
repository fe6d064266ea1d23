"""NMEA 0183 position sentences from a GNSS receiver (GGA, RMC, GLL, GNS; talkers GP/GL/GA/GB/GN/BD…):
latitude ``ddmm.mmmm,N|S`` then longitude ``dddmm.mmmm,E|W``, a few fields after the sentence id."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from ..context import KeyContext
from .base import Located, Score, TextRecognizer, Trigger

POSITION = Score(0.85, "an NMEA GGA/RMC/GLL/GNS sentence's position")

_NMEA = re.compile(
    r"\$(?:G[A-Z]|BD)(?:GGA|RMC|GLL|GNS),(?:[^,*\r\n]*,){0,2}?"
    r"([0-9]{2})([0-9]{2}\.[0-9]+),([NS]),([0-9]{3})([0-9]{2}\.[0-9]+),([EW])",
    re.ASCII,
)


def find(text: str, ctx: KeyContext) -> Iterator[Located]:
    if "$G" not in text and "$BD" not in text:  # one memchr for "$" first, then the pair
        return
    for m in _NMEA.finditer(text):
        lat_d, lat_m, ns, lon_d, lon_m, ew = m.groups()
        lat = (int(lat_d) + float(lat_m) / 60) * (-1 if ns == "S" else 1)
        lon = (int(lon_d) + float(lon_m) / 60) * (-1 if ew == "W" else 1)
        if lat == 0 and lon == 0 or abs(lat) > 90 or abs(lon) > 180:
            continue
        yield ("location", f"{lat:.6f},{lon:.6f}", POSITION, "format", None), m.start(1), m.end(6)


RECOGNIZER = TextRecognizer(
    name="NMEA 0183 sentence", yields=("location",), module=sys.modules[__name__],
    triggers=(Trigger("nmea", rb"\$(?:G|BD)", None, (b"$G", b"$BD"), exact=True),),
    literals=("$",), find=find,
)  # fmt: skip
