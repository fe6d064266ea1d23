"""An IMEI as printed on the box and by ``*#06#``: ``35-209900-176148-1`` (TAC-SNR-check, also with
spaces), or the 16-digit IMEISV ``35-209900-176148-23``."""

from __future__ import annotations

import re
import sys

from stdnum import imei as std_imei

from .base import CandidateRecognizer, Located, ScanContext, Score, Trigger, located
from .checks import PLACEHOLDER_DIGITS, with_check_digit

KEYED = Score(0.95, "dashed/spaced 2-6-6-1 form, Luhn ok, under an IMEI key")
UNKEYED = Score(0.85, "dashed/spaced 2-6-6-1 form, Luhn ok, no key")
IMEISV = Score(0.80, "dashed/spaced 2-6-6-2 IMEISV (the IMEI it holds is reported)")

_NOT_DIGIT = re.compile(r"[^0-9]")


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    d = _NOT_DIGIT.sub("", m.group())
    key = s.ctx.key or None
    if len(d) == 15 and std_imei.is_valid(d) and d not in PLACEHOLDER_DIGITS:
        return located([("imei", d, KEYED if s.ctx.says("imei") else UNKEYED, "format", key)], *m.span())
    if len(d) == 16:
        return located([("imei", with_check_digit(d[:14]), IMEISV, "format", key)], *m.span())
    return []


RECOGNIZER = CandidateRecognizer(
    name="IMEI in groups", yields=("imei",), module=sys.modules[__name__],
    triggers=(Trigger("imei-dashed", rb"[0-9]{2}[- ][0-9]{6}[- ][0-9]{6}[- ][0-9]", "digit", (b"sddddddsdddddds",)),),
    group="imeidash", pattern=r"(?<![0-9-])[0-9]{2}[- ][0-9]{6}[- ][0-9]{6}[- ][0-9]{1,2}(?![0-9]|-[0-9])",
    classify=_classify,
)  # fmt: skip
