"""A national number beside its country: ``{"country_code": 47, "phone": "41234567"}``, WhatsApp-style
``cc=47&in=41234567``, or an ISO region (``"country": "IE"``) as the sibling."""

from __future__ import annotations

import phonenumbers

from ...model import Field, Hit
from ..context import COUNTRY_CODE_KEYS, KeyContext, normalize_key
from .base import StructureRecognizer
from .phone_number import classify_phone


def _national_digits(value: str) -> str | None:
    digits = value.strip().replace(" ", "").replace("-", "")
    return digits if digits.isascii() and digits.isdigit() and 4 <= len(digits) <= 14 else None


def _calling_code(value: str) -> str | None:
    cc = value.strip().lstrip("+")
    if cc.isascii() and cc.isalpha() and len(cc) == 2:  # an ISO region ("IE") instead of a calling code
        cc = str(phonenumbers.country_code_for_region(cc.upper()) or "")
    return cc if cc.isascii() and cc.isdigit() and len(cc) <= 3 else None


def with_sibling_country_code(f: Field, siblings: list[Field], ctx: KeyContext) -> list[Hit] | None:
    """The number ``f`` holds read with its sibling country code; None when there is no such sibling
    (or ``f`` is no national number), so the value is scanned as usual."""
    digits = _national_digits(f.value)
    if digits is None:
        return None
    for s in siblings:
        if normalize_key(s.key) in COUNTRY_CODE_KEYS and (cc := _calling_code(s.value)) is not None:
            found = classify_phone(f"+{cc}{digits.lstrip('0')}", ctx)
            return [Hit(t, v, f.where, f.chain, method, float(conf), key) for t, v, conf, method, key in found] or None
    return None


RECOGNIZER = StructureRecognizer(
    name="national number + sibling country code", yields=("phone",), find=with_sibling_country_code
)
