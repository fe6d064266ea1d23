"""An IMEI written in dot-separated digit groups: ``35.209900.176148.1`` (TAC.SNR.check, as some
device-management consoles and spreadsheets print it) or ``35.209.900.176148.1`` (thousands-style
grouping). Three to six groups of one to six digits, fifteen digits in all (sixteen: an IMEISV under an
IMEI key). Dotted numbers are otherwise versions, IP addresses and OIDs, which neither have that many
digits nor pass the Luhn check, and an unkeyed reading needs a GSMA reporting-body prefix."""

from __future__ import annotations

import re
import sys

from ...idtypes import imei
from .base import CandidateRecognizer, Located, ScanContext, Score, Trigger, located
from .checks import PLACEHOLDER_DIGITS, luhn_ok, with_check_digit

KEYED = Score(0.95, "15 digits in dotted groups, Luhn ok, under an IMEI key")
UNKEYED = Score(0.70, "15 digits in dotted groups, Luhn ok, a reporting-body prefix, no key")
IMEISV = Score(0.80, "16 digits in dotted groups under an IMEI key (the IMEI it holds is reported)")


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    d = m.group().replace(".", "")
    key = s.ctx.key or None
    keyed = s.ctx.says("imei") or s.ctx.says("imeisv")
    if len(d) == 15 and luhn_ok(d) and d not in PLACEHOLDER_DIGITS:
        if keyed:
            return located([("imei", d, KEYED, "context", key)], *m.span())
        if d[:2] in imei.REPORTING_BODIES and not s.ctx.positive:
            return located([("imei", d, UNKEYED, "format", key)], *m.span())
    if len(d) == 16 and keyed and d[:2] in imei.REPORTING_BODIES:
        return located([("imei", with_check_digit(d[:14]), IMEISV, "context", key)], *m.span())
    return []


_TRIGGER = b"|".join(
    b"[0-9]{%d}\\.[0-9]{%d}\\.[0-9.]{%d}" % (a, b, 15 - a - b) for a in range(1, 7) for b in range(1, 7)
)
"""Two dots after the first two groups, and at least 17 characters in all (15 digits, 2 dots): a version
(``4.2.1``), an IPv4 address or a decimal number never matches. One alternative per size of the first two
groups, since neither engine can count characters across alternatives."""

RECOGNIZER = CandidateRecognizer(
    name="IMEI in dotted groups", yields=("imei",), module=sys.modules[__name__],
    # Six groups at most hold fifteen digits only if one has three or more, beside a dot.
    triggers=(Trigger("digits-dotted", _TRIGGER, "number", (b"ddd.", b".ddd")),),
    group="dotted", pattern=r"(?<![0-9.])[0-9]{1,6}(?:\.[0-9]{1,6}){2,5}(?![0-9]|\.[0-9])",
    classify=_classify,
)  # fmt: skip
