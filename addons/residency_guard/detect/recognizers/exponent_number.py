"""A long integer written in exponent form: ``3.52099001761481e14``. JSON has one number type, and
serializers that go through a double (Java's ``Double.toString``, some loggers) print a 15-digit IMEI
that way; read as the integer it denotes, when it denotes one exactly, then as a digit run. Eight
significant digits at least: ``3.5e14`` stands for a rounded quantity, not for an identifier."""

from __future__ import annotations

import re
import sys
from decimal import Decimal

from .base import CandidateRecognizer, Located, ScanContext, Trigger, located
from .digit_runs import classify_digits


def integer_digits(number: str) -> str | None:
    """The decimal digits of the integer ``number`` (``d.ddd…e±n``) denotes; None when it is no integer."""
    value = Decimal(number)
    if value != value.to_integral_value():
        return None
    return str(int(value))


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    digits = integer_digits(m.group())
    if digits is None or not 14 <= len(digits) <= 20:
        return []
    return located(classify_digits(digits, s.ctx), *m.span())


RECOGNIZER = CandidateRecognizer(
    name="integer in exponent form", yields=("imei", "imsi", "iccid", "meid", "android_id"),
    module=sys.modules[__name__],
    triggers=(Trigger("exponent", rb"[0-9]\.[0-9]{7,}[eE]\+?[0-9]", "number", (b"ddddddde",)),),
    group="exponent", pattern=r"(?<![0-9.])[0-9]\.[0-9]{7,19}[eE]\+?[0-9]{1,2}(?![0-9])",
    classify=_classify,
)  # fmt: skip
