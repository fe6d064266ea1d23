"""IMEI (3GPP TS 23.003 §6.2): TAC (8 digits, the model) + serial (6) + Luhn check digit.

Also the 16-digit IMEISV (no check digit, a 2-digit software version instead of it), the dashed
``35-209900-176148-1`` spelling, and the 14 digits without the check digit some clients send.
"""

from __future__ import annotations

from stdnum import imei as std_imei
from stdnum import luhn
from stdnum.exceptions import ValidationError

from ._common import DIGITS, SEPARATORS, Keys, distinct_fake, generic_mask, keyed_fill

NAME = "imei"
CATEGORY = "device"
KEYS = Keys(("imei", "deviceimei"), ("deviceid", "devid", "did", "ueid"))
IMEISV_KEYS = Keys(("imeisv", "softwareversionnumber"), ("svn",))
"""An IMEISV is reported as the IMEI it holds; its keys are context words of their own."""
REPORTING_BODIES = frozenset(
    {"01", "10", "30", "33", "35", "44", "45", "49", "50", "51", "52", "53", "54", "86", "91", "98", "99"}
)
"""GSMA reporting body identifiers: the first two digits of every issued TAC."""
PLACEHOLDERS = frozenset(
    {"000000000000000", "111111111111111", "222222222222222", "123456789012345", "0" * 14, "0" * 16}
)


def normalize(value: str) -> str:
    v = value.strip()
    if v.upper().startswith("IMEI:"):
        v = v[5:]
    digits = SEPARATORS.sub("", v)
    if not digits.isascii() or not digits.isdigit() or len(digits) != 15:
        raise ValueError("an IMEI is 15 digits (TAC 8 + serial 6 + Luhn check digit)")
    try:
        std_imei.validate(digits)
    except ValidationError:
        raise ValueError("IMEI check digit is wrong (Luhn)") from None
    return digits


def spellings(value: str) -> list[str]:
    return [value, value[:14], f"{value[:2]}-{value[2:8]}-{value[8:14]}-{value[14:]}"]


def mask(value: str) -> str:
    """The TAC names the model, the serial the phone: keep the TAC and the check digit."""
    if len(value) == 15 and value.isdigit():
        return value[:8] + "*" * 6 + value[14:]
    return generic_mask(value)


def fake(value: str, key: bytes) -> str:
    """The TAC and the check digit kept (what ``mask`` shows), five serial digits keyed, the sixth chosen
    so that the Luhn check digit is still right."""
    if len(value) != 15 or not value.isdigit():
        raise ValueError("an IMEI fake needs the 15-digit form")

    def draw(attempt: int) -> str | None:
        serial = keyed_fill(value[:13], range(8, 13), DIGITS, key, NAME, attempt)
        for last in DIGITS:
            if luhn.calc_check_digit(serial + last) == value[14]:
                return serial + last + value[14]
        return None

    return distinct_fake(value, PLACEHOLDERS, draw)
