"""Which fields of a request could hold a format match: one pass over all values joined, not one per value.

Python's regex engine costs 10-20 ns per character on patterns that start with a character class (the
candidate regex in ``formats``), and a request holds hundreds of values; but a byte translation and a
literal ``find`` run at memory speed. So the values are joined with NUL (no candidate can contain or
cross it), the join is translated into two small alphabets, and each alternative of
``formats._CANDIDATES`` is reduced to literal features it cannot match without:

=========  ================================================  ====================================
candidate  what every match contains                         feature
=========  ================================================  ====================================
mac        ``hh[:-]hh`` five times                           ``xx:xx:xx:xx:xx:xx`` in HEX_CLASS
cisco      ``hhhh.hhhh.hhhh``                                ``xxxx.xxxx.xxxx`` in HEX_CLASS
imeidash   ``dd[- ]dddddd[- ]dddddd[- ]d``                    ``xx:xxxxxx:xxxxxx:x`` in HEX_CLASS
uuid, hex  a whole hex run of 8-16 characters                a maximal ``x`` run of 8-16
digits     8-20 digits (+F) ending a hex run                 a longer run whose tail is digits
eficcid    a whole hex run of 20, F second to last           that run
latlon     a digit, optional ASCII space, then ``,``         ``,`` after ``0``/``1`` (or `` ``) in DIGIT_CLASS
phone      ``+`` or ``00`` then 1-9                           ``+1`` or ``001`` in DIGIT_CLASS
email      ``@``                                             ``@``
=========  ================================================  ====================================

plus the free-text serial labels and Android cell-identity field names (``mCid=``) ``scan`` looks
for (an NMEA position, ``ddmm.mmmm,N``, always holds the latlon feature). A field with none of these
features yields no candidate, so the per-value work (scan, validators) runs only on the fields that
have one. The features are necessary conditions, never sufficient: a flagged field goes through the
full scan; ``tests/test_detect_prefilter.py`` checks that property.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate, count
from operator import add

_HEX = b"0123456789abcdefABCDEF"
_SEPARATORS = b":- \t\n\r\f\v"  # [:-] of a MAC, [- ] of a dashed IMEI (and \s, harmlessly)
_ASCII_SPACE = b" \t\n\r\f\v"  # \s under re.ASCII


def _table(pairs: dict[bytes, int]) -> bytes:
    table = bytearray(b"_" * 256)
    for chars, cls in pairs.items():
        for c in chars:
            table[c] = cls
    return bytes(table)


HEX_CLASS = _table({_HEX: ord("x"), _SEPARATORS: ord(":"), b".": ord(".")})
DIGIT_CLASS = _table({b"0": ord("0"), b"123456789": ord("1"), b",": ord(","), _ASCII_SPACE: ord(" "), b"+": ord("+")})

_HEX_LITERALS = (b"xx:xx:xx:xx:xx:xx", b"xxxx.xxxx.xxxx", b"xx:xxxxxx:xxxxxx:x")
_DIGITS = b"01"
_SPACE = ord(" ")
_TEXT_LITERALS = ("@", "serial", "sn", "SERIAL", "SN", "mCi", "mNci")
_HEX_RUNS = re.compile(rb"xxxxxxxx+")  # a literal prefix: found by fast search, not tried at every byte
_FS = (b"F", b"f")


class Joined:
    """The values of one request joined by NUL; maps an offset in the joined text back to its value."""

    __slots__ = ("text", "_count", "_starts", "_last")

    def __init__(self, values: list[str]):
        self.text = text = "\x00".join(values)
        self._count = len(values)
        self._starts: list[int] | None = None
        if text.count("\x00") != len(values) - 1 and values:
            # A value holds NUL itself: separators cannot be counted, so every start is computed.
            self._starts = list(map(add, accumulate(map(len, values), initial=0), count()))[:-1]
        self._last = (0, 0)  # (offset, value index) of the previous look-up

    def index(self, pos: int) -> int:
        """The value that character ``pos`` of the joined text belongs to.

        Look-ups mostly come in increasing order, so separators are counted from the previous one.
        """
        if self._starts is not None:
            return bisect_right(self._starts, pos) - 1
        last_pos, last_index = self._last
        if pos < last_pos:
            last_pos, last_index = 0, 0
        k = last_index + self.text.count("\x00", last_pos, pos)
        self._last = (pos, k)
        return k

    def end_of(self, k: int, pos: int) -> int:
        """Where value ``k`` (which holds offset ``pos``) ends: the start of the next one."""
        if self._starts is not None:
            return self._starts[k + 1] if k + 1 < self._count else len(self.text)
        nul = self.text.find("\x00", pos)
        return nul + 1 if nul >= 0 else len(self.text)


def _features(text: str, resume, text_literals: tuple[str, ...] = ()) -> Iterator[tuple[int, int]]:
    """(start, end) of feature occurrences that a candidate match must overlap (and of
    ``text_literals``); after each one the search resumes at ``resume(start, end)``."""
    raw = text.encode("latin-1", "replace")  # one byte per character: offsets stay the same
    hex_class = raw.translate(HEX_CLASS)
    digit_class = raw.translate(DIGIT_CLASS)
    for haystack, literals in ((hex_class, _HEX_LITERALS), (digit_class, (b"001",)), (text, text_literals)):
        find = haystack.find
        for literal in literals:
            i = find(literal)
            while i >= 0:
                end = i + len(literal)
                yield i, end
                i = find(literal, resume(i, end))
    # A needle of one character is found by memchr, far faster than a short needle whose last
    # character is common (digits): ',' and '+' are looked for alone and their neighbours checked.
    find = digit_class.find
    i = find(b",")
    while i >= 0:
        before = digit_class[i - 1] if i else 0
        if before in _DIGITS or (before == _SPACE and i >= 2 and digit_class[i - 2] in _DIGITS):
            yield max(0, i - 2), i + 1
            i = find(b",", resume(i, i + 1))
        else:
            i = find(b",", i + 1)
    i = find(b"+")
    while i >= 0:
        if digit_class[i + 1 : i + 2] == b"1":
            yield i, i + 2
            i = find(b"+", resume(i, i + 2))
        else:
            i = find(b"+", i + 1)
    # Hex runs: a whole run of 8-16 (hex, uuid's first group, digits), or a longer run ending in ≥ 8
    # digits (+F) (the digits candidate only needs a non-digit before it); the match then ends the run.
    for m in _HEX_RUNS.finditer(hex_class):
        start, end = m.span()
        if end - start <= 16:
            yield start, end
        elif raw[end - 8 : end].isdigit() or (raw[end - 1 : end] in _FS and raw[end - 9 : end - 1].isdigit()):
            yield end - 1, end
        elif end - start == 20 and raw[end - 2 : end - 1] in _FS:
            yield start, end


def candidate_fields(joined: Joined) -> set[int]:
    """Indexes of the values that may hold a format candidate, an e-mail address or a serial label."""
    flagged: set[int] = set()
    if not joined.text:
        return flagged
    index, end_of = joined.index, joined.end_of

    def next_value(start: int, end: int) -> int:
        # Once a value is flagged there is no need to look further inside it.
        return end_of(index(start), start)

    for start, _ in _features(joined.text, next_value, _TEXT_LITERALS):
        flagged.add(index(start))
    return flagged


MAX_MATCH = 48
"""Longer than any candidate match with its look-around (latlon, the longest, is 36 characters)."""


def candidate_windows(text: str) -> list[tuple[int, int]]:
    """Disjoint, ordered (lo, hi) spans of ``text`` such that every candidate match starts and ends
    inside one of them: the candidate regex need not run anywhere else."""
    spans = sorted(
        (max(0, start - MAX_MATCH), end + 2 * MAX_MATCH)
        # the next occurrence searched from start + MAX_MATCH: any skipped one lies within this span
        for start, end in _features(text, lambda start, end: start + MAX_MATCH)
    )
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged
