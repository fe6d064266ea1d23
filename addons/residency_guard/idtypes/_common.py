"""What several identifier types share: the key-vocabulary record, generic masking, MAC spelling."""

from __future__ import annotations

import re
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
