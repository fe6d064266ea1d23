"""IMEIs packed in BCD: eight bytes, a zero pad nibble then the 15 digits (GT06-family trackers, IoT
login packets). The extractor's ``bcd`` view of a binary payload holds its BCD runs, one per line;
every byte boundary is tried, so the IMEI may sit anywhere in a longer run. Digits decoded from
binary are noise unless they pass all of this: a reporting-body prefix, Luhn, no placeholder."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from ...idtypes import imei
from .base import Found, Score, StructureRecognizer
from .checks import PLACEHOLDER_DIGITS, luhn_ok, repetitive

PACKED = Score(0.75, "0 + 15 BCD digits at a byte boundary, reporting-body prefix, Luhn ok")


def bcd_imeis(digits: str) -> Iterator[Found]:
    for run in digits.split("\n"):
        for i in range(0, len(run) - 15, 2):
            if run[i] == "0":
                value = run[i + 1 : i + 16]
                if (
                    value[:2] in imei.REPORTING_BODIES
                    and value not in PLACEHOLDER_DIGITS
                    and not repetitive(value)
                    and luhn_ok(value)
                ):
                    yield ("imei", value, PACKED, "format", None)


RECOGNIZER = StructureRecognizer(name="BCD-packed IMEI", yields=("imei",), module=sys.modules[__name__], find=bcd_imeis)
