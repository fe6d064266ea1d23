"""3GPP TS 24.229 P-Access-Network-Info: the cell an IMS client is on (``utran-cell-id-3gpp`` = MCC MNC
LAC/TAC CI, hex digits), or over Wi-Fi calling the access point (``IEEE-802.11;i-wlan-node-id=<BSSID>``)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from ...idtypes import mac_to_colon
from ..context import KeyContext
from .base import Located, Score, TextRecognizer, Trigger

CELL = Score(0.90, "utran/eutran/nr-cell-id-3gpp= in P-Access-Network-Info")
WLAN_NODE = Score(0.90, "i-wlan-node-id= (the access point's BSSID) in P-Access-Network-Info")

_IMS_CELL_ID = re.compile(r"(?:utran|eutran|nr)-cell-id-3gpp=\"?([0-9A-Fa-f]{9,20})(?![0-9A-Fa-f])", re.ASCII | re.I)
_IMS_WLAN_NODE = re.compile(r"i-wlan-node-id=\"?([0-9A-Fa-f]{12})(?![0-9A-Fa-f])", re.ASCII | re.I)


def find(text: str, ctx: KeyContext) -> Iterator[Located]:
    for m in _IMS_CELL_ID.finditer(text):
        yield ("cell_id", m.group(1).upper(), CELL, "context", None), m.start(1), m.end(1)
    for m in _IMS_WLAN_NODE.finditer(text):
        if not int(m.group(1)[:2], 16) & 1:
            yield ("wifi_bssid", mac_to_colon(m.group(1).lower()), WLAN_NODE, "context", None), m.start(1), m.end(1)


RECOGNIZER = TextRecognizer(
    name="IMS P-Access-Network-Info", yields=("cell_id", "wifi_bssid"), module=sys.modules[__name__],
    triggers=(
        Trigger("cell-id-3gpp", None, "word", (b"cell id 3gpp",), exact=True),
        Trigger("wlan-node-id", None, "word", (b"wlan node id",), exact=True),
    ),
    literals=("cell-id-3gpp", "wlan-node-id"), find=find,
)  # fmt: skip
