"""The device's own MAC (EUI-48): Wi-Fi, Bluetooth or Ethernet; ``:``, ``-``, Cisco dots or none, any
case. ``02:00:00:00:00:00`` is Android's placeholder; the locally-administered bit marks a randomised one."""

from __future__ import annotations

import re

from ._common import Keys, mac_fake, mac_mask, mac_spellings, mac_to_colon

NAME = "mac"
CATEGORY = "device"
KEYS = Keys(
    ("macaddr", "macid", "wifimac", "wlanmac", "btmac", "bluetoothaddr", "bluetoothmac", "hwaddr", "ethaddr",
     "etheraddr", "macaddress"),
    ("mac", "wlan0", "bdaddr", "hwaddress"),
)  # fmt: skip
PLACEHOLDERS = frozenset({"000000000000", "ffffffffffff", "020000000000"})
"""As 12 lower-case hex digits: all-zero, broadcast, Android's placeholder."""
_SPELLINGS = re.compile(
    r"^(?:[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|[0-9a-f]{12})$"
)


def normalize(value: str) -> str:
    v = value.strip().lower()
    if not _SPELLINGS.match(v):
        raise ValueError("a MAC is 6 hex bytes: aa:bb:cc:dd:ee:ff, aa-bb-…, aabb.ccdd.eeff or 12 hex digits")
    hex12 = re.sub(r"[^0-9a-f]", "", v)
    if hex12 in PLACEHOLDERS:
        raise ValueError("placeholder/broadcast MAC, not a device address")
    return mac_to_colon(hex12)


def spellings(value: str) -> list[str]:
    return mac_spellings(value)


def mask(value: str) -> str:
    """The OUI (first three bytes) names the vendor."""
    return mac_mask(value)


def fake(value: str, key: bytes) -> str:
    """The OUI kept (the vendor, what ``mask`` shows), the three device bytes keyed."""
    return mac_fake(value, key, NAME, PLACEHOLDERS)
