"""Decimal runs: IMEI (15, Luhn), IMEISV (16), IMSI (15, a real MCC/MNC), ICCID (18-20 from 89, also
nibble-swapped from 98), MEID (14/18), a 64-bit Android ID in decimal, a cell id under its key."""

from __future__ import annotations

import re
import sys

from stdnum import meid as std_meid

from ...idtypes import iccid, imei, imsi
from ...idtypes.iccid import nibble_swapped
from ..context import KeyContext
from .base import CandidateRecognizer, Found, Located, ScanContext, Score, Trigger, WholeValueRecognizer, located
from .checks import PLACEHOLDER_DIGITS, luhn_ok, repetitive, with_check_digit
from .phone_number import classify_phone

IMEI_KEYED = Score(0.95, "15 digits, Luhn ok, under an IMEI/MEID/IMEISV/deviceId-like key")
IMEI_REPORTING_BODY = Score(0.70, "15 digits, Luhn ok, a reporting-body prefix (35, 86, 01…), no key")
IMEI_OTHER_PREFIX = Score(0.45, "15 digits, Luhn ok, another prefix, no key")
IMEI_WITHOUT_CHECK_DIGIT = Score(0.70, "14 digits under an IMEI key (the check digit is added)")
IMEISV = Score(0.85, "16-digit IMEISV under an IMEI/IMEISV key (the IMEI it holds is reported)")
IMSI_KEYED = Score(0.95, "15 digits, a real MCC/MNC, under an IMSI key")
IMSI_OPERATIONAL = Score(0.55, "15 digits, the MCC/MNC of an operational network, no key")
IMSI_OTHER = Score(0.40, "15 digits, a known but not operational MCC/MNC, no key")
MEID_KEYED = Score(0.90, "14 or 18 decimal digits valid as an MEID, under an MEID key")
ICCID_KEYED = Score(0.95, "18-20 digits from 89 (or EF_ICCID from 98), under an ICCID/SIM-serial key")
ICCID_LUHN = Score(0.75, "19-20 digits from 89, Luhn ok, no key")
ICCID_NO_LUHN = Score(0.40, "19-20 digits from 89, Luhn fails, no key")
ICCID_PADDED = Score(0.15, "added to an ICCID written with its padding F")
ICCID_SHORT = Score(0.20, "taken from an 18-digit ICCID without key")
EF_ICCID = Score(0.75, "20 digits from 98 that nibble-swap to a Luhn-valid ICCID with a country code, no key")
ANDROID_ID_DECIMAL = Score(0.80, "15-20 digits below 2^64 under an android_id key")
CELL_ID_NAMED = Score(0.85, "a number under cellId/eci/nci/ecgi…")
CELL_ID_BARE = Score(0.45, "a number under a bare cid/ci/lac/tac (0.85 beside MCC/MNC siblings)")

_STRONG_CELL_KEYS = ("cellid", "cellidentity", "ecgi", "eci", "nci", "mci")
_AREA_CODE_KEYS = ("lac", "tac", "locationareacode", "trackingareacode")
_UNAVAILABLE_CELL = 2147483647
"""Integer.MAX_VALUE: Android's "unavailable" (0 and -1 are excluded by the range)."""


def classify_digits(d: str, ctx: KeyContext) -> list[Found]:
    """The identifiers a run of 8-20 digits (optionally ending in an F pad) can be under ``ctx``."""
    padded = d[-1] in "Ff"
    if padded:
        d = d[:-1]
    if d in PLACEHOLDER_DIGITS or (len(d) >= 8 and repetitive(d)):
        return []
    key = ctx.key or None
    out = _by_length(d, padded, ctx, key)
    if not padded:
        out += _android_id(d, ctx, key) + _cell_id(d, ctx, key)
    return out


def _by_length(d: str, padded: bool, ctx: KeyContext, key: str | None) -> list[Found]:
    # The first reading whose shape fits is the only one (an 18-digit MEID is no ICCID).
    n = len(d)
    if not padded:
        if n == 15:
            return _fifteen(d, ctx, key)
        if n == 14:
            return _fourteen(d, ctx, key)
        if n == 16 and (ctx.says("imeisv") or ctx.says("imei")) and d[:2] in imei.REPORTING_BODIES:
            return [("imei", with_check_digit(d[:14]), IMEISV, "context", key)]
        if n == 18 and std_meid.is_valid(d):
            return [("meid", d, MEID_KEYED, "context", key)] if ctx.says("meid") else []
    if n == 20 and d.startswith("98") and (swapped := nibble_swapped(d)).startswith("89") and luhn_ok(swapped):
        return _ef_iccid(swapped, ctx, key)
    if 18 <= n <= 20 and d.startswith("89"):
        return _iccid(d, padded, ctx, key)
    return []


