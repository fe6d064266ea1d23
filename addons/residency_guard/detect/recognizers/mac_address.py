"""MAC addresses written as six bytes: ``aa:bb:cc:dd:ee:ff``, ``AA-BB-…``, Cisco ``aabb.ccdd.eeff``.
A scanned or associated access point is reported as ``wifi_bssid`` (``wifi_scan``)."""

from __future__ import annotations

import re
import sys

from ...idtypes import mac, mac_to_colon
from .base import CandidateRecognizer, Located, ScanContext, Score, Trigger, located
from .wifi_scan import beside_signal_or_association, is_access_point

KEYED = Score(0.95, "six bytes with :/-/Cisco dots under a MAC key")
UNKEYED = Score(0.80, "six bytes with separators, no key, globally administered")
UNKEYED_RANDOMISED = Score(0.70, "the same with the locally-administered (randomised) bit set")
UNKEYED_DECIMAL = Score(0.45, "six bytes of decimal digits only, no key: a timecode or a sequence as often as a MAC")
ACCESS_POINT = Score(0.85, "a MAC under bssid, in a Wi-Fi scan list, beside an RSSI or after 'associated with'")

_H = "[0-9A-Fa-f]"
_NOT_HEX = re.compile(r"[^0-9a-f]")


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    hex12 = _NOT_HEX.sub("", m.group().lower())
    if hex12 in mac.PLACEHOLDERS or int(hex12[:2], 16) & 1:  # multicast/broadcast: not a device
        return []
    value = mac_to_colon(hex12)
    key = s.ctx.key or None
    start, end = m.span()
    if is_access_point(s.ctx, s.wifi_path or beside_signal_or_association(text, start, end)):
        return located([("wifi_bssid", value, ACCESS_POINT, "context", key)], start, end)
    if s.ctx.says("mac"):
        return located([("mac", value, KEYED, "context", key)], start, end)
    if hex12.isdigit():  # a MAC holds a hex letter 99.6 % of the time: 10:20:30:40:50:59 is a timecode
        score = UNKEYED_DECIMAL
    else:
        score = UNKEYED_RANDOMISED if int(hex12[:2], 16) & 2 else UNKEYED
    return located([("mac", value, score, "format", key)], start, end)


COLON = CandidateRecognizer(
    name="MAC address", yields=("mac", "wifi_bssid"), module=sys.modules[__name__],
    triggers=(Trigger("mac", rb"[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}",
                      "hex", (b"xx:xx:xx:xx:xx:xx",), exact=True),),
    group="mac", pattern=rf"(?<![0-9A-Fa-f])(?<![0-9A-Fa-f:][:-]){_H}{{2}}(?P<mac_sep>[:-]){_H}{{2}}(?:(?P=mac_sep){_H}{{2}}){{4}}(?!{_H}|[:-]{_H})",
    classify=_classify,
)  # fmt: skip
CISCO = CandidateRecognizer(
    name="MAC address (Cisco dots)", yields=("mac", "wifi_bssid"),
    triggers=(Trigger("mac-cisco", rb"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}", "hex", (b"xxxx.xxxx.xxxx",), exact=True),),
    group="cisco", pattern=rf"(?<![0-9A-Fa-f.]){_H}{{4}}\.{_H}{{4}}\.{_H}{{4}}(?!{_H}|\.{_H})",
    classify=_classify,
)  # fmt: skip
