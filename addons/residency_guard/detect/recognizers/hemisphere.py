"""Decimal degrees each followed by its hemisphere, as tracker and watch protocols send them:
``…,A,56.163237,N,10.196305,E,…`` (3G*/Wonlex watches, many GPS trackers)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from ..context import KeyContext
from .base import Located, Score, TextRecognizer, Trigger

POSITION = Score(0.85, "decimal degrees with N/S and E/W fields (≥ 3 decimals)")

_HEMISPHERE_DECIMAL = re.compile(
    r"(?<![0-9.])([0-9]{1,2}\.[0-9]{3,12}),([NS]),([0-9]{1,3}\.[0-9]{3,12}),([EW])(?![A-Za-z0-9])", re.ASCII
)


def find(text: str, ctx: KeyContext) -> Iterator[Located]:
    if ",N," not in text and ",S," not in text:
        return
    for m in _HEMISPHERE_DECIMAL.finditer(text):
        lat = float(m.group(1)) * (-1 if m.group(2) == "S" else 1)
        lon = float(m.group(3)) * (-1 if m.group(4) == "W" else 1)
        if abs(lat) <= 90 and abs(lon) <= 180 and (lat, lon) != (0, 0):
            yield ("location", f"{lat},{lon}", POSITION, "format", None), m.start(1), m.end(4)


RECOGNIZER = TextRecognizer(
    name="hemisphere coordinates", yields=("location",), module=sys.modules[__name__],
    triggers=(Trigger("hemisphere", rb",[NS],", None, (b",N,", b",S,"), exact=True),),
    literals=(",N,", ",S,"), find=find,
)  # fmt: skip