def _fifteen(d: str, ctx: KeyContext, key: str | None) -> list[Found]:
    out: list[Found] = []
    if luhn_ok(d):
        if ctx.says("imei") or ctx.says("meid") or ctx.says("imeisv"):
            out.append(("imei", d, IMEI_KEYED, "context", key))
        elif not ctx.says("imsi") and not ctx.says("iccid"):
            base = IMEI_REPORTING_BODY if d[:2] in imei.REPORTING_BODIES else IMEI_OTHER_PREFIX
            out.append(("imei", d, base, "format", key))
    known, operational = imsi.operator(d)
    if known:
        if ctx.says("imsi"):
            out.append(("imsi", d, IMSI_KEYED, "context", key))
        elif not ctx.positive:
            out.append(("imsi", d, IMSI_OPERATIONAL if operational else IMSI_OTHER, "format", key))
    return out


def _fourteen(d: str, ctx: KeyContext, key: str | None) -> list[Found]:
    if ctx.says("imei") and not ctx.says("meid"):
        return [("imei", with_check_digit(d), IMEI_WITHOUT_CHECK_DIGIT, "context", key)]
    if ctx.says("meid") and std_meid.is_valid(d):
        return [("meid", d, MEID_KEYED, "context", key)]
    return []


def _ef_iccid(swapped: str, ctx: KeyContext, key: str | None) -> list[Found]:
    # EF_ICCID on the SIM stores the ICCID with the digits of each byte swapped (3GPP TS 51.011
    # §10.1.1); modem logs and SIM dumps print it that way.
    if ctx.says("iccid"):
        return [("iccid", swapped, ICCID_KEYED, "context", key)]
    if not ctx.positive and iccid.country_prefixed(swapped):
        return [("iccid", swapped, EF_ICCID, "format", key)]
    return []


def _iccid(d: str, padded: bool, ctx: KeyContext, key: str | None) -> list[Found]:
    if ctx.says("iccid"):
        return [("iccid", d, ICCID_KEYED, "context", key)]
    if ctx.positive and not ctx.says("imei"):
        return []
    conf = (ICCID_LUHN if luhn_ok(d) else ICCID_NO_LUHN) + (ICCID_PADDED if padded else 0.0)
    if len(d) == 18:
        conf -= ICCID_SHORT
    return [("iccid", d, min(conf, ICCID_KEYED), "format", key)]


def _android_id(d: str, ctx: KeyContext, key: str | None) -> list[Found]:
    # The Google Services Framework android_id is a 64-bit number, often written in decimal.
    if 15 <= len(d) <= 20 and ctx.says("android_id") and int(d) < 1 << 64:
        return [("android_id", d, ANDROID_ID_DECIMAL, "context", key)]
    return []


def _cell_id(d: str, ctx: KeyContext, key: str | None) -> list[Found]:
    if len(d) > 12 or not ctx.says("cell_id") or ctx.says("imei"):
        return []
    v = int(d)
    if not 0 < v < (1 << 36) or v == _UNAVAILABLE_CELL:
        return []
    if ctx.key in _AREA_CODE_KEYS and v > 0xFFFF:  # LAC and TAC are 16-bit
        return []
    strong = any(s in ctx.key for s in _STRONG_CELL_KEYS)
    return [("cell_id", d, CELL_ID_NAMED if strong else CELL_ID_BARE, "context", key)]


_HEX_CHARS = frozenset("0123456789abcdefABCDEF")


def embedded_in_long_hex(text: str, start: int, end: int) -> bool:
    """A digit run inside a long hex string (a hash, a key) is part of that string, not an identifier."""
    left = start
    while left > 0 and start - left < 64 and text[left - 1] in _HEX_CHARS:
        left -= 1
    right = end
    while right < len(text) and right - end < 64 and text[right] in _HEX_CHARS:
        right += 1
    return (left < start or right > end) and right - left >= 24


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    start, end = m.span()
    if embedded_in_long_hex(text, start, end):
        return []
    if s.ctx.says("phone"):  # a national number under a key naming a phone
        return located(classify_phone(m.group(), s.ctx), start, end)
    return located(classify_digits(m.group(), s.ctx), start, end)


DIGIT_RUN = Trigger("digits", rb"(?:^|[^0-9])(?:[0-9]{15}|(?:89|98)[0-9]{16,18})(?:[^0-9]|$)", "digit", (b"d" * 15,))
"""What an unkeyed digit run must be to be reported: 15 digits, or 18-20 from 89/98."""

RECOGNIZER = CandidateRecognizer(
    name="digit run", yields=("imei", "imsi", "iccid", "meid", "android_id", "cell_id"),
    triggers=(DIGIT_RUN,), group="digits", pattern=r"(?<![0-9])[0-9]{8,20}[Ff]?(?![0-9A-Fa-f])",
    classify=_classify, module=sys.modules[__name__],
)  # fmt: skip


def _short_cell_applies(stripped: str, ctx: KeyContext) -> bool:
    return ctx.says("cell_id") and stripped.isascii() and stripped.isdigit() and len(stripped) < 8


SHORT_CELL_ID = WholeValueRecognizer(
    # a LAC, TAC or GSM cell id is too short to be a candidate: its key is the evidence
    name="number under a cell key",
    yields=("cell_id",),
    applies=_short_cell_applies,
    classify=classify_digits,
)
