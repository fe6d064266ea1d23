"""Which text encoding undeclared bytes are in: UTF-8, or UTF-16 / UTF-32 (either byte order).

Without a charset, a body (or what base64 or hex decode to) is read as UTF-8; text written as UTF-16
or UTF-32 then looks binary (every other byte of ASCII-range text is NUL) and would only be searched
for printable runs, in which no identifier survives. A byte order mark says the encoding outright;
without one, the NUL pattern of ASCII-range characters does (checked on the first ``SAMPLE`` bytes),
and the whole input must then decode strictly to text without control characters: binary formats with
many small 16-bit numbers (PCM audio, tables) have the NUL pattern but decode to control characters.
"""

from __future__ import annotations

import codecs
import re
from array import array

SAMPLE = 512
"""Bytes looked at to tell the byte order from the NUL pattern (a multiple of 4)."""
MIN_WIDE_BYTES = 8
"""Four UTF-16 characters: shorter inputs are too short to tell text from binary."""
ASCII_SHARE = 0.5
"""Share of the sampled characters that must be in the ASCII range (the NUL pattern's evidence): JSON,
forms and tokens are ASCII whatever language their strings are in."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def wide_codec(data: bytes) -> tuple[str, int] | None:
    """``("utf-16-le", 2)``: the codec ``data`` looks written in and the length of its BOM; None when
    it does not look like UTF-16 or UTF-32 text."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    n = len(data)
    if n < MIN_WIDE_BYTES or n % 2:
        return None
    sample = data[: min(n, SAMPLE)]
    if n % 4 == 0 and (codec32 := _utf32_order(sample)) is not None:
        return codec32, 0
    units = array("H", sample[: len(sample) // 2 * 2])
    if units.count(0):
        return None  # U+0000 is no text, and ASCII-range UTF-32 is full of NUL units
    wanted = len(units) * ASCII_SHARE
    # ASCII-range characters: their high byte is NUL, their low byte is not (no NUL units, above)
    if sample[1::2].count(0) >= wanted:
        return "utf-16-le", 0
    if sample[0::2].count(0) >= wanted:
        return "utf-16-be", 0
    return None


def _utf32_order(sample: bytes) -> str | None:
    chars = len(sample) // 4
    if array("I", sample[: chars * 4]).count(0):
        return None
    # Every code point is below U+110000: its top byte is NUL and the next one at most 0x10.
    if sample[3::4].count(0) == chars and max(sample[2::4]) <= 0x10 and sample[1::4].count(0) >= chars * ASCII_SHARE:
        return "utf-32-le"
    if sample[0::4].count(0) == chars and max(sample[1::4]) <= 0x10 and sample[2::4].count(0) >= chars * ASCII_SHARE:
        return "utf-32-be"
    return None


def wide_text(data: bytes, partial: bool = False) -> tuple[str, str] | None:
    """``(text, codec)`` when ``data`` is UTF-16 or UTF-32 text (BOM removed) without control characters.
    ``partial``: ``data`` is the start of a longer output, and may end inside a character."""
    found = wide_codec(data)
    if found is None:
        return None
    codec, bom = found
    try:
        text = codecs.getincrementaldecoder(codec)().decode(data[bom:], final=not partial)
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(text) is not None:
        return None
    # A BOM is two bytes that noise holds too (0xFE 0xFF): what follows must show the same evidence the
    # NUL pattern gives, ASCII-range characters, or it is bytes that happen to pair into code points.
    if bom and sum(c < "\x80" for c in text[: SAMPLE // 2]) < min(len(text), SAMPLE // 2) * ASCII_SHARE:
        return None
    return text, codec


def undeclared_text(data: bytes, partial: bool = False) -> tuple[str, str | None] | None:
    """``data`` as text, with the codec step to record (None for UTF-8, the default reading): UTF-8
    without control characters, else UTF-16 or UTF-32 as ``wide_text`` finds it; None for binary."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, False) if partial else data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and _CONTROL.search(text) is None:
        return text, None
    return wide_text(data, partial)
