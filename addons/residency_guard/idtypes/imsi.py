"""IMSI (3GPP TS 23.003 §2.2): MCC (3) + MNC (2-3) + MSIN, 14-15 digits; the MCC/MNC must be real."""

from __future__ import annotations

from stdnum import imsi as std_imsi
from stdnum.exceptions import ValidationError

from ._common import SEPARATORS, Keys, generic_mask

NAME = "imsi"
CATEGORY = "subscriber"
KEYS = Keys(("imsi", "subscriberid"), ("subid",))
PLACEHOLDERS = frozenset({"000000000000000", "111111111111111", "222222222222222"})
"""Foreign SIMs show up as 111… / 222… in China Telecom self-registration."""


def normalize(value: str) -> str:
    digits = SEPARATORS.sub("", value.strip())
    if not digits.isascii() or not digits.isdigit() or not 14 <= len(digits) <= 15:
        raise ValueError("an IMSI is 14-15 digits (MCC + MNC + MSIN)")
    try:
        std_imsi.validate(digits)
    except ValidationError:
        raise ValueError("IMSI does not start with a known MCC/MNC") from None
    return digits


def spellings(value: str) -> list[str]:
    return [value]


def mask(value: str) -> str:
    """MCC + MNC name the operator: kept; the MSIN names the subscriber."""
    if not value.isdigit():
        return generic_mask(value)
    try:
        keep = 3 + len(std_imsi.info(value)["mnc"])
    except Exception:  # unknown operator: keep only the country code
        keep = 3
    return value[:keep] + "*" * (len(value) - keep)
