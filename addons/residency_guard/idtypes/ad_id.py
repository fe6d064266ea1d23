"""Advertising ID (Google AAID / GAID, Apple IDFA, Huawei OAID, Roku RIDA…): a UUID, resettable. The
all-zero UUID means "limit ad tracking". Random request UUIDs are not ad IDs: only a key naming one,
or the profile's known value, makes a UUID an advertising ID."""

from __future__ import annotations

import uuid

from ._common import HEX, Keys, distinct_fake, generic_mask, keyed_fill

NAME = "ad_id"
CATEGORY = "online"
KEYS = Keys(
    ("gaid", "idfa", "advertisingid", "resettabledeviceid", "advertiserid", "googleadid", "adid", "aaid", "oaid", "adsid",
     "advertising"),
    ("ifa", "rida", "afai", "aifa", "lat_id"),
)  # fmt: skip
PLACEHOLDERS = frozenset({"00000000-0000-0000-0000-000000000000"})


def normalize(value: str) -> str:
    try:
        u = uuid.UUID(value.strip())
    except ValueError:
        raise ValueError("an advertising ID is a UUID") from None
    if u.int == 0:
        raise ValueError("the all-zero advertising ID means 'limited ad tracking', not an identifier")
    return str(u)


def spellings(value: str) -> list[str]:
    return [value, value.upper(), value.replace("-", ""), value.replace("-", "").upper()]


def mask(value: str) -> str:
    return generic_mask(value)


def fake(value: str, key: bytes) -> str:
    """What ``mask`` shows kept, the other hex digits keyed but for the UUID's version and variant
    digits, so a version-4 advertising ID stays a version-4 UUID."""
    if len(value) != 36:
        raise ValueError("an advertising ID fake needs the UUID form")

    def draw(attempt: int) -> str:
        out = list(keyed_fill(value, range(len(value)), HEX, key, NAME, attempt))
        for i in (0, 1, 8, 13, 14, 18, 19, 23, 34, 35):  # mask's edges, dashes, version, variant
            out[i] = value[i]
        return "".join(out)

    return distinct_fake(value, PLACEHOLDERS, draw)
