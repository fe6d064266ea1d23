"""An ICCID, IMSI or MEID printed in digit groups (``8935 3057 2698 7313 7657``, Apple MDM plists,
settings screens) under a key naming it: read as the digit run it is."""

from __future__ import annotations

import re

from ..context import KeyContext
from .base import Found, WholeValueRecognizer
from .digit_runs import classify_digits

_GROUPED_DIGITS = re.compile(r"[0-9]{2,6}(?: [0-9]{1,6}){2,6}F?", re.ASCII)
_GROUPED_TYPES = frozenset({"iccid", "imsi", "meid"})


def _applies(stripped: str, ctx: KeyContext) -> bool:
    return bool(ctx.positive & _GROUPED_TYPES) and _GROUPED_DIGITS.fullmatch(stripped) is not None


def _classify(stripped: str, ctx: KeyContext) -> list[Found]:
    return classify_digits(stripped.replace(" ", ""), ctx)


RECOGNIZER = WholeValueRecognizer(
    name="digits in groups", yields=("iccid", "imsi", "meid"), applies=_applies, classify=_classify
)
