"""Device serial (``Build.getSerial()``, ``ro.serialno``): free-form 6-20 letters and digits, so only a
key naming it, or the device profile's known value, identifies one."""

from __future__ import annotations

import re

from ._common import Keys, case_spellings, generic_fake, generic_mask

NAME = "serial"
CATEGORY = "device"
KEYS = Keys(
    ("serialno", "serialnumber", "deviceserial", "roserialno", "hwserial", "devsn", "devicesn"), ("serial", "sn", "psn")
)
PLACEHOLDERS = frozenset({"unknown", "0123456789abcdef", "0123456789", "123456789", "none", "null"})
_SERIAL = re.compile(r"^[A-Za-z0-9]{6,20}$")


def normalize(value: str) -> str:
    v = value.strip()
    if not _SERIAL.match(v):
        raise ValueError("a serial number is 6-20 letters and digits")
    if v.lower() == "unknown":
        raise ValueError("'unknown' is Android's placeholder for a hidden serial")
    return v


def spellings(value: str) -> list[str]:
    return case_spellings(value)


def mask(value: str) -> str:
    return generic_mask(value)


def fake(value: str, key: bytes) -> str:
    """What ``mask`` shows kept, every other letter or digit keyed in its own class."""
    return generic_fake(value, key, NAME, PLACEHOLDERS)
