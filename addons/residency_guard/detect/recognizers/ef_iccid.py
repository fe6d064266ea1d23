"""EF_ICCID as the SIM stores it (3GPP TS 51.011 §10.1.1): a 19-digit ICCID padded with F, each byte's
digits swapped, so the pad sits second to last: ``98…F4`` is ``89…4F``."""

from __future__ import annotations

import re

from ...idtypes.iccid import nibble_swapped
from .base import CandidateRecognizer, Located, ScanContext, located
from .checks import luhn_ok
from .digit_runs import DIGIT_RUN, classify_digits


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    iccid = nibble_swapped(m.group())  # 89…4F: the padding F ends it
    return located(classify_digits(iccid, s.ctx), *m.span()) if luhn_ok(iccid[:-1]) else []


RECOGNIZER = CandidateRecognizer(
    name="EF_ICCID (nibble-swapped, F-padded)", yields=("iccid",), triggers=(DIGIT_RUN,),
    group="eficcid", pattern=r"(?<![0-9A-Fa-f])98[0-9]{16}[Ff][0-9](?![0-9A-Fa-f])", classify=_classify,
)  # fmt: skip
