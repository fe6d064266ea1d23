"""What several identifier types share: the key-vocabulary record, generic masking, MAC spelling."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass

SEPARATORS = re.compile(r"[\s\-.:]")


@dataclass(frozen=True, slots=True)
class Keys:
    """Key names that say a value is of this type (``context`` compares them normalised: lower case,
    letters and digits only). ``substrings`` match inside a key (``SIM1LTEIMSI`` holds ``imsi``);
    ``whole`` ones only as the whole key, because inside other names they mean nothing (``ci``)."""

    substrings: tuple[str, ...] = ()
    whole: tuple[str, ...] = ()


def generic_mask(value: str) -> str:
    if len(value) <= 4:
        return "*" * len(value)
    if len(value) <= 8:
        return value[0] + "*" * (len(value) - 2) + value[-1]
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mac_to_colon(hex12: str) -> str:
    return ":".join(hex12[i : i + 2] for i in range(0, 12, 2))


def mac_spellings(value: str) -> list[str]:
    h = value.replace(":", "")
    variants = [value, value.replace(":", "-"), h, f"{h[0:4]}.{h[4:8]}.{h[8:12]}"]
    return variants + [v.upper() for v in variants]


def mac_mask(value: str) -> str:
    return value[:8] + ":**:**:**" if len(value) == 17 else generic_mask(value)


def case_spellings(value: str) -> list[str]:
    return [value, value.lower(), value.upper()]


# ------------------------------------------------------------------------------------------ fakes
# A fake stands in for a real value when a policy redacts it in flight (``redact``): same length, same
# spelling, what ``mask`` keeps visible kept, the rest drawn from a keyed hash, so that one real value
# always gives one fake under one key (the firmware sees a consistent device) and the fake says nothing
# about the real value without the key.

DIGITS = "0123456789"
HEX = "0123456789abcdef"
FAKE_ATTEMPTS = 16
"""Keyed draws tried before giving up on a fake that differs from the real value and is no placeholder
(one draw nearly always does: a collision is one chance in 10^5 or more)."""


def keyed_bytes(key: bytes, label: str, attempt: int, value: str, n: int) -> bytes:
    """``n`` bytes of HMAC-SHA256(key, label, attempt, value) in counter mode: deterministic for a key,
    unpredictable without it."""
    out = b""
    block = 0
    while len(out) < n:
        out += hmac.new(key, f"{label}\x00{attempt}\x00{block}\x00{value}".encode(), hashlib.sha256).digest()
        block += 1
    return out[:n]


def keyed_fill(value: str, positions: range, alphabet: str, key: bytes, label: str, attempt: int) -> str:
    """``value`` with the characters at ``positions`` drawn from ``alphabet`` by a keyed hash of it."""
    chars = list(value)
    for byte, i in zip(keyed_bytes(key, label, attempt, value, len(positions)), positions, strict=True):
        chars[i] = alphabet[byte % len(alphabet)]
    return "".join(chars)


def distinct_fake(value: str, placeholders: frozenset[str], draw: Callable[[int], str | None]) -> str:
    """The first draw that is neither the real value nor a placeholder; ``ValueError`` when none is
    (a draw returns None when it cannot satisfy the type's rules for that attempt)."""
    for attempt in range(FAKE_ATTEMPTS):
        fake = draw(attempt)
        if fake is not None and fake != value and fake not in placeholders and len(fake) == len(value):
            return fake
    raise ValueError("no fake of the same format differs from the value")


def shaped_fake(
    value: str, key: bytes, label: str, *, keep: int, tail: int = 0, placeholders: frozenset[str] = frozenset()
) -> str:
    """Every letter or digit but the first ``keep`` and the last ``tail`` characters replaced by one of its
    own class (a digit by a digit, a hex digit by a hex digit, a letter by a letter, case kept);
    separators kept."""
    hexlike = not value.isdigit() and all(c in HEX or c in HEX.upper() or not c.isalnum() for c in value)

    def draw(attempt: int) -> str:
        stream = keyed_bytes(key, label, attempt, value, len(value))
        out = list(value)
        for i, ch in enumerate(value):
            if keep <= i < len(value) - tail and ch.isascii() and ch.isalnum():
                alphabet = _class_of(ch, hexlike, value.isupper())
                out[i] = alphabet[stream[i] % len(alphabet)]
        return "".join(out)

    return distinct_fake(value, placeholders, draw)


def generic_fake(value: str, key: bytes, label: str, placeholders: frozenset[str] = frozenset()) -> str:
    """The fake of a value masked by ``generic_mask``: the characters it shows kept, the others keyed."""
    if len(value) <= 4:
        return shaped_fake(value, key, label, keep=0, placeholders=placeholders)
    edge = 1 if len(value) <= 8 else 2
    return shaped_fake(value, key, label, keep=edge, tail=edge, placeholders=placeholders)


def _class_of(ch: str, hexlike: bool, upper: bool) -> str:
    if hexlike:
        return HEX.upper() if upper or ch.isupper() else HEX
    if ch.isdigit():
        return DIGITS
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters.upper() if ch.isupper() else letters


def mac_fake(value: str, key: bytes, label: str, placeholders: frozenset[str]) -> str:
    """The OUI (the vendor, what ``mac_mask`` shows) kept; the three device bytes keyed."""
    if len(value) != 17:
        raise ValueError("a MAC fake needs the normalised aa:bb:cc:dd:ee:ff form")

    def draw(attempt: int) -> str:
        filled = keyed_fill(value.replace(":", ""), range(6, 12), HEX, key, label, attempt)
        return mac_to_colon(filled)

    return distinct_fake(value, frozenset(mac_to_colon(p) for p in placeholders), draw)
