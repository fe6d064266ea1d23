"""Base32 (RFC 4648 §6, and the "extended hex" alphabet of §7) as it is written into DNS labels.

Base64 cannot travel in a DNS name: resolvers may change the case of every letter (0x20
randomisation) and ``+``/``/`` are not hostname characters. Tunnels and SDK beacons that put data in
query names therefore use hex (handled by the sniffing every value gets) or base32, one case of
letters and the digits 2–7, usually unpadded. The standard library decodes both alphabets; this only
decides when a label is worth trying.
"""

from __future__ import annotations

import base64
import binascii
import re

MIN_BASE32 = 16
"""Shortest label worth decoding (10 bytes): shorter ones are words and ids far more often than data,
and every identifier of interest is at least 12 bytes of text."""

_BASE32 = re.compile(r"[A-Z2-7]+")
_BASE32_HEX = re.compile(r"[0-9A-V]+")
# Unpadded lengths (mod 8) that no byte count encodes to.
_IMPOSSIBLE_LENGTHS = frozenset({1, 3, 6})


def base32_bytes(text: str) -> bytes | None:
    """The bytes a base32 label (either alphabet, any case, padded or not) stands for; None when it is
    not base32. Digits-only text is left to the hex and digit readers: it is base32-hex by accident."""
    body = text.rstrip("=").upper()
    if len(body) < MIN_BASE32 or len(body) % 8 in _IMPOSSIBLE_LENGTHS or body.isdigit():
        return None
    padded = body + "=" * (-len(body) % 8)
    for alphabet, decode in ((_BASE32, base64.b32decode), (_BASE32_HEX, base64.b32hexdecode)):
        if alphabet.fullmatch(body) is None:
            continue
        try:
            return decode(padded)
        except binascii.Error:
            continue
    return None
