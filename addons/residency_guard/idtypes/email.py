"""E-mail address of the user (not ``name@2x.png`` file names, Message-IDs or SIP/NAI identities)."""

from __future__ import annotations

import re

from ._common import Keys, generic_mask

NAME = "email"
CATEGORY = "online"
KEYS = Keys(("email", "mail"), ())
PLACEHOLDERS: frozenset[str] = frozenset()
NO_FAKE = "no safe fake address: another mailbox at the same domain may belong to somebody"
"""Why this type has no ``fake``: redacting it falls back to the rule's fallback action."""
_EMAIL = re.compile(r"^[a-z0-9._%+\-]{1,64}@[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63})*\.[a-z]{2,24}$")


def normalize(value: str) -> str:
    v = value.strip().lower()
    if not _EMAIL.match(v):
        raise ValueError("not an e-mail address")
    return v


def spellings(value: str) -> list[str]:
    return [value, value.upper()]


def mask(value: str) -> str:
    """The first letter and the domain."""
    if "@" not in value:
        return generic_mask(value)
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"
