"""Phone number (MSISDN, E.164): also national, ``00``-prefixed and grouped spellings
(``phonenumbers`` parses and classifies them)."""

from __future__ import annotations

import phonenumbers

from ._common import DIGITS, Keys, distinct_fake, generic_mask, keyed_fill

NAME = "phone"
CATEGORY = "subscriber"
KEYS = Keys(
    ("msisdn", "phonenumber", "phoneno", "mobilenumber", "mobileno", "line1number", "cellphone", "telephone",
     "callingnumber", "callernumber", "mdn"),
    ("phone", "tel", "mobile", "number", "msisdn1", "msisdn2", "mob"),
)  # fmt: skip
PLACEHOLDERS: frozenset[str] = frozenset()


def normalize(value: str) -> str:
    v = value.strip()
    if v.startswith("00"):
        v = "+" + v[2:]
    if not v.startswith("+"):
        raise ValueError("write phone numbers in E.164 with the country code: +4741234567")
    try:
        num = phonenumbers.parse(v, None)
    except phonenumbers.NumberParseException as e:
        raise ValueError(f"not a phone number: {e}") from None
    if not phonenumbers.is_possible_number(num):
        raise ValueError("not a possible phone number for its country code")
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def spellings(value: str) -> list[str]:
    num = phonenumbers.parse(value, None)
    national = str(num.national_number)
    cc = str(num.country_code)
    return [
        value,
        "00" + value[1:],
        value[1:],
        national,
        phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL),
        f"+{cc}-{national}",
    ]


def mask(value: str) -> str:
    """The country code and the last two digits."""
    try:
        num = phonenumbers.parse(value if value.startswith("+") else "+" + value.lstrip("0"), None)
    except phonenumbers.NumberParseException:
        return generic_mask(value)
    national = str(num.national_number)
    return f"+{num.country_code}" + "*" * max(0, len(national) - 2) + national[-2:]


def fake(value: str, key: bytes) -> str:
    """The country code and the last two digits kept (what ``mask`` shows), the digits between keyed
    until they form a valid number of the same kind (mobile stays mobile) in the same country."""
    try:
        real = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise ValueError("a phone fake needs an E.164 number") from None
    keep = 1 + len(str(real.country_code))
    kind = phonenumbers.number_type(real)

    def draw(attempt: int) -> str | None:
        candidate = keyed_fill(value, range(keep, len(value) - 2), DIGITS, key, NAME, attempt)
        try:
            num = phonenumbers.parse(candidate, None)
        except phonenumbers.NumberParseException:
            return None
        valid = phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) == kind
        return candidate if valid else None

    return distinct_fake(value, PLACEHOLDERS, draw)
