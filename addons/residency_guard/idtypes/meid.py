"""MEID (3GPP2 S.R0048): 14 hex digits, or its 18-digit decimal form; ESN, its 8-hex predecessor."""

from __future__ import annotations

from ._common import Keys, case_spellings, generic_mask, shaped_fake

NAME = "meid"
CATEGORY = "device"
KEYS = Keys(("meid",), ("esn", "deviceid", "devid"))
PLACEHOLDERS = frozenset({"0" * 14, "0" * 18, "00000000"})


def normalize(value: str) -> str:
    from stdnum import meid as std_meid

    v = value.strip().upper()
    if not std_meid.is_valid(v):
        raise ValueError("a MEID is 14 hex digits or 18 decimal digits")
    return v


def spellings(value: str) -> list[str]:
    return case_spellings(value)


def mask(value: str) -> str:
    """The manufacturer code (first 8 hex digits) names the maker, the rest the phone."""
    return value[:8] + "*" * (len(value) - 8) if len(value) in (14, 18) else generic_mask(value)


def fake(value: str, key: bytes) -> str:
    """The manufacturer code kept (what ``mask`` shows), the serial keyed in the same notation."""
    if len(value) not in (14, 18):
        raise ValueError("a MEID fake needs its 14 hex or 18 decimal digits")
    return shaped_fake(value, key, NAME, keep=8, placeholders=PLACEHOLDERS)
