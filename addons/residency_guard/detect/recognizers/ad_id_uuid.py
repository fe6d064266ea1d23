"""Advertising IDs (GAID, IDFA, OAID, Roku RIDA…): a UUID under a key naming one. A UUID without such
a key is a request id, a session, an install id: never reported by its shape alone."""

from __future__ import annotations

import re
import sys
import uuid

from ...idtypes import ad_id
from .base import CandidateRecognizer, Located, ScanContext, Score, located

KEYED = Score(0.90, "a UUID under gaid/adid/idfa/ifa/oaid/advertisingId (never without key)")

_H = "[0-9A-Fa-f]"
_LIMITED_AD_TRACKING = next(iter(ad_id.PLACEHOLDERS))


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    lo = m.group().lower()
    if lo == _LIMITED_AD_TRACKING or not s.ctx.says("ad_id"):
        return []
    try:
        value = str(uuid.UUID(lo))
    except ValueError:
        return []
    return located([("ad_id", value, KEYED, "context", s.ctx.key or None)], *m.span())


RECOGNIZER = CandidateRecognizer(
    name="advertising ID (UUID)", yields=("ad_id",), module=sys.modules[__name__],
    group="uuid", pattern=rf"(?<![0-9A-Fa-f-]){_H}{{8}}-{_H}{{4}}-{_H}{{4}}-{_H}{{4}}-{_H}{{12}}(?![0-9A-Fa-f-])",
    classify=_classify,
)  # fmt: skip
