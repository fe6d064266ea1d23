"""3GPP TS 23.003 identities at a realm naming the home network: the IMS private identity (§13.3,
``<IMSI>@ims.mnc….mcc….3gppnetwork.org``) and the permanent NAI of EAP-AKA / EAP-AKA' / EAP-SIM
(§19.3, a one-digit method prefix then the IMSI). Wi-Fi calling, IMS registration and entitlement
servers (GSMA TS.43 ``EAP_ID``) see them; they are the IMSI, not an e-mail address. A pseudonym or a
fast re-authentication identity holds no IMSI: nothing is reported."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from ..context import KeyContext
from .base import Located, Score, TextRecognizer
from .email_address import EMAIL_ADDRESS, NETWORK_REALM
from .email_address import RECOGNIZER as _EMAIL

PERMANENT_IDENTITY = Score(0.95, "an IMSI as the user part of a 3GPP NAI whose realm names its MCC/MNC")

_3GPP_IDENTITY = re.compile(
    r"([0-9]{14,16})@(?:[a-z0-9-]+\.)*mnc([0-9]{3})\.mcc([0-9]{3})\.3gppnetwork\.[a-z]{2,24}", re.ASCII | re.I
)
_METHOD_PREFIXES = "016"
"""Permanent identities of EAP-AKA (0), EAP-SIM (1) and EAP-AKA' (6); pseudonyms (2, 3, 7) and fast
re-authentication identities (4, 5, 8) hold no IMSI (TS 23.003 §19.3.2-19.3.5)."""


def imsi_of(nai: str) -> str | None:
    m = _3GPP_IDENTITY.fullmatch(nai)
    if m is None:
        return None
    user, mnc, mcc = m.groups()
    for imsi in (user, user[1:] if user[0] in _METHOD_PREFIXES else ""):
        if 14 <= len(imsi) <= 15 and imsi.startswith(mcc) and mnc in (imsi[3:6], "0" + imsi[3:5]):
            return imsi
    return None


def find(text: str, ctx: KeyContext) -> Iterator[Located]:
    for m in EMAIL_ADDRESS.finditer(text):
        if NETWORK_REALM.search(m.group()) and (imsi := imsi_of(m.group())):
            yield ("imsi", imsi, PERMANENT_IDENTITY, "format", ctx.key or None), m.start(), m.end()


RECOGNIZER = TextRecognizer(
    name="3GPP NAI (EAP / IMS)", yields=("imsi",), module=sys.modules[__name__],
    triggers=_EMAIL.triggers, literals=("@",), find=find,
)  # fmt: skip
