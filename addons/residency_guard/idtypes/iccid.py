"""ICCID (ITU-T E.118): ``89`` + country calling code + issuer + account (+ Luhn), 18-20 digits, often
padded with a trailing ``F``. Real cards sometimes fail Luhn, so it is not required. On the SIM
(EF_ICCID, 3GPP TS 51.011 §10.1.1) the digits of each byte are swapped."""

from __future__ import annotations

import phonenumbers
from stdnum import luhn

from ._common import DIGITS, SEPARATORS, Keys, distinct_fake, generic_mask, keyed_fill

NAME = "iccid"
CATEGORY = "subscriber"
KEYS = Keys(("iccid", "simserial", "iccidnumber", "simcardid"), ("sim", "simid", "icc"))
PLACEHOLDERS = frozenset({"0" * 20, "0" * 19, "89" + "0" * 18, "89" + "0" * 17})
"""An empty ICCID is sent as twenty zeros."""


def normalize(value: str) -> str:
    """Digits kept; a trailing F (padding) dropped."""
    v = SEPARATORS.sub("", value.strip()).upper().rstrip("F")
    if not v.isascii() or not v.isdigit() or not 18 <= len(v) <= 20:
        raise ValueError("an ICCID is 18-20 digits, optionally followed by F")
    if not v.startswith("89"):
        raise ValueError("an ICCID starts with 89 (telecommunications industry identifier)")
    if set(v[2:]) == {"0"}:
        raise ValueError("all-zero ICCID is a placeholder, not a SIM")
    return v


def nibble_swapped(digits: str) -> str:
    """``98742010…`` ↔ ``89470201…``: each pair of digits reversed (BCD with the low nibble first)."""
    return "".join(digits[i + 1] + digits[i] for i in range(0, len(digits) - 1, 2))


def spellings(value: str) -> list[str]:
    padded = value + "F" * (len(value) % 2)
    swapped = nibble_swapped(padded)
    out = [value, value + "F", value + "f", swapped, swapped.lower()]
    if len(value) == 19:
        out.append(value[:-1])  # some clients drop the Luhn digit
    return out


def country_prefixed(digits: str) -> bool:
    """The digits after the 89 industry prefix begin with an ITU-T E.164 country calling code."""
    return any(int(digits[2:k]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE for k in (3, 4, 5))


def prefix_length(digits: str) -> int:
    """``89`` + ITU country calling code (1-3 digits) + a 2-digit issuer prefix."""
    for n in (1, 2, 3):
        cc = digits[2 : 2 + n]
        if cc.isdigit() and int(cc) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return 2 + n + 2
    return 4


def mask(value: str) -> str:
    """Country and issuer kept; the account number names the card."""
    if not value.isdigit():
        return generic_mask(value)
    keep = prefix_length(value)
    return value[:keep] + "*" * (len(value) - keep)


def fake(value: str, key: bytes) -> str:
    """Country and issuer kept (what ``mask`` shows), the account keyed; a Luhn-valid ICCID gets a
    Luhn-valid fake, one that fails Luhn (real cards do) a fake that may too."""
    if not value.isdigit() or not 18 <= len(value) <= 20:
        raise ValueError("an ICCID fake needs its 18-20 digits")
    keep = prefix_length(value)
    checked = luhn.is_valid(value)

    def draw(attempt: int) -> str:
        account = keyed_fill(value, range(keep, len(value)), DIGITS, key, NAME, attempt)
        return account[:-1] + luhn.calc_check_digit(account[:-1]) if checked else account

    return distinct_fake(value, PLACEHOLDERS, draw)
