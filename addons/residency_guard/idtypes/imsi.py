"""IMSI (3GPP TS 23.003 §2.2): MCC (3) + MNC (2-3) + MSIN, 14-15 digits; the MCC/MNC must be real."""

from __future__ import annotations

from functools import lru_cache

from stdnum import imsi as std_imsi
from stdnum.exceptions import ValidationError

from ._common import SEPARATORS, Keys, generic_mask, shaped_fake

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


def operator(digits: str) -> tuple[bool, bool]:
    """(known MCC/MNC, operator operational) for a 14-15 digit string; cached on its 6-digit prefix."""
    return _operator_of_prefix(digits[:6], len(digits))


@lru_cache(maxsize=8192)
def _operator_of_prefix(prefix: str, length: int) -> tuple[bool, bool]:
    probe = prefix + "0" * (length - 6)
    try:
        if not std_imsi.is_valid(probe):
            return False, False
        info = std_imsi.info(probe)
    except ValueError:  # stdnum's numbering database has gaps for some MCCs
        return False, False
    return True, str(info.get("status", "")).lower().startswith("operational")


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


def fake(value: str, key: bytes) -> str:
    """MCC + MNC kept (the operator, what ``mask`` shows), the MSIN keyed."""
    if not value.isdigit() or not 14 <= len(value) <= 15:
        raise ValueError("an IMSI fake needs the 14-15 digit form")
    keep = len(mask(value)) - mask(value).count("*")
    return shaped_fake(value, key, NAME, keep=keep, placeholders=PLACEHOLDERS)
