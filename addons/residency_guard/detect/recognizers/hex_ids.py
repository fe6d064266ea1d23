"""Bare hex runs under a key naming them: a MAC without separators (12), an MEID (14), an ESN (8), an
Android ID (16). Without a key, a hex run is a hash, a nonce or a colour: nothing is reported."""

from __future__ import annotations

import re
import sys

from stdnum import meid as std_meid

from ...idtypes import mac, mac_to_colon
from .base import CandidateRecognizer, Found, Located, ScanContext, Score, located
from .checks import repetitive
from .wifi_scan import is_access_point

MAC_KEYED = Score(0.85, "12 bare hex digits under a MAC/BSSID key")
MEID_KEYED = Score(0.90, "14 hex digits valid as an MEID, under an MEID/IMEI key")
ESN_KEYED = Score(0.75, "8 hex digits under esn")
ANDROID_ID_KEYED = Score(0.85, "16 hex digits under androidId/ssaid")
ANDROID_ID_DEVICE_KEY = Score(0.60, "16 hex digits under a generic deviceId/devid/did")

_DEVICE_KEYS = ("deviceid", "devid", "did")
"""Not "udid": Apple's UDID holds 16 hex digits too."""


def classify_hex(h: str, s: ScanContext) -> list[Found]:
    ctx = s.ctx
    n = len(h)
    lo = h.lower()
    key = ctx.key or None
    if n == 12 and (ctx.says("mac") or ctx.says("wifi_bssid")) and lo not in mac.PLACEHOLDERS:
        if int(lo[:2], 16) & 1:  # multicast/broadcast
            return []
        type_ = "wifi_bssid" if is_access_point(ctx, s.wifi_path) else "mac"
        return [(type_, mac_to_colon(lo), MAC_KEYED, "context", key)]
    if n == 14 and std_meid.is_valid(h) and not h.isdigit():
        return [("meid", h.upper(), MEID_KEYED, "context", key)] if ctx.says("meid") or ctx.says("imei") else []
    if n == 8 and ctx.key == "esn" and lo != "00000000":
        return [("meid", h.upper(), ESN_KEYED, "context", key)]
    if n == 16 and lo != "0" * 16 and not repetitive(lo):
        if ctx.says("android_id"):
            return [("android_id", lo, ANDROID_ID_KEYED, "context", key)]
        if ctx.key in _DEVICE_KEYS:
            return [("android_id", lo, ANDROID_ID_DEVICE_KEY, "context", key)]
    return []


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    return located(classify_hex(m.group(), s), *m.span())


RECOGNIZER = CandidateRecognizer(
    name="keyed hex run", yields=("mac", "wifi_bssid", "meid", "android_id"), module=sys.modules[__name__],
    group="hex", pattern=r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{8,16}(?![0-9A-Fa-f])", classify=_classify,
)  # fmt: skip
