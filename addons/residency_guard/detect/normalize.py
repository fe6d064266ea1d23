"""Strict normalisers for identifier values written by people (device profiles, tests).

Each returns the canonical form the detector reports in ``Hit.value`` or raises ``ValueError`` with a
reason a person can act on. The detectors use the lenient checks in ``formats``; these are for values
that must be right.
"""

from __future__ import annotations

import re
import uuid

import phonenumbers
from stdnum import imei as std_imei
from stdnum import imsi as std_imsi
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

_SEPARATORS = re.compile(r"[\s\-.:]")
_HEX12 = re.compile(r"^[0-9a-f]{12}$")
_MAC_SPELLINGS = re.compile(
    r"^(?:[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|[0-9a-f]{12})$"
)
_EMAIL = re.compile(r"^[a-z0-9._%+\-]{1,64}@[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63})*\.[a-z]{2,24}$")
_SERIAL = re.compile(r"^[A-Za-z0-9]{6,20}$")


def mac_to_colon(hex12: str) -> str:
    return ":".join(hex12[i : i + 2] for i in range(0, 12, 2))


def normalize_imei(value: str) -> str:
    v = value.strip()
    if v.upper().startswith("IMEI:"):
        v = v[5:]
    digits = _SEPARATORS.sub("", v)
    if not digits.isascii() or not digits.isdigit() or len(digits) != 15:
        raise ValueError("an IMEI is 15 digits (TAC 8 + serial 6 + Luhn check digit)")
    try:
        std_imei.validate(digits)
    except StdnumError:
        raise ValueError("IMEI check digit is wrong (Luhn)") from None
    return digits


def normalize_imsi(value: str) -> str:
    digits = _SEPARATORS.sub("", value.strip())
    if not digits.isascii() or not digits.isdigit() or not 14 <= len(digits) <= 15:
        raise ValueError("an IMSI is 14-15 digits (MCC + MNC + MSIN)")
    try:
        std_imsi.validate(digits)
    except StdnumError:
        raise ValueError("IMSI does not start with a known MCC/MNC") from None
    return digits


def normalize_iccid(value: str) -> str:
    """ICCIDs keep their digits; a trailing F (padding) is dropped. Luhn is not required (real cards fail it)."""
    v = _SEPARATORS.sub("", value.strip()).upper().rstrip("F")
    if not v.isascii() or not v.isdigit() or not 18 <= len(v) <= 20:
        raise ValueError("an ICCID is 18-20 digits, optionally followed by F")
    if not v.startswith("89"):
        raise ValueError("an ICCID starts with 89 (telecommunications industry identifier)")
    if set(v[2:]) == {"0"}:
        raise ValueError("all-zero ICCID is a placeholder, not a SIM")
    return v


def normalize_mac(value: str) -> str:
    v = value.strip().lower()
    if not _MAC_SPELLINGS.match(v):
        raise ValueError("a MAC is 6 hex bytes: aa:bb:cc:dd:ee:ff, aa-bb-…, aabb.ccdd.eeff or 12 hex digits")
    hex12 = re.sub(r"[^0-9a-f]", "", v)
    if hex12 in ("000000000000", "ffffffffffff", "020000000000"):
        raise ValueError("placeholder/broadcast MAC, not a device address")
    return mac_to_colon(hex12)


def normalize_serial(value: str) -> str:
    v = value.strip()
    if not _SERIAL.match(v):
        raise ValueError("a serial number is 6-20 letters and digits")
    if v.lower() == "unknown":
        raise ValueError("'unknown' is Android's placeholder for a hidden serial")
    return v


def normalize_android_id(value: str) -> str:
    v = value.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{16}", v):
        raise ValueError("an Android ID is 16 hex digits")
    return v


def normalize_ad_id(value: str) -> str:
    try:
        u = uuid.UUID(value.strip())
    except ValueError:
        raise ValueError("an advertising ID is a UUID") from None
    if u.int == 0:
        raise ValueError("the all-zero advertising ID means 'limited ad tracking', not an identifier")
    return str(u)


def normalize_phone(value: str) -> str:
    v = value.strip()
    if v.startswith("00"):
        v = "+" + v[2:]
    if not v.startswith("+"):
        raise ValueError("write phone numbers in E.164 with the country code: +4741234567")
    try:
        num = phonenumbers.parse(v, None)
    except phonenumbers.NumberParseException as e:
        raise ValueError(f"not a phone number: {e}") from None
    if not phonenumbers.is_possible_number(num):
        raise ValueError("not a possible phone number for its country code")
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(value: str) -> str:
    v = value.strip().lower()
    if not _EMAIL.match(v):
        raise ValueError("not an e-mail address")
    return v


def luhn_ok(digits: str) -> bool:
    return luhn.is_valid(digits)
