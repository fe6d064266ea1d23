"""A nearby or associated access point's BSSID: a MAC that locates the phone through Wi-Fi
geolocation databases (scan lists, ``bssid`` keys, IMS ``i-wlan-node-id``)."""

from __future__ import annotations

from . import mac
from ._common import Keys, mac_fake, mac_mask, mac_spellings

NAME = "wifi_bssid"
CATEGORY = "location"
KEYS = Keys(("bssid", "apmac", "routermac", "gatewaymac", "nodemac"), ())
PLACEHOLDERS = mac.PLACEHOLDERS


def normalize(value: str) -> str:
    return mac.normalize(value)


def spellings(value: str) -> list[str]:
    return mac_spellings(value)


def mask(value: str) -> str:
    return mac_mask(value)


def fake(value: str, key: bytes) -> str:
    """As a device MAC's: the OUI kept, the rest keyed."""
    return mac_fake(value, key, NAME, PLACEHOLDERS)
