"""Whether a MAC names an access point the phone sees (a BSSID, a location) rather than the phone.

Three kinds of evidence: the value sits in a Wi-Fi scan list (``wifiAccessPoints[2].macAddress``,
``context.path_is_wifi_scan``); a signal strength follows it (``aa:bb:…,-81``: scan CSV, Amap ``macs``);
a Wi-Fi log line says the phone is associating with it (wpa_supplicant ``Connection to <bssid>``).
"""

from __future__ import annotations

import re

from ..context import KeyContext

_RSSI_AFTER = re.compile(r"\s*[,;|]\s*-[0-9]{2,3}(?![0-9.])", re.ASCII)
_ASSOCIATED_WITH = re.compile(
    r"(?:connection to|connected to|associated with|associating with|roaming to|trying to associate with)\s+$", re.I
)
_BARE_MAC_KEYS = ("mac", "macaddress")
"""Inside a scan list, a bare ``macAddress`` is the access point's."""


def beside_signal_or_association(text: str, start: int, end: int) -> bool:
    return (
        _RSSI_AFTER.match(text, end) is not None or _ASSOCIATED_WITH.search(text, max(0, start - 40), start) is not None
    )


def is_access_point(ctx: KeyContext, in_scan: bool) -> bool:
    """A MAC under ``ctx`` is a BSSID: its key says so, or it is in a scan list under no other MAC key."""
    return ctx.says("wifi_bssid") or (in_scan and (not ctx.says("mac") or ctx.key in _BARE_MAC_KEYS))
