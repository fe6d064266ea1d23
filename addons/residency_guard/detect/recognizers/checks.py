"""Checks several recognizers share: placeholders of the digit identifiers, repetitive runs, Luhn."""

from __future__ import annotations

from stdnum import luhn

from ...idtypes import iccid, imei, imsi

PLACEHOLDER_DIGITS = imei.PLACEHOLDERS | imsi.PLACEHOLDERS | iccid.PLACEHOLDERS


def repetitive(d: str) -> bool:
    """``1111…``, ``1212…``: a filler, not a number anyone was issued."""
    return len(set(d)) <= 2


def luhn_ok(d: str) -> bool:
    return luhn.is_valid(d)


def with_check_digit(d: str) -> str:
    """14 digits (an IMEI without its check digit, the first 14 of an IMEISV) → the 15-digit IMEI."""
    return d + luhn.calc_check_digit(d)
