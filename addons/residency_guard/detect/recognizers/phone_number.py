"""Phone numbers (the phone's own MSISDN): E.164 with ``+``/``00`` anywhere, national forms only under a
key naming a phone. Validity, type and region come from phonenumbers (libphonenumber's metadata)."""

from __future__ import annotations

import re
import sys

import phonenumbers

from ..context import KeyContext
from .base import CandidateRecognizer, Found, Located, ScanContext, Score, Trigger, WholeValueRecognizer, located

KEYED_SUBSCRIBER = Score(0.90, "a valid mobile/personal/VoIP number under a phone/msisdn key")
KEYED_OTHER = Score(0.60, "a valid fixed-line number under a phone/msisdn key")
E164 = Score(0.70, "a valid +/00 E.164 subscriber number without key")

_PHONE_REGIONS = ("NO", "SE", "DK", "FI", "DE", "FR", "GB", "NL", "ES", "IT", "PL", "CN", "US", "IN")
"""Regions a national number under a phone key is tried in, in this order."""
_PNT = phonenumbers.PhoneNumberType
_SUBSCRIBER_NUMBERS = frozenset({_PNT.MOBILE, _PNT.FIXED_LINE_OR_MOBILE, _PNT.PERSONAL_NUMBER, _PNT.VOIP, _PNT.UNKNOWN})
"""What a phone's own number (its MSISDN) can be; a fixed line is found only under a key naming a phone."""
_SERVICE_NUMBERS = frozenset(
    {_PNT.TOLL_FREE, _PNT.PREMIUM_RATE, _PNT.SHARED_COST, _PNT.UAN, _PNT.VOICEMAIL, _PNT.PAGER}
)
_NOT_DIALLED = re.compile(r"[^0-9+]")


def classify_phone(raw: str, ctx: KeyContext) -> list[Found]:
    digits_only = _NOT_DIALLED.sub("", raw)
    if digits_only.startswith("00"):
        digits_only = "+" + digits_only[2:]
    if not 7 <= len(digits_only) <= 17:
        return []
    keyed = ctx.says("phone")
    if not keyed and not raw.startswith("+"):
        return []
    num = _parse_phone(digits_only, keyed)
    if num is None:
        return []
    kind = phonenumbers.number_type(num)
    if kind in _SERVICE_NUMBERS or _fictional(num):  # a hotline or a number reserved for examples
        return []
    subscriber = kind in _SUBSCRIBER_NUMBERS
    if not keyed and not subscriber:
        return []
    value = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    if keyed:
        return [("phone", value, KEYED_SUBSCRIBER if subscriber else KEYED_OTHER, "context", ctx.key or None)]
    return [("phone", value, E164, "format", ctx.key or None)]


def _fictional(num: phonenumbers.PhoneNumber) -> bool:
    """Ranges reserved for films and documentation: NANP 555-0100…0199, Ofcom's 01632 960xxx,
    07700 900xxx and 020 7946 0xxx."""
    national = str(num.national_number)
    if num.country_code == 1:
        return national[3:8] == "55501"
    if num.country_code == 44:
        return national.startswith(("1632960", "7700900", "2079460"))
    return False


def _parse_phone(s: str, national_ok: bool) -> phonenumbers.PhoneNumber | None:
    if s.startswith("+"):
        num = _parsed(s, None)
        return num if num is not None and phonenumbers.is_valid_number(num) else None
    if not national_ok:
        return None
    if not s.startswith("0"):  # international number written without its "+" (X-MSISDN: 4741234567)
        num = _parsed("+" + s, None)
        if num is not None and phonenumbers.is_valid_number(num):
            return num
    # A national number is valid in several countries; a phone's own number is a mobile one, then a fixed
    # line ("030 12345678" is a Finnish service number too, and a Berlin line first).
    readings = [num for region in _PHONE_REGIONS if (num := _national_reading(s, region)) is not None]
    for wanted in (_SUBSCRIBER_NUMBERS - {_PNT.UNKNOWN}, frozenset(_PNT.values()) - _SERVICE_NUMBERS):
        for num in readings:
            if phonenumbers.number_type(num) in wanted:
                return num
    return readings[0] if readings else None


def _national_reading(s: str, region: str) -> phonenumbers.PhoneNumber | None:
    num = _parsed(s, region)
    if num is None or not phonenumbers.is_valid_number_for_region(num, region) or _lacks_trunk_prefix(s, num, region):
        return None
    return num


def _lacks_trunk_prefix(s: str, num: phonenumbers.PhoneNumber, region: str) -> bool:
    """A fixed line written without its region's trunk prefix (``0`` in DE, FR, GB…) is no national number:
    people and forms write ``030 1234567``, so ``3741234567…`` is a card or an account number that the
    region's long fixed-line ranges happen to admit. Mobiles are kept (Chinese and Indian mobiles are
    written without the ``0``)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)  # a region the number is valid for
    prefix = metadata.national_prefix if metadata is not None else None
    if not prefix:
        return False
    return not s.startswith(prefix) and phonenumbers.number_type(num) == _PNT.FIXED_LINE


def _parsed(s: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(s, region)
    except phonenumbers.NumberParseException:  # "+999…": no such country code; try the next reading
        return None


def _classify(m: re.Match[str], text: str, s: ScanContext) -> list[Located]:
    return located(classify_phone(m.group(), s.ctx), *m.span())


RECOGNIZER = CandidateRecognizer(
    name="E.164 number", yields=("phone",), module=sys.modules[__name__],
    triggers=(
        Trigger("e164", rb"\+[1-9][0-9 ().\-]{5,18}[0-9]", "sign", (b"pn",)),
        Trigger("e164-00", rb"(?:^|[^0-9A-Za-z+])00[1-9][0-9 ().\-]{5,18}[0-9]", "sign", (b"_zzn", b"pzzn")),
    ),
    group="phone", pattern=r"(?<![0-9A-Za-z+])(?:\+|00)[1-9][0-9 ().\-]{5,18}[0-9](?![0-9])",
    classify=_classify,
)  # fmt: skip

_PHONE_SHAPED = re.compile(r"\+?\(?[0-9]{1,5}\)?(?:[ .\-/]?\(?[0-9]{1,5}\)?){1,6}", re.ASCII)


def _national_applies(stripped: str, ctx: KeyContext) -> bool:
    return ctx.says("phone") and _PHONE_SHAPED.fullmatch(stripped) is not None and not stripped.isdigit()


NATIONAL = WholeValueRecognizer(
    # "070-799 61 96", "07700 339775": a national number in groups, under a key naming a phone
    name="national number in groups",
    yields=("phone",),
    applies=_national_applies,
    classify=classify_phone,
)
