"""Android ID (``Settings.Secure.ANDROID_ID``): 64 bits, usually 16 lower-case hex digits; per app
signing key since Android 8. The Google Services Framework ID is the same size, often in decimal."""

from __future__ import annotations

import re

from ._common import Keys, case_spellings, generic_fake, generic_mask

NAME = "android_id"
CATEGORY = "device"
KEYS = Keys(("androidid", "ssaid"), ("aid", "andi"))
PLACEHOLDERS = frozenset({"0" * 16})


def normalize(value: str) -> str:
    v = value.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{16}", v):
        raise ValueError("an Android ID is 16 hex digits")
    return v


def spellings(value: str) -> list[str]:
    return case_spellings(value)


def mask(value: str) -> str:
    return generic_mask(value)


def fake(value: str, key: bytes) -> str:
    """What ``mask`` shows kept, every other letter or digit keyed in its own class."""
    return generic_fake(value, key, NAME, PLACEHOLDERS)
