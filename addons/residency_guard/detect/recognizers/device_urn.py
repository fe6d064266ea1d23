"""Device identifier URNs: RFC 7254 ``urn:gsma:imei:TAC-SNR-spare`` (SIP ``+sip.instance``) and the
LwM2M endpoint names ``urn:imei:``, ``urn:imsi:``, ``urn:imei-imsi:``, ``urn:imei-msisdn:`` (OMA LwM2M 1.1
§7.2). The scheme names the digits, so candidates inside a URN are not classified again."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from ...idtypes import imsi
from ..context import KeyContext
from .base import Located, Score, TextRecognizer, Trigger
from .checks import PLACEHOLDER_DIGITS, luhn_ok, repetitive, with_check_digit

NAMED_BY_SCHEME = Score(0.95, "an IMEI or IMSI named by its URN scheme (checksum / MCC-MNC ok)")

_DEVICE_URN = re.compile(
    r"urn:(?:gsma:imei:([0-9]{8})-([0-9]{6})-[0-9]|imei:([0-9]{15})|imsi:([0-9]{14,15})"
    r"|imei-imsi:([0-9]{15})-([0-9]{14,15})|imei-msisdn:([0-9]{15})-)(?![0-9])",
    re.ASCII | re.I,
)
_IMEI_GROUPS = (3, 5, 7)
_IMSI_GROUPS = (4, 6)


def spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _DEVICE_URN.finditer(text)]


def find(text: str, ctx: KeyContext) -> Iterator[Located]:
    for m in _DEVICE_URN.finditer(text):
        if m.group(1):
            tac_snr = m.group(1) + m.group(2)
            yield ("imei", with_check_digit(tac_snr), NAMED_BY_SCHEME, "format", None), m.start(1), m.end(2)
        for group in _IMEI_GROUPS:
            value = m.group(group)
            if value and luhn_ok(value) and value not in PLACEHOLDER_DIGITS and not repetitive(value):
                yield ("imei", value, NAMED_BY_SCHEME, "format", None), m.start(group), m.end(group)
        for group in _IMSI_GROUPS:
            value = m.group(group)
            if value and imsi.operator(value)[0] and not repetitive(value):
                yield ("imsi", value, NAMED_BY_SCHEME, "format", None), m.start(group), m.end(group)


RECOGNIZER = TextRecognizer(
    name="device URN", yields=("imei", "imsi"), module=sys.modules[__name__],
    triggers=(Trigger("urn", None, "word", (b"urn ",), exact=True),),
    literals=("urn:", "URN:"), find=find, mutes_candidates=True, spans=spans,
)  # fmt: skip
